import { type EncodedMessage, encode, timestampFromDate, topics } from '@klaxon/contracts';
import { type Executor, enqueueOutbox } from '@klaxon/db';
import { newMessageId } from '@klaxon/ids';
import { recordChange } from './audit-trail';
import { outbox } from './db';

/** The entity types the catalog publishes on catalog.changes. */
export type EntityType =
  | 'user'
  | 'api_token'
  | 'contact_method'
  | 'notification_rule'
  | 'oncall_handoff_notification_rule'
  | 'team'
  | 'escalation_policy'
  | 'schedule'
  | 'schedule_override'
  | 'service'
  | 'integration'
  | 'maintenance_window'
  | 'tag';

/** A catalog.changes message for the outbox: the entity's full snapshot after the change, or a tombstone. */
export function catalogChange(
  entity: { type: string; id: string; version: number },
  snapshot: object | null,
  now: Date,
): EncodedMessage {
  return encode(topics.catalogChanges, {
    id: newMessageId(now),
    entityType: entity.type,
    entityId: entity.id,
    version: BigInt(entity.version),
    deleted: snapshot === null,
    snapshotJson: snapshot === null ? '' : JSON.stringify(snapshot),
    changedAt: timestampFromDate(now),
  });
}

/**
 * Queues the change in the transaction that made it, so state and message never diverge, and
 * records it in the audit trail there too. A tombstone (snapshot null) carries the deleted row's
 * version + 1, so it outranks the last snapshot.
 */
export async function publishChange(
  tx: Executor,
  entity: { type: EntityType; id: string; version: number },
  snapshot: object | null,
  now: Date,
): Promise<void> {
  await enqueueOutbox(tx, outbox, [catalogChange(entity, snapshot, now)]);
  await recordChange(tx, entity, snapshot, now);
}

/**
 * Tombstones for deleted rows. Pass what `delete ... returning` gave, inside the deleting
 * transaction: the version is the one the row held when it went, so a concurrent update cannot
 * publish the same version after it.
 */
export async function publishTombstones(
  tx: Executor,
  type: EntityType,
  rows: readonly { id: string; version: number }[],
  now: Date,
): Promise<void> {
  for (const row of rows) await publishChange(tx, { type, id: row.id, version: row.version + 1 }, null, now);
}
