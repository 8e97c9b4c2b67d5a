import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from '@klaxon/db';
import { freePort, infra, type TestDatabase, testDatabase, waitFor } from '@klaxon/testing';

// The all-in-one runs grouping's, escalation's and notify's relays on its worker thread; a relay
// there that fails every pass must make the process's /readyz (served by the main thread) not ready,
// naming it, as a service run alone would.
const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('all-in-one /readyz and the background thread', () => {
  let db: TestDatabase;
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'klaxon-readyz-'));

  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 naming a failing relay of the worker, and 200 again once it publishes', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'src', 'main.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        KLAXON_PORT: String(port),
        KLAXON_HOST: '127.0.0.1',
        KLAXON_DATA_DIR: dataDir,
        KLAXON_DATABASE_URL: db.url,
        KLAXON_KAFKA_BROKERS: infra.enabled ? infra.kafkaBrokers.join(',') : '',
        KLAXON_LOG_LEVEL: 'fatal',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const readyz = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return res ? { status: res.status, body: (await res.json()) as { failed?: string[] } } : undefined;
    };
    await waitFor(async () => (await readyz())?.status === 200, { what: 'ready', timeoutMs: 120_000, intervalMs: 500 });

    // A message the bus can never take (no such topic) holds grouping's relay, which the worker runs.
    await db.db.execute(
      sql`insert into grouping.outbox (topic, key, value) values ('no.such.topic', 'k', '\\x00'::bytea)`,
    );
    const notReady = await waitFor(
      async () => {
        const r = await readyz();
        return r?.status === 503 ? r.body : undefined;
      },
      { what: 'not ready', timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(notReady.failed).toEqual(['background/grouping_outbox_relay']);

    await db.db.execute(sql`delete from grouping.outbox where topic = 'no.such.topic'`);
    await waitFor(async () => (await readyz())?.status === 200, {
      what: 'ready again',
      timeoutMs: 90_000,
      intervalMs: 500,
    });
  }, 330_000);
});
