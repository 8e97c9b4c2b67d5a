/**
 * A new incident's urgency from the service's `incident_urgency_rule`:
 * - constant high | low;
 * - constant severity_based: critical and error are high, warning and info low (PagerDuty's
 *   dynamic notifications);
 * - use_support_hours: the `during_support_hours` or `outside_support_hours` rule, by whether `now`
 *   falls in the service's `support_hours` in ITS time zone (days_of_week 1..7 = Monday..Sunday,
 *   start inclusive, end exclusive; an end before the start spans midnight).
 */

export type Urgency = 'high' | 'low';
type UrgencyValue = Urgency | 'severity_based';

export interface IncidentUrgencyType {
  type?: 'constant' | 'use_support_hours';
  urgency?: UrgencyValue;
}

export interface IncidentUrgencyRule extends IncidentUrgencyType {
  during_support_hours?: IncidentUrgencyType;
  outside_support_hours?: IncidentUrgencyType;
}

export interface SupportHours {
  type?: 'fixed_time_per_day';
  time_zone: string;
  days_of_week: number[];
  start_time: string;
  end_time: string;
}

/** Rails (ActiveSupport) zone names PagerDuty returns, for the ones most often used; IANA names pass through. */
const RAILS_ZONES: Record<string, string> = {
  UTC: 'Etc/UTC',
  'Eastern Time (US & Canada)': 'America/New_York',
  'Central Time (US & Canada)': 'America/Chicago',
  'Mountain Time (US & Canada)': 'America/Denver',
  'Pacific Time (US & Canada)': 'America/Los_Angeles',
  London: 'Europe/London',
  Berlin: 'Europe/Berlin',
  Paris: 'Europe/Paris',
  Amsterdam: 'Europe/Amsterdam',
  Tokyo: 'Asia/Tokyo',
  Sydney: 'Australia/Sydney',
  'New Delhi': 'Asia/Kolkata',
  Singapore: 'Asia/Singapore',
};

function zone(name: string): string {
  const iana = Object.hasOwn(RAILS_ZONES, name) ? (RAILS_ZONES[name] ?? name) : name;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: iana });
    return iana;
  } catch {
    // An unknown zone must not break incident creation; UTC is the documented default.
    return 'Etc/UTC';
  }
}

const seconds = (hhmmss: string) => {
  const [h = 0, m = 0, s = 0] = hhmmss.split(':').map(Number);
  return h * 3600 + m * 60 + s;
};

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The local weekday (1..7, Monday first) and second of day of `now` in a time zone. */
export function localTime(now: Date, timeZone: string): { day: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone(timeZone),
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  return { day: WEEKDAYS[get('weekday')] ?? 1, second: seconds(`${get('hour')}:${get('minute')}:${get('second')}`) };
}

export function inSupportHours(hours: SupportHours, now: Date): boolean {
  const { day, second } = localTime(now, hours.time_zone);
  const start = seconds(hours.start_time);
  const end = seconds(hours.end_time);
  if (start < end) return hours.days_of_week.includes(day) && second >= start && second < end;
  // Overnight: the part after midnight belongs to the previous day's support hours.
  if (second >= start) return hours.days_of_week.includes(day);
  const previous = day === 1 ? 7 : day - 1;
  return second < end && hours.days_of_week.includes(previous);
}

function resolveType(rule: IncidentUrgencyType | undefined, severity: string): Urgency {
  const urgency = rule?.urgency ?? 'high';
  if (urgency === 'severity_based') return severity === 'critical' || severity === 'error' ? 'high' : 'low';
  return urgency;
}

export function incidentUrgency(
  rule: IncidentUrgencyRule | null | undefined,
  supportHours: SupportHours | null | undefined,
  severity: string,
  now: Date,
): Urgency {
  if (rule?.type !== 'use_support_hours') return resolveType(rule ?? undefined, severity);
  // Without support hours defined, every moment is "outside" them.
  const during = supportHours ? inSupportHours(supportHours, now) : false;
  return resolveType(during ? rule.during_support_hours : rule.outside_support_hours, severity);
}
