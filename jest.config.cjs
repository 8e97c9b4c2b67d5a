// One jest run for the whole workspace. `pnpm test` runs unit and integration suites on the embedded
// adapters; `pnpm test:infra` (KLAXON_TEST_INFRA=1) runs the integration suites on real PostgreSQL
// and Kafka (given by KLAXON_TEST_* variables, or started by packages/testing/src/global-setup.ts).
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
    // light-my-request (app.inject) needs cookie@2, which is ESM-only, and PGlite's CommonJS build
    // loads Node modules with dynamic import(); jest on Node 20 runs neither without
    // --experimental-vm-modules, so those two packages are transpiled to plain CommonJS.
    '/node_modules/\\.pnpm/cookie@[^/]+/node_modules/cookie/.+\\.js$': esmToCjs,
    '/node_modules/\\.pnpm/@electric-sql\\+pglite@[^/]+/node_modules/@electric-sql/pglite/dist/.+\\.cjs$': esmToCjs,
  },
  transformIgnorePatterns: [
    '/node_modules/(?!\\.pnpm/cookie@|cookie/|\\.pnpm/@electric-sql\\+pglite@|@electric-sql/pglite/)',
  ],
  testTimeout: infra ? 120_000 : 60_000,
  // Two cores: one worker per core; integration suites are I/O bound.
  maxWorkers: 2,
  globalSetup: '<rootDir>/packages/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/packages/testing/src/global-teardown.ts',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
