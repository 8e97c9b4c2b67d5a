import { type Bus, publishTo } from '@klaxon/bus';
import { timestampFromDate, topics } from '@klaxon/contracts';
import { type Database, queryRows, sql } from '@klaxon/db';
import { uniqueSuffix } from './backends';
import { waitFor } from './wait-for';

/**
 * What a service's tests use instead of the catalog: publishes a snapshot on catalog.changes (null: a
 * tombstone), each with a higher version, and waits until the service's replica (its schema's
 * `catalog_replica`) holds it.
 */
export function catalogFeed(bus: Pick<Bus, 'publish'>, db: Database, schema: string) {
  let version = 1n;
  return async function catalog(entityType: string, entityId: string, snapshot: object | null): Promise<void> {
    const v = version++;
    await publishTo(bus, topics.catalogChanges, [
      {
        id: `chg-${uniqueSuffix()}`,
        entityType,
        entityId,
        version: v,
        deleted: snapshot === null,
        snapshotJson: snapshot ? JSON.stringify({ id: entityId, type: entityType, ...snapshot }) : '',
        changedAt: timestampFromDate(new Date()),
      },
    ]);
    const replica = sql.identifier(schema);
    await waitFor(
      async () =>
        (
          await queryRows<{ n: number }>(
            db,
            sql`select count(*)::int n from ${replica}.catalog_replica where entity_id = ${entityId} and version = ${v}`,
          )
        )[0]?.n === 1,
      { what: `catalog ${entityType} ${entityId}` },
    );
  };
}
