import { type CatalogHarness, catalogHarness } from './harness';

// The REST API v2 conventions every catalog endpoint follows: auth, version header, pagination,
// rate limits, error bodies, the OpenAPI document.
describe('REST conventions', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await catalogHarness({ KLAXON_API_RATE_LIMIT: '40' });
  });
  afterAll(() => h.close());

  describe('works', () => {
    it('authenticates the bootstrap token and answers with ratelimit headers', async () => {
      const res = await h.owner.call('GET', '/users/me');
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id: h.owner.id, role: 'owner', type: 'user', email: 'owner@example.com' });
      expect(res.headers['ratelimit-limit']).toBe('40');
      expect(Number(res.headers['ratelimit-remaining'])).toBeLessThan(40);
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
    });

    it('accepts Bearer tokens, no Accept header, and an empty JSON body on DELETE', async () => {
      const res = await h.app.inject({
        method: 'GET',
        url: '/vendors',
        headers: { authorization: `Bearer ${h.owner.token}` },
      });
      expect(res.statusCode).toBe(200);
      const team = await h.owner.call('POST', '/teams', { team: { type: 'team', name: 'Empty body' } });
      const del = await h.app.inject({
        method: 'DELETE',
        url: `/teams/${team.body.team.id}`,
        headers: { authorization: `Token token=${h.owner.token}`, 'content-type': 'application/json' },
      });
      expect(del.statusCode).toBe(204);
    });

    it('pages with limit, offset, more and total only when asked', async () => {
      const first = await h.owner.call('GET', '/vendors?limit=5');
      expect(first.body).toMatchObject({ limit: 5, offset: 0, more: true, total: null });
      expect(first.body.vendors).toHaveLength(5);
      const last = await h.owner.call('GET', '/vendors?limit=5&offset=10&total=true');
      expect(last.body.more).toBe(false);
      expect(last.body.total).toBe(last.body.vendors.length + 10);
      const defaults = await h.owner.call('GET', '/users');
      expect(defaults.body).toMatchObject({ limit: 25, offset: 0, more: false, total: null });
      const capped = await h.owner.call('GET', '/users?limit=500');
      expect(capped.body.limit).toBe(100);
    });

    it('serves its OpenAPI document without a token', async () => {
      const res = await h.as(undefined)('GET', '/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          '/services',
          '/services/{id}/integrations/{integration_id}/regenerate_key',
          '/vendors',
        ]),
      );
    });
  });

  describe('refused', () => {
    it('refuses pages reaching past 10,000 records and malformed paging', async () => {
      const far = await h.owner.call('GET', '/users?offset=9950&limit=100');
      expect(far.status).toBe(400);
      expect(far.body.error).toMatchObject({ code: 2001, message: 'Invalid Input Provided' });
      expect((await h.owner.call('GET', '/users?limit=0')).status).toBe(400);
      expect((await h.owner.call('GET', '/users?offset=-1')).status).toBe(400);
      expect((await h.owner.call('GET', '/users?include[]=nonsense')).status).toBe(400);
    });

    it('refuses another API version and unknown routes with PagerDuty bodies', async () => {
      const v1 = await h.owner.call('GET', '/users', undefined, { accept: 'application/vnd.pagerduty+json;version=1' });
      expect(v1.status).toBe(400);
      const missing = await h.owner.call('GET', '/services/PNOPE00');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe(2100);
    });

    it('limits requests per token with 429 and code 2020', async () => {
      const user = await h.userWithToken('user');
      let limited = await user.call('GET', '/users/me');
      for (let i = 0; i < 45 && limited.status !== 429; i++) limited = await user.call('GET', '/users/me');
      expect(limited.status).toBe(429);
      expect(limited.body.error).toMatchObject({ code: 2020, message: 'Rate Limit Exceeded' });
      expect(limited.headers['ratelimit-remaining']).toBe('0');
      // Another token has its own budget.
      const other = await h.userWithToken('admin');
      expect((await other.call('GET', '/users/me')).status).toBe(200);
    });
  });

  describe('who is refused', () => {
    it('refuses a missing, malformed or unknown token with 401 / 2006', async () => {
      for (const authorization of [undefined, 'Basic abc', 'Token token=unknown-token-value']) {
        const res = await h.app.inject({
          method: 'GET',
          url: '/services',
          headers: authorization ? { authorization } : {},
        });
        expect(res.statusCode).toBe(401);
        expect(res.json().error).toMatchObject({ code: 2006 });
      }
    });

    it('refuses writes with a read-only token but lets it read', async () => {
      const token = await h.tokenFor(h.owner.id, 'read_only');
      const reader = h.as(token);
      expect((await reader('GET', '/teams')).status).toBe(200);
      const write = await reader('POST', '/teams', { team: { type: 'team', name: 'Nope' } });
      expect(write.status).toBe(403);
      expect(write.body.error.code).toBe(2010);
    });
  });
});
