import { publishTo } from '@klaxon/bus';
import { EventAction, IncidentChangeKind, timestampFromDate, topics } from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { uniqueSuffix, waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, service } from './harness';

// The catalog moves an integration to another service (the key stays the same; its incidents
// follow): its new snapshot on catalog.changes moves its alerts, and the incidents only it fed.

describe('an integration moved to another service', () => {
  let h: Harness;
  const MOVED = 'PINTMOV';
  const OTHER = 'PINTOTH';
  const ids: Record<string, string> = {};

  const integration = (serviceId: string) => ({
    type: 'events_api_v2_inbound_integration',
    integration_key: 'a'.repeat(32),
    service: { id: serviceId, type: 'service_reference' },
  });
  const incidentFor = async (key: string) =>
    (await h.rows<{ incident_id: string }>(sql`select incident_id from grouping.alerts where alert_key = ${key}`))[0]
      ?.incident_id ?? '';
  const incidents = () =>
    h.rows<{ id: string; service_id: string; status: string; version: number }>(
      sql`select id, service_id, status, version from grouping.incidents order by incident_number`,
    );
  const serviceOf = async (id: string) => (await incidents()).find((i) => i.id === id)?.service_id;
  const alertServices = (integrationId: string) =>
    h.rows<{ service_id: string }>(
      sql`select distinct service_id from grouping.alerts where integration_id = ${integrationId}`,
    );
  /** Publishes an integration snapshot at a given version, bypassing the harness's version counter. */
  const publishIntegration = (version: bigint, serviceId: string) =>
    publishTo(h.bus, topics.catalogChanges, [
      {
        id: `chg-${uniqueSuffix()}`,
        entityType: 'integration',
        entityId: MOVED,
        version,
        deleted: false,
        snapshotJson: JSON.stringify({ id: MOVED, ...integration(serviceId) }),
        changedAt: timestampFromDate(new Date()),
      },
    ]);
  const replicaVersion = async () =>
    BigInt(
      (
        await h.rows<{ version: string | number }>(
          sql`select version from grouping.catalog_replica where entity_type = 'integration' and entity_id = ${MOVED}`,
        )
      )[0]?.version ?? 0,
    );

  beforeAll(async () => {
    h = await groupingHarness();
    await h.seedAuth();
    await h.catalog('service', 'PMOVEA', service('PMOVEA'));
    await h.catalog('service', 'PMOVEC', service('PMOVEC'));
    await h.catalog('integration', MOVED, integration('PMOVEA'));
    await h.catalog('integration', OTHER, integration('PMOVEA'));
    const on = (integrationId: string, dedupKey: string, action?: EventAction) =>
      h.event({ integrationId, serviceId: 'PMOVEA', dedupKey, ...(action ? { action } : {}) });
    await on(MOVED, 'open');
    await on(MOVED, 'closed');
    await on(MOVED, 'closed', EventAction.RESOLVE);
    await on(MOVED, 'mixed');
    await on(OTHER, 'merged-in');
    await on(OTHER, 'other');
    for (const key of ['open', 'closed', 'mixed', 'merged-in', 'other']) ids[key] = await incidentFor(key);
    // One incident holding alerts of both integrations: merge the OTHER one into the MOVED one.
    const merge = await h.api('PUT', `/incidents/${ids.mixed}/merge`, {
      source_incidents: [{ id: ids['merged-in'], type: 'incident_reference' }],
    });
    expect(merge.statusCode).toBe(200);
    await h.catalog('integration', MOVED, integration('PMOVEC'));
  });
  afterAll(() => h.close());

  it('moves the incidents only its alerts fed, open and resolved, with incidents.changed on the new service', async () => {
    expect(await serviceOf(ids.open ?? '')).toBe('PMOVEC');
    expect(await serviceOf(ids.closed ?? '')).toBe('PMOVEC');
    for (const key of ['open', 'closed'] as const) {
      const id = ids[key] ?? '';
      const change = await waitFor(() => h.changes.find((c) => c.incidentId === id && c.serviceId === 'PMOVEC'), {
        what: `incidents.changed for the moved ${key} incident`,
      });
      expect(change.changes).toEqual([]);
      expect(JSON.parse(change.snapshotJson).service).toMatchObject({ id: 'PMOVEC', type: 'service_reference' });
    }
    const shown = (await h.api('GET', `/incidents/${ids.open}`)).json().incident;
    expect(shown).toMatchObject({ status: 'triggered', service: { id: 'PMOVEC' } });
    const listed = (await h.api('GET', '/incidents?service_ids[]=PMOVEC&date_range=all')).json().incidents;
    expect(listed.map((i: { id: string }) => i.id).sort()).toEqual([ids.open, ids.closed].sort());
  });

  it('moves every alert of the integration, and leaves other integrations and mixed incidents where they are', async () => {
    expect(await alertServices(MOVED)).toEqual([{ service_id: 'PMOVEC' }]);
    expect(await alertServices(OTHER)).toEqual([{ service_id: 'PMOVEA' }]);
    // Alerts of both integrations (and the merged source, which holds none now): they stay.
    expect(await serviceOf(ids.mixed ?? '')).toBe('PMOVEA');
    expect(await serviceOf(ids['merged-in'] ?? '')).toBe('PMOVEA');
    expect(await serviceOf(ids.other ?? '')).toBe('PMOVEA');
  });

  it('changes nothing twice: a replayed snapshot, an older one, then a newer one on the same service', async () => {
    const before = await incidents();
    const current = await replicaVersion();
    await publishIntegration(current, 'PMOVEC');
    await publishIntegration(current - 1n, 'PMOVEA');
    // Same key, same partition, in order: once this newer version is in the replica, both were seen.
    await h.catalog('integration', MOVED, integration('PMOVEC'));
    expect(await replicaVersion()).toBeGreaterThan(current);
    expect(await incidents()).toEqual(before);
    expect(await alertServices(MOVED)).toEqual([{ service_id: 'PMOVEC' }]);
  });

  it('events keep deduplicating on the moved integration: a resolve closes the moved incident', async () => {
    await h.event({ integrationId: MOVED, serviceId: 'PMOVEC', dedupKey: 'open', action: EventAction.RESOLVE });
    const open = (await incidents()).find((i) => i.id === ids.open);
    expect(open).toMatchObject({ service_id: 'PMOVEC', status: 'resolved' });
    // The outbox publishes in order: by the time this resolve is seen, a second move would have been too.
    await waitFor(() =>
      h.changes.find((c) => c.incidentId === ids.open && c.changes.includes(IncidentChangeKind.RESOLVED)),
    );
    const moves = h.changes.filter((c) => c.incidentId === ids.open && c.changes.length === 0);
    expect(moves).toHaveLength(1);
  });

  it('moving it back brings them back', async () => {
    await h.catalog('integration', MOVED, integration('PMOVEA'));
    expect(await serviceOf(ids.open ?? '')).toBe('PMOVEA');
    expect(await serviceOf(ids.closed ?? '')).toBe('PMOVEA');
    expect(await alertServices(MOVED)).toEqual([{ service_id: 'PMOVEA' }]);
  });
});
