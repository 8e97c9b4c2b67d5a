import type { Bus, Handler, Outcome, OutgoingMessage } from '@klaxon/bus';
import { decode, encode, timestampFromDate, topics } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { createApp } from '@klaxon/kit';
import type { TokenAccess } from '@klaxon/rest';
import { silentLog, type TestDatabase, testDatabase, uniqueSuffix } from '@klaxon/testing';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { loadCatalogConfig } from '../src/config';
import { createApiToken, findUserByEmail, users } from '../src/db';
import { catalogPlugin } from '../src/plugin';

export const publicUrl = 'https://klaxon.test';

/**
 * A bus that keeps what the outbox relay publishes, so tests read catalog.changes without a broker,
 * and hands a test's messages to the catalog's consumers as the bus would (one at a time, in order).
 */
function recordingBus(): Bus & {
  messages: OutgoingMessage[];
  deliver(topic: string, message: OutgoingMessage): Promise<Outcome>;
} {
  const messages: OutgoingMessage[] = [];
  const handlers = new Map<string, Handler>();
  let offset = 0;
  return {
    kind: 'postgres-log',
    messages,
    deliver: async (topic, message) => {
      const handler = handlers.get(topic);
      if (!handler) throw new Error(`nothing consumes ${topic}`);
      offset++;
      return handler({
        topic,
        partition: 0,
        offset: String(offset),
        key: message.key,
        value: message.value,
        headers: {},
        timestamp: new Date(),
      });
    },
    ensureTopics: async () => undefined,
    publish: async (_topic, batch) => {
      messages.push(...batch);
    },
    subscribe: async (options) => {
      // This bus hands batch subscribers their messages one at a time, as batches of one.
      const { batchHandler } = options;
      const handler: Handler = batchHandler
        ? async (message) => {
            const outcome = await batchHandler([message]);
            return (typeof outcome === 'string' ? outcome : outcome[0]) ?? 'retry';
          }
        : options.handler;
      for (const topic of options.topics) handlers.set(topic, handler);
      return {
        started: Promise.resolve(),
        stop: async () => undefined,
        abort: async () => undefined,
        caughtUp: async () => undefined,
      };
    },
    ping: async () => undefined,
    lag: async () => [],
    close: async () => undefined,
  };
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
  body: any;
  headers: Record<string, unknown>;
}

export type Call = (
  method: InjectOptions['method'],
  url: string,
  body?: object,
  headers?: Record<string, string>,
) => Promise<Answer>;

export interface CatalogHarness {
  app: FastifyInstance;
  database: TestDatabase;
  /** Moves the catalog's clock. */
  clock: { now(): Date; set(at: Date): void };
  owner: { id: string; token: string; call: Call };
  /** Calls the API with a token (or none). */
  as(token: string | undefined): Call;
  /** Creates a user with the given role directly in the database and gives them a token. */
  userWithToken(role: string, access?: TokenAccess): Promise<{ id: string; email: string; token: string; call: Call }>;
  /** Tokens created through the repository for an existing user. */
  tokenFor(userId: string, access: TokenAccess): Promise<string>;
  setOpenIncidents(integrationId: string, open: number): Promise<void>;
  /** Delivers an incidents.changed message to the catalog's consumer, as grouping would publish it. */
  incidentChanged(change: IncidentChange): Promise<Outcome>;
  /** catalog.changes published so far, decoded. */
  changes(): {
    entityType: string;
    entityId: string;
    version: bigint;
    deleted: boolean;
    snapshot: Record<string, unknown> | null;
  }[];
  close(): Promise<void>;
}

/** The fields of incidents.changed the catalog reads. */
export interface IncidentChange {
  incidentId: string;
  serviceId: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  version: number;
  integrationId?: string;
  occurredAt?: Date;
}

