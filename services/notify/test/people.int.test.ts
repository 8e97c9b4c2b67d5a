import { subscribeTo } from '@klaxon/bus';
import { DeliveryOutcome, IncidentChangeKind, type NotificationDelivered, topics } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { verifyActionToken } from '@klaxon/rest';
import { type NotifyHarness, notifyHarness, waitFor } from './harness';
import { startSmtpServer, startTwilioServer, TWILIO, twilioCallback } from './servers';

let h: NotifyHarness;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let twilio: Awaited<ReturnType<typeof startTwilioServer>>;
const delivered: NotificationDelivered[] = [];
const LINK_KEY = 'notify-action-link-key-0123456789abcdef';

/** The action links in a text, with what their signed tokens grant. */
const actionLinks = (text: string) =>
  [...text.matchAll(/https:\/\/klaxon\.test\/incident_actions\/([A-Za-z0-9._-]+)/g)].map((m) =>
    verifyActionToken(LINK_KEY, decodeURIComponent(m[1] ?? ''), h.now()),
  );

const ALICE = { id: 'PALICE1', name: 'Alice', email: 'alice@example.com', role: 'user' };
const BOB = { id: 'PBOB001', name: 'Bob', email: 'bob@example.com', role: 'user' };
const CAROL = { id: 'PCAROL1', name: 'Carol', email: 'carol@example.com', role: 'user' };
const DAN = { id: 'PDAN001', name: 'Dan', email: 'dan@example.com', role: 'user' };

beforeAll(async () => {
  smtp = await startSmtpServer();
  twilio = await startTwilioServer();
  h = await notifyHarness({
    email: { url: smtp.url, from: 'Klaxon <klaxon@example.com>' },
    twilio: { baseUrl: twilio.url, ...TWILIO },
    stormWindowSeconds: 60,
    maxTries: 3,
    actionLinks: { key: LINK_KEY, ttlHours: 24 },
  });
  await h.catalog('service', 'PSVC001', { name: 'Checkout', teams: [] });
  // Alice: email at once, SMS after 2 minutes, a call after 5 (high); email only for low urgency.
  await h.user(
    ALICE,
    [
      { id: 'PCMEM01', type: 'email_contact_method', address: 'alice@example.com' },
      { id: 'PCMSM01', type: 'sms_contact_method', address: '5551234567', country_code: 1 },
      { id: 'PCMPH01', type: 'phone_contact_method', address: '5551234567', country_code: 1 },
    ],
    [
      { id: 'PRULE01', delay: 0, method: 'PCMEM01' },
      { id: 'PRULE02', delay: 2, method: 'PCMSM01' },
      { id: 'PRULE03', delay: 5, method: 'PCMPH01' },
      { id: 'PRULE04', delay: 0, method: 'PCMEM01', urgency: 'low' },
    ],
  );
  // Bob: SMS at once (storm safety), and a push rule.
  await h.user(
    BOB,
    [
      { id: 'PCMSM02', type: 'sms_contact_method', address: '5559876543', country_code: 44 },
      { id: 'PCMPU02', type: 'push_notification_contact_method', address: 'device-token' },
    ],
    [
      { id: 'PRULE11', delay: 0, method: 'PCMSM02' },
      { id: 'PRULE12', delay: 0, method: 'PCMPU02' },
    ],
  );
  // Carol: a number the provider refuses (a final failure), Dan: no rules.
  await h.user(
    CAROL,
    [{ id: 'PCMSM03', type: 'sms_contact_method', address: '12' }],
    [{ id: 'PRULE21', delay: 0, method: 'PCMSM03' }],
  );
  await h.user(DAN, [], []);
  await subscribeTo(h.bus, {
    group: 'test.delivered',
    topic: topics.notificationsDelivered,
    handler: async (m) => {
      delivered.push(m);
      return 'ok';
    },
  });
});
afterAll(async () => {
  await h.close();
  await smtp.close();
  await twilio.close();
});

