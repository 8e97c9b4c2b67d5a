import { type BusMessage, deadLetterTopic, type OutgoingMessage, type TopicSpec } from './port';

export interface DeadLetterInfo {
  group: string;
  /** `rejected`: the handler answered dead-letter; `max_attempts`: it kept failing. */
  reason: 'rejected' | 'max_attempts';
  attempts: number;
  error?: unknown;
}

/**
 * What failed, for an operator: the innermost cause, with its code (a SQLSTATE). drizzle's wrapper
 * says only which statement, and quotes every bound value; PostgreSQL's own error says what broke.
 */
function errorText(error: unknown): string {
  let inner = error;
  for (let depth = 0; depth < 8 && inner instanceof Error && inner.cause instanceof Error; depth++) inner = inner.cause;
  if (!(inner instanceof Error)) return String(inner).slice(0, 1_000);
  const code = (inner as { code?: unknown }).code;
  return `${inner.name}${typeof code === 'string' ? ` (${code})` : ''}: ${inner.message}`.slice(0, 1_000);
}

/** The headers a dead-letter copy adds to the message's own; the one place that names them. */
const H = {
  topic: 'klaxon.origin.topic',
  partition: 'klaxon.origin.partition',
  offset: 'klaxon.origin.offset',
  timestamp: 'klaxon.origin.timestamp',
  group: 'klaxon.dead_letter.group',
  reason: 'klaxon.dead_letter.reason',
  attempts: 'klaxon.dead_letter.attempts',
  error: 'klaxon.dead_letter.error',
} as const;
const added: ReadonlySet<string> = new Set(Object.values(H));

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
      [H.topic]: message.topic,
      [H.partition]: String(message.partition),
      [H.offset]: message.offset,
      [H.timestamp]: message.timestamp.toISOString(),
      [H.group]: info.group,
      [H.reason]: info.reason,
      [H.attempts]: String(info.attempts),
      ...(info.error !== undefined ? { [H.error]: errorText(info.error) } : {}),
    },
  };
}

/** A dead letter as read back from `<topic>.dead-letter`: the original message and why it was set aside. */
export interface DeadLetter {
  /** Where the message was when it failed. */
  origin: { topic: string; partition: number; offset: string; timestamp: Date };
  group: string;
  reason: DeadLetterInfo['reason'];
  attempts: number;
  error: string | undefined;
  /** The original message: what a replay publishes again to `origin.topic`. */
  message: OutgoingMessage & { headers: Record<string, string> };
}

/**
 * Reads a message of a dead-letter topic back into the dead letter deadLetterCopy made; undefined
 * for a message without its headers (not written by Klaxon's bus).
 */
export function parseDeadLetter(message: BusMessage): DeadLetter | undefined {
  const h = message.headers;
  const partition = Number(h[H.partition]);
  const attempts = Number(h[H.attempts] ?? 0);
  const reason = h[H.reason];
  const topic = h[H.topic];
  const offset = h[H.offset];
  const group = h[H.group];
  if (!topic || !offset || !group || !Number.isInteger(partition)) return undefined;
  if (reason !== 'rejected' && reason !== 'max_attempts') return undefined;
  const timestamp = new Date(h[H.timestamp] ?? message.timestamp);
  const headers = Object.fromEntries(Object.entries(h).filter(([name]) => !added.has(name)));
  return {
    origin: {
      topic,
      partition,
      offset,
      timestamp: Number.isNaN(timestamp.getTime()) ? message.timestamp : timestamp,
    },
    group,
    reason,
    attempts: Number.isFinite(attempts) ? attempts : 0,
    error: h[H.error],
    message: { key: message.key, value: message.value, headers },
  };
}

/** The dead-letter topics of these topics: one partition each, for inspection, not throughput. */
export function deadLetterTopicSpecs(topics: readonly Pick<TopicSpec, 'name'>[]): TopicSpec[] {
  return topics.map((t) => ({ name: deadLetterTopic(t.name), partitions: 1, compacted: false }));
}

/**
 * The `deadLetter` step both adapters give their consumers: make `<topic>.dead-letter` on first use
 * (one partition), then append the copy. The catalog keeps what arrives there in a table until an
 * operator replays or deletes it (services/catalog, `/dead_letters`).
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
    // Usually made at start (deadLetterTopicSpecs); a topic outside the catalog gets one here.
    await ensure(topic);
    await options.publish(topic, [deadLetterCopy(message, info)]);
  };
}
