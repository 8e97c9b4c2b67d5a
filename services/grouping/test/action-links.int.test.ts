import { IncidentChangeKind } from '@klaxon/contracts';
import { actionLinkPath, signActionToken } from '@klaxon/rest';
import { waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, OBSERVER, service, USER } from './harness';

// The acknowledge/resolve links notify puts in emails and SMS: no API token, the signature names the
// user, and the action goes through the same path as PUT /incidents/{id}.

const KEY = 'action-link-test-key-0123456789abcdef';
const HOUR = 3_600_000;

describe('one-click incident action links', () => {
  let h: Harness;
  const open = async (title: string) => {
    const res = await h.api('POST', '/incidents', { incident: { title, service: { id: 'PLINKS' } } });
    expect(res.statusCode).toBe(201);
    return res.json().incident.id as string;
  };
  const token = (incidentId: string, action: 'acknowledge' | 'resolve', userId = USER.id, ttl = HOUR) =>
    signActionToken(KEY, { incidentId, userId, action, expiresAt: new Date(h.clock.now().getTime() + ttl) });
  /** The link as a browser follows it: no Authorization, no PagerDuty Accept header. */
  const follow = (method: 'GET' | 'POST', t: string) => h.app.inject({ method, url: actionLinkPath(t) });
  const incident = async (id: string) => (await h.api('GET', `/incidents/${id}`)).json().incident;
  const logEntries = async (id: string) =>
    (await h.api('GET', `/incidents/${id}/log_entries`)).json().log_entries as {
      type: string;
      agent: { id: string };
    }[];

  beforeAll(async () => {
    h = await groupingHarness({ actionLinkKey: KEY });
    await h.seedAuth();
    await h.catalog('escalation_policy', 'PEP0001', { name: 'Ops', escalation_rules: [{ id: 'R1' }] });
    await h.catalog('service', 'PLINKS', service('PLINKS'));
  });
  afterAll(() => h.close());

  describe('what works', () => {
    it('GET changes nothing and answers a page that posts the link back', async () => {
      const id = await open('Prefetched by a mail scanner');
      const t = token(id, 'acknowledge');
      const res = await follow('GET', t);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain(`<form id="act" method="post" action="${actionLinkPath(t)}">`);
      expect((await incident(id)).status).toBe('triggered');
    });

    it('POST acknowledges as the signed user: log entry by that user, incidents.changed ACKNOWLEDGED', async () => {
      const id = await open('Ack me by email');
      const res = await follow('POST', token(id, 'acknowledge'));
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(/Incident #\d+ acknowledged/);
      const view = await incident(id);
      expect(view.status).toBe('acknowledged');
      expect(view.acknowledgements[0].acknowledger.id).toBe(USER.id);
      expect((await logEntries(id)).find((l) => l.type === 'acknowledge_log_entry')?.agent.id).toBe(USER.id);
      await waitFor(() =>
        h.changes.find((c) => c.incidentId === id && c.changes.includes(IncidentChangeKind.ACKNOWLEDGED)),
      );
    });

    it("POST resolves; following it again answers 409 with PagerDuty's reason and changes nothing", async () => {
      const id = await open('Resolve me by SMS');
      const t = token(id, 'resolve');
      expect((await follow('POST', t)).statusCode).toBe(200);
      expect((await incident(id)).status).toBe('resolved');
      const again = await follow('POST', t);
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('Incident Already Resolved');
      expect((await logEntries(id)).filter((l) => l.type === 'resolve_log_entry')).toHaveLength(1);
    });
  });

  describe('what is refused', () => {
    it('an expired link: 410, incident unchanged', async () => {
      const id = await open('Old email');
      const t = token(id, 'acknowledge', USER.id, HOUR);
      h.clock.advance(HOUR + 1000);
      for (const method of ['GET', 'POST'] as const) expect((await follow(method, t)).statusCode).toBe(410);
      expect((await incident(id)).status).toBe('triggered');
    });

    it('a link altered in any part or signed with another key: 403, incident unchanged', async () => {
      const id = await open('Tampered link');
      const t = token(id, 'acknowledge');
      const [inc, user, , exp, sig] = t.split('.');
      const forged = [
        `${inc}.${user}.r.${exp}.${sig}`,
        `${inc}.${OBSERVER.id}.a.${exp}.${sig}`,
        `${inc}.${user}.a.${(Number.parseInt(exp ?? '0', 36) + 86_400).toString(36)}.${sig}`,
        `${inc}.${user}.a.${exp}`,
        'not-a-token',
        signActionToken('another-key-entirely-0123456789abcdef', {
          incidentId: id,
          userId: USER.id,
          action: 'acknowledge',
          expiresAt: new Date(h.clock.now().getTime() + HOUR),
        }),
      ];
      for (const f of forged) expect((await follow('POST', f)).statusCode).toBe(403);
      expect((await incident(id)).status).toBe('triggered');
    });

    it('an unknown incident: 404', async () => {
      expect((await follow('POST', token('Q0NOSUCHINC', 'acknowledge'))).statusCode).toBe(404);
    });
  });

  describe('who is refused', () => {
    it('a user whose role may not change incidents (observer): 403, incident unchanged', async () => {
      const id = await open('Watch only');
      expect((await follow('POST', token(id, 'acknowledge', OBSERVER.id))).statusCode).toBe(403);
      expect((await incident(id)).status).toBe('triggered');
    });

    it('a user deleted since the link was sent: 403', async () => {
      const id = await open('Gone user');
      await h.catalog('user', 'PGONE01', { id: 'PGONE01', email: 'gone@example.com', name: 'Gone', role: 'user' });
      const t = token(id, 'acknowledge', 'PGONE01');
      await h.catalog('user', 'PGONE01', null);
      expect((await follow('POST', t)).statusCode).toBe(403);
      expect((await incident(id)).status).toBe('triggered');
    });
  });
});

describe('action links without a key', () => {
  it('are refused with 404: a service run alone without KLAXON_ACTION_LINK_SECRET acts on nothing', async () => {
    const h = await groupingHarness();
    try {
      const t = signActionToken(KEY, {
        incidentId: 'Q0ANY',
        userId: USER.id,
        action: 'acknowledge',
        expiresAt: new Date(h.clock.now().getTime() + HOUR),
      });
      expect((await h.app.inject({ method: 'POST', url: actionLinkPath(t) })).statusCode).toBe(404);
    } finally {
      await h.close();
    }
  });
});
