import type { Database } from '@klaxon/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import {
  type ClaimedPost,
  claimDuePosts,
  outgoingPosts,
  type WebhookSubscriptionRow,
  webhookSubscriptions,
} from '../db';
import type { ChatKind } from './chat';
import { type GuardedHttpOptions, guardedPost, type PostResult } from './guarded-http';
import { signatureHeader } from './signature';

export interface PostDispatcherDeps {
  db: Database;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  http: GuardedHttpOptions;
  chat: Partial<Record<ChatKind, string>>;
  /** Tries before a retried post is dropped. */
  maxTries: number;
  /** Consecutive dropped posts after which a subscription is temporarily disabled (PagerDuty: 3). */
  dropsToDisable: number;
  batch?: number;
  leaseMs?: number;
}

/** Retries: 10 s doubling, at most 30 minutes. */
export const postRetryDelayMs = (tries: number) => Math.min(10_000 * 2 ** Math.max(0, tries - 1), 1_800_000);

// PagerDuty retries timeouts, connection failures, 5xx and 429; other 4xx are dropped at once.
const retryable = (r: PostResult) =>
  !r.ok &&
  (r.kind === 'timeout' || r.kind === 'network' || (r.kind === 'http' && (r.status === 429 || (r.status ?? 0) >= 500)));

/**
 * Delivers queued webhooks v3 and chat posts: signed with the subscription's secret, through the
 * SSRF-guarded client, in order per (target, incident), retried with backoff. A subscription whose
 * posts keep being dropped is temporarily disabled and its queue dropped, as PagerDuty does.
 */
export function createPostDispatcher(deps: PostDispatcherDeps) {
  const batch = deps.batch ?? 100;
  const leaseMs = deps.leaseMs ?? deps.http.timeoutMs * 6;

  function request(
    post: ClaimedPost,
    sub: WebhookSubscriptionRow | undefined,
  ): { url: string; headers: Record<string, string> } | string {
    if (post.kind === 'webhook') {
      if (!sub) return 'subscription deleted';
      if (!sub.active || sub.temporarilyDisabled) return 'subscription disabled';
      const headers: Record<string, string> = {};
      for (const h of sub.customHeaders) headers[h.name.toLowerCase()] = h.value;
      return {
        url: sub.url,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'user-agent': 'PagerDuty-Webhook/V3.0',
          'x-webhook-id': post.id,
          'x-webhook-subscription': sub.id,
          'x-pagerduty-signature': signatureHeader(sub.secret, post.body),
        },
      };
    }
    const url = deps.chat[post.kind as ChatKind];
    return url ? { url, headers: { 'content-type': 'application/json' } } : `${post.kind} is not configured`;
  }

  async function runOnce(now: Date): Promise<number> {
    const claimed = await deps.db.transaction((tx) => claimDuePosts(tx, now, batch, leaseMs));
    if (claimed.length === 0) return 0;
    const subIds = [...new Set(claimed.filter((p) => p.kind === 'webhook').map((p) => p.target))];
    const subs =
      subIds.length > 0
        ? await deps.db.select().from(webhookSubscriptions).where(inArray(webhookSubscriptions.id, subIds))
        : [];
    const subOf = new Map(subs.map((s) => [s.id, s]));
    // Posts of one target and incident are claimed one at a time (the order rule); the rest go in parallel.
    const results = await Promise.all(
      claimed.map(async (post): Promise<PostResult> => {
        const req = request(post, subOf.get(post.target));
        if (typeof req === 'string') return { ok: false, kind: 'refused', detail: req };
        return guardedPost(req.url, req.headers, post.body, deps.http);
      }),
    );
    await deps.db.transaction(async (tx) => {
      for (const [i, post] of claimed.entries()) {
        const r = results[i] as PostResult;
        const where = eq(outgoingPosts.seq, post.seq);
        if (r.ok) {
          await tx.delete(outgoingPosts).where(where);
          if (post.kind === 'webhook') {
            await tx
              .update(webhookSubscriptions)
              .set({ consecutiveDrops: 0 })
              .where(eq(webhookSubscriptions.id, post.target));
          }
          deps.log.debug({ postId: post.id, kind: post.kind, target: post.target }, 'post_delivered');
          continue;
        }
        if (retryable(r) && post.tries < deps.maxTries) {
          await tx
            .update(outgoingPosts)
            .set({
              state: 'pending',
              leaseUntil: null,
              detail: r.detail,
              nextAttemptAt: new Date(now.getTime() + postRetryDelayMs(post.tries)),
            })
            .where(where);
          continue;
        }
        await tx.update(outgoingPosts).set({ state: 'dropped', leaseUntil: null, detail: r.detail }).where(where);
        deps.log.warn({ postId: post.id, kind: post.kind, target: post.target, detail: r.detail }, 'post_dropped');
        if (post.kind !== 'webhook' || !subOf.has(post.target)) continue;
        const [sub] = await tx
          .update(webhookSubscriptions)
          .set({ consecutiveDrops: sql`${webhookSubscriptions.consecutiveDrops} + 1` })
          .where(eq(webhookSubscriptions.id, post.target))
          .returning();
        if (sub && sub.consecutiveDrops >= deps.dropsToDisable && !sub.temporarilyDisabled) {
          await tx
            .update(webhookSubscriptions)
            .set({ temporarilyDisabled: true })
            .where(eq(webhookSubscriptions.id, sub.id));
          await tx
            .update(outgoingPosts)
            .set({ state: 'dropped', detail: 'subscription temporarily disabled' })
            .where(and(eq(outgoingPosts.target, sub.id), eq(outgoingPosts.state, 'pending')));
          deps.log.warn({ subscriptionId: sub.id }, 'webhook_subscription_disabled');
        }
      }
    });
    return claimed.length;
  }

  return { runOnce };
}

export type PostDispatcher = ReturnType<typeof createPostDispatcher>;