const attemptsOf = (incidentId: string) =>
  h.rows<{ rule_id: string; channel: string; state: string; detail: string | null; tries: number; address: string }>(
    sql`select rule_id, channel, state, detail, tries, address from notify.attempts where incident_id = ${incidentId} order by rule_id`,
  );

async function planned(incidentId: string, n: number) {
  return waitFor(async () => ((await attemptsOf(incidentId)).length >= n ? attemptsOf(incidentId) : undefined), {
    what: `${n} attempts for ${incidentId}`,
  });
}

describe('notification rules', () => {
  it('applies the rules for the urgency, each when its delay is due: email, then SMS, then a call', async () => {
    await h.request({ userId: ALICE.id, incidentId: 'PINC001', title: 'Disk full on db-1', number: 41 });
    expect((await planned('PINC001', 3)).map((a) => [a.rule_id, a.state])).toEqual([
      ['PRULE01', 'pending'],
      ['PRULE02', 'pending'],
      ['PRULE03', 'pending'],
    ]);
    await h.sendDue();
    await waitFor(() => smtp.mails.length === 1, { what: 'the email' });
    const mail = smtp.mails[0];
    expect(mail?.subject).toBe('[Klaxon] High-urgency incident #41 Disk full on db-1 on Checkout');
    expect(mail?.to).toMatchObject({ text: 'alice@example.com' });
    for (const part of [mail?.text ?? '', mail?.html || '']) {
      expect(part).toContain('Disk full on db-1');
      expect(part).toContain('Checkout');
      expect(part).toContain('high');
      expect(part).toContain('https://klaxon.test/incidents/PINC001');
      // Signed one-click links acting as Alice, valid for a day (grouping verifies and acts on them).
      const expiresAt = new Date(h.now().getTime() + 24 * 3_600_000);
      expect(actionLinks(part)).toEqual([
        { ok: true, grant: { incidentId: 'PINC001', userId: ALICE.id, action: 'acknowledge', expiresAt } },
        { ok: true, grant: { incidentId: 'PINC001', userId: ALICE.id, action: 'resolve', expiresAt } },
      ]);
    }
    expect(twilio.messages()).toHaveLength(0);

    h.advance(2 * 60_000);
    await h.sendDue();
    expect(twilio.messages()).toEqual([
      {
        To: '+15551234567',
        From: TWILIO.from,
        Body: expect.stringContaining('#41 Disk full on db-1 on Checkout'),
        StatusCallback: expect.stringMatching(/^https:\/\/klaxon\.test\/twilio\/status\/[A-Za-z0-9_-]+$/),
      },
    ]);
    // The SMS carries the one-click acknowledge link, signed for Alice.
    expect(actionLinks(twilio.messages()[0]?.Body ?? '')).toMatchObject([
      { ok: true, grant: { incidentId: 'PINC001', userId: ALICE.id, action: 'acknowledge' } },
    ]);
    h.advance(3 * 60_000);
    await h.sendDue();
    expect(twilio.calls()).toEqual([
      {
        To: '+15551234567',
        From: TWILIO.from,
        Twiml: expect.stringContaining('<Say'),
        StatusCallback: expect.stringMatching(/^https:\/\/klaxon\.test\/twilio\/status\//),
      },
    ]);
    expect((await attemptsOf('PINC001')).map((a) => a.state)).toEqual(['sent', 'sent', 'sent']);
    await waitFor(() => delivered.filter((d) => d.incidentId === 'PINC001').length === 3, { what: 'delivered' });
    expect(delivered.find((d) => d.incidentId === 'PINC001' && d.contactMethodType === 'sms')).toMatchObject({
      outcome: DeliveryOutcome.DELIVERED,
      userId: ALICE.id,
      contactMethodId: 'PCMSM01',
      address: '+15551234567',
      serviceId: 'PSVC001',
      ruleId: 'PRULE02',
    });
  });

  it('low urgency applies the low-urgency rules only', async () => {
    await h.request({ userId: ALICE.id, incidentId: 'PINC002', urgency: 'low' });
    expect((await planned('PINC002', 1)).map((a) => a.rule_id)).toEqual(['PRULE04']);
    await h.sendDue();
    await waitFor(() => smtp.mails.some((m) => m.subject?.includes('Low-urgency incident #1 Incident PINC002')), {
      what: 'email',
    });
  });

  it('a redelivered request, or the same request again, sends nothing twice; a new cycle notifies again', async () => {
    const mails = () => smtp.mails.filter((m) => m.subject?.includes('Incident PINC003'));
    const id = await h.request({ userId: ALICE.id, incidentId: 'PINC003', urgency: 'low' });
    await h.request({ id, userId: ALICE.id, incidentId: 'PINC003', urgency: 'low' });
    await h.request({ userId: ALICE.id, incidentId: 'PINC003', urgency: 'low' });
    await planned('PINC003', 1);
    await waitFor(async () => (await h.rows(sql`select 1 from notify.inbox`)).length >= 2 && true);
    await h.sendDue();
    await h.sendDue();
    await h.request({ userId: ALICE.id, incidentId: 'PINC003', urgency: 'low', cycle: 1 });
    await planned('PINC003', 2);
    await h.sendDue();
    await waitFor(() => mails().length === 2, { what: 'two emails' });
    expect(mails().map((m) => m.messageId)).toEqual([
      expect.stringMatching(/@klaxon>$/),
      expect.stringMatching(/@klaxon>$/),
    ]);
    expect((await attemptsOf('PINC003')).every((a) => a.state === 'sent')).toBe(true);
  });

  it('acknowledging the incident cancels its pending rules; a reassignment cancels the user left out', async () => {
    await h.request({ userId: ALICE.id, incidentId: 'PINC004' });
    await planned('PINC004', 3);
    await h.sendDue();
    await h.incidentChanged({
      incidentId: 'PINC004',
      status: 'acknowledged',
      changes: [IncidentChangeKind.ACKNOWLEDGED],
      version: 2,
      assigned: [ALICE.id],
    });
    await waitFor(async () => (await attemptsOf('PINC004')).filter((a) => a.state === 'cancelled').length === 2, {
      what: 'cancelled',
    });

    await h.request({ userId: ALICE.id, incidentId: 'PINC005' });
    await planned('PINC005', 3);
    await h.incidentChanged({
      incidentId: 'PINC005',
      status: 'triggered',
      changes: [IncidentChangeKind.REASSIGNED],
      version: 3,
      assigned: [BOB.id],
    });
    await waitFor(async () => (await attemptsOf('PINC005')).every((a) => a.state === 'cancelled'), {
      what: 'reassigned away',
    });
    // A request arriving after the resolve is cancelled at once.
    await h.incidentChanged({
      incidentId: 'PINC006',
      status: 'resolved',
      changes: [IncidentChangeKind.RESOLVED],
      version: 5,
    });
    await waitFor(
      async () => (await h.rows(sql`select 1 from notify.incident_state where incident_id = 'PINC006'`)).length === 1,
    );
    await h.request({ userId: ALICE.id, incidentId: 'PINC006' });
    expect((await planned('PINC006', 3)).map((a) => a.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('a responder is asked to accept or decline, and is no longer asked once they answer or are cancelled', async () => {
    await h.request({ userId: ALICE.id, incidentId: 'PINC017', reason: 'responder_request', number: 17 });
    await h.request({ userId: CAROL.id, incidentId: 'PINC017', reason: 'responder_request', number: 17 });
    expect((await planned('PINC017', 4)).map((a) => a.state)).toEqual(['pending', 'pending', 'pending', 'pending']);
    const before = smtp.mails.length;
    await h.sendDue();
    const mail = await waitFor(() => smtp.mails.slice(before).find((m) => m.subject?.includes('#17')), {
      what: "Alice's responder email",
    });
    // Signed links acting as Alice: accept or decline the request, or act on the incident.
    expect(actionLinks(mail.text ?? '').map((l) => l.ok && l.grant.action)).toEqual([
      'accept',
      'decline',
      'acknowledge',
      'resolve',
    ]);
    // Alice accepted, Carol's request was cancelled: their later rules (SMS, call) are not sent.
    await h.incidentChanged({
      incidentId: 'PINC017',
      status: 'triggered',
      changes: [],
      version: 2,
      responders: [
        { userId: ALICE.id, state: 'joined' },
        { userId: CAROL.id, state: 'user_cancelled' },
      ],
    });
    await waitFor(async () => (await attemptsOf('PINC017')).every((a) => a.state !== 'pending'), {
      what: 'the answers stopping them',
    });
    expect((await attemptsOf('PINC017')).filter((a) => a.state === 'cancelled').map((a) => a.detail)).toEqual([
      'responder request answered or cancelled',
      'responder request answered or cancelled',
    ]);
  });

  it('a responder is asked on an acknowledged incident, and only its resolve stops asking', async () => {
    await h.incidentChanged({
      incidentId: 'PINC007',
      status: 'acknowledged',
      changes: [IncidentChangeKind.ACKNOWLEDGED],
      version: 2,
      assigned: [BOB.id],
    });
    await waitFor(
      async () => (await h.rows(sql`select 1 from notify.incident_state where incident_id = 'PINC007'`)).length === 1,
    );
    await h.request({ userId: ALICE.id, incidentId: 'PINC007', reason: 'responder_request' });
    expect((await planned('PINC007', 3)).map((a) => a.state)).toEqual(['pending', 'pending', 'pending']);
    // Reassigned to someone else: a responder was never an assignee, so still asked.
    await h.incidentChanged({
      incidentId: 'PINC007',
      status: 'triggered',
      changes: [IncidentChangeKind.REASSIGNED],
      version: 3,
      assigned: [CAROL.id],
    });
    await h.incidentChanged({
      incidentId: 'PINC007',
      status: 'resolved',
      changes: [IncidentChangeKind.RESOLVED],
      version: 4,
    });
    await waitFor(async () => (await attemptsOf('PINC007')).every((a) => a.state !== 'pending'), {
      what: 'the resolve stopping them',
    });
    expect((await attemptsOf('PINC007')).map((a) => a.detail)).toEqual([
      'incident resolved',
      'incident resolved',
      'incident resolved',
    ]);
  });

  it('storm safety: one SMS per user per minute, the incidents after it bundled into one message', async () => {
    const sms = () => twilio.messages().filter((m) => m.To === '+445559876543');
    await h.request({ userId: BOB.id, incidentId: 'PINC010', title: 'First', number: 10 });
    await planned('PINC010', 2);
    await h.sendDue();
    expect(sms()).toHaveLength(1);
    for (const n of [11, 12, 13])
      await h.request({ userId: BOB.id, incidentId: `PINC0${n}`, title: `Storm ${n}`, number: n });
    await planned('PINC013', 2);
    await h.sendDue();
    expect(sms()).toHaveLength(1);
    h.advance(60_000);
    await h.sendDue();
    expect(sms()).toHaveLength(2);
    expect(sms()[1]?.Body).toBe(
      'Klaxon: 3 more incidents triggered on Checkout: #11 Storm 11; #12 Storm 12; #13 Storm 13',
    );
  });

  it('push is recorded as unsupported, with a failed notifications.delivered', async () => {
    const rows = await attemptsOf('PINC010');
    expect(rows.find((a) => a.channel === 'push')).toMatchObject({
      state: 'unsupported',
      detail: 'push notifications are not supported yet',
    });
    await waitFor(() => delivered.find((d) => d.incidentId === 'PINC010' && d.contactMethodType === 'push'), {
      what: 'push outcome',
    });
  });

  it('a transient failure is retried with backoff; a refused number and no rules end in a failed outcome', async () => {
    twilio.failTimes(1);
    h.advance(60_000);
    await h.request({ userId: BOB.id, incidentId: 'PINC020' });
    await planned('PINC020', 2);
    await h.sendDue();
    expect((await attemptsOf('PINC020')).find((a) => a.channel === 'sms')).toMatchObject({
      state: 'pending',
      tries: 1,
    });
    h.advance(15_000);
    await h.sendDue();
    expect((await attemptsOf('PINC020')).find((a) => a.channel === 'sms')).toMatchObject({ state: 'sent', tries: 2 });

    await h.request({ userId: CAROL.id, incidentId: 'PINC021' });
    await planned('PINC021', 1);
    await h.sendDue();
    expect(await attemptsOf('PINC021')).toMatchObject([
      { state: 'failed', detail: expect.stringContaining('Twilio 400 (21211)') },
    ]);
    await h.request({ userId: DAN.id, incidentId: 'PINC022' });
    expect(await planned('PINC022', 1)).toMatchObject([
      { state: 'failed', detail: 'no high-urgency notification rules' },
    ]);
    await waitFor(
      () =>
        ['PINC021', 'PINC022'].every((id) =>
          delivered.some((d) => d.incidentId === id && d.outcome === DeliveryOutcome.FAILED),
        ),
      { what: 'failed outcomes' },
    );
  });

  it('a dispatcher that died mid-send leaves its attempts to another after the lease', async () => {
    await h.request({ userId: ALICE.id, incidentId: 'PINC030', urgency: 'low' });
    await planned('PINC030', 1);
    // As a crashed replica would leave it: claimed, lease running.
    await h.db.execute(
      sql`update notify.attempts set state = 'sending', tries = 1, lease_until = ${new Date(h.now().getTime() + 120_000).toISOString()}::timestamptz where incident_id = 'PINC030'`,
    );
    await h.sendDue();
    expect(await attemptsOf('PINC030')).toMatchObject([{ state: 'sending', tries: 1 }]);
    h.advance(121_000);
    await h.sendDue();
    expect(await attemptsOf('PINC030')).toMatchObject([{ state: 'sent', tries: 2 }]);
  });
});

describe('Twilio delivery status callbacks', () => {
  const attempt = (incidentId: string, channel: string) =>
    h.rows<{ id: string; state: string; detail: string | null; provider_ref: string; provider_status: string | null }>(
      sql`select id, state, detail, provider_ref, provider_status from notify.attempts
          where incident_id = ${incidentId} and channel = ${channel}`,
    );
  /** The StatusCallback Klaxon gave Twilio with the last SMS or call to `to`. */
  const callbackUrl = (forms: Record<string, string>[], to: string) =>
    forms.filter((f) => f.To === to).at(-1)?.StatusCallback ?? '';
  /** Twilio posting a status to the callback URL it was given. */
  const post = (url: string, params: Record<string, string>, authToken?: string) =>
    h.app.inject({ method: 'POST', url: new URL(url).pathname, ...twilioCallback(url, params, authToken) });

  it('statuses update the attempt in Twilio\'s order; a late "sent" does not undo "delivered"', async () => {
    h.advance(120_000);
    await h.request({ userId: BOB.id, incidentId: 'PINC040', title: 'Callbacks', number: 40 });
    await planned('PINC040', 2);
    await h.sendDue();
    const [sms] = await attempt('PINC040', 'sms');
    const url = callbackUrl(twilio.messages(), '+445559876543');
    expect(url).toBe(`https://klaxon.test/twilio/status/${sms?.id}`);
    const form = (status: string) => ({
      MessageSid: sms?.provider_ref ?? '',
      MessageStatus: status,
      AccountSid: TWILIO.accountSid,
      From: TWILIO.from,
      To: '+445559876543',
      ApiVersion: '2010-04-01',
    });
    expect((await post(url, form('sent'))).statusCode).toBe(204);
    expect((await attempt('PINC040', 'sms'))[0]).toMatchObject({ state: 'sent', provider_status: 'sent' });
    expect((await post(url, form('delivered'))).statusCode).toBe(204);
    expect((await post(url, form('sent'))).statusCode).toBe(204);
    expect((await attempt('PINC040', 'sms'))[0]).toMatchObject({ state: 'sent', provider_status: 'delivered' });
  });

  it('a final failure (undelivered SMS, unanswered call) fails the attempt and tells grouping', async () => {
    h.advance(120_000);
    await h.request({ userId: BOB.id, incidentId: 'PINC041' });
    await planned('PINC041', 2);
    await h.sendDue();
    const [sms] = await attempt('PINC041', 'sms');
    const url = callbackUrl(twilio.messages(), '+445559876543');
    const res = await post(url, {
      MessageSid: sms?.provider_ref ?? '',
      MessageStatus: 'undelivered',
      ErrorCode: '30003',
      AccountSid: TWILIO.accountSid,
    });
    expect(res.statusCode).toBe(204);
    expect((await attempt('PINC041', 'sms'))[0]).toMatchObject({
      state: 'failed',
      provider_status: 'undelivered',
      detail: 'Twilio: SMS undelivered (error 30003)',
    });
    await waitFor(
      () =>
        delivered.find(
          (d) =>
            d.incidentId === 'PINC041' &&
            d.outcome === DeliveryOutcome.FAILED &&
            d.detail === 'Twilio: SMS undelivered (error 30003)',
        ),
      { what: 'the failure on notifications.delivered' },
    );

    // Alice's call, five minutes into her rules, rings out.
    h.advance(120_000);
    await h.request({ userId: ALICE.id, incidentId: 'PINC042' });
    await planned('PINC042', 3);
    for (const step of [0, 2, 3]) {
      h.advance(step * 60_000);
      await h.sendDue();
    }
    const [call] = await attempt('PINC042', 'phone');
    expect(call?.state).toBe('sent');
    const callUrl = callbackUrl(twilio.calls(), '+15551234567');
    expect(
      (
        await post(callUrl, {
          CallSid: call?.provider_ref ?? '',
          CallStatus: 'no-answer',
          AccountSid: TWILIO.accountSid,
        })
      ).statusCode,
    ).toBe(204);
    expect((await attempt('PINC042', 'phone'))[0]).toMatchObject({ state: 'failed', detail: 'Twilio: call no-answer' });
  });

  it('refuses a callback not signed with the auth token, or altered after signing: 403, nothing changes', async () => {
    h.advance(120_000);
    await h.request({ userId: BOB.id, incidentId: 'PINC043' });
    await planned('PINC043', 2);
    await h.sendDue();
    const [sms] = await attempt('PINC043', 'sms');
    const url = callbackUrl(twilio.messages(), '+445559876543');
    const params = { MessageSid: sms?.provider_ref ?? '', MessageStatus: 'failed', ErrorCode: '30006' };
    expect((await post(url, params, 'someone-elses-token')).statusCode).toBe(403);
    const signed = twilioCallback(url, params);
    const altered = await h.app.inject({
      method: 'POST',
      url: new URL(url).pathname,
      headers: signed.headers,
      payload: new URLSearchParams({ ...params, MessageStatus: 'delivered' }).toString(),
    });
    expect(altered.statusCode).toBe(403);
    const unsigned = await h.app.inject({
      method: 'POST',
      url: new URL(url).pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(params).toString(),
    });
    expect(unsigned.statusCode).toBe(403);
    // Signed for another attempt's URL: the signature covers the URL.
    const other = await h.app.inject({
      method: 'POST',
      url: '/twilio/status/SOMEOTHERATTEMPT',
      ...twilioCallback(url, params),
    });
    expect(other.statusCode).toBe(403);
    expect((await attempt('PINC043', 'sms'))[0]).toMatchObject({ state: 'sent', provider_status: null });
  });

  it('refuses a signed callback that reports no known status: 400', async () => {
    const url = 'https://klaxon.test/twilio/status/ANYATTEMPT';
    expect((await post(url, { MessageSid: 'SM1', MessageStatus: 'exploded' })).statusCode).toBe(400);
    expect((await post(url, { Foo: 'bar' })).statusCode).toBe(400);
  });
});
