import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { Bus } from '@klaxon/bus';
import { catalogPlugin, loadCatalogConfig } from '@klaxon/catalog';
import { allTopics } from '@klaxon/contracts';
import { queryRows, sql } from '@klaxon/db';
import { escalationPlugin } from '@klaxon/escalation';
import { groupingPlugin } from '@klaxon/grouping';
import { ingestPlugin, loadIngestConfig } from '@klaxon/ingest';
import { createApp } from '@klaxon/kit';
import { systemClock } from '@klaxon/runtime';
import { silentLog, type TestDatabase, testBus, testDatabase, uniqueSuffix, waitFor } from '@klaxon/testing';
import type { FastifyInstance } from 'fastify';
import { startSmtpServer, startTwilioServer, TWILIO } from '../../notify/test/servers';
import { restClient } from './fixtures/rest-inject';

// Issue 11's "kill notify mid-burst": events in -> incidents -> escalation assigns each service's
// on-call user -> notify (a process of its own) emails and texts them. The notify process is killed
// with SIGKILL while it sends, then started again: every notification reaches the local SMTP and
// Twilio-shaped servers, none is lost, and the log of each incident shows both. Embedded PostgreSQL
// and the Postgres log under `pnpm test`; PostgreSQL and Kafka under `pnpm test:infra`.

const USERS = 4;
const INCIDENTS_PER_USER = 12;
const TOTAL = USERS * INCIDENTS_PER_USER;

