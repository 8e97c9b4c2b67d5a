import { acknowledge, api, change, resolve, trigger } from '@pagerduty/pdjs';
import type { APIResponse } from '@pagerduty/pdjs/build/src/api';

// @pagerduty/pdjs (unmodified, from npm) against Klaxon over TLS (pdjs builds https://<server>/...; the
// CA is trusted through NODE_EXTRA_CA_CERTS). pdjs finds `response.resource` with a regular expression
// that needs ".com/" in the URL, so on any other host `resource` is null and `all()` fails on its
// second page: this flow reads `response.data` and pages with `response.next()`, the workaround the
// README gives. Prints PASS/FAIL per step; exits 1 when any failed.

const base = new URL(process.env.KLAXON_URL ?? '');
const server = base.host;
const run = process.env.KLAXON_RUN ?? '';
const pd = api({ token: process.env.KLAXON_TOKEN ?? '', server });
const name = (s: string) => `pdjs ${s} ${run}`;
let failures = 0;

// biome-ignore lint/suspicious/noExplicitAny: pdjs types every body as any; the flow reads them as such
type Json = Record<string, any>;

async function step(label: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    process.stdout.write(`PASS ${label}\n`);
  } catch (err) {
    failures++;
    process.stdout.write(
      `FAIL ${label}: ${String((err as Error).message)
        .replace(/\n/g, ' ')
        .slice(0, 500)}\n`,
    );
  }
}

function expect(ok: unknown, what: string): void {
  if (!ok) throw new Error(what);
}

