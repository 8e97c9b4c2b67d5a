/**
 * A service's alert grouping settings, read once into a policy the strategies can trust.
 *
 * Two PagerDuty shapes feed it: the service's deprecated `alert_grouping_parameters` (time `timeout`
 * in MINUTES, 1-1440) and `/alert_grouping_settings` (time `timeout` in SECONDS, 60-86400). Both use
 * 0 for "until resolved" on time grouping and 0 for "recommended" on rolling windows. Out-of-range
 * values are clamped rather than refused: the REST layer validates input, so anything odd here came
 * from an older snapshot and grouping must still work.
 */
import { isGroupingField } from '../alert-content';

export type AlertGroupingType = 'time' | 'content_based' | 'intelligent' | 'content_based_intelligent';

/** As PagerDuty's REST API names it: `{type, config}`; type null turns grouping off. */
export interface AlertGroupingParameters {
  type: AlertGroupingType | null;
  config?: Record<string, unknown> | null;
}

export type Aggregate = 'all' | 'any';

export type GroupingPolicy =
  | { type: 'none' }
  /** timeoutSeconds null: group until the incident is resolved. */
  | { type: 'time'; timeoutSeconds: number | null }
  | { type: 'content_based'; aggregate: Aggregate; fields: string[]; timeWindowSeconds: number }
  | { type: 'intelligent'; timeWindowSeconds: number; iagFields: string[] }
  | {
      type: 'content_based_intelligent';
      aggregate: Aggregate;
      fields: string[];
      timeWindowSeconds: number;
      iagFields: string[];
    };

export interface PolicyOptions {
  /** 'service' = alert_grouping_parameters (minutes); 'setting' = /alert_grouping_settings (seconds). */
  source?: 'service' | 'setting';
  /** The service's recommended window (mean alert inter-arrival), used when time_window is 0. */
  recommendedTimeWindowSeconds?: number;
}

/** PagerDuty's recommended window when we have no history yet: the lower bound of the range. */
export const DEFAULT_RECOMMENDED_WINDOW_SECONDS = 300;
export const MAX_GROUPING_SECONDS = 86_400;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));

export function groupingPolicy(
  params: AlertGroupingParameters | null | undefined,
  opts: PolicyOptions = {},
): GroupingPolicy {
  const config = params?.config ?? {};
  const recommended = clamp(opts.recommendedTimeWindowSeconds ?? DEFAULT_RECOMMENDED_WINDOW_SECONDS, 300, 3600);
  const window = (max: number) => {
    const tw = num(config.time_window) ?? 0;
    return tw <= 0 ? recommended : clamp(tw, 300, max);
  };
  const fields = () => {
    const raw = Array.isArray(config.fields) ? config.fields : [];
    return raw.filter((f): f is string => typeof f === 'string' && isGroupingField(f));
  };
  const aggregate = (): Aggregate => (config.aggregate === 'any' ? 'any' : 'all');
  // iag_fields exists only on /alert_grouping_settings; PagerDuty's default is summary alone.
  const iagFields = () => {
    const raw = Array.isArray(config.iag_fields)
      ? config.iag_fields.filter((f): f is string => typeof f === 'string')
      : [];
    const valid = raw.filter(isGroupingField).slice(0, 5);
    return valid.length > 0 ? valid : ['summary'];
  };

  switch (params?.type ?? null) {
    case 'time': {
      const timeout = num(config.timeout) ?? 0;
      if (timeout <= 0) return { type: 'time', timeoutSeconds: null };
      const seconds = opts.source === 'setting' ? clamp(timeout, 60, 86_400) : clamp(timeout, 1, 1440) * 60;
      return { type: 'time', timeoutSeconds: seconds };
    }
    case 'content_based': {
      const f = fields();
      // No valid field means nothing can ever match: behave as no grouping rather than group all.
      if (f.length === 0) return { type: 'none' };
      const tw = num(config.time_window) ?? 0;
      // 86400 is allowed as the one value above an hour (contract g).
      const timeWindowSeconds = tw >= MAX_GROUPING_SECONDS ? MAX_GROUPING_SECONDS : window(3600);
      return { type: 'content_based', aggregate: aggregate(), fields: f, timeWindowSeconds };
    }
    case 'intelligent':
      return { type: 'intelligent', timeWindowSeconds: window(3600), iagFields: iagFields() };
    case 'content_based_intelligent': {
      const f = fields();
      if (f.length === 0) return { type: 'intelligent', timeWindowSeconds: window(3600), iagFields: iagFields() };
      return {
        type: 'content_based_intelligent',
        aggregate: aggregate(),
        fields: f,
        timeWindowSeconds: window(3600),
        iagFields: iagFields(),
      };
    }
    default:
      return { type: 'none' };
  }
}

/**
 * Whether the parameters take PagerDuty's recommended window (a policy with a time window, set to 0
 * or not at all): only then does grouping read the service's recent alerts to compute it.
 */
export function usesRecommendedWindow(params: AlertGroupingParameters | null | undefined): boolean {
  const windowed = ['content_based', 'intelligent', 'content_based_intelligent'];
  return windowed.includes(params?.type ?? '') && (num(params?.config?.time_window) ?? 0) <= 0;
}

/**
 * PagerDuty's "recommended_time_window": the mean inter-arrival time of the service's recent alerts,
 * kept within the allowed 300-3600 s. Arrivals in any order.
 */
export function recommendedTimeWindow(arrivals: readonly Date[]): number {
  if (arrivals.length < 2) return DEFAULT_RECOMMENDED_WINDOW_SECONDS;
  const ms = arrivals.map((d) => d.getTime()).sort((a, b) => a - b);
  const mean = ((ms[ms.length - 1] ?? 0) - (ms[0] ?? 0)) / (ms.length - 1) / 1000;
  return clamp(mean, 300, 3600);
}
