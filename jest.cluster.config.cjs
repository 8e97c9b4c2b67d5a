// `pnpm test:cluster`: the distributed end-to-end suites (deploy/test/*.cluster.test.ts) against a
// running dev cluster (scripts/dev-cluster.sh up), through its gateway only. One file at a time:
// the replica kill disturbs the whole cluster.
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/deploy'],
  testMatch: ['**/test/**/*.cluster.test.ts'],
  transform: base.transform,
  transformIgnorePatterns: base.transformIgnorePatterns,
  testTimeout: 240_000,
  maxWorkers: 1,
  reporters: base.reporters,
};
