import { type Database, enqueueOutbox } from '@klaxon/db';
import type { Logger } from 'pino';
import type { ChannelAdapter, Notification, SendResult } from '../channels/channel';
import {
  type AttemptUpdate,
  type ChannelKind,
  type ClaimedAttempt,
  claimDueAttempts,
  finishAttempts,
  outbox,
  releaseWindows,
  takeWindows,
  windowsOpenAt,
} from '../db';
import { retryDelayMs } from '../domain/rules';
import { type ActionLinkSettings, withActionLinks } from './action-links';
import { type DeliveredFacts, deliveredMessages } from './delivered';
import { incidentSummaries } from './incident-summaries';

export type Channels = Record<ChannelKind, ChannelAdapter>;

export interface DispatcherDeps {
  db: Database;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  channels: Channels;
  publicUrl: string;
  /** Signs the acknowledge/resolve links of emails and SMS; unset: no action links. */
  actionLinks?: ActionLinkSettings | undefined;
  /** At most one SMS and one call per user in this window; 0 turns storm safety off. */
  stormWindowMs: number;
  /** Tries before a transient failure becomes final. */
  maxTries: number;
  batch?: number;
  leaseMs?: number;
  concurrency?: number;
  published: () => void;
}

const THROTTLED = new Set<ChannelKind>(['sms', 'phone']);

/** One message to send: an attempt, or the attempts of one user's SMS/call bundle. */
interface Send {
  attempts: ClaimedAttempt[];
  notification: Notification;
}

async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  });
  await Promise.all(runners);
  return out;
}

/**
 * Batches calls that arrive while a flush runs into the next flush; each call resolves (or rejects)
 * with the flush that wrote it.
 */
function groupCommit<A, B>(flush: (items: { send: A; result: B }[]) => Promise<void>) {
  let queue: { send: A; result: B; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let running = false;
  async function drain() {
    running = true;
    while (queue.length > 0) {
      const items = queue;
      queue = [];
      try {
        await flush(items);
        for (const i of items) i.resolve();
      } catch (err) {
        for (const i of items) i.reject(err);
      }
    }
    running = false;
  }
  return (send: A, result: B) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ send, result, resolve, reject });
      if (!running) void drain();
    });
}

/**
 * Sends the notification attempts that are due. A claim takes a batch with SKIP LOCKED and a lease
 * (so a replica that dies mid-send leaves them to another after the lease), opens each user's
 * SMS/call window in the same transaction, and holds back attempts whose window is shut until it
 * opens; those are then sent together as one bundled message. Outcomes and the
 * notifications.delivered of final ones are written in one transaction after the sends.
 */
