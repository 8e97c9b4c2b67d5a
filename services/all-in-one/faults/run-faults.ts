import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventAction, EventSource, encode, RoutingStatus, timestampFromDate, topics } from '@klaxon/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { type EventStream, type StreamResult, startStream, summaryOf } from './event-stream';
import { type KillableServer, startKafka, startPostgres } from './infra-servers';
import { type KlaxonProcess, startKlaxon } from './klaxon-processes';

// `pnpm test:faults`: Klaxon under the faults of an operator's worst day, each round counting the
// 202s it gave against the incidents present after recovery (every event has its own summary and
// no dedup_key, so a lost event is a missing incident and a duplicate a second one):
// - all-in-one: kill -9 of the process mid-stream, restart on the same data folder;
// - distributed (catalog, ingest, grouping as their own processes on PostgreSQL 15 and Kafka):
//   kill -9 of PostgreSQL mid-stream, then restart; kill -9 of the Kafka broker mid-stream, then
//   restart; a poison event (text PostgreSQL refuses, as if it slipped past the edge) appended
//   between clean ones.
// Everything on loopback. Last line: "N passed, N failed".

const TOKEN = 'fault-suite-token-0123456789abcdef';
const RATE = Number(process.env.FAULTS_RATE ?? 25);
const LOG_LEVEL = process.env.FAULTS_LOG_LEVEL ?? 'warn';
/** Rounds to run: all-in-one, postgres, kafka, poison (`distributed` is the last three). */
const ONLY = (process.env.FAULTS_ONLY ?? 'all-in-one,distributed').replace('distributed', 'postgres,kafka,poison');
const runs = (round: string) => ONLY.split(',').includes(round);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const work = mkdtempSync(path.join(tmpdir(), 'klaxon-faults-'));
// Run as root, the embedded PostgreSQL runs as `postgres`, which must be able to enter its data folder.
chmodSync(work, 0o711);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function rest<T>(base: string, method: string, url: string, body?: object): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        authorization: `Token token=${TOKEN}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        from: 'owner@klaxon.local',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }).catch(() => undefined);
    if (res?.ok) return (await res.json()) as T;
    if (attempt > 120) throw new Error(`${method} ${url}: ${res?.status} ${await res?.text()}`);
    await sleep(500);
  }
}

interface Urls {
  catalog: () => string;
  ingest: () => string;
  incidents: () => string;
}

/** A service and an Events API v2 key that ingest already routes. */
async function setup(urls: Urls, name: string) {
  const { service } = await rest<{ service: { id: string } }>(urls.catalog(), 'POST', '/services', {
    service: { type: 'service', name },
  });
  const { integration } = await rest<{ integration: { id: string; integration_key: string } }>(
    urls.catalog(),
    'POST',
    `/services/${service.id}/integrations`,
    { integration: { type: 'events_api_v2_inbound_integration', name: 'faults' } },
  );
  return { serviceId: service.id, integrationId: integration.id, key: integration.integration_key };
}

/** Every incident title of a service, counted. */
async function titles(urls: Urls, serviceId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let offset = 0; ; offset += 100) {
    const page = await rest<{ incidents: { title: string }[]; more: boolean }>(
      urls.incidents(),
      'GET',
      `/incidents?service_ids[]=${serviceId}&limit=100&offset=${offset}&date_range=all`,
    );
    for (const i of page.incidents) counts.set(i.title, (counts.get(i.title) ?? 0) + 1);
    if (!page.more || offset > 9_000) return counts;
  }
}

interface RoundReport {
  round: string;
  ok: boolean;
  line: string;
}

/** Waits until every 202 is an incident (or 180 s), then counts lost and duplicated. */
async function settle(
  round: string,
  urls: Urls,
  serviceId: string,
  stream: StreamResult,
  repairedAt: number,
  extra: { failures?: string[]; expectAbsent?: string[] } = {},
): Promise<RoundReport> {
  const wanted = [...stream.accepted.keys()].map((seq) => summaryOf(round, seq));
  let seen = new Map<string, number>();
  const deadline = Date.now() + 180_000;
  let caughtUpAt: number | undefined;
  while (Date.now() < deadline) {
    seen = await titles(urls, serviceId);
    if (wanted.every((t) => seen.has(t))) {
      caughtUpAt = Date.now();
      break;
    }
    await sleep(500);
  }
  // Late copies (duplicates) would come right after; give them a moment.
  await sleep(3_000);
  seen = await titles(urls, serviceId);
  const lost = wanted.filter((t) => !seen.has(t)).length;
  const duplicated = [...seen.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const firstAfter = Math.min(...[...stream.accepted.values()].filter((t) => t >= repairedAt));
  const failures = [...(extra.failures ?? [])];
  if (lost > 0) failures.push(`${lost} lost`);
  if (stream.gaveUp.size > 0) failures.push(`${stream.gaveUp.size} never accepted`);
  if (duplicated > 0) failures.push(`${duplicated} duplicated`);
  for (const t of extra.expectAbsent ?? []) if (seen.has(t)) failures.push(`"${t}" became an incident`);
  const refused = [...stream.refused].map(([s, n]) => `${n}x${s}`).join(' ') || 'none';
  const line =
    `${round}: sent ${stream.sent}, 202 ${stream.accepted.size}, 503 retried ${stream.retried503}, ` +
    `refused connections retried ${stream.retriedRefused}, unanswered ${stream.unknown.size} (${[...stream.unknownCauses].map(([c, n]) => `${n}x${c}`).join(' ')}), other answers ${refused}; ` +
    `lost ${lost}, duplicated ${duplicated}; ` +
    `202s again ${Number.isFinite(firstAfter) ? ((firstAfter - repairedAt) / 1000).toFixed(1) : '-'} s after the restart began, ` +
    `all incidents ${caughtUpAt ? ((caughtUpAt - repairedAt) / 1000).toFixed(1) : 'never'} s after it` +
    (failures.length > 0 ? ` -- FAILED: ${failures.join(', ')}` : '');
  return { round, ok: failures.length === 0, line };
}

/** Runs the stream for `before` ms, applies the fault, repairs it, streams `after` ms more. */
async function faultRound(
  round: string,
  urls: Urls,
  target: { serviceId: string; key: string },
  fault: () => Promise<void>,
  repair: () => Promise<void>,
  check: () => string[],
): Promise<RoundReport> {
  const stream: EventStream = startStream({
    round,
    routingKey: target.key,
    ratePerSecond: RATE,
    ingestUrl: urls.ingest,
  });
  await sleep(5_000);
  const faultAt = Date.now();
  await fault();
  await sleep(3_000);
  const repairStartedAt = Date.now();
  await repair();
  const repairedAt = Date.now();
  await sleep(8_000);
  const result = await stream.stop();
  const report = await settle(round, urls, target.serviceId, result, repairStartedAt, { failures: check() });
  const timing = `fault for ${((repairStartedAt - faultAt) / 1000).toFixed(1)} s, restart took ${((repairedAt - repairStartedAt) / 1000).toFixed(1)} s`;
  return { ...report, line: report.line.replace(': sent', ` (${timing}): sent`) };
}

async function allInOneRounds(): Promise<RoundReport[]> {
  const dataDir = path.join(work, 'all-in-one');
  const log = path.join(work, 'all-in-one.log');
  const env = {
    KLAXON_DATA_DIR: dataDir,
    KLAXON_BOOTSTRAP_TOKEN: TOKEN,
    KLAXON_INGEST_RATE_LIMIT: '100000',
    KLAXON_LOG_LEVEL: LOG_LEVEL,
  };
  const port = await freePort();
  let proc: KlaxonProcess = await startKlaxon('services/all-in-one/src/main.ts', port, env, log);
  const urls: Urls = { catalog: () => proc.baseUrl, ingest: () => proc.baseUrl, incidents: () => proc.baseUrl };
  try {
    const target = await setup(urls, 'faults all-in-one');
    const report = await faultRound(
      'all-in-one kill -9',
      urls,
      target,
      () => proc.kill9(),
      async () => {
        proc = await startKlaxon('services/all-in-one/src/main.ts', port, env, log);
      },
      () => (proc.alive() ? [] : ['the all-in-one died after its restart']),
    );
    return [report];
  } finally {
    await proc.stop();
  }
}

/** A trigger grouping cannot store (NUL in the summary): bad data that slipped past the edge. */
async function appendPoison(brokers: string, target: { serviceId: string; integrationId: string }) {
  const kafka = new Kafka({ brokers: [brokers], clientId: 'faults-poison', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const message = encode(topics.eventsAccepted, {
    id: `poison-${Date.now()}`,
    receivedAt: timestampFromDate(new Date()),
    integrationId: target.integrationId,
    serviceId: target.serviceId,
    routingStatus: RoutingStatus.ACTIVE,
    action: EventAction.TRIGGER,
    dedupKey: `poison-${Date.now()}`,
    payload: { summary: 'poison \u0000 event', source: 'fault-suite', severity: 'critical' },
    sourceApi: EventSource.EVENTS_V2,
  });
  await producer.send({
    topic: message.topic,
    acks: -1,
    messages: [{ key: message.key, value: Buffer.from(message.value) }],
  });
  await producer.disconnect();
}

async function deadLetterCount(brokers: string): Promise<number> {
  const admin = new Kafka({ brokers: [brokers], clientId: 'faults-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(`${topics.eventsAccepted.name}.dead-letter`).catch(() => []);
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

async function distributedRounds(): Promise<RoundReport[]> {
  const pgPort = Number(process.env.FAULTS_PG_PORT ?? (await freePort()));
  const kafkaPort = Number(process.env.FAULTS_KAFKA_PORT ?? (await freePort()));
  const servers: KillableServer[] = [];
  const procs: Record<string, KlaxonProcess> = {};
  try {
    const pg = await startPostgres(pgPort);
    servers.push(pg);
    const kafka = await startKafka(kafkaPort);
    servers.push(kafka);
    const env = {
      KLAXON_DATABASE_URL: pg.url,
      KLAXON_KAFKA_BROKERS: kafka.url,
      KLAXON_BOOTSTRAP_TOKEN: TOKEN,
      KLAXON_INGEST_RATE_LIMIT: '100000',
      KLAXON_LOG_LEVEL: LOG_LEVEL,
    };
    for (const name of ['catalog', 'ingest', 'grouping']) {
      procs[name] = await startKlaxon(
        `services/${name}/src/main.ts`,
        await freePort(),
        env,
        path.join(work, `${name}.log`),
      );
    }
    const urls: Urls = {
      catalog: () => procs.catalog?.baseUrl ?? '',
      ingest: () => procs.ingest?.baseUrl ?? '',
      incidents: () => procs.grouping?.baseUrl ?? '',
    };
    const crashed = () =>
      Object.entries(procs)
        .filter(([, p]) => !p.alive())
        .map(([name]) => `${name} crashed`);
    const reports: RoundReport[] = [];
    // Made before the broker's kill: a service created after it is a separate question (see README).
    const poisonTarget = runs('poison') ? await setup(urls, 'faults poison') : undefined;
    if (runs('postgres')) {
      const pgTarget = await setup(urls, 'faults postgres');
      reports.push(
        await faultRound(
          'distributed PostgreSQL kill -9',
          urls,
          pgTarget,
          async () => pg.kill9(),
          () => pg.restart(),
          crashed,
        ),
      );
    }
    if (runs('kafka')) {
      const kafkaTarget = await setup(urls, 'faults kafka');
      reports.push(
        await faultRound(
          'distributed Kafka kill -9',
          urls,
          kafkaTarget,
          async () => kafka.kill9(),
          () => kafka.restart(),
          crashed,
        ),
      );
    }
    if (!poisonTarget) return reports;
    // One name for the stream and its count: the summaries the count looks for are made from it.
    const round = 'poison event';
    const stream = startStream({
      round,
      routingKey: poisonTarget.key,
      ratePerSecond: RATE,
      ingestUrl: urls.ingest,
    });
    await sleep(3_000);
    await appendPoison(kafka.url, poisonTarget);
    const poisonedAt = Date.now();
    await sleep(5_000);
    const result = await stream.stop();
    const before = await deadLetterCount(kafka.url);
    const report = await settle(round, urls, poisonTarget.serviceId, result, poisonedAt, {
      failures: crashed(),
      expectAbsent: ['poison \u0000 event'],
    });
    const dead = await deadLetterCount(kafka.url);
    // The catalog keeps them for an operator to replay or delete (GET /dead_letters).
    const kept = (
      await rest<{ dead_letters: { consumer_group: string }[] }>(urls.catalog(), 'GET', '/dead_letters?limit=100')
    ).dead_letters.filter((d) => d.consumer_group === 'grouping.events').length;
    const deadOk = dead === 1 && kept === 1;
    reports.push({
      ...report,
      ok: report.ok && deadOk,
      line: `${report.line}; dead letters ${dead} (${before} when the stream ended), kept ${kept}${deadOk ? '' : ' -- FAILED: expected the poison alone'}`,
    });
    return reports;
  } finally {
    for (const p of Object.values(procs)) await p.stop();
    for (const s of servers.reverse()) await s.stop();
  }
}

async function main() {
  const reports: RoundReport[] = [];
  const run = async (name: string, rounds: () => Promise<RoundReport[]>, ...covering: string[]) => {
    if (!covering.some(runs)) return;
    try {
      reports.push(...(await rounds()));
    } catch (err) {
      reports.push({ round: name, ok: false, line: `${name}: FAILED to run: ${(err as Error).stack ?? String(err)}` });
    }
  };
  process.stdout.write(`fault suite: ${RATE} events/s, logs in ${work}\n`);
  await run('all-in-one', allInOneRounds, 'all-in-one');
  await run('distributed', distributedRounds, 'postgres', 'kafka', 'poison');
  for (const r of reports) process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'} ${r.line}\n`);
  const passed = reports.filter((r) => r.ok).length;
  process.stdout.write(`${passed} passed, ${reports.length - passed} failed\n`);
  process.exit(reports.length - passed === 0 ? 0 : 1);
}

void main();
