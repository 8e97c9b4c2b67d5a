import { randomBytes } from 'node:crypto';
import { type DatabaseHandle, openDatabase } from '@klaxon/db';
import { Client } from 'pg';

/**
 * Integration suites run on the embedded adapters (PGlite, Postgres log) under `pnpm test`, and on
 * real PostgreSQL and Kafka under `pnpm test:infra`, which sets these variables.
 */
export const infra = {
  enabled: process.env.KLAXON_TEST_INFRA === '1',
  databaseUrl: process.env.KLAXON_TEST_DATABASE_URL ?? '',
  kafkaBrokers: (process.env.KLAXON_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean),
};

/** A short random suffix for names (databases, topics, groups) no other test uses. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}

export interface TestDatabase extends DatabaseHandle {
  /** The connection URL of the fresh database (real PostgreSQL only). */
  readonly url?: string;
}

/** A fresh, empty database for one test file: in-memory PGlite, or a new database on the test server. */
export async function testDatabase(): Promise<TestDatabase> {
  if (!infra.enabled) return openDatabase({ memory: true });
  const name = `klaxon_test_${uniqueSuffix()}`;
  const admin = new Client({ connectionString: infra.databaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(infra.databaseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const dropper = new Client({ connectionString: infra.databaseUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
