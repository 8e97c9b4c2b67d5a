import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, sql } from '@klaxon/db';
import { createLogger } from '@klaxon/kit';
import { watchIncidents } from './incident-watch';
import { cpuSecondsOf, eventLoopDelay, type KlaxonProcess, rssOf, startAllInOne } from './klaxon-process';
import { sendOpenLoop } from './open-loop';
import { type Figures, printTable, type RunSpec, summarize } from './pipeline-report';
import { inParallel, restClient } from './rest-client';
import { createCatalog, eventBody, expectations, type Mix, planEvents, type Service } from './workload';

// pnpm bench:pipeline — the whole pipeline as a user meets it: the all-in-one started as `pnpm start`
// starts it, services and integrations made through the REST API, Events API v2 events sent at a
// fixed offered rate by an open-loop sender, and incidents read back from GET /incidents.
//
//   BENCH_SETUPS        default,postgres-kafka   default = embedded storage; postgres-kafka needs
//                                               KLAXON_TEST_DATABASE_URL / KLAXON_TEST_KAFKA_BROKERS
//   BENCH_RATES         100,500,1000,2000        offered events/s, one run each
//   BENCH_DURATION_S    15                       seconds of sending per run
//   BENCH_HARD_RATE     lowest rate              one more run at this rate with the hard mix; `none` skips it
//   BENCH_CONNECTIONS   256                      keep-alive connections of the sender
//   BENCH_DRAIN_TIMEOUT_S 180                    how long to wait for the incidents after sending
//   BENCH_NODE_FLAGS    unset                    node flags for the server, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof
//   BENCH_MEMORY_EVENTS unset                    instead of the rates: this many events at BENCH_MEMORY_RATE (200/s), then RSS
//
// Each run gets a fresh child process, data folder, database and (when scripts/bench.sh started it)
// Kafka broker, so a backlog left by one run never counts in the next. Results: a table on stdout and
// bench-results/pipeline-<timestamp>.json.

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const log = createLogger({ level: 'info', name: 'bench-pipeline' });
const env = process.env;
const list = (v: string | undefined, fallback: string) =>
  (v ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const setups = list(env.BENCH_SETUPS, 'default,postgres-kafka');
const rates = list(env.BENCH_RATES, '100,500,1000,2000')
  .map(Number)
  .sort((a, b) => a - b);
const durationS = Number(env.BENCH_DURATION_S ?? 15);
const hardRate = env.BENCH_HARD_RATE === 'none' ? undefined : Number(env.BENCH_HARD_RATE ?? rates[0]);
const connections = Number(env.BENCH_CONNECTIONS ?? 256);
const drainTimeoutMs = Number(env.BENCH_DRAIN_TIMEOUT_S ?? 180) * 1000;
const memoryEvents = env.BENCH_MEMORY_EVENTS ? Number(env.BENCH_MEMORY_EVENTS) : undefined;
const memoryRate = Number(env.BENCH_MEMORY_RATE ?? 200);

function runSpecs(): RunSpec[] {
  if (memoryEvents) {
    return [{ rate: memoryRate, mix: 'unique', count: memoryEvents, durationS: memoryEvents / memoryRate }];
  }
  const specs: RunSpec[] = [];
  for (const rate of rates) {
    specs.push({ rate, mix: 'unique', count: rate * durationS, durationS });
    if (rate === hardRate) specs.push({ rate, mix: 'hard', count: rate * durationS, durationS });
  }
  if (hardRate !== undefined && !rates.includes(hardRate)) {
    specs.push({ rate: hardRate, mix: 'hard', count: hardRate * durationS, durationS });
  }
  return specs;
}

/** A new, empty database on the bench's PostgreSQL server for one run. */
async function freshDatabase(base: string, name: string): Promise<string> {
  const admin = await openDatabase({ url: base, poolSize: 1 });
  await admin.db.execute(sql.raw(`create database ${name}`));
  await admin.close();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(base: string, name: string): Promise<void> {
  const admin = await openDatabase({ url: base, poolSize: 1 });
  await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
  await admin.close();
}

/**
 * The all-in-one names its topics and consumer groups without a per-run prefix, so a run on a used
 * broker would inherit the last run's catalog and backlog; a broker scripts/bench.sh started is
 * restarted instead (kafka-start.sh formats a fresh log directory).
 */
function freshKafka(): void {
  if (env.KLAXON_BENCH_KAFKA_RESTART !== '1') return;
  execFileSync('bash', ['scripts/kafka-stop.sh'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'ignore'] });
  execFileSync('bash', ['scripts/kafka-start.sh'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'ignore'] });
}

