/**
 * The parts of an alert that grouping looks at: the PD-CEF payload fields and custom details, as
 * they arrived on events.accepted (custom_details_json parsed by the caller).
 */
export interface AlertContent {
  summary: string;
  source: string;
  /** critical, error, warning or info. */
  severity: string;
  component?: string;
  group?: string;
  class?: string;
  customDetails?: Record<string, unknown>;
}

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** The field names PagerDuty's grouping settings accept, plus `custom_details.<path>`. */
export const CEF_FIELDS = ['summary', 'source', 'severity', 'class', 'component', 'group'] as const;

const CUSTOM_PREFIX = 'custom_details.';

/** A field name grouping may use: one of CEF_FIELDS or custom_details.<name>[.<name>...]. */
export function isGroupingField(name: string): boolean {
  return (CEF_FIELDS as readonly string[]).includes(name) || (name.startsWith(CUSTOM_PREFIX) && name.length > 15);
}

/**
 * The value of a field as a string, or undefined when the alert does not carry it. Missing and empty
 * are the same: two alerts without a `class` must not "match" on it, or every alert lacking the
 * field would group together.
 */
export function fieldValue(alert: AlertContent, field: string): string | undefined {
  let value: unknown;
  if (field.startsWith(CUSTOM_PREFIX)) {
    value = alert.customDetails;
    for (const part of field.slice(CUSTOM_PREFIX.length).split('.')) {
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    }
  } else if ((CEF_FIELDS as readonly string[]).includes(field)) {
    value = alert[field as (typeof CEF_FIELDS)[number]];
  }
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
