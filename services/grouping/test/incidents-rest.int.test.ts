import { hashToken } from '@klaxon/rest';
import { FULL_TOKEN, groupingHarness, type Harness, OBSERVER, READ_TOKEN, service, USER } from './harness';

const OBSERVER_TOKEN = 'observertoken00000000000000000003';

// /incidents through app.inject(): what works, what is refused, and who is refused.

describe('REST /incidents', () => {
  let h: Harness;
  const create = (title: string, extra: object = {}) =>
    h.api('POST', '/incidents', { incident: { type: 'incident', title, service: { id: 'PREST01' }, ...extra } });
  const createId = async (title: string) => (await create(title)).json().incident.id as string;

  beforeAll(async () => {
    h = await groupingHarness();
    await h.seedAuth();
    await h.catalog('escalation_policy', 'PEP0001', { name: 'Ops', escalation_rules: [{ id: 'R1' }, { id: 'R2' }] });
    await h.catalog('service', 'PREST01', { ...service('PREST01'), teams: [{ id: 'PTEAM01', summary: 'Team' }] });
    await h.catalog('service', 'PREST02', service('PREST02'));
  });
  afterAll(() => h.close());

  describe('what works', () => {
    it('creates an incident (201) and shows it by id and by number', async () => {
      const res = await create('Manual incident', { urgency: 'low', body: { type: 'incident_body', details: 'x' } });
      expect(res.statusCode).toBe(201);
      const incident = res.json().incident;
      expect(incident).toMatchObject({
        type: 'incident',
        title: 'Manual incident',
        status: 'triggered',
        urgency: 'low',
        escalation_policy: { id: 'PEP0001', type: 'escalation_policy_reference', summary: 'Ops' },
        teams: [{ id: 'PTEAM01' }],
      });
      expect(incident).not.toHaveProperty('body');
      const byNumber = await h.api('GET', `/incidents/${incident.incident_number}`);
      expect(byNumber.json().incident.id).toBe(incident.id);
      const included = await h.api('GET', `/incidents/${incident.id}?include[]=services`);
      expect(included.json().incident.service).toMatchObject({
        id: 'PREST01',
        type: 'service',
        name: 'Service PREST01',
      });
    });

    it('returns the body only with include[]=body, details as given', async () => {
      await h.event({ serviceId: 'PREST02', dedupKey: 'with-details', custom: { disk: { used: 97 }, host: 'db1' } });
      const listed = (await h.api('GET', '/incidents?service_ids[]=PREST02&date_range=all')).json().incidents;
      expect(listed).toHaveLength(1);
      expect(listed[0]).not.toHaveProperty('body');
      const id = listed[0].id as string;
      expect((await h.api('GET', `/incidents/${id}`)).json().incident).not.toHaveProperty('body');
      const withBody = (await h.api('GET', `/incidents/${id}?include[]=body`)).json().incident;
      expect(withBody.body).toEqual({ type: 'incident_body', details: { disk: { used: 97 }, host: 'db1' } });
      const listedWithBody = (
        await h.api('GET', '/incidents?service_ids[]=PREST02&date_range=all&include[]=body')
      ).json();
      expect(listedWithBody.incidents[0].body.type).toBe('incident_body');

      const manual = (await create('Manual details', { body: { type: 'incident_body', details: 'Disk full' } })).json();
      const shown = (await h.api('GET', `/incidents/${manual.incident.id}?include[]=body`)).json().incident;
      expect(shown.body).toEqual({ type: 'incident_body', details: 'Disk full' });
    });

    it('creates a self-assigned incident acknowledged', async () => {
      const res = await create('Mine', { assignments: [{ assignee: { id: 'PUSER01', type: 'user_reference' } }] });
      expect(res.json().incident).toMatchObject({ status: 'acknowledged', assigned_via: 'direct_assignment' });
    });

    it('acknowledges, changes urgency, title, priority, escalates, reassigns and resolves', async () => {
      const id = await createId('To manage');
      const put = (incident: object) =>
        h.api('PUT', `/incidents/${id}`, { incident: { type: 'incident', ...incident } });
      expect((await put({ status: 'acknowledged' })).json().incident.status).toBe('acknowledged');
      const changed = (
        await put({ urgency: 'low', title: 'Renamed', priority: { id: 'PKLXPR2', type: 'priority_reference' } })
      ).json().incident;
      expect(changed).toMatchObject({ urgency: 'low', title: 'Renamed', priority: { id: 'PKLXPR2', name: 'P2' } });
      const escalated = (await put({ escalation_level: 2 })).json().incident;
      expect(escalated.status).toBe('triggered');
      const reassigned = (await put({ assignments: [{ assignee: { id: 'PUSER02', type: 'user_reference' } }] })).json()
        .incident;
      expect(reassigned.assignments.map((a: { assignee: { id: string } }) => a.assignee.id)).toEqual(['PUSER02']);
      const resolved = (await put({ status: 'resolved', resolution: 'fixed it' })).json().incident;
      expect(resolved).toMatchObject({ status: 'resolved', assignments: [], pending_actions: [] });
      const logs = (await h.api('GET', `/incidents/${id}/log_entries`)).json().log_entries;
      expect(logs.map((l: { type: string }) => l.type)).toEqual(
        expect.arrayContaining([
          'trigger_log_entry',
          'acknowledge_log_entry',
          'escalate_log_entry',
          'assign_log_entry',
          'resolve_log_entry',
          'urgency_change_log_entry',
        ]),
      );
      expect(logs.find((l: { type: string }) => l.type === 'resolve_log_entry').note).toBe('fixed it');
    });

    it('lists with filters, sorting, pagination and total', async () => {
      const a = await createId('List A');
      await h.api('PUT', `/incidents/${a}`, { incident: { status: 'acknowledged' } });
      await h.api('POST', '/incidents', { incident: { title: 'Other service', service: { id: 'PREST02' } } });
      const acked = (await h.api('GET', '/incidents?statuses[]=acknowledged&service_ids[]=PREST01')).json();
      expect(acked.incidents.every((i: { status: string }) => i.status === 'acknowledged')).toBe(true);
      expect(acked.incidents.map((i: { id: string }) => i.id)).toContain(a);
      const byTeam = (await h.api('GET', '/incidents?team_ids[]=PTEAM01&date_range=all')).json().incidents;
      expect(byTeam.every((i: { service: { id: string } }) => i.service.id === 'PREST01')).toBe(true);
      const page = (await h.api('GET', '/incidents?limit=2&total=true&sort_by=incident_number:desc')).json();
      expect(page).toMatchObject({ limit: 2, offset: 0, more: true });
      expect(page.total).toBeGreaterThan(2);
      expect(page.incidents[0].incident_number).toBeGreaterThan(page.incidents[1].incident_number);
    });

    it('updates incidents in bulk, all or nothing', async () => {
      const ids = [await createId('Bulk 1'), await createId('Bulk 2')];
      const res = await h.api('PUT', '/incidents', {
        incidents: ids.map((id) => ({ id, type: 'incident_reference', status: 'acknowledged' })),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().incidents.map((i: { status: string }) => i.status)).toEqual(['acknowledged', 'acknowledged']);
      const third = await createId('Bulk 3');
      const refused = await h.api('PUT', '/incidents', {
        incidents: [
          { id: third, status: 'acknowledged' },
          { id: ids[0], status: 'acknowledged' },
        ],
      });
      expect(refused.json().error.code).toBe(1002);
      expect((await h.api('GET', `/incidents/${third}`)).json().incident.status).toBe('triggered');
    });
  });

  describe('what is refused', () => {
    it('resolving a resolved incident: 1001; acknowledging an acknowledged one: 1002', async () => {
      const id = await createId('Refusals');
      await h.api('PUT', `/incidents/${id}`, { incident: { status: 'acknowledged' } });
      const again = await h.api('PUT', `/incidents/${id}`, { incident: { status: 'acknowledged' } });
      expect([again.statusCode, again.json().error.code]).toEqual([400, 1002]);
      await h.api('PUT', `/incidents/${id}`, { incident: { status: 'resolved' } });
      const res = await h.api('PUT', `/incidents/${id}`, { incident: { status: 'resolved' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: { code: 1001, message: 'Incident Already Resolved' } });
    });

    it('escalating past the policy: 1006; snoozing a triggered incident: 1012; bad snooze: 1013', async () => {
      const id = await createId('More refusals');
      expect((await h.api('PUT', `/incidents/${id}`, { incident: { escalation_level: 3 } })).json().error.code).toBe(
        1006,
      );
      expect((await h.api('POST', `/incidents/${id}/snooze`, { duration: 60 })).json().error.code).toBe(1012);
      await h.api('PUT', `/incidents/${id}`, { incident: { status: 'acknowledged' } });
      expect((await h.api('POST', `/incidents/${id}/snooze`, { duration: 604_801 })).json().error.code).toBe(1013);
    });

    it('bad input, unknown incidents, a duplicate incident_key, more than 250 in bulk (413)', async () => {
      expect((await create('')).json().error.code).toBe(2001);
      expect((await h.api('GET', '/incidents/PNOPE00')).statusCode).toBe(404);
      expect((await h.api('GET', '/incidents?sort_by=title')).statusCode).toBe(400);
      expect((await h.api('GET', '/incidents?since=2020-01-01T00:00:00Z&until=2021-01-01T00:00:00Z')).statusCode).toBe(
        400,
      );
      expect((await create('Keyed', { incident_key: 'k-1' })).statusCode).toBe(201);
      expect((await create('Keyed again', { incident_key: 'k-1' })).statusCode).toBe(400);
      const many = Array.from({ length: 251 }, (_, i) => ({ id: `P${i}`, status: 'acknowledged' }));
      expect((await h.api('PUT', '/incidents', { incidents: many })).statusCode).toBe(413);
    });
    it('text PostgreSQL cannot store, 1e400, deep details and NUL ids: 400 / 404 bodies, nothing stored (issue 14 item 10)', async () => {
      const raw = (method: 'POST' | 'GET', url: string, payload?: string) =>
        h.app.inject({
          method,
          url,
          headers: {
            authorization: `Token token=${FULL_TOKEN}`,
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(payload === undefined ? {} : { payload }),
        });
      const count = async () => (await h.incidentsOf('PREST01')).length;
      const before = await count();
      const service = '"service":{"id":"PREST01","type":"service_reference"}';
      const cases: [string, string][] = [
        [`{"incident":{"type":"incident","title":1e400,${service}}}`, 'body.incident.title must be a finite number'],
        [
          `{"incident":{"type":"incident","title":"a\\u0000b",${service}}}`,
          'body.incident.title must not contain NUL characters (\\u0000)',
        ],
        [
          `{"incident":{"type":"incident","title":"t",${service},"body":{"type":"incident_body","details":"\\udbff"}}}`,
          'body.incident.body.details must not contain unpaired UTF-16 surrogates',
        ],
        [
          `{"incident":{"type":"incident","title":"t",${service},"body":{"type":"incident_body","details":${'['.repeat(200)}${']'.repeat(200)}}}}`,
          `body.incident.body.details${'[0]'.repeat(97)} is nested too deeply (at most 100 levels)`,
        ],
      ];
      for (const [payload, message] of cases) {
        const res = await raw('POST', '/incidents', payload);
        expect([res.statusCode, res.json()]).toEqual([
          400,
          { error: { message: 'Invalid Input Provided', code: 2001, errors: [message] } },
        ]);
      }
      expect(await count()).toBe(before);
      const nul = await raw('GET', '/incidents/Q1%00');
      expect([nul.statusCode, nul.json()]).toEqual([404, { error: { message: 'Not Found', code: 2100 } }]);
      const notes = await raw('GET', `/incidents/${'Q'.repeat(300)}/notes`);
      expect([notes.statusCode, notes.json()]).toEqual([404, { error: { message: 'Not Found', code: 2100 } }]);
    });
  });

  describe('who is refused', () => {
    it('no token: 401; a bad token: 401', async () => {
      expect((await h.api('GET', '/incidents', undefined, { authorization: '' })).statusCode).toBe(401);
      expect(
        (await h.api('GET', '/incidents', undefined, { authorization: 'Token token=nope' })).json().error.code,
      ).toBe(2006);
    });

    it('a read-only token reads but may not write (403)', async () => {
      const headers = { authorization: `Token token=${READ_TOKEN}` };
      expect((await h.api('GET', '/incidents', undefined, headers)).statusCode).toBe(200);
      const res = await h.api('POST', '/incidents', { incident: { title: 'x', service: { id: 'PREST01' } } }, headers);
      expect([res.statusCode, res.json().error.code]).toEqual([403, 2010]);
    });

    it('without From the token’s user acts; a From never lends its role nor chooses the actor', async () => {
      const noFrom = await h.api(
        'POST',
        '/incidents',
        { incident: { title: 'No From', service: { id: 'PREST01' } } },
        { from: '' },
      );
      expect(noFrom.statusCode).toBe(201);
      const id = noFrom.json().incident.id as string;
      await h.api('PUT', `/incidents/${id}`, { incident: { status: 'acknowledged' } }, { from: '' });
      // go-pagerduty's SnoozeIncident sends no From.
      const snoozed = await h.api('POST', `/incidents/${id}/snooze`, { duration: 60 }, { from: '' });
      expect(snoozed.statusCode).toBe(201);

      // An observer's email in From neither refuses nor attributes: the admin token's user acts.
      const observer = await h.api(
        'POST',
        '/incidents',
        { incident: { title: 'x', service: { id: 'PREST01' } } },
        { from: OBSERVER.email, authorization: `Token token=${FULL_TOKEN}` },
      );
      expect(observer.statusCode).toBe(201);
      await h.catalog('api_token', 'PTOK003', {
        token_hash: hashToken(OBSERVER_TOKEN),
        user: { id: OBSERVER.id },
        access: 'full_access',
      });
      for (const from of ['', USER.email]) {
        const borrowed = await h.api(
          'POST',
          '/incidents',
          { incident: { title: 'x', service: { id: 'PREST01' } } },
          { from, authorization: `Token token=${OBSERVER_TOKEN}` },
        );
        expect([from, borrowed.statusCode]).toEqual([from, 403]);
      }
    });

    it("a limited_user's token with From: an admin's email acts as the limited user (issue 14 item 13)", async () => {
      const LIMITED = { id: 'PUSER03', email: 'responder@example.com', name: 'Responder', role: 'limited_user' };
      const LIMITED_TOKEN = 'limitedtoken000000000000000000004';
      await h.catalog('user', LIMITED.id, LIMITED);
      await h.catalog('api_token', 'PTOK004', {
        token_hash: hashToken(LIMITED_TOKEN),
        user: { id: LIMITED.id },
        access: 'full_access',
      });
      const id = await createId('Acted on by a responder');
      const asLimited = { from: USER.email, authorization: `Token token=${LIMITED_TOKEN}` };
      const acked = await h.api('PUT', `/incidents/${id}`, { incident: { status: 'acknowledged' } }, asLimited);
      expect(acked.statusCode).toBe(200);
      const incident = acked.json().incident;
      expect(incident.acknowledgements.map((a: { acknowledger: { id: string } }) => a.acknowledger.id)).toEqual([
        LIMITED.id,
      ]);
      expect(incident.last_status_change_by.id).toBe(LIMITED.id);
      const note = await h.api('POST', `/incidents/${id}/notes`, { note: { content: 'on it' } }, asLimited);
      expect(note.json().note.user.id).toBe(LIMITED.id);
      const entries = (await h.api('GET', `/incidents/${id}/log_entries`)).json().log_entries as {
        type: string;
        agent?: { id: string };
      }[];
      const ack = entries.find((e) => e.type === 'acknowledge_log_entry');
      expect(ack?.agent?.id).toBe(LIMITED.id);
    });
  });
});
