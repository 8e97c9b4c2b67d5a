import { type CatalogEntityChange, createRoutingTable } from '../src/domain/routing-table';

const now = new Date('2026-11-26T12:00:00Z');
const KEY = 'a'.repeat(32);

function change(entityType: string, entityId: string, version: number, snapshot: object | null): CatalogEntityChange {
  return {
    entityType,
    entityId,
    version: BigInt(version),
    deleted: snapshot === null,
    snapshot: snapshot as Record<string, unknown> | null,
  };
}

const integration = (key: string, serviceId = 'PSVC001') => ({
  id: 'PINT001',
  type: 'events_api_v2_inbound_integration',
  integration_key: key,
  service: { id: serviceId, type: 'service_reference' },
});

describe('routing table', () => {
  it('routes a known key to its integration and service', () => {
    const table = createRoutingTable();
    table.apply(change('integration', 'PINT001', 1, integration(KEY)));
    expect(table.lookup(KEY, now)).toEqual({
      integrationId: 'PINT001',
      integrationType: 'events_api_v2_inbound_integration',
      serviceId: 'PSVC001',
      status: 'active',
    });
    expect(table.lookup('b'.repeat(32), now)).toBeUndefined();
  });

  it('stops routing the old key once a key is regenerated, and after a delete', () => {
    const table = createRoutingTable();
    const newKey = 'c'.repeat(32);
    table.apply(change('integration', 'PINT001', 1, integration(KEY)));
    table.apply(change('integration', 'PINT001', 2, integration(newKey)));
    expect(table.lookup(KEY, now)).toBeUndefined();
    expect(table.lookup(newKey, now)?.integrationId).toBe('PINT001');
    table.apply(change('integration', 'PINT001', 3, null));
    expect(table.lookup(newKey, now)).toBeUndefined();
    expect(table.size).toBe(0);
  });

  it('follows an integration moved to another service', () => {
    const table = createRoutingTable();
    table.apply(change('integration', 'PINT001', 1, integration(KEY, 'PSVC001')));
    table.apply(change('integration', 'PINT001', 2, integration(KEY, 'PSVC002')));
    expect(table.lookup(KEY, now)?.serviceId).toBe('PSVC002');
  });

  it('ignores a snapshot older than the one it holds', () => {
    const table = createRoutingTable();
    table.apply(change('integration', 'PINT001', 5, integration(KEY, 'PSVC005')));
    table.apply(change('integration', 'PINT001', 4, integration(KEY, 'PSVC004')));
    expect(table.lookup(KEY, now)?.serviceId).toBe('PSVC005');
  });

  it.each([
    ['disabled', 'disabled'],
    ['active', 'active'],
    ['critical', 'active'],
  ])('marks a service with status %s as %s', (serviceStatus, routeStatus) => {
    const table = createRoutingTable();
    table.apply(change('integration', 'PINT001', 1, integration(KEY)));
    table.apply(change('service', 'PSVC001', 1, { id: 'PSVC001', status: serviceStatus }));
    expect(table.lookup(KEY, now)?.status).toBe(routeStatus);
  });

  it('marks a service in maintenance only while a window is open', () => {
    const table = createRoutingTable();
    table.apply(change('integration', 'PINT001', 1, integration(KEY)));
    table.apply(
      change('maintenance_window', 'PMW0001', 1, {
        id: 'PMW0001',
        start_time: '2026-11-26T11:00:00Z',
        end_time: '2026-11-26T13:00:00Z',
        services: [{ id: 'PSVC001' }],
      }),
    );
    expect(table.lookup(KEY, now)?.status).toBe('maintenance');
    expect(table.lookup(KEY, new Date('2026-11-26T13:00:00Z'))?.status).toBe('active');
    expect(table.lookup(KEY, new Date('2026-11-26T10:59:59Z'))?.status).toBe('active');
    table.apply(change('maintenance_window', 'PMW0001', 2, null));
    expect(table.lookup(KEY, now)?.status).toBe('active');
  });
});
