import type { Outcome } from '@klaxon/bus';
import type { CatalogChange } from '@klaxon/contracts';
import type { RoutingTable } from '../domain/routing-table';

/** Feeds catalog.changes into the routing table. */
export function catalogChangesConsumer(table: Pick<RoutingTable, 'apply'>) {
  return async (change: CatalogChange): Promise<Outcome> => {
    let snapshot: Record<string, unknown> | null = null;
    if (!change.deleted) {
      try {
        snapshot = JSON.parse(change.snapshotJson) as Record<string, unknown>;
      } catch {
        return 'dead-letter';
      }
    }
    table.apply({ ...change, snapshot });
    return 'ok';
  };
}
