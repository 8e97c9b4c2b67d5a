import { type CatalogChange, timestampDate } from '@klaxon/contracts';
import { type Database, insertMany, queryRows, sql } from '@klaxon/db';
import { newMessageId } from '@klaxon/ids';
import { applyCatalogChange } from '@klaxon/runtime';
import { catalogReplica, outgoingPosts } from '../db';
import { envelope, serviceData } from './envelope';
import { liveSubscriptions, subscriptionTakes } from './subscription-filter';

type Json = Record<string, unknown>;

/** service.created, service.updated or service.deleted, from the replica before and the change; none for a replay. */
export function serviceEventOf(
  before: { version: number; deleted: boolean } | undefined,
  change: Pick<CatalogChange, 'version' | 'deleted'>,
): string | undefined {
  if (before && before.version >= Number(change.version)) return undefined;
  if (change.deleted) return before && !before.deleted ? 'service.deleted' : undefined;
  return !before || before.deleted ? 'service.created' : 'service.updated';
}

/**
 * Applies one catalog.changes message to notify's replica; a service's change also queues the
 * service.created/updated/deleted webhooks of the subscriptions that take it, in the same
 * transaction, so a replayed message (same version) queues nothing twice. Returns the posts queued.
 */
export async function applyCatalogMessage(db: Database, change: CatalogChange, now: Date): Promise<number> {
  if (change.entityType !== 'service') {
    await applyCatalogChange(db, catalogReplica, change);
    return 0;
  }
  return db.transaction(async (tx) => {
    const [before] = await queryRows<{ version: string; deleted: boolean; snapshot: Json | null }>(
      tx,
      sql`select version, deleted, snapshot from ${catalogReplica}
          where entity_type = 'service' and entity_id = ${change.entityId} for update`,
    );
    const previous = before && { version: Number(before.version), deleted: before.deleted };
    const eventType = serviceEventOf(previous, change);
    await applyCatalogChange(tx, catalogReplica, change);
    if (!eventType) return 0;
    const snapshot = change.deleted ? (before?.snapshot ?? {}) : (JSON.parse(change.snapshotJson) as Json);
    const teamIds = Array.isArray(snapshot.teams) ? (snapshot.teams as { id?: string }[]).map((t) => t.id ?? '') : [];
    const target = { serviceId: change.entityId, teamIds };
    const subs = (await liveSubscriptions(tx)).filter((s) => subscriptionTakes(s, eventType, target));
    if (subs.length === 0) return 0;
    const occurredAt = change.changedAt ? timestampDate(change.changedAt) : now;
    const data = serviceData(snapshot, change.entityId);
    await insertMany(
      tx,
      outgoingPosts,
      subs.map((s) => {
        const id = newMessageId(now);
        return {
          id,
          kind: 'webhook',
          target: s.id,
          // In order per subscription and service, as an incident's are.
          orderKey: change.entityId,
          body: envelope({ id, eventType, resourceType: 'service', occurredAt, agent: null, data }),
          state: 'pending' as const,
          tries: 0,
          nextAttemptAt: now,
          createdAt: now,
        };
      }),
    );
    return subs.length;
  });
}
