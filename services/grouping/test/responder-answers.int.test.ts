import { actionLinkPath, signActionToken } from '@klaxon/rest';
import { waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, READ_TOKEN, service, USER } from './harness';

// Answering and cancelling responder requests. PagerDuty's API has no accept/decline endpoint
// (responders answer in its apps), so Klaxon's notifications carry signed accept/decline links;
// PUT /incidents/{id}/responder_requests/cancel is PagerDuty's own.

const KEY = 'responder-link-test-key-0123456789ab';
const HOUR = 3_600_000;
const people = ['PANNA', 'PBEN', 'PCARA', 'PDAN'] as const;

describe('answering and cancelling responder requests', () => {
  let h: Harness;
  const open = async (title: string) => {
    const res = await h.api('POST', '/incidents', { incident: { title, service: { id: 'PRESP' } } });
    expect(res.statusCode).toBe(201);
    return res.json().incident.id as string;
  };
  const ask = async (incidentId: string, userIds: readonly string[]) => {
    const res = await h.api('POST', `/incidents/${incidentId}/responder_requests`, {
      requester_id: USER.id,
      message: 'Join the bridge',
      responder_request_targets: userIds.map((id) => ({ responder_request_target: { id, type: 'user_reference' } })),
    });
    expect(res.statusCode).toBe(200);
  };
  const follow = (incidentId: string, userId: string, action: 'accept' | 'decline') =>
    h.app.inject({
      method: 'POST',
      url: actionLinkPath(
        signActionToken(KEY, { incidentId, userId, action, expiresAt: new Date(h.clock.now().getTime() + HOUR) }),
      ),
    });
  const states = async (incidentId: string) =>
    Object.fromEntries(
      (
        (await h.api('GET', `/incidents/${incidentId}`)).json().incident.incidents_responders as {
          state: string;
          user: { id: string };
        }[]
      ).map((r) => [r.user.id, r.state]),
    );
  const cancel = (incidentId: string, targets: { type: string; id: string }[], token?: string) =>
    h.api(
      'PUT',
      `/incidents/${incidentId}/responder_requests/cancel`,
      { requester_id: USER.id, responder_request_targets: targets },
      token ? { authorization: `Token token=${token}` } : {},
    );

  beforeAll(async () => {
    h = await groupingHarness({ actionLinkKey: KEY });
    await h.seedAuth();
    for (const id of people) await h.catalog('user', id, { name: id, email: `${id}@example.com`, role: 'user' });
    await h.catalog('escalation_policy', 'PEP0001', { name: 'Ops', escalation_rules: [{ id: 'R1' }] });
    await h.catalog('service', 'PRESP', service('PRESP'));
  });
  afterAll(() => h.close());

  describe('what works', () => {
    it('accept and decline links answer the pending request once, and publish the new responders', async () => {
      const id = await open('Needs hands');
      await ask(id, ['PANNA', 'PBEN']);
      const accepted = await follow(id, 'PANNA', 'accept');
      expect(accepted.statusCode).toBe(200);
      expect(accepted.body).toContain('joined');
      expect((await follow(id, 'PBEN', 'decline')).statusCode).toBe(200);
      expect(await states(id)).toEqual({ PANNA: 'joined', PBEN: 'declined' });
      // An answer stands: a second click finds nothing pending.
      expect((await follow(id, 'PANNA', 'decline')).statusCode).toBe(409);
      expect((await follow(id, 'PCARA', 'accept')).statusCode).toBe(409);
      expect(await states(id)).toEqual({ PANNA: 'joined', PBEN: 'declined' });
      // notify reads the answers from the published snapshot, and stops paging those who answered.
      await waitFor(() =>
        h.changes.some(
          (c) =>
            c.incidentId === id &&
            (JSON.parse(c.snapshotJson).incidents_responders as { state: string }[]).every(
              (r) => r.state !== 'pending',
            ),
        ),
      );
    });

    it('cancel stops the pending responders and reports each target as PagerDuty does', async () => {
      const id = await open('Too many cooks');
      await ask(id, ['PANNA', 'PBEN', 'PCARA']);
      await follow(id, 'PANNA', 'accept');
      await follow(id, 'PBEN', 'decline');
      const res = await cancel(id, [
        { type: 'user_reference', id: 'PCARA' },
        { type: 'user_reference', id: 'PANNA' },
        { type: 'user_reference', id: 'PBEN' },
        { type: 'user_reference', id: 'PDAN' },
        { type: 'escalation_policy_reference', id: 'PEP0001' },
      ]);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        responder_request_targets: [
          { type: 'user_reference', id: 'PCARA', result: 'cancelled' },
          { type: 'user_reference', id: 'PANNA', result: 'joined' },
          { type: 'user_reference', id: 'PBEN', result: 'declined' },
          { type: 'user_reference', id: 'PDAN', result: 'not_found' },
          { type: 'escalation_policy_reference', id: 'PEP0001', result: 'not_found' },
        ],
      });
      expect(await states(id)).toEqual({ PANNA: 'joined', PBEN: 'declined', PCARA: 'user_cancelled' });
      // A cancelled request cannot be accepted afterwards.
      expect((await follow(id, 'PCARA', 'accept')).statusCode).toBe(409);
    });
  });

  describe('what is refused', () => {
    it.each([
      ['no targets', { requester_id: USER.id, responder_request_targets: [] }],
      ['no requester', { responder_request_targets: [{ type: 'user_reference', id: 'PANNA' }] }],
      ['a target of another type', { requester_id: USER.id, responder_request_targets: [{ type: 'team', id: 'PT' }] }],
      ['a target without id', { requester_id: USER.id, responder_request_targets: [{ type: 'user_reference' }] }],
    ])('%s: 400, nothing cancelled', async (_what, body) => {
      const id = await open('Bad cancel');
      await ask(id, ['PDAN']);
      const res = await h.api('PUT', `/incidents/${id}/responder_requests/cancel`, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 2001 });
      expect(await states(id)).toEqual({ PDAN: 'pending' });
    });

    it('an unknown incident is a 404; a read-only token is refused', async () => {
      const missing = await cancel('PNOSUCH', [{ type: 'user_reference', id: 'PANNA' }]);
      expect(missing.statusCode).toBe(404);
      const id = await open('Read only');
      await ask(id, ['PDAN']);
      expect((await cancel(id, [{ type: 'user_reference', id: 'PDAN' }], READ_TOKEN)).statusCode).toBe(403);
      expect(await states(id)).toEqual({ PDAN: 'pending' });
    });
  });
});
