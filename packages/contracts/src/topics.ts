import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { create, fromBinary, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import { encodeAcceptedEvent } from './accepted-event-codec';
import { type CatalogChange, CatalogChangeSchema } from './gen/klaxon/v1/catalog_pb';
import { type IncidentAssignmentCommand, IncidentAssignmentCommandSchema } from './gen/klaxon/v1/escalation_pb';
import { type AcceptedEvent, AcceptedEventSchema } from './gen/klaxon/v1/events_pb';
import { type IncidentChanged, IncidentChangedSchema } from './gen/klaxon/v1/incidents_pb';
import {
  type NotificationDelivered,
  NotificationDeliveredSchema,
  type NotificationRequested,
  NotificationRequestedSchema,
} from './gen/klaxon/v1/notifications_pb';

/** One topic of ARCHITECTURE.md: its name, its message, and which field is its partition key. */
export interface TopicDef<S extends DescMessage = DescMessage> {
  readonly name: string;
  readonly schema: S;
  /** Messages with the same key land on one partition and are consumed in order. */
  readonly key: (message: MessageShape<S>) => string;
  readonly partitions: number;
  /** Compacted topics keep the latest message per key forever (read models rebuild from them). */
  readonly compacted: boolean;
  /** A faster encoder giving the same bytes as the generated code (hot-path messages only). */
  readonly encodeFast?: (init: MessageInitShape<S>) => Uint8Array;
}

function topic<S extends DescMessage>(def: TopicDef<S>): TopicDef<S> {
  return def;
}

/** The topic catalog: every topic Klaxon uses, with its message and partition key. */
export const topics = {
  catalogChanges: topic({
    name: 'catalog.changes',
    schema: CatalogChangeSchema,
    key: (m: CatalogChange) => m.entityId,
    partitions: 3,
    compacted: true,
  }),
  eventsAccepted: topic({
    name: 'events.accepted',
    schema: AcceptedEventSchema,
    key: (m: AcceptedEvent) => m.serviceId,
    partitions: 12,
    compacted: false,
    encodeFast: encodeAcceptedEvent,
  }),
  incidentsChanged: topic({
    name: 'incidents.changed',
    schema: IncidentChangedSchema,
    key: (m: IncidentChanged) => m.incidentId,
    partitions: 6,
    compacted: false,
  }),
  /** Escalation's requests to grouping (assign, escalate, log); grouping alone writes incidents. */
  incidentsAssignments: topic({
    name: 'incidents.assignments',
    schema: IncidentAssignmentCommandSchema,
    key: (m: IncidentAssignmentCommand) => m.incidentId,
    partitions: 6,
    compacted: false,
  }),
  notificationsRequested: topic({
    name: 'notifications.requested',
    schema: NotificationRequestedSchema,
    key: (m: NotificationRequested) => m.userId,
    partitions: 6,
    compacted: false,
  }),
  notificationsDelivered: topic({
    name: 'notifications.delivered',
    schema: NotificationDeliveredSchema,
    key: (m: NotificationDelivered) => m.incidentId,
    partitions: 6,
    compacted: false,
  }),
} as const;

export type TopicName = (typeof topics)[keyof typeof topics]['name'];

export const allTopics: readonly TopicDef[] = Object.values(topics) as readonly TopicDef[];

/** A message ready for the bus or an outbox: raw bytes with its topic and partition key. */
export interface EncodedMessage {
  topic: string;
  key: string;
  value: Uint8Array;
}

export function encode<S extends DescMessage>(def: TopicDef<S>, init: MessageInitShape<S>): EncodedMessage {
  if (def.encodeFast) {
    // Key functions read plain fields, which the init shape has too (absent means proto3's '').
    const key = def.key(init as unknown as MessageShape<S>) ?? '';
    return { topic: def.name, key, value: def.encodeFast(init) };
  }
  const message = create(def.schema, init);
  return { topic: def.name, key: def.key(message), value: toBinary(def.schema, message) };
}

export function decode<S extends DescMessage>(def: TopicDef<S>, value: Uint8Array): MessageShape<S> {
  return fromBinary(def.schema, value);
}
