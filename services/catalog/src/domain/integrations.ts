import { invalid } from './checks';
import { findVendor, type Vendor } from './vendors';

/** Integrations a service may hold; a product limit of Klaxon's own (PagerDuty publishes none). */
export const maxIntegrationsPerService = 250;
/** Moving an integration moves its open incidents; past this many it is refused. */
export const maxOpenIncidentsToMove = 8000;

export const integrationTypes = [
  'events_api_v2_inbound_integration',
  'generic_events_api_inbound_integration',
  'generic_email_inbound_integration',
  'event_transformer_api_inbound_integration',
  'aws_cloudwatch_inbound_integration',
  'cloudkick_inbound_integration',
  'keynote_inbound_integration',
  'nagios_inbound_integration',
  'pingdom_inbound_integration',
  'sql_monitor_inbound_integration',
] as const;

const defaultNames: Record<string, string> = {
  events_api_v2_inbound_integration: 'Events API V2',
  generic_events_api_inbound_integration: 'Events API V1',
  generic_email_inbound_integration: 'Email',
};

/**
 * Resolves what an integration request means: its type (from the request, else the vendor's),
 * its vendor, and its name (from the request, else the vendor's or the type's).
 */
export function resolveIntegration(input: { type?: string; name?: string; vendor?: { id: string } | null }): {
  type: string;
  name: string;
  vendor: Vendor | undefined;
} {
  const vendor = input.vendor ? findVendor(input.vendor.id) : undefined;
  if (input.vendor && !vendor) throw invalid(`vendor ${input.vendor.id} does not exist`);
  const type = input.type ?? vendor?.integration_type;
  if (!type) throw invalid('integration type is required (or a vendor)');
  const name = input.name ?? vendor?.name ?? defaultNames[type] ?? type;
  return { type, name, vendor };
}

/**
 * The settings two services differ in that change how a moved integration's events behave, as
 * human sentences for the move answer's `warnings`.
 */
export function settingDifferences(from: Record<string, unknown>, to: Record<string, unknown>): string[] {
  const fields = [
    'escalation_policy',
    'alert_creation',
    'alert_grouping_parameters',
    'incident_urgency_rule',
    'acknowledgement_timeout',
    'auto_resolve_timeout',
    'status',
  ];
  const key = (v: unknown) => JSON.stringify(v && typeof v === 'object' && 'id' in v ? (v as { id: unknown }).id : v);
  return fields
    .filter((f) => key(from[f]) !== key(to[f]))
    .map((f) => `The services differ in ${f}; events from this integration now follow the new service's setting`);
}
