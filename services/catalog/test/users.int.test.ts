import { waitFor } from '@klaxon/testing';
import { type CatalogHarness, catalogHarness, policyBody } from './harness';

describe('users, contact methods and notification rules', () => {
  let h: CatalogHarness;
  const from = { from: 'owner@example.com' };
  beforeAll(async () => {
    h = await catalogHarness();
  });
  afterAll(() => h.close());

  const newUser = async (email: string, extra: object = {}) =>
    h.owner.call('POST', '/users', { user: { type: 'user', name: email.split('@')[0], email, ...extra } }, from);

  describe('works', () => {
    it('creates, reads, updates, lists and deletes a user, publishing each change', async () => {
      const created = await newUser('ada@example.com', {
        role: 'limited_user',
        time_zone: 'Europe/Paris',
        job_title: 'SRE',
      });
      expect(created.status).toBe(201);
      const user = created.body.user;
      expect(user).toMatchObject({
        type: 'user',
        name: 'ada',
        email: 'ada@example.com',
        role: 'limited_user',
        time_zone: 'Europe/Paris',
        job_title: 'SRE',
        self: `https://klaxon.test/users/${user.id}`,
        teams: [],
        contact_methods: [],
        notification_rules: [],
      });
      const updated = await h.owner.call('PUT', `/users/${user.id}`, { user: { name: 'Ada L.', role: 'user' } });
      expect(updated.body.user).toMatchObject({ name: 'Ada L.', role: 'user', email: 'ada@example.com' });
      const list = await h.owner.call('GET', '/users?query=ada&total=true');
      expect(list.body).toMatchObject({ total: 1, users: [{ id: user.id }] });
      expect((await h.owner.call('DELETE', `/users/${user.id}`)).status).toBe(204);
      expect((await h.owner.call('GET', `/users/${user.id}`)).status).toBe(404);
      await waitFor(() => h.changes().some((c) => c.entityId === user.id && c.deleted), { what: 'user tombstone' });
      expect(
        h
          .changes()
          .filter((c) => c.entityId === user.id)
          .map((c) => c.version),
      ).toEqual([1n, 2n, 3n]);
    });

    it('manages contact methods and notification rules, shown on the user', async () => {
      const user = (await newUser('grace@example.com')).body.user;
      const base = `/users/${user.id}`;
      const email = await h.owner.call('POST', `${base}/contact_methods`, {
        contact_method: {
          type: 'email_contact_method',
          label: 'Work',
          address: 'grace@example.com',
          send_short_email: true,
        },
      });
      expect(email.status).toBe(201);
      expect(email.body.contact_method).toMatchObject({
        type: 'email_contact_method',
        label: 'Work',
        send_short_email: true,
      });
      const sms = await h.owner.call('POST', `${base}/contact_methods`, {
        contact_method: { type: 'sms_contact_method', label: 'Mobile', address: '5555550100', country_code: 1 },
      });
      expect(sms.body.contact_method).toMatchObject({ country_code: 1, blacklisted: false });
      const rule = await h.owner.call('POST', `${base}/notification_rules`, {
        notification_rule: {
          type: 'assignment_notification_rule',
          start_delay_in_minutes: 0,
          urgency: 'high',
          contact_method: { id: sms.body.contact_method.id, type: 'sms_contact_method_reference' },
        },
      });
      expect(rule.status).toBe(201);
      expect(rule.body.notification_rule).toMatchObject({
        urgency: 'high',
        contact_method: { id: sms.body.contact_method.id, type: 'sms_contact_method_reference' },
      });
      await h.owner.call('POST', `${base}/notification_rules`, {
        notification_rule: {
          start_delay_in_minutes: 5,
          urgency: 'low',
          contact_method: { id: email.body.contact_method.id },
        },
      });
      expect((await h.owner.call('GET', `${base}/notification_rules`)).body.notification_rules).toHaveLength(1);
      expect(
        (await h.owner.call('GET', `${base}/notification_rules?urgency=all`)).body.notification_rules,
      ).toHaveLength(2);
      const shown = await h.owner.call('GET', `${base}?include[]=contact_methods`);
      expect(shown.body.user.contact_methods.map((c: { address: string }) => c.address).sort()).toEqual([
        '5555550100',
        'grace@example.com',
      ]);
      expect(shown.body.user.notification_rules).toHaveLength(2);
      const relabeled = await h.owner.call('PUT', `${base}/contact_methods/${sms.body.contact_method.id}`, {
        contact_method: { label: 'Cell' },
      });
      expect(relabeled.body.contact_method.label).toBe('Cell');
      const rule2 = await h.owner.call('PUT', `${base}/notification_rules/${rule.body.notification_rule.id}`, {
        notification_rule: { start_delay_in_minutes: 3 },
      });
      expect(rule2.body.notification_rule.start_delay_in_minutes).toBe(3);
      // Deleting a method removes its rules.
      expect((await h.owner.call('DELETE', `${base}/contact_methods/${sms.body.contact_method.id}`)).status).toBe(204);
      expect(
        (await h.owner.call('GET', `${base}/notification_rules?urgency=all`)).body.notification_rules,
      ).toHaveLength(1);
      expect(
        (await h.owner.call('DELETE', `${base}/notification_rules/${rule.body.notification_rule.id}`)).status,
      ).toBe(404);
    });

    it('lets a user change their own profile and contact methods', async () => {
      const me = await h.userWithToken('limited_user');
      const res = await me.call('PUT', `/users/${me.id}`, { user: { time_zone: 'Asia/Tokyo' } });
      expect(res.body.user.time_zone).toBe('Asia/Tokyo');
      const cm = await me.call('POST', `/users/${me.id}/contact_methods`, {
        contact_method: { type: 'email_contact_method', label: 'Me', address: me.email },
      });
      expect(cm.status).toBe(201);
      expect((await me.call('GET', '/users/me')).body.user.contact_methods).toHaveLength(1);
    });
  });

  describe('refused', () => {
    it('refuses bad users, duplicates and dangling references', async () => {
      expect((await newUser('bad')).status).toBe(400);
      expect((await newUser('tz@example.com', { time_zone: 'Nowhere/Land' })).status).toBe(400);
      expect((await newUser('role@example.com', { role: 'overlord' })).status).toBe(400);
      expect((await newUser('owner2@example.com', { role: 'owner' })).status).toBe(400);
      expect((await newUser('OWNER@example.com')).body.error.errors).toEqual(['Email has already been taken']);
      expect((await h.owner.call('PUT', `/users/${h.owner.id}`, { user: { role: 'admin' } })).status).toBe(400);
      expect((await h.owner.call('DELETE', `/users/${h.owner.id}`)).status).toBe(400);

      const target = (await newUser('oncall@example.com')).body.user;
      await h.owner.call('POST', '/escalation_policies', policyBody(target.id));
      const inUse = await h.owner.call('DELETE', `/users/${target.id}`);
      expect(inUse.status).toBe(400);
      expect(inUse.body.error.errors[0]).toContain('escalation policy');

      const base = `/users/${target.id}`;
      expect(
        (
          await h.owner.call('POST', `${base}/contact_methods`, {
            contact_method: { type: 'email_contact_method', label: 'x', address: 'not-an-email' },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await h.owner.call('POST', `${base}/contact_methods`, {
            contact_method: { type: 'phone_contact_method', label: 'x', address: 'call me' },
          })
        ).status,
      ).toBe(400);
      await h.owner.call('POST', `${base}/contact_methods`, {
        contact_method: { type: 'email_contact_method', label: 'x', address: 'dup@example.com' },
      });
      const dup = await h.owner.call('POST', `${base}/contact_methods`, {
        contact_method: { type: 'email_contact_method', label: 'y', address: 'dup@example.com' },
      });
      expect(dup.body.error.errors).toEqual(['User Contact method must be unique']);
      const dangling = await h.owner.call('POST', `${base}/notification_rules`, {
        notification_rule: { start_delay_in_minutes: 0, urgency: 'high', contact_method: { id: 'PNOPE00' } },
      });
      expect(dangling.status).toBe(400);
      expect(
        (
          await h.owner.call('POST', `${base}/notification_rules`, {
            notification_rule: { start_delay_in_minutes: -1, urgency: 'high', contact_method: { id: 'P' } },
          })
        ).status,
      ).toBe(400);
    });
  });

  describe('who is refused', () => {
    it("acts as the token's user whatever From says (issue 14 item 13)", async () => {
      const manager = await h.userWithToken('user');
      const asOwner = { from: 'owner@example.com' };
      // A Manager's token naming the owner in From: the window is the Manager's, the policy escalates to them.
      const service = await manager.call('POST', '/services', { service: { name: `From ${manager.id}` } }, asOwner);
      expect(service.status).toBe(201);
      const policyId = service.body.service.escalation_policy.id as string;
      const policy = await h.owner.call('GET', `/escalation_policies/${policyId}`);
      expect(policy.body.escalation_policy.escalation_rules[0].targets.map((t: { id: string }) => t.id)).toEqual([
        manager.id,
      ]);
      const window = await manager.call(
        'POST',
        '/maintenance_windows',
        {
          maintenance_window: {
            start_time: '2026-11-26T13:00:00Z',
            end_time: '2026-11-26T15:00:00Z',
            services: [{ id: service.body.service.id }],
          },
        },
        asOwner,
      );
      expect(window.status).toBe(201);
      expect(window.body.maintenance_window.created_by.id).toBe(manager.id);
      // Naming the owner lends a limited user nothing; a From naming nobody is not read either.
      const limited = await h.userWithToken('limited_user');
      const refused = await limited.call('POST', '/users', { user: { name: 'x', email: 'x@example.com' } }, asOwner);
      expect([refused.status, refused.body.error.code]).toEqual([403, 2010]);
      const body = { user: { name: 'y', email: 'from-stranger@example.com' } };
      expect((await h.owner.call('POST', '/users', body, { from: 'stranger@example.com' })).status).toBe(201);
    });

    it('refuses anyone but the owner acting on the owner: tokens, email, role (403 / 2010)', async () => {
      const admin = await h.userWithToken('admin');
      const denied = (why: string) => ({ error: { code: 2010, message: 'Access Denied', errors: [why] } });

      const tokenForOwner = await admin.call('POST', '/api_tokens', {
        api_token: { description: 'act as owner', user: { id: h.owner.id } },
      });
      expect({ status: tokenForOwner.status, body: tokenForOwner.body }).toEqual({
        status: 403,
        body: denied('You may not act for a user whose role is above yours'),
      });
      for (const user of [{ email: 'taken-over@example.com' }, { role: 'admin' }, { name: 'Not the owner' }]) {
        const res = await admin.call('PUT', `/users/${h.owner.id}`, { user });
        expect({ user, status: res.status, body: res.body }).toEqual({
          user,
          status: 403,
          body: denied('You may not act for a user whose role is above yours'),
        });
      }
      expect((await h.owner.call('GET', `/users/${h.owner.id}`)).body.user.email).toBe('owner@example.com');

      const ownerTokens = (await h.owner.call('GET', '/api_tokens?limit=100')).body.api_tokens.filter(
        (t: { user: { id: string } }) => t.user.id === h.owner.id,
      );
      expect(ownerTokens.length).toBeGreaterThan(0);
      const seenByAdmin = (await admin.call('GET', '/api_tokens?limit=100&total=true')).body;
      expect(seenByAdmin.api_tokens.map((t: { user: { id: string } }) => t.user.id)).not.toContain(h.owner.id);
      expect(seenByAdmin.total).toBe(seenByAdmin.api_tokens.length);
      const revoke = await admin.call('DELETE', `/api_tokens/${ownerTokens[0].id}`);
      expect({ status: revoke.status, body: revoke.body }).toEqual({
        status: 403,
        body: denied('You may not act for a user whose role is above yours'),
      });
      expect((await h.owner.call('GET', '/users/me')).status).toBe(200);

      // A token never grants more than its creator has: an admin may act for admins and below.
      const otherAdmin = await h.userWithToken('admin');
      const responder = await h.userWithToken('limited_user');
      expect(
        (await admin.call('POST', '/api_tokens', { api_token: { description: 'x', user: { id: otherAdmin.id } } }))
          .status,
      ).toBe(201);
      expect(
        (await admin.call('POST', '/api_tokens', { api_token: { description: 'x', user: { id: responder.id } } }))
          .status,
      ).toBe(201);
      expect((await admin.call('PUT', `/users/${otherAdmin.id}`, { user: { role: 'user' } })).status).toBe(200);
      // The owner still changes everything of their own and acts for everyone.
      const ownEmail = await h.owner.call('PUT', `/users/${h.owner.id}`, { user: { email: 'owner2@example.com' } });
      expect(ownEmail.body.user.email).toBe('owner2@example.com');
      await h.owner.call('PUT', `/users/${h.owner.id}`, { user: { email: 'owner@example.com' } });
      expect(
        (await h.owner.call('POST', '/api_tokens', { api_token: { description: 'x', user: { id: admin.id } } })).status,
      ).toBe(201);
    });

    it('refuses non-admins adding users, changing roles or others’ settings', async () => {
      const manager = await h.userWithToken('user');
      const other = await h.userWithToken('limited_user');
      expect(
        (await manager.call('POST', '/users', { user: { name: 'n', email: 'n@example.com' } }, { from: manager.email }))
          .status,
      ).toBe(403);
      expect((await manager.call('PUT', `/users/${other.id}`, { user: { name: 'renamed' } })).status).toBe(403);
      expect((await other.call('PUT', `/users/${other.id}`, { user: { role: 'admin' } })).status).toBe(403);
      expect(
        (
          await other.call('POST', `/users/${manager.id}/contact_methods`, {
            contact_method: { type: 'email_contact_method', label: 'x', address: 'x@example.com' },
          })
        ).status,
      ).toBe(403);
      expect((await manager.call('DELETE', `/users/${other.id}`)).status).toBe(403);
      const admin = await h.userWithToken('admin');
      expect((await admin.call('PUT', `/users/${other.id}`, { user: { role: 'observer' } })).body.user.role).toBe(
        'observer',
      );
    });
  });

  describe('API tokens (Klaxon addition)', () => {
    it('creates a token shown once, authenticates with it, lists and revokes it', async () => {
      const responder = await h.userWithToken('limited_user');
      const created = await responder.call('POST', '/api_tokens', {
        api_token: { description: 'CI', access: 'read_only' },
      });
      expect(created.status).toBe(201);
      expect(created.body.api_token).toMatchObject({
        type: 'api_token',
        access: 'read_only',
        user: { id: responder.id },
      });
      const token = created.body.api_token.token as string;
      expect((await h.as(token)('GET', '/users/me')).body.user.id).toBe(responder.id);
      expect((await h.as(token)('POST', '/api_tokens', { api_token: { description: 'x' } })).status).toBe(403);
      const mine = await responder.call('GET', '/api_tokens');
      expect(mine.body.api_tokens.map((t: { user: { id: string } }) => t.user.id)).toEqual([
        responder.id,
        responder.id,
      ]);
      expect(JSON.stringify(mine.body)).not.toContain(token);
      expect((await h.owner.call('GET', '/api_tokens?total=true')).body.total).toBeGreaterThan(2);
      expect((await responder.call('DELETE', `/api_tokens/${created.body.api_token.id}`)).status).toBe(204);
      expect((await h.as(token)('GET', '/users/me')).status).toBe(401);
      await waitFor(() => h.changes().some((c) => c.entityId === created.body.api_token.id && c.deleted), {
        what: 'token tombstone',
      });
      const published = h.changes().find((c) => c.entityId === created.body.api_token.id && !c.deleted);
      expect(published?.snapshot).toMatchObject({ access: 'read_only', user: { id: responder.id } });
      expect(JSON.stringify(published?.snapshot)).not.toContain(token);
    });

    it('lets only owners and admins make or revoke tokens for others', async () => {
      const manager = await h.userWithToken('user');
      const other = await h.userWithToken('limited_user');
      expect(
        (await manager.call('POST', '/api_tokens', { api_token: { description: 'x', user: { id: other.id } } })).status,
      ).toBe(403);
      const made = await h.owner.call('POST', '/api_tokens', {
        api_token: { description: 'for other', user: { id: other.id } },
      });
      expect(made.status).toBe(201);
      expect((await manager.call('DELETE', `/api_tokens/${made.body.api_token.id}`)).status).toBe(403);
      expect(
        (await h.owner.call('POST', '/api_tokens', { api_token: { description: 'x', user: { id: 'PGHOST1' } } }))
          .status,
      ).toBe(400);
    });
  });
});
