import { type CatalogHarness, catalogHarness } from './harness';

// Account endpoints official clients call (issue 12 item 7): /abilities and /users/{id}/sessions.
// What works, what is refused, who is refused.

describe('GET /abilities, GET /abilities/{id}', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await catalogHarness();
  });
  afterAll(() => h.close());

  it("lists the account's abilities, and tests one: 204 when the account has it", async () => {
    const list = await h.owner.call('GET', '/abilities');
    expect(list.status).toBe(200);
    expect(list.body.abilities).toEqual(expect.arrayContaining(['teams', 'read_only_users', 'urgencies']));
    for (const ability of list.body.abilities as string[]) {
      const tested = await h.owner.call('GET', `/abilities/${ability}`);
      expect([ability, tested.status, tested.body]).toEqual([ability, 204, undefined]);
    }
  });

  it('an ability the account lacks: 402 code 2014', async () => {
    const res = await h.owner.call('GET', '/abilities/sso');
    expect(res.status).toBe(402);
    expect(res.body).toEqual({
      error: { code: 2014, message: 'Missing Account Ability', errors: ['The account does not have sso'] },
    });
  });

  it('no token: 401; any valid token, read-only included, may read', async () => {
    expect((await h.as(undefined)('GET', '/abilities')).status).toBe(401);
    expect((await h.as('nope-nope-nope-nope-nope')('GET', '/abilities/teams')).status).toBe(401);
    const reader = await h.userWithToken('read_only_user', 'read_only');
    expect((await reader.call('GET', '/abilities')).status).toBe(200);
    expect((await reader.call('GET', '/abilities/teams')).status).toBe(204);
  });
});

describe('/users/{id}/sessions', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await catalogHarness();
  });
  afterAll(() => h.close());

  it('lists none (Klaxon has API tokens, no sign-in sessions); deleting them all is 204 and keeps the tokens', async () => {
    const list = await h.owner.call('GET', `/users/${h.owner.id}/sessions`);
    expect([list.status, list.body]).toEqual([200, { user_sessions: [] }]);
    const deleted = await h.owner.call('DELETE', `/users/${h.owner.id}/sessions`);
    expect(deleted.status).toBe(204);
    expect((await h.owner.call('GET', '/users/me')).status).toBe(200);
  });

  it('an unknown user: 404 code 2100; an unknown session: 404', async () => {
    const missing = await h.owner.call('GET', '/users/PNOSUCH/sessions');
    expect([missing.status, missing.body.error.code]).toEqual([404, 2100]);
    expect((await h.owner.call('DELETE', '/users/PNOSUCH/sessions')).status).toBe(404);
    const session = await h.owner.call('GET', `/users/${h.owner.id}/sessions/browser/PSESS01`);
    expect([session.status, session.body.error.code]).toEqual([404, 2100]);
    expect((await h.owner.call('DELETE', `/users/${h.owner.id}/sessions/browser/PSESS01`)).status).toBe(404);
  });

  it("no token: 401; another user's sessions may be read but not ended by a responder (403)", async () => {
    expect((await h.as(undefined)('GET', `/users/${h.owner.id}/sessions`)).status).toBe(401);
    const responder = await h.userWithToken('limited_user');
    expect((await responder.call('GET', `/users/${h.owner.id}/sessions`)).status).toBe(200);
    const refused = await responder.call('DELETE', `/users/${h.owner.id}/sessions`);
    expect([refused.status, refused.body.error.code]).toEqual([403, 2010]);
    expect((await responder.call('DELETE', `/users/${responder.id}/sessions`)).status).toBe(204);
    const reader = await h.userWithToken('user', 'read_only');
    expect((await reader.call('DELETE', `/users/${reader.id}/sessions`)).status).toBe(403);
  });
});
