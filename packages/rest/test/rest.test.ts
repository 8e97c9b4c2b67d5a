import {
  ensureAllowed,
  listEnvelope,
  managesSomeTeam,
  managesTeams,
  type Principal,
  pageOf,
  parseIds,
  parseInclude,
  parsePage,
  restUrls,
  tokenFromHeader,
} from '../src';
import { createRateLimiter } from '../src/rate-limit';

const principal = (role: Principal['role'], teamRoles: Principal['teamRoles'] = {}): Principal => ({
  tokenId: 'T',
  userId: 'U',
  email: 'u@example.com',
  role,
  access: 'full_access',
  teamRoles,
});

describe('pagination', () => {
  it.each([
    [{}, { limit: 25, offset: 0, total: false }],
    [
      { limit: 100, offset: 9900 },
      { limit: 100, offset: 9900, total: false },
    ],
    [{ limit: 500 }, { limit: 100, offset: 0, total: false }],
    [{ total: 'true' }, { limit: 25, offset: 0, total: true }],
    [{ total: '1' }, { limit: 25, offset: 0, total: true }],
    [{ total: 'false' }, { limit: 25, offset: 0, total: false }],
  ])('parses %j', (query, page) => {
    expect(parsePage(query)).toEqual(page);
  });

  it('refuses offset + limit past 10,000', () => {
    expect(() => parsePage({ limit: 100, offset: 9901 })).toThrow();
  });

  it('builds the envelope from limit + 1 rows and counts only when asked', async () => {
    const count = jest.fn(async () => 42);
    const rows = [1, 2, 3];
    expect(await listEnvelope('xs', { limit: 2, offset: 0, total: false }, rows, count)).toEqual({
      xs: [1, 2],
      limit: 2,
      offset: 0,
      more: true,
      total: null,
    });
    expect(count).not.toHaveBeenCalled();
    expect(await listEnvelope('xs', { limit: 5, offset: 0, total: true }, rows, count)).toMatchObject({
      more: false,
      total: 42,
    });
    expect(pageOf('xs', { limit: 2, offset: 2, total: true }, [1, 2, 3, 4, 5])).toEqual({
      xs: [3, 4],
      limit: 2,
      offset: 2,
      more: true,
      total: 5,
    });
  });
});

describe('query sets', () => {
  it('reads include[] and id filters given once or repeated', () => {
    expect([...parseInclude({ 'include[]': 'teams' })]).toEqual(['teams']);
    expect([...parseInclude({ 'include[]': ['teams', 'integrations'] })]).toEqual(['teams', 'integrations']);
    expect(parseIds({ 'team_ids[]': ['A', 'B'] }, 'team_ids')).toEqual(['A', 'B']);
    expect(parseIds({}, 'team_ids')).toEqual([]);
  });
});

describe('authorization header', () => {
  it.each([
    ['Token token=abc123', 'abc123'],
    ['Bearer abc123', 'abc123'],
    ['Token token=', undefined],
    ['Basic abc', undefined],
    [undefined, undefined],
  ])('%s -> %s', (header, token) => {
    expect(tokenFromHeader(header)).toBe(token);
  });
});

describe('rate limiter', () => {
  it('allows the limit per window per key, then refuses until the window restarts', () => {
    const limiter = createRateLimiter({ limit: 2, windowMs: 60_000 });
    expect(limiter.take('a', 0)).toMatchObject({ allowed: true, remaining: 1, limit: 2, resetSeconds: 60 });
    expect(limiter.take('a', 1_000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.take('a', 2_000)).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 58 });
    expect(limiter.take('b', 2_000).allowed).toBe(true);
    expect(limiter.take('a', 60_000)).toMatchObject({ allowed: true, remaining: 1 });
  });
});

describe('abilities', () => {
  it.each([
    ['owner', {}, ['T1'], true],
    ['admin', {}, [], true],
    ['user', {}, [], true],
    ['limited_user', {}, [], false],
    ['limited_user', { T1: 'manager' }, ['T1'], true],
    ['limited_user', { T1: 'manager' }, ['T2'], false],
    ['limited_user', { T1: 'responder' }, ['T1'], false],
    ['observer', { T1: 'manager' }, ['T1'], true],
    ['read_only_user', {}, ['T1'], false],
  ] as const)('%s with team roles %j manages %j: %s', (role, teams, objectTeams, allowed) => {
    expect(managesTeams(principal(role, teams), objectTeams)).toBe(allowed);
  });

  it('knows who manages some team, and throws 403 when refused', () => {
    expect(managesSomeTeam(principal('limited_user', { T: 'manager' }))).toBe(true);
    expect(managesSomeTeam(principal('limited_user', { T: 'responder' }))).toBe(false);
    expect(() => ensureAllowed(false)).toThrow(expect.objectContaining({ status: 403 }));
  });
});

describe('references', () => {
  it('renders PagerDuty references against the public URL', () => {
    const urls = restUrls('https://klaxon.example/');
    expect(urls.ref('service', 'PS1', 'Web')).toEqual({
      id: 'PS1',
      type: 'service_reference',
      summary: 'Web',
      self: 'https://klaxon.example/services/PS1',
      html_url: 'https://klaxon.example/service-directory/PS1',
    });
    expect(urls.self('escalation_policy', 'PE1')).toBe('https://klaxon.example/escalation_policies/PE1');
  });
});
