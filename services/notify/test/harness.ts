import { type Bus, publishTo } from '@klaxon/bus';
import { allTopics, type IncidentChangeKind, timestampFromDate, topics } from '@klaxon/contracts';
import { queryRows, type sql } from '@klaxon/db';
import { createApp } from '@klaxon/kit';
import { hashToken } from '@klaxon/rest';
import {
  catalogFeed,
  silentLog,
  type TestDatabase,
  testBus,
  testDatabase,
  uniqueSuffix,
  waitFor,
} from '@klaxon/testing';
import type { FastifyInstance } from 'fastify';
import { type NotifyOptions, type NotifyWorkers, notifyPlugin } from '../src/plugin';

export const TOKEN = 'notifytoken000000000000000000001';
export const READ_TOKEN = 'notifyreadonly00000000000000002';
export const RESPONDER_TOKEN = 'notifyresponder0000000000000003';
export const ADMIN = { id: 'PADMIN1', email: 'admin@example.com', name: 'Admin', role: 'admin' };
export const RESPONDER = { id: 'PRESP01', email: 'resp@example.com', name: 'Responder', role: 'limited_user' };

type Extra = Omit<NotifyOptions, 'db' | 'bus' | 'log' | 'clock' | 'instanceId' | 'workers'>;

/** One database, bus and notify app per test file; time is the test's (passes run by hand). */
export async function notifyHarness(extra: Extra = {}, start = new Date('2027-03-01T12:00:00Z')) {
  const database: TestDatabase = await testDatabase();
  const bus: Bus = await testBus(database.db);
  await bus.ensureTopics(allTopics);
  let now = start.getTime();
  const clock = { now: () => new Date(now) };
  let workers: NotifyWorkers | undefined;
  const app: FastifyInstance = createApp({ name: 'notify', logger: silentLog, checkResponses: true });
  await app.register(notifyPlugin, {
    db: database.db,
    bus,
    log: silentLog,
    clock,
    instanceId: `notify-${uniqueSuffix()}`,
    publicUrl: 'https://klaxon.test',
    pollMs: 0,
    ...extra,
    workers: (w) => {
      workers = w;
    },
  });
  await app.ready();
  const w = () => {
    if (!workers) throw new Error('notify workers not given');
    return workers;
  };

  /** Publishes a catalog snapshot (null: a tombstone) and waits until the replica holds it. */
  const catalog = catalogFeed(bus, database.db, 'notify');

  /** A user with contact methods and notification rules, as catalog publishes them. */
  async function user(
    u: { id: string; email?: string; name?: string; role?: string },
    methods: { id: string; type: string; address: string; country_code?: number }[],
    rules: { id: string; delay: number; method: string; urgency?: 'high' | 'low' }[],
  ) {
    for (const m of methods)
      await catalog('contact_method', m.id, { ...m, user: { id: u.id, type: 'user_reference' } });
    for (const r of rules) {
      const method = methods.find((m) => m.id === r.method);
      await catalog('notification_rule', r.id, {
        type: 'assignment_notification_rule',
        start_delay_in_minutes: r.delay,
        urgency: r.urgency ?? 'high',
        contact_method: { id: r.method, type: `${method?.type ?? 'contact_method'}_reference` },
      });
    }
    await catalog('user', u.id, {
      ...u,
      contact_methods: methods.map((m) => ({ id: m.id, type: `${m.type}_reference` })),
      notification_rules: rules.map((r) => ({ id: r.id, type: 'assignment_notification_rule_reference' })),
    });
  }

  await catalog('user', ADMIN.id, ADMIN);
  await catalog('user', RESPONDER.id, RESPONDER);
  await catalog('api_token', 'PTOK001', {
    token_hash: hashToken(TOKEN),
    user: { id: ADMIN.id },
    access: 'full_access',
  });
  await catalog('api_token', 'PTOK002', {
    token_hash: hashToken(READ_TOKEN),
    user: { id: ADMIN.id },
    access: 'read_only',
  });
  await catalog('api_token', 'PTOK003', {
    token_hash: hashToken(RESPONDER_TOKEN),
    user: { id: RESPONDER.id },
    access: 'full_access',
  });

  function api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, token = TOKEN) {
    return app.inject({
      method,
      url,
      headers: {
        authorization: `Token token=${token}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  }

  /** Publishes notifications.requested as escalation does. */
  async function request(r: {
    id?: string;
    userId: string;
    incidentId: string;
    urgency?: string;
    serviceId?: string;
    cycle?: number;
    title?: string;
    number?: number;
    reason?: string;
    contactMethodId?: string;
  }) {
    const id = r.id ?? `req-${uniqueSuffix()}`;
    await publishTo(bus, topics.notificationsRequested, [
      {
        id,
        userId: r.userId,
        contactMethodId: r.contactMethodId ?? '',
        contactMethodType: '',
        incidentId: r.incidentId,
        reason: r.reason ?? 'assigned',
        escalationLevel: 1,
        requestedAt: timestampFromDate(new Date(now)),
        urgency: r.urgency ?? 'high',
        serviceId: r.serviceId ?? 'PSVC001',
        escalationCycle: r.cycle ?? 0,
        incidentTitle: r.title ?? `Incident ${r.incidentId}`,
        incidentNumber: BigInt(r.number ?? 1),
      },
    ]);
    return id;
  }

  /** Publishes incidents.changed as grouping does (snapshot: the REST view). */
  async function incidentChanged(c: {
    incidentId: string;
    status: string;
    changes: IncidentChangeKind[];
    version: number;
    assigned?: string[];
    serviceId?: string;
    number?: number;
    title?: string;
    priority?: { id: string; type: string; summary: string } | null;
    detail?: { agentJson: string; noteId: string; noteContent: string };
    /** The incident's responders and their answers, as the snapshot's incidents_responders. */
    responders?: { userId: string; state: string }[];
  }) {
    const serviceId = c.serviceId ?? 'PSVC001';
    const view = {
      id: c.incidentId,
      type: 'incident',
      summary: `[#${c.number ?? 1}] ${c.title ?? 'Disk full'}`,
      self: `https://klaxon.test/incidents/${c.incidentId}`,
      html_url: `https://klaxon.test/incidents/${c.incidentId}`,
      incident_number: c.number ?? 1,
      title: c.title ?? 'Disk full',
      created_at: '2027-03-01T12:00:00.000Z',
      status: c.status,
      incident_key: `key-${c.incidentId}`,
      service: { id: serviceId, type: 'service_reference', summary: 'Checkout' },
      assignments: (c.assigned ?? []).map((id) => ({
        at: '2027-03-01T12:00:00Z',
        assignee: { id, type: 'user_reference' },
      })),
      last_status_change_by: { id: serviceId, type: 'service_reference' },
      escalation_policy: { id: 'PEP0001', type: 'escalation_policy_reference' },
      teams: [],
      priority: c.priority ?? null,
      urgency: 'high',
      incidents_responders: (c.responders ?? []).map((r) => ({
        state: r.state,
        user: { id: r.userId, type: 'user_reference' },
      })),
    };
    await publishTo(bus, topics.incidentsChanged, [
      {
        id: `chg-${uniqueSuffix()}`,
        incidentId: c.incidentId,
        incidentNumber: BigInt(c.number ?? 1),
        serviceId,
        escalationPolicyId: 'PEP0001',
        status: c.status,
        urgency: 'high',
        title: c.title ?? 'Disk full',
        changes: c.changes,
        assignedUserIds: c.assigned ?? [],
        escalationLevel: 1,
        occurredAt: timestampFromDate(new Date(now)),
        snapshotJson: JSON.stringify(view),
        incidentVersion: BigInt(c.version),
        integrationId: '',
        ...(c.detail ? { detail: c.detail } : {}),
      },
    ]);
  }

  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query);

  return {
    app,
    bus,
    db: database.db,
    catalog,
    user,
    api,
    request,
    incidentChanged,
    rows,
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    sendDue: () => w().sendDue(new Date(now)),
    postDue: () => w().postDue(new Date(now)),
    async close() {
      await app.close();
      await bus.close();
      await database.close();
    },
  };
}

export type NotifyHarness = Awaited<ReturnType<typeof notifyHarness>>;
export { waitFor };
