import { bigint, boolean, jsonb, type PgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A service's own copy of the catalog entities it needs, rebuilt from catalog.changes: services never
 * read the catalog's tables. One row per entity, holding its latest snapshot (or a tombstone).
 */
export function catalogReplicaTable(schema: PgSchema) {
  return schema.table(
    'catalog_replica',
    {
      entityType: text('entity_type').notNull(),
      entityId: text('entity_id').notNull(),
      version: bigint('version', { mode: 'bigint' }).notNull(),
      deleted: boolean('deleted').notNull(),
      snapshot: jsonb('snapshot').$type<Record<string, unknown> | null>(),
      changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
    },
    (t) => [primaryKey({ columns: [t.entityType, t.entityId] })],
  );
}

export type CatalogReplicaTable = ReturnType<typeof catalogReplicaTable>;
