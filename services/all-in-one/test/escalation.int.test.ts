import { type Bus, subscribeTo } from '@klaxon/bus';
import { catalogPlugin, loadCatalogConfig } from '@klaxon/catalog';
import {
  AssignmentCommandKind,
  allTopics,
  type IncidentAssignmentCommand,
  type NotificationRequested,
  topics,
} from '@klaxon/contracts';
import { queryRows, sql } from '@klaxon/db';
import { escalationPlugin, startEscalationTimers } from '@klaxon/escalation';
import { groupingPlugin } from '@klaxon/grouping';
import { ingestPlugin, loadIngestConfig } from '@klaxon/ingest';
import { createApp } from '@klaxon/kit';
import { silentLog, type TestDatabase, testBus, testDatabase, uniqueSuffix, waitFor } from '@klaxon/testing';
import type { FastifyInstance } from 'fastify';
import { restClient } from './fixtures/rest-inject';

// Issue 10's end-to-end run of an escalation policy, on a clock the test moves: an event opens an
// incident, escalation assigns whoever the schedule has on call at that instant, nobody acknowledges,
// level 2 follows after the delay, the acknowledgement stops it. Escalation runs as two replicas
// (apps of their own on one database and bus), both restarted mid-escalation; each notification is
// requested once. Embedded PostgreSQL and the Postgres log under `pnpm test`; PostgreSQL and Kafka
// under `pnpm test:infra`.
describe('escalation policies run end to end', () => {
  let database: TestDatabase;
  let bus: Bus;
  let core: FastifyInstance;
  const replicas: FastifyInstance[] = [];
  const notifications: NotificationRequested[] = [];
  const commands: IncidentAssignmentCommand[] = [];
  const token = `esc-${uniqueSuffix()}-${uniqueSuffix()}`;
  const email = 'sre@example.com';
  let now = Date.parse('2027-01-04T12:00:00Z');
  const clock = { now: () => new Date(now) };
  const minutes = (n: number) => {
    now += n * 60_000;
  };

  async function startEscalation(name: string) {
    const app = createApp({ name: 'escalation', logger: silentLog });
    await app.register(escalationPlugin, {
      db: database.db,
      bus,
      log: silentLog,
      clock,
      instanceId: `${name}-${uniqueSuffix()}`,
      timerPollMs: 50,
    });
    await app.ready();
    replicas.push(app);
  }
  async function stopEscalation() {
    for (const app of replicas.splice(0)) await app.close();
  }

  const rest = restClient(() => core, { token, from: email }).ok;
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query);
  const replicated = (id: string) =>
    waitFor(
      async () =>
        (
          await rows<{ n: number }>(sql`select count(*)::int n from escalation.catalog_replica where entity_id = ${id}`)
        )[0]?.n === 1,
      { what: `escalation's replica of ${id}`, timeoutMs: 30_000 },
    );

  beforeAll(async () => {
    database = await testDatabase();
    bus = await testBus(database.db);
    await bus.ensureTopics(allTopics);
    const ctx = { db: database.db, bus, log: silentLog, clock, instanceId: `core-${uniqueSuffix()}` };
    core = createApp({ name: 'core', logger: silentLog });
    await core.register(catalogPlugin, {
      ...ctx,
      config: loadCatalogConfig({ KLAXON_BOOTSTRAP_TOKEN: token, KLAXON_BOOTSTRAP_EMAIL: email }),
    });
    await core.register(ingestPlugin, { ...ctx, config: loadIngestConfig({}) });
    await core.register(groupingPlugin, { ...ctx, timerPollMs: 100 });
    await core.ready();
    await subscribeTo(bus, {
      group: `test.notifications.${uniqueSuffix()}`,
      topic: topics.notificationsRequested,
      handler: async (message) => {
        notifications.push(message);
        return 'ok';
      },
    });
    await subscribeTo(bus, {
      group: `test.assignments.${uniqueSuffix()}`,
      topic: topics.incidentsAssignments,
      handler: async (message) => {
        commands.push(message);
        return 'ok';
      },
    });
    await startEscalation('escalation-a');
    await startEscalation('escalation-b');
  });
  afterAll(async () => {
    await stopEscalation();
    await core.close();
    await bus.close();
    await database.close();
  });

  const user = async (name: string) =>
    (
      await rest('POST', '/users', {
        user: { type: 'user', name, email: `${name.toLowerCase()}-${uniqueSuffix()}@example.com`, role: 'user' },
      })
    ).user as { id: string };
  const serviceOn = async (policyId: string) => {
    const { service } = await rest('POST', '/services', {
      service: {
        type: 'service',
        name: `Checkout ${uniqueSuffix()}`,
        escalation_policy: { id: policyId, type: 'escalation_policy_reference' },
      },
    });
    const { integration } = await rest('POST', `/services/${service?.id}/integrations`, {
      integration: { type: 'events_api_v2_inbound_integration', name: 'Alertmanager' },
    });
    return { serviceId: service?.id as string, key: integration?.integration_key as string };
  };
  const trigger = async (key: string, dedupKey: string) => {
    const res = await core.inject({
      method: 'POST',
      url: '/v2/enqueue',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        routing_key: key,
        event_action: 'trigger',
        dedup_key: dedupKey,
        payload: { summary: `${dedupKey} failing`, source: 'web-1', severity: 'critical' },
      }),
    });
    expect(res.statusCode).toBe(202);
  };
  type Incident = { id: string; status: string; assignments: { assignee: { id: string } }[] };
  const incidentOf = (serviceId: string) =>
    waitFor(
      async () => ((await rest('GET', `/incidents?service_ids[]=${serviceId}`)).incidents as unknown as Incident[])[0],
      { what: 'the incident', timeoutMs: 30_000 },
    );
  const assigneesOf = async (id: string) =>
    ((await rest('GET', `/incidents/${id}`)).incident as unknown as Incident).assignments.map((a) => a.assignee.id);
  /** A policy of one user per level. */
  const policyOf = async (name: string, levels: { id: string; delay: number }[]) =>
    (
      await rest('POST', '/escalation_policies', {
        escalation_policy: {
          type: 'escalation_policy',
          name: `${name} ${uniqueSuffix()}`,
          escalation_rules: levels.map((l) => ({
            escalation_delay_in_minutes: l.delay,
            targets: [{ id: l.id, type: 'user_reference' }],
          })),
        },
      })
    ).escalation_policy as { id: string; name: string };
  const pendingEscalations = async (id: string) =>
    (
      (await rest('GET', `/incidents/${id}`)).incident as unknown as { pending_actions: { type: string; at: string }[] }
    ).pending_actions.filter((a) => a.type === 'escalate');
  const logTypes = async (id: string) =>
    ((await rest('GET', `/incidents/${id}/log_entries?is_overview=false`)).log_entries as unknown as { type: string }[])
      .map((e) => e.type)
      .reverse();

  it('assigns the on-call user, escalates after the delay across a restart of two replicas, stops on acknowledge', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const carol = await user('Carol');
    // Alice and Bob take turns by the day from Jan 1 (UTC): on Jan 4 at 12:00 it is Bob's turn.
    const { schedule } = await rest('POST', '/schedules', {
      schedule: {
        type: 'schedule',
        name: 'Primary',
        time_zone: 'UTC',
        schedule_layers: [
          {
            start: '2027-01-01T00:00:00Z',
            rotation_virtual_start: '2027-01-01T00:00:00Z',
            rotation_turn_length_seconds: 86_400,
            users: [alice, bob].map((u) => ({ user: { id: u.id, type: 'user_reference' } })),
          },
        ],
      },
    });
    const { escalation_policy: policy } = await rest('POST', '/escalation_policies', {
      escalation_policy: {
        type: 'escalation_policy',
        name: `Checkout ${uniqueSuffix()}`,
        num_loops: 0,
        escalation_rules: [
          { escalation_delay_in_minutes: 10, targets: [{ id: schedule?.id, type: 'schedule_reference' }] },
          { escalation_delay_in_minutes: 10, targets: [{ id: carol.id, type: 'user_reference' }] },
        ],
      },
    });
    const { serviceId, key } = await serviceOn(policy?.id as string);
    for (const id of [schedule?.id, policy?.id, carol.id, bob.id]) await replicated(id as string);

    await trigger(key, 'checkout/latency');
    const incident = await incidentOf(serviceId);
    await waitFor(async () => (await assigneesOf(incident.id)).join() === bob.id, { what: 'Bob assigned' });
    await waitFor(() => notifications.some((n) => n.userId === bob.id), { what: "Bob's notification" });
    // Level 1's delay shows as PagerDuty's pending escalate action.
    expect(await pendingEscalations(incident.id)).toEqual([{ type: 'escalate', at: '2027-01-04T12:10:00.000Z' }]);

    // Both replicas stop mid-escalation (the level-2 timer is pending) and two new ones take over.
    await stopEscalation();
    await startEscalation('escalation-c');
    await startEscalation('escalation-d');

    minutes(9);
    expect(
      await startEscalationTimers(
        { db: database.db, clock, log: silentLog, published: () => {} },
        { pollMs: 0 },
      ).fireDue(clock.now()),
    ).toBe(0);
    minutes(2);
    await waitFor(async () => (await assigneesOf(incident.id)).join() === carol.id, {
      what: 'Carol assigned at level 2',
      timeoutMs: 30_000,
    });
    await waitFor(() => notifications.some((n) => n.userId === carol.id), { what: "Carol's notification" });
    // Level 2 is the last and the policy does not loop: nothing more is pending.
    expect(await pendingEscalations(incident.id)).toEqual([]);

    await rest('PUT', `/incidents/${incident.id}`, { incident: { type: 'incident', status: 'acknowledged' } });
    await waitFor(
      async () =>
        (
          await rows<{ due_at: Date | null }>(
            sql`select due_at from escalation.runs where incident_id = ${incident.id}`,
          )
        )[0]?.due_at === null,
      { what: 'the escalation timer cancelled' },
    );
    minutes(30);
    expect(
      await startEscalationTimers(
        { db: database.db, clock, log: silentLog, published: () => {} },
        { pollMs: 0 },
      ).fireDue(clock.now()),
    ).toBe(0);

    expect(
      notifications
        .filter((n) => n.incidentId === incident.id)
        .map((n) => [n.userId, n.escalationLevel, n.escalationCycle, n.reason, n.urgency]),
    ).toEqual([
      [bob.id, 1, 0, 'assigned', 'high'],
      [carol.id, 2, 0, 'escalated', 'high'],
    ]);
    // One command per step although two replicas polled the timer: grouping's stale check is not
    // what kept the notifications single.
    expect(commands.filter((c) => c.incidentId === incident.id).map((c) => [c.kind, c.escalationLevel])).toEqual([
      [AssignmentCommandKind.ASSIGN, 1],
      [AssignmentCommandKind.ESCALATE, 2],
    ]);
    expect(await logTypes(incident.id)).toEqual([
      'trigger_log_entry',
      'assign_log_entry',
      'escalate_log_entry',
      'acknowledge_log_entry',
    ]);
    expect((await rest('GET', `/incidents/${incident.id}`)).incident).toMatchObject({ status: 'acknowledged' });
    expect(await assigneesOf(incident.id)).toEqual([carol.id]);
  });

  it('keeps an incident whose policy reaches nobody visible and unassigned, saying why', async () => {
    const dave = await user('Dave');
    // A layer that starts next month: nobody is on call now.
    const { schedule } = await rest('POST', '/schedules', {
      schedule: {
        type: 'schedule',
        name: 'Later',
        time_zone: 'UTC',
        schedule_layers: [
          {
            start: '2027-02-01T00:00:00Z',
            rotation_virtual_start: '2027-02-01T00:00:00Z',
            rotation_turn_length_seconds: 86_400,
            users: [{ user: { id: dave.id, type: 'user_reference' } }],
          },
        ],
      },
    });
    const { escalation_policy: policy } = await rest('POST', '/escalation_policies', {
      escalation_policy: {
        type: 'escalation_policy',
        name: `Empty ${uniqueSuffix()}`,
        escalation_rules: [
          { escalation_delay_in_minutes: 5, targets: [{ id: schedule?.id, type: 'schedule_reference' }] },
        ],
      },
    });
    const { serviceId, key } = await serviceOn(policy?.id as string);
    for (const id of [schedule?.id, policy?.id]) await replicated(id as string);
    await trigger(key, 'nobody/home');
    const incident = await incidentOf(serviceId);
    const entry = await waitFor(
      async () =>
        (
          (await rest('GET', `/incidents/${incident.id}/log_entries`)).log_entries as unknown as {
            type: string;
            note?: string;
          }[]
        ).find((e) => e.type === 'exhaust_escalation_path_log_entry'),
      { what: 'the log entry saying why', timeoutMs: 30_000 },
    );
    expect(entry.note).toBe(
      `No one to assign on escalation policy ${policy?.id} (level 1: schedule ${schedule?.id} has nobody on call).`,
    );
    expect(await assigneesOf(incident.id)).toEqual([]);
    expect((await rest('GET', `/incidents?statuses[]=triggered&service_ids[]=${serviceId}`)).incidents).toHaveLength(1);
  });

  it('delegates to another escalation policy: its level 1 is assigned and its escalation runs from there', async () => {
    const erin = await user('Erin');
    const frank = await user('Frank');
    const first = await policyOf('First', [{ id: erin.id, delay: 30 }]);
    const second = await policyOf('Second', [
      { id: frank.id, delay: 5 },
      { id: erin.id, delay: 5 },
    ]);
    const { serviceId, key } = await serviceOn(first.id);
    for (const id of [first.id, second.id, erin.id, frank.id]) await replicated(id);
    await trigger(key, 'delegate/me');
    const incident = await incidentOf(serviceId);
    await waitFor(async () => (await assigneesOf(incident.id)).join() === erin.id, { what: 'Erin assigned' });
    await rest('PUT', `/incidents/${incident.id}`, { incident: { type: 'incident', status: 'acknowledged' } });

    // Refused, changing nothing: an unknown policy, or a policy and assignees at once.
    for (const body of [
      { escalation_policy: { id: 'PNOPE00', type: 'escalation_policy_reference' } },
      {
        escalation_policy: { id: second.id, type: 'escalation_policy_reference' },
        assignments: [{ assignee: { id: frank.id, type: 'user_reference' } }],
      },
    ]) {
      const res = await core.inject({
        method: 'PUT',
        url: `/incidents/${incident.id}`,
        headers: { authorization: `Token token=${token}`, from: email, 'content-type': 'application/json' },
        payload: JSON.stringify({ incident: { type: 'incident', ...body } }),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 2001, message: 'Invalid Input Provided' } });
    }
    expect((await rest('GET', `/incidents/${incident.id}`)).incident).toMatchObject({
      status: 'acknowledged',
      escalation_policy: { id: first.id },
    });

    const delegatedAt = new Date(now);
    const { incident: delegated } = await rest('PUT', `/incidents/${incident.id}`, {
      incident: { type: 'incident', escalation_policy: { id: second.id, type: 'escalation_policy_reference' } },
    });
    expect(delegated).toMatchObject({ status: 'triggered', escalation_policy: { id: second.id }, assignments: [] });
    await waitFor(async () => (await assigneesOf(incident.id)).join() === frank.id, {
      what: "Frank assigned at the new policy's level 1",
      timeoutMs: 30_000,
    });
    await waitFor(() => notifications.some((n) => n.userId === frank.id && n.incidentId === incident.id), {
      what: "Frank's notification",
    });
    expect(await pendingEscalations(incident.id)).toEqual([
      { type: 'escalate', at: new Date(delegatedAt.getTime() + 5 * 60_000).toISOString() },
    ]);
    const delegateEntry = (
      (await rest('GET', `/incidents/${incident.id}/log_entries?is_overview=false`)).log_entries as unknown as {
        type: string;
      }[]
    ).find((e) => e.type === 'delegate_log_entry');
    expect(delegateEntry).toBeDefined();

    // The new policy escalates on its own delay, to its level 2.
    minutes(6);
    await waitFor(async () => (await assigneesOf(incident.id)).join() === erin.id, {
      what: "Erin assigned at the new policy's level 2",
      timeoutMs: 30_000,
    });
    expect((await rest('GET', `/incidents/${incident.id}`)).incident).toMatchObject({
      escalation_policy: { id: second.id },
    });
    expect(await logTypes(incident.id)).toEqual([
      'trigger_log_entry',
      'assign_log_entry',
      'acknowledge_log_entry',
      'delegate_log_entry',
      'unacknowledge_log_entry',
      'assign_log_entry',
      'escalate_log_entry',
    ]);
  });

  it('responder requests notify the users asked and the on-call of the policies asked, who appear on the incident', async () => {
    const ivan = await user('Ivan');
    const gina = await user('Gina');
    const hank = await user('Hank');
    const paged = await policyOf('Paged', [{ id: ivan.id, delay: 30 }]);
    const databases = await policyOf('Databases', [{ id: hank.id, delay: 30 }]);
    const { serviceId, key } = await serviceOn(paged.id);
    for (const id of [paged.id, databases.id, ivan.id, gina.id, hank.id]) await replicated(id);
    await trigger(key, 'help/wanted');
    const incident = await incidentOf(serviceId);
    await waitFor(async () => (await assigneesOf(incident.id)).join() === ivan.id, { what: 'Ivan assigned' });

    const post = (id: string, body: object) =>
      core.inject({
        method: 'POST',
        url: `/incidents/${id}/responder_requests`,
        headers: { authorization: `Token token=${token}`, from: email, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const ask = (targets: { id: string; type: string }[]) => ({
      requester_id: ivan.id,
      message: 'Please join the bridge',
      responder_request_targets: targets.map((t) => ({ responder_request_target: t })),
    });
    // Refused, changing nothing: no such incident, an unknown target, a body without its message.
    expect((await post('PNOSUCH', ask([{ id: gina.id, type: 'user_reference' }]))).statusCode).toBe(404);
    const unknown = await post(incident.id, ask([{ id: 'PNOBODY', type: 'user_reference' }]));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: 2001, message: 'Invalid Input Provided' } });
    const { message: _omitted, ...noMessage } = ask([{ id: gina.id, type: 'user_reference' }]);
    expect((await post(incident.id, noMessage)).statusCode).toBe(400);
    expect((await rest('GET', `/incidents/${incident.id}`)).incident).toMatchObject({ responder_requests: [] });

    const res = await post(
      incident.id,
      ask([
        { id: gina.id, type: 'user_reference' },
        { id: databases.id, type: 'escalation_policy_reference' },
      ]),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      responder_request: {
        incident: { id: incident.id, type: 'incident_reference' },
        requester: { id: ivan.id, type: 'user_reference' },
        message: 'Please join the bridge',
        responder_request_targets: [
          {
            responder_request_target: {
              type: 'user',
              id: gina.id,
              incidents_responders: [{ state: 'pending', user: { id: gina.id }, requester: { id: ivan.id } }],
            },
          },
          { responder_request_target: { type: 'escalation_policy', id: databases.id } },
        ],
      },
    });

    // Hank is on call for the requested policy: escalation resolves him and grouping adds him.
    type Responder = { state: string; user: { id: string }; escalation_policy_requests: string[] };
    const responders = await waitFor(
      async () => {
        const shown = (
          (await rest('GET', `/incidents/${incident.id}`)).incident as unknown as {
            incidents_responders: Responder[];
          }
        ).incidents_responders;
        return shown.length === 2 ? shown : undefined;
      },
      { what: "the requested policy's on-call added as a responder", timeoutMs: 30_000 },
    );
    const byUser = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(responders.map((r) => [r.user.id, r.state, r.escalation_policy_requests]).sort(byUser)).toEqual(
      [
        [gina.id, 'pending', []],
        [hank.id, 'pending', [databases.name]],
      ].sort(byUser),
    );
    await waitFor(() => notifications.filter((n) => n.reason === 'responder_request').length >= 2, {
      what: "the responders' notifications",
    });
    expect(
      notifications
        .filter((n) => n.incidentId === incident.id && n.reason === 'responder_request')
        .map((n) => [n.userId, n.urgency])
        .sort(),
    ).toEqual(
      [
        [gina.id, 'high'],
        [hank.id, 'high'],
      ].sort(),
    );
    // Responders are asked to help; the incident stays assigned to Ivan.
    expect(await assigneesOf(incident.id)).toEqual([ivan.id]);
  });
});
