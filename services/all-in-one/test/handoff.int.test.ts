import type { Bus } from '@klaxon/bus';
import { catalogPlugin, loadCatalogConfig } from '@klaxon/catalog';
import { allTopics } from '@klaxon/contracts';
import { queryRows, sql } from '@klaxon/db';
import { escalationPlugin } from '@klaxon/escalation';
import { createApp } from '@klaxon/kit';
import { notifyPlugin } from '@klaxon/notify';
import { silentLog, type TestDatabase, testBus, testDatabase, uniqueSuffix, waitFor } from '@klaxon/testing';
import type { FastifyInstance } from 'fastify';
import { startSmtpServer } from '../../notify/test/servers';
import { restClient } from './fixtures/rest-inject';

// On-call handoff notifications end to end, on a clock the test moves: a user's handoff rule (made
// through the catalog's REST API) -> escalation plans the handoffs of the schedule its policy pages
// -> at the rule's advance before the shift ends, notify emails the user (a real SMTP server on
// loopback), once, though two escalation replicas poll and both are restarted; a schedule edit
// re-plans the next handoff. Embedded PostgreSQL and the Postgres log under `pnpm test`;
// PostgreSQL and Kafka under `pnpm test:infra`.
describe('on-call handoff notifications', () => {
  let database: TestDatabase;
  let bus: Bus;
  let core: FastifyInstance;
  let notify: FastifyInstance;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const replicas: FastifyInstance[] = [];
  const token = `handoff-${uniqueSuffix()}-${uniqueSuffix()}`;
  const owner = 'owner@example.com';
  let now = Date.parse('2027-01-04T08:00:00Z');
  const clock = { now: () => new Date(now) };

  async function startEscalation(name: string) {
    const app = createApp({ name: 'escalation', logger: silentLog });
    await app.register(escalationPlugin, {
      db: database.db,
      bus,
      log: silentLog,
      clock,
      instanceId: `${name}-${uniqueSuffix()}`,
      timerPollMs: 50,
      handoffPollMs: 50,
    });
    await app.ready();
    replicas.push(app);
  }
  const stopEscalation = async () => {
    for (const app of replicas.splice(0)) await app.close();
  };

  const rest = restClient(() => core, { token, from: owner }).ok;
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query);
  /** The handoff timers escalation planned: [due, user, kind]. */
  const planned = async () =>
    (
      await rows<{ due_at: Date; user_id: string; kind: string; fired_at: Date | null }>(
        sql`select due_at, user_id, kind, fired_at from escalation.handoff_timers order by due_at, user_id`,
      )
    ).map((r) => [new Date(r.due_at).toISOString(), r.user_id, r.kind, r.fired_at !== null]);

  beforeAll(async () => {
    database = await testDatabase();
    bus = await testBus(database.db);
    await bus.ensureTopics(allTopics);
    smtp = await startSmtpServer();
    const ctx = { db: database.db, bus, log: silentLog, clock };
    core = createApp({ name: 'core', logger: silentLog });
    await core.register(catalogPlugin, {
      ...ctx,
      instanceId: `catalog-${uniqueSuffix()}`,
      config: loadCatalogConfig({ KLAXON_BOOTSTRAP_TOKEN: token, KLAXON_BOOTSTRAP_EMAIL: owner }),
    });
    await core.ready();
    notify = createApp({ name: 'notify', logger: silentLog });
    await notify.register(notifyPlugin, {
      ...ctx,
      instanceId: `notify-${uniqueSuffix()}`,
      pollMs: 50,
      email: { url: smtp.url, from: 'Klaxon <klaxon@example.com>' },
    });
    await notify.ready();
    await startEscalation('escalation-a');
    await startEscalation('escalation-b');
  });
  afterAll(async () => {
    await stopEscalation();
    await notify?.close();
    await core?.close();
    await smtp?.close();
    await bus?.close();
    await database?.close();
  });

  it('emails a user their handoff once, across two replicas and a restart, and re-plans on a schedule edit', async () => {
    const user = async (name: string) =>
      (
        await rest('POST', '/users', {
          user: { type: 'user', name, email: `${name.toLowerCase()}-${uniqueSuffix()}@example.com` },
        })
      ).user as { id: string; email: string };
    const alice = await user('Alice');
    const bob = await user('Bob');
    const { contact_method: email } = await rest('POST', `/users/${alice.id}/contact_methods`, {
      contact_method: { type: 'email_contact_method', label: 'Work', address: alice.email },
    });
    await rest('POST', `/users/${alice.id}/oncall_handoff_notification_rules`, {
      oncall_handoff_notification_rule: {
        handoff_type: 'both',
        notify_advance_in_minutes: 30,
        contact_method: { id: email?.id, type: 'email_contact_method' },
      },
    });
    // Turns of a day from Jan 1 09:00 UTC: Alice (Jan 3) until Jan 4 09:00, then Bob, Alice again Jan 5 09:00.
    const layer = (users: { id: string }[]) => ({
      start: '2027-01-01T09:00:00Z',
      rotation_virtual_start: '2027-01-01T09:00:00Z',
      rotation_turn_length_seconds: 86_400,
      users: users.map((u) => ({ user: { id: u.id, type: 'user_reference' } })),
    });
    const { schedule } = await rest('POST', '/schedules', {
      schedule: { type: 'schedule', name: 'Primary', time_zone: 'UTC', schedule_layers: [layer([alice, bob])] },
    });
    const { escalation_policy: policy } = await rest('POST', '/escalation_policies', {
      escalation_policy: {
        type: 'escalation_policy',
        name: `Checkout ${uniqueSuffix()}`,
        escalation_rules: [
          { escalation_delay_in_minutes: 10, targets: [{ id: schedule?.id, type: 'schedule_reference' }] },
        ],
      },
    });
    // PagerDuty's default, `if_has_services`: nothing is planned until a service uses the policy.
    expect(policy?.on_call_handoff_notifications).toBe('if_has_services');
    await rest('POST', '/services', {
      service: {
        type: 'service',
        name: `Checkout ${uniqueSuffix()}`,
        escalation_policy: { id: policy?.id, type: 'escalation_policy_reference' },
      },
    });
    await waitFor(async () => (await planned()).length === 2, { what: 'the handoffs planned', timeoutMs: 30_000 });
    expect(await planned()).toEqual([
      ['2027-01-04T08:30:00.000Z', alice.id, 'offcall', false],
      ['2027-01-05T08:30:00.000Z', alice.id, 'oncall', false],
    ]);

    now = Date.parse('2027-01-04T08:31:00Z');
    const first = await waitFor(() => smtp.mails[0], { what: 'the off-call email', timeoutMs: 30_000 });
    expect(first.subject).toBe('[Klaxon] You are going off call: Primary');
    expect(first.to).toMatchObject({ text: alice.email });
    expect(first.text).toContain('You are off call for Primary from Mon, Jan 4, 09:00 UTC.');

    // Both replicas stop and two new ones take over; the fired handoff stays fired.
    await stopEscalation();
    await startEscalation('escalation-c');
    await startEscalation('escalation-d');
    // Bob and Alice swap turns: Alice is now on call from Jan 4 09:00 until Jan 5 09:00.
    await rest('PUT', `/schedules/${schedule?.id}`, {
      schedule: { type: 'schedule', name: 'Primary', time_zone: 'UTC', schedule_layers: [layer([bob, alice])] },
    });
    await waitFor(async () => (await planned()).some((p) => p[2] === 'offcall' && p[3] === false), {
      what: 'the handoffs re-planned',
      timeoutMs: 30_000,
    });
    // Her on-call start at 09:00 today was due at 08:30, before the edit: a handoff due in the past is not sent.
    expect(await planned()).toEqual([
      ['2027-01-04T08:30:00.000Z', alice.id, 'offcall', true],
      ['2027-01-05T08:30:00.000Z', alice.id, 'offcall', false],
      ['2027-01-06T08:30:00.000Z', alice.id, 'oncall', false],
    ]);

    now = Date.parse('2027-01-05T08:45:00Z');
    const second = await waitFor(() => smtp.mails[1], { what: 'the next off-call email', timeoutMs: 30_000 });
    expect(second.text).toContain('You are off call for Primary from Tue, Jan 5, 09:00 UTC.');
    await waitFor(async () => (await planned()).filter((p) => p[3] === true).length === 2, {
      what: 'both handoffs fired',
    });
    // Each handoff is one attempt of notify's, sent, on no incident.
    const attempts = () =>
      rows<{ state: string; channel: string; incident_id: string }>(
        sql`select state, channel, incident_id from notify.attempts where handoff is not null order by due_at`,
      );
    await waitFor(async () => (await attempts()).every((a) => a.state === 'sent'), { what: 'the sends recorded' });
    expect(await attempts()).toEqual([
      { state: 'sent', channel: 'email', incident_id: '' },
      { state: 'sent', channel: 'email', incident_id: '' },
    ]);
    // One email per handoff though four replicas polled: the two above and no other.
    expect(smtp.mails.map((m) => m.subject)).toEqual([
      '[Klaxon] You are going off call: Primary',
      '[Klaxon] You are going off call: Primary',
    ]);
  });
});
