import { type CatalogHarness, catalogHarness, policyBody } from './harness';

// /tags and the tags of users, teams and escalation policies (issue 12 item 7): what works, what is
// refused, who is refused.

describe('tags', () => {
  let h: CatalogHarness;
  let teamId: string;
  let policyId: string;
  beforeAll(async () => {
    h = await catalogHarness();
    teamId = (await h.owner.call('POST', '/teams', { team: { type: 'team', name: 'Payments' } })).body.team.id;
    policyId = (await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id))).body.escalation_policy.id;
  });
  afterAll(() => h.close());

  describe('what works', () => {
    it('creates, gets, lists by query and deletes a tag', async () => {
      const created = await h.owner.call('POST', '/tags', { tag: { type: 'tag', label: 'Batman' } });
      expect(created.status).toBe(201);
      const tag = created.body.tag;
      expect(tag).toEqual({
        id: expect.any(String),
        type: 'tag',
        summary: 'Batman',
        self: `https://klaxon.test/tags/${tag.id}`,
        html_url: null,
        label: 'Batman',
      });
      expect((await h.owner.call('GET', `/tags/${tag.id}`)).body.tag).toEqual(tag);
      await h.owner.call('POST', '/tags', { tag: { type: 'tag', label: 'Robin' } });
      const found = await h.owner.call('GET', '/tags?query=bat');
      expect(found.body.tags.map((t: { label: string }) => t.label)).toEqual(['Batman']);
      const page = await h.owner.call('GET', '/tags?limit=1&total=true');
      expect(page.body).toMatchObject({ limit: 1, offset: 0, more: true, total: 2 });
      expect((await h.owner.call('DELETE', `/tags/${tag.id}`)).status).toBe(204);
      expect((await h.owner.call('GET', `/tags/${tag.id}`)).status).toBe(404);
    });

    it('change_tags adds by label (creating the tag) and by reference, removes by reference; both sides list them', async () => {
      const ops = (await h.owner.call('POST', '/tags', { tag: { type: 'tag', label: 'ops' } })).body.tag;
      const changed = await h.owner.call('POST', `/teams/${teamId}/change_tags`, {
        add: [
          { type: 'tag', label: 'eu-west' },
          { type: 'tag_reference', id: ops.id },
          { type: 'tag', label: 'OPS' },
        ],
      });
      expect([changed.status, changed.body]).toEqual([200, {}]);
      const onTeam = (await h.owner.call('GET', `/teams/${teamId}/tags`)).body.tags.map(
        (t: { label: string }) => t.label,
      );
      expect(onTeam).toEqual(['eu-west', 'ops']);
      const teamsTagged = await h.owner.call('GET', `/tags/${ops.id}/teams`);
      expect(teamsTagged.body.teams).toEqual([{ id: teamId, type: 'team_reference' }]);
      // As go-pagerduty asks for it, with a trailing slash.
      expect((await h.owner.call('GET', `/tags/${ops.id}/teams/`)).body.teams).toEqual(teamsTagged.body.teams);
      expect((await h.owner.call('GET', `/tags/${ops.id}/users`)).body.users).toEqual([]);

      await h.owner.call('POST', `/users/${h.owner.id}/change_tags`, { add: [{ type: 'tag_reference', id: ops.id }] });
      expect((await h.owner.call('GET', `/tags/${ops.id}/users`)).body.users).toEqual([
        { id: h.owner.id, type: 'user_reference' },
      ]);
      await h.owner.call('POST', `/teams/${teamId}/change_tags`, { remove: [{ type: 'tag_reference', id: ops.id }] });
      const after = (await h.owner.call('GET', `/teams/${teamId}/tags`)).body.tags.map(
        (t: { label: string }) => t.label,
      );
      expect(after).toEqual(['eu-west']);
    });
    it('publishes each tag on catalog.changes with the entities it is on; a deleted tag is a tombstone', async () => {
      const ofTag = (id: string) => h.changes().filter((c) => c.entityType === 'tag' && c.entityId === id);
      const tag = (await h.owner.call('POST', '/tags', { tag: { type: 'tag', label: 'published' } })).body.tag;
      expect(ofTag(tag.id)).toEqual([
        {
          entityType: 'tag',
          entityId: tag.id,
          version: 1n,
          deleted: false,
          snapshot: { ...tag, users: [], teams: [], escalation_policies: [] },
        },
      ]);
      await h.owner.call('POST', `/teams/${teamId}/change_tags`, { add: [{ type: 'tag_reference', id: tag.id }] });
      await h.owner.call('POST', `/users/${h.owner.id}/change_tags`, { add: [{ type: 'tag', label: 'PUBLISHED' }] });
      // Adding it again changes nothing, so publishes nothing.
      await h.owner.call('POST', `/users/${h.owner.id}/change_tags`, { add: [{ type: 'tag_reference', id: tag.id }] });
      expect(ofTag(tag.id).map((c) => [c.version, c.snapshot?.teams, c.snapshot?.users])).toEqual([
        [1n, [], []],
        [2n, [{ id: teamId, type: 'team_reference' }], []],
        [3n, [{ id: teamId, type: 'team_reference' }], [{ id: h.owner.id, type: 'user_reference' }]],
      ]);
      await h.owner.call('POST', `/teams/${teamId}/change_tags`, { remove: [{ type: 'tag_reference', id: tag.id }] });
      expect(ofTag(tag.id).at(-1)).toMatchObject({ version: 4n, snapshot: { teams: [], users: [{ id: h.owner.id }] } });
      await h.owner.call('DELETE', `/tags/${tag.id}`);
      expect(ofTag(tag.id).at(-1)).toEqual({
        entityType: 'tag',
        entityId: tag.id,
        version: 5n,
        deleted: true,
        snapshot: null,
      });
      // A tag made by label in change_tags is published once, already on the entity.
      await h.owner.call('POST', `/escalation_policies/${policyId}/change_tags`, {
        add: [{ type: 'tag', label: 'new-one' }],
      });
      const made = (await h.owner.call('GET', '/tags?query=new-one')).body.tags[0];
      expect(ofTag(made.id).map((c) => [c.version, c.snapshot?.escalation_policies])).toEqual([
        [1n, [{ id: policyId, type: 'escalation_policy_reference' }]],
      ]);
    });
  });

  describe('what is refused', () => {
    it('a duplicate label (any case), an empty label, a bad entity type: 400 code 2001', async () => {
      await h.owner.call('POST', '/tags', { tag: { type: 'tag', label: 'Unique' } });
      const dup = await h.owner.call('POST', '/tags', { tag: { type: 'tag', label: 'unique' } });
      expect([dup.status, dup.body.error.code]).toEqual([400, 2001]);
      const empty = await h.owner.call('POST', '/tags', { tag: { type: 'tag', label: '  ' } });
      expect([empty.status, empty.body.error.code]).toEqual([400, 2001]);
      const tag = (await h.owner.call('GET', '/tags?query=unique')).body.tags[0];
      const badType = await h.owner.call('GET', `/tags/${tag.id}/services`);
      expect([badType.status, badType.body.error.code]).toEqual([400, 2001]);
    });

    it('change_tags with an unknown tag reference changes nothing (400); unknown entities and tags are 404', async () => {
      const before = (await h.owner.call('GET', `/teams/${teamId}/tags`)).body.tags;
      const res = await h.owner.call('POST', `/teams/${teamId}/change_tags`, {
        add: [
          { type: 'tag', label: 'would-be-created' },
          { type: 'tag_reference', id: 'PNOSUCH' },
        ],
      });
      expect([res.status, res.body.error.code]).toEqual([400, 2001]);
      expect((await h.owner.call('GET', `/teams/${teamId}/tags`)).body.tags).toEqual(before);
      expect((await h.owner.call('GET', '/tags?query=would-be')).body.tags).toEqual([]);
      expect((await h.owner.call('GET', '/teams/PNOSUCH/tags')).status).toBe(404);
      expect((await h.owner.call('POST', '/escalation_policies/PNOSUCH/change_tags', { add: [] })).status).toBe(404);
      expect((await h.owner.call('GET', '/tags/PNOSUCH/users')).status).toBe(404);
      expect((await h.owner.call('DELETE', '/tags/PNOSUCH')).status).toBe(404);
    });
  });

  describe('who is refused', () => {
    it('no token: 401; a responder may read and tag themselves but not create tags or tag teams (403)', async () => {
      expect((await h.as(undefined)('GET', '/tags')).status).toBe(401);
      const responder = await h.userWithToken('limited_user');
      expect((await responder.call('GET', '/tags')).status).toBe(200);
      const create = await responder.call('POST', '/tags', { tag: { type: 'tag', label: 'mine' } });
      expect([create.status, create.body.error.code]).toEqual([403, 2010]);
      const team = await responder.call('POST', `/teams/${teamId}/change_tags`, { add: [{ type: 'tag', label: 'x' }] });
      expect(team.status).toBe(403);
      const existing = (await h.owner.call('GET', '/tags?query=eu-west')).body.tags[0];
      const self = await responder.call('POST', `/users/${responder.id}/change_tags`, {
        add: [{ type: 'tag_reference', id: existing.id }],
      });
      expect(self.status).toBe(200);
      const reader = await h.userWithToken('user', 'read_only');
      expect((await reader.call('POST', '/tags', { tag: { type: 'tag', label: 'ro' } })).status).toBe(403);
    });
  });
});
