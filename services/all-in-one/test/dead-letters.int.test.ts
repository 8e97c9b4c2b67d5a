import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Bus } from '@klaxon/bus';
import { loadCatalogConfig } from '@klaxon/catalog';
import { allTopics } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { loadEscalationConfig } from '@klaxon/escalation';
import { loadGroupingConfig } from '@klaxon/grouping';
import { loadIngestConfig } from '@klaxon/ingest';
import { createApp } from '@klaxon/kit';
import { loadNotifyConfig } from '@klaxon/notify';
import { systemClock } from '@klaxon/runtime';
import {
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

// A poison event (one grouping can never store while a bug stands) is set aside, listed on
// /dead_letters and counted on /metrics; once the cause is fixed, a replay makes it an incident;
// a delete removes another for good; through the REST API and `pnpm klaxon dead-letters`. Only
// owners and admins see them. Embedded PostgreSQL and the
// Postgres log under `pnpm test`; PostgreSQL and Kafka under `pnpm test:infra`.
describe('dead letters', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let bus: Bus;
  let baseUrl: string;
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const token = `dl-${uniqueSuffix()}-${uniqueSuffix()}`;
  const email = 'sre@example.com';

  const rest = restClient(() => app, { token, from: email }).call;
  type DeadLetterView = { id: string; topic: string; consumer_group: string; reason: string; error: string };
  const listed = async (query = '') => {
    const res = await rest('GET', `/dead_letters${query}`);
    expect(res.status).toBe(200);
    return res.body.dead_letters as DeadLetterView[];
  };
  const trigger = async (key: string, summary: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        routing_key: key,
        event_action: 'trigger',
        payload: { summary, source: 'db-1', severity: 'critical' },
      }),
    });
    expect(res.statusCode).toBe(202);
  };
  const titles = async (serviceId: string) => {
    const res = await rest('GET', `/incidents?service_ids[]=${serviceId}&date_range=all`);
    return (res.body.incidents as { title: string }[]).map((i) => i.title);
  };
  /** `pnpm klaxon dead-letters ...` against this app, as an operator runs it. */
  const cli = (args: string[], as = token) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', path.join(repoRoot, 'scripts', 'klaxon.ts'), 'dead-letters', ...args],
        { cwd: repoRoot, env: { ...process.env, KLAXON_URL: baseUrl, KLAXON_API_TOKEN: as } },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const kept = async () =>
    metricValue((await app.inject({ method: 'GET', url: '/metrics' })).body, 'klaxon_dead_letters_messages', {
      topic: 'events.accepted',
      group: 'grouping.events',
    });

  beforeAll(async () => {
    database = await testDatabase();
    bus = await testBus(database.db);
    await bus.ensureTopics(allTopics);
    // Every answer checked against the schema its route documents (kit's response-schemas.ts).
    app = createApp({ name: 'all-in-one', logger: silentLog, checkResponses: true });
    await mountAll(
      app,
      { db: database.db, bus, log: silentLog, clock: systemClock, instanceId: `aio-${uniqueSuffix()}` },
      {
        catalog: loadCatalogConfig({ KLAXON_BOOTSTRAP_TOKEN: token, KLAXON_BOOTSTRAP_EMAIL: email }),
        ingest: loadIngestConfig({}),
        grouping: loadGroupingConfig({}),
        escalation: loadEscalationConfig({}),
        notify: loadNotifyConfig({}),
      },
    );
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await bus.close();
    await database.close();
  });

  it('lists a poison event, replays it once the cause is fixed, deletes another', async () => {
    const service = (await rest('POST', '/services', { service: { type: 'service', name: `Db ${uniqueSuffix()}` } }))
      .body.service as { id: string };
    const key = (
      (
        await rest('POST', `/services/${service.id}/integrations`, {
          integration: { type: 'events_api_v2_inbound_integration', name: 'Prometheus' },
        })
      ).body.integration as { integration_key: string }
    ).integration_key;

    // The "bug": grouping's database refuses incidents titled "cursed ...", a permanent error.
    await database.db.execute(
      sql`alter table grouping.incidents add constraint cursed check (title not like 'cursed%') not valid`,
    );
    await trigger(key, 'clean before');
    await trigger(key, 'cursed disk full');
    await trigger(key, 'clean after');
    // The clean events around it are not held back by it.
    await waitFor(
      async () => {
        const t = await titles(service.id);
        return t.includes('clean before') && t.includes('clean after');
      },
      { what: 'the clean incidents', timeoutMs: 60_000, intervalMs: 200 },
    );
    const [letter] = await waitFor(
      async () => {
        const all = await listed();
        return all.length === 1 ? all : undefined;
      },
      { what: 'the dead letter', timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(letter).toMatchObject({
      topic: 'events.accepted',
      consumer_group: 'grouping.events',
      reason: 'max_attempts',
    });
    expect(letter?.error).toMatch(/cursed/);
    expect(await listed('?consumer_group=notify.requests')).toEqual([]);
    expect((await rest('GET', `/dead_letters/${letter?.id}`)).body.dead_letter).toMatchObject({ id: letter?.id });
    expect(await kept()).toBe(1);
    expect(await titles(service.id)).not.toContain('cursed disk full');

    // The fix, then the replay: the event becomes an incident and the dead letter is gone.
    await database.db.execute(sql`alter table grouping.incidents drop constraint cursed`);
    const listing = await cli(['list', '--group', 'grouping.events']);
    expect(listing).toMatchObject({ code: 0, stderr: '' });
    expect(listing.stdout).toContain(`${letter?.id}\t`);
    expect(listing.stdout).toContain('1 dead letter(s)');
    expect(await cli(['replay', letter?.id ?? ''])).toMatchObject({ code: 0, stdout: `replayed ${letter?.id}\n` });
    await waitFor(async () => (await titles(service.id)).includes('cursed disk full'), {
      what: 'the replayed incident',
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    expect(await listed()).toEqual([]);
    expect(await kept()).toBeUndefined();
    expect((await rest('POST', `/dead_letters/${letter?.id}/replay`)).status).toBe(404);
    expect(await cli(['replay', letter?.id ?? ''])).toMatchObject({ code: 1 });

    // Another poison, deleted instead: gone from the list, and never an incident.
    await database.db.execute(
      sql`alter table grouping.incidents add constraint cursed check (title not like 'cursed%') not valid`,
    );
    await trigger(key, 'cursed again');
    const [second] = await waitFor(
      async () => {
        const all = await listed();
        return all.length === 1 ? all : undefined;
      },
      { what: 'the second dead letter', timeoutMs: 60_000, intervalMs: 200 },
    );
    expect((await rest('DELETE', `/dead_letters/${second?.id}`)).status).toBe(204);
    expect(await listed()).toEqual([]);
    expect((await rest('GET', `/dead_letters/${second?.id}`)).status).toBe(404);
    expect((await rest('DELETE', `/dead_letters/${second?.id}`)).status).toBe(404);
  }, 240_000);

  it('refuses users who are not owner or admin, and bad pages, in PagerDuty error bodies', async () => {
    const user = (
      await rest('POST', '/users', {
        user: { type: 'user', name: 'Lim Ited', email: `lim-${uniqueSuffix()}@example.com`, role: 'limited_user' },
      })
    ).body.user as { id: string };
    const limited = (
      await rest('POST', '/api_tokens', { api_token: { description: 'limited', user: { id: user.id } } })
    ).body.api_token as { token: string };
    const refused = await rest('GET', '/dead_letters', undefined, limited.token);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: expect.objectContaining({ code: 2010 }) });
    expect((await rest('POST', '/dead_letters/PXXXXXX/replay', undefined, limited.token)).status).toBe(403);
    const cliRefused = await cli(['list'], limited.token);
    expect(cliRefused.code).toBe(1);
    expect(cliRefused.stderr).toMatch(/403/);
    expect((await cli(['delete'])).code).toBe(2);
    expect((await rest('DELETE', '/dead_letters/PXXXXXX', undefined, limited.token)).status).toBe(403);

    const bad = await rest('GET', '/dead_letters?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: expect.objectContaining({ code: 2001 }) });
    expect((await rest('GET', '/dead_letters/PXXXXXX')).status).toBe(404);
  });
});
