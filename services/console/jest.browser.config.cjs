// `pnpm test:browser`: the console driven in Debian's Chromium against a real all-in-one it starts
// itself (embedded PostgreSQL, Postgres-log bus). Apart from `pnpm test`: it needs Chromium.
const path = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: path.join(__dirname, '..', '..'),
  testEnvironment: 'node',
  roots: ['<rootDir>/services/console/test'],
  testMatch: ['**/*.browser.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  testTimeout: 300_000,
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
