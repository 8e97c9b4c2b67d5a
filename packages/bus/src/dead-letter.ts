import { type BusMessage, deadLetterTopic, type OutgoingMessage } from './port';

export interface DeadLetterInfo {
  group: string;
  /** `rejected`: the handler answered dead-letter; `max_attempts`: it kept failing. */
  reason: 'rejected' | 'max_attempts';
  attempts: number;
  error?: unknown;
}

const errorText = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1_000);

/**
 * The copy that goes to `<topic>.dead-letter`: same key, value and headers, plus where it came from
 * and why, so an operator can inspect it and replay it to the origin topic.
 */
export function deadLetterCopy(message: BusMessage, info: DeadLetterInfo): OutgoingMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      'klaxon.origin.topic': message.topic,
      'klaxon.origin.partition': String(message.partition),
      'klaxon.origin.offset': message.offset,
      'klaxon.origin.timestamp': message.timestamp.toISOString(),
      'klaxon.dead_letter.group': info.group,
      'klaxon.dead_letter.reason': info.reason,
      'klaxon.dead_letter.attempts': String(info.attempts),
      ...(info.error !== undefined ? { 'klaxon.dead_letter.error': errorText(info.error) } : {}),
    },
  };
}

/**
 * The `deadLetter` step both adapters give their consumers: make `<topic>.dead-letter` on first use
 * (one partition: it is for inspection, not throughput), then append the copy.
 */
export function deadLetterSink(options: {
  ensureTopic(name: string): Promise<void>;
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /** Topic name as the backend knows it (Kafka's test prefix). */
  physicalName?: (name: string) => string;
}): (message: BusMessage, info: DeadLetterInfo) => Promise<void> {
  const ensured = new Map<string, Promise<void>>();
  const ensure = (name: string): Promise<void> => {
    let done = ensured.get(name);
    if (!done) {
      done = options.ensureTopic(name);
      ensured.set(name, done);
      // A failure is not remembered: the next dead letter tries again.
      done.catch(() => ensured.delete(name));
    }
    return done;
  };
  return async (message, info) => {
    const topic = (options.physicalName ?? ((n: string) => n))(deadLetterTopic(message.topic));
    await ensure(topic);
    await options.publish(topic, [deadLetterCopy(message, info)]);
  };
}
