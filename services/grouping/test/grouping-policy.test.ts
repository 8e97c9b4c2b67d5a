import {
  type AlertGroupingParameters,
  groupingPolicy,
  recommendedTimeWindow,
  usesRecommendedWindow,
} from '../src/domain/grouping/policy';

describe('grouping policy from alert_grouping_parameters', () => {
  it.each<[string, AlertGroupingParameters | null, ReturnType<typeof groupingPolicy>]>([
    ['null type turns grouping off', { type: null }, { type: 'none' }],
    ['no parameters at all', null, { type: 'none' }],
    [
      'time timeout is in minutes on services',
      { type: 'time', config: { timeout: 15 } },
      { type: 'time', timeoutSeconds: 900 },
    ],
    [
      'time timeout 0 = until resolved',
      { type: 'time', config: { timeout: 0 } },
      { type: 'time', timeoutSeconds: null },
    ],
    [
      'time timeout is clamped to 1440 minutes',
      { type: 'time', config: { timeout: 5000 } },
      { type: 'time', timeoutSeconds: 86_400 },
    ],
    [
      'content_based keeps valid fields only',
      {
        type: 'content_based',
        config: { aggregate: 'any', fields: ['source', 'custom_details.host', 'bogus'], time_window: 600 },
      },
      { type: 'content_based', aggregate: 'any', fields: ['source', 'custom_details.host'], timeWindowSeconds: 600 },
    ],
    [
      'content_based allows 86400',
      { type: 'content_based', config: { aggregate: 'all', fields: ['summary'], time_window: 86_400 } },
      { type: 'content_based', aggregate: 'all', fields: ['summary'], timeWindowSeconds: 86_400 },
    ],
    [
      'content_based without fields groups nothing',
      { type: 'content_based', config: { fields: [] } },
      { type: 'none' },
    ],
    [
      'intelligent: time_window 0 = recommended, iag_fields default summary',
      { type: 'intelligent', config: { time_window: 0 } },
      { type: 'intelligent', timeWindowSeconds: 300, iagFields: ['summary'] },
    ],
    [
      'intelligent: iag_fields up to 5',
      {
        type: 'intelligent',
        config: { time_window: 4000, iag_fields: ['summary', 'source', 'component', 'class', 'group', 'severity'] },
      },
      { type: 'intelligent', timeWindowSeconds: 3600, iagFields: ['summary', 'source', 'component', 'class', 'group'] },
    ],
    [
      'content_based_intelligent',
      { type: 'content_based_intelligent', config: { aggregate: 'all', fields: ['class'], time_window: 900 } },
      {
        type: 'content_based_intelligent',
        aggregate: 'all',
        fields: ['class'],
        timeWindowSeconds: 900,
        iagFields: ['summary'],
      },
    ],
  ])('%s', (_name, params, expected) => {
    expect(groupingPolicy(params)).toEqual(expected);
  });

  it('reads /alert_grouping_settings time timeouts in seconds', () => {
    expect(groupingPolicy({ type: 'time', config: { timeout: 120 } }, { source: 'setting' })).toEqual({
      type: 'time',
      timeoutSeconds: 120,
    });
  });

  it('uses the service recommended window for time_window 0', () => {
    const policy = groupingPolicy(
      { type: 'intelligent', config: { time_window: 0 } },
      { recommendedTimeWindowSeconds: 1200 },
    );
    expect(policy).toMatchObject({ timeWindowSeconds: 1200 });
  });

  it.each<[AlertGroupingParameters | null, boolean]>([
    [null, false],
    [{ type: null }, false],
    [{ type: 'time', config: { timeout: 0 } }, false],
    [{ type: 'intelligent', config: {} }, true],
    [{ type: 'intelligent', config: { time_window: 0 } }, true],
    [{ type: 'intelligent', config: { time_window: 600 } }, false],
    [{ type: 'content_based', config: { fields: ['source'], aggregate: 'all', time_window: 0 } }, true],
    [{ type: 'content_based_intelligent', config: { fields: ['source'], time_window: 3600 } }, false],
  ])('reads recent alerts for the recommended window only when it applies: %j -> %s', (params, uses) => {
    expect(usesRecommendedWindow(params)).toBe(uses);
    // Exactly when the recommended window changes the policy.
    const differs =
      JSON.stringify(groupingPolicy(params, { recommendedTimeWindowSeconds: 300 })) !==
      JSON.stringify(groupingPolicy(params, { recommendedTimeWindowSeconds: 3600 }));
    expect(differs).toBe(uses);
  });

  it('recommends the mean inter-arrival time within 300..3600', () => {
    const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min));
    expect(recommendedTimeWindow([at(0), at(10), at(20)])).toBe(600);
    expect(recommendedTimeWindow([at(0), at(1)])).toBe(300);
    expect(recommendedTimeWindow([at(0), at(600)])).toBe(3600);
    expect(recommendedTimeWindow([])).toBe(300);
  });
});
