import { type Executor, queryRows, sql } from '@klaxon/db';
import type { IncidentSummary } from '../channels/channel';
import { catalogReplica, incidentState } from '../db';

export interface SummaryInput {
  incidentId: string;
  incidentNumber: number;
  incidentTitle: string;
  serviceId: string;
  urgency: string;
}

/**
 * What messages say of each incident: the request's title and number, the service's name from the
 * catalog replica, status and link from the latest incidents.changed when notify has it.
 */
export async function incidentSummaries(
  ex: Executor,
  publicUrl: string,
  inputs: readonly SummaryInput[],
): Promise<Map<string, IncidentSummary>> {
  const incidentIds = [...new Set(inputs.map((i) => i.incidentId))];
  const serviceIds = [...new Set(inputs.map((i) => i.serviceId))];
  const [states, services] = await Promise.all([
    queryRows<{ incident_id: string; status: string; html_url: string | null }>(
      ex,
      sql`select incident_id, status, snapshot ->> 'html_url' html_url from ${incidentState}
          where incident_id = any(${sql.param(incidentIds)}::text[])`,
    ),
    queryRows<{ entity_id: string; name: string | null }>(
      ex,
      sql`select entity_id, snapshot ->> 'name' as name from ${catalogReplica}
          where entity_type = 'service' and entity_id = any(${sql.param(serviceIds)}::text[])`,
    ),
  ]);
  const stateOf = new Map(states.map((s) => [s.incident_id, s]));
  const nameOf = new Map(services.map((s) => [s.entity_id, s.name]));
  const base = publicUrl.replace(/\/$/, '');
  const out = new Map<string, IncidentSummary>();
  for (const i of inputs) {
    const state = stateOf.get(i.incidentId);
    const detailsUrl = state?.html_url ?? `${base}/incidents/${i.incidentId}`;
    out.set(i.incidentId, {
      id: i.incidentId,
      number: i.incidentNumber,
      title: i.incidentTitle,
      serviceName: nameOf.get(i.serviceId) ?? i.serviceId,
      urgency: i.urgency,
      status: state?.status ?? 'triggered',
      detailsUrl,
      // Signed per user by the dispatcher (action-links.ts); empty when action links are off.
      acknowledgeUrl: '',
      resolveUrl: '',
    });
  }
  return out;
}
