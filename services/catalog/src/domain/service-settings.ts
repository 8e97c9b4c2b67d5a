import { ensureTimeZone, invalid } from './checks';

/**
 * Cross-field rules of a service's settings that a JSON Schema cannot say. Pure: each function
 * takes the merged settings (stored values overlaid by the request) and returns what to store, or
 * throws PagerDuty's 400 naming the field.
 */

export const alertGroupingTypes = ['time', 'intelligent', 'content_based', 'content_based_intelligent'] as const;
export type AlertGroupingType = (typeof alertGroupingTypes)[number];

export interface AlertGroupingParameters {
  type: AlertGroupingType | null;
  config?: Record<string, unknown> | null;
}

const inRange = (v: unknown, lo: number, hi: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/**
 * The alert fields content-based grouping can match on: PD-CEF's own fields and any custom detail.
 * Grouping keeps its own copy (services never import each other); both follow PagerDuty's list.
 */
export const groupingFields = ['summary', 'source', 'severity', 'component', 'group', 'class'] as const;
const customDetail = /^custom_details\.[^.\s]+(\.[^.\s]+)*$/;
const allowedFields = `${groupingFields.join(', ')}, custom_details.<name>`;

export const isGroupingField = (name: string): boolean =>
  (groupingFields as readonly string[]).includes(name) || customDetail.test(name);

const at = (key: string) => `alert_grouping_parameters.config.${key}`;

/** `aggregate` and `fields` of the content-based types: every field one grouping can match on. */
function contentConfig(config: Record<string, unknown>) {
  const { aggregate, fields } = config;
  if (aggregate !== 'all' && aggregate !== 'any') throw invalid(`${at('aggregate')} must be one of: all, any`);
  if (!Array.isArray(fields) || fields.length === 0) throw invalid(`${at('fields')} must list at least one field`);
  const [first, ...rest] = fields
    .filter((f) => typeof f !== 'string' || !isGroupingField(f))
    .map((f) => `${at('fields')}: ${String(f)} is not a field grouping can match; use ${allowedFields}`);
  if (first !== undefined) throw invalid(first, ...rest);
  return { aggregate, fields: [...new Set(fields as string[])] };
}

/** A rolling window in seconds: 0 asks for the recommended window; `max` is 3600, or 86400 for content_based. */
function timeWindow(config: Record<string, unknown>, fallback: number, dayAllowed: boolean) {
  const tw = config.time_window ?? fallback;
  if (tw === 0 || inRange(tw, 300, 3600) || (dayAllowed && tw === 86400)) return tw as number;
  throw invalid(
    `${at('time_window')} must be 0 (recommended)${dayAllowed ? ', 300-3600 or 86400' : ' or 300-3600'} seconds`,
  );
}

/**
 * Validates `alert_grouping_parameters` as the spec describes. time `{timeout}` in minutes (0 =
 * until the incident is resolved, else 1-1440); intelligent `{time_window}` 0 (recommended) or
 * 300-3600 s; content_based `{aggregate: all|any, fields, time_window}` with 0, 300-3600 or 86400 s;
 * content_based_intelligent the same with 0 or 300-3600 s. `recommended_time_window` is read-only
 * and other keys are ignored (PagerDuty ignores unknown fields on writes).
 */
export function normalizeAlertGrouping(input: AlertGroupingParameters | null | undefined): AlertGroupingParameters {
  if (!input || input.type === null || input.type === undefined) return { type: null };
  const config = input.config ?? {};
  switch (input.type) {
    case 'time': {
      const timeout = config.timeout ?? 0;
      if (!inRange(timeout, 0, 1440)) throw invalid(`${at('timeout')} must be 0 (until resolved) or 1-1440 minutes`);
      return { type: 'time', config: { timeout } };
    }
    case 'intelligent':
      return { type: 'intelligent', config: { time_window: timeWindow(config, 300, false) } };
    case 'content_based':
      return { type: 'content_based', config: { ...contentConfig(config), time_window: timeWindow(config, 0, true) } };
    case 'content_based_intelligent':
      return {
        type: 'content_based_intelligent',
        config: { ...contentConfig(config), time_window: timeWindow(config, 0, false) },
      };
    default:
      throw invalid(`alert_grouping_parameters.type must be one of: ${alertGroupingTypes.join(', ')}, null`);
  }
}

export interface UrgencyType {
  type?: string;
  urgency?: string;
}
export interface IncidentUrgencyRule extends UrgencyType {
  during_support_hours?: UrgencyType;
  outside_support_hours?: UrgencyType;
}
export interface SupportHours {
  type?: string;
  time_zone?: string;
  days_of_week?: number[];
  start_time?: string;
  end_time?: string;
}

export const defaultUrgencyRule: IncidentUrgencyRule = { type: 'constant', urgency: 'high' };

const timeOfDay = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;

/** Support hours: a time zone, days 1-7 (Monday-Sunday) and start before end, as HH:mm:ss. */
export function normalizeSupportHours(input: SupportHours | null | undefined): SupportHours | null {
  if (!input) return null;
  const timeZone = input.time_zone ?? 'Etc/UTC';
  ensureTimeZone(timeZone, 'support_hours.time_zone');
  const days = input.days_of_week ?? [1, 2, 3, 4, 5];
  if (days.length === 0 || new Set(days).size !== days.length || !days.every((d) => inRange(d, 1, 7))) {
    throw invalid('support_hours.days_of_week must list distinct days 1-7');
  }
  const start = input.start_time ?? '';
  const end = input.end_time ?? '';
  if (!timeOfDay.test(start) || !timeOfDay.test(end)) {
    throw invalid('support_hours.start_time and end_time must be HH:mm:ss');
  }
  if (start >= end) throw invalid('support_hours.start_time must be before end_time');
  return {
    type: 'fixed_time_per_day',
    time_zone: timeZone,
    days_of_week: [...days].sort(),
    start_time: start,
    end_time: end,
  };
}

/**
 * An urgency rule is constant (one urgency), or follows support hours, which then must be set and
 * give a constant urgency for inside and outside them.
 */
export function normalizeUrgencyRule(input: IncidentUrgencyRule | undefined, supportHours: SupportHours | null) {
  const rule = input ?? defaultUrgencyRule;
  if ((rule.type ?? 'constant') === 'constant') return { type: 'constant', urgency: rule.urgency ?? 'high' };
  if (!supportHours) throw invalid('incident_urgency_rule of type use_support_hours needs support_hours');
  const part = (name: 'during_support_hours' | 'outside_support_hours') => {
    const p = rule[name];
    if (!p || (p.type ?? 'constant') !== 'constant' || !p.urgency) {
      throw invalid(`incident_urgency_rule.${name} must be {type: constant, urgency}`);
    }
    return { type: 'constant', urgency: p.urgency };
  };
  return {
    type: 'use_support_hours',
    during_support_hours: part('during_support_hours'),
    outside_support_hours: part('outside_support_hours'),
  };
}

/** Scheduled urgency changes only make sense on a service whose urgency follows support hours. */
export function normalizeScheduledActions(actions: Record<string, unknown>[] | undefined, urgencyRuleType: string) {
  const list = actions ?? [];
  if (list.length > 0 && urgencyRuleType !== 'use_support_hours') {
    throw invalid('scheduled_actions need an incident_urgency_rule of type use_support_hours');
  }
  return list;
}

/** 0 and null both switch an incident timeout off; it is stored as null. */
export const timeoutSetting = (value: number | null | undefined, fallback: number | null): number | null =>
  value === undefined ? fallback : value === 0 ? null : value;

/** Grouping merges alerts, so a service that creates only incidents cannot group. */
export function checkAlertCreation(alertCreation: string, grouping: AlertGroupingParameters): void {
  if (alertCreation === 'create_incidents' && grouping.type !== null) {
    throw invalid('alert_grouping_parameters need alert_creation create_alerts_and_incidents');
  }
}

/** The settings part of a service as the request gives it (all optional on update). */
export interface ServiceSettingsInput {
  auto_resolve_timeout?: number | null;
  acknowledgement_timeout?: number | null;
  alert_creation?: string;
  alert_grouping_parameters?: AlertGroupingParameters | null;
  incident_urgency_rule?: IncidentUrgencyRule;
  support_hours?: SupportHours | null;
  scheduled_actions?: Record<string, unknown>[];
  auto_pause_notifications_parameters?: { enabled?: boolean; timeout?: number | null };
  /** Deprecated pre-`alert_grouping_parameters` fields, still sent by older clients. */
  alert_grouping?: 'time' | 'intelligent' | null;
  alert_grouping_timeout?: number | null;
}

/** The grouping a request asks for: `alert_grouping_parameters`, else the deprecated `alert_grouping` pair. */
function requestedGrouping(input: ServiceSettingsInput): AlertGroupingParameters | null | undefined {
  if (input.alert_grouping_parameters !== undefined) return input.alert_grouping_parameters;
  if (input.alert_grouping === 'time') return { type: 'time', config: { timeout: input.alert_grouping_timeout ?? 0 } };
  if (input.alert_grouping === 'intelligent') return { type: 'intelligent' };
  return undefined;
}

export interface ServiceSettings {
  autoResolveTimeout: number | null;
  acknowledgementTimeout: number | null;
  alertCreation: string;
  alertGroupingParameters: Record<string, unknown>;
  incidentUrgencyRule: Record<string, unknown>;
  supportHours: Record<string, unknown> | null;
  scheduledActions: Record<string, unknown>[];
  autoPauseNotificationsParameters: Record<string, unknown>;
}

/** New-service defaults: PagerDuty's 4 h auto-resolve, 30 min acknowledgement timeout, alerts on, no grouping. */
export const defaultServiceSettings: ServiceSettings = {
  autoResolveTimeout: 14400,
  acknowledgementTimeout: 1800,
  alertCreation: 'create_alerts_and_incidents',
  alertGroupingParameters: { type: null },
  incidentUrgencyRule: { type: 'constant', urgency: 'high' },
  supportHours: null,
  scheduledActions: [],
  autoPauseNotificationsParameters: { enabled: false, timeout: 0 },
};

/** Overlays the request on the current (or default) settings and checks the result as a whole. */
export function resolveServiceSettings(input: ServiceSettingsInput, current: ServiceSettings): ServiceSettings {
  const requested = requestedGrouping(input);
  const grouping =
    requested === undefined
      ? (current.alertGroupingParameters as unknown as AlertGroupingParameters)
      : normalizeAlertGrouping(requested);
  const alertCreation = input.alert_creation ?? current.alertCreation;
  checkAlertCreation(alertCreation, grouping);
  const supportHours =
    input.support_hours === undefined
      ? (current.supportHours as SupportHours | null)
      : normalizeSupportHours(input.support_hours);
  const urgencyRule = normalizeUrgencyRule(
    input.incident_urgency_rule ?? (current.incidentUrgencyRule as IncidentUrgencyRule),
    supportHours,
  );
  const scheduledActions = normalizeScheduledActions(
    input.scheduled_actions ?? current.scheduledActions,
    urgencyRule.type,
  );
  const pause = { ...current.autoPauseNotificationsParameters, ...(input.auto_pause_notifications_parameters ?? {}) };
  return {
    autoResolveTimeout: timeoutSetting(input.auto_resolve_timeout, current.autoResolveTimeout),
    acknowledgementTimeout: timeoutSetting(input.acknowledgement_timeout, current.acknowledgementTimeout),
    alertCreation,
    alertGroupingParameters: grouping as unknown as Record<string, unknown>,
    incidentUrgencyRule: urgencyRule,
    supportHours: supportHours as Record<string, unknown> | null,
    scheduledActions,
    autoPauseNotificationsParameters: { enabled: pause.enabled ?? false, timeout: pause.timeout ?? 0 },
  };
}
