import { sql } from 'drizzle-orm';
import { groupingHarness, type Harness, READ_TOKEN, service, USER } from './harness';

// POST /incidents/{id}/status_updates (issue 12 item 7): what works, what is refused, who is refused.

describe('REST /incidents/{id}/status_updates', () => {
  let h: Harness;
  let incidentId: string;
  const post = (body: unknown, id = incidentId, headers: Record<string, string> = {}) =>
    h.api('POST', `/incidents/${id}/status_updates`, body, headers);
  const stored = () =>
    h.rows<{ message: string }>(
      sql`select message from grouping.status_updates where incident_id = ${incidentId} order by created_at`,
    );

  beforeAll(async () => {
    h = await groupingHarness();
    await h.seedAuth();
    await h.catalog('escalation_policy', 'PEP0001', { name: 'Ops', escalation_rules: [{ id: 'R1' }] });
    await h.catalog('service', 'PSTU001', service('PSTU001'));
    const created = await h.api('POST', '/incidents', {
      incident: { type: 'incident', title: 'Server fire', service: { id: 'PSTU001' } },
    });
    incidentId = created.json().incident.id;
  });
  afterAll(() => h.close());

  it('posts a status update (200) sent by the requester, with the custom email subject and HTML', async () => {
    const res = await post({ message: 'The fire is spreading.' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status_update).toEqual({
      id: expect.any(String),
      message: 'The fire is spreading.',
      sender: expect.objectContaining({ id: USER.id, type: 'user_reference', summary: USER.name }),
      created_at: expect.any(String),
    });
    const html = await post({ message: 'Contained.', subject: 'Fire update', html_message: '<h1>Contained</h1>' });
    expect(html.json().status_update).toMatchObject({ subject: 'Fire update', html_message: '<h1>Contained</h1>' });
    expect((await stored()).map((r) => r.message)).toEqual(['The fire is spreading.', 'Contained.']);
  });

  it('refuses a missing or blank message, a subject without HTML (400 code 2001), an unknown incident (404); stores nothing', async () => {
    const before = (await stored()).length;
    for (const body of [{}, { message: '   ' }, { message: 'x', subject: 'only a subject' }]) {
      const res = await post(body);
      expect([res.statusCode, res.json().error.code]).toEqual([400, 2001]);
    }
    const missing = await post({ message: 'x' }, 'PNOSUCH');
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 2100]);
    expect(await stored()).toHaveLength(before);
  });

  it('no token: 401; a read-only token: 403', async () => {
    expect((await post({ message: 'x' }, incidentId, { authorization: '' })).statusCode).toBe(401);
    const ro = await post({ message: 'x' }, incidentId, { authorization: `Token token=${READ_TOKEN}` });
    expect([ro.statusCode, ro.json().error.code]).toEqual([403, 2010]);
  });
});
