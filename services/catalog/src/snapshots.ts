import { type Executor, sql } from '@klaxon/db';
import type { Urls } from '@klaxon/rest';
import { eq } from 'drizzle-orm';
import { type EntityType, publishChange } from './changes';
import {
  type EscalationPolicyRow,
  escalationPolicies,
  type MaintenanceWindowRow,
  maintenanceWindows,
  policyRecords,
  type ScheduleRow,
  type ServiceRow,
  scheduleRecords,
  serviceRecords,
  services,
  touchUser,
  type UserRow,
  userRecords,
  windowRecords,
} from './db';
import { escalationPolicyView } from './views/escalation-policy.view';
import { maintenanceWindowView } from './views/maintenance-window.view';
import { scheduleView } from './views/schedule.view';
import { serviceView } from './views/service.view';
import { userView } from './views/user.view';

/**
 * Renders rows as their REST views and queues them on catalog.changes, in the caller's
 * transaction; returns the views (what the route answers). Every write goes through one of these,
 * so the published snapshot is always exactly what the API shows.
 */
async function publishRows<Row extends { id: string; version: number }, R>(
  tx: Executor,
  type: EntityType,
  rows: Row[],
  load: (tx: Executor, rows: Row[]) => Promise<R[]>,
  render: (record: R) => { id: string },
  now: Date,
) {
  const views = [];
  for (const record of await load(tx, rows)) {
    const view = render(record);
    const row = rows.find((r) => r.id === view.id);
    if (row) await publishChange(tx, { type, id: row.id, version: row.version }, view, now);
    views.push(view);
  }
  return views;
}

async function one<V>(views: Promise<V[]>): Promise<V> {
  const [view] = await views;
  if (!view) throw new Error('published row has no record');
  return view;
}

export const publishUser = (tx: Executor, urls: Urls, row: UserRow, now: Date) =>
  one(publishRows(tx, 'user', [row], userRecords, (r) => userView(urls, r), now));

export const publishPolicy = (tx: Executor, urls: Urls, row: EscalationPolicyRow, now: Date) =>
  one(publishRows(tx, 'escalation_policy', [row], policyRecords, (r) => escalationPolicyView(urls, r), now));

export const publishSchedule = (tx: Executor, urls: Urls, row: ScheduleRow, now: Date) =>
  one(publishRows(tx, 'schedule', [row], scheduleRecords, (r) => scheduleView(urls, r), now));

export const publishService = (tx: Executor, urls: Urls, row: ServiceRow, now: Date) =>
  one(publishRows(tx, 'service', [row], serviceRecords, (r) => serviceView(urls, r), now));

export const publishWindow = (tx: Executor, urls: Urls, row: MaintenanceWindowRow, now: Date) =>
  one(publishRows(tx, 'maintenance_window', [row], windowRecords, (r) => maintenanceWindowView(urls, r), now));

/**
 * Publishes a user again after a change to something its snapshot lists (contact methods,
 * notification rules, teams), with a bumped version.
 */
export async function republishUser(tx: Executor, urls: Urls, userId: string, now: Date): Promise<void> {
  const row = await touchUser(tx, userId);
  if (row) await publishUser(tx, urls, row, now);
}

/** Publishes a policy again (its services or team changed), with a bumped version. */
export async function republishPolicy(tx: Executor, urls: Urls, policyId: string, now: Date): Promise<void> {
  const rows = await tx
    .update(escalationPolicies)
    .set({ version: sql`${escalationPolicies.version} + 1` })
    .where(eq(escalationPolicies.id, policyId))
    .returning();
  await publishRows(tx, 'escalation_policy', rows, policyRecords, (r) => escalationPolicyView(urls, r), now);
}

/** Publishes services again with bumped versions: their integrations, or their policy's team, changed. */
async function republishServicesWhere(tx: Executor, urls: Urls, where: ReturnType<typeof eq>, now: Date) {
  const rows = await tx
    .update(services)
    .set({ version: sql`${services.version} + 1` })
    .where(where)
    .returning();
  await publishRows(tx, 'service', rows, serviceRecords, (r) => serviceView(urls, r), now);
}

export const republishService = (tx: Executor, urls: Urls, serviceId: string, now: Date) =>
  republishServicesWhere(tx, urls, eq(services.id, serviceId), now);

/** A service's `teams` follow its policy's team. */
export const republishServicesOf = (tx: Executor, urls: Urls, policyId: string, now: Date) =>
  republishServicesWhere(tx, urls, eq(services.escalationPolicyId, policyId), now);

/** Publishes a maintenance window again (one of its services went), with a bumped version. */
export async function republishWindow(tx: Executor, urls: Urls, windowId: string, now: Date): Promise<void> {
  const rows = await tx
    .update(maintenanceWindows)
    .set({ version: sql`${maintenanceWindows.version} + 1` })
    .where(eq(maintenanceWindows.id, windowId))
    .returning();
  await publishRows(tx, 'maintenance_window', rows, windowRecords, (r) => maintenanceWindowView(urls, r), now);
}
