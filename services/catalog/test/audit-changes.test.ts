import { auditDetails, auditedState, hasChanges } from '../src/domain/audit-changes';

// The audit trail's pure part: what it keeps of a catalog.changes snapshot, and how two states
// become a record's `fields` and `references`.

const ref = (id: string, type: string, summary?: string) => ({
  id,
  type,
  ...(summary ? { summary, self: `https://x/${id}`, html_url: null } : {}),
});

describe('auditedState', () => {
  it.each([
    ['user', { type: 'user', summary: 'Ann', name: 'Ann' }, 'users', 'E1', 'user_reference'],
    [
      'contact_method',
      { type: 'sms_contact_method', summary: 'Mobile', user: ref('U1', 'user_reference') },
      'users',
      'U1',
      'sms_contact_method_reference',
    ],
    [
      'notification_rule',
      { type: 'assignment_notification_rule', self: 'https://k.test/users/U2/notification_rules/E1' },
      'users',
      'U2',
      'assignment_notification_rule_reference',
    ],
    [
      'api_token',
      { type: 'api_token', user: ref('U3', 'user_reference'), token_hash: 'abc' },
      'users',
      'U3',
      'api_token_reference',
    ],
    [
      'integration',
      { type: 'events_api_v2_inbound_integration', service: ref('S1', 'service_reference') },
      'services',
      'S1',
      'events_api_v2_inbound_integration_reference',
    ],
    [
      'schedule_override',
      { type: 'schedule_override', schedule: ref('SC', 'schedule_reference') },
      'schedules',
      'SC',
      'schedule_override_reference',
    ],
    ['escalation_policy', { type: 'escalation_policy' }, 'escalation_policies', 'E1', 'escalation_policy_reference'],
    ['maintenance_window', { type: 'maintenance_window' }, 'maintenance_windows', 'E1', 'maintenance_window_reference'],
    ['tag', { type: 'tag', label: 'x' }, 'tags', 'E1', 'tag_reference'],
  ])('%s is filed under its aggregate', (type, snapshot, rootType, rootId, resourceType) => {
    expect(auditedState(type, 'E1', snapshot)).toMatchObject({ rootType, rootId, resourceType });
  });

  it('keeps no identity, links, derived fields nor secrets', () => {
    const kept = auditedState('integration', 'I1', {
      id: 'I1',
      type: 'events_api_v2_inbound_integration',
      summary: 'Prom',
      self: 'https://k.test/services/S1/integrations/I1',
      html_url: null,
      name: 'Prom',
      integration_key: 'a'.repeat(32),
      service: ref('S1', 'service_reference'),
    });
    expect(kept?.summary).toBe('Prom');
    expect(Object.keys(kept?.state ?? {})).toEqual(['name', 'integration_key', 'service']);
    expect(JSON.stringify(kept)).not.toContain('a'.repeat(32));
    expect(auditedState('service', 'S1', { name: 's', integrations: [], teams: [], status: 'active' })?.state).toEqual({
      name: 's',
      status: 'active',
    });
  });

  it('ignores entity types it does not audit', () => {
    expect(auditedState('incident', 'X', { id: 'X' })).toBeUndefined();
  });
});

describe('auditDetails', () => {
  it.each([
    [
      'create: every value as a string, references added',
      null,
      { name: 'A', num_loops: 2, on: true, rule: { a: 1 }, team: ref('T1', 'team_reference', 'Ops'), users: [] },
      {
        fields: [
          { name: 'name', value: 'A' },
          { name: 'num_loops', value: '2' },
          { name: 'on', value: 'true' },
          { name: 'rule', value: '{"a":1}' },
        ],
        references: [{ name: 'team', added: [{ id: 'T1', type: 'team_reference', summary: 'Ops' }] }],
      },
    ],
    [
      'update: only what changed, before and after',
      { name: 'A', description: 'd', x: 1 },
      { name: 'B', description: 'd', x: 1 },
      {
        fields: [{ name: 'name', before_value: 'A', value: 'B' }],
      },
    ],
    [
      'update to null',
      { description: 'd' },
      { description: null },
      {
        fields: [{ name: 'description', before_value: 'd', value: null }],
      },
    ],
    [
      'update: a list of references',
      { teams: [ref('T1', 'team_reference'), ref('T2', 'team_reference')] },
      { teams: [ref('T2', 'team_reference'), ref('T3', 'team_reference')] },
      {
        references: [
          {
            name: 'teams',
            added: [{ id: 'T3', type: 'team_reference' }],
            removed: [{ id: 'T1', type: 'team_reference' }],
          },
        ],
      },
    ],
    [
      'update: one reference replaced',
      { escalation_policy: ref('E1', 'escalation_policy_reference') },
      { escalation_policy: ref('E2', 'escalation_policy_reference') },
      {
        references: [
          {
            name: 'escalation_policy',
            added: [{ id: 'E2', type: 'escalation_policy_reference' }],
            removed: [{ id: 'E1', type: 'escalation_policy_reference' }],
          },
        ],
      },
    ],
    [
      'update: nothing changed',
      { name: 'A', users: [ref('U', 'user_reference')] },
      { name: 'A', users: [ref('U', 'user_reference')] },
      {},
    ],
    [
      'delete: before values and references removed',
      { name: 'A', users: [ref('U', 'user_reference')] },
      null,
      {
        fields: [{ name: 'name', before_value: 'A' }],
        references: [{ name: 'users', removed: [{ id: 'U', type: 'user_reference' }] }],
      },
    ],
    [
      'a secret is shown as redacted, its change still seen',
      { integration_key: 'redacted:1' },
      { integration_key: 'redacted:2' },
      {
        fields: [{ name: 'integration_key', before_value: '[REDACTED]', value: '[REDACTED]' }],
      },
    ],
  ])('%s', (_why, before, after, expected) => {
    const details = auditDetails(before, after);
    expect(details).toEqual(expected);
    expect(hasChanges(details)).toBe(Object.keys(expected).length > 0);
  });
});
