import path from 'node:path';
import { subscribeTo } from '@klaxon/bus';
import { topics } from '@klaxon/contracts';
import type { OutboxRelay } from '@klaxon/db';
import { runMigrations } from '@klaxon/db';
import { createRateLimiter, defaultPublicUrl, registerRestConventions } from '@klaxon/rest';
import {
  drainOnClose,
  pipelineMetrics,
  runsBackground,
  type ServiceContext,
  startServiceRelay,
  watchRelay,
} from '@klaxon/runtime';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createChannels } from './channels';
import type { EmailSettings } from './channels/email.channel';
import type { TwilioSettings } from './channels/twilio.channel';
import { incidentsChangedConsumer } from './consumers/incidents-changed.consumer';
import { notificationsRequestedConsumer } from './consumers/notifications-requested.consumer';
import { outbox, outboxLease } from './db';
import { lookupToken } from './http/auth';
import { twilioStatusPath, twilioStatusRoutes } from './http/twilio-status.routes';
import { webhookSubscriptionRoutes } from './http/webhook-subscriptions.routes';
import type { ActionLinkSettings } from './people/action-links';
import { type Channels, createAttemptDispatcher } from './people/dispatcher';
import { planRequests } from './people/plan-requests';
import { startPollLoop } from './people/poll-loop';
import type { ChatKind } from './webhooks/chat';
import type { GuardedHttpOptions } from './webhooks/guarded-http';
import { applyIncidentChanges } from './webhooks/incident-changes';
import { createPostDispatcher } from './webhooks/post-dispatcher';
import { applyCatalogMessage } from './webhooks/service-changes';

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
  /** Signs one-click acknowledge/resolve links (grouping verifies them); unset: no action links. */
  actionLinks?: ActionLinkSettings | undefined;
  email?: EmailSettings | undefined;
  twilio?: TwilioSettings | undefined;
  chat?: Partial<Record<ChatKind, string>>;
  http?: Partial<GuardedHttpOptions>;
  /** Replaces the adapters built from the settings (tests). */
  channels?: Partial<Channels>;
  /**
   * How long a claimed notification is held by its sender before another may send it (default
   * 120 s): a sender that died mid-send delays its in-flight notifications this long.
   */
  sendLeaseMs?: number;
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
  const { db, clock } = options;
  await runMigrations(db, { folder: path.join(__dirname, '..', 'drizzle'), schema: 'notify' });
  const relay = startServiceRelay(options, { outbox, lease: outboxLease, owner: 'notify' });
  const publicUrl = options.publicUrl ?? defaultPublicUrl;
  // Twilio reports delivery only to a URL it can reach: the configured public one.
  const statusCallbackBase = options.publicUrl;
  const background = runsBackground(options)
    ? await startBackground(app, options, relay, statusCallbackBase)
    : undefined;
  // Without the background here (the all-in-one's serving thread), its poll finds new posts.
  const postsQueued = () => background?.postsQueued();

  registerRestConventions(app, {
    lookupToken: (hash) => lookupToken(db, hash),
    rateLimiter: createRateLimiter(options.apiRateLimit ? { limit: options.apiRateLimit } : {}),
    now: () => clock.now().getTime(),
    publicUrl: options.publicUrl,
    trustedProxies: options.trustedProxies,
  });
  webhookSubscriptionRoutes(app, { db, now: () => clock.now(), queued: postsQueued });
  twilioStatusRoutes(app, {
    db,
    now: () => clock.now(),
    authToken: statusCallbackBase ? options.twilio?.authToken : undefined,
    base: statusCallbackBase ?? publicUrl,
    published: () => relay.wake(),
  });

  drainOnClose(app, relay, background);
};

/** The consumers, the send and post loops and the channels: what notify does besides answering HTTP. */
async function startBackground(
  app: FastifyInstance,
  options: NotifyOptions,
  relay: OutboxRelay,
  statusCallbackBase: string | undefined,
) {
  const { db, bus, log, clock } = options;
  // Outbox depth and consumer lag on /metrics.
  const metrics = pipelineMetrics(app.metrics);
  watchRelay(app, 'notify', options, outbox, relay);
  metrics.watchLag(options.bus, 'notify.requests', [topics.notificationsRequested.name]);
  metrics.watchLag(options.bus, 'notify.incidents', [topics.incidentsChanged.name]);
  const publicUrl = options.publicUrl ?? defaultPublicUrl;
  const chat = options.chat ?? {};
  const http: GuardedHttpOptions = { allowedHosts: [], timeoutMs: 5000, ...options.http };
  const twilio = options.twilio && {
    ...options.twilio,
    statusCallback: statusCallbackBase
      ? (key: string) => `${statusCallbackBase.replace(/\/$/, '')}${twilioStatusPath(key)}`
      : undefined,
  };
  const channels = { ...createChannels({ ...options, twilio }), ...options.channels };
  const pollMs = options.pollMs ?? 500;

  const attempts = createAttemptDispatcher({
    db,
    log,
    channels,
    publicUrl,
    actionLinks: options.actionLinks,
    stormWindowMs: (options.stormWindowSeconds ?? 60) * 1000,
    maxTries: options.maxTries ?? 5,
    ...(options.sendLeaseMs ? { leaseMs: options.sendLeaseMs } : {}),
    published: () => relay.wake(),
  });
  const posts = createPostDispatcher({ db, log, http, chat, maxTries: options.maxPostTries ?? 12, dropsToDisable: 3 });
  const sendLoop = startPollLoop('notify.attempts', attempts.runOnce, { pollMs, now: () => clock.now(), log });
  const postLoop = startPollLoop('notify.posts', posts.runOnce, { pollMs, now: () => clock.now(), log });
  options.workers?.({ sendDue: attempts.runOnce, postDue: posts.runOnce });

  // The catalog replica, plus service.created/updated/deleted webhooks from the service changes.
  const wanted = new Set<string>(notifyCatalogTypes);
  const catalog = await subscribeTo(bus, {
    group: 'notify.catalog',
    topic: topics.catalogChanges,
    handler: async (change) => {
      if (!wanted.has(change.entityType)) return 'drop';
      try {
        if ((await applyCatalogMessage(db, change, clock.now())) > 0) postLoop.wake();
      } catch (err) {
        // A snapshot that is not JSON never will be; anything else (database away) is retried by the bus.
        if (err instanceof SyntaxError) return 'dead-letter';
        throw err;
      }
      return 'ok';
    },
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
  return {
    postsQueued: () => postLoop.wake(),
    async stop() {
      await requests.stop();
      await incidents.stop();
      await catalog.stop();
      await sendLoop.stop();
      await postLoop.stop();
      for (const channel of Object.values(channels)) await channel.close?.();
    },
  };
}
