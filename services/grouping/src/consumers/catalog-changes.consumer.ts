import type { BusMessage, Outcome } from '@klaxon/bus';
import type { CatalogChange } from '@klaxon/contracts';

/**
 * Replicates the catalog entities grouping reads (and lets a moved integration's incidents follow
 * it). A snapshot that is not JSON never will be (dead letter); a failed write is retried.
 */
export function catalogChangesConsumer(deps: {
  entityTypes: readonly string[];
  apply: (change: CatalogChange) => Promise<void>;
  published: () => void;
  log: { debug: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  const wanted = new Set(deps.entityTypes);
  return async (change: CatalogChange, raw: BusMessage): Promise<Outcome> => {
    if (!wanted.has(change.entityType)) return 'drop';
    const at = { entityType: change.entityType, entityId: change.entityId, topic: raw.topic, offset: raw.offset };
    try {
      await deps.apply(change);
    } catch (err) {
      deps.log.warn({ err, ...at }, 'catalog_change_failed');
      if (err instanceof SyntaxError) return 'dead-letter';
      // The bus judges the error: a transient one (database away) is retried until it passes, any other
      // is set aside as a dead letter after a few quick attempts instead of holding the partition.
      throw err;
    }
    deps.published();
    deps.log.debug(at, 'catalog_change_applied');
    return 'ok';
  };
}
