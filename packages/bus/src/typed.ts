import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { decode, encode, type TopicDef } from '@klaxon/contracts';
import type { Bus, BusMessage, Outcome, SubscribeOptions, Subscription } from './port';

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

/** A decoded message of a catalogued topic, with the bus message it came in. */
export interface Decoded<M> {
  message: M;
  raw: BusMessage;
}

interface TypedCommon<S extends DescMessage> {
  group: string;
  topic: TopicDef<S>;
  readModel?: boolean;
  maxAttempts?: number;
}

export type TypedSubscribeOptions<S extends DescMessage> = TypedCommon<S> &
  (
    | { handler: (message: MessageShape<S>, raw: BusMessage) => Promise<Outcome>; batchHandler?: undefined }
    | {
        /** One outcome for all the decoded messages, or one per decoded message. */
        batchHandler: (messages: Decoded<MessageShape<S>>[]) => Promise<Outcome | readonly Outcome[]>;
        handler?: undefined;
        maxBatchSize?: number;
      }
  );

/** Subscribes to one catalogued topic; a message that does not decode is dead-lettered, never retried. */
export function subscribeTo<S extends DescMessage>(
  bus: Pick<Bus, 'subscribe'>,
  options: TypedSubscribeOptions<S>,
): Promise<Subscription> {
  const { topic, group, readModel, maxAttempts } = options;
  const common = {
    group,
    topics: [topic.name],
    ...(readModel !== undefined ? { readModel } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  };
  const decodeOne = (raw: BusMessage): MessageShape<S> | undefined => {
    try {
      return decode(topic, raw.value);
    } catch {
      return undefined;
    }
  };
  let subscribe: SubscribeOptions;
  if (options.handler) {
    const { handler } = options;
    subscribe = {
      ...common,
      handler: async (raw) => {
        const message = decodeOne(raw);
        return message === undefined ? 'dead-letter' : handler(message, raw);
      },
    };
  } else {
    const { batchHandler } = options;
    subscribe = {
      ...common,
      ...(options.maxBatchSize !== undefined ? { maxBatchSize: options.maxBatchSize } : {}),
      batchHandler: async (raws) => {
        const decoded = raws.map((raw) => ({ raw, message: decodeOne(raw) }));
        const good = decoded.filter((d): d is Decoded<MessageShape<S>> => d.message !== undefined);
        const result = good.length > 0 ? await batchHandler(good) : 'ok';
        const outcomeOf = new Map(good.map((d, i) => [d, typeof result === 'string' ? result : result[i]]));
        return decoded.map((d) =>
          d.message === undefined ? 'dead-letter' : (outcomeOf.get(d as Decoded<MessageShape<S>>) ?? 'retry'),
        );
      },
    };
  }
  return bus.subscribe(subscribe);
}
