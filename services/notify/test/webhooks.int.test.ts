import { createHmac, timingSafeEqual } from 'node:crypto';
import { IncidentChangeKind } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { type NotifyHarness, notifyHarness, READ_TOKEN, RESPONDER_TOKEN, waitFor } from './harness';
import { type Received, startHttpServer } from './servers';

/**
 * A receiver's check written from PagerDuty's "Verifying Signatures" docs: HMAC-SHA256 of the raw
 * body with the secret, hex; the header lists `v1=<hex>` entries separated by commas; any match is
 * authentic; compare in constant time.
 */
function verifyPagerDutySignature(rawBody: string, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`);
  return header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .some((s) => s.length === expected.length && timingSafeEqual(Buffer.from(s), expected));
}

let h: NotifyHarness;
let receiver: Awaited<ReturnType<typeof startHttpServer>>;
let slack: Awaited<ReturnType<typeof startHttpServer>>;
let teams: Awaited<ReturnType<typeof startHttpServer>>;
let version = 1;

beforeAll(async () => {
  receiver = await startHttpServer();
  slack = await startHttpServer();
  teams = await startHttpServer((_r, res) => res.writeHead(202).end());
  h = await notifyHarness({
    http: { allowedHosts: ['127.0.0.1'], timeoutMs: 1000 },
    chat: {
      slack: `${slack.url}/services/T000/B000/XXXX`,
      teams: `${teams.url}/workflows/abc/triggers/manual/paths/invoke`,
    },
  });
  await h.catalog('service', 'PSVC001', { name: 'Checkout', teams: [{ id: 'PTEAM01', type: 'team_reference' }] });
  await h.catalog('service', 'PSVC002', { name: 'Billing', teams: [] });
});
afterAll(async () => {
  await h.close();
  await receiver.close();
  await slack.close();
  await teams.close();
});

async function subscribe(url: string, events: string[], filter: object = { type: 'account_reference' }) {
  const res = await h.api('POST', '/webhook_subscriptions', {
    webhook_subscription: {
      type: 'webhook_subscription',
      delivery_method: { type: 'http_delivery_method', url, custom_headers: [{ name: 'X-Custom', value: 'hello' }] },
      description: 'test',
      events,
      filter,
    },
  });
  expect(res.statusCode).toBe(200);
  return res.json().webhook_subscription as { id: string; delivery_method: { secret: string } };
}

const change = (incidentId: string, status: string, kind: IncidentChangeKind, serviceId = 'PSVC001') =>
  h.incidentChanged({ incidentId, status, changes: [kind], version: version++, serviceId, assigned: ['PADMIN1'] });

async function queued(n: number) {
  await waitFor(
    async () =>
      (await h.rows<{ n: number }>(sql`select count(*)::int n from notify.outgoing_posts where state = 'pending'`))[0]
        ?.n === n || undefined,
    { what: `${n} queued posts` },
  );
}

/** Runs delivery passes until nothing is due (the receivers are on loopback, so passes are quick). */
async function drain() {
  while ((await h.postDue()) > 0);
}

const eventOf = (r: Received) =>
  JSON.parse(r.body).event as {
    id: string;
    event_type: string;
    resource_type: string;
    occurred_at: string;
    data: Record<string, unknown>;
    agent: unknown;
    client: unknown;
  };

describe('/webhook_subscriptions: what works', () => {
  it('create shows the secret once; get, list, update, enable and delete follow the spec', async () => {
    const created = await h.api('POST', '/webhook_subscriptions', {
      webhook_subscription: {
        type: 'webhook_subscription',
        delivery_method: {
          type: 'http_delivery_method',
          url: 'https://hooks.example.com/pd',
          custom_headers: [{ name: 'X-Key', value: 's3cret' }],
        },
        description: 'Sends PagerDuty v3 webhook events somewhere interesting.',
        events: ['incident.triggered', 'incident.resolved'],
        filter: { id: 'PSVC002', type: 'service_reference' },
      },
    });
    expect(created.statusCode).toBe(200);
    const sub = created.json().webhook_subscription;
    expect(sub).toMatchObject({
      type: 'webhook_subscription',
      active: true,
      description: 'Sends PagerDuty v3 webhook events somewhere interesting.',
      events: ['incident.triggered', 'incident.resolved'],
      filter: { id: 'PSVC002', type: 'service_reference' },
      delivery_method: {
        type: 'http_delivery_method',
        url: 'https://hooks.example.com/pd',
        temporarily_disabled: false,
        secret: expect.stringMatching(/^.{32,}$/),
        custom_headers: [{ name: 'X-Key', value: '-- redacted --' }],
      },
    });
    const got = (await h.api('GET', `/webhook_subscriptions/${sub.id}`)).json().webhook_subscription;
    expect(got.delivery_method.secret).toBeNull();
    const list = (await h.api('GET', '/webhook_subscriptions?filter_type=service&filter_id=PSVC002&total=true')).json();
    expect(list).toMatchObject({ limit: 25, offset: 0, more: false, total: 1 });
    expect(list.webhook_subscriptions.map((s: { id: string }) => s.id)).toEqual([sub.id]);
    const updated = await h.api('PUT', `/webhook_subscriptions/${sub.id}`, {
      webhook_subscription: { events: ['incident.acknowledged'], active: false },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().webhook_subscription).toMatchObject({ events: ['incident.acknowledged'], active: false });
    expect(
      (await h.api('POST', `/webhook_subscriptions/${sub.id}/enable`)).json().webhook_subscription.delivery_method
        .temporarily_disabled,
    ).toBe(false);
    expect((await h.api('DELETE', `/webhook_subscriptions/${sub.id}`)).statusCode).toBe(204);
    expect((await h.api('GET', `/webhook_subscriptions/${sub.id}`)).statusCode).toBe(404);
  });

  it('delivers the V3 envelope, signed so a receiver written from PagerDuty docs verifies it, in order', async () => {
    const sub = await subscribe(`${receiver.url}/pd`, [
      'incident.triggered',
      'incident.acknowledged',
      'incident.resolved',
    ]);
    await change('PINC100', 'triggered', IncidentChangeKind.TRIGGERED);
    await change('PINC100', 'acknowledged', IncidentChangeKind.ACKNOWLEDGED);
    await change('PINC100', 'resolved', IncidentChangeKind.RESOLVED);
    await queued(3 + 2 * 3); // three webhooks; Slack and Teams each get triggered, acknowledged, resolved
    await drain();
    const got = receiver.received.filter((r) => r.headers['x-webhook-subscription'] === sub.id);
    expect(got.map((r) => eventOf(r).event_type)).toEqual([
      'incident.triggered',
      'incident.acknowledged',
      'incident.resolved',
    ]);
    for (const r of got) {
      expect(
        verifyPagerDutySignature(r.body, r.headers['x-pagerduty-signature'] as string, sub.delivery_method.secret),
      ).toBe(true);
      expect(verifyPagerDutySignature(r.body, r.headers['x-pagerduty-signature'] as string, 'another secret')).toBe(
        false,
      );
      expect(r.headers).toMatchObject({
        'content-type': 'application/json',
        'user-agent': 'PagerDuty-Webhook/V3.0',
        'x-custom': 'hello',
        'x-webhook-id': eventOf(r).id,
      });
    }
    const first = eventOf(got[0] as Received);
    expect(first).toMatchObject({
      event_type: 'incident.triggered',
      resource_type: 'incident',
      occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      agent: { id: 'PSVC001', type: 'service_reference' },
      client: null,
      data: {
        id: 'PINC100',
        type: 'incident',
        number: 1,
        status: 'triggered',
        title: 'Disk full',
        html_url: 'https://klaxon.test/incidents/PINC100',
        service: { id: 'PSVC001', summary: 'Checkout' },
        assignees: [{ id: 'PADMIN1', type: 'user_reference' }],
        urgency: 'high',
      },
    });
  });

  it('Slack and Teams receive the incident with title, service, urgency and link', async () => {
    expect(slack.received.length).toBeGreaterThanOrEqual(3);
    const s = JSON.parse(slack.received[0]?.body ?? '{}');
    expect(s.text).toBe('[Triggered] #1 Disk full on Checkout (high urgency)');
    expect(JSON.stringify(s.blocks)).toContain('https://klaxon.test/incidents/PINC100');
    const t = JSON.parse(teams.received[0]?.body ?? '{}');
    expect(t).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }],
    });
    expect(t.attachments[0].content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'View incident', url: 'https://klaxon.test/incidents/PINC100' },
    ]);
    expect(t.attachments[0].content.body[1].facts).toEqual([
      { title: 'Service', value: 'Checkout' },
      { title: 'Urgency', value: 'high' },
      { title: 'Status', value: 'triggered' },
    ]);
  });

  it('filters by service and team; ping sends pagey.ping', async () => {
    const team = await subscribe(`${receiver.url}/team`, ['incident.triggered'], {
      type: 'team_reference',
      id: 'PTEAM01',
    });
    const billing = await subscribe(`${receiver.url}/billing`, ['incident.triggered'], {
      type: 'service_reference',
      id: 'PSVC002',
    });
    await change('PINC101', 'triggered', IncidentChangeKind.TRIGGERED, 'PSVC001');
    await change('PINC102', 'triggered', IncidentChangeKind.TRIGGERED, 'PSVC002');
    await waitFor(
      async () => (await h.rows(sql`select 1 from notify.incident_state where incident_id = 'PINC102'`)).length === 1,
    );
    await drain();
    const to = (id: string) =>
      receiver.received.filter((r) => r.headers['x-webhook-subscription'] === id).map((r) => eventOf(r).data.id);
    expect(to(team.id)).toEqual(['PINC101']);
    expect(to(billing.id)).toEqual(['PINC102']);
    expect((await h.api('POST', `/webhook_subscriptions/${billing.id}/ping`)).statusCode).toBe(202);
    await drain();
    const ping = receiver.received
      .filter((r) => r.headers['x-webhook-subscription'] === billing.id)
      .map(eventOf)
      .at(-1);
    expect(ping).toMatchObject({ event_type: 'pagey.ping', data: { type: 'ping' } });
    for (const id of [team.id, billing.id]) await h.api('DELETE', `/webhook_subscriptions/${id}`);
  });
});

describe("more event types, filtered by the subscription's events and scope", () => {
  const to = (id: string) => receiver.received.filter((r) => r.headers['x-webhook-subscription'] === id).map(eventOf);
  const postsFor = async (id: string, n: number) =>
    waitFor(
      async () =>
        (await h.rows(sql`select 1 from notify.outgoing_posts where target = ${id}`)).length >= n || undefined,
      { what: `${n} posts for ${id}` },
    );

  it('incident.priority_updated and incident.annotated (the note, by its author), reopened after a resolve', async () => {
    const sub = await subscribe(`${receiver.url}/more`, [
      'incident.priority_updated',
      'incident.annotated',
      'incident.reopened',
    ]);
    const author = JSON.stringify({ id: 'PRESP01', type: 'user_reference' });
    const p1 = { id: 'PPRIO01', type: 'priority_reference', summary: 'P1' };
    await h.incidentChanged({
      incidentId: 'PINC150',
      status: 'triggered',
      changes: [IncidentChangeKind.TRIGGERED],
      version: version++,
    });
    await h.incidentChanged({
      incidentId: 'PINC150',
      status: 'triggered',
      changes: [IncidentChangeKind.PRIORITY_UPDATED],
      version: version++,
      priority: p1,
      detail: { agentJson: author, noteId: '', noteContent: '' },
    });
    await h.incidentChanged({
      incidentId: 'PINC150',
      status: 'triggered',
      changes: [IncidentChangeKind.ANNOTATED],
      version: version - 1,
      detail: { agentJson: author, noteId: 'PNOTE01', noteContent: 'Rolling back the deploy' },
    });
    await h.incidentChanged({
      incidentId: 'PINC150',
      status: 'resolved',
      changes: [IncidentChangeKind.RESOLVED],
      version: version++,
    });
    await h.incidentChanged({
      incidentId: 'PINC150',
      status: 'triggered',
      changes: [IncidentChangeKind.TRIGGERED],
      version: version++,
    });
    await postsFor(sub.id, 3);
    await drain();
    const got = to(sub.id);
    expect(got.map((e) => e.event_type)).toEqual([
      'incident.priority_updated',
      'incident.annotated',
      'incident.reopened',
    ]);
    expect(got[0]).toMatchObject({
      resource_type: 'incident',
      agent: { id: 'PRESP01', type: 'user_reference' },
      data: { id: 'PINC150', type: 'incident', priority: p1 },
    });
    expect(got[1]).toMatchObject({
      resource_type: 'incident',
      agent: { id: 'PRESP01', type: 'user_reference' },
      data: {
        incident: { id: 'PINC150', type: 'incident_reference', html_url: 'https://klaxon.test/incidents/PINC150' },
        id: 'PNOTE01',
        content: 'Rolling back the deploy',
        type: 'incident_note',
      },
    });
    expect(got[2]).toMatchObject({ data: { id: 'PINC150', status: 'triggered' } });
    await h.api('DELETE', `/webhook_subscriptions/${sub.id}`);
  });

  it("service.created, service.updated, service.deleted from catalog changes, by the subscription's scope", async () => {
    const events = ['service.created', 'service.updated', 'service.deleted'];
    const account = await subscribe(`${receiver.url}/svc-account`, events);
    const team = await subscribe(`${receiver.url}/svc-team`, events, { type: 'team_reference', id: 'PTEAM09' });
    const other = await subscribe(`${receiver.url}/svc-other`, events, { type: 'service_reference', id: 'PSVC002' });
    const onlyDeleted = await subscribe(`${receiver.url}/svc-deleted`, ['service.deleted']);
    const svc = {
      name: 'Search',
      self: 'https://klaxon.test/services/PSVC900',
      html_url: 'https://klaxon.test/service-directory/PSVC900',
      teams: [{ id: 'PTEAM09', type: 'team_reference' }],
    };
    await h.catalog('service', 'PSVC900', svc);
    await h.catalog('service', 'PSVC900', { ...svc, name: 'Search v2' });
    await h.catalog('service', 'PSVC900', null);
    await postsFor(account.id, 3);
    await drain();
    const types = (id: string) => to(id).map((e) => e.event_type);
    expect(types(account.id)).toEqual(events);
    expect(types(team.id)).toEqual(events);
    expect(types(other.id)).toEqual([]);
    expect(types(onlyDeleted.id)).toEqual(['service.deleted']);
    const [created, updated, deleted] = to(account.id);
    expect(created).toMatchObject({
      resource_type: 'service',
      agent: null,
      client: null,
      data: { id: 'PSVC900', type: 'service', name: 'Search', html_url: svc.html_url },
    });
    expect(updated?.data).toMatchObject({ id: 'PSVC900', name: 'Search v2' });
    // A deleted service is told as it last was.
    expect(deleted?.data).toMatchObject({ id: 'PSVC900', type: 'service', name: 'Search v2' });
    for (const s of [account, team, other, onlyDeleted]) await h.api('DELETE', `/webhook_subscriptions/${s.id}`);
  });
});

describe('webhook delivery: retries, order, disabling', () => {
  it('a 5xx is retried with backoff and later posts of the incident wait behind it', async () => {
    const flaky = await startHttpServer();
    const sub = await subscribe(`${flaky.url}/pd`, ['incident.triggered', 'incident.resolved']);
    flaky.answer((_r, res) => res.writeHead(503).end('busy'));
    await change('PINC200', 'triggered', IncidentChangeKind.TRIGGERED);
    await change('PINC200', 'resolved', IncidentChangeKind.RESOLVED);
    await waitFor(
      async () => (await h.rows(sql`select 1 from notify.outgoing_posts where target = ${sub.id}`)).length === 2,
    );
    await drain();
    expect(flaky.received.map((r) => eventOf(r).event_type)).toEqual(['incident.triggered']);
    flaky.answer((_r, res) => res.writeHead(200).end());
    await drain();
    expect(flaky.received).toHaveLength(1);
    h.advance(10_000);
    await drain();
    expect(flaky.received.map((r) => eventOf(r).event_type)).toEqual([
      'incident.triggered',
      'incident.triggered',
      'incident.resolved',
    ]);
    // The retry carries the same X-Webhook-Id, so a receiver can dedupe.
    expect(flaky.received[0]?.headers['x-webhook-id']).toBe(flaky.received[1]?.headers['x-webhook-id']);
    await h.api('DELETE', `/webhook_subscriptions/${sub.id}`);
    await flaky.close();
  });

  it('a receiver that does not answer in time is retried', async () => {
    const slow = await startHttpServer(() => undefined);
    const sub = await subscribe(`${slow.url}/pd`, ['incident.triggered']);
    await change('PINC201', 'triggered', IncidentChangeKind.TRIGGERED);
    await waitFor(
      async () => (await h.rows(sql`select 1 from notify.outgoing_posts where target = ${sub.id}`)).length === 1,
    );
    await drain();
    const [row] = await h.rows<{ state: string; detail: string; tries: number }>(
      sql`select state, detail, tries from notify.outgoing_posts where target = ${sub.id}`,
    );
    expect(row).toEqual({ state: 'pending', detail: 'no answer within 1000 ms', tries: 1 });
    await h.api('DELETE', `/webhook_subscriptions/${sub.id}`);
    await slow.close();
  });

  it('three dropped posts (4xx) disable the subscription; enable brings it back', async () => {
    const refusing = await startHttpServer((_r, res) => res.writeHead(410).end('gone'));
    const sub = await subscribe(`${refusing.url}/pd`, ['incident.triggered']);
    for (const id of ['PINC210', 'PINC211', 'PINC212']) await change(id, 'triggered', IncidentChangeKind.TRIGGERED);
    await waitFor(
      async () => (await h.rows(sql`select 1 from notify.outgoing_posts where target = ${sub.id}`)).length === 3,
    );
    await drain();
    expect(refusing.received).toHaveLength(3);
    const got = (await h.api('GET', `/webhook_subscriptions/${sub.id}`)).json().webhook_subscription;
    expect(got.delivery_method.temporarily_disabled).toBe(true);
    // While disabled, new events are not queued for it.
    await change('PINC213', 'triggered', IncidentChangeKind.TRIGGERED);
    await waitFor(
      async () => (await h.rows(sql`select 1 from notify.incident_state where incident_id = 'PINC213'`)).length === 1,
    );
    expect(
      await h.rows(sql`select 1 from notify.outgoing_posts where target = ${sub.id} and state = 'pending'`),
    ).toHaveLength(0);
    const enabled = (await h.api('POST', `/webhook_subscriptions/${sub.id}/enable`)).json().webhook_subscription;
    expect(enabled.delivery_method.temporarily_disabled).toBe(false);
    refusing.answer((_r, res) => res.writeHead(200).end());
    await change('PINC214', 'triggered', IncidentChangeKind.TRIGGERED);
    await waitFor(
      async () =>
        (await h.rows(sql`select 1 from notify.outgoing_posts where target = ${sub.id} and state = 'pending'`))
          .length === 1,
    );
    await drain();
    expect(refusing.received.map((r) => eventOf(r).data.id).at(-1)).toBe('PINC214');
    await h.api('DELETE', `/webhook_subscriptions/${sub.id}`);
    await refusing.close();
  });
});

describe('SSRF guard', () => {
  const dropped = async (subId: string) =>
    waitFor(
      async () => {
        await drain();
        const rows = await h.rows<{ state: string; detail: string }>(
          sql`select state, detail from notify.outgoing_posts where target = ${subId}`,
        );
        return rows[0]?.state === 'dropped' ? rows[0] : undefined;
      },
      { what: 'a dropped post' },
    );

  it('refuses a loopback address left out of the allow-list (127.0.0.2 when only 127.0.0.1 is allowed)', async () => {
    const other = await startHttpServer(undefined, '127.0.0.2');
    const sub = await subscribe(`${other.url}/pd`, ['incident.triggered']);
    await change('PINC300', 'triggered', IncidentChangeKind.TRIGGERED);
    expect((await dropped(sub.id)).detail).toBe(
      '127.0.0.2 resolves to 127.0.0.2 (loopback), which webhooks may not reach',
    );
    expect(other.received).toHaveLength(0);
    await h.api('DELETE', `/webhook_subscriptions/${sub.id}`);
    await other.close();
  });

  it('checks the address a host name resolves to (localhost), not only literals', async () => {
    const sub = await subscribe(`http://localhost:${receiver.port}/pd`, ['incident.triggered']);
    await change('PINC301', 'triggered', IncidentChangeKind.TRIGGERED);
    expect((await dropped(sub.id)).detail).toMatch(/^localhost resolves to (127\.0\.0\.1|::1) \(loopback\)/);
    expect(receiver.received.filter((r) => r.headers['x-webhook-subscription'] === sub.id)).toHaveLength(0);
    await h.api('DELETE', `/webhook_subscriptions/${sub.id}`);
  });

  it('checks every redirect: an allowed host redirecting to a refused one is refused', async () => {
    const other = await startHttpServer(undefined, '127.0.0.2');
    const redirector = await startHttpServer((_r, res) => res.writeHead(307, { location: `${other.url}/inner` }).end());
    const sub = await subscribe(`${redirector.url}/pd`, ['incident.triggered']);
    await change('PINC302', 'triggered', IncidentChangeKind.TRIGGERED);
    expect((await dropped(sub.id)).detail).toContain('127.0.0.2 (loopback)');
    expect(redirector.received).toHaveLength(1);
    expect(other.received).toHaveLength(0);
    await h.api('DELETE', `/webhook_subscriptions/${sub.id}`);
    await redirector.close();
    await other.close();
  });
});