describe('notify killed mid-burst', () => {
  let database: TestDatabase;
  let bus: Bus;
  let core: FastifyInstance;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let twilio: Awaited<ReturnType<typeof startTwilioServer>>;
  let notify: ChildProcess | undefined;
  const prefix = `t${uniqueSuffix()}.`;
  const instanceId = `notify-${uniqueSuffix()}`;
  const token = `kill-${uniqueSuffix()}-${uniqueSuffix()}`;
  const owner = 'owner@example.com';

  async function startNotify(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'notify-process.ts')], {
      cwd: path.resolve(__dirname, '..', '..', '..'),
      env: {
        ...process.env,
        NOTIFY_DATABASE_URL: database.url,
        NOTIFY_TOPIC_PREFIX: prefix,
        // The same instance after a restart takes its outbox lease back at once.
        NOTIFY_INSTANCE_ID: instanceId,
        NOTIFY_SEND_LEASE_MS: '3000',
        NOTIFY_SMTP_URL: smtp.url,
        NOTIFY_TWILIO_URL: twilio.url,
        NOTIFY_TWILIO_SID: TWILIO.accountSid,
        NOTIFY_TWILIO_TOKEN: TWILIO.authToken,
        NOTIFY_TWILIO_FROM: TWILIO.from,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('ready')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`notify exited with ${code} before it was ready`)));
    });
    return child;
  }
  async function kill(child: ChildProcess) {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  const rest = restClient(() => core, { token, from: owner }).ok;
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query);

  beforeAll(async () => {
    // Each message takes the servers a moment, so the burst is still being sent when notify is killed.
    smtp = await startSmtpServer({ delayMs: 40 });
    twilio = await startTwilioServer({ delayMs: 40 });
    database = await testDatabase();
    bus = await testBus(database.db, { prefix });
    await bus.ensureTopics(allTopics);
    const ctx = { db: database.db, bus, log: silentLog, clock: systemClock, instanceId: `core-${uniqueSuffix()}` };
    core = createApp({ name: 'core', logger: silentLog });
    await core.register(catalogPlugin, {
      ...ctx,
      config: loadCatalogConfig({ KLAXON_BOOTSTRAP_TOKEN: token, KLAXON_BOOTSTRAP_EMAIL: owner }),
    });
    await core.register(ingestPlugin, { ...ctx, config: loadIngestConfig({}) });
    await core.register(groupingPlugin, { ...ctx, timerPollMs: 200 });
    await core.register(escalationPlugin, { ...ctx, timerPollMs: 200 });
    await core.ready();
  }, 120_000);
  afterAll(async () => {
    if (notify && notify.exitCode === null) await kill(notify);
    await core.close();
    await bus.close();
    await database.close();
    await smtp.close();
    await twilio.close();
  });

  it('delivers every email and SMS once, although notify was killed mid-burst and restarted', async () => {
    // Each user is on call (level 1) for one service, and is emailed and texted at once.
    const keys: string[] = [];
    const users: { id: string; email: string; phone: string }[] = [];
    for (let i = 0; i < USERS; i++) {
      const email = `oncall${i}-${uniqueSuffix()}@example.com`;
      const phone = `55500000${10 + i}`;
      const { user } = await rest('POST', '/users', {
        user: { type: 'user', name: `On-call ${i}`, email, role: 'user' },
      });
      const userId = user?.id as string;
      for (const method of [
        { type: 'email_contact_method', address: email, label: 'Work' },
        { type: 'sms_contact_method', address: phone, country_code: 1, label: 'Mobile' },
      ]) {
        const { contact_method } = await rest('POST', `/users/${userId}/contact_methods`, { contact_method: method });
        await rest('POST', `/users/${userId}/notification_rules`, {
          notification_rule: {
            type: 'assignment_notification_rule',
            start_delay_in_minutes: 0,
            urgency: 'high',
            contact_method: { id: contact_method?.id, type: `${method.type}_reference` },
          },
        });
      }
      const { escalation_policy: policy } = await rest('POST', '/escalation_policies', {
        escalation_policy: {
          type: 'escalation_policy',
          name: `On-call ${i} ${uniqueSuffix()}`,
          escalation_rules: [{ escalation_delay_in_minutes: 30, targets: [{ id: userId, type: 'user_reference' }] }],
        },
      });
      const { service } = await rest('POST', '/services', {
        service: {
          type: 'service',
          name: `Service ${i} ${uniqueSuffix()}`,
          escalation_policy: { id: policy?.id, type: 'escalation_policy_reference' },
        },
      });
      const { integration } = await rest('POST', `/services/${service?.id}/integrations`, {
        integration: { type: 'events_api_v2_inbound_integration', name: 'Alertmanager' },
      });
      keys.push(integration?.integration_key as string);
      users.push({ id: userId, email, phone: `+1${phone}` });
    }
    // Notify starts once its replica can know them (it reads catalog.changes from the start).
    notify = await startNotify();
    await waitFor(
      async () =>
        (
          await rows<{ n: number }>(
            sql`select count(*)::int n from escalation.catalog_replica where entity_type = 'service'`,
          )
        )[0]?.n === USERS,
      { what: "escalation's replica of the services", timeoutMs: 30_000 },
    );

    // The burst: distinct alerts, so each opens an incident.
    for (let n = 0; n < INCIDENTS_PER_USER; n++) {
      await Promise.all(
        keys.map(async (key, i) => {
          const res = await core.inject({
            method: 'POST',
            url: '/v2/enqueue',
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify({
              routing_key: key,
              event_action: 'trigger',
              dedup_key: `burst-${i}-${n}`,
              payload: { summary: `Burst ${i}/${n}`, source: `host-${n}`, severity: 'critical' },
            }),
          });
          expect(res.statusCode).toBe(202);
        }),
      );
    }

    // Killed while it sends: some notifications are out, others planned or in flight.
    const out = () => smtp.mails.length + twilio.created();
    await waitFor(() => out() >= 10, { what: 'the first deliveries', timeoutMs: 60_000, intervalMs: 5 });
    await kill(notify);
    expect(out()).toBeLessThan(2 * TOTAL);
    // Emails the dead process had claimed and not settled: sent or not, their outcome is in doubt.
    const [inDoubt] = await rows<{ n: number }>(
      sql`select count(*)::int n from notify.attempts where channel = 'email' and state = 'sending'`,
    );
    notify = await startNotify();

    const attempts = () =>
      rows<{ id: string; channel: string; state: string; user_id: string; incident_id: string }>(
        sql`select id, channel, state, user_id, incident_id from notify.attempts`,
      );
    await waitFor(
      async () => {
        const all = await attempts();
        return all.length === 2 * TOTAL && all.every((a) => a.state === 'sent');
      },
      { what: `${2 * TOTAL} attempts sent`, timeoutMs: 120_000, intervalMs: 200 },
    );
    const all = await attempts();
    const emails = all.filter((a) => a.channel === 'email');
    const texts = all.filter((a) => a.channel === 'sms');
    expect(new Set(emails.map((a) => a.incident_id)).size).toBe(TOTAL);
    expect(new Set(texts.map((a) => a.incident_id)).size).toBe(TOTAL);

    // SMS: each created once at the provider (a request repeated after the kill carries the same key).
    await waitFor(() => twilio.created() === TOTAL, { what: `${TOTAL} SMS`, timeoutMs: 10_000 });
    const sentTo = twilio.messages().reduce<Record<string, number>>((acc, m) => {
      acc[m.To ?? ''] = (acc[m.To ?? ''] ?? 0) + 1;
      return acc;
    }, {});
    for (const u of users) expect(sentTo[u.phone]).toBeGreaterThanOrEqual(INCIDENTS_PER_USER);

    // Email: one message per attempt, by its Message-ID (stable across a re-send).
    const ids = smtp.mails.map((m) => m.messageId ?? '');
    expect(new Set(ids)).toEqual(new Set(emails.map((a) => `<${a.id}@klaxon>`)));
    // SMTP has no idempotency key: an email in flight at the kill (server answered, outcome not yet
    // stored) is sent again with its Message-ID, which mail clients collapse. Stored outcomes are
    // written per send, so that is at most what was in flight; anything beyond is a real duplicate.
    expect(ids.length - new Set(ids).size).toBeLessThanOrEqual(inDoubt?.n ?? 0);

    // Grouping logs both notifications on every incident, each once.
    await waitFor(
      async () =>
        (await rows<{ n: number }>(sql`select count(*)::int n from grouping.log_entries where type = 'notify'`))[0]
          ?.n ===
        2 * TOTAL,
      { what: 'notify log entries', timeoutMs: 60_000, intervalMs: 200 },
    );
  }, 300_000);
});
