import { createRouteResolver } from '../src/domain/route-resolver';
import { type CatalogEntityChange, createRoutingTable } from '../src/domain/routing-table';

const KEY = 'k'.repeat(32);
const now = () => new Date('2026-11-26T12:00:00Z');
const integration = (type: string): CatalogEntityChange => ({
  entityType: 'integration',
  entityId: 'PINT001',
  version: 1n,
  deleted: false,
  snapshot: { id: 'PINT001', type, integration_key: KEY, service: { id: 'PSVC001' } },
});

describe('route resolver', () => {
  it('answers a known key without catching up', async () => {
    const table = createRoutingTable();
    table.apply(integration('events_api_v2_inbound_integration'));
    const catchUp = jest.fn(async () => undefined);
    const resolver = createRouteResolver({ table, now, catchUp });
    expect(resolver.resolve(KEY, 'v2')).toMatchObject({ integrationId: 'PINT001' });
    expect(catchUp).not.toHaveBeenCalled();
  });

  it('finds an integration created a moment ago by catching up once, shared by concurrent misses', async () => {
    const table = createRoutingTable();
    let calls = 0;
    const resolver = createRouteResolver({
      table,
      now,
      catchUp: async () => {
        calls++;
        table.apply(integration('events_api_v2_inbound_integration'));
      },
    });
    const [a, b] = await Promise.all([resolver.resolve(KEY, 'v2'), resolver.resolve(KEY, 'v2')]);
    expect(a?.serviceId).toBe('PSVC001');
    expect(b?.serviceId).toBe('PSVC001');
    expect(calls).toBe(1);
  });

  it('refuses an unknown key after catching up, and when catching up fails', async () => {
    const table = createRoutingTable();
    expect(
      await createRouteResolver({ table, now, catchUp: async () => undefined }).resolve(KEY, 'v2'),
    ).toBeUndefined();
    const failing = createRouteResolver({ table, now, catchUp: () => Promise.reject(new Error('timeout')) });
    expect(await failing.resolve(KEY, 'v2')).toBeUndefined();
  });

  it.each([
    ['events_api_v2_inbound_integration', 'v2', true],
    ['events_api_v2_inbound_integration', 'v1', false],
    ['generic_events_api_inbound_integration', 'v1', true],
    ['generic_events_api_inbound_integration', 'v2', false],
    ['generic_email_inbound_integration', 'v2', false],
    ['generic_email_inbound_integration', 'v1', false],
    ['nagios_inbound_integration', 'v1', true],
    ['aws_cloudwatch_inbound_integration', 'v2', true],
  ] as const)('a %s key on the %s API is accepted: %s', async (type, api, accepted) => {
    const table = createRoutingTable();
    table.apply(integration(type));
    const resolver = createRouteResolver({ table, now, catchUp: async () => undefined });
    expect(Boolean(await resolver.resolve(KEY, api))).toBe(accepted);
  });
});
