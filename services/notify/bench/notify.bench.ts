import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Bus, createKafkaBus, createPostgresLogBus, publishTo } from '@klaxon/bus';
import { allTopics, timestampFromDate, topics } from '@klaxon/contracts';
import { type DatabaseHandle, openDatabase, queryRows, sql, startEmbeddedPostgres } from '@klaxon/db';
import { newMessageId } from '@klaxon/ids';
import { createApp, createLogger } from '@klaxon/kit';
import { systemClock } from '@klaxon/runtime';
import nodemailer from 'nodemailer';
import { smsText } from '../src/domain/messages';
import { notifyPlugin } from '../src/plugin';
import { benchSmtpServer, benchTwilioServer, type Receipts } from './channel-servers';

// pnpm bench:notify — a storm of incidents paged to on-call users, as escalation asks notify
// (notifications.requested, offered open-loop at a fixed rate), each user emailed and texted at once:
// how fast notify hands every notification to local SMTP and Twilio-shaped servers, the latency from
// the request's due time to the server, duplicates (must be 0), and how SMS storms are bundled.
// Baseline, measured in the same run against the same servers: the same emails and SMS sent straight
// from a loop with the same concurrency (no database, no bus): the channel servers' ceiling.

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 5000);
const USERS = Number(process.env.BENCH_USERS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 200);
/** At most one SMS per user in this window; the rest bundled (Klaxon's default is 60 s). */
const STORM_S = Number(process.env.BENCH_STORM_WINDOW_S ?? 10);
const SETUPS = (process.env.BENCH_SETUPS ?? 'postgres-kafka,default').split(',');
const CONCURRENCY = 16;
const log = createLogger({ level: 'warn', name: 'bench' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

async function freshDatabase(base: string): Promise<string> {
  const name = `klaxon_bench_notify_${Date.now()}`;
  const admin = await openDatabase({ url: base });
  await admin.db.execute(sql.raw(`create database ${name}`));
  await admin.close();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Users with an email and an SMS contact method, both notified at once on high urgency. */
async function seedUsers(bus: Bus) {
  const at = timestampFromDate(new Date());
  const change = (entityType: string, entityId: string, snapshot: object) => ({
    id: newMessageId(),
    entityType,
    entityId,
    version: 1n,
    deleted: false,
    snapshotJson: JSON.stringify({ id: entityId, type: entityType, ...snapshot }),
    changedAt: at,
  });
  const messages = [change('service', 'PSVC001', { name: 'Checkout', teams: [] })];
  for (let u = 0; u < USERS; u++) {
    const user = `PU${u}`;
    messages.push(
      change('contact_method', `PCE${u}`, {
        type: 'email_contact_method',
        address: `user${u}@example.com`,
        user: { id: user },
      }),
      change('contact_method', `PCS${u}`, {
        type: 'sms_contact_method',
        address: `555${String(u).padStart(7, '0')}`,
        country_code: 1,
        user: { id: user },
      }),
      change('notification_rule', `PRE${u}`, {
        start_delay_in_minutes: 0,
        urgency: 'high',
        contact_method: { id: `PCE${u}` },
      }),
      change('notification_rule', `PRS${u}`, {
        start_delay_in_minutes: 0,
        urgency: 'high',
        contact_method: { id: `PCS${u}` },
      }),
      change('user', user, {
        name: `User ${u}`,
        email: `user${u}@example.com`,
        role: 'user',
        notification_rules: [{ id: `PRE${u}` }, { id: `PRS${u}` }],
      }),
    );
  }
  await publishTo(bus, topics.catalogChanges, messages);
}

interface Result {
  setup: string;
  seconds: number;
  emails: number;
  emailsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  smsMessages: number;
  smsIncidents: number;
  duplicates: number;
  lost: number;
}

/** Latency (ms) per incident from its due time to its first email, and duplicates over both channels. */
function tally(receipts: Receipts, due: Map<number, number>) {
  const firstEmail = new Map<number, number>();
  let duplicates = 0;
  for (const [nums, at] of receipts.email)
    for (const n of nums) {
      if (firstEmail.has(n)) duplicates++;
      else firstEmail.set(n, at);
    }
  const texted = new Set<number>();
  for (const [nums] of receipts.sms)
    for (const n of nums) {
      if (texted.has(n)) duplicates++;
      texted.add(n);
    }
  const latencies = [...firstEmail].map(([n, at]) => at - (due.get(n) ?? at)).sort((a, b) => a - b);
  return { latencies, emailed: firstEmail.size, texted: texted.size, duplicates };
}

async function measureKlaxon(setup: string, database: DatabaseHandle, bus: Bus): Promise<Result> {
  const receipts: Receipts = { email: [], sms: [] };
  const smtp = await benchSmtpServer(receipts);
  const twilio = await benchTwilioServer(receipts);
  await bus.ensureTopics(allTopics);
  const app = createApp({ name: 'notify-bench', logger: log });
  await app.register(notifyPlugin, {
    db: database.db,
    bus,
    log,
    clock: systemClock,
    instanceId: `bench-${Date.now()}`,
    pollMs: 100,
    stormWindowSeconds: STORM_S,
    email: { url: smtp.url, from: 'Klaxon <klaxon@example.com>' },
    twilio: { baseUrl: twilio.url, accountSid: 'AC1', authToken: 'token', from: '+15550000000' },
  });
  await app.ready();
  await seedUsers(bus);
  for (;;) {
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int n from notify.catalog_replica where entity_type = 'user'`,
    );
    if ((row?.n ?? 0) >= USERS) break;
    await sleep(100);
  }

  // Open loop: request i is due at start + i / RATE, sent in 50 ms ticks whatever notify's pace.
  const due = new Map<number, number>();
  const start = Date.now() + 200;
  let next = 0;
  while (next < INCIDENTS) {
    const now = Date.now();
    const batch = [];
    while (next < INCIDENTS && start + (next * 1000) / RATE <= now) {
      const n = next + 1;
      due.set(n, start + (next * 1000) / RATE);
      batch.push({
        id: newMessageId(),
        userId: `PU${next % USERS}`,
        contactMethodId: '',
        contactMethodType: '',
        incidentId: `PINC${n}`,
        reason: 'assigned',
        escalationLevel: 1,
        requestedAt: timestampFromDate(new Date(due.get(n) ?? now)),
        urgency: 'high',
        serviceId: 'PSVC001',
        escalationCycle: 0,
        incidentTitle: `Burst ${n}`,
        incidentNumber: BigInt(n),
      });
      next++;
    }
    if (batch.length > 0) await publishTo(bus, topics.notificationsRequested, batch);
    await sleep(50);
  }
  // Every email, and the SMS of every incident (bundles come when each user's window opens).
  const deadline = Date.now() + 600_000;
  let t = tally(receipts, due);
  while ((t.emailed < INCIDENTS || t.texted < INCIDENTS) && Date.now() < deadline) {
    await sleep(100);
    t = tally(receipts, due);
  }
  const lastEmail = Math.max(...receipts.email.map(([, at]) => at));
  await sleep(1000); // a late duplicate would show here
  t = tally(receipts, due);
  await app.close();
  await smtp.close();
  await twilio.close();
  const seconds = (lastEmail - start) / 1000;
  return {
    setup,
    seconds,
    emails: t.emailed,
    emailsPerSecond: t.emailed / seconds,
    p50: pct(t.latencies, 50),
    p99: pct(t.latencies, 99),
    max: t.latencies.at(-1) ?? 0,
    smsMessages: receipts.sms.length,
    smsIncidents: t.texted,
    duplicates: t.duplicates,
    lost: 2 * INCIDENTS - t.emailed - t.texted,
  };
}

/** The ceiling: the same messages straight to the same kind of servers, CONCURRENCY at a time, as fast as they go. */
async function measureBaseline(): Promise<{ seconds: number; perSecond: number }> {
  const receipts: Receipts = { email: [], sms: [] };
  const smtp = await benchSmtpServer(receipts);
  const twilio = await benchTwilioServer(receipts);
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: CONCURRENCY });
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < INCIDENTS) {
        const n = ++next;
        await transport.sendMail({
          from: 'Klaxon <klaxon@example.com>',
          to: `user${n % USERS}@example.com`,
          subject: `[Klaxon] High-urgency incident #${n} Burst ${n} on Checkout`,
          text: `Incident #${n}`,
        });
        const summary = {
          id: `PINC${n}`,
          number: n,
          title: `Burst ${n}`,
          serviceName: 'Checkout',
          urgency: 'high',
          status: 'triggered',
          detailsUrl: `http://localhost:8080/incidents/PINC${n}`,
          acknowledgeUrl: '',
          resolveUrl: '',
        };
        await fetch(`${twilio.url}/2010-04-01/Accounts/AC1/Messages.json`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from('AC1:token').toString('base64')}`,
          },
          body: new URLSearchParams({
            To: `+1555${String(n % USERS).padStart(7, '0')}`,
            From: '+15550000000',
            Body: smsText([summary]),
          }).toString(),
        });
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  transport.close();
  await smtp.close();
  await twilio.close();
  return { seconds, perSecond: INCIDENTS / seconds };
}

async function main(): Promise<void> {
  const results: Result[] = [];
  if (SETUPS.includes('postgres-kafka')) {
    const base = process.env.KLAXON_TEST_DATABASE_URL ?? '';
    const brokers = (process.env.KLAXON_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
    if (!base || brokers.length === 0) throw new Error('set KLAXON_TEST_DATABASE_URL and KLAXON_TEST_KAFKA_BROKERS');
    const pg = await openDatabase({ url: await freshDatabase(base) });
    const kafka = await createKafkaBus({
      brokers,
      clientId: 'klaxon-bench-notify',
      log,
      topicPrefix: `bench${Date.now()}.`,
    });
    results.push(await measureKlaxon('PostgreSQL + Kafka', pg, kafka));
    await kafka.close();
    await pg.close();
  }
  if (SETUPS.includes('default')) {
    const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-bench-notify-'));
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), log });
    const embedded = await openDatabase({ url: server.url, poolSize: 30 });
    const logBus = await createPostgresLogBus({ db: embedded.db, log });
    results.push(await measureKlaxon('all-in-one: embedded PostgreSQL + Postgres log', embedded, logBus));
    await logBus.close();
    await embedded.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const baseline = await measureBaseline();
  const s = (ms: number) => (ms / 1000).toFixed(2);
  process.stdout.write(
    [
      `Notify: ${INCIDENTS} incidents on ${USERS} users offered at ${RATE}/s, each user emailed and texted at once (SMS storm window ${STORM_S} s)`,
      '',
      '| setup | emails/s | email p50 s | email p99 s | max s | SMS messages (incidents) | duplicates | lost | / baseline |',
      '|---|---|---|---|---|---|---|---|---|',
      ...results.map(
        (r) =>
          `| ${r.setup} | ${r.emailsPerSecond.toFixed(0)} | ${s(r.p50)} | ${s(r.p99)} | ${s(r.max)} | ${r.smsMessages} (${r.smsIncidents}) | ${r.duplicates} | ${r.lost} | ${(r.emailsPerSecond / baseline.perSecond).toFixed(2)} |`,
      ),
      `| baseline: a bare loop, ${CONCURRENCY} at a time | ${baseline.perSecond.toFixed(0)} (+ as many SMS) | | | | ${INCIDENTS} | | | 1.00 |`,
      '',
      `emails/s counts from the first request's due time to the last email, so it cannot pass the offered ${RATE}/s; the baseline is unthrottled.`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'bench_failed');
  process.exit(1);
});
