import { type Executor, queryRows, replicaEntities, replicaEntity, sql } from '@klaxon/db';
import type { AlertGroupingParameters, IncidentUrgencyRule, SupportHours } from '../domain';
import { catalogReplica } from './tables';

/** The parts of a catalog `service` snapshot grouping reads (PagerDuty's REST service view). */
export interface ServiceSnapshot {
  id: string;
  name?: string;
  summary?: string;
  status?: string;
  escalation_policy?: { id: string; summary?: string } | null;
  teams?: { id: string; summary?: string }[];
  alert_grouping_parameters?: AlertGroupingParameters | null;
  incident_urgency_rule?: IncidentUrgencyRule | null;
  support_hours?: SupportHours | null;
  acknowledgement_timeout?: number | null;
  auto_resolve_timeout?: number | null;
  [key: string]: unknown;
}

export interface UserSnapshot {
  id: string;
  name?: string;
  email?: string;
  role?: string;
  summary?: string;
  [key: string]: unknown;
}

export interface EscalationPolicySnapshot {
  id: string;
  name?: string;
  summary?: string;
  escalation_rules?: unknown[];
  [key: string]: unknown;
}

/** The parts of a catalog `integration` snapshot grouping reads: the service it belongs to now. */
export interface IntegrationSnapshot {
  id: string;
  service?: { id: string } | null;
  [key: string]: unknown;
}

/** The live (not deleted) snapshot of one entity in the replica. */
export const findEntity = <T>(ex: Executor, entityType: string, id: string) =>
  replicaEntity<T>(ex, catalogReplica, entityType, id);

/** Live snapshots of many entities of one type, by id. */
export const findEntities = <T>(ex: Executor, entityType: string, ids: readonly string[]) =>
  replicaEntities<T>(ex, catalogReplica, entityType, ids);

/** Ids of the services owned by any of these teams (the service snapshot's `teams[]`). */
export async function serviceIdsOfTeams(ex: Executor, teamIds: readonly string[]): Promise<string[]> {
  if (teamIds.length === 0) return [];
  const rows = await queryRows<{ entity_id: string }>(
    ex,
    sql`select entity_id from ${catalogReplica} r
        where entity_type = 'service' and not deleted and exists (
          select 1 from jsonb_array_elements(coalesce(r.snapshot -> 'teams', '[]'::jsonb)) t
          where t ->> 'id' in (${sql.join(
            teamIds.map((id) => sql`${id}`),
            sql`, `,
          )}))`,
  );
  return rows.map((r) => r.entity_id);
}

export const findService = (ex: Executor, id: string) => findEntity<ServiceSnapshot>(ex, 'service', id);
export const findIntegration = (ex: Executor, id: string) => findEntity<IntegrationSnapshot>(ex, 'integration', id);
export const findUser = (ex: Executor, id: string) => findEntity<UserSnapshot>(ex, 'user', id);
export const findEscalationPolicy = (ex: Executor, id: string) =>
  findEntity<EscalationPolicySnapshot>(ex, 'escalation_policy', id);
