import { type IncidentUrgencyRule, incidentUrgency, inSupportHours, type SupportHours } from '../src/domain/urgency';

const weekdays9to17 = (time_zone: string): SupportHours => ({
  type: 'fixed_time_per_day',
  time_zone,
  days_of_week: [1, 2, 3, 4, 5],
  start_time: '09:00:00',
  end_time: '17:00:00',
});
const supportRule: IncidentUrgencyRule = {
  type: 'use_support_hours',
  during_support_hours: { type: 'constant', urgency: 'high' },
  outside_support_hours: { type: 'constant', urgency: 'low' },
};

describe('urgency', () => {
  const now = new Date('2026-05-04T12:00:00Z'); // a Monday
  it.each<[string, IncidentUrgencyRule | null, string, 'high' | 'low']>([
    ['constant high', { type: 'constant', urgency: 'high' }, 'info', 'high'],
    ['constant low', { type: 'constant', urgency: 'low' }, 'critical', 'low'],
    ['no rule defaults to high', null, 'info', 'high'],
    ['severity_based: critical is high', { type: 'constant', urgency: 'severity_based' }, 'critical', 'high'],
    ['severity_based: error is high', { type: 'constant', urgency: 'severity_based' }, 'error', 'high'],
    ['severity_based: warning is low', { type: 'constant', urgency: 'severity_based' }, 'warning', 'low'],
    ['severity_based: info is low', { type: 'constant', urgency: 'severity_based' }, 'info', 'low'],
  ])('%s', (_name, rule, severity, expected) => {
    expect(incidentUrgency(rule, null, severity, now)).toBe(expected);
  });

  it.each<[string, string, string, boolean]>([
    ['12:00Z Monday is 14:00 in Berlin (CEST)', 'Europe/Berlin', '2026-05-04T12:00:00Z', true],
    ['12:00Z Monday is 08:00 in New York (EDT): before hours', 'America/New_York', '2026-05-04T12:00:00Z', false],
    ['13:00Z Monday is 09:00 in New York: start is inclusive', 'America/New_York', '2026-05-04T13:00:00Z', true],
    ['21:00Z Monday is 17:00 in New York: end is exclusive', 'America/New_York', '2026-05-04T21:00:00Z', false],
    ['Rails zone names are understood', 'Eastern Time (US & Canada)', '2026-05-04T13:30:00Z', true],
    ['23:30Z Sunday is already Monday 08:30 in Tokyo: not yet', 'Asia/Tokyo', '2026-05-03T23:30:00Z', false],
    ['01:00Z Monday is Monday 10:00 in Tokyo', 'Asia/Tokyo', '2026-05-04T01:00:00Z', true],
    ['15:00Z Friday is Saturday 01:00 in Sydney', 'Australia/Sydney', '2026-05-08T15:00:00Z', false],
    ['Saturday noon in UTC', 'UTC', '2026-05-09T12:00:00Z', false],
    ['an unknown zone falls back to UTC', 'Mars/Olympus', '2026-05-04T10:00:00Z', true],
  ])('%s', (_name, zone, instant, expected) => {
    expect(inSupportHours(weekdays9to17(zone), new Date(instant))).toBe(expected);
  });

  it('overnight support hours belong to the day they start', () => {
    const nights: SupportHours = { time_zone: 'UTC', days_of_week: [5], start_time: '22:00:00', end_time: '06:00:00' };
    expect(inSupportHours(nights, new Date('2026-05-08T23:00:00Z'))).toBe(true); // Friday night
    expect(inSupportHours(nights, new Date('2026-05-09T05:00:00Z'))).toBe(true); // early Saturday
    expect(inSupportHours(nights, new Date('2026-05-10T05:00:00Z'))).toBe(false); // early Sunday
  });

  it('use_support_hours picks the during/outside rule', () => {
    const hours = weekdays9to17('America/Los_Angeles');
    expect(incidentUrgency(supportRule, hours, 'info', new Date('2026-05-04T17:00:00Z'))).toBe('high');
    expect(incidentUrgency(supportRule, hours, 'critical', new Date('2026-05-04T12:00:00Z'))).toBe('low');
    const severityOutside = {
      ...supportRule,
      outside_support_hours: { type: 'constant' as const, urgency: 'severity_based' as const },
    };
    expect(incidentUrgency(severityOutside, hours, 'critical', new Date('2026-05-04T12:00:00Z'))).toBe('high');
    expect(incidentUrgency(supportRule, null, 'critical', new Date('2026-05-04T17:00:00Z'))).toBe('low');
  });
});