export async function catalogHarness(env: Record<string, string> = {}): Promise<CatalogHarness> {
  const database = await testDatabase();
  let now = new Date('2026-11-26T12:00:00Z');
  const clock = {
    now: () => now,
    set: (at: Date) => {
      now = at;
    },
  };
  const bus = recordingBus();
  const ownerToken = `owner${uniqueSuffix()}${uniqueSuffix()}`;
  const app = createApp({ name: 'catalog', logger: silentLog, checkResponses: true });
  await app.register(catalogPlugin, {
    db: database.db,
    bus,
    log: silentLog,
    clock,
    instanceId: `catalog-${uniqueSuffix()}`,
    config: loadCatalogConfig({
      KLAXON_BOOTSTRAP_TOKEN: ownerToken,
      KLAXON_BOOTSTRAP_EMAIL: 'owner@example.com',
      KLAXON_PUBLIC_URL: publicUrl,
      ...env,
    }),
  });
  await app.ready();

  const as =
    (token: string | undefined): Call =>
    async (method, url, body, headers = {}) => {
      const res = await app.inject({
        method,
        url,
        headers: {
          accept: 'application/vnd.pagerduty+json;version=2',
          'content-type': 'application/json',
          ...(token ? { authorization: `Token token=${token}` } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers };
    };

  const owner = await findUserByEmail(database.db, 'owner@example.com');
  if (!owner) throw new Error('bootstrap owner missing');
  let counter = 0;
  const tokenFor = async (userId: string, access: TokenAccess) => {
    const token = `tok${uniqueSuffix()}${uniqueSuffix()}`;
    await createApiToken(database.db, { userId, token, access, description: 'test' });
    return token;
  };

  return {
    app,
    database,
    clock,
    owner: { id: owner.id, token: ownerToken, call: as(ownerToken) },
    as,
    tokenFor,
    async userWithToken(role, access = 'full_access') {
      counter++;
      const id = `PU${uniqueSuffix().slice(0, 5).toUpperCase()}`;
      const email = `${role}${counter}.${uniqueSuffix()}@example.com`;
      await database.db.insert(users).values({ id, name: `${role} ${counter}`, email, role, timeZone: 'Etc/UTC' });
      const token = await tokenFor(id, access);
      return { id, email, token, call: as(token) };
    },
    // The read model as incidents.changed would leave it: `open` triggered incidents of the integration.
    setOpenIncidents: async (integrationId, open) => {
      await database.db.execute(sql`delete from catalog.incident_states where integration_id = ${integrationId}`);
      await database.db.execute(sql`insert into catalog.incident_states
          (incident_id, service_id, integration_id, status, version, occurred_at)
        select ${integrationId} || '-' || g, i.service_id, i.id, 'triggered', 1, now()
        from catalog.integrations i, generate_series(1, ${open}::int) g where i.id = ${integrationId}`);
    },
    incidentChanged: (change) => {
      const message = encode(topics.incidentsChanged, {
        id: `M${uniqueSuffix()}`,
        incidentId: change.incidentId,
        serviceId: change.serviceId,
        status: change.status,
        incidentVersion: BigInt(change.version),
        integrationId: change.integrationId ?? '',
        occurredAt: timestampFromDate(change.occurredAt ?? clock.now()),
      });
      return bus.deliver(topics.incidentsChanged.name, message);
    },
    changes: () =>
      bus.messages.map((m) => {
        const change = decode(topics.catalogChanges, m.value);
        return {
          entityType: change.entityType,
          entityId: change.entityId,
          version: change.version,
          deleted: change.deleted,
          snapshot: change.snapshotJson ? (JSON.parse(change.snapshotJson) as Record<string, unknown>) : null,
        };
      }),
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** A minimal escalation policy body targeting one user. */
export const policyBody = (userId: string, name = `EP ${uniqueSuffix()}`, teamId?: string) => ({
  escalation_policy: {
    type: 'escalation_policy',
    name,
    escalation_rules: [{ escalation_delay_in_minutes: 30, targets: [{ id: userId, type: 'user_reference' }] }],
    ...(teamId ? { teams: [{ id: teamId, type: 'team_reference' }] } : {}),
  },
});

export const serviceBody = (policyId: string, extra: object = {}) => ({
  service: {
    type: 'service',
    name: `Service ${uniqueSuffix()}`,
    escalation_policy: { id: policyId, type: 'escalation_policy_reference' },
    ...extra,
  },
});

/** A schedule with one daily layer of one user, from 2026-11-01. */
export const scheduleBody = (userId: string, name = `Schedule ${uniqueSuffix()}`) => ({
  schedule: {
    type: 'schedule',
    name,
    time_zone: 'Etc/UTC',
    schedule_layers: [
      {
        start: '2026-11-01T00:00:00Z',
        rotation_virtual_start: '2026-11-01T00:00:00Z',
        rotation_turn_length_seconds: 86400,
        users: [{ user: { id: userId, type: 'user_reference' } }],
      },
    ],
  },
});