/** One event per key that creates nothing (a resolve of an unknown dedup key): proves every key routed, warms the JIT. */
async function warmUp(baseUrl: string, services: Service[]): Promise<void> {
  const keys = services.flatMap((s) => s.keys);
  await inParallel(
    keys.map((key) => async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const res = await fetch(`${baseUrl}/v2/enqueue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ routing_key: key, event_action: 'resolve', dedup_key: `warm-up-${key}` }),
        });
        await res.arrayBuffer();
        if (res.status === 202) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`warm-up: key ${key} is not routed`);
    }),
    32,
  );
}

/**
 * The tree's CPU seconds once it has gone quiet (under a third of a core for a second, or after 60
 * s; an idle all-in-one uses about a sixth polling): the incidents are visible before escalation and
 * notify are done with them, and their work counts.
 */
async function cpuWhenIdle(pid: number): Promise<number> {
  let last = cpuSecondsOf(pid);
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuSecondsOf(pid);
    if (now - last < 0.33) return now;
    last = now;
  }
  return last;
}

/** Messages per consumer transaction, per group, over the child's life (klaxon_consumer_batch_size_messages). */
async function meanBatchSizes(baseUrl: string): Promise<Record<string, string>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  // Summed over the series of one group (the serving and background threads label theirs apart).
  const of = (suffix: string) => {
    const totals = new Map<string, number>();
    const pattern = new RegExp(`^klaxon_consumer_batch_size_messages_${suffix}\\{([^}]*)\\} (\\S+)$`, 'gm');
    for (const m of text.matchAll(pattern)) {
      const group = /group="([^"]+)"/.exec(m[1] ?? '')?.[1] ?? '';
      totals.set(group, (totals.get(group) ?? 0) + Number(m[2]));
    }
    return totals;
  };
  const sums = of('sum');
  const counts = of('count');
  const mean: Record<string, string> = {};
  for (const [group, n] of counts) mean[group] = `${((sums.get(group) ?? 0) / (n || 1)).toFixed(1)} x ${n}`;
  return mean;
}

/** RSS and event-loop delay sampled each second while a run lasts: the peaks, not only the end. */
function sampler(child: KlaxonProcess) {
  const peak = { rssMb: 0, loopP99Ms: 0, loopMaxMs: 0, loopSeen: false };
  const timer = setInterval(() => {
    peak.rssMb = Math.max(peak.rssMb, rssOf(child.pid).serverMb);
    void eventLoopDelay(child.baseUrl).then((d) => {
      if (!d) return;
      peak.loopSeen = true;
      peak.loopP99Ms = Math.max(peak.loopP99Ms, d.p99Ms);
      peak.loopMaxMs = Math.max(peak.loopMaxMs, d.maxMs);
    });
  }, 1000);
  return { peak, stop: () => clearInterval(timer) };
}

async function measure(setup: string, spec: RunSpec, brokers: string, databaseUrl?: string): Promise<Figures> {
  const runId = `r${Date.now().toString(36)}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'klaxon-pipeline-'));
  const logFile = path.join(tmpdir(), `klaxon-pipeline-${runId}.log`);
  const token = `bench-${runId}-bootstrap-token-0123456789`;
  const child = await startAllInOne(
    {
      KLAXON_DATA_DIR: dataDir,
      KLAXON_DATABASE_URL: databaseUrl ?? '',
      KLAXON_KAFKA_BROKERS: databaseUrl ? brokers : '',
      KLAXON_BOOTSTRAP_TOKEN: token,
      KLAXON_LOG_LEVEL: 'warn',
      // Setup and the watch's polling are not what is measured; PagerDuty's 960/min per token would throttle them.
      KLAXON_API_RATE_LIMIT: '1000000',
      // The sender and the incident watch share one client address standing for many monitoring hosts:
      // the per-address cap (which counted the watch's connections too and answered 429) is off.
      KLAXON_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0',
    },
    logFile,
  );
  try {
    const rest = restClient(child.baseUrl, token);
    const setupStarted = performance.now();
    const services = await createCatalog(rest, spec.mix as Mix, spec.rate, spec.durationS);
    await warmUp(child.baseUrl, services);
    const setupS = (performance.now() - setupStarted) / 1000;
    const idle = rssOf(child.pid);
    const events = planEvents(services, spec.mix as Mix, spec.rate, spec.count, runId);
    const watch = watchIncidents(rest, drainTimeoutMs);
    const samples = sampler(child);
    const cpuBefore = cpuSecondsOf(child.pid);
    log.info({ setup, ...spec, keys: services.reduce((n, s) => n + s.keys.length, 0) }, 'sending');
    const sent = await sendOpenLoop({
      url: `${child.baseUrl}/v2/enqueue`,
      rate: spec.rate,
      count: spec.count,
      connections,
      body: (i) => eventBody(events[i] as (typeof events)[number]),
    });
    const answeredAt = (i: number) => sent.answeredAt[i] as number;
    const dueAt = (i: number) => sent.dueAt[i] as number;
    const expected = expectations(events, (i) => sent.status[i] === 202, answeredAt, dueAt);
    // An event that got no answer (timeout, reset) may still have been appended.
    const upper = expectations(events, (i) => sent.status[i] === 202 || sent.status[i] === 0, answeredAt, dueAt);
    watch.expect(expected, upper);
    const watched = await watch.result;
    samples.stop();
    const cpuS = (await cpuWhenIdle(child.pid)) - cpuBefore;
    log.info({ setup, ...spec, batches: await meanBatchSizes(child.baseUrl) }, 'consumer_batches');
    const loopEnd = await eventLoopDelay(child.baseUrl);
    return summarize({
      setup,
      spec,
      keys: services.reduce((n, s) => n + s.keys.length, 0),
      setupS,
      sent,
      expected,
      upper,
      watched,
      rss: { idle, end: rssOf(child.pid), peakServerMb: samples.peak.rssMb },
      cpuS,
      loop: samples.peak.loopSeen
        ? { peakP99Ms: samples.peak.loopP99Ms, peakMaxMs: samples.peak.loopMaxMs, endP99Ms: loopEnd?.p99Ms }
        : undefined,
      logFile,
    });
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const baseDatabaseUrl = env.KLAXON_TEST_DATABASE_URL ?? '';
  const brokers = env.KLAXON_TEST_KAFKA_BROKERS ?? '';
  const results: Figures[] = [];
  for (const setup of setups) {
    if (setup !== 'default' && setup !== 'postgres-kafka') throw new Error(`unknown setup ${setup}`);
    if (setup === 'postgres-kafka' && (!baseDatabaseUrl || !brokers)) {
      log.warn(
        'postgres-kafka needs KLAXON_TEST_DATABASE_URL and KLAXON_TEST_KAFKA_BROKERS (scripts/bench.sh); skipped',
      );
      continue;
    }
    for (const spec of runSpecs()) {
      let dbName: string | undefined;
      try {
        let databaseUrl: string | undefined;
        if (setup === 'postgres-kafka') {
          dbName = `klaxon_pipeline_${Date.now()}`;
          databaseUrl = await freshDatabase(baseDatabaseUrl, dbName);
          freshKafka();
        }
        const figures = await measure(setup, spec, brokers, databaseUrl);
        results.push(figures);
        printTable([figures], false);
      } catch (err) {
        log.error({ err, setup, ...spec }, 'run_failed');
      } finally {
        if (dbName) await dropDatabase(baseDatabaseUrl, dbName).catch(() => undefined);
      }
    }
  }
  const outDir = path.join(repoRoot, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `pipeline-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        commit,
        node: process.version,
        cpus: cpus().length,
        config: { setups, rates, durationS, hardRate, connections, drainTimeoutMs, memoryEvents, memoryRate },
        results,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write('\n');
  printTable(results, true);
  process.stdout.write(`\nJSON: ${path.relative(repoRoot, file)}\n`);
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'bench_failed');
  process.exit(1);
});
