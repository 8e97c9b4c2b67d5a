import path from 'node:path';
import { subscribeTo } from '@klaxon/bus';
import { topics } from '@klaxon/contracts';
import { runMigrations } from '@klaxon/db';
import { createRateLimiter, defaultPublicUrl, registerRestConventions } from '@klaxon/rest';
import { pipelineMetrics, replicateCatalog, type ServiceContext, startServiceRelay, watchRelay } from '@klaxon/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { createChannels } from './channels';
import type { EmailSettings } from './channels/email.channel';
import type { TwilioSettings } from './channels/twilio.channel';
import { incidentsChangedConsumer } from './consumers/incidents-changed.consumer';
import { notificationsRequestedConsumer } from './consumers/notifications-requested.consumer';
import { catalogReplica, outbox, outboxLease } from './db';
import { lookupToken } from './http/auth';
import { webhookSubscriptionRoutes } from './http/webhook-subscriptions.routes';
import { type Channels, createAttemptDispatcher } from './people/dispatcher';
import { planRequests } from './people/plan-requests';
import { startPollLoop } from './people/poll-loop';
import type { ChatKind } from './webhooks/chat';
import type { GuardedHttpOptions } from './webhooks/guarded-http';
import { applyIncidentChanges } from './webhooks/incident-changes';
import { createPostDispatcher } from './webhooks/post-dispatcher';

/**
 * The catalog entities notify keeps a replica of: users with their contact methods and notification
 * rules (who to reach, how), services (names in messages, teams for webhook filters), and the API
 * tokens that authenticate REST calls.
 */
export const notifyCatalogTypes = ['user', 'contact_method', 'notification_rule', 'service', 'api_token'] as const;

export interface NotifyOptions extends ServiceContext {
  /** The base URL clients use, for links in messages (default http://localhost:8080). */
  publicUrl?: string;
  /** Proxies whose X-Forwarded-Proto/-Host are believed (KLAXON_TRUSTED_PROXIES). */
  trustedProxies?: string;
  /** REST requests per minute per API token (PagerDuty: 960). */
  apiRateLimit?: number;
  /** How often due attempts and posts are polled, in ms; 0 = never (tests run the passes). Default 500. */
  pollMs?: number;
  /** At most one SMS and one call per user in this many seconds (default 60; 0 = off). */
  stormWindowSeconds?: number;
  email?: EmailSettings | undefined;
  twilio?: TwilioSettings | undefined;
  chat?: Partial<Record<ChatKind, string>>;
  http?: Partial<GuardedHttpOptions>;
  /** Replaces the adapters built from the settings (tests). */
  channels?: Partial<Channels>;
  /** Tries of a notification before its failure is final (default 5). */
  maxTries?: number;
  /** Tries of a webhook post before it is dropped (default 12, about 10 hours of backoff). */
  maxPostTries?: number;
  /** Receives the passes, for tests that drive time by hand. */
  workers?: (w: NotifyWorkers) => void;
}

export interface NotifyWorkers {
  /** Sends the notification attempts due at `now`; returns how many it handled. */
  sendDue(now: Date): Promise<number>;
  /** Delivers the webhook and chat posts due at `now`; returns how many it tried. */
  postDue(now: Date): Promise<number>;
}

/**
 * Notify: applies users' notification rules as durable attempts and sends them by email, SMS, voice
 * (push is recorded as unsupported); delivers webhooks v3 and chat posts; serves
 * `/webhook_subscriptions`. Consumes notifications.requested, incidents.changed and catalog.changes;
 * publishes notifications.delivered through its outbox.
 */
export const notifyPlugin: FastifyPluginAsync<NotifyOptions> = async (app, options) => {
  const { db, bus, log, clock } = options;
  await runMigrations(db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'notify' });
  const relay = startServiceRelay(options, { outbox, lease: outboxLease });
  // Outbox depth and consumer lag on /metrics.
  const metrics = pipelineMetrics(app.metrics);
  watchRelay(app, 'notify', options, outbox, relay);
  metrics.watchLag(options.bus, 'notify.requests', [topics.notificationsRequested.name]);
  metrics.watchLag(options.bus, 'notify.incidents', [topics.incidentsChanged.name]);
  const publicUrl = options.publicUrl ?? defaultPublicUrl;
  const chat = options.chat ?? {};
  const http: GuardedHttpOptions = { allowedHosts: [], timeoutMs: 5000, ...options.http };
  const channels = { ...createChannels(options), ...options.channels };
  const pollMs = options.pollMs ?? 500;

  const attempts = createAttemptDispatcher({
    db,
    log,
    channels,
    publicUrl,
    stormWindowMs: (options.stormWindowSeconds ?? 60) * 1000,
    maxTries: options.maxTries ?? 5,
    published: () => relay.wake(),
  });
  const posts = createPostDispatcher({ db, log, http, chat, maxTries: options.maxPostTries ?? 12, dropsToDisable: 3 });
  const sendLoop = startPollLoop('notify.attempts', attempts.runOnce, { pollMs, now: () => clock.now(), log });
  const postLoop = startPollLoop('notify.posts', posts.runOnce, { pollMs, now: () => clock.now(), log });
  options.workers?.({ sendDue: attempts.runOnce, postDue: posts.runOnce });

  const catalog = await replicateCatalog({
    ...options,
    table: catalogReplica,
    group: 'notify.catalog',
    entityTypes: notifyCatalogTypes,
  });
  const requests = await subscribeTo(bus, {
    group: 'notify.requests',
    topic: topics.notificationsRequested,
    batchHandler: notificationsRequestedConsumer({
      plan: (batch) => planRequests(db, batch, clock.now()),
      planned: () => sendLoop.wake(),
      log,
    }),
  });
  const incidents = await subscribeTo(bus, {
    group: 'notify.incidents',
    topic: topics.incidentsChanged,
    batchHandler: incidentsChangedConsumer({
      apply: (batch) => applyIncidentChanges({ db, publicUrl, chat }, batch, clock.now()),
      queued: () => postLoop.wake(),
      log,
    }),
  });

  registerRestConventions(app, {
    lookupToken: (hash) => lookupToken(db, hash),
    rateLimiter: createRateLimiter(options.apiRateLimit ? { limit: options.apiRateLimit } : {}),
    now: () => clock.now().getTime(),
    publicUrl: options.publicUrl,
    trustedProxies: options.trustedProxies,
  });
  webhookSubscriptionRoutes(app, { db, now: () => clock.now(), queued: () => postLoop.wake() });

  // Drain in dependency order: stop taking work, finish sends, then publish what they queued.
  app.addHook('onClose', async () => {
    await requests.stop();
    await incidents.stop();
    await catalog.stop();
    await sendLoop.stop();
    await postLoop.stop();
    for (const channel of Object.values(channels)) await channel.close?.();
    await relay.flush();
    await relay.stop();
  });
};
