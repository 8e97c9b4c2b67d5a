import { EventAction, IncidentChangeKind } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { metricValue, silentLog, waitFor } from '@klaxon/testing';
import { createModelStore } from '../src/db';
import { startTimerPoller } from '../src/timers/timer-poller';
import { groupingUrls } from '../src/views/urls';
import { groupingHarness, type Harness, service } from './harness';

// Durable timers: armed in the database, fired by whichever app runs when they fall due, even
// after the app that armed them was closed.

describe('incident timers', () => {
  let h: Harness;
  const statusOf = async (id: string) =>
    (await h.rows<{ status: string }>(sql`select status from grouping.incidents where id = ${id}`))[0]?.status;
  const incidentFor = async (key: string) =>
    (await h.alertsOf('PTIMERS')).find((a) => a.alert_key === key)?.incident_id ?? '';

  beforeAll(async () => {
    h = await groupingHarness({ timerPollMs: 20 });
    await h.catalog(
      'service',
      'PTIMERS',
      service('PTIMERS', { acknowledgement_timeout: 600, auto_resolve_timeout: 3600 }),
    );
    await h.seedAuth();
  });
  afterAll(() => h.close());

  it('acknowledgement timeout returns the incident to triggered, across a restart', async () => {
    await h.event({ serviceId: 'PTIMERS', dedupKey: 'ack-timeout' });
    await h.event({ serviceId: 'PTIMERS', dedupKey: 'ack-timeout', action: EventAction.ACKNOWLEDGE });
    const id = await incidentFor('ack-timeout');
    expect(await statusOf(id)).toBe('acknowledged');
    await h.restart();
    h.clock.advance(599_000);
    expect(await statusOf(id)).toBe('acknowledged');
    h.clock.advance(2_000);
    await waitFor(async () => (await statusOf(id)) === 'triggered', { what: 'unacknowledged by timeout' });
    const change = await waitFor(() =>
      h.changes.find((c) => c.incidentId === id && c.changes.includes(IncidentChangeKind.UNACKNOWLEDGED)),
    );
    expect(JSON.parse(change.snapshotJson).status).toBe('triggered');
    const entries = await h.rows<{ type: string }>(
      sql`select type from grouping.log_entries where incident_id = ${id} order by seq`,
    );
    expect(entries.map((e) => e.type)).toEqual(['trigger', 'acknowledge', 'unacknowledge']);
  });

  it('auto-resolve timeout resolves the incident, across a restart', async () => {
    await h.event({ serviceId: 'PTIMERS', dedupKey: 'auto-resolve' });
    const id = await incidentFor('auto-resolve');
    await h.restart();
    h.clock.advance(3_601_000);
    await waitFor(async () => (await statusOf(id)) === 'resolved', { what: 'auto-resolved' });
    await waitFor(() => h.changes.find((c) => c.incidentId === id && c.changes.includes(IncidentChangeKind.RESOLVED)));
    expect(await h.rows(sql`select 1 from grouping.timers where incident_id = ${id}`)).toEqual([]);
    // Fired 1 s late on the manual clock (advanced past the due time in one step): seen on /metrics.
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    const bucket = (le: string) =>
      metricValue(metrics, 'klaxon_timer_lateness_seconds_bucket', { le, owner: 'grouping', kind: 'auto_resolve' });
    expect([bucket('0.5'), bucket('1')]).toEqual([0, 1]);
  });

  it('snooze end returns the incident to triggered, and a snooze replaces the ack timeout', async () => {
    await h.event({ serviceId: 'PTIMERS', dedupKey: 'snooze' });
    const id = await incidentFor('snooze');
    expect(
      (await h.api('PUT', `/incidents/${id}`, { incident: { type: 'incident', status: 'acknowledged' } })).statusCode,
    ).toBe(200);
    const res = await h.api('POST', `/incidents/${id}/snooze`, { duration: 1200 });
    expect(res.statusCode).toBe(201);
    expect(res.json().incident.pending_actions.map((a: { type: string }) => a.type)).toEqual([
      'unacknowledge',
      'resolve',
    ]);
    h.clock.advance(700_000);
    // Past the ack timeout (600 s) but not the snooze (1200 s): firing what is due leaves it acknowledged.
    const poller = startTimerPoller(
      {
        db: h.database.db,
        clock: h.clock,
        urls: groupingUrls('http://localhost'),
        log: silentLog,
        published: () => {},
        models: createModelStore(),
      },
      { pollMs: 0 },
    );
    await poller.fireDue(h.clock.now());
    expect(await statusOf(id)).toBe('acknowledged');
    h.clock.advance(501_000);
    await waitFor(async () => (await statusOf(id)) === 'triggered', { what: 'snooze ended' });
  });

  it('fires many due timers in one batch: each incident as its own timer says, alerts resolved with it', async () => {
    const keys = ['many-1', 'many-2', 'many-3'];
    for (const key of keys) await h.event({ serviceId: 'PTIMERS', dedupKey: key });
    await h.event({ serviceId: 'PTIMERS', dedupKey: 'many-1', action: EventAction.ACKNOWLEDGE });
    const [acked, open2, open3] = await Promise.all(keys.map(incidentFor));
    // Past the auto-resolve timeout: the acknowledged one unacknowledges (ack timeout), the others resolve.
    h.clock.advance(3_601_000);
    await waitFor(
      async () => (await statusOf(open2 ?? '')) === 'resolved' && (await statusOf(open3 ?? '')) === 'resolved',
      {
        what: 'auto-resolved',
      },
    );
    await waitFor(async () => (await statusOf(acked ?? '')) !== 'acknowledged', { what: 'ack timeout' });
    for (const id of [open2, open3]) {
      const entries = await h.rows<{ type: string; alert_id: string | null }>(
        sql`select type, alert_id from grouping.log_entries where incident_id = ${id} order by seq`,
      );
      // The alert's own resolve entry comes before the incident's.
      expect(entries.map((e) => [e.type, e.alert_id !== null])).toEqual([
        ['trigger', true],
        ['resolve', true],
        ['resolve', false],
      ]);
      expect(
        await h.rows(sql`select 1 from grouping.alerts where incident_id = ${id} and status <> 'resolved'`),
      ).toEqual([]);
      expect(await h.rows(sql`select 1 from grouping.timers where incident_id = ${id}`)).toEqual([]);
    }
  });
});
