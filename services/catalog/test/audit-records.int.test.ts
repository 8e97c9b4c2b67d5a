import { queryRows, sql } from '@klaxon/db';
import { teams } from '../src/db';
import {
  type Answer,
  type Call,
  type CatalogHarness,
  catalogHarness,
  policyBody,
  scheduleBody,
  serviceBody,
} from './harness';

// /audit/records and the per-resource audit records (issue 12 item 7): what works, what is refused,
// who is refused. Every record comes from a change made through the REST API in this file.

interface AuditRecord {
  id: string;
  execution_time: string;
  actors: { id: string; type: string; summary: string }[] | null;
  method: { type: string; truncated_token: string | null; description?: string };
  root_resource: { id: string; type: string; summary: string };
  action: string;
  details: {
    resource: { id: string; type: string; summary: string };
    fields?: { name: string; value?: string | null; before_value?: string | null }[];
    references?: { name: string; added?: { id: string }[]; removed?: { id: string }[] }[];
  };
}

const records = (answer: Answer): AuditRecord[] => answer.body.records;
const fieldOf = (r: AuditRecord, name: string) => r.details.fields?.find((f) => f.name === name);

describe('audit records', () => {
  let h: CatalogHarness;
  let admin: { id: string; token: string; call: Call };
  beforeAll(async () => {
    h = await catalogHarness();
    admin = await h.userWithToken('admin');
  });
  afterAll(() => h.close());

  describe('what works', () => {
    it('a change made through REST is a record naming the acting user, the token and what changed', async () => {
      const team = (await admin.call('POST', '/teams', { team: { type: 'team', name: 'Blue', description: 'b' } })).body
        .team;
      const renamed = await admin.call('PUT', `/teams/${team.id}`, { team: { name: 'Green' } });
      expect(renamed.status).toBe(200);

      const listed = await h.owner.call('GET', `/audit/records?root_resource_types[]=teams`);
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({ records: expect.any(Array), limit: 25, next_cursor: null });
      const [update, create] = records(listed).filter((r) => r.root_resource.id === team.id);
      expect(update).toEqual({
        id: expect.any(String),
        self: null,
        execution_time: '2026-11-26T12:00:00.000Z',
        execution_context: { request_id: expect.any(String), remote_address: '127.0.0.1' },
        actors: [
          {
            id: admin.id,
            type: 'user_reference',
            summary: 'admin 1',
            self: `https://klaxon.test/users/${admin.id}`,
            html_url: `https://klaxon.test/users/${admin.id}`,
          },
        ],
        method: { type: 'api_token', truncated_token: admin.token.slice(-4) },
        root_resource: {
          id: team.id,
          type: 'team_reference',
          summary: 'Green',
          self: `https://klaxon.test/teams/${team.id}`,
          html_url: `https://klaxon.test/teams/${team.id}`,
        },
        action: 'update',
        details: {
          resource: { id: team.id, type: 'team_reference', summary: 'Green' },
          fields: [{ name: 'name', before_value: 'Blue', value: 'Green' }],
        },
      });
      expect(create?.action).toBe('create');
      expect(create?.details.fields).toEqual(
        expect.arrayContaining([
          { name: 'name', value: 'Blue' },
          { name: 'description', value: 'b' },
          { name: 'default_role', value: 'manager' },
        ]),
      );

      expect((await admin.call('DELETE', `/teams/${team.id}`)).status).toBe(204);
      const deleted = records(await h.owner.call('GET', '/audit/records?actions[]=delete'));
      expect(deleted[0]).toMatchObject({
        action: 'delete',
        root_resource: { id: team.id, type: 'team_reference' },
        details: { fields: expect.arrayContaining([{ name: 'name', before_value: 'Green' }]) },
      });
    });

    it('children are filed under their aggregate: a contact method under its user, with reference changes', async () => {
      const user = await h.userWithToken('user');
      const method = (
        await user.call('POST', `/users/${user.id}/contact_methods`, {
          contact_method: { type: 'email_contact_method', label: 'Work', address: 'work@example.com' },
        })
      ).body.contact_method;
      const own = records(await user.call('GET', `/users/${user.id}/audit/records`));
      const created = own.find((r) => r.details.resource.id === method.id);
      expect(created).toMatchObject({
        action: 'create',
        actors: [{ id: user.id }],
        root_resource: { id: user.id, type: 'user_reference', summary: expect.any(String) },
        details: {
          resource: { id: method.id, type: 'email_contact_method_reference', summary: 'Work' },
          fields: expect.arrayContaining([{ name: 'address', value: 'work@example.com' }]),
        },
      });
      // The user's own snapshot lists the method: an update of the user adding the reference.
      const onUser = own.find((r) => r.details.resource.id === user.id && r.action === 'update');
      expect(onUser?.details.references).toEqual([
        {
          name: 'contact_methods',
          added: [{ id: method.id, type: 'email_contact_method_reference', summary: 'Work' }],
        },
      ]);
      // Another user's records are not in this user's list.
      expect(own.every((r) => r.root_resource.id === user.id)).toBe(true);
    });

    it("team membership is filed under the team too, as the team's members", async () => {
      const team = (await admin.call('POST', '/teams', { team: { type: 'team', name: 'Members' } })).body.team;
      const member = await h.userWithToken('limited_user');
      expect((await admin.call('PUT', `/teams/${team.id}/users/${member.id}`, { role: 'responder' })).status).toBe(204);
      expect((await admin.call('DELETE', `/teams/${team.id}/users/${member.id}`)).status).toBe(204);
      const ofTeam = records(await admin.call('GET', `/teams/${team.id}/audit/records`));
      expect(ofTeam.map((r) => [r.action, r.details.resource.id, r.details.references])).toEqual([
        [
          'update',
          team.id,
          [{ name: 'members', removed: [{ id: member.id, type: 'user_reference', summary: expect.any(String) }] }],
        ],
        [
          'update',
          team.id,
          [{ name: 'members', added: [{ id: member.id, type: 'user_reference', summary: expect.any(String) }] }],
        ],
        ['create', team.id, undefined],
      ]);
      expect(ofTeam[0]?.actors?.[0]?.id).toBe(admin.id);
      const ofUser = records(await admin.call('GET', `/users/${member.id}/audit/records`));
      expect(ofUser[0]?.details.references).toEqual([
        { name: 'teams', removed: [{ id: team.id, type: 'team_reference', summary: 'Members' }] },
      ]);
    });

    it('never keeps a secret: integration keys and API tokens are redacted in records and in the tables', async () => {
      const policy = (await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id))).body
        .escalation_policy;
      const service = (await h.owner.call('POST', '/services', serviceBody(policy.id))).body.service;
      const integration = (
        await h.owner.call('POST', `/services/${service.id}/integrations`, {
          integration: { type: 'events_api_v2_inbound_integration', name: 'Prometheus' },
        })
      ).body.integration;
      const regenerated = (
        await h.owner.call('POST', `/services/${service.id}/integrations/${integration.id}/regenerate_key`)
      ).body.integration;
      expect(regenerated.integration_key).not.toBe(integration.integration_key);
      const token = (
        await h.owner.call('POST', '/api_tokens', { api_token: { description: 'ci', access: 'read_only' } })
      ).body.api_token;

      const ofService = records(await h.owner.call('GET', `/services/${service.id}/audit/records`));
      const keyChanges = ofService.filter((r) => r.details.resource.id === integration.id);
      expect(keyChanges.map((r) => [r.action, fieldOf(r, 'integration_key')])).toEqual([
        ['update', { name: 'integration_key', before_value: '[REDACTED]', value: '[REDACTED]' }],
        ['create', { name: 'integration_key', value: '[REDACTED]' }],
      ]);
      const all = JSON.stringify(await h.owner.call('GET', '/audit/records?limit=100'));
      const secrets = [integration.integration_key, regenerated.integration_key, token.token, h.owner.token];
      for (const secret of secrets) expect(all).not.toContain(secret);
      const stored = await queryRows<{ text: string }>(
        h.database.db,
        sql`select (select coalesce(string_agg(r::text, ''), '') from catalog.audit_records r) ||
                   (select coalesce(string_agg(s::text, ''), '') from catalog.audited_states s) as text`,
      );
      for (const secret of secrets) expect(stored[0]?.text).not.toContain(secret);
    });

    it('every aggregate has its own records: escalation policies, schedules, services, teams, users', async () => {
      const policy = (await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id, 'Night'))).body
        .escalation_policy;
      const schedule = (await h.owner.call('POST', '/schedules', scheduleBody(h.owner.id, 'Primary'))).body.schedule;
      for (const [path, id, summary] of [
        ['escalation_policies', policy.id, 'Night'],
        ['schedules', schedule.id, 'Primary'],
      ]) {
        const answer = await h.owner.call('GET', `/${path}/${id}/audit/records`);
        expect(answer.status).toBe(200);
        expect(records(answer).map((r) => [r.action, r.root_resource.id, r.root_resource.summary])).toEqual([
          ['create', id, summary],
        ]);
      }
      expect((await h.owner.call('GET', `/users/${h.owner.id}/audit/records?since=2026-11-01T00:00:00Z`)).status).toBe(
        200,
      );
    });

    it('pages with cursors, newest first, until next_cursor is null', async () => {
      const team = (await admin.call('POST', '/teams', { team: { type: 'team', name: 'Paging 0' } })).body.team;
      for (let i = 1; i <= 4; i++) await admin.call('PUT', `/teams/${team.id}`, { team: { name: `Paging ${i}` } });
      const url = `/teams/${team.id}/audit/records?limit=2`;
      const seen: AuditRecord[] = [];
      let answer = await admin.call('GET', url);
      expect(answer.body.limit).toBe(2);
      while (true) {
        seen.push(...records(answer));
        if (answer.body.next_cursor === null) break;
        expect(records(answer)).toHaveLength(2);
        answer = await admin.call('GET', `${url}&cursor=${encodeURIComponent(answer.body.next_cursor)}`);
      }
      expect(seen.map((r) => r.details.fields?.find((f) => f.name === 'name')?.value)).toEqual([
        'Paging 4',
        'Paging 3',
        'Paging 2',
        'Paging 1',
        'Paging 0',
      ]);
      expect(new Set(seen.map((r) => r.id)).size).toBe(5);
      // A limit above the largest page is lowered to it.
      expect((await admin.call('GET', `/teams/${team.id}/audit/records?limit=1000`)).body.limit).toBe(100);
    });

    it('filters by root type, action, actor, method and token, and by the time window', async () => {
      const other = await h.userWithToken('admin');
      const team = (await other.call('POST', '/teams', { team: { type: 'team', name: 'Filtered' } })).body.team;
      const byActor = records(
        await h.owner.call('GET', `/audit/records?actor_type=user_reference&actor_id=${other.id}&limit=100`),
      );
      expect(byActor.map((r) => r.root_resource.id)).toEqual([team.id]);
      const byToken = records(
        await h.owner.call(
          'GET',
          `/audit/records?method_type=api_token&method_truncated_token=${other.token.slice(-4)}&limit=100`,
        ),
      );
      expect(byToken.map((r) => r.root_resource.id)).toEqual([team.id]);
      expect(records(await h.owner.call('GET', '/audit/records?actor_type=api_key_reference'))).toEqual([]);
      expect(records(await h.owner.call('GET', '/audit/records?method_type=oauth'))).toEqual([]);

      // The bootstrap owner was made by Klaxon itself, outside any request.
      const bootstrap = records(await h.owner.call('GET', '/audit/records?method_type=other&limit=100'));
      expect(bootstrap.map((r) => [r.action, r.details.resource.type, r.actors])).toEqual([
        ['create', 'api_token_reference', null],
        ['create', 'user_reference', null],
      ]);

      const creates = records(
        await h.owner.call('GET', '/audit/records?actions[]=create&root_resource_types[]=teams&limit=100'),
      );
      expect(creates.length).toBeGreaterThan(0);
      expect(creates.every((r) => r.action === 'create' && r.root_resource.type === 'team_reference')).toBe(true);
      const twoTypes = records(
        await h.owner.call('GET', '/audit/records?root_resource_types[]=teams&root_resource_types[]=users&limit=100'),
      );
      expect(new Set(twoTypes.map((r) => r.root_resource.type))).toEqual(new Set(['team_reference', 'user_reference']));

      // Two days later the default window (24 hours) holds nothing; an explicit one finds them.
      h.clock.set(new Date('2026-11-28T12:00:00Z'));
      try {
        expect(records(await h.owner.call('GET', '/audit/records'))).toEqual([]);
        const earlier = await h.owner.call(
          'GET',
          `/audit/records?since=2026-11-26T00:00:00Z&until=2026-11-27T00:00:00Z&actor_type=user_reference&actor_id=${other.id}`,
        );
        expect(records(earlier).map((r) => r.root_resource.id)).toEqual([team.id]);
      } finally {
        h.clock.set(new Date('2026-11-26T12:00:00Z'));
      }
    });

    it('an object older than the trail: its first change is an update without before-values; its deletion is kept', async () => {
      await h.database.db.insert(teams).values([
        { id: 'POLDONE', name: 'Old one' },
        { id: 'POLDTWO', name: 'Old two' },
      ]);
      await h.owner.call('PUT', '/teams/POLDONE', { team: { name: 'Renamed' } });
      const [first] = records(await h.owner.call('GET', '/teams/POLDONE/audit/records'));
      expect(first).toMatchObject({ action: 'update', root_resource: { id: 'POLDONE', summary: 'Renamed' } });
      expect(fieldOf(first as AuditRecord, 'name')).toEqual({ name: 'name', value: 'Renamed' });
      expect((await h.owner.call('DELETE', '/teams/POLDTWO')).status).toBe(204);
      const [deleted] = records(await h.owner.call('GET', '/audit/records?actions[]=delete&limit=1'));
      expect(deleted).toMatchObject({
        action: 'delete',
        root_resource: { id: 'POLDTWO', type: 'team_reference' },
        details: { resource: { id: 'POLDTWO', type: 'team_reference' } },
      });
    });

    it('tag changes are recorded with the entities they were put on', async () => {
      const team = (await h.owner.call('POST', '/teams', { team: { type: 'team', name: 'Tagged' } })).body.team;
      await h.owner.call('POST', `/teams/${team.id}/change_tags`, { add: [{ type: 'tag', label: 'audited' }] });
      const [tagged] = records(await h.owner.call('GET', '/audit/records?limit=1'));
      expect(tagged).toMatchObject({
        action: 'create',
        root_resource: { type: 'tag_reference', summary: 'audited' },
        details: {
          fields: [{ name: 'label', value: 'audited' }],
          references: [{ name: 'teams', added: [{ id: team.id, type: 'team_reference' }] }],
        },
      });
    });
  });

  describe('what is refused', () => {
    it.each([
      ['a cursor it never gave', '/audit/records?cursor=bm90LWEtY3Vyc29y'],
      ['since after until', '/audit/records?since=2026-11-26T00:00:00Z&until=2026-11-25T00:00:00Z'],
      ['a window over 31 days', '/audit/records?since=2026-10-01T00:00:00Z&until=2026-11-26T00:00:00Z'],
      ['since older than 31 days with until defaulting to now', '/audit/records?since=2026-09-01T00:00:00Z'],
      ['a date that is not one', '/audit/records?since=yesterday'],
      ['limit 0', '/audit/records?limit=0'],
      ['a limit that is not a number', '/audit/records?limit=many'],
      ['an unknown root resource type', '/audit/records?root_resource_types[]=incidents'],
      ['an unknown action', '/audit/records?actions[]=read'],
      ['an unknown actor type', '/audit/records?actor_type=robot'],
      ['an unknown method type', '/audit/records?method_type=telepathy'],
      ['actor_id without actor_type', '/audit/records?actor_id=PABCDEF'],
      ['method_truncated_token without method_type', '/audit/records?method_truncated_token=abcd'],
      ['a bad cursor on a resource', `/users/{owner}/audit/records?cursor=%25%25`],
      ['a bad window on a resource', `/users/{owner}/audit/records?since=2026-12-01T00:00:00Z`],
    ])('%s: 400 with PagerDuty error body', async (_why, url) => {
      const answer = await h.owner.call('GET', url.replace('{owner}', h.owner.id));
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: { code: 2001, message: 'Invalid Input Provided', errors: [expect.any(String)] },
      });
    });

    it('records of an aggregate that does not exist: 404', async () => {
      for (const path of ['users', 'teams', 'escalation_policies', 'schedules', 'services']) {
        const answer = await h.owner.call('GET', `/${path}/PNOSUCH/audit/records`);
        expect([path, answer.status, answer.body.error.code]).toEqual([path, 404, 2100]);
      }
    });

    it('a refused change writes no record', async () => {
      const before = records(await h.owner.call('GET', '/audit/records?limit=100')).length;
      const refused = await h.owner.call('POST', '/teams', { team: { type: 'team', name: '' } });
      expect(refused.status).toBe(400);
      const limited = await h.userWithToken('limited_user');
      expect((await limited.call('POST', '/teams', { team: { type: 'team', name: 'Nope' } })).status).toBe(403);
      expect(records(await h.owner.call('GET', '/audit/records?limit=100'))).toHaveLength(before);
    });
  });

  describe('who is refused', () => {
    it('no token: 401', async () => {
      const answer = await h.as(undefined)('GET', '/audit/records');
      expect([answer.status, answer.body.error.code]).toEqual([401, 2006]);
    });

    it.each(['user', 'limited_user', 'observer', 'restricted_access', 'read_only_user', 'read_only_limited_user'])(
      'the account-wide list is for owners and admins: %s gets 403',
      async (role) => {
        const caller = await h.userWithToken(role);
        const answer = await caller.call('GET', '/audit/records');
        expect(answer.status).toBe(403);
        expect(answer.body).toEqual({ error: { code: 2010, message: 'Access Denied', errors: [expect.any(String)] } });
        // A resource's records are for whoever may read the resource (PagerDuty: read access).
        expect((await caller.call('GET', `/users/${h.owner.id}/audit/records`)).status).toBe(200);
      },
    );

    it('owners and admins may, with a read-only token too', async () => {
      const readOnly = await h.tokenFor(admin.id, 'read_only');
      expect((await h.as(readOnly)('GET', '/audit/records')).status).toBe(200);
      expect((await admin.call('GET', '/audit/records')).status).toBe(200);
      expect((await h.owner.call('GET', '/audit/records')).status).toBe(200);
    });
  });
});