/** The body of a 2xx answer; pdjs resolves every status, so the flow checks it as a caller must. */
function ok(res: APIResponse, status = 200): Json {
  if (res.status !== status) throw new Error(`${res.url} answered ${res.status}: ${JSON.stringify(res.data)}`);
  return res.data as Json;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const iso = (hours = 0) => new Date(Date.now() + hours * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');

async function main(): Promise<void> {
  const s: Json = {};

  await step('users: current user, create one', async () => {
    s.me = ok(await pd.get('/users/me')).user;
    const user = ok(
      await pd.post('/users', {
        data: { user: { type: 'user', name: name('Responder'), email: `pdjs-${run}@example.com` } },
      }),
      201,
    ).user;
    expect(user.self.startsWith(base.origin), `self ${user.self}`);
    s.user = user;
  });

  await step('teams: create, add a member', async () => {
    s.team = ok(await pd.post('/teams', { data: { team: { type: 'team', name: name('Team') } } }), 201).team;
    const res = await pd.put(`/teams/${s.team.id}/users/${s.user.id}`, { data: { role: 'manager' } });
    expect(res.status === 204, `add member answered ${res.status}`);
  });

  await step('escalation policies and services: create a service on a new policy', async () => {
    s.policy = ok(
      await pd.post('/escalation_policies', {
        data: {
          escalation_policy: {
            type: 'escalation_policy',
            name: name('Policy'),
            escalation_rules: [{ escalation_delay_in_minutes: 10, targets: [{ id: s.me.id, type: 'user_reference' }] }],
          },
        },
      }),
      201,
    ).escalation_policy;
    s.service = ok(
      await pd.post('/services', {
        data: {
          service: {
            type: 'service',
            name: name('Search'),
            escalation_policy: { id: s.policy.id, type: 'escalation_policy_reference' },
            alert_grouping_parameters: { type: 'content_based', config: { aggregate: 'all', fields: ['summary'] } },
          },
        },
      }),
      201,
    ).service;
    const updated = ok(await pd.put(`/services/${s.service.id}`, { data: { service: { description: 'search API' } } }));
    expect(updated.service.description === 'search API', `updated ${JSON.stringify(updated.service)}`);
  });

  await step('integrations: add an Events API v2 integration', async () => {
    s.integration = ok(
      await pd.post(`/services/${s.service.id}/integrations`, {
        data: { integration: { type: 'events_api_v2_inbound_integration', name: 'Grafana' } },
      }),
      201,
    ).integration;
    expect(s.integration.integration_key, 'no integration_key');
  });

  const findIncident = (key: string) =>
    eventually(`incident ${key}`, async () => {
      const body = ok(
        await pd.get('/incidents', {
          data: {
            incident_key: key,
            'service_ids[]': [s.service.id],
            'statuses[]': ['triggered', 'acknowledged', 'resolved'],
          },
        }),
      );
      return (body.incidents as Json[])[0];
    });

  await step('events v2: trigger three alerts', async () => {
    s.incidents = [];
    for (const host of ['search-1', 'search-2', 'search-3']) {
      const res = await trigger({
        server,
        data: {
          routing_key: s.integration.integration_key,
          event_action: 'trigger',
          dedup_key: `${host}-${run}`,
          payload: { summary: `${host} slow`, source: host, severity: 'error', custom_details: { p99_ms: 2300 } },
        },
      });
      expect(
        res.status === 202 && res.data.dedup_key === `${host}-${run}`,
        `answered ${res.status} ${JSON.stringify(res.data)}`,
      );
    }
    for (const host of ['search-1', 'search-2', 'search-3']) s.incidents.push(await findIncident(`${host}-${run}`));
  });

  await step('change events: sent', async () => {
    const res = await change({
      server,
      data: {
        routing_key: s.integration.integration_key,
        payload: { summary: 'config change', source: 'ci', timestamp: iso(), custom_details: {} },
        links: [],
      } as never, // pdjs's EventParameters types `data` as a trigger; change() posts this shape as documented
    });
    expect(res.status === 202, `answered ${res.status}`);
  });

  await step('incidents: page through with next()', async () => {
    const seen: string[] = [];
    let res: APIResponse | undefined = await pd.get('/incidents', {
      data: { 'service_ids[]': [s.service.id], limit: 2 },
    });
    while (res) {
      seen.push(...(ok(res).incidents as Json[]).map((i) => i.id as string));
      res = res.next ? await res.next() : undefined;
    }
    expect(
      seen.sort().join() ===
        s.incidents
          .map((i: Json) => i.id)
          .sort()
          .join(),
      `paged ${seen}`,
    );
  });

  await step('incidents: acknowledge two at once, snooze, note', async () => {
    const [a, b] = s.incidents as Json[];
    const res = ok(
      await pd.put('/incidents', {
        data: { incidents: [a, b].map((i) => ({ id: i?.id, type: 'incident_reference', status: 'acknowledged' })) },
      }),
    );
    expect(
      (res.incidents as Json[]).every((i) => i.status === 'acknowledged'),
      `answer ${JSON.stringify(res)}`,
    );
    ok(await pd.post(`/incidents/${a?.id}/snooze`, { data: { duration: 600 } }), 201);
    ok(await pd.post(`/incidents/${a?.id}/notes`, { data: { note: { content: 'restarting search-1' } } }));
  });

  await step('incidents: merge, resolve, log entries', async () => {
    const [a, b, c] = s.incidents as Json[];
    ok(
      await pd.put(`/incidents/${a?.id}/merge`, {
        data: { source_incidents: [{ id: b?.id, type: 'incident_reference' }] },
      }),
    );
    const resolved = ok(
      await pd.put(`/incidents/${a?.id}`, { data: { incident: { type: 'incident', status: 'resolved' } } }),
    );
    expect(resolved.incident.status === 'resolved', `status ${resolved.incident.status}`);
    const entries = ok(await pd.get(`/incidents/${a?.id}/log_entries`)).log_entries as Json[];
    expect(
      entries.some((e) => e.type === 'resolve_log_entry'),
      `log entries ${entries.map((e) => e.type)}`,
    );
    s.remaining = c;
  });

  await step('events v2: acknowledge and resolve by dedup key', async () => {
    const key = `search-3-${run}`;
    for (const send of [acknowledge, resolve]) {
      const res = await send({
        server,
        data: { routing_key: s.integration.integration_key, event_action: 'trigger', dedup_key: key } as never,
      });
      expect(res.status === 202, `answered ${res.status}`);
    }
    await eventually('resolved', async () => {
      const body = ok(await pd.get(`/incidents/${s.remaining.id}`));
      return body.incident.status === 'resolved' ? true : undefined;
    });
  });

  await step("errors: a refused request resolves with PagerDuty's error body", async () => {
    const res = await pd.get('/services/PNOSUCH');
    expect(res.status === 404 && res.data.error.code === 2100, `answered ${res.status} ${JSON.stringify(res.data)}`);
    const bad = await pd.post('/services', { data: { service: { type: 'service' } } });
    expect(bad.status === 400 && typeof bad.data.error.message === 'string', `answered ${bad.status}`);
  });

  await step('priorities, abilities, tags, sessions', async () => {
    const priorities = ok(await pd.get('/priorities')).priorities as Json[];
    expect(priorities.map((p) => p.name).join() === 'P1,P2,P3,P4,P5', 'priorities');
    expect(ok(await pd.get('/abilities')).abilities.length > 0, 'abilities');
    expect((await pd.get('/abilities/teams')).status === 204, 'ability teams');
    ok(await pd.post(`/users/${s.user.id}/change_tags`, { data: { add: [{ type: 'tag', label: name('oncall') }] } }));
    const tags = ok(await pd.get(`/users/${s.user.id}/tags`)).tags as Json[];
    expect(tags.map((t) => t.label).join() === name('oncall'), `tags ${JSON.stringify(tags)}`);
    expect(ok(await pd.get(`/users/${s.user.id}/sessions`)).user_sessions.length === 0, 'sessions');
  });

  await step("audit records: the current user's changes, paged with next_cursor", async () => {
    // pdjs's next() looks for `cursor` in the answer, where PagerDuty puts `next_cursor`: paged here.
    const seen: Json[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 200; page++) {
      const query = { limit: '5', actor_type: 'user_reference', actor_id: s.me.id, ...(cursor ? { cursor } : {}) };
      const body = ok(await pd.get('/audit/records', { queryParameters: query }));
      seen.push(...(body.records as Json[]));
      cursor = body.next_cursor ?? undefined;
      if (!cursor) break;
    }
    const created = seen.some((r) => r.root_resource.id === s.user.id && r.action === 'create');
    expect(seen.length > 5 && created && !cursor, `${seen.length} records, the user's creation among them: ${created}`);
  });
}

main().then(
  () => process.exit(failures > 0 ? 1 : 0),
  (err: unknown) => {
    process.stdout.write(`FAIL flow crashed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
