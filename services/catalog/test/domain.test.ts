import { normalizeRules } from '../src/domain/escalation-rules';
import { resolveIntegration, settingDifferences } from '../src/domain/integrations';
import { clampWindow, matchesFilter, windowPhase } from '../src/domain/maintenance';
import { normalizeLayers } from '../src/domain/schedule-layers';
import { defaultServiceSettings, normalizeAlertGrouping, resolveServiceSettings } from '../src/domain/service-settings';
import { serviceStatus } from '../src/domain/service-status';

describe('alert grouping parameters', () => {
  it.each([
    [null, { type: null }],
    [{ type: null }, { type: null }],
    [
      { type: 'time', config: { timeout: 0 } },
      { type: 'time', config: { timeout: 0 } },
    ],
    [
      { type: 'time', config: { timeout: 1440 } },
      { type: 'time', config: { timeout: 1440 } },
    ],
    [{ type: 'intelligent' }, { type: 'intelligent', config: { time_window: 300 } }],
    [
      { type: 'intelligent', config: { time_window: 0 } },
      { type: 'intelligent', config: { time_window: 0 } },
    ],
    [
      { type: 'content_based', config: { aggregate: 'any', fields: ['source', 'summary'], time_window: 86400 } },
      { type: 'content_based', config: { aggregate: 'any', fields: ['source', 'summary'], time_window: 86400 } },
    ],
    [
      { type: 'content_based', config: { aggregate: 'all', fields: ['class', 'custom_details.a.b'], foo: 1 } },
      { type: 'content_based', config: { aggregate: 'all', fields: ['class', 'custom_details.a.b'], time_window: 0 } },
    ],
    [
      {
        type: 'content_based_intelligent',
        config: { aggregate: 'any', fields: ['group', 'group'], time_window: 3600 },
      },
      { type: 'content_based_intelligent', config: { aggregate: 'any', fields: ['group'], time_window: 3600 } },
    ],
  ] as const)('accepts %j', (input, stored) => {
    expect(normalizeAlertGrouping(input as never)).toEqual(stored);
  });

  it.each([
    { type: 'time', config: { timeout: 1441 } },
    { type: 'time', config: { timeout: 1.5 } },
    { type: 'intelligent', config: { time_window: 299 } },
    { type: 'intelligent', config: { time_window: 3601 } },
    { type: 'content_based', config: { aggregate: 'all, any', fields: ['a'] } },
    { type: 'content_based', config: { aggregate: 'all', fields: [] } },
    { type: 'content_based', config: { aggregate: 'all', fields: ['source'], time_window: 4000 } },
    { type: 'content_based', config: { aggregate: 'all', fields: ['hostname'] } },
    { type: 'content_based', config: { aggregate: 'all', fields: ['custom_details'] } },
    { type: 'content_based', config: { aggregate: 'all', fields: [3] } },
    { type: 'content_based_intelligent', config: { aggregate: 'all', fields: ['source'], time_window: 86400 } },
    { type: 'content_based_intelligent', config: { fields: ['source'] } },
    { type: 'rules' },
  ])('refuses %j', (input) => {
    expect(() => normalizeAlertGrouping(input as never)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('service settings', () => {
  it('keeps stored settings the request does not name, and turns 0 timeouts off', () => {
    const current = { ...defaultServiceSettings, alertGroupingParameters: { type: 'time', config: { timeout: 3 } } };
    const next = resolveServiceSettings({ acknowledgement_timeout: 0, auto_resolve_timeout: null }, current);
    expect(next).toMatchObject({
      acknowledgementTimeout: null,
      autoResolveTimeout: null,
      alertGroupingParameters: { type: 'time', config: { timeout: 3 } },
    });
    expect(resolveServiceSettings({}, defaultServiceSettings)).toEqual(defaultServiceSettings);
  });

  it('needs support hours for a support-hours urgency rule, and that rule for scheduled actions', () => {
    const rule = {
      type: 'use_support_hours',
      during_support_hours: { type: 'constant', urgency: 'high' },
      outside_support_hours: { type: 'constant', urgency: 'low' },
    };
    expect(() => resolveServiceSettings({ incident_urgency_rule: rule }, defaultServiceSettings)).toThrow();
    const hours = { time_zone: 'Etc/UTC', start_time: '08:00:00', end_time: '18:00:00' };
    const ok = resolveServiceSettings({ incident_urgency_rule: rule, support_hours: hours }, defaultServiceSettings);
    expect(ok.supportHours).toEqual({
      type: 'fixed_time_per_day',
      time_zone: 'Etc/UTC',
      days_of_week: [1, 2, 3, 4, 5],
      start_time: '08:00:00',
      end_time: '18:00:00',
    });
    const action = {
      type: 'urgency_change',
      at: { type: 'named_time', name: 'support_hours_end' },
      to_urgency: 'high',
    };
    expect(() => resolveServiceSettings({ scheduled_actions: [action] }, defaultServiceSettings)).toThrow();
    expect(() =>
      resolveServiceSettings({ support_hours: { ...hours, days_of_week: [1, 1] } }, defaultServiceSettings),
    ).toThrow();
    expect(() =>
      resolveServiceSettings(
        { alert_creation: 'create_incidents', alert_grouping_parameters: { type: 'intelligent' } },
        defaultServiceSettings,
      ),
    ).toThrow();
  });
});

describe('maintenance windows', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const at = (h: number) => new Date(Date.UTC(2026, 10, 26, h));
  it.each([
    [at(8), at(10), 'past'],
    [at(10), at(12), 'past'],
    [at(10), at(14), 'ongoing'],
    [at(12), at(14), 'ongoing'],
    [at(13), at(14), 'future'],
  ] as const)('%s - %s is %s', (startTime, endTime, phase) => {
    expect(windowPhase({ startTime, endTime }, now)).toBe(phase);
  });

  it('filters open as ongoing or future', () => {
    expect(matchesFilter('ongoing', 'open')).toBe(true);
    expect(matchesFilter('past', 'open')).toBe(false);
    expect(matchesFilter('past', 'all')).toBe(true);
    expect(matchesFilter('future', 'ongoing')).toBe(false);
  });

  it('clamps a past start to now and refuses ends not in the future', () => {
    expect(clampWindow(at(10), at(14), now)).toEqual({ start: now, end: at(14) });
    expect(clampWindow(at(13), at(14), now)).toEqual({ start: at(13), end: at(14) });
    expect(clampWindow(at(10), at(11), now)).toBe('end_time must be in the future');
    expect(clampWindow(at(15), at(14), now)).toBe('end_time must be after start_time');
  });
});

describe('schedule layers and escalation rules', () => {
  const ids = (() => {
    let n = 0;
    return () => `NEW${++n}`;
  })();

  it('normalizes times to UTC and keeps known layer ids only', () => {
    const [layer] = normalizeLayers(
      [
        {
          id: 'KEEP',
          start: '2026-11-01T09:00:00+01:00',
          rotation_virtual_start: '2026-11-01T09:00:00+01:00',
          rotation_turn_length_seconds: 3600,
          users: [{ user: { id: 'U1' } }],
        },
      ],
      new Set(['KEEP']),
      ids,
    );
    expect(layer).toMatchObject({
      id: 'KEEP',
      name: 'Layer 1',
      start: '2026-11-01T08:00:00.000Z',
      end: null,
      users: ['U1'],
      restrictions: [],
    });
    const [fresh] = normalizeLayers(
      [
        {
          id: 'GONE',
          start: '2026-11-01T00:00:00Z',
          rotation_virtual_start: '2026-10-01T00:00:00Z',
          rotation_turn_length_seconds: 60,
          users: [{ user: { id: 'U1' } }],
        },
      ],
      new Set(),
      ids,
    );
    expect(fresh?.id).toMatch(/^NEW/);
  });

  it('strips _reference from targets and keeps rule ids the policy has', () => {
    const rules = normalizeRules(
      [
        {
          id: 'R1',
          escalation_delay_in_minutes: 5,
          targets: [
            { id: 'S1', type: 'schedule_reference' },
            { id: 'U1', type: 'user' },
          ],
        },
      ],
      new Set(['R1']),
      ids,
    );
    expect(rules).toEqual([
      {
        id: 'R1',
        escalation_delay_in_minutes: 5,
        targets: [
          { type: 'schedule', id: 'S1' },
          { type: 'user', id: 'U1' },
        ],
      },
    ]);
  });
});

describe('integrations', () => {
  it('takes type and name from the vendor when not given', () => {
    expect(resolveIntegration({ vendor: { id: 'PKLXNAG' } })).toMatchObject({
      type: 'nagios_inbound_integration',
      name: 'Nagios',
    });
    expect(resolveIntegration({ type: 'events_api_v2_inbound_integration' })).toMatchObject({ name: 'Events API V2' });
    expect(() => resolveIntegration({})).toThrow();
    expect(() => resolveIntegration({ vendor: { id: 'NOPE' } })).toThrow();
  });

  it('warns about settings that differ between two services', () => {
    const a = { escalation_policy: { id: 'E1', summary: 'x' }, status: 'active', acknowledgement_timeout: 1800 };
    expect(settingDifferences(a, { ...a, escalation_policy: { id: 'E1', summary: 'renamed' } })).toEqual([]);
    expect(settingDifferences(a, { ...a, status: 'disabled', acknowledgement_timeout: null })).toHaveLength(2);
  });
});

describe('service status', () => {
  const none = { triggered: false, acknowledged: false, inMaintenance: false };
  it.each([
    ['active', undefined, 'active'],
    ['active', none, 'active'],
    ['active', { ...none, acknowledged: true }, 'warning'],
    ['active', { ...none, acknowledged: true, triggered: true }, 'critical'],
    ['active', { ...none, triggered: true, inMaintenance: true }, 'maintenance'],
    ['disabled', { ...none, triggered: true, inMaintenance: true }, 'disabled'],
  ] as const)('%s with %j is %s', (stored, activity, status) => {
    expect(serviceStatus(stored, activity)).toBe(status);
  });
});
