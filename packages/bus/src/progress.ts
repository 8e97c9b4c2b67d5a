import { setTimeout as delay } from 'node:timers/promises';
import type { BatchHandler, BusMessage, Handler } from './port';

/** The end of one partition: the offset the next appended message will get. */
export interface PartitionEnd {
  topic: string;
  partition: number;
  end: number;
}

/**
 * How far a subscription has got, per partition, and waiting until it reaches given ends: the
 * shared part of both adapters' `caughtUp`. A message counts once the handler is done with it
 * (any outcome but retry).
 */
export function createProgress() {
  const next = new Map<string, number>();
  const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const done = (message: BusMessage) => {
    const key = keyOf(message.topic, message.partition);
    next.set(key, Math.max(next.get(key) ?? 0, Number(message.offset) + 1));
  };
  return {
    track(handler: Handler): Handler {
      return async (message: BusMessage) => {
        const outcome = await handler(message);
        if (outcome !== 'retry') done(message);
        return outcome;
      };
    },
    /** The same for a batch: its messages up to the first retry are done. */
    trackBatch(handler: BatchHandler): BatchHandler {
      return async (messages) => {
        const result = await handler(messages);
        for (const [i, message] of messages.entries()) {
          if ((typeof result === 'string' ? result : result[i]) === 'retry') break;
          done(message);
        }
        return result;
      };
    },
    async waitFor(ends: () => Promise<PartitionEnd[]>, timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      const targets = (await ends()).filter((e) => e.end > 0);
      for (;;) {
        if (targets.every((t) => (next.get(keyOf(t.topic, t.partition)) ?? 0) >= t.end)) return;
        if (Date.now() > deadline) throw new Error(`subscription not caught up within ${timeoutMs} ms`);
        await delay(5, undefined, { ref: false });
      }
    },
  };
}
export type Progress = ReturnType<typeof createProgress>;
