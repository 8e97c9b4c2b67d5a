import { type Bus, publishTo } from '@klaxon/bus';
import {
  allTopics,
  decode,
  EventAction,
  EventSource,
  type IncidentChanged,
  RoutingStatus,
  timestampFromDate,
  topics,
} from '@klaxon/contracts';
import { queryRows, sql } from '@klaxon/db';
import { newMessageId } from '@klaxon/ids';
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
import { groupingPlugin } from '../src/plugin';

/** A clock tests move by hand: timers and windows without sleeping. */
export function manualClock(start = new Date()) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

export const FULL_TOKEN = 'fulltoken0000000000000000000001';
export const READ_TOKEN = 'readtoken0000000000000000000002';
export const USER = { id: 'PUSER01', email: 'ops@example.com', name: 'Ops Person', role: 'admin' };
export const OBSERVER = { id: 'PUSER02', email: 'watcher@example.com', name: 'Watcher', role: 'observer' };

export interface EventInit {
  action?: EventAction;
  dedupKey?: string;
  integrationId?: string;
  serviceId?: string;
  routing?: RoutingStatus;
  summary?: string;
  source?: string;
  severity?: string;
  component?: string;
  /** payload.timestamp as the sender gave it. */
  timestamp?: string;
  custom?: Record<string, unknown>;
  links?: { href: string; text?: string }[];
}

/** One database, bus and grouping app per test file; restart() starts a new app on the same database. */
export async function groupingHarness(options: { timerPollMs?: number; actionLinkKey?: string } = {}) {
  const database: TestDatabase = await testDatabase();
  const bus: Bus = await testBus(database.db);
  await bus.ensureTopics(allTopics);
  const clock = manualClock();
  const changes: IncidentChanged[] = [];
  await bus.subscribe({
    group: `test.incidents.${uniqueSuffix()}`,
    topics: [topics.incidentsChanged.name],
    handler: async (raw) => {
      changes.push(decode(topics.incidentsChanged, raw.value));
      return 'ok';
    },
  });
  let app: FastifyInstance;
  // Kept across restart(): the outbox relay's lease outlives a stopped relay (15 s), so a new owner would wait it out.
  const instanceId = `grouping-${uniqueSuffix()}`;

  async function start() {
    app = createApp({ name: 'grouping', logger: silentLog, checkResponses: true });
    await app.register(groupingPlugin, {
      db: database.db,
      bus,
      log: silentLog,
      clock,
      instanceId,
      timerPollMs: options.timerPollMs ?? 0,
      actionLinkKey: options.actionLinkKey,
    });
    await app.ready();
  }

  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query);

  /** Publishes a catalog snapshot (null: a tombstone) and waits until the replica holds it. */
  const catalog = catalogFeed(bus, database.db, 'grouping');

  /** Publishes events in one append (so they reach the consumer as one batch) and waits until all are applied. */
  async function events(inits: EventInit[]): Promise<string[]> {
    const messages = inits.map((init) => ({
      id: newMessageId(clock.now()),
      receivedAt: timestampFromDate(clock.now()),
      integrationId: init.integrationId ?? 'PINT001',
      serviceId: init.serviceId ?? 'PSVC001',
      routingStatus: init.routing ?? RoutingStatus.ACTIVE,
      action: init.action ?? EventAction.TRIGGER,
      dedupKey: init.dedupKey ?? uniqueSuffix(),
      sourceApi: EventSource.EVENTS_V2,
      payload: {
        summary: init.summary ?? 'CPU high on web-1',
        source: init.source ?? 'web-1',
        severity: init.severity ?? 'critical',
        component: init.component ?? '',
        timestamp: init.timestamp ?? '',
        customDetailsJson: init.custom ? JSON.stringify(init.custom) : '',
      },
      links: init.links ?? [],
    }));
    await publishTo(bus, topics.eventsAccepted, messages);
    const ids = messages.map((m) => m.id);
    await waitFor(
      async () =>
        (
          await rows<{ n: number }>(
            sql`select count(*)::int n from grouping.inbox where message_id = any(${sql.param(ids)}::text[])`,
          )
        )[0]?.n === ids.length,
      { what: `${ids.length} events applied` },
    );
    return ids;
  }

  async function event(init: EventInit = {}): Promise<string> {
    const [id] = await events([init]);
    return id as string;
  }

  /** Seeds the users and tokens REST calls authenticate with. */
  async function seedAuth() {
    await catalog('user', USER.id, USER);
    await catalog('user', OBSERVER.id, OBSERVER);
    await catalog('api_token', 'PTOK001', {
      token_hash: hashToken(FULL_TOKEN),
      user: { id: USER.id },
      access: 'full_access',
    });
    await catalog('api_token', 'PTOK002', {
      token_hash: hashToken(READ_TOKEN),
      user: { id: USER.id },
      access: 'read_only',
    });
  }

  function api(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, headers: Record<string, string> = {}) {
    return app.inject({
      method,
      url,
      headers: {
        authorization: `Token token=${FULL_TOKEN}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        from: USER.email,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  }

  const incidentsOf = (serviceId: string) =>
    rows<{ id: string; status: string; alert_count: number; urgency: string; title: string }>(
      sql`select id, status, alert_count, urgency, title from grouping.incidents where service_id = ${serviceId} order by incident_number`,
    );
  const alertsOf = (serviceId: string) =>
    rows<{ id: string; incident_id: string | null; status: string; suppressed: boolean; alert_key: string }>(
      sql`select id, incident_id, status, suppressed, alert_key from grouping.alerts where service_id = ${serviceId} order by created_at, id`,
    );

  await start();
  return {
    database,
    bus,
    clock,
    changes,
    get app() {
      return app;
    },
    catalog,
    event,
    events,
    seedAuth,
    api,
    rows,
    incidentsOf,
    alertsOf,
    async restart() {
      await app.close();
      await start();
    },
    async close() {
      await app.close();
      await bus.close();
      await database.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof groupingHarness>>;

export const service = (id: string, extra: object = {}) => ({
  name: `Service ${id}`,
  status: 'active',
  escalation_policy: { id: 'PEP0001' },
  acknowledgement_timeout: null,
  auto_resolve_timeout: null,
  incident_urgency_rule: { type: 'constant', urgency: 'severity_based' },
  alert_grouping_parameters: { type: null },
  ...extra,
});
