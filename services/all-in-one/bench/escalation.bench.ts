import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Bus, createPostgresLogBus, publishTo, subscribeTo } from '@klaxon/bus';
import {
  AssignmentCommandKind,
  allTopics,
  EventAction,
  EventSource,
  RoutingStatus,
  timestampFromDate,
  topics,
} from '@klaxon/contracts';
import { type Database, openDatabase, queryRows, sql, startEmbeddedPostgres } from '@klaxon/db';
import { escalationPlugin } from '@klaxon/escalation';
import { groupingPlugin } from '@klaxon/grouping';
import { newMessageId } from '@klaxon/ids';
import { createApp, createLogger } from '@klaxon/kit';

// pnpm bench:escalation — open incidents escalating on 3-level policies whose first two levels are
// schedules, on the default embedded setup (embedded PostgreSQL, fsync on, + the Postgres log), with
// grouping applying escalation's commands as in the all-in-one. Two runs over the same incidents:
//  - steady: the level-1 timers fall due at BENCH_RATE per second; lateness = when grouping can see
//    the escalate command (it is on the bus) minus when the timer was due;
//  - burst: every level-2 timer falls due at the same instant; escalations/s and the notification
//    requests that follow per second.
// The baseline, measured in the same run on the same database: a bare durable timer (one row per
// timer claimed FOR UPDATE SKIP LOCKED in batches of 200, deleted, committed) at the same poll
// interval: the floor any durable timer pays. Figures are reported beside it and as ratios.

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const POLL_MS = 1000; // escalation's default timer poll
const POLICIES = 20;
const USERS = 60;
// Long enough that no level-1 timer falls due while the incidents are still being opened (that took
// 624 s on a loaded machine, past a 5-minute delay, and left the steady phase nothing to measure);
// both phases set or jump past the due times anyway.
const DELAY_MIN = 60;
const log = createLogger({ level: 'warn', name: 'bench' });

