import { type Executor, inSequence } from '@klaxon/db';
import { and, asc, count, eq, gt, ilike, inArray, lte, type SQL } from 'drizzle-orm';
import type { MaintenanceWindowRecord } from '../views/maintenance-window.view';
import { escalationPolicies } from './escalation-policies.table';
import { maintenanceWindowServices } from './maintenance-window-services.table';
import { type MaintenanceWindowRow, maintenanceWindows } from './maintenance-windows.table';
import { services } from './services.table';
import { teams } from './teams.table';
import { users } from './users.table';

/** Adds services, their teams and the creator to window rows. */
export async function windowRecords(ex: Executor, rows: MaintenanceWindowRow[]): Promise<MaintenanceWindowRecord[]> {
  if (rows.length === 0) return [];
  const creatorIds = rows.map((w) => w.createdBy).filter((id): id is string => id !== null);
  const [linked, creators] = await inSequence([
    ex
      .select({
        windowId: maintenanceWindowServices.windowId,
        id: services.id,
        name: services.name,
        teamId: teams.id,
        teamName: teams.name,
      })
      .from(maintenanceWindowServices)
      .innerJoin(services, eq(services.id, maintenanceWindowServices.serviceId))
      .innerJoin(escalationPolicies, eq(escalationPolicies.id, services.escalationPolicyId))
      .leftJoin(teams, eq(teams.id, escalationPolicies.teamId))
      .where(
        inArray(
          maintenanceWindowServices.windowId,
          rows.map((w) => w.id),
        ),
      )
      .orderBy(asc(services.name)),
    creatorIds.length
      ? ex.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, creatorIds))
      : [],
  ]);
  return rows.map((window) => {
    const mine = linked.filter((l) => l.windowId === window.id);
    const teamMap = new Map<string, string>();
    for (const l of mine) if (l.teamId && l.teamName) teamMap.set(l.teamId, l.teamName);
    return {
      window,
      services: mine.map((l) => ({ id: l.id, name: l.name })),
      teams: [...teamMap].map(([id, name]) => ({ id, name })),
      createdBy: creators.find((c) => c.id === window.createdBy) ?? null,
    };
  });
}

export async function findWindow(ex: Executor, id: string): Promise<MaintenanceWindowRecord | undefined> {
  return (await windowRecords(ex, await ex.select().from(maintenanceWindows).where(eq(maintenanceWindows.id, id))))[0];
}

export interface WindowFilter {
  phase: 'past' | 'future' | 'ongoing' | 'open' | 'all';
  now: Date;
  serviceIds: string[];
  teamIds: string[];
  query?: string;
}

/** The SQL of the list filters; phases follow domain/maintenance.ts (a window ends exclusive). */
function windowWhere(ex: Executor, f: WindowFilter): SQL | undefined {
  const w = maintenanceWindows;
  const phase = {
    all: undefined,
    past: lte(w.endTime, f.now),
    future: gt(w.startTime, f.now),
    ongoing: and(lte(w.startTime, f.now), gt(w.endTime, f.now)),
    open: gt(w.endTime, f.now),
  }[f.phase];
  const conditions: (SQL | undefined)[] = [phase];
  if (f.query) conditions.push(ilike(w.description, `%${f.query}%`));
  if (f.serviceIds.length) {
    const linked = ex
      .select({ id: maintenanceWindowServices.windowId })
      .from(maintenanceWindowServices)
      .where(inArray(maintenanceWindowServices.serviceId, f.serviceIds));
    conditions.push(inArray(w.id, linked));
  }
  if (f.teamIds.length) {
    const linked = ex
      .select({ id: maintenanceWindowServices.windowId })
      .from(maintenanceWindowServices)
      .innerJoin(services, eq(services.id, maintenanceWindowServices.serviceId))
      .innerJoin(escalationPolicies, eq(escalationPolicies.id, services.escalationPolicyId))
      .where(inArray(escalationPolicies.teamId, f.teamIds));
    conditions.push(inArray(w.id, linked));
  }
  return and(...conditions);
}

export async function listWindows(ex: Executor, filter: WindowFilter, limit: number, offset: number) {
  const rows = await ex
    .select()
    .from(maintenanceWindows)
    .where(windowWhere(ex, filter))
    .orderBy(asc(maintenanceWindows.startTime), asc(maintenanceWindows.sequenceNumber))
    .limit(limit)
    .offset(offset);
  return windowRecords(ex, rows);
}

export async function countWindows(ex: Executor, filter: WindowFilter): Promise<number> {
  const [row] = await ex.select({ n: count() }).from(maintenanceWindows).where(windowWhere(ex, filter));
  return row?.n ?? 0;
}

/** Windows that list a service, to publish them again when the service goes. */
export async function windowIdsOfService(ex: Executor, serviceId: string): Promise<string[]> {
  const rows = await ex
    .select({ id: maintenanceWindowServices.windowId })
    .from(maintenanceWindowServices)
    .where(eq(maintenanceWindowServices.serviceId, serviceId));
  return rows.map((r) => r.id);
}

export async function linkWindowServices(ex: Executor, windowId: string, serviceIds: string[]): Promise<void> {
  await ex.delete(maintenanceWindowServices).where(eq(maintenanceWindowServices.windowId, windowId));
  if (serviceIds.length) {
    await ex
      .insert(maintenanceWindowServices)
      .values([...new Set(serviceIds)].map((serviceId) => ({ windowId, serviceId })));
  }
}
