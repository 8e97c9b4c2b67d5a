import type { AlertContent } from '../src/domain/alert-content';
import { decideGrouping } from '../src/domain/grouping';
import { groupingPolicy } from '../src/domain/grouping/policy';
import type { CandidateIncident, GroupingDecision } from '../src/domain/grouping/strategy';

const T0 = Date.parse('2026-05-04T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const content = (over: Partial<AlertContent> = {}): AlertContent => ({
  summary: 'Disk 91% full on db-01',
  source: 'db-01',
  severity: 'warning',
  component: 'postgres',
  class: 'disk',
  ...over,
});
const incident = (over: Partial<CandidateIncident> & { started?: number; last?: number } = {}): CandidateIncident => ({
  id: 'PINC1',
  status: 'triggered',
  window: { startedAt: at(over.started ?? 0), lastGroupedAt: at(over.last ?? over.started ?? 0) },
  alerts: [content()],
  ...over,
});
const joined = (d: GroupingDecision) => ('join' in d ? d.join : undefined);

describe('time grouping', () => {
  const policy = groupingPolicy({ type: 'time', config: { timeout: 10 } });
  it.each([
    ['joins within the timeout', 9, [incident()], 'PINC1'],
    ['opens a new incident when the timer has ended', 10, [incident()], undefined],
    ['never joins a resolved incident', 1, [incident({ status: 'resolved' })], undefined],
    ['joins an acknowledged incident', 1, [incident({ status: 'acknowledged' })], 'PINC1'],
    ['ignores an incident that takes no grouped alerts', 1, [incident({ window: null })], undefined],
    ['joins the most recent open incident', 9, [incident(), incident({ id: 'PINC2', started: 5 })], 'PINC2'],
  ] as const)('%s', (_name, minute, incidents, expected) => {
    expect(joined(decideGrouping(policy, { alert: content(), now: at(minute), incidents }))).toBe(expected);
  });

  it('does not extend the window with each alert', () => {
    const d = decideGrouping(policy, { alert: content(), now: at(8), incidents: [incident()] });
    expect(d).toEqual({ join: 'PINC1', window: { startedAt: at(0), lastGroupedAt: at(8) }, windowEndsAt: at(10) });
  });

  it('timeout 0 groups until resolved, however long', () => {
    const untilResolved = groupingPolicy({ type: 'time', config: { timeout: 0 } });
    expect(joined(decideGrouping(untilResolved, { alert: content(), now: at(3000), incidents: [incident()] }))).toBe(
      'PINC1',
    );
    const d = decideGrouping(untilResolved, { alert: content(), now: at(0), incidents: [] });
    expect(d).toEqual({ open: true, window: { startedAt: at(0), lastGroupedAt: at(0) }, windowEndsAt: null });
  });
});

describe('content-based grouping', () => {
  const all = groupingPolicy({
    type: 'content_based',
    config: { aggregate: 'all', fields: ['source', 'class'], time_window: 600 },
  });
  const any = groupingPolicy({
    type: 'content_based',
    config: { aggregate: 'any', fields: ['source', 'class'], time_window: 600 },
  });
  const custom = groupingPolicy({
    type: 'content_based',
    config: { aggregate: 'all', fields: ['custom_details.cluster'], time_window: 600 },
  });
  it.each([
    ['all: every field equal joins', all, content({ summary: 'other text' }), 5, [incident()], 'PINC1'],
    ['all: one field differs opens', all, content({ class: 'cpu' }), 5, [incident()], undefined],
    ['any: one field equal joins', any, content({ class: 'cpu' }), 5, [incident()], 'PINC1'],
    ['any: no field equal opens', any, content({ class: 'cpu', source: 'db-02' }), 5, [incident()], undefined],
    [
      'a field missing on both sides is no match',
      any,
      content({ class: undefined, source: 'db-02' }),
      5,
      [incident({ alerts: [content({ class: undefined })] })],
      undefined,
    ],
    ['exactly time_window after the last grouped alert still joins', all, content(), 10, [incident()], 'PINC1'],
    ['after the window opens a new incident', all, content(), 11, [incident()], undefined],
    ['the window rolls from the last grouped alert', all, content(), 25, [incident({ last: 20 })], 'PINC1'],
    ['never beyond 24 h from the start', all, content(), 24 * 60 + 1, [incident({ last: 24 * 60 - 2 })], undefined],
    ['never joins a resolved incident', all, content(), 1, [incident({ status: 'resolved' })], undefined],
    [
      'joins the most recent matching incident',
      all,
      content(),
      5,
      [
        incident(),
        incident({ id: 'PINC2', last: 4 }),
        incident({ id: 'PINC3', last: 5, alerts: [content({ source: 'x' })] }),
      ],
      'PINC2',
    ],
    [
      'matches custom_details paths',
      custom,
      content({ customDetails: { cluster: 'eu-1' } }),
      1,
      [incident({ alerts: [content({ customDetails: { cluster: 'eu-1' } })] })],
      'PINC1',
    ],
  ] as const)('%s', (_name, policy, alert, minute, incidents, expected) => {
    expect(joined(decideGrouping(policy, { alert, now: at(minute), incidents }))).toBe(expected);
  });

  it('extends the window and reports its end, capped at 24 h', () => {
    const d = decideGrouping(all, {
      alert: content(),
      now: at(24 * 60 - 5),
      incidents: [incident({ last: 24 * 60 - 10 })],
    });
    expect(d).toEqual({
      join: 'PINC1',
      window: { startedAt: at(0), lastGroupedAt: at(24 * 60 - 5) },
      windowEndsAt: at(24 * 60),
    });
  });
});

describe('no grouping', () => {
  it('opens an incident per alert, taking no grouped alerts', () => {
    const d = decideGrouping(groupingPolicy({ type: null }), { alert: content(), now: at(0), incidents: [incident()] });
    expect(d).toEqual({ open: true, window: null, windowEndsAt: null });
  });
});