describe('/webhook_subscriptions: what is refused', () => {
  const body = (over: object) => ({
    webhook_subscription: {
      type: 'webhook_subscription',
      delivery_method: { type: 'http_delivery_method', url: 'https://hooks.example.com/pd' },
      events: ['incident.triggered'],
      filter: { type: 'account_reference' },
      ...over,
    },
  });
  it.each([
    ['an unknown event type', { events: ['incident.exploded'] }],
    ['no events', { events: [] }],
    ['a service filter without id', { filter: { type: 'service_reference' } }],
    ['a filter type the spec does not list', { filter: { type: 'user_reference', id: 'P1' } }],
    ['a URL that is not http(s)', { delivery_method: { type: 'http_delivery_method', url: 'file:///etc/passwd' } }],
  ])('400 for %s', async (_what, over) => {
    const res = await h.api('POST', '/webhook_subscriptions', body(over));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 2001 });
  });

  it('404 for an unknown subscription', async () => {
    expect((await h.api('GET', '/webhook_subscriptions/PNOPE00')).statusCode).toBe(404);
    expect((await h.api('POST', '/webhook_subscriptions/PNOPE00/ping')).statusCode).toBe(404);
  });

  it('401 without a valid token, 403 for a read-only token or a responder writing', async () => {
    const anon = await h.app.inject({ method: 'GET', url: '/webhook_subscriptions' });
    expect(anon.statusCode).toBe(401);
    expect((await h.api('GET', '/webhook_subscriptions', undefined, READ_TOKEN)).statusCode).toBe(200);
    expect((await h.api('POST', '/webhook_subscriptions', body({}), READ_TOKEN)).statusCode).toBe(403);
    expect((await h.api('POST', '/webhook_subscriptions', body({}), RESPONDER_TOKEN)).statusCode).toBe(403);
  });
});
