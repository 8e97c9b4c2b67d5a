import { waitFor } from '@klaxon/testing';
import { type CatalogHarness, catalogHarness } from './harness';

// PagerDuty's /users/{id}/oncall_handoff_notification_rules, split by intent: what works, what is
// refused (bad input, changing nothing), and who is refused (roles).
describe('on-call handoff notification rules', () => {
  let h: CatalogHarness;
  const from = { from: 'owner@example.com' };
  beforeAll(async () => {
    h = await catalogHarness();
  });
  afterAll(() => h.close());

  /** A user with an email contact method (and an SMS one), created by the owner. */
  async function userWithMethods(name: string) {
    const email = `${name}.${Date.now()}@example.com`;
    const user = (await h.owner.call('POST', '/users', { user: { type: 'user', name, email } }, from)).body.user;
    const base = `/users/${user.id}`;
    const method = async (type: string, address: string) =>
      (await h.owner.call('POST', `${base}/contact_methods`, { contact_method: { type, label: type, address } })).body
        .contact_method as { id: string };
    return {
      id: user.id as string,
      base: `${base}/oncall_handoff_notification_rules`,
      email: await method('email_contact_method', email),
      sms: await method('sms_contact_method', '5555550123'),
    };
  }
  const rulesPath = (u: { base: string }, id?: string) => (id ? `${u.base}/${id}` : u.base);

  describe('works', () => {
    it('creates, lists, shows, updates and deletes a rule, publishing each change with its user', async () => {
      const u = await userWithMethods('hana');
      const created = await h.owner.call('POST', rulesPath(u), {
        oncall_handoff_notification_rule: {
          handoff_type: 'oncall',
          notify_advance_in_minutes: 180,
          contact_method: { id: u.email.id, type: 'email_contact_method' },
        },
      });
      expect(created.status).toBe(201);
      const rule = created.body.oncall_handoff_notification_rule;
      expect(rule).toEqual({
        id: expect.any(String),
        handoff_type: 'oncall',
        notify_advance_in_minutes: 180,
        contact_method: {
          id: u.email.id,
          type: 'email_contact_method_reference',
          summary: 'email_contact_method',
          self: `https://klaxon.test/users/${u.id}/contact_methods/${u.email.id}`,
          html_url: null,
        },
      });
      expect((await h.owner.call('GET', rulesPath(u))).body).toEqual({ oncall_handoff_notification_rules: [rule] });
      expect((await h.owner.call('GET', rulesPath(u, rule.id))).body).toEqual({
        oncall_handoff_notification_rule: rule,
      });

      const updated = await h.owner.call('PUT', rulesPath(u, rule.id), {
        oncall_handoff_notification_rule: { handoff_type: 'both', contact_method: { id: u.sms.id } },
      });
      expect(updated.status).toBe(200);
      expect(updated.body.oncall_handoff_notification_rule).toMatchObject({
        id: rule.id,
        handoff_type: 'both',
        notify_advance_in_minutes: 180,
        contact_method: { id: u.sms.id, type: 'sms_contact_method_reference' },
      });
      expect((await h.owner.call('DELETE', rulesPath(u, rule.id))).status).toBe(204);
      expect((await h.owner.call('GET', rulesPath(u, rule.id))).status).toBe(404);
      expect((await h.owner.call('GET', rulesPath(u))).body.oncall_handoff_notification_rules).toEqual([]);

      await waitFor(() => h.changes().some((c) => c.entityId === rule.id && c.deleted), { what: 'rule tombstone' });
      const published = h.changes().filter((c) => c.entityId === rule.id);
      expect(published.map((c) => [c.entityType, c.version, c.deleted])).toEqual([
        ['oncall_handoff_notification_rule', 1n, false],
        ['oncall_handoff_notification_rule', 2n, false],
        ['oncall_handoff_notification_rule', 3n, true],
      ]);
      expect(published[0]?.snapshot).toMatchObject({ user: { id: u.id }, handoff_type: 'oncall' });
    });

    it('defaults to both and no advance; deleting the contact method or the user deletes its rules', async () => {
      const u = await userWithMethods('ines');
      const a = await h.owner.call('POST', rulesPath(u), {
        oncall_handoff_notification_rule: { contact_method: { id: u.sms.id, type: 'sms_contact_method_reference' } },
      });
      expect(a.body.oncall_handoff_notification_rule).toMatchObject({
        handoff_type: 'both',
        notify_advance_in_minutes: 0,
      });
      const b = await h.owner.call('POST', rulesPath(u), {
        oncall_handoff_notification_rule: { handoff_type: 'offcall', contact_method: { id: u.email.id } },
      });
      expect((await h.owner.call('DELETE', `/users/${u.id}/contact_methods/${u.sms.id}`)).status).toBe(204);
      expect(
        (await h.owner.call('GET', rulesPath(u))).body.oncall_handoff_notification_rules.map(
          (r: { id: string }) => r.id,
        ),
      ).toEqual([b.body.oncall_handoff_notification_rule.id]);
      expect((await h.owner.call('DELETE', `/users/${u.id}`)).status).toBe(204);
      const ids = [a, b].map((r) => r.body.oncall_handoff_notification_rule.id);
      await waitFor(() => ids.every((id) => h.changes().some((c) => c.entityId === id && c.deleted)), {
        what: 'tombstones of both rules',
      });
    });
  });

  describe('refuses bad input, changing nothing', () => {
    it.each([
      ['no body', undefined],
      ['no contact method', { contact_method: undefined }],
      ['an unknown handoff type', { handoff_type: 'sometimes' }],
      ['a negative advance', { notify_advance_in_minutes: -5 }],
      ['a fractional advance', { notify_advance_in_minutes: 1.5 }],
      ['an advance as text', { notify_advance_in_minutes: 'soon' }],
      ['a contact method without id', { contact_method: { type: 'email_contact_method' } }],
    ])('%s', async (_what, fields) => {
      const u = await userWithMethods('jon');
      const res = await h.owner.call(
        'POST',
        rulesPath(u),
        fields && { oncall_handoff_notification_rule: { contact_method: { id: u.email.id }, ...fields } },
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 2001, message: 'Invalid Input Provided' });
      expect((await h.owner.call('GET', rulesPath(u))).body.oncall_handoff_notification_rules).toEqual([]);
    });

    it('another user’s contact method, an unknown user or rule', async () => {
      const u = await userWithMethods('kim');
      const other = await userWithMethods('lee');
      const foreign = await h.owner.call('POST', rulesPath(u), {
        oncall_handoff_notification_rule: { contact_method: { id: other.email.id } },
      });
      expect([foreign.status, foreign.body.error.code]).toEqual([400, 2001]);
      expect((await h.owner.call('GET', rulesPath(u))).body.oncall_handoff_notification_rules).toEqual([]);
      const rule = (
        await h.owner.call('POST', rulesPath(u), {
          oncall_handoff_notification_rule: { contact_method: { id: u.email.id } },
        })
      ).body.oncall_handoff_notification_rule;
      const moved = await h.owner.call('PUT', rulesPath(u, rule.id), {
        oncall_handoff_notification_rule: { contact_method: { id: other.sms.id } },
      });
      expect(moved.status).toBe(400);
      expect((await h.owner.call('GET', rulesPath(u, rule.id))).body.oncall_handoff_notification_rule).toEqual(rule);
      // A rule is found only under its own user.
      expect((await h.owner.call('GET', rulesPath(other, rule.id))).status).toBe(404);
      expect((await h.owner.call('DELETE', rulesPath(other, rule.id))).status).toBe(404);
      const missing = await h.owner.call('GET', '/users/PNOBODY/oncall_handoff_notification_rules');
      expect([missing.status, missing.body.error.code]).toEqual([404, 2100]);
    });
  });

  describe('refuses who may not', () => {
    it('a user manages their own rules; admins anyone’s; others and read-only tokens are refused', async () => {
      const me = await h.userWithToken('user');
      const cm = await me.call('POST', `/users/${me.id}/contact_methods`, {
        contact_method: { type: 'email_contact_method', label: 'Work', address: me.email },
      });
      const mine = `/users/${me.id}/oncall_handoff_notification_rules`;
      const body = { oncall_handoff_notification_rule: { contact_method: { id: cm.body.contact_method.id } } };
      const own = await me.call('POST', mine, body);
      expect(own.status).toBe(201);

      const other = await h.userWithToken('user');
      const refused = await other.call('POST', mine, body);
      expect([refused.status, refused.body.error.code]).toEqual([403, 2010]);
      const id = own.body.oncall_handoff_notification_rule.id;
      expect((await other.call('DELETE', `${mine}/${id}`)).status).toBe(403);
      expect((await other.call('PUT', `${mine}/${id}`, body)).status).toBe(403);
      // Reading is open to any user of the account, as PagerDuty's users.read.
      expect((await other.call('GET', mine)).body.oncall_handoff_notification_rules).toHaveLength(1);

      const readOnly = await h.tokenFor(me.id, 'read_only');
      expect((await h.as(readOnly)('POST', mine, body)).status).toBe(403);
      const admin = await h.userWithToken('admin');
      expect((await admin.call('POST', mine, body)).status).toBe(201);
      expect((await admin.call('DELETE', `${mine}/${id}`)).status).toBe(204);
      expect((await h.as(undefined)('GET', mine)).status).toBe(401);
      expect((await me.call('GET', mine)).body.oncall_handoff_notification_rules).toHaveLength(1);
    });
  });
});
