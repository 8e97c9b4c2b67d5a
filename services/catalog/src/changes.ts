import { type EncodedMessage, encode, timestampFromDate, topics } from '@klaxon/contracts';
import { newMessageId } from '@klaxon/ids';

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
