/**
 * Coalesces concurrent publishes into few round trips. One send is in flight at a time; publishes
 * made meanwhile queue, and the next send carries all of them (across topics), up to the bounds.
 * Each caller's promise settles with the outcome of the send that carried its messages, so a
 * publish never resolves unless its own messages were acknowledged.
 *
 * One send at a time also keeps order: a publish that resolved is appended before any publish
 * made after it, whatever the producer's retries do.
 */

export interface TopicBatch<M> {
  topic: string;
  messages: M[];
}

export interface BatcherOptions<M> {
  send(batch: TopicBatch<M>[]): Promise<void>;
  sizeOf(message: M): number;
  maxMessages: number;
  maxBytes: number;
  /** A publish rejects after this long, queued or in flight (its messages may still land later). */
  timeoutMs: number;
}

export interface Batcher<M> {
  publish(topic: string, messages: M[]): Promise<void>;
  /** Refuses new publishes and resolves once everything queued has been sent (or has failed). */
  drain(): Promise<void>;
}

export class PublishTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`publish not acknowledged within ${timeoutMs} ms`);
    this.name = 'PublishTimeoutError';
  }
}

interface Entry<M> {
  topic: string;
  messages: M[];
  bytes: number;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(): void;
  reject(err: unknown): void;
}

/** Consecutive runs of messages, each within maxMessages and maxBytes (a message alone may exceed them). */
function chunks<M>(messages: M[], bounds: Pick<BatcherOptions<M>, 'sizeOf' | 'maxMessages' | 'maxBytes'>) {
  const parts: { messages: M[]; bytes: number }[] = [];
  let part: { messages: M[]; bytes: number } = { messages: [], bytes: 0 };
  for (const message of messages) {
    const size = bounds.sizeOf(message);
    const full = part.messages.length >= bounds.maxMessages || part.bytes + size > bounds.maxBytes;
    if (part.messages.length > 0 && full) {
      parts.push(part);
      part = { messages: [], bytes: 0 };
    }
    part.messages.push(message);
    part.bytes += size;
  }
  parts.push(part);
  return parts;
}

export function createBatcher<M>(options: BatcherOptions<M>): Batcher<M> {
  const queue: Entry<M>[] = [];
  let sending = false;
  let closed = false;
  const idle: Array<() => void> = [];

  const settle = (entry: Entry<M>, err?: unknown) => {
    if (entry.settled) return;
    entry.settled = true;
    clearTimeout(entry.timer);
    if (err === undefined) entry.resolve();
    else entry.reject(err);
  };

  /** Whole publishes in arrival order, at least one, then as many as fit the bounds. */
  const take = (): Entry<M>[] => {
    const taken: Entry<M>[] = [];
    let count = 0;
    let bytes = 0;
    for (let next = queue[0]; next; next = queue[0]) {
      const over = count + next.messages.length > options.maxMessages || bytes + next.bytes > options.maxBytes;
      if (taken.length > 0 && over) break;
      queue.shift();
      taken.push(next);
      count += next.messages.length;
      bytes += next.bytes;
    }
    return taken;
  };

  const byTopic = (entries: Entry<M>[]): TopicBatch<M>[] => {
    const topics = new Map<string, M[]>();
    for (const entry of entries) {
      const messages = topics.get(entry.topic);
      if (messages) messages.push(...entry.messages);
      else topics.set(entry.topic, [...entry.messages]);
    }
    return [...topics].map(([topic, messages]) => ({ topic, messages }));
  };

  const sendNext = async () => {
    const taken = take();
    try {
      if (taken.length > 0) {
        await options.send(byTopic(taken));
        for (const entry of taken) settle(entry);
      }
    } catch (err) {
      for (const entry of taken) settle(entry, err);
    } finally {
      sending = false;
      kick();
    }
  };

  // Deferred by setImmediate so publishes arriving in the same turn of the event loop (requests
  // parsed together) share the first send instead of the first one going out alone.
  function kick() {
    if (sending) return;
    if (queue.length === 0) {
      for (const wake of idle.splice(0)) wake();
      return;
    }
    sending = true;
    setImmediate(() => void sendNext());
  }

  const enqueue = (topic: string, part: { messages: M[]; bytes: number }) =>
    new Promise<void>((resolve, reject) => {
      const entry: Entry<M> = { topic, ...part, settled: false, timer: undefined, resolve, reject };
      entry.timer = setTimeout(() => {
        const queued = queue.indexOf(entry);
        if (queued >= 0) queue.splice(queued, 1);
        settle(entry, new PublishTimeoutError(options.timeoutMs));
      }, options.timeoutMs);
      queue.push(entry);
      kick();
    });

  return {
    publish(topic, messages) {
      if (closed) return Promise.reject(new Error('the bus is closed'));
      if (messages.length === 0) return Promise.resolve();
      // A publish larger than one send is queued as consecutive parts, each within the bounds, so no
      // produce request exceeds what the broker accepts (one oversized request was refused whole,
      // and retried forever); it resolves once every part is acknowledged.
      return Promise.all(chunks(messages, options).map((part) => enqueue(topic, part))).then(() => undefined);
    },
    drain() {
      closed = true;
      if (!sending && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
