import { groupingHarness, type Harness, READ_TOKEN, service } from './harness';

// GET /priorities and an incident's `priority` (issue 12 item 7): what works, what is refused, who is refused.

describe('REST /priorities and incident priority', () => {
  let h: Harness;
  const create = (extra: object = {}) =>
    h.api('POST', '/incidents', {
      incident: { type: 'incident', title: 'Checkout down', service: { id: 'PPRI001' }, ...extra },
    });
  const get = async (id: string) => (await h.api('GET', `/incidents/${id}`)).json().incident;

  beforeAll(async () => {
    h = await groupingHarness();
    await h.seedAuth();
    await h.catalog('escalation_policy', 'PEP0001', { name: 'Ops', escalation_rules: [{ id: 'R1' }] });
    await h.catalog('service', 'PPRI001', service('PPRI001'));
  });
  afterAll(() => h.close());

  describe('what works', () => {
    it("lists PagerDuty's default P1-P5 scheme, paginated", async () => {
      const res = await h.api('GET', '/priorities');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ limit: 25, offset: 0, more: false });
      expect(body.priorities.map((p: { name: string }) => p.name)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
      expect(body.priorities[0]).toEqual({
        id: 'PKLXPR1',
        type: 'priority',
        summary: 'P1',
        self: 'http://localhost:80/priorities/PKLXPR1',
        html_url: null,
        name: 'P1',
        description: 'Critical issue that warrants public notification and liaison with executive teams',
      });
      const page = (await h.api('GET', '/priorities?limit=2&offset=2&total=true')).json();
      expect(page.priorities.map((p: { name: string }) => p.name)).toEqual(['P3', 'P4']);
      expect(page).toMatchObject({ more: true, total: 5 });
    });

    it('sets a priority on create by reference, changes it by name, clears it with null', async () => {
      const created = (await create({ priority: { id: 'PKLXPR1', type: 'priority_reference' } })).json().incident;
      expect(created.priority).toMatchObject({ id: 'PKLXPR1', type: 'priority', name: 'P1', summary: 'P1' });
      const put = (priority: unknown) =>
        h.api('PUT', `/incidents/${created.id}`, { incident: { type: 'incident', priority } });
      expect((await put({ name: 'P3' })).json().incident.priority).toMatchObject({ id: 'PKLXPR3', name: 'P3' });
      expect((await put('P4')).json().incident.priority).toMatchObject({ id: 'PKLXPR4' });
      expect((await get(created.id)).priority.self).toBe('http://localhost:80/priorities/PKLXPR4');
      expect((await put(null)).json().incident.priority).toBeNull();
    });
  });

  describe('what is refused', () => {
    it('a priority that does not exist: 400 code 1020, and the incident keeps its priority', async () => {
      const created = (await create({ priority: { id: 'PKLXPR2' } })).json().incident;
      const res = await h.api('PUT', `/incidents/${created.id}`, {
        incident: { type: 'incident', priority: { id: 'PNOPE01', type: 'priority_reference' }, title: 'Renamed' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: {
          code: 1020,
          message: 'Invalid Priority',
          errors: ['Priority PNOPE01 does not exist; see GET /priorities'],
        },
      });
      const after = await get(created.id);
      expect(after).toMatchObject({ title: 'Checkout down', priority: { id: 'PKLXPR2' } });
      const before = (await h.api('GET', '/incidents?service_ids[]=PPRI001&total=true')).json().total;
      const refused = await create({ priority: { name: 'P9' } });
      expect([refused.statusCode, refused.json().error.code]).toEqual([400, 1020]);
      expect((await h.api('GET', '/incidents?service_ids[]=PPRI001&total=true')).json().total).toBe(before);
    });

    it('a malformed priority or page: 400 code 2001', async () => {
      expect((await create({ priority: { type: 'priority_reference' } })).json().error.code).toBe(2001);
      expect((await create({ priority: { id: '' } })).json().error.code).toBe(2001);
      const page = await h.api('GET', '/priorities?limit=0');
      expect([page.statusCode, page.json().error.code]).toEqual([400, 2001]);
    });
  });

  describe('who is refused', () => {
    it('no token or a bad token: 401; a read-only token may list', async () => {
      expect((await h.api('GET', '/priorities', undefined, { authorization: '' })).statusCode).toBe(401);
      expect((await h.api('GET', '/priorities', undefined, { authorization: 'Token token=nope' })).statusCode).toBe(
        401,
      );
      const ro = await h.api('GET', '/priorities', undefined, { authorization: `Token token=${READ_TOKEN}` });
      expect(ro.statusCode).toBe(200);
    });
  });
});
