import type { Bus } from '@klaxon/bus';
import { loadCatalogConfig } from '@klaxon/catalog';
import { allTopics } from '@klaxon/contracts';
import { loadEscalationConfig } from '@klaxon/escalation';
import { loadGroupingConfig } from '@klaxon/grouping';
import { loadIngestConfig } from '@klaxon/ingest';
import { createApp, type MetricsJson } from '@klaxon/kit';
import { loadNotifyConfig } from '@klaxon/notify';
import { type ServiceRole, systemClock } from '@klaxon/runtime';
import {
  metricSamples,
  metricValue,
  silentLog,
  type TestDatabase,
  testBus,
  testDatabase,
  uniqueSuffix,
  waitFor,
} from '@klaxon/testing';
import type { FastifyInstance } from 'fastify';
import { mountAll } from '../src';
import { restClient } from './fixtures/rest-inject';

// The whole path a monitoring tool and an operator see, only through HTTP: a service with an
// Events API v2 integration made through the REST API, a trigger on /v2/enqueue, the incident on
// GET /incidents, a resolve event, the incident resolved. All-in-one on the embedded PostgreSQL and
// the Postgres log under `pnpm test`; on PostgreSQL and Kafka under `pnpm test:infra`. Twice: every
// duty in one app, and split as `pnpm start` runs it (an app that serves HTTP, and one that runs the
// consumers, timers and relays, each with its own bus, as the worker thread has).
describe.each(['one app', 'split over a serving and a background app'])('events become incidents (%s)', (mode) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let close: () => Promise<void>;
  const token = `e2e-${uniqueSuffix()}-${uniqueSuffix()}`;
  const email = 'sre@example.com';

  const rest = restClient(() => app, { token, from: email }).call;
  const event = (body: object) =>
    app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  beforeAll(async () => {
    database = await testDatabase();
    const split = mode !== 'one app';
    const prefix = `t${uniqueSuffix()}.`;
    const appendsChannel = `appends-${uniqueSuffix()}`;
    const config = {
      // A move limit of 0 (PagerDuty's is 8,000): any counted open incident refuses the move, so the
      // test never races the count (a move allowed too early would change what it checks).
      catalog: loadCatalogConfig({
        KLAXON_BOOTSTRAP_TOKEN: token,
        KLAXON_BOOTSTRAP_EMAIL: email,
        KLAXON_MOVE_OPEN_INCIDENTS_LIMIT: '0',
      }),
      ingest: loadIngestConfig({}),
      grouping: loadGroupingConfig({}),
      escalation: loadEscalationConfig({}),
      notify: loadNotifyConfig({}),
    };
    const mounted = async (role: ServiceRole, options: { moreMetrics?: () => Promise<MetricsJson> } = {}) => {
      const bus = await testBus(database.db, { prefix, appendsChannel });
      await bus.ensureTopics(allTopics);
      const mountedApp = createApp({ name: 'all-in-one', logger: silentLog, checkResponses: true, ...options });
      if (role === 'background') mountedApp.metrics.setDefaultLabels({ service: 'all-in-one', thread: 'background' });
      const ctx = { db: database.db, bus, log: silentLog, clock: systemClock, instanceId: `aio-${uniqueSuffix()}` };
      await mountAll(mountedApp, { ...ctx, role }, config);
      await mountedApp.ready();
      return { app: mountedApp, bus };
    };
    const parts: { app: FastifyInstance; bus: Bus }[] = [];
    let background: FastifyInstance | undefined;
    parts.push(
      await mounted(split ? 'serve' : 'all', {
        ...(split ? { moreMetrics: async () => (background ? background.metrics.getMetricsAsJSON() : []) } : {}),
      }),
    );
    if (split) {
      const part = await mounted('background');
      background = part.app;
      parts.push(part);
    }
    app = (parts[0] as { app: FastifyInstance }).app;
    close = async () => {
      for (const part of parts) await part.app.close();
      for (const part of parts) await part.bus.close();
      await database.close();
    };
  });
  afterAll(() => close());

  it('trigger -> incident on GET /incidents -> resolve -> resolved', async () => {
    const created = await rest('POST', '/services', {
      service: { type: 'service', name: `Checkout ${uniqueSuffix()}` },
    });
    expect(created.status).toBe(201);
    const service = created.body.service as { id: string };
    const integration = await rest('POST', `/services/${service.id}/integrations`, {
      integration: { type: 'events_api_v2_inbound_integration', name: 'Alertmanager' },
    });
    expect(integration.status).toBe(201);
    const key = (integration.body.integration as { integration_key: string }).integration_key;
    expect(key).toMatch(/^[0-9a-f]{32}$/);

    // The integration was created a moment ago: its first event is accepted at once.
    const trigger = await event({
      routing_key: key,
      event_action: 'trigger',
      dedup_key: 'checkout/latency',
      payload: { summary: 'p99 latency above 2s on checkout', source: 'checkout-1', severity: 'critical' },
    });
    expect(trigger.statusCode).toBe(202);
    expect(trigger.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'checkout/latency' });

    type Incident = { id: string; status: string; title: string; service: { id: string }; urgency: string };
    const incidentsOf = async (status: string) => {
      const res = await rest('GET', `/incidents?service_ids[]=${service.id}&statuses[]=${status}`);
      expect(res.status).toBe(200);
      return res.body.incidents as Incident[];
    };
    const [incident] = await waitFor(
      async () => {
        const found = await incidentsOf('triggered');
        return found.length === 1 ? found : undefined;
      },
      { what: 'the incident', timeoutMs: 30_000 },
    );
    expect(incident).toMatchObject({
      title: 'p99 latency above 2s on checkout',
      service: { id: service.id },
      urgency: 'high',
    });

    // A repeat of the same trigger updates the open alert: still one incident, one alert.
    expect(
      (
        await event({
          routing_key: key,
          event_action: 'trigger',
          dedup_key: 'checkout/latency',
          payload: { summary: 'again', source: 'checkout-1', severity: 'critical' },
        })
      ).statusCode,
    ).toBe(202);

    const resolve = await event({ routing_key: key, event_action: 'resolve', dedup_key: 'checkout/latency' });
    expect(resolve.statusCode).toBe(202);
    await waitFor(async () => (await incidentsOf('resolved')).some((i) => i.id === incident?.id), {
      what: 'the incident resolved',
      timeoutMs: 30_000,
    });
    const alerts = await rest('GET', `/incidents/${incident?.id}/alerts`);
    expect(alerts.status).toBe(200);
    expect((alerts.body.alerts as { status: string; alert_key: string }[]).map((a) => [a.alert_key, a.status])).toEqual(
      [['checkout/latency', 'resolved']],
    );
  });
  it('renders a schedule created a moment ago: the replica catches up before a 404', async () => {
    const me = await rest('GET', '/users/me');
    const userId = (me.body.user as { id: string }).id;
    const created = await rest('POST', '/schedules', {
      schedule: {
        type: 'schedule',
        name: `Primary ${uniqueSuffix()}`,
        time_zone: 'UTC',
        schedule_layers: [
          {
            start: '2026-01-01T00:00:00Z',
            rotation_virtual_start: '2026-01-01T00:00:00Z',
            rotation_turn_length_seconds: 86400,
            users: [{ user: { id: userId, type: 'user_reference' } }],
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    const id = (created.body.schedule as { id: string }).id;
    const shown = await rest('GET', `/schedules/${id}?since=2026-11-30T00:00:00Z&until=2026-12-01T00:00:00Z`);
    expect(shown.status).toBe(200);
    expect((shown.body.schedule as { id: string }).id).toBe(id);
    expect((await rest('GET', '/schedules/PNOSUCH')).status).toBe(404);
  });

  it('shows the pipeline on /metrics: consumer lag, batch sizes, outbox depth, event-loop delay', async () => {
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    // The events of the test before went through grouping's batch consumer.
    expect(
      metricValue(metrics, 'klaxon_consumer_batch_size_messages_count', { group: 'grouping.events' }),
    ).toBeGreaterThan(0);
    const lag = (group: string, topic: string) =>
      metricSamples(metrics, 'klaxon_consumer_lag_messages').filter(
        (m) => m.labels.group === group && m.labels.topic === topic,
      );
    expect(lag('grouping.events', 'events.accepted').length).toBeGreaterThan(0);
    expect(lag('catalog.incidents', 'incidents.changed').length).toBeGreaterThan(0);
    expect(metricValue(metrics, 'klaxon_outbox_depth_messages', { owner: 'grouping' })).toBeGreaterThanOrEqual(0);
    expect(metricValue(metrics, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
  });

  it('incidents make the service critical and count against moving their integration', async () => {
    const service = (await rest('POST', '/services', { service: { type: 'service', name: `Cart ${uniqueSuffix()}` } }))
      .body.service as { id: string };
    const target = (await rest('POST', '/services', { service: { type: 'service', name: `Orders ${uniqueSuffix()}` } }))
      .body.service as { id: string };
    const integration = (
      await rest('POST', `/services/${service.id}/integrations`, {
        integration: { type: 'events_api_v2_inbound_integration', name: 'Prometheus' },
      })
    ).body.integration as { id: string; integration_key: string };
    const statusOf = async () =>
      ((await rest('GET', `/services/${service.id}`)).body.service as { status: string }).status;
    expect(await statusOf()).toBe('active');
    const send = (action: string, n: number) =>
      event({
        routing_key: integration.integration_key,
        event_action: action,
        dedup_key: `cart/${n}`,
        payload: { summary: `cart check ${n} failing`, source: `cart-${n}`, severity: 'error' },
      });
    for (const n of [1, 2, 3]) expect((await send('trigger', n)).statusCode).toBe(202);
    await waitFor(async () => (await statusOf()) === 'critical', { what: 'service critical', timeoutMs: 30_000 });

    const move = () =>
      rest('POST', `/services/${service.id}/integrations/${integration.id}/move`, { service: { id: target.id } });
    // Critical means catalog has counted at least the first incident, with its integration.
    const refused = await move();
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 2019, message: 'Product Limit Reached' });
    expect((refused.body.error as { errors: string[] }).errors[0]).toMatch(
      /^The integration has [123] open incidents; at most 0 can be moved$/,
    );

    for (const n of [1, 2, 3]) expect((await send('resolve', n)).statusCode).toBe(202);
    const moved = await waitFor(
      async () => {
        const res = await move();
        return res.status === 200 ? res : undefined;
      },
      { what: 'the move allowed once no incident is open', timeoutMs: 30_000 },
    );
    expect(moved.body.integration).toMatchObject({ service: { id: target.id } });
  });
  // Issue 9 through HTTP on every service at once: payload.timestamp and incident_key on an event's
  // incident, a PUT resolve that frees the key, and change events served by grouping beside
  // catalog's /services/{id} routes on the one app.
  it('keeps timestamp and incident_key, frees the key on resolve, and serves change events', async () => {
    const service = (await rest('POST', '/services', { service: { type: 'service', name: `Pay ${uniqueSuffix()}` } }))
      .body.service as { id: string };
    const key = (
      (
        await rest('POST', `/services/${service.id}/integrations`, {
          integration: { type: 'events_api_v2_inbound_integration', name: 'CI' },
        })
      ).body.integration as { integration_key: string }
    ).integration_key;
    const trigger = () =>
      event({
        routing_key: key,
        event_action: 'trigger',
        dedup_key: 'pay/errors',
        payload: {
          summary: 'payment errors',
          source: 'pay-1',
          severity: 'critical',
          timestamp: '2015-07-17T08:42:58.315+0000',
        },
      });
    type Incident = { id: string; incident_key: string | null };
    const open = async () =>
      (await rest('GET', `/incidents?service_ids[]=${service.id}&statuses[]=triggered`)).body.incidents as Incident[];
    expect((await trigger()).statusCode).toBe(202);
    const [first] = await waitFor(async () => ((await open()).length === 1 ? open() : undefined), {
      what: 'the incident',
      timeoutMs: 30_000,
    });
    expect(first?.incident_key).toBe('pay/errors');
    const alerts = (await rest('GET', `/incidents/${first?.id}/alerts`)).body.alerts as {
      body: { cef_details: { timestamp: string } };
    }[];
    expect(alerts[0]?.body.cef_details.timestamp).toBe('2015-07-17T08:42:58.315+0000');

    const resolved = await rest('PUT', `/incidents/${first?.id}`, {
      incident: { type: 'incident', status: 'resolved' },
    });
    expect(resolved.status).toBe(200);
    expect((await trigger()).statusCode).toBe(202);
    const [second] = await waitFor(async () => ((await open()).length === 1 ? open() : undefined), {
      what: 'a new incident for the same key',
      timeoutMs: 30_000,
    });
    expect(second?.id).not.toBe(first?.id);

    const changed = await app.inject({
      method: 'POST',
      url: '/v2/change/enqueue',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        routing_key: key,
        payload: { summary: 'Deploy v2', source: 'ci', timestamp: '2026-01-01T10:00:00Z' },
        links: [{ href: 'https://ci.example.com/1', text: 'Build 1' }],
      }),
    });
    expect(changed.statusCode).toBe(202);
    const listed = await waitFor(
      async () => {
        const res = await rest('GET', `/services/${service.id}/change_events`);
        return (res.body.change_events as unknown[] | undefined)?.length === 1 ? res : undefined;
      },
      { what: 'the change event', timeoutMs: 30_000 },
    );
    expect(listed.body.change_events).toEqual([
      expect.objectContaining({
        type: 'change_event',
        summary: 'Deploy v2',
        timestamp: '2026-01-01T10:00:00.000Z',
        services: [expect.objectContaining({ id: service.id })],
        links: [{ href: 'https://ci.example.com/1', text: 'Build 1' }],
      }),
    ]);
    expect((await rest('GET', `/services/${service.id}`)).status).toBe(200);
  });
});
