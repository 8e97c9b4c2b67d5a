import { gzipSync } from 'node:zlib';
import { type Bus, type BusMessage, createKafkaBus, createPostgresLogBus, publishTo } from '@klaxon/bus';
import {
  type AcceptedEvent,
  allTopics,
  decode,
  EventAction,
  EventSource,
  RoutingStatus,
  timestampDate,
  timestampFromDate,
  topics,
} from '@klaxon/contracts';
import { openDatabase } from '@klaxon/db';
import { createApp } from '@klaxon/kit';
import { systemClock } from '@klaxon/runtime';
import { infra, silentLog, type TestDatabase, testBus, testDatabase, uniqueSuffix, waitFor } from '@klaxon/testing';
import type { FastifyInstance } from 'fastify';
import { loadIngestConfig } from '../src/config';
import { ingestPlugin } from '../src/plugin';

// The Events API endpoints against a real bus: the Postgres log on the embedded PostgreSQL under `pnpm test`, Kafka
// (and PostgreSQL for the rate counters) under `pnpm test:infra`.

const keyOf = (n: number) => `${uniqueSuffix()}${uniqueSuffix()}${uniqueSuffix()}${n}`.padEnd(32, 'f').slice(0, 32);

describe('Events API endpoints', () => {
  let database: TestDatabase;
  let bus: Bus;
  let app: FastifyInstance;
  const accepted: { event: AcceptedEvent; raw: BusMessage }[] = [];
  let version = 1n;

  const V2_KEY = keyOf(1);
  const V1_KEY = keyOf(2);
  const LIMITED_KEY = keyOf(3);
  const LIMITED_SERVICE_MARKER_KEY = keyOf(7);
  const SHARED_KEY = keyOf(8);
  // The limit test's own v1 key: counts are shared through the database, and its fixed clock's
  // window would otherwise take in V1_KEY's events from the other tests (whose clock runs later).
  const LIMITED_V1_KEY = keyOf(9);
  const SERVICE = 'PSVC001';

  async function catalog(entityType: string, entityId: string, snapshot: object) {
    await publishTo(bus, topics.catalogChanges, [
      {
        id: `chg-${uniqueSuffix()}`,
        entityType,
        entityId,
        version: version++,
        snapshotJson: JSON.stringify(snapshot),
        changedAt: timestampFromDate(new Date()),
      },
    ]);
  }
  const integration = (id: string, key: string, type: string, serviceId = SERVICE) =>
    catalog('integration', id, { id, type, integration_key: key, service: { id: serviceId } });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
    });
  const trigger = (key: string, extra: object = {}) => ({
    routing_key: key,
    event_action: 'trigger',
    payload: { summary: 'CPU high on web-1', source: 'web-1', severity: 'critical' },
    ...extra,
  });
  /** Sends a marker event and waits for it: anything published before it on the partition is in by then. */
  async function drainTo(key = V2_KEY): Promise<AcceptedEvent[]> {
    const marker = `marker-${uniqueSuffix()}`;
    expect((await post('/v2/enqueue', trigger(key, { dedup_key: marker }))).statusCode).toBe(202);
    await waitFor(() => accepted.some((a) => a.event.dedupKey === marker), { what: 'marker event' });
    const events = accepted.splice(0).map((a) => a.event);
    return events.filter((e) => e.dedupKey !== marker);
  }

  /** Another ingest replica on the same database and bus, whose appends go through `publish`. */
  async function replicaWith(
    name: string,
    publish: Bus['publish'],
    publishTimeoutMs = 3_000,
  ): Promise<FastifyInstance> {
    const replica = createApp({ name, logger: silentLog });
    await replica.register(ingestPlugin, {
      db: database.db,
      bus: { ...bus, publish },
      log: silentLog,
      clock: systemClock,
      instanceId: `${name}-${uniqueSuffix()}`,
      config: loadIngestConfig({
        KLAXON_INGEST_RATE_LIMIT: '1000',
        KLAXON_INGEST_PUBLISH_TIMEOUT_MS: String(publishTimeoutMs),
      }),
    });
    await replica.ready();
    return replica;
  }
  const sendTo = (replica: FastifyInstance, payload: object) =>
    replica.inject({
      method: 'POST',
      url: '/v2/enqueue',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  /** An append the bus takes at once but acknowledges only when released: a broker coming back mid-request. */
  function heldFirstAppend(): { publish: Bus['publish']; release: () => void } {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let appends = 0;
    return {
      publish: async (topic, messages) => {
        if (appends++ === 0) await held;
        await bus.publish(topic, messages);
      },
      release: () => release(),
    };
  }

  beforeAll(async () => {
    database = await testDatabase();
    bus = await testBus(database.db);
    await bus.ensureTopics(allTopics);
    await integration('PINT001', V2_KEY, 'events_api_v2_inbound_integration');
    await integration('PINT002', V1_KEY, 'generic_events_api_inbound_integration');
    await integration('PINT003', LIMITED_KEY, 'events_api_v2_inbound_integration', 'PSVC003');
    await integration('PINT007', LIMITED_SERVICE_MARKER_KEY, 'events_api_v2_inbound_integration', 'PSVC003');
    await integration('PINT008', SHARED_KEY, 'events_api_v2_inbound_integration', 'PSVC008');
    await integration('PINT009', LIMITED_V1_KEY, 'generic_events_api_inbound_integration', 'PSVC003');
    app = createApp({ name: 'ingest', logger: silentLog });
    await app.register(ingestPlugin, {
      db: database.db,
      bus,
      log: silentLog,
      clock: systemClock,
      instanceId: `ingest-${uniqueSuffix()}`,
      config: loadIngestConfig({ KLAXON_INGEST_RATE_LIMIT: '1000' }),
    });
    await app.ready();
    await bus.subscribe({
      group: `test.accepted.${uniqueSuffix()}`,
      topics: [topics.eventsAccepted.name],
      handler: async (raw) => {
        accepted.push({ event: decode(topics.eventsAccepted, raw.value), raw });
        return 'ok';
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await bus.close();
    await database.close();
  });
  afterEach(() => {
    accepted.splice(0);
  });

  describe('what works', () => {
    it('accepts a v2 trigger with every field and publishes one normalized event, keyed by service', async () => {
      const body = trigger(V2_KEY, {
        dedup_key: 'srv01/mysql',
        payload: {
          summary: 'DISK at 99% on machine prod-datapipe03.example.com',
          timestamp: '2015-07-17T08:42:58.315+0000',
          severity: 'critical',
          source: 'prod-datapipe03.example.com',
          component: 'mysql',
          group: 'prod-datapipe',
          class: 'disk',
          custom_details: { 'free space': '1%', 'load avg': 0.75 },
        },
        images: [{ src: 'https://chart.example.com/x.png', href: 'https://example.com', alt: 'chart' }],
        links: [{ href: 'https://example.com/runbook', text: 'Runbook' }],
        client: 'Sample Monitoring Service',
        client_url: 'https://monitoring.example.com',
      });
      const before = Date.now();
      const res = await post('/v2/enqueue', body);
      expect(res.statusCode).toBe(202);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toBe('{"status":"success","message":"Event processed","dedup_key":"srv01/mysql"}');

      await waitFor(() => accepted.length === 1, { what: 'accepted event' });
      const [{ event, raw }] = accepted as [{ event: AcceptedEvent; raw: BusMessage }];
      expect(raw.key).toBe(SERVICE);
      expect(event).toMatchObject({
        integrationId: 'PINT001',
        serviceId: SERVICE,
        routingStatus: RoutingStatus.ACTIVE,
        action: EventAction.TRIGGER,
        dedupKey: 'srv01/mysql',
        sourceApi: EventSource.EVENTS_V2,
        client: 'Sample Monitoring Service',
        clientUrl: 'https://monitoring.example.com',
        payload: {
          summary: 'DISK at 99% on machine prod-datapipe03.example.com',
          source: 'prod-datapipe03.example.com',
          severity: 'critical',
          timestamp: '2015-07-17T08:42:58.315+0000',
          component: 'mysql',
          group: 'prod-datapipe',
          class: 'disk',
        },
        images: [{ src: 'https://chart.example.com/x.png', href: 'https://example.com', alt: 'chart' }],
        links: [{ href: 'https://example.com/runbook', text: 'Runbook' }],
      });
      expect(JSON.parse(event.payload?.customDetailsJson ?? '')).toEqual({ 'free space': '1%', 'load avg': 0.75 });
      expect(event.id).toMatch(/^[0-9a-z]{25}$/);
      expect(timestampDate(event.receivedAt ?? timestampFromDate(new Date(0))).getTime()).toBeGreaterThanOrEqual(
        before - 1000,
      );
    });

    it('generates a 32-hex dedup key for a trigger without one and carries it on the bus', async () => {
      const res = await post('/v2/enqueue', trigger(V2_KEY));
      expect(res.statusCode).toBe(202);
      const { dedup_key } = res.json() as { dedup_key: string };
      expect(dedup_key).toMatch(/^[0-9a-f]{32}$/);
      const events = await drainTo();
      expect(events.map((e) => e.dedupKey)).toEqual([dedup_key]);
    });

    it.each([
      ['acknowledge', EventAction.ACKNOWLEDGE],
      ['resolve', EventAction.RESOLVE],
    ])('accepts %s with only a dedup key', async (action, expected) => {
      const res = await post('/v2/enqueue', { routing_key: V2_KEY, event_action: action, dedup_key: 'srv01/mysql' });
      expect(res.body).toBe('{"status":"success","message":"Event processed","dedup_key":"srv01/mysql"}');
      const [event] = await drainTo();
      expect(event?.action).toBe(expected);
    });

    it('accepts a change event', async () => {
      const res = await post('/v2/change/enqueue', {
        routing_key: V2_KEY,
        payload: { summary: 'Deployed v2.3.1', source: 'ci', custom_details: { build: 220 } },
        links: [{ href: 'https://ci.example.com/220' }],
      });
      expect(res.statusCode).toBe(202);
      expect(res.body).toBe('{"status":"success","message":"Change event processed"}');
      const [event] = await drainTo();
      expect(event).toMatchObject({ action: EventAction.CHANGE, sourceApi: EventSource.CHANGE_EVENTS, dedupKey: '' });
    });

    it('accepts a v1 event with its 200 answer', async () => {
      const res = await post('/generic/2010-04-15/create_event.json', {
        service_key: V1_KEY,
        event_type: 'trigger',
        incident_key: 'srv01/HTTP',
        description: 'FAILURE for production/HTTP on machine srv01.acme.com',
        details: { 'ping time': '1500ms' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('{"status":"success","message":"Event processed","incident_key":"srv01/HTTP"}');
      const [event] = await drainTo();
      expect(event).toMatchObject({
        integrationId: 'PINT002',
        sourceApi: EventSource.EVENTS_V1,
        dedupKey: 'srv01/HTTP',
        payload: { summary: 'FAILURE for production/HTTP on machine srv01.acme.com', severity: 'error' },
      });
    });

    it('accepts a gzip-compressed body', async () => {
      const res = await post('/v2/enqueue', gzipSync(JSON.stringify(trigger(V2_KEY, { dedup_key: 'gz' }))), {
        'content-encoding': 'gzip',
      });
      expect(res.statusCode).toBe(202);
      expect((await drainTo()).map((e) => e.dedupKey)).toEqual(['gz']);
    });

    it('routes an integration created a moment before its first event', async () => {
      const key = keyOf(4);
      await integration('PINT004', key, 'events_api_v2_inbound_integration');
      const res = await post('/v2/enqueue', trigger(key, { dedup_key: 'fresh' }));
      expect(res.statusCode).toBe(202);
      expect((await drainTo()).map((e) => e.integrationId)).toEqual(['PINT004']);
    });

    it('accepts events for disabled services and services in maintenance, marked for downstream', async () => {
      const disabledKey = keyOf(5);
      const maintenanceKey = keyOf(6);
      await integration('PINT005', disabledKey, 'events_api_v2_inbound_integration', 'PSVC005');
      await catalog('service', 'PSVC005', { id: 'PSVC005', status: 'disabled' });
      await integration('PINT006', maintenanceKey, 'events_api_v2_inbound_integration', 'PSVC006');
      await catalog('maintenance_window', 'PMW0001', {
        id: 'PMW0001',
        start_time: new Date(Date.now() - 60_000).toISOString(),
        end_time: new Date(Date.now() + 3_600_000).toISOString(),
        services: [{ id: 'PSVC006' }],
      });
      // The routing table learns both from catalog.changes; wait until it answers for the last one.
      await waitFor(
        async () => {
          accepted.splice(0);
          const r = await post('/v2/enqueue', trigger(maintenanceKey, { dedup_key: 'm' }));
          if (r.statusCode !== 202) return false;
          await waitFor(() => accepted.some((a) => a.event.dedupKey === 'm'), { what: 'maintenance event' });
          return accepted.find((a) => a.event.dedupKey === 'm')?.event.routingStatus === RoutingStatus.MAINTENANCE;
        },
        { what: 'maintenance status' },
      );
      expect((await post('/v2/enqueue', trigger(disabledKey, { dedup_key: 'd' }))).statusCode).toBe(202);
      await waitFor(() => accepted.some((a) => a.event.dedupKey === 'd'), { what: 'disabled event' });
      expect(accepted.find((a) => a.event.dedupKey === 'd')?.event.routingStatus).toBe(RoutingStatus.DISABLED);
    });
  });

  describe('what is refused (and never published)', () => {
    const invalid = (errors: string[]) => ({ status: 'invalid event', message: 'Event object is invalid', errors });
    const unrecognized = (error: string) => ({
      status: 'Unrecognized object',
      message: 'Event object format is unrecognized',
      errors: [error],
    });

    it.each([
      ['/v2/enqueue', '{"routing_key": ', 400, unrecognized('JSON parse error')],
      ['/v2/enqueue', '[1,2]', 400, unrecognized('Event must be a JSON object')],
      ['/v2/enqueue', '', 400, unrecognized('JSON parse error')],
      ['/generic/2010-04-15/create_event.json', '{', 400, unrecognized('JSON parse error')],
    ])('%s with body %j answers %i', async (url, body, status, expected) => {
      const res = await post(url, body);
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual(expected);
    });

    it('refuses a content type other than JSON', async () => {
      const res = await post('/v2/enqueue', JSON.stringify(trigger(V2_KEY)), {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(unrecognized('Content-Type must be application/json'));
    });

    it('refuses bodies over 512 KB, also when they only grow that large once decompressed', async () => {
      const big = JSON.stringify(
        trigger(V2_KEY, {
          payload: { summary: 's', source: 'x', severity: 'info', custom_details: { pad: 'x'.repeat(600 * 1024) } },
        }),
      );
      for (const res of [
        await post('/v2/enqueue', big),
        await post('/v2/enqueue', gzipSync(big), { 'content-encoding': 'gzip' }),
      ]) {
        expect(res.statusCode).toBe(413);
        expect(res.json()).toEqual(invalid(['Request body is larger than 512 KB']));
      }
      expect((await post('/v2/enqueue', 'x', { 'content-encoding': 'zstd-ish' })).statusCode).toBe(400);
    });

    it('names every invalid field', async () => {
      const res = await post('/v2/enqueue', {
        routing_key: 'short',
        event_action: 'trigger',
        payload: { severity: 'bad' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(
        invalid([
          "Length of 'routing_key' is incorrect (should be 32 characters)",
          "'payload.summary' is missing or blank",
          "'payload.source' is missing or blank",
          "'payload.severity' is invalid (must be one of: critical error warning info)",
        ]),
      );
    });

    it('refuses an unknown key and a key of the wrong type', async () => {
      expect((await post('/v2/enqueue', trigger(keyOf(9)))).json()).toEqual(invalid(['Invalid routing key']));
      expect((await post('/v2/enqueue', trigger(V1_KEY))).json()).toEqual(invalid(['Invalid routing key']));
      const v1 = await post('/generic/2010-04-15/create_event.json', {
        service_key: V2_KEY,
        event_type: 'trigger',
        description: 'x',
      });
      expect(v1.statusCode).toBe(400);
      expect(v1.json()).toEqual(invalid(['Invalid service key']));
    });

    // A 202 promises an alert: text PostgreSQL could never store is refused here, not lost later.
    it.each([
      [
        '/v2/enqueue',
        trigger(V2_KEY, { dedup_key: 'nul\u0000key' }),
        ["'dedup_key' must not contain NUL characters (\\u0000)"],
      ],
      [
        '/v2/enqueue',
        trigger(V2_KEY, { payload: { summary: 'a\u0000b', source: 'web-1', severity: 'info' } }),
        ["'payload.summary' must not contain NUL characters (\\u0000)"],
      ],
      [
        '/v2/enqueue',
        trigger(V2_KEY, {
          payload: { summary: 's', source: 'web-1', severity: 'info', custom_details: { a: [{ b: 'x\ud800' }] } },
        }),
        ["'payload.custom_details.a[0].b' must not contain unpaired UTF-16 surrogates"],
      ],
      [
        '/v2/change/enqueue',
        { routing_key: V2_KEY, payload: { summary: 'Deployed', custom_details: { 'k\u0000': 1 } } },
        ["'payload.custom_details' must not contain a key with NUL characters (\\u0000)"],
      ],
      [
        '/generic/2010-04-15/create_event.json',
        { service_key: V1_KEY, event_type: 'trigger', description: 'x\udc00', details: { n: 'x\u0000' } },
        [
          "'description' must not contain unpaired UTF-16 surrogates",
          "'details.n' must not contain NUL characters (\\u0000)",
        ],
      ],
    ])('%s refuses unstorable text with 400 naming the field: %j', async (url, body, errors) => {
      const res = await post(url, body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(invalid(errors));
      expect(await drainTo()).toEqual([]);
    });

    // 1e400 parses to Infinity, which custom_details would keep as null: refused, as the REST API does (issue 14 item 10).
    it.each([
      [
        '/v2/enqueue',
        `{"routing_key":"${V2_KEY}","event_action":"trigger","payload":{"summary":"s","source":"x","severity":"info","custom_details":{"load":[1,1e400]}}}`,
        "'payload.custom_details.load[1]' must be a finite number",
      ],
      [
        '/generic/2010-04-15/create_event.json',
        `{"service_key":"${V1_KEY}","event_type":"trigger","description":"s","details":{"n":-1e999}}`,
        "'details.n' must be a finite number",
      ],
    ])('%s refuses a number beyond a double in details with 400: %s', async (url, text, error) => {
      const res = await post(url, text);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(invalid([error]));
      expect(await drainTo()).toEqual([]);
    });

    it.each([
      [
        '/v2/enqueue',
        (d: string) =>
          `{"routing_key":"${V2_KEY}","event_action":"trigger","payload":{"summary":"s","source":"x","severity":"info","custom_details":${d}}}`,
        'payload.custom_details',
      ],
      [
        '/v2/change/enqueue',
        (d: string) => `{"routing_key":"${V2_KEY}","payload":{"summary":"s","custom_details":${d}}}`,
        'payload.custom_details',
      ],
      [
        '/generic/2010-04-15/create_event.json',
        (d: string) => `{"service_key":"${V1_KEY}","event_type":"trigger","description":"s","details":${d}}`,
        'details',
      ],
    ])('%s refuses details nested past 100 levels with 400, even 10,000 deep (not a 503)', async (url, body, field) => {
      const deep = (levels: number) => `${'{"n":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
      for (const levels of [101, 10_000]) {
        const res = await post(url, body(deep(levels)));
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual(
          invalid([`'${field}${'.n'.repeat(100)}' is nested too deeply (at most 100 levels)`]),
        );
      }
      expect(await drainTo()).toEqual([]);
      expect((await post(url, body(deep(100)))).statusCode).toBeLessThan(300);
      expect(await drainTo()).toHaveLength(1);
    });

    it('published nothing for any refused event', async () => {
      await post('/v2/enqueue', '{');
      await post('/v2/enqueue', trigger(keyOf(9)));
      await post('/v2/enqueue', { routing_key: V2_KEY, event_action: 'resolve' });
      expect(await drainTo()).toEqual([]);
    });
  });

  describe('a bus outage', () => {
    it('answers 503 in the Events API shape, and nothing of the refused event is ever published', async () => {
      // A real adapter whose backend is gone: Kafka on a closed port, or the log on a closed database.
      const gone = infra.enabled
        ? await createKafkaBus({
            brokers: ['127.0.0.1:1'],
            clientId: 'ingest-outage',
            log: silentLog,
            connectionTimeoutMs: 200,
            publishTimeoutMs: 1_500,
            retry: { retries: 0 },
          })
        : await (async () => {
            const closed = await openDatabase({ url: database.url });
            await closed.close();
            return createPostgresLogBus({ db: closed.db, log: silentLog });
          })();
      const broken = createApp({ name: 'ingest-outage', logger: silentLog });
      await broken.register(ingestPlugin, {
        db: database.db,
        // Routing still learns from the working bus; only the append fails.
        bus: { ...bus, publish: (topic, messages) => gone.publish(topic, messages) },
        log: silentLog,
        clock: systemClock,
        instanceId: `ingest-${uniqueSuffix()}`,
        config: loadIngestConfig({ KLAXON_INGEST_RATE_LIMIT: '1000' }),
      });
      await broken.ready();
      const res = await broken.inject({
        method: 'POST',
        url: '/v2/enqueue',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(trigger(V2_KEY, { dedup_key: 'during-outage' })),
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        status: 'unavailable',
        message: 'The event could not be accepted; retry later',
        errors: ['Event bus unavailable'],
      });
      await broken.close();
      await gone.close().catch(() => undefined);
      // The sender retries once the bus is back: exactly one event with that key arrives.
      expect((await post('/v2/enqueue', trigger(V2_KEY, { dedup_key: 'during-outage' }))).statusCode).toBe(202);
      expect((await drainTo()).map((e) => e.dedupKey)).toEqual(['during-outage']);
    });
    it('answers 503 within the publish timeout, and a retry of that request is the same event if the first append lands late', async () => {
      // The first append is acknowledged only after the sender gave up; later ones at once.
      const first503 = heldFirstAppend();
      // A short timeout for the held append's 503, yet long enough for the retry's real append on a busy machine.
      const slow = await replicaWith('ingest-slow', first503.publish, 1_000);
      const send = (payload: object) => sendTo(slow, payload);
      // No dedup_key: without remembering, a retry would be a second alert.
      const event = trigger(V2_KEY, {
        payload: { summary: `retried ${uniqueSuffix()}`, source: 'a', severity: 'info' },
      });
      const first = await send(event);
      expect(first.statusCode).toBe(503);
      const retry = await send(event);
      expect(retry.statusCode).toBe(202);
      first503.release();
      // The same request once more after its 202 is a new event, as on PagerDuty.
      const again = await send(event);
      expect(again.statusCode).toBe(202);
      const events = await drainTo();
      await slow.close();
      expect(events).toHaveLength(3);
      // The late first append and the retry: one event (one id, one dedup key), which consumers apply once.
      const retried = events.filter((e) => e.dedupKey === retry.json().dedup_key);
      expect(retried).toHaveLength(2);
      expect(retried[0]?.id).toBe(retried[1]?.id);
      const fresh = events.filter((e) => e.dedupKey === again.json().dedup_key);
      expect(fresh).toHaveLength(1);
      expect(fresh[0]?.id).not.toBe(retried[0]?.id);
    });
  });

  describe('a retry reaching another replica (issue 14 item 6)', () => {
    it('is the same event as the 503 it retries, on whichever replica it lands', async () => {
      // Replica A takes the first append but the bus acknowledges it only after A answered 503;
      // the client's retry lands on replica B, sharing only the database with A.
      const first503 = heldFirstAppend();
      const a = await replicaWith('ingest-a', first503.publish, 1_000);
      const b = await replicaWith('ingest-b', (topic, messages) => bus.publish(topic, messages));
      const send = sendTo;
      const event = trigger(V2_KEY, {
        payload: { summary: `retried elsewhere ${uniqueSuffix()}`, source: 'a', severity: 'info' },
      });
      expect((await send(a, event)).statusCode).toBe(503);
      const retry = await send(b, event);
      expect(retry.statusCode).toBe(202);
      first503.release();
      // Sent again after its 202, it is a new event, as on PagerDuty.
      const again = await send(b, event);
      expect(again.statusCode).toBe(202);
      const events = await drainTo();
      await a.close();
      await b.close();
      expect(events).toHaveLength(3);
      const retried = events.filter((e) => e.dedupKey === retry.json().dedup_key);
      expect(retried).toHaveLength(2);
      expect(retried[0]?.id).toBe(retried[1]?.id);
      const fresh = events.filter((e) => e.dedupKey === again.json().dedup_key);
      expect(fresh).toHaveLength(1);
      expect(fresh[0]?.id).not.toBe(retried[0]?.id);
    });
  });

  describe('rate limiting', () => {
    let limited: FastifyInstance;
    beforeAll(async () => {
      limited = createApp({ name: 'ingest-limited', logger: silentLog });
      await limited.register(ingestPlugin, {
        db: database.db,
        bus,
        log: silentLog,
        // One instant for the whole test: a minute window rolling over between requests would reset the count.
        clock: { now: () => new Date('2026-11-30T12:00:30Z') },
        instanceId: `ingest-${uniqueSuffix()}`,
        config: loadIngestConfig({ KLAXON_INGEST_RATE_LIMIT: '3' }),
      });
      await limited.ready();
    });
    afterAll(() => limited.close());

    it('answers 429 on v2 and 403 on v1 past the limit per key, and publishes only what it accepted', async () => {
      const send = (url: string, body: object) =>
        limited.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: body });
      const statuses = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await send('/v2/enqueue', trigger(LIMITED_KEY, { dedup_key: `r${i}` }))).statusCode);
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
      const refused = await send('/v2/enqueue', trigger(LIMITED_KEY));
      expect(refused.json()).toMatchObject({ status: 'throttle event' });

      const v1 = async () =>
        (
          await send('/generic/2010-04-15/create_event.json', {
            service_key: LIMITED_V1_KEY,
            event_type: 'trigger',
            description: 'x',
          })
        ).statusCode;
      expect([await v1(), await v1(), await v1(), await v1()]).toEqual([200, 200, 200, 403]);
      // Other keys are not affected; the marker shares PSVC003's partition, so it arrives after r0..r4 would.
      const events = await drainTo(LIMITED_SERVICE_MARKER_KEY);
      expect(events.filter((e) => e.integrationId === 'PINT003').map((e) => e.dedupKey)).toEqual(['r0', 'r1', 'r2']);
    });
  });

  // Two ingest replicas sharing their counts through PostgreSQL, one clock moved by the test.
  describe('rate limiting across replicas (issue 14 item 12)', () => {
    const LIMIT = 20;
    const SLACK = 2;
    let now = Date.parse('2026-11-30T12:00:59.500Z');
    const replicas: FastifyInstance[] = [];
    beforeAll(async () => {
      for (let i = 0; i < 2; i++) {
        const replica = createApp({ name: `ingest-replica-${i}`, logger: silentLog });
        await replica.register(ingestPlugin, {
          db: database.db,
          bus,
          log: silentLog,
          clock: { now: () => new Date(now) },
          instanceId: `ingest-${uniqueSuffix()}`,
          config: loadIngestConfig({
            KLAXON_INGEST_RATE_LIMIT: String(LIMIT),
            KLAXON_INGEST_RATE_SLACK: String(SLACK),
          }),
        });
        await replica.ready();
        replicas.push(replica);
      }
    });
    afterAll(() => Promise.all(replicas.map((r) => r.close())));

    /** Sends n events to the replicas in turn, all at once as a burst from many clients; returns the 202s. */
    async function burst(n: number): Promise<number> {
      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          (replicas[i % replicas.length] as FastifyInstance).inject({
            method: 'POST',
            url: '/v2/enqueue',
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify(trigger(SHARED_KEY)),
          }),
        ),
      );
      expect(answers.every((a) => a.statusCode === 202 || a.statusCode === 429)).toBe(true);
      return answers.filter((a) => a.statusCode === 202).length;
    }

    it('holds the limit in any 60 s window within (replicas - 1) x slack, and frees it as the burst leaves', async () => {
      const first = await burst(40);
      expect(first).toBeGreaterThanOrEqual(LIMIT);
      expect(first).toBeLessThanOrEqual(LIMIT + (replicas.length - 1) * SLACK);
      // 30 s later the burst is still inside every window ending now: minute-aligned counting let more in.
      now += 30_500;
      expect(await burst(10)).toBe(0);
      // 61 s after the burst it has left the window.
      now += 31_000;
      const later = await burst(40);
      expect(later).toBeGreaterThanOrEqual(LIMIT);
      expect(later).toBeLessThanOrEqual(LIMIT + (replicas.length - 1) * SLACK);
      // Exactly the 202s were published (the marker's partition differs: wait until all have arrived).
      await waitFor(() => accepted.filter((a) => a.event.integrationId === 'PINT008').length >= first + later, {
        what: 'accepted events of the shared key',
      });
      expect((await drainTo()).filter((e) => e.integrationId === 'PINT008')).toHaveLength(first + later);
    });
  });
});
