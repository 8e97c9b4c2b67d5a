import { subscribeTo } from '@klaxon/bus';
import { catalogPlugin, loadCatalogConfig } from '@klaxon/catalog';
import { allTopics, type CatalogChange, topics } from '@klaxon/contracts';
import { queryRows, sql } from '@klaxon/db';
import { loadEscalationConfig } from '@klaxon/escalation';
import { loadGroupingConfig } from '@klaxon/grouping';
import { loadIngestConfig } from '@klaxon/ingest';
import { createApp } from '@klaxon/kit';
import { loadNotifyConfig, notifyPlugin } from '@klaxon/notify';
import { type ServiceContext, systemClock } from '@klaxon/runtime';
import { silentLog, type TestDatabase, testBus, testDatabase, uniqueSuffix, waitFor } from '@klaxon/testing';
import type { FastifyInstance } from 'fastify';
import { mountAll } from '../src';

// A catalog change made by the catalog's plugin must reach other services' consumers through the
// bus: Postgres log on the embedded PostgreSQL under `pnpm test`, Kafka and PostgreSQL under `pnpm test:infra`.
describe('services meet through the bus', () => {
  let database: TestDatabase;
  const apps: FastifyInstance[] = [];
  const closers: (() => Promise<void>)[] = [];
  const token = `bootstrap-${uniqueSuffix()}-${uniqueSuffix()}`;

  async function newApp(
    name: string,
    prefix: string,
    mount: (app: FastifyInstance, ctx: ServiceContext) => PromiseLike<unknown>,
  ) {
    const bus = await testBus(database.db, { prefix });
    await bus.ensureTopics(allTopics);
    closers.push(() => bus.close());
    const app = createApp({ name, logger: silentLog, ready: [{ name: 'bus', check: () => bus.ping() }] });
    await mount(app, {
      db: database.db,
      bus,
      log: silentLog,
      clock: systemClock,
      instanceId: `${name}-${uniqueSuffix()}`,
    });
    await app.ready();
    apps.push(app);
    return app;
  }

  const replicatedUsers = (schema: string) =>
    queryRows<{ entity_id: string; snapshot: { email: string; role: string } }>(
      database.db,
      sql`select entity_id, snapshot from ${sql.identifier(schema)}.catalog_replica where entity_type = 'user'`,
    );

  const mountEverything = (a: FastifyInstance, ctx: ServiceContext) =>
    mountAll(a, ctx, {
      ingest: loadIngestConfig({}),
      grouping: loadGroupingConfig({}),
      escalation: loadEscalationConfig({}),
      notify: loadNotifyConfig({}),
      catalog: loadCatalogConfig({ KLAXON_BOOTSTRAP_TOKEN: token, KLAXON_BOOTSTRAP_EMAIL: 'sre@example.com' }),
    });

  /** A REST call with the bootstrap token, as a PagerDuty client makes it. */
  const restCall = (app: FastifyInstance) => async (method: 'GET' | 'POST', url: string, body?: object) => {
    const res = await app.inject({
      method,
      url,
      headers: {
        authorization: `Token token=${token}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
    return { status: res.statusCode, body: res.json() };
  };

  beforeEach(async () => {
    database = await testDatabase();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    for (const close of closers.splice(0)) await close();
    await database.close();
  });

  it('all-in-one: the bootstrap owner created by catalog reaches notify and escalation', async () => {
    const app = await newApp('all-in-one', `t${uniqueSuffix()}.`, mountEverything);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    const [owner] = await queryRows<{ id: string }>(
      database.db,
      sql`select id from catalog.users where role = 'owner'`,
    );
    expect(owner).toBeDefined();
    for (const schema of ['notify', 'escalation']) {
      const users = await waitFor(
        async () => {
          const rows = await replicatedUsers(schema);
          return rows.length > 0 ? rows : undefined;
        },
        { what: `${schema} replica`, timeoutMs: 30_000 },
      );
      expect(users).toEqual([
        { entity_id: owner?.id, snapshot: expect.objectContaining({ email: 'sre@example.com', role: 'owner' }) },
      ]);
    }
    // Registered once, by notify (a second registration would have failed the mount), behind REST
    // auth on notify's replica of the bootstrap token.
    expect(app.printRoutes().match(/webhook_subscriptions/g)).toHaveLength(1);
    const hooks = await waitFor(
      async () => {
        const res = await restCall(app)('GET', '/webhook_subscriptions');
        return res.status === 200 ? res : undefined;
      },
      { what: 'notify authenticates the bootstrap token', timeoutMs: 30_000 },
    );
    expect(hooks.body).toMatchObject({ webhook_subscriptions: [], limit: 25 });
    // Catalog stores only the token's hash.
    const tokens = await queryRows<{ token_hash: string }>(database.db, sql`select token_hash from catalog.api_tokens`);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.token_hash).not.toContain(token);
  });

  it('all-in-one: tag changes travel on catalog.changes, and every consumer passes them by and keeps up', async () => {
    const prefix = `t${uniqueSuffix()}.`;
    const app = await newApp('all-in-one', prefix, mountEverything);
    const call = restCall(app);
    // A reader of catalog.changes of its own, as any new consumer would be.
    const seen: CatalogChange[] = [];
    const reader = await testBus(database.db, { prefix });
    closers.push(() => reader.close());
    const subscription = await subscribeTo(reader, {
      group: `test.tags.${uniqueSuffix()}`,
      topic: topics.catalogChanges,
      handler: async (change) => {
        if (change.entityType === 'tag') seen.push(change);
        return 'ok';
      },
    });
    closers.unshift(() => subscription.stop());

    const me = (await call('GET', '/users/me')).body.user;
    const tag = (await call('POST', '/tags', { tag: { type: 'tag', label: 'on-the-bus' } })).body.tag;
    expect(
      (await call('POST', `/users/${me.id}/change_tags`, { add: [{ type: 'tag_reference', id: tag.id }] })).status,
    ).toBe(200);
    const published = await waitFor(() => (seen.length >= 2 ? seen : undefined), {
      what: 'tag changes on catalog.changes',
      timeoutMs: 30_000,
    });
    expect(published.map((c) => [c.entityId, c.version, JSON.parse(c.snapshotJson).users])).toEqual([
      [tag.id, 1n, []],
      [tag.id, 2n, [{ id: me.id, type: 'user_reference' }]],
    ]);

    // Changes published after the tags still reach every service: nothing stalled on the new kind.
    const user = (
      await call('POST', '/users', { user: { type: 'user', name: 'After Tags', email: 'after.tags@example.com' } })
    ).body.user;
    for (const schema of ['grouping', 'escalation', 'notify']) {
      await waitFor(async () => (await replicatedUsers(schema)).some((r) => r.entity_id === user.id), {
        what: `${schema} replica has the user made after the tags`,
        timeoutMs: 30_000,
      });
      const tags = await queryRows(
        database.db,
        sql`select 1 from ${sql.identifier(schema)}.catalog_replica where entity_type = 'tag'`,
      );
      expect([schema, tags]).toEqual([schema, []]);
    }
    const policy = (
      await call('POST', '/escalation_policies', {
        escalation_policy: {
          type: 'escalation_policy',
          name: 'After Tags',
          escalation_rules: [{ escalation_delay_in_minutes: 30, targets: [{ id: me.id, type: 'user_reference' }] }],
        },
      })
    ).body.escalation_policy;
    const service = (
      await call('POST', '/services', {
        service: {
          type: 'service',
          name: 'After Tags',
          escalation_policy: { id: policy.id, type: 'escalation_policy_reference' },
        },
      })
    ).body.service;
    const integration = (
      await call('POST', `/services/${service.id}/integrations`, {
        integration: { type: 'events_api_v2_inbound_integration', name: 'After Tags' },
      })
    ).body.integration;
    const event = await app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        routing_key: integration.integration_key,
        event_action: 'trigger',
        payload: { summary: 'after tags', source: 'test', severity: 'info' },
      }),
    });
    expect(event.statusCode).toBe(202);
  });

  it('distributed: catalog and notify in separate apps with their own bus clients', async () => {
    const prefix = `t${uniqueSuffix()}.`;
    await newApp('catalog', prefix, (a, ctx) =>
      a.register(catalogPlugin, { ...ctx, config: loadCatalogConfig({ KLAXON_BOOTSTRAP_TOKEN: token }) }),
    );
    await newApp('notify', prefix, (a, ctx) => a.register(notifyPlugin, ctx));
    const users = await waitFor(
      async () => {
        const rows = await replicatedUsers('notify');
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'notify replica', timeoutMs: 30_000 },
    );
    expect(users[0]?.snapshot.role).toBe('owner');
  });
});
