import { EventAction, IncidentChangeKind } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, service } from './harness';

// PUT /incidents/{id} and PUT /incidents with status triggered|acknowledged reopen a resolved
// incident (PagerDuty's manage semantics); an incident resolved by a merge stays closed.

describe('REST reopen of resolved incidents', () => {
  let h: Harness;
  const put = (id: string, incident: object) =>
    h.api('PUT', `/incidents/${id}`, { incident: { type: 'incident', ...incident } });
  /** A manual incident, managed with `first` (if given) and then resolved. */
  const resolvedIncident = async (title: string, first?: object) => {
    const created = await h.api('POST', '/incidents', { incident: { title, service: { id: 'PREOPEN' } } });
    const id = created.json().incident.id as string;
    if (first) expect((await put(id, first)).statusCode).toBe(200);
    expect((await put(id, { status: 'resolved' })).json().incident.status).toBe('resolved');
    return id;
  };
  const timersOf = (id: string) =>
    h.rows<{ kind: string; due_at: string | Date }>(
      sql`select kind, due_at from grouping.timers where incident_id = ${id} order by kind`,
    );
  /** Newest first, as the API lists them. */
  const logTypes = async (id: string) =>
    (await h.api('GET', `/incidents/${id}/log_entries`)).json().log_entries.map((l: { type: string }) => l.type);
  /** The incidents.changed of the status change at `at` (the incident was created triggered before). */
  const changeAt = (id: string, kind: IncidentChangeKind, at: Date) =>
    waitFor(
      () =>
        h.changes.find(
          (c) =>
            c.incidentId === id &&
            c.changes.includes(kind) &&
            JSON.parse(c.snapshotJson).last_status_change_at === at.toISOString(),
        ),
      { what: `incidents.changed ${kind} for ${id}` },
    );

  beforeAll(async () => {
    h = await groupingHarness();
    await h.seedAuth();
    await h.catalog('escalation_policy', 'PEP0001', { name: 'Ops', escalation_rules: [{ id: 'R1' }, { id: 'R2' }] });
    await h.catalog(
      'service',
      'PREOPEN',
      service('PREOPEN', { acknowledgement_timeout: 600, auto_resolve_timeout: 3600 }),
    );
  });
  afterAll(() => h.close());

  describe('what works', () => {
    it('status triggered reopens: resolved_at cleared, a trigger log entry, auto-resolve re-armed, TRIGGERED', async () => {
      const id = await resolvedIncident('Reopen me', { escalation_level: 2 });
      expect(await timersOf(id)).toEqual([]);
      h.clock.advance(60_000);
      const res = await put(id, { status: 'triggered' });
      expect(res.statusCode).toBe(200);
      expect(res.json().incident).toMatchObject({
        status: 'triggered',
        resolved_at: null,
        last_status_change_at: h.clock.now().toISOString(),
        pending_actions: [{ type: 'resolve' }],
      });
      const timers = await timersOf(id);
      expect(timers.map((t) => [t.kind, new Date(t.due_at).getTime()])).toEqual([
        ['auto_resolve', h.clock.now().getTime() + 3_600_000],
      ]);
      expect(await logTypes(id)).toEqual([
        'trigger_log_entry',
        'resolve_log_entry',
        'escalate_log_entry',
        'trigger_log_entry',
      ]);
      const [level] = await h.rows<{ escalation_level: number }>(
        sql`select escalation_level from grouping.incidents where id = ${id}`,
      );
      expect(level?.escalation_level).toBe(1);
      const change = await changeAt(id, IncidentChangeKind.TRIGGERED, h.clock.now());
      expect(change.changes).toEqual([IncidentChangeKind.TRIGGERED]);
      expect(JSON.parse(change.snapshotJson)).toMatchObject({ id, status: 'triggered', resolved_at: null });
    });

    it('status acknowledged reopens acknowledged and arms the ack timeout too', async () => {
      const id = await resolvedIncident('Reopen acknowledged');
      h.clock.advance(1000);
      const incident = (await put(id, { status: 'acknowledged' })).json().incident;
      expect(incident).toMatchObject({ status: 'acknowledged', resolved_at: null });
      expect(incident.acknowledgements).toHaveLength(1);
      expect((await timersOf(id)).map((t) => t.kind)).toEqual(['acknowledgement_timeout', 'auto_resolve']);
      expect((await logTypes(id))[0]).toBe('acknowledge_log_entry');
      const change = await changeAt(id, IncidentChangeKind.ACKNOWLEDGED, h.clock.now());
      expect(change.changes).toEqual([IncidentChangeKind.ACKNOWLEDGED]);
    });

    it('a reopen applies the rest of the request to the open incident', async () => {
      const id = await resolvedIncident('Reopen and change');
      const res = await put(id, {
        status: 'acknowledged',
        urgency: 'low',
        assignments: [{ assignee: { id: 'PUSER02', type: 'user_reference' } }],
      });
      expect(res.statusCode).toBe(200);
      // Status last: the reassignment un-acknowledges, then the asked status acknowledges again.
      expect(res.json().incident).toMatchObject({ status: 'acknowledged', urgency: 'low' });
    });

    it('reopens in bulk', async () => {
      const ids = [await resolvedIncident('Bulk reopen 1'), await resolvedIncident('Bulk reopen 2')];
      const res = await h.api('PUT', '/incidents', {
        incidents: ids.map((id) => ({ id, type: 'incident_reference', status: 'triggered' })),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().incidents.map((i: { status: string }) => i.status)).toEqual(['triggered', 'triggered']);
    });

    it('an alert-bearing incident reopens too; its resolved alerts stay resolved', async () => {
      await h.event({ serviceId: 'PREOPEN', dedupKey: 'reopen-alert' });
      await h.event({ serviceId: 'PREOPEN', dedupKey: 'reopen-alert', action: EventAction.RESOLVE });
      const [alert] = (await h.alertsOf('PREOPEN')).filter((a) => a.alert_key === 'reopen-alert');
      const id = alert?.incident_id ?? '';
      expect((await put(id, { status: 'triggered' })).json().incident).toMatchObject({
        status: 'triggered',
        alert_counts: { all: 1, triggered: 0, resolved: 1 },
      });
    });
  });

  describe('what is refused', () => {
    it('an incident resolved by a merge: 1019, and a bulk update holding one changes nothing', async () => {
      const target = (
        await h.api('POST', '/incidents', { incident: { title: 'Target', service: { id: 'PREOPEN' } } })
      ).json().incident.id as string;
      const source = (
        await h.api('POST', '/incidents', { incident: { title: 'Source', service: { id: 'PREOPEN' } } })
      ).json().incident.id as string;
      const merged = await h.api('PUT', `/incidents/${target}/merge`, {
        source_incidents: [{ id: source, type: 'incident_reference' }],
      });
      expect(merged.statusCode).toBe(200);
      const res = await put(source, { status: 'triggered' });
      expect([res.statusCode, res.json().error.code]).toEqual([400, 1019]);
      const other = await resolvedIncident('Not merged');
      const bulk = await h.api('PUT', '/incidents', {
        incidents: [
          { id: other, status: 'triggered' },
          { id: source, status: 'acknowledged' },
        ],
      });
      expect(bulk.json().error.code).toBe(1019);
      expect((await h.api('GET', `/incidents/${other}`)).json().incident.status).toBe('resolved');
      expect((await h.api('GET', `/incidents/${source}`)).json().incident.status).toBe('resolved');
    });

    it('resolving a resolved incident is still 1001', async () => {
      const id = await resolvedIncident('Still refused');
      expect((await put(id, { status: 'resolved' })).json().error.code).toBe(1001);
    });

    it('a trigger event never reopens a resolved incident: the key opens a new one', async () => {
      await h.event({ serviceId: 'PREOPEN', dedupKey: 'event-reopen' });
      await h.event({ serviceId: 'PREOPEN', dedupKey: 'event-reopen', action: EventAction.RESOLVE });
      h.clock.advance(1000);
      await h.event({ serviceId: 'PREOPEN', dedupKey: 'event-reopen' });
      const alerts = (await h.alertsOf('PREOPEN')).filter((a) => a.alert_key === 'event-reopen');
      expect(alerts.map((a) => a.status)).toEqual(['resolved', 'triggered']);
      const [first] = await h.rows<{ status: string }>(
        sql`select status from grouping.incidents where id = ${alerts[0]?.incident_id ?? ''}`,
      );
      expect(first?.status).toBe('resolved');
      expect(alerts[1]?.incident_id).not.toBe(alerts[0]?.incident_id);
    });
  });
});
