import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Bus, createKafkaBus, createPostgresLogBus, publishTo } from '@klaxon/bus';
import { allTopics, EventAction, EventSource, RoutingStatus, timestampFromDate, topics } from '@klaxon/contracts';
import { type DatabaseHandle, openDatabase, queryRows, sql, startEmbeddedPostgres } from '@klaxon/db';
import { newMessageId } from '@klaxon/ids';
import { createApp, createLogger } from '@klaxon/kit';
import { systemClock } from '@klaxon/runtime';
import { Client } from 'pg';
import { groupingPlugin } from '../src/plugin';

// pnpm bench:grouping-throughput — alerts/s through the grouping consumer (events.accepted -> dedup ->
// grouping -> incident -> outbox) on PostgreSQL + Kafka, and on the all-in-one's embedded PostgreSQL + Postgres log.
// Needs KLAXON_TEST_DATABASE_URL and KLAXON_TEST_KAFKA_BROKERS (scripts/bench.sh starts both).
//   BENCH_ALERTS    5000                  alerts published at once
//   BENCH_GROUPING  content_based         or none
//   BENCH_BACKENDS  kafka,embedded        which backends to measure
//   BENCH_REPLICAS  1                     grouping replicas in the consumer group (they split the partitions)

const ALERTS = Number(process.env.BENCH_ALERTS ?? 5000);
/** content_based (default: the hard case, most alerts join an incident chosen in SQL) or none. */
const GROUPING = process.env.BENCH_GROUPING === 'none' ? 'none' : 'content_based';
const SERVICES = 20;
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'kafka,embedded').split(',');
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const log = createLogger({ level: 'warn', name: 'bench' });

async function freshDatabase(base: string): Promise<string> {
  const name = `klaxon_bench_grouping_${Date.now()}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Content-based grouping on each service, so the consumer does the full work: dedup, grouping, incidents. */
async function seedServices(bus: Bus): Promise<void> {
  await publishTo(
    bus,
    topics.catalogChanges,
    Array.from({ length: SERVICES }, (_, s) => ({
      id: newMessageId(),
      entityType: 'service',
      entityId: `PSVC${s}`,
      version: 1n,
      snapshotJson: JSON.stringify({
        id: `PSVC${s}`,
        type: 'service',
        status: 'active',
        acknowledgement_timeout: 1800,
        auto_resolve_timeout: 14400,
        alert_grouping_parameters:
          GROUPING === 'none'
            ? { type: null }
            : { type: 'content_based', config: { aggregate: 'all', fields: ['source'], time_window: 3600 } },
        incident_urgency_rule: { type: 'constant', urgency: 'high' },
        escalation_policy: { id: 'PEP0001', type: 'escalation_policy_reference' },
      }),
      changedAt: timestampFromDate(new Date()),
    })),
  );
}

function events(run: string) {
  return Array.from({ length: ALERTS }, (_, i) => ({
    id: newMessageId(),
    receivedAt: timestampFromDate(new Date()),
    integrationId: `PINT${i % SERVICES}`,
    serviceId: `PSVC${i % SERVICES}`,
    routingStatus: RoutingStatus.ACTIVE,
    action: EventAction.TRIGGER,
    dedupKey: `${run}-${i}`,
    payload: { summary: `disk full on host-${i % 97}`, source: `host-${i % 97}`, severity: 'error' },
    sourceApi: EventSource.EVENTS_V2,
  }));
}

async function measure(name: string, database: DatabaseHandle, bus: Bus): Promise<string> {
  await bus.ensureTopics(allTopics);
  await seedServices(bus);
  const apps = [];
  for (let r = 0; r < REPLICAS; r++) {
    const app = createApp({ name: 'grouping-bench', logger: log });
    await app.register(groupingPlugin, {
      db: database.db,
      bus,
      log,
      clock: systemClock,
      instanceId: `bench-${Date.now()}-${r}`,
    });
    await app.ready();
    apps.push(app);
  }
  // The services' grouping settings must be in grouping's replica before the first alert.
  for (;;) {
    const [seen] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from grouping.catalog_replica where entity_type = 'service'`,
    );
    if ((seen?.n ?? 0) >= SERVICES) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const run = `r${Date.now()}`;
  const batch = events(run);
  const started = Date.now();
  for (let i = 0; i < batch.length; i += 500) await publishTo(bus, topics.eventsAccepted, batch.slice(i, i + 500));
  for (;;) {
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from grouping.alerts where alert_key like ${`${run}-%`}`,
    );
    if ((row?.n ?? 0) >= ALERTS) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (Date.now() - started) / 1000;
  const [incidents] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from grouping.incidents`,
  );
  for (const app of apps) await app.close();
  return `| ${name}${REPLICAS > 1 ? ` (${REPLICAS} replicas)` : ''} | ${ALERTS} | ${seconds.toFixed(1)} | ${Math.round(ALERTS / seconds)} | ${incidents?.n} |`;
}

async function main(): Promise<void> {
  const rows: string[] = [];
  if (BACKENDS.includes('kafka')) rows.push(await measureKafka());
  if (BACKENDS.includes('embedded')) rows.push(await measureEmbedded());
  process.stdout.write(
    [
      `Grouping consumer: ${ALERTS} new alerts over ${SERVICES} services (${GROUPING === 'none' ? 'no grouping' : 'content-based grouping'}), published at once`,
      '',
      '| backend | alerts | seconds | alerts/s | incidents |',
      '|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

async function measureKafka(): Promise<string> {
  const base = process.env.KLAXON_TEST_DATABASE_URL ?? '';
  const brokers = (process.env.KLAXON_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (!base || brokers.length === 0) throw new Error('set KLAXON_TEST_DATABASE_URL and KLAXON_TEST_KAFKA_BROKERS');
  const pg = await openDatabase({ url: await freshDatabase(base) });
  const kafka = await createKafkaBus({
    brokers,
    clientId: 'klaxon-bench-grouping',
    log,
    topicPrefix: `bench${Date.now()}.`,
  });
  const row = await measure('PostgreSQL + Kafka', pg, kafka);
  await kafka.close();
  await pg.close();
  return row;
}

async function measureEmbedded(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-bench-grouping-'));
  // As the all-in-one runs it: fsync on, one pool of 30.
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), log });
  const embedded = await openDatabase({ url: server.url, poolSize: 30 });
  const logBus = await createPostgresLogBus({ db: embedded.db, log });
  const row = await measure('all-in-one: embedded PostgreSQL + Postgres log', embedded, logBus);
  await logBus.close();
  await embedded.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  return row;
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'bench_failed');
  process.exit(1);
});
