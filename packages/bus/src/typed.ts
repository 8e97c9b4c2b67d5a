import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { decode, encode, type TopicDef } from '@klaxon/contracts';
import type { Bus, BusMessage, Outcome, Subscription } from './port';

/** Encodes and publishes messages of one catalogued topic, keyed as the catalog says. */
export function publishTo<S extends DescMessage>(
  bus: Pick<Bus, 'publish'>,
  topic: TopicDef<S>,
  messages: MessageInitShape<S>[],
): Promise<void> {
  return bus.publish(
    topic.name,
    messages.map((m) => encode(topic, m)),
  );
}

export interface TypedSubscribeOptions<S extends DescMessage> {
  group: string;
  topic: TopicDef<S>;
  handler: (message: MessageShape<S>, raw: BusMessage) => Promise<Outcome>;
  readModel?: boolean;
  maxAttempts?: number;
}

/** Subscribes to one catalogued topic; a message that does not decode is dead-lettered, never retried. */
export function subscribeTo<S extends DescMessage>(
  bus: Pick<Bus, 'subscribe'>,
  options: TypedSubscribeOptions<S>,
): Promise<Subscription> {
  const { topic, handler, ...rest } = options;
  return bus.subscribe({
    ...rest,
    topics: [topic.name],
    handler: async (raw) => {
      let message: MessageShape<S>;
      try {
        message = decode(topic, raw.value);
      } catch {
        return 'dead-letter';
      }
      return handler(message, raw);
    },
  });
}
