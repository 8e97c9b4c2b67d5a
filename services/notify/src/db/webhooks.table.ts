import { bigserial, boolean, index, integer, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import { notifySchema } from './schema';

export interface CustomHeader {
  name: string;
  value: string;
}

/** A webhooks v3 subscription (PagerDuty's WebhookSubscription). */
export const webhookSubscriptions = notifySchema.table('webhook_subscriptions', {
  id: text('id').primaryKey(),
  deliveryMethodId: text('delivery_method_id').notNull(),
  description: text('description'),
  events: text('events').array().notNull(),
  filterType: text('filter_type').notNull(),
  filterId: text('filter_id'),
  url: text('url').notNull(),
  customHeaders: jsonb('custom_headers').$type<CustomHeader[]>().notNull().default([]),
  /** Signs every payload; shown once, in the create response. */
  secret: text('secret').notNull(),
  active: boolean('active').notNull().default(true),
  /** Set after repeated dropped deliveries; `POST /webhook_subscriptions/{id}/enable` clears it. */
  temporarilyDisabled: boolean('temporarily_disabled').notNull().default(false),
  consecutiveDrops: integer('consecutive_drops').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export type WebhookSubscriptionRow = typeof webhookSubscriptions.$inferSelect;

/** pending (due at next_attempt_at), sending (leased), dropped (final failure). Delivered rows are deleted. */
export type DeliveryState = 'pending' | 'sending' | 'dropped';

/**
 * Outgoing HTTP posts, webhooks v3 and chat messages alike: delivered in `seq` order per
 * (target, order_key), an incident's later post waiting behind a retrying one.
 */
export const outgoingPosts = notifySchema.table(
  'outgoing_posts',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    /** The X-Webhook-Id: constant across retries, so receivers can dedupe. */
    id: text('id').notNull().unique(),
    /** webhook, slack or teams. */
    kind: text('kind').notNull(),
    /** The subscription id, or the chat channel's name. */
    target: text('target').notNull(),
    orderKey: text('order_key').notNull(),
    body: text('body').notNull(),
    state: text('state').$type<DeliveryState>().notNull(),
    tries: integer('tries').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    detail: text('detail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('outgoing_posts_due_idx').on(t.state, t.nextAttemptAt),
    index('outgoing_posts_order_idx').on(t.target, t.orderKey, t.seq),
  ],
);

export type OutgoingPostRow = typeof outgoingPosts.$inferSelect;
