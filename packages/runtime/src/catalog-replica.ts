import { type Bus, subscribeTo } from '@klaxon/bus';
import { type CatalogChange, topics } from '@klaxon/contracts';
import type { CatalogReplicaTable, Database, Executor } from '@klaxon/db';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';

/**
 * Stores a change unless a newer version is already there; replaying a message changes nothing
 * twice, and a late, older snapshot never overwrites a newer one.
 */
export async function applyCatalogChange(tx: Executor, table: CatalogReplicaTable, change: CatalogChange) {
  const row = {
    entityType: change.entityType,
    entityId: change.entityId,
    version: change.version,
    deleted: change.deleted,
    snapshot: change.deleted ? null : (JSON.parse(change.snapshotJson) as Record<string, unknown>),
    changedAt: new Date(Number(change.changedAt?.seconds ?? 0n) * 1000),
  };
  await tx
    .insert(table)
    .values(row)
    .onConflictDoUpdate({
      target: [table.entityType, table.entityId],
      set: { version: row.version, deleted: row.deleted, snapshot: row.snapshot, changedAt: row.changedAt },
      setWhere: sql`${table.version} < excluded.version`,
    });
}

/** Keeps a replica of the given entity types up to date; returns the subscription. */
export function replicateCatalog(options: {
  db: Database;
  bus: Bus;
  log: Logger;
  table: CatalogReplicaTable;
  /** Consumer group, `<service>.catalog`. */
  group: string;
  entityTypes: readonly string[];
}) {
  const wanted = new Set(options.entityTypes);
  return subscribeTo(options.bus, {
    group: options.group,
    topic: topics.catalogChanges,
    handler: async (change) => {
      if (!wanted.has(change.entityType)) return 'drop';
      try {
        await applyCatalogChange(options.db, options.table, change);
      } catch (err) {
        if (err instanceof SyntaxError) return 'dead-letter';
        throw err;
      }
      options.log.debug({ entityType: change.entityType, entityId: change.entityId }, 'catalog_change_applied');
      return 'ok';
    },
  });
}

/**
 * Waits until the consumer group has applied every catalog change published so far, at most
 * `timeoutMs`: what a read of a replica does before answering 404, so an entity created a moment
 * ago through the catalog is found (the replica may be consumed in another thread or process).
 */
export async function catalogReplicaCaughtUp(
  bus: Pick<Bus, 'lag'>,
  group: string,
  { timeoutMs = 3_000, pollMs = 25 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lags = await bus.lag(group, [topics.catalogChanges.name]).catch(() => []);
    if (lags.every((l) => l.lag <= 0)) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
