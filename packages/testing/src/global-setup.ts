import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '@klaxon/db';
import { pino } from 'pino';

// jest globalSetup. `pnpm test`: one embedded PostgreSQL server (fsync off) for the whole run, on
// which testDatabase() makes a database per test file. `pnpm test:infra`: real PostgreSQL and Kafka;
// given KLAXON_TEST_DATABASE_URL / KLAXON_TEST_KAFKA_BROKERS, use them; else testcontainers when a
// Docker engine answers; else our own scripts (Debian's PostgreSQL 15, Kafka from Maven jars).
// Variables set here reach the test workers, which start after it.

const repoRoot = path.resolve(__dirname, '..', '..', '..');
type Stop = () => Promise<void>;
// jest loads globalTeardown apart from globalSetup; only globals carry state between them.
const holder = globalThis as typeof globalThis & { klaxonInfraStops?: Stop[] };
holder.klaxonInfraStops ??= [];
const stops = holder.klaxonInfraStops;

async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** Runs one of scripts/*-start.sh and returns the VALUE of the `NAME=VALUE` line it prints last. */
function runStartScript(script: string): string {
  const out = execFileSync('bash', [path.join(repoRoot, 'scripts', script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = out.trim().split('\n').pop() ?? '';
  return last.slice(last.indexOf('=') + 1);
}

/** Whether something already listens on a loopback port: then it is someone else's, and we leave it running. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startUnlessRunning(what: 'postgres' | 'kafka', port: number): Promise<string> {
  const running = await listening(port);
  const value = runStartScript(`${what}-start.sh`);
  if (!running) stops.push(async () => void runStartScript(`${what}-stop.sh`));
  return value;
}

async function startEmbeddedServer(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-test-postgres-'));
  const log = pino({ level: process.env.KLAXON_TEST_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), log, durable: false });
  process.env.KLAXON_TEST_EMBEDDED_DATABASE_URL = server.url;
  stops.push(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
}

export default async function globalSetup(): Promise<void> {
  if (process.env.KLAXON_TEST_INFRA !== '1') return startEmbeddedServer();
  const needDb = !process.env.KLAXON_TEST_DATABASE_URL;
  const needKafka = !process.env.KLAXON_TEST_KAFKA_BROKERS;
  if (!needDb && !needKafka) return;

  if (await dockerAvailable()) {
    if (needDb) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const pg = await new PostgreSqlContainer('postgres:15').start();
      process.env.KLAXON_TEST_DATABASE_URL = pg.getConnectionUri();
      stops.push(async () => void (await pg.stop()));
    }
    if (needKafka) {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const kafka = await new KafkaContainer('confluentinc/cp-kafka:8.0.0').withKraft().start();
      process.env.KLAXON_TEST_KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
      stops.push(async () => void (await kafka.stop()));
    }
    return;
  }
  if (needDb) {
    process.env.KLAXON_TEST_DATABASE_URL = await startUnlessRunning(
      'postgres',
      Number(process.env.KLAXON_PG_PORT ?? 55432),
    );
  }
  if (needKafka) {
    process.env.KLAXON_TEST_KAFKA_BROKERS = await startUnlessRunning(
      'kafka',
      Number(process.env.KLAXON_KAFKA_PORT ?? 19092),
    );
  }
}

export async function globalTeardown(): Promise<void> {
  for (const stop of (holder.klaxonInfraStops ?? []).splice(0).reverse()) await stop();
}
