import { IncidentChangeKind } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, service } from './harness';

// Merge, alerts (resolve, move out), notes and log entries over REST; merges and moves teach the model.

describe('REST merge, alerts, notes, log entries', () => {
  let h: Harness;
  const S = 'PMERGE1';
  const incidentFor = async (key: string) => (await h.alertsOf(S)).find((a) => a.alert_key === key)?.incident_id ?? '';
  const model = async () =>
    (
      await h.rows<{ merges: number; splits: number }>(
        sql`select (state ->> 'merges')::int merges, (state ->> 'splits')::int splits from grouping.models where service_id = ${S}`,
      )
    )[0] ?? { merges: 0, splits: 0 };

  beforeAll(async () => {
    h = await groupingHarness();
    await h.seedAuth();
    await h.catalog(
      'service',
      S,
      service(S, { alert_grouping_parameters: { type: 'intelligent', config: { time_window: 300 } } }),
    );
  });
  afterAll(() => h.close());

  it('merges incidents: alerts move, sources resolve with a merge reason, the model learns', async () => {
    await h.event({ serviceId: S, dedupKey: 'm1', summary: 'Payment gateway timeout' });
    h.clock.advance(1000);
    await h.event({ serviceId: S, dedupKey: 'm2', summary: 'Kafka consumer lag growing' });
    const [target, source] = [await incidentFor('m1'), await incidentFor('m2')];
    expect(target).not.toBe(source);
    const res = await h.api('PUT', `/incidents/${target}/merge`, {
      source_incidents: [{ id: source, type: 'incident_reference' }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().incident.alert_counts).toEqual({ all: 2, triggered: 2, resolved: 0 });
    const merged = (await h.api('GET', `/incidents/${source}`)).json().incident;
    expect(merged).toMatchObject({
      status: 'resolved',
      resolve_reason: { type: 'merge_resolve_reason', incident: { id: target } },
    });
    expect(await incidentFor('m2')).toBe(target);
    expect((await model()).merges).toBe(1);
    await waitFor(() =>
      h.changes.find((c) => c.incidentId === source && c.changes.includes(IncidentChangeKind.MERGED)),
    );
    const again = await h.api('PUT', `/incidents/${target}/merge`, { source_incidents: [{ id: source }] });
    expect(again.json().error.code).toBe(1019);
  });

  it('lists and shows alerts, moves one out (the model learns the split), resolves the last one', async () => {
    const target = await incidentFor('m1');
    const list = (await h.api('GET', `/incidents/${target}/alerts?total=true`)).json();
    expect(list).toMatchObject({ total: 2, more: false });
    expect(list.alerts[0]).toMatchObject({
      type: 'alert',
      status: 'triggered',
      alert_key: 'm1',
      incident: { id: target },
    });
    const lag = list.alerts.find((a: { alert_key: string }) => a.alert_key === 'm2');
    expect((await h.api('GET', `/incidents/${target}/alerts/${lag.id}`)).json().alert.id).toBe(lag.id);

    const other = (await h.api('POST', '/incidents', { incident: { title: 'Lag', service: { id: S } } })).json()
      .incident.id;
    const moved = await h.api('PUT', `/incidents/${target}/alerts/${lag.id}`, {
      alert: { incident: { id: other, type: 'incident_reference' } },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().alert.incident.id).toBe(other);
    expect((await model()).splits).toBe(1);

    const [m1] = (await h.api('GET', `/incidents/${target}/alerts`)).json().alerts;
    const resolved = await h.api('PUT', `/incidents/${target}/alerts`, { alerts: [{ id: m1.id, status: 'resolved' }] });
    expect(resolved.json().alerts[0].status).toBe('resolved');
    expect((await h.api('GET', `/incidents/${target}`)).json().incident.status).toBe('resolved');
    expect((await h.api('GET', `/incidents/${target}/alerts/PNOPE00`)).statusCode).toBe(404);
  });

  // Issue 9: payload.timestamp was dropped; PagerDuty shows it in the alert body's CEF details.
  it("keeps the event's payload.timestamp on the alert and returns it in the alert body", async () => {
    await h.event({
      serviceId: S,
      dedupKey: 'ts-1',
      summary: 'Clock drift',
      timestamp: '2015-07-17T08:42:58.315+0000',
    });
    const incidentId = await incidentFor('ts-1');
    const res = await h.api('GET', `/incidents/${incidentId}/alerts`);
    expect(res.statusCode).toBe(200);
    const [alert] = res.json().alerts;
    expect(alert.body.cef_details).toMatchObject({ timestamp: '2015-07-17T08:42:58.315+0000', dedup_key: 'ts-1' });
    const shown = await h.api('GET', `/incidents/${incidentId}/alerts/${alert.id}`);
    expect(shown.json().alert.body.cef_details.timestamp).toBe('2015-07-17T08:42:58.315+0000');
  });

  it('adds and lists notes', async () => {
    const id = (await h.api('POST', '/incidents', { incident: { title: 'Noted', service: { id: S } } })).json().incident
      .id;
    const res = await h.api('POST', `/incidents/${id}/notes`, { note: { content: 'Looking into it' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().note).toMatchObject({ content: 'Looking into it', user: { id: 'PUSER01' } });
    expect((await h.api('GET', `/incidents/${id}/notes`)).json().notes).toHaveLength(1);
    expect((await h.api('POST', `/incidents/${id}/notes`, { note: {} })).statusCode).toBe(400);
  });

  it('serves log entries: per incident, account-wide, by id', async () => {
    const id = await incidentFor('m1');
    const entries = (await h.api('GET', `/incidents/${id}/log_entries?include[]=channels`)).json().log_entries;
    const trigger = entries.find((e: { type: string }) => e.type === 'trigger_log_entry');
    expect(trigger).toMatchObject({
      agent: { id: 'PINT001', type: 'events_api_v2_inbound_integration_reference' },
      channel: { type: 'api', summary: 'Payment gateway timeout' },
      incident: { id },
      service: { id: S },
    });
    const all = (await h.api('GET', '/log_entries?limit=100')).json();
    expect(all.log_entries.length).toBeGreaterThan(entries.length);
    const one = await h.api('GET', `/log_entries/${trigger.id}`);
    expect(one.json().log_entry.id).toBe(trigger.id);
    expect((await h.api('GET', '/log_entries/PNOPE00')).statusCode).toBe(404);
  });
});