let offset = 0;
const clock = { now: () => new Date(Date.now() + offset) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const count = async (db: Database, query: ReturnType<typeof sql>) =>
  (await queryRows<{ n: number }>(db, query))[0]?.n ?? 0;
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 900_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * What the catalog would publish: users, one daily rotation of 3 users per policy level (schedules
 * overlap users, so one person is on call for several), 3-level policies (schedule, next schedule,
 * a user), and services on them with no grouping, ack timeout or auto-resolve.
 */
async function seedCatalog(bus: Bus) {
  const ref = (type: string, id: string) => ({ id, type: `${type}_reference` });
  const entity = (entityType: string, entityId: string, snapshot: object) => ({
    id: newMessageId(),
    entityType,
    entityId,
    version: 1n,
    snapshotJson: JSON.stringify({ id: entityId, ...snapshot }),
    changedAt: timestampFromDate(new Date()),
  });
  const user = (i: number) => `PU${i % USERS}`;
  const schedule = (i: number) =>
    entity('schedule', `PS${i}`, {
      name: `Rotation ${i}`,
      time_zone: i % 2 ? 'Europe/London' : 'America/New_York',
      schedule_layers: [
        {
          id: `PL${i}`,
          name: 'Layer 1',
          start: '2026-01-01T09:00:00Z',
          rotation_virtual_start: '2026-01-01T09:00:00Z',
          rotation_turn_length_seconds: 86_400,
          users: [0, 1, 2].map((k) => ({ user: ref('user', user(i * 3 + k)) })),
          restrictions: [],
        },
      ],
    });
  await publishTo(bus, topics.catalogChanges, [
    ...Array.from({ length: USERS }, (_, i) =>
      entity('user', user(i), { name: `User ${i}`, email: `u${i}@example.com`, role: 'user' }),
    ),
    ...Array.from({ length: POLICIES + 1 }, (_, i) => schedule(i)),
    ...Array.from({ length: POLICIES }, (_, i) =>
      entity('escalation_policy', `PEP${i}`, {
        name: `Policy ${i}`,
        num_loops: 1,
        escalation_rules: [
          { escalation_delay_in_minutes: DELAY_MIN, targets: [ref('schedule', `PS${i}`)] },
          { escalation_delay_in_minutes: DELAY_MIN, targets: [ref('schedule', `PS${i + 1}`)] },
          { escalation_delay_in_minutes: DELAY_MIN, targets: [ref('user', user(i + 7))] },
        ],
      }),
    ),
    ...Array.from({ length: POLICIES }, (_, i) =>
      entity('service', `PSVC${i}`, {
        type: 'service',
        status: 'active',
        acknowledgement_timeout: null,
        auto_resolve_timeout: null,
        alert_grouping_parameters: { type: null },
        incident_urgency_rule: { type: 'constant', urgency: 'high' },
        escalation_policy: ref('escalation_policy', `PEP${i}`),
      }),
    ),
  ]);
}

async function openIncidents(db: Database, bus: Bus) {
  const run = `r${Date.now()}`;
  const events = Array.from({ length: INCIDENTS }, (_, i) => ({
    id: newMessageId(),
    receivedAt: timestampFromDate(clock.now()),
    integrationId: `PINT${i % POLICIES}`,
    serviceId: `PSVC${i % POLICIES}`,
    routingStatus: RoutingStatus.ACTIVE,
    action: EventAction.TRIGGER,
    dedupKey: `${run}-${i}`,
    payload: { summary: `checkout latency on web-${i % 97}`, source: `web-${i % 97}`, severity: 'critical' },
    sourceApi: EventSource.EVENTS_V2,
  }));
  for (let i = 0; i < events.length; i += 500) await publishTo(bus, topics.eventsAccepted, events.slice(i, i + 500));
  await until(
    'every incident assigned at level 1',
    async () =>
      (await count(
        db,
        sql`select count(*)::int n from grouping.incidents where status = 'triggered' and jsonb_array_length(assignments) > 0`,
      )) >= INCIDENTS,
  );
}

/** Lateness (ms) of each observed escalate command against the due time of its run. */
async function observeEscalations(db: Database, bus: Bus, level: number) {
  const due = new Map(
    (
      await queryRows<{ incident_id: string; due_at: Date }>(
        db,
        sql`select incident_id, due_at from escalation.runs where level = ${level - 1} and due_at is not null`,
      )
    ).map((r) => [r.incident_id, new Date(r.due_at).getTime()]),
  );
  const lateness: number[] = [];
  let lastAt = 0;
  const notified = { n: 0, lastAt: 0 };
  const subscriptions = [
    await subscribeTo(bus, {
      group: `bench.escalate.${level}.${Date.now()}`,
      topic: topics.incidentsAssignments,
      handler: async (c) => {
        const dueAt = due.get(c.incidentId);
        if (c.kind !== AssignmentCommandKind.ESCALATE || c.escalationLevel !== level || dueAt === undefined)
          return 'ok';
        lateness.push(clock.now().getTime() - dueAt);
        lastAt = Date.now();
        return 'ok';
      },
    }),
    await subscribeTo(bus, {
      group: `bench.notify.${level}.${Date.now()}`,
      topic: topics.notificationsRequested,
      handler: async (n) => {
        if (n.reason !== 'escalated' || n.escalationLevel !== level) return 'ok';
        notified.n++;
        notified.lastAt = Date.now();
        return 'ok';
      },
    }),
  ];
  return {
    due,
    lateness,
    notified,
    last: () => lastAt,
    stop: () => Promise.all(subscriptions.map((s) => s.stop())),
  };
}

/** The baseline: a bare SKIP LOCKED timer table, due as escalation's were, fired by the same loop shape. */
async function baseline(db: Database, dueAts: number[]) {
  await db.execute(sql`create table if not exists bench_timers (id int primary key, due_at timestamptz not null)`);
  await db.execute(sql`create index if not exists bench_timers_due on bench_timers (due_at)`);
  await db.execute(sql`truncate bench_timers`);
  const base = Date.now() + 3000 - Math.min(...dueAts);
  const firstDue = Math.min(...dueAts) + base;
  for (let i = 0; i < dueAts.length; i += 1000) {
    const chunk = dueAts.slice(i, i + 1000);
    await db.execute(
      sql`insert into bench_timers select * from unnest(${sql.param(chunk.map((_, k) => i + k))}::int[],
          ${sql.param(chunk.map((d) => new Date(d + base).toISOString()))}::timestamptz[])`,
    );
  }
  const lateness: number[] = [];
  let fired = 0;
  let last = 0;
  while (fired < dueAts.length) {
    for (;;) {
      const now = new Date();
      const rows = await db.transaction(async (tx) =>
        queryRows<{ due_at: Date }>(
          tx,
          sql`delete from bench_timers where id in (select id from bench_timers where due_at <= ${now.toISOString()}::timestamptz
              order by due_at limit 200 for update skip locked) returning due_at`,
        ),
      );
      const done = Date.now();
      for (const r of rows) lateness.push(done - new Date(r.due_at).getTime());
      if (rows.length > 0) last = done;
      fired += rows.length;
      if (rows.length < 200) break;
    }
    await sleep(POLL_MS);
  }
  // As escalation's burst is timed: from when the timers fell due to the last one fired.
  return { lateness, seconds: (last - firstDue) / 1000 };
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-bench-escalation-'));
  // As `pnpm start` runs it: the embedded server with fsync on, one pool of 30, the Postgres log.
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), log });
  const { db, close } = await openDatabase({ url: server.url, poolSize: 30 });
  const bus = await createPostgresLogBus({ db, log });
  await bus.ensureTopics(allTopics);
  const app = createApp({ name: 'bench', logger: log });
  const ctx = { db, bus, log, clock, instanceId: `bench-${Date.now()}` };
  await app.register(groupingPlugin, ctx);
  await app.register(escalationPlugin, { ...ctx, timerPollMs: POLL_MS });
  await app.ready();
  await seedCatalog(bus);
  await until('the catalog replicas', async () => {
    const g = await count(db, sql`select count(*)::int n from grouping.catalog_replica where entity_type = 'service'`);
    const e = await count(db, sql`select count(*)::int n from escalation.catalog_replica`);
    return g >= POLICIES && e >= USERS + 2 * POLICIES + 1;
  });

  const opening = Date.now();
  await openIncidents(db, bus);
  const openSeconds = (Date.now() - opening) / 1000;

  // Steady: level-1 timers due at RATE per second, from 3 s ahead on the clock.
  const steady = await observeEscalations(db, bus, 2);
  const start = clock.now().getTime() + 3000;
  const order = [...steady.due.keys()];
  const spread = order.map((_, i) => start + Math.floor((i * 1000) / RATE));
  await db.execute(
    sql`update escalation.runs r set due_at = d.due from unnest(${sql.param(order)}::text[],
        ${sql.param(spread.map((t) => new Date(t).toISOString()))}::timestamptz[]) as d(id, due) where r.incident_id = d.id`,
  );
  for (const [i, id] of order.entries()) steady.due.set(id, spread[i] as number);
  await until('every steady escalation', async () => steady.lateness.length >= order.length);
  await until('every steady notification', async () => steady.notified.n >= order.length);
  await steady.stop();

  // Burst: every level-2 timer due at once (the clock jumps past the latest).
  const burst = await observeEscalations(db, bus, 3);
  const latest = Math.max(...burst.due.values());
  // All fall due at the jump: lateness counts from then.
  for (const id of burst.due.keys()) burst.due.set(id, latest + 1);
  const jumpedAt = Date.now();
  offset += latest + 1 - clock.now().getTime();
  await until('every burst escalation', async () => burst.lateness.length >= burst.due.size);
  await until('every burst notification', async () => burst.notified.n >= burst.due.size);
  const burstSeconds = (burst.last() - jumpedAt) / 1000;
  const notifySeconds = (burst.notified.lastAt - jumpedAt) / 1000;
  await burst.stop();
  await app.close();
  await bus.close();

  // The baselines on the same database: the steady spread, then all due at once.
  const steadyBase = await baseline(db, spread);
  const burstBase = await baseline(
    db,
    spread.map(() => 0),
  );
  await close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });

  const ms = (x: number) => `${Math.round(x)} ms`;
  const n = burst.due.size;
  const baseRate = n / burstBase.seconds;
  const escRate = n / burstSeconds;
  process.stdout.write(
    [
      `Escalation: ${INCIDENTS} open incidents on ${POLICIES} 3-level policies (two schedule levels, one user),`,
      `embedded PostgreSQL + Postgres log, grouping applying the commands; timers polled every ${POLL_MS} ms.`,
      `Opening them (events -> incidents -> level-1 assignment) took ${openSeconds.toFixed(1)} s.`,
      '',
      '| measure | escalation | bare SKIP LOCKED timer (baseline) | ratio |',
      '|---|---|---|---|',
      `| steady ${RATE}/s: timer lateness p50 | ${ms(pct(steady.lateness, 50))} | ${ms(pct(steadyBase.lateness, 50))} | ${(pct(steady.lateness, 50) / pct(steadyBase.lateness, 50)).toFixed(2)} |`,
      `| steady ${RATE}/s: timer lateness p99 | ${ms(pct(steady.lateness, 99))} | ${ms(pct(steadyBase.lateness, 99))} | ${(pct(steady.lateness, 99) / pct(steadyBase.lateness, 99)).toFixed(2)} |`,
      `| burst of ${n}: escalations/s | ${escRate.toFixed(0)} | ${baseRate.toFixed(0)} timers/s | ${(escRate / baseRate).toFixed(3)} |`,
      `| burst of ${n}: notification requests/s | ${(burst.notified.n / notifySeconds).toFixed(0)} | | |`,
      `| burst of ${n}: lateness p50 / p99 | ${ms(pct(burst.lateness, 50))} / ${ms(pct(burst.lateness, 99))} | ${ms(pct(burstBase.lateness, 50))} / ${ms(pct(burstBase.lateness, 99))} | |`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'bench_failed');
  process.exit(1);
});
