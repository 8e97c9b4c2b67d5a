import type { Bus } from '@klaxon/bus';
import { loadCatalogConfig } from '@klaxon/catalog';
import { allTopics } from '@klaxon/contracts';
import { loadEscalationConfig } from '@klaxon/escalation';
import { loadGroupingConfig } from '@klaxon/grouping';
import { loadIngestConfig } from '@klaxon/ingest';
import { createApp } from '@klaxon/kit';
import { loadNotifyConfig } from '@klaxon/notify';
import { systemClock } from '@klaxon/runtime';
import { silentLog, type TestDatabase, testBus, testDatabase, uniqueSuffix } from '@klaxon/testing';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { mountAll } from '../src';

interface Operation {
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

// The all-in-one describes itself: every route any service registers is in /openapi.json with a
// response schema for each status it answers, so a route added without one fails here.
describe('the API document (/openapi.json, /docs)', () => {
  let database: TestDatabase;
  let bus: Bus;
  let app: FastifyInstance;
  const routes: { method: string; url: string }[] = [];

  beforeAll(async () => {
    database = await testDatabase();
    bus = await testBus(database.db, { prefix: `t${uniqueSuffix()}.` });
    await bus.ensureTopics(allTopics);
    app = createApp({ name: 'all-in-one', logger: silentLog });
    app.addHook('onRoute', (route: RouteOptions) => {
      if ((route.schema as { hide?: boolean } | undefined)?.hide) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url });
    });
    const ctx = { db: database.db, bus, log: silentLog, clock: systemClock, instanceId: `aio-${uniqueSuffix()}` };
    await mountAll(app, ctx, {
      catalog: loadCatalogConfig({ KLAXON_BOOTSTRAP_TOKEN: `openapi-${uniqueSuffix()}-${uniqueSuffix()}` }),
      ingest: loadIngestConfig({}),
      grouping: loadGroupingConfig({}),
      escalation: loadEscalationConfig({}),
      notify: loadNotifyConfig({}),
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await bus.close();
    await database.close();
  });

  const documentOf = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    return res.json() as Document;
  };
  // Klaxon has no sessions (only API tokens): one session is always not found.
  const neverSucceeds = new Set([
    'GET /users/:id/sessions/:type/:session_id',
    'DELETE /users/:id/sessions/:type/:session_id',
  ]);
  // Answers other than 204 that have no body.
  const withoutBody = new Set([
    'DELETE /schedules/:id/overrides/:override_id 200',
    'POST /webhook_subscriptions/:id/ping 202',
  ]);
  const openApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

  it('is served without a token, and Swagger UI at /docs shows the same document', async () => {
    const document = await documentOf('/openapi.json');
    expect(document.openapi).toBe('3.0.3');
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(await documentOf('/docs/json')).toEqual(document);
  });

  it('holds every registered route of every service, each status with its schema', async () => {
    const document = await documentOf('/openapi.json');
    // Each service's surface is there, not only the catalog's.
    for (const path of [
      '/v2/enqueue',
      '/services',
      '/incidents',
      '/oncalls',
      '/webhook_subscriptions',
      '/priorities',
    ]) {
      expect(document.paths[path]).toBeDefined();
    }
    expect(routes.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const { method, url } of routes) {
      const name = `${method} ${url}`;
      const operation = document.paths[openApiPath(url)]?.[method.toLowerCase()];
      if (!operation) {
        problems.push(`${name}: not in the document`);
        continue;
      }
      const statuses = Object.keys(operation.responses);
      if (!statuses.some((s) => s.startsWith('2')) && !neverSucceeds.has(name)) {
        problems.push(`${name}: no success answer documented`);
      }
      for (const status of statuses) {
        const response = operation.responses[status];
        // A body is described unless the answer has none.
        const described = Object.values(response?.content ?? {}).every((media) => media.schema !== undefined);
        if (!response?.content && status !== '204' && !withoutBody.has(`${name} ${status}`)) {
          problems.push(`${name} ${status}: no body schema`);
        }
        if (!described) problems.push(`${name} ${status}: a content type without a schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("documents PagerDuty's error answers on REST routes and the Events API's own on ingest", async () => {
    const document = await documentOf('/openapi.json');
    const rest = document.paths['/services/{id}']?.get;
    expect(Object.keys(rest?.responses ?? {}).sort()).toEqual(['200', '400', '401', '403', '404', '429']);
    const error = rest?.responses['401']?.content?.['application/json']?.schema as { required: string[] };
    expect(error.required).toEqual(['error']);
    const events = document.paths['/v2/enqueue']?.post;
    expect(Object.keys(events?.responses ?? {}).sort()).toEqual(['202', '400', '413', '429', '503']);
    const v1 = document.paths['/generic/2010-04-15/create_event.json']?.post;
    expect(Object.keys(v1?.responses ?? {}).sort()).toEqual(['200', '400', '403', '413', '503']);
  });
});