export function createAttemptDispatcher(deps: DispatcherDeps) {
  const batch = deps.batch ?? 200;
  const leaseMs = deps.leaseMs ?? 120_000;

  async function claim(now: Date): Promise<{ sends: Send[]; deferred: number }> {
    return deps.db.transaction(async (tx) => {
      const claimed = await claimDueAttempts(tx, now, batch, leaseMs);
      if (claimed.length === 0) return { sends: [], deferred: 0 };
      const groups = new Map<string, ClaimedAttempt[]>();
      const singles: ClaimedAttempt[] = [];
      for (const a of claimed) {
        // A handoff is not an incident: never bundled with one, nor held by its storm window.
        if (deps.stormWindowMs > 0 && THROTTLED.has(a.channel) && !a.handoff) {
          const key = `${a.userId}/${a.channel}`;
          groups.set(key, [...(groups.get(key) ?? []), a]);
        } else singles.push(a);
      }
      const keys = [...groups.values()].map((g) => ({ userId: g[0]?.userId ?? '', channel: g[0]?.channel ?? 'sms' }));
      const open =
        keys.length > 0 ? await takeWindows(tx, keys, now, new Date(now.getTime() + deps.stormWindowMs)) : new Set();
      const waiting = [...groups.entries()].filter(([key]) => !open.has(key));
      if (waiting.length > 0) {
        const openAt = await windowsOpenAt(
          tx,
          waiting.map(([, g]) => g[0]?.userId ?? ''),
        );
        const updates: AttemptUpdate[] = waiting.flatMap(([key, group]) =>
          group.map((a) => ({
            id: a.id,
            state: 'pending' as const,
            dueAt: openAt.get(key) ?? now,
            detail: null,
            providerRef: null,
            finishedAt: null,
            untry: true,
          })),
        );
        await finishAttempts(tx, updates);
      }
      const toSend = [
        ...singles.map((a) => [a]),
        ...[...groups.entries()].filter(([key]) => open.has(key)).map(([, g]) => g),
      ];
      return {
        sends: toSend.map((group) => ({ attempts: group, notification: emptyNotification(group) })),
        deferred: waiting.length,
      };
    });
  }

  function emptyNotification(group: ClaimedAttempt[]): Notification {
    const first = group[0] as ClaimedAttempt;
    return {
      key: first.id,
      channel: first.channel,
      address: first.address,
      incidents: [],
      ...(first.handoff ? { handoff: first.handoff } : {}),
    };
  }

  async function settle(sends: readonly Send[], results: readonly SendResult[], now: Date): Promise<void> {
    const updates: AttemptUpdate[] = [];
    const delivered: DeliveredFacts[] = [];
    const released: { userId: string; channel: ChannelKind }[] = [];
    for (const [i, send] of sends.entries()) {
      const result = results[i] as SendResult;
      const first = send.attempts[0];
      if (!result.ok && first && THROTTLED.has(first.channel))
        released.push({ userId: first.userId, channel: first.channel });
      for (const a of send.attempts) {
        if (!result.ok && result.retry && a.tries < deps.maxTries) {
          updates.push({
            id: a.id,
            state: 'pending',
            dueAt: new Date(now.getTime() + retryDelayMs(a.tries)),
            detail: result.detail,
            providerRef: null,
            finishedAt: null,
            untry: false,
          });
          continue;
        }
        const unsupported = a.channel === 'push' || a.channel === 'unknown';
        const detail = result.ok
          ? result.detail
          : a.tries > 1
            ? `${result.detail} (after ${a.tries} tries)`
            : result.detail;
        updates.push({
          id: a.id,
          state: result.ok ? 'sent' : unsupported ? 'unsupported' : 'failed',
          dueAt: now,
          detail,
          providerRef: result.ok ? result.ref : null,
          finishedAt: now,
          untry: false,
        });
        delivered.push({ ...a, ok: result.ok, detail });
        deps.log.info(
          { attemptId: a.id, incidentId: a.incidentId, userId: a.userId, channel: a.channel, ok: result.ok },
          result.ok ? 'notification_sent' : 'notification_failed',
        );
      }
    }
    const messages = deliveredMessages(delivered, now);
    await deps.db.transaction(async (tx) => {
      await finishAttempts(tx, updates);
      await releaseWindows(tx, released, now);
      if (messages.length > 0) await enqueueOutbox(tx, outbox, messages);
    });
    if (messages.length > 0) deps.published();
  }

  /** Claims and sends one batch of due attempts; returns how many attempts it handled. */
  async function runOnce(now: Date): Promise<number> {
    const { sends, deferred } = await claim(now);
    if (sends.length === 0) return deferred;
    const all = sends.flatMap((s) => s.attempts);
    const summaries = await incidentSummaries(
      deps.db,
      deps.publicUrl,
      all.filter((a) => !a.handoff),
    );
    for (const send of sends) {
      // A bundle lists its incidents oldest first: attempts the storm window held share one due time.
      const ids = [
        ...new Set([...send.attempts].sort((a, b) => a.incidentNumber - b.incidentNumber).map((a) => a.incidentId)),
      ];
      const userId = send.attempts[0]?.userId ?? '';
      // A responder is asked to accept or decline, as well as to act on the incident.
      const asked = new Set(send.attempts.filter((a) => a.reason === 'responder_request').map((a) => a.incidentId));
      send.notification.incidents = ids.flatMap((id) => {
        const s = summaries.get(id);
        return s ? [withActionLinks(s, userId, deps.publicUrl, deps.actionLinks, now, asked.has(id))] : [];
      });
    }
    // Outcomes are stored as their providers answer, not after the whole batch, so a process killed
    // mid-batch leaves in doubt (claimed, lease running) only the sends then in flight. Those that
    // answer while a commit runs go together in the next one (one transaction per group, not per send).
    const settled = groupCommit((done: { send: Send; result: SendResult }[]) =>
      settle(
        done.map((d) => d.send),
        done.map((d) => d.result),
        now,
      ),
    );
    await pool(sends, deps.concurrency ?? 16, async (send) => {
      let result: SendResult;
      try {
        result = await deps.channels[send.notification.channel].send(send.notification);
      } catch (err) {
        result = { ok: false, retry: true, detail: err instanceof Error ? err.message : String(err) };
      }
      await settled(send, result);
    });
    return all.length;
  }

  return { runOnce };
}

export type AttemptDispatcher = ReturnType<typeof createAttemptDispatcher>;
