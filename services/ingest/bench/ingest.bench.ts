import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKafkaBus, publishTo } from '@klaxon/bus';
import { allTopics, timestampFromDate, topics } from '@klaxon/contracts';
import { createLogger } from '@klaxon/kit';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { alertBody, startAlertmanager } from './alertmanager-peer';

// pnpm bench:ingest — Events API v2 throughput and latency, each figure with the ratio to a bare
// Fastify route measured in the same run (machines are noisy; ratios travel, absolute numbers don't),
// and to a peer measured in the same run: Prometheus Alertmanager's own intake (POST /api/v2/alerts,
// one alert per request), see alertmanager-peer.ts.
// Needs KLAXON_TEST_DATABASE_URL and KLAXON_TEST_KAFKA_BROKERS (scripts/bench.sh starts both).

const repoRoot = path.resolve(__dirname, '..', '..', '..');
/**
 * A checkout of other code (another commit, installed) to measure ingest on Kafka against in the same
 * run: its runs and this checkout's alternate, twice each, and the report gives this / baseline.
 */
const BASELINE_ROOT = process.env.BENCH_BASELINE_ROOT;
const log = createLogger({ level: 'warn', name: 'bench' });
const KEYS = 1000;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const FIXED_RATE = 1000;

const databaseUrl = process.env.KLAXON_TEST_DATABASE_URL ?? '';
const brokers = (process.env.KLAXON_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (!databaseUrl || brokers.length === 0) throw new Error('set KLAXON_TEST_DATABASE_URL and KLAXON_TEST_KAFKA_BROKERS');

const keys = Array.from({ length: KEYS }, (_, i) => `bench${String(i).padStart(27, '0')}`);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function freshDatabase(): Promise<string> {
  const name = `klaxon_bench_${Date.now()}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

interface Target {
  name: string;
  port: number;
  child: ChildProcess;
  /** Where the events go and what they look like; Klaxon's Events API v2 unless said otherwise. */
  path?: string;
  body?: () => string;
  /** Peers are compared with, not to: no ratio to themselves. */
  peer?: boolean;
}

async function start(name: string, script: string, env: Record<string, string>, root = repoRoot): Promise<Target> {
  const port = await freePort();
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, script)], {
    cwd: root,
    env: { ...process.env, KLAXON_PORT: String(port), KLAXON_HOST: '127.0.0.1', KLAXON_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return { name, port, child };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stop(target: Target): Promise<void> {
  const exited = new Promise((r) => target.child.once('exit', r));
  target.child.kill('SIGTERM');
  await exited;
}

function seedMessages() {
  return keys.map((key, i) => ({
    id: `bench-${i}`,
    entityType: 'integration',
    entityId: `PBENCH${i}`,
    version: BigInt(Date.now()),
    snapshotJson: JSON.stringify({
      id: `PBENCH${i}`,
      type: 'events_api_v2_inbound_integration',
      integration_key: key,
      service: { id: `PSVC${i % 50}` },
    }),
    changedAt: timestampFromDate(new Date()),
  }));
}

let seq = 0;
const body = () =>
  JSON.stringify({
    routing_key: keys[seq % KEYS],
    event_action: 'trigger',
    dedup_key: `bench-${seq++}`,
    payload: {
      summary: `CPU load high on web-${seq % 97}.example.com`,
      source: `web-${seq % 97}.example.com`,
      severity: 'critical',
      component: 'cpu',
      custom_details: { load: 0.97, cores: 8 },
    },
  });

/** Services with 200 Events API v2 integrations each, through the REST API; returns the keys. */
async function integrationsThroughRest(port: number, token: string): Promise<string[]> {
  const call = async (url: string, body: object) => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`, {
      method: 'POST',
      headers: {
        authorization: `Token token=${token}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        'content-type': 'application/json',
        from: 'owner@klaxon.local',
      },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, Record<string, string>>;
  };
  const made: string[] = [];
  for (let s = 0; made.length < KEYS; s++) {
    const { service } = await call('/services', { service: { type: 'service', name: `bench service ${s}` } });
    for (let i = 0; i < 200 && made.length < KEYS; i++) {
      const { integration } = await call(`/services/${service?.id}/integrations`, {
        integration: { type: 'events_api_v2_inbound_integration', name: `bench ${s}/${i}` },
      });
      made.push(integration?.integration_key ?? '');
    }
  }
  return made;
}

/** Waits until grouping has turned the warm-up's events into incidents: no backlog under the measurement. */
async function incidentsSettled(port: number, token: string, expected: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/incidents?total=true&limit=1&date_range=all`, {
      headers: { authorization: `Token token=${token}`, accept: 'application/vnd.pagerduty+json;version=2' },
    });
    const body = (await res.json()) as { total?: number };
    if ((body.total ?? 0) >= expected) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('grouping did not catch up with the warm-up');
}

/** Every key once, checking each answer: warms the JIT and proves the routes are known. */
async function warmUp(port: number): Promise<void> {
  for (let i = 0; i < KEYS; i += 50) {
    const answers = await Promise.all(
      keys.slice(i, i + 50).map(async (key) => {
        for (let attempt = 0; attempt < 50; attempt++) {
          const res = await fetch(`http://127.0.0.1:${port}/v2/enqueue`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              routing_key: key,
              event_action: 'trigger',
              payload: { summary: 'warm', source: 'b', severity: 'info' },
            }),
          });
          if (res.status === 202) return 202;
          await new Promise((r) => setTimeout(r, 100));
        }
        return 0;
      }),
    );
    if (answers.some((a) => a !== 202)) throw new Error('warm-up: some keys are not routed');
  }
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(target: Target, overallRate?: number): Promise<Figures> {
  const makeBody = target.body ?? body;
  const result = await autocannon({
    url: `http://127.0.0.1:${target.port}${target.path ?? '/v2/enqueue'}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    duration: DURATION_S,
    ...(overallRate ? { overallRate } : {}),
    requests: [{ setupRequest: (req) => ({ ...req, body: makeBody() }) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors,
  };
}

interface Row {
  name: string;
  peer: boolean;
  max: Figures;
  /** Fixed-rate runs: latency as a sender at that rate sees it. */
  fixed: { rate: number; figures: Figures }[];
}

/** Fixed rates first, lowest first, then flat out: an overload leaves a backlog behind it. */
async function measure(target: Target, rates: number[] = [FIXED_RATE]): Promise<Row> {
  const fixed = [];
  for (const rate of [...rates].sort((a, b) => a - b)) fixed.push({ rate, figures: await load(target, rate) });
  const max = await load(target);
  return { name: target.name, peer: target.peer ?? false, max, fixed };
}

async function main(): Promise<void> {
  const rows: Row[] = [];

  const bare = await start('bare Fastify (ceiling)', 'services/ingest/bench/bare-server.ts', {});
  await warmUp(bare.port);
  rows.push(await measure(bare));
  await stop(bare);

  const alertmanager = await startAlertmanager(freePort);
  if ('why' in alertmanager) {
    process.stdout.write(`Alertmanager peer skipped: ${alertmanager.why}\n`);
  } else {
    const target: Target = {
      name: 'Alertmanager POST /api/v2/alerts (peer)',
      port: alertmanager.port,
      child: alertmanager.child,
      path: '/api/v2/alerts',
      body: alertBody,
      peer: true,
    };
    rows.push(await measure(target));
    await stop(target);
    alertmanager.cleanup();
  }

  // Kafka + PostgreSQL: ingest alone, durable appends (acks=all).
  const kafkaBus = await createKafkaBus({ brokers, clientId: 'klaxon-bench', log });
  await kafkaBus.ensureTopics(allTopics);
  await publishTo(kafkaBus, topics.catalogChanges, seedMessages());
  await kafkaBus.close();
  const ingestOnKafka = async (name: string, root?: string) => {
    const kafka = await start(
      name,
      'services/ingest/src/main.ts',
      {
        KLAXON_DATABASE_URL: await freshDatabase(),
        KLAXON_KAFKA_BROKERS: brokers.join(','),
        KLAXON_INGEST_RATE_LIMIT: '100000000',
      },
      root,
    );
    await warmUp(kafka.port);
    const row = await measure(kafka);
    await stop(kafka);
    return row;
  };
  if (BASELINE_ROOT) {
    // Alternating, so a change in the machine's load meets both alike.
    const pairs: [Row, Row][] = [];
    for (let round = 1; round <= 2; round++) {
      const baseline = await ingestOnKafka(`ingest on Kafka, baseline, run ${round}`, BASELINE_ROOT);
      const current = await ingestOnKafka(`ingest on Kafka, this code, run ${round}`);
      rows.push(baseline, current);
      pairs.push([baseline, current]);
    }
    const ratio = (f: (r: Row) => number) => pairs.map(([b, c]) => (f(c) / f(b)).toFixed(2)).join(', ');
    process.stdout.write(
      `this code / baseline, per round: max events/s ${ratio((r) => r.max.rps)}; p99 at max ${ratio((r) => r.max.p99)}; ` +
        `p99 at ${FIXED_RATE}/s ${ratio((r) => r.fixed[0]?.figures.p99 ?? Number.NaN)}\n`,
    );
  } else {
    rows.push(await ingestOnKafka('ingest on Kafka'));
  }

  if (process.env.BENCH_SKIP_ALL_IN_ONE) return report(rows);
  // All-in-one as `pnpm start` runs it: the embedded PostgreSQL and the Postgres-log bus, the 1,000
  // integrations made through the REST API like an operator would.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'klaxon-bench-'));
  const token = `bench-${Date.now()}-bootstrap-token`;
  const aio = await start('all-in-one (embedded PostgreSQL, Postgres-log bus)', 'services/all-in-one/src/main.ts', {
    KLAXON_DATABASE_URL: '',
    KLAXON_KAFKA_BROKERS: '',
    KLAXON_DATA_DIR: dataDir,
    KLAXON_BOOTSTRAP_TOKEN: token,
    KLAXON_INGEST_RATE_LIMIT: '100000000',
    KLAXON_API_RATE_LIMIT: '1000000',
  });
  keys.splice(0, keys.length, ...(await integrationsThroughRest(aio.port, token)));
  await warmUp(aio.port);
  await incidentsSettled(aio.port, token, KEYS);
  // One Node thread runs HTTP and every consumer (the database has processes of its own); 100/s is
  // the rate at which the all-in-one on its former single-connection WASM database took seconds.
  rows.push(await measure(aio, [FIXED_RATE, 100]));
  await stop(aio);
  rmSync(dataDir, { recursive: true, force: true });

  report(rows);
}

function report(rows: Row[]): void {
  const ceiling = rows[0]?.max.rps ?? 1;
  const peer = rows.find((r) => r.peer)?.max.rps;
  const toPeer = (r: Row) => (peer && !r.peer && r !== rows[0] ? (r.max.rps / peer).toFixed(2) : '-');
  const fixed = (r: Row) =>
    r.fixed.map((f) => `${f.rate}/s: p50 ${f.figures.p50} ms, p99 ${f.figures.p99} ms, non-2xx ${f.figures.non2xx}`);
  const lines = [
    `Events API v2 triggers over ${KEYS} integration keys, ${CONNECTIONS} connections, ${DURATION_S} s per run;`,
    'the peer gets one alert per request with unique labels, same connections and duration.',
    '',
    '| target | max events/s | ratio to ceiling | Klaxon / Alertmanager | p50 ms | p99 ms | non-2xx | fixed rate |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${Math.round(r.max.rps)} | ${(r.max.rps / ceiling).toFixed(2)} | ${toPeer(r)} | ${r.max.p50} | ${r.max.p99} | ${r.max.non2xx} | ${fixed(r).join('; ')} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'bench_failed');
  process.exit(1);
});
