import { randomBytes } from 'node:crypto';
import { type DatabaseHandle, openDatabase } from '@klaxon/db';
import { Client } from 'pg';

/**
 * Integration suites run on the embedded adapters (embedded PostgreSQL, Postgres log) under
 * `pnpm test`, and on real PostgreSQL 15 and Kafka under `pnpm test:infra`; jest's global setup
 * starts them and sets these variables.
 */
export const infra = {
  enabled: process.env.KLAXON_TEST_INFRA === '1',
  databaseUrl: process.env.KLAXON_TEST_DATABASE_URL ?? '',
  kafkaBrokers: (process.env.KLAXON_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean),
};

/** The server testDatabase() makes databases on: the infra one, or the run's embedded one. */
function serverUrl(): string {
  const url = infra.enabled ? infra.databaseUrl : (process.env.KLAXON_TEST_EMBEDDED_DATABASE_URL ?? '');
  if (!url) throw new Error('no test database server: run the suites through jest (its global setup starts one)');
  return url;
}

/** A short random suffix for names (databases, topics, groups) no other test uses. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}

export interface TestDatabase extends DatabaseHandle {
  /** The connection URL of the fresh database. */
  readonly url: string;
}

/** A fresh, empty database for one test file, on the test server (embedded or real). */
export async function testDatabase(): Promise<TestDatabase> {
  const server = serverUrl();
  const name = `klaxon_test_${uniqueSuffix()}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const dropper = new Client({ connectionString: server });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
