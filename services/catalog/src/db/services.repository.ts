import { type Executor, inSequence } from '@klaxon/db';
import { and, asc, count, desc, eq, ilike, inArray, type SQL } from 'drizzle-orm';
import type { ServiceRecord } from '../views/service.view';
import { policyRecords } from './escalation-policies.repository';
import { escalationPolicies } from './escalation-policies.table';
import { integrations } from './integrations.table';
import { type ServiceRow, services } from './services.table';

/** Adds each service's escalation policy (with its team) and integrations. */
export async function serviceRecords(ex: Executor, rows: ServiceRow[]): Promise<ServiceRecord[]> {
  if (rows.length === 0) return [];
  const policyIds = [...new Set(rows.map((s) => s.escalationPolicyId))];
  const [policyRows, integrationRows] = await inSequence([
    ex.select().from(escalationPolicies).where(inArray(escalationPolicies.id, policyIds)),
    ex
      .select()
      .from(integrations)
      .where(
        inArray(
          integrations.serviceId,
          rows.map((s) => s.id),
        ),
      )
      .orderBy(asc(integrations.createdAt), asc(integrations.id)),
  ]);
  const policies = await policyRecords(ex, policyRows);
  return rows.flatMap((service) => {
    const policy = policies.find((p) => p.policy.id === service.escalationPolicyId);
    if (!policy) return [];
    return [{ service, policy, integrations: integrationRows.filter((i) => i.serviceId === service.id) }];
  });
}

export async function findService(ex: Executor, id: string): Promise<ServiceRecord | undefined> {
  const rows = await ex.select().from(services).where(eq(services.id, id));
  return (await serviceRecords(ex, rows))[0];
}

export async function findServicesByIds(ex: Executor, ids: readonly string[]): Promise<ServiceRecord[]> {
  if (ids.length === 0) return [];
  return serviceRecords(
    ex,
    await ex
      .select()
      .from(services)
      .where(inArray(services.id, [...ids])),
  );
}

export interface ServiceFilter {
  query?: string;
  name?: string;
  teamIds: string[];
  descending: boolean;
}

function serviceWhere(ex: Executor, filter: ServiceFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (filter.query) conditions.push(ilike(services.name, `%${filter.query}%`));
  if (filter.name) conditions.push(eq(services.name, filter.name));
  if (filter.teamIds.length) {
    const teamPolicies = ex
      .select({ id: escalationPolicies.id })
      .from(escalationPolicies)
      .where(inArray(escalationPolicies.teamId, filter.teamIds));
    conditions.push(inArray(services.escalationPolicyId, teamPolicies));
  }
  return and(...conditions);
}

export async function listServices(ex: Executor, filter: ServiceFilter, limit: number, offset: number) {
  const order = filter.descending ? desc(services.name) : asc(services.name);
  const rows = await ex
    .select()
    .from(services)
    .where(serviceWhere(ex, filter))
    .orderBy(order, asc(services.id))
    .limit(limit)
    .offset(offset);
  return serviceRecords(ex, rows);
}

export async function countServices(ex: Executor, filter: ServiceFilter): Promise<number> {
  const [row] = await ex.select({ n: count() }).from(services).where(serviceWhere(ex, filter));
  return row?.n ?? 0;
}

export async function countIntegrations(ex: Executor, serviceId: string): Promise<number> {
  const [row] = await ex.select({ n: count() }).from(integrations).where(eq(integrations.serviceId, serviceId));
  return row?.n ?? 0;
}
