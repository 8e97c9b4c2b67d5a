import { publishTo } from '@klaxon/bus';
import { DeliveryOutcome, timestampFromDate, topics } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { uniqueSuffix, waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, service } from './harness';

// notify publishes notifications.delivered; grouping logs each as a notify_log_entry on the incident.

let h: Harness;
beforeAll(async () => {
  h = await groupingHarness();
  await h.seedAuth();
  await h.catalog('escalation_policy', 'PEP0001', { name: 'Ops', escalation_rules: [{ id: 'R1' }] });
  await h.catalog('service', 'PNOTIFY', service('PNOTIFY'));
});
afterAll(() => h.close());

const delivered = (incidentId: string, over: object = {}) => ({
  id: `dlv-${uniqueSuffix()}`,
  requestId: 'req-1',
  incidentId,
  userId: 'PUSER01',
  contactMethodType: 'sms',
  outcome: DeliveryOutcome.DELIVERED,
  detail: 'Twilio queued',
  deliveredAt: timestampFromDate(h.clock.now()),
  contactMethodId: 'PCM0001',
  address: '+15551234567',
  serviceId: 'PNOTIFY',
  ruleId: 'PRULE01',
  ...over,
});

const notifyEntries = async (id: string) =>
  (await h.api('GET', `/incidents/${id}/log_entries?include[]=channels`))
    .json()
    .log_entries.filter((l: { type: string }) => l.type === 'notify_log_entry');

describe('notify log entries', () => {
  it('a delivered and a failed notification each become a notify_log_entry; a redelivery adds none', async () => {
    const created = await h.api('POST', '/incidents', { incident: { title: 'Page me', service: { id: 'PNOTIFY' } } });
    const id = created.json().incident.id as string;
    const ok = delivered(id);
    const failed = delivered(id, {
      contactMethodType: 'email',
      outcome: DeliveryOutcome.FAILED,
      detail: 'SMTP: 550 mailbox unavailable',
      address: 'ops@example.com',
      serviceId: '',
    });
    await publishTo(h.bus, topics.notificationsDelivered, [ok, failed, ok]);
    await waitFor(async () => (await notifyEntries(id)).length === 2, { what: 'two notify entries' });
    await publishTo(h.bus, topics.notificationsDelivered, [ok]);
    await waitFor(
      async () =>
        (
          await h.rows(
            sql`select 1 from grouping.inbox where message_id = any(${sql.param([ok.id, failed.id])}::text[])`,
          )
        ).length === 2,
    );
    const entries = await notifyEntries(id);
    expect(entries).toHaveLength(2);
    const byType = Object.fromEntries(entries.map((e: { channel: { type: string } }) => [e.channel.type, e]));
    expect(byType.sms).toMatchObject({
      type: 'notify_log_entry',
      summary: 'Notified through the sms',
      user: { id: 'PUSER01', type: 'user_reference' },
      channel: { type: 'sms', notification: { type: 'sms', address: '+15551234567', status: 'delivered' } },
      service: { id: 'PNOTIFY' },
      incident: { id },
    });
    expect(byType.email).toMatchObject({
      channel: {
        type: 'email',
        summary: 'Notification by email failed: SMTP: 550 mailbox unavailable',
        notification: { type: 'email', address: 'ops@example.com', status: 'failed' },
      },
      service: { id: 'PNOTIFY' },
    });
  });
});
