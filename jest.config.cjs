// One jest run for the whole workspace. `pnpm test` runs unit and integration suites on the embedded
// adapters; `pnpm test:infra` (KLAXON_TEST_INFRA=1) runs the integration suites on real PostgreSQL
// and Kafka (given by KLAXON_TEST_* variables, or started by packages/testing/src/global-setup.ts).
const infra = process.env.KLAXON_TEST_INFRA === '1';

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services'],
  // *.int.test.ts run on both backends; *.infra.test.ts need real Kafka, so only under test:infra.
  testMatch: infra ? ['**/test/**/*.int.test.ts', '**/test/**/*.infra.test.ts'] : ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: infra ? ['/node_modules/'] : ['/node_modules/', '\\.infra\\.test\\.ts$'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
    // light-my-request (app.inject) needs cookie@2, which is ESM-only; jest on Node 20 cannot
    // require ESM, so that one package is transpiled to CommonJS.
    '/node_modules/\\.pnpm/cookie@[^/]+/node_modules/cookie/.+\\.js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!\\.pnpm/cookie@|cookie/)'],
  testTimeout: infra ? 120_000 : 60_000,
  // Two cores: one worker per core; integration suites are I/O bound.
  maxWorkers: 2,
  globalSetup: '<rootDir>/packages/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/packages/testing/src/global-teardown.ts',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
