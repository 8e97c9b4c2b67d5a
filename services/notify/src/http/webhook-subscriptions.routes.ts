import type { Database } from '@klaxon/db';
import { newMessageId, newObjectId } from '@klaxon/ids';
import { httpError } from '@klaxon/kit';
import { ensureAllowed, listEnvelope, managesAccount, parsePage, principalOf } from '@klaxon/rest';
import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { outgoingPosts, type WebhookSubscriptionRow, webhookSubscriptions } from '../db';
import { envelope, subscribableEventTypes } from '../webhooks/envelope';
import { newWebhookSecret } from '../webhooks/signature';
import {
  type CreateBody,
  createSchema,
  deleteSchema,
  enableSchema,
  listSchema,
  pingSchema,
  showSchema,
  type UpdateBody,
  updateSchema,
} from './webhook-subscriptions.schemas';

/** The subscription as PagerDuty renders it; the secret only in the create response, header values redacted. */
export function subscriptionView(row: WebhookSubscriptionRow, showSecret = false) {
  return {
    id: row.id,
    type: 'webhook_subscription',
    active: row.active,
    delivery_method: {
      id: row.deliveryMethodId,
      secret: showSecret ? row.secret : null,
      temporarily_disabled: row.temporarilyDisabled,
      type: 'http_delivery_method',
      url: row.url,
      custom_headers: row.customHeaders.map((h) => ({ name: h.name, value: '-- redacted --' })),
    },
    description: row.description,
    events: row.events,
    filter:
      row.filterType === 'account_reference' ? { type: row.filterType } : { id: row.filterId, type: row.filterType },
  };
}

function checkEvents(events: readonly string[]): void {
  const unknown = events.filter((e) => !subscribableEventTypes.has(e));
  if (unknown.length > 0)
    throw httpError(
      'invalid_input',
      unknown.map((e) => `Event type ${e} is not supported`),
    );
}

function checkFilter(filter: { id?: string | undefined; type?: string | undefined }): void {
  if (filter.type !== 'account_reference' && !filter.id) {
    throw httpError('invalid_input', ['filter.id is required for service_reference and team_reference filters']);
  }
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw httpError('invalid_input', ['delivery_method.url must be a URL']);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw httpError('invalid_input', ['delivery_method.url must be an http or https URL']);
  }
}

// Webhook subscriptions are account configuration: owners, admins and managers change them.
const ensureManager = (request: Parameters<typeof principalOf>[0]) =>
  ensureAllowed(managesAccount(principalOf(request)), 'Only account managers may change webhook subscriptions');

/** `/webhook_subscriptions` as PagerDuty's REST API v2 serves it (create answers 200, as the spec says). */
export function webhookSubscriptionRoutes(
  app: FastifyInstance,
  deps: { db: Database; now: () => Date; queued: () => void },
) {
  const { db } = deps;

  async function find(id: string): Promise<WebhookSubscriptionRow> {
    const [row] = await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
    if (!row) throw httpError('not_found', ['Webhook subscription not found']);
    return row;
  }

  app.get('/webhook_subscriptions', { schema: listSchema }, async (request) => {
    const query = request.query as {
      limit?: number;
      offset?: number;
      total?: string;
      filter_type?: string;
      filter_id?: string;
    };
    const page = parsePage(query);
    const where: SQL[] = [];
    if (query.filter_type) where.push(eq(webhookSubscriptions.filterType, `${query.filter_type}_reference`));
    if (query.filter_id) where.push(eq(webhookSubscriptions.filterId, query.filter_id));
    const cond = where.length > 0 ? and(...where) : undefined;
    const rows = await db
      .select()
      .from(webhookSubscriptions)
      .where(cond)
      .orderBy(asc(webhookSubscriptions.createdAt), asc(webhookSubscriptions.id))
      .limit(page.limit + 1)
      .offset(page.offset);
    return listEnvelope(
      'webhook_subscriptions',
      page,
      rows.map((r) => subscriptionView(r)),
      async () => (await db.select({ n: count() }).from(webhookSubscriptions).where(cond))[0]?.n ?? 0,
    );
  });

  app.post('/webhook_subscriptions', { schema: createSchema }, async (request) => {
    ensureManager(request);
    const input = (request.body as CreateBody).webhook_subscription;
    checkEvents(input.events);
    checkFilter(input.filter);
    checkUrl(input.delivery_method.url);
    const [row] = await db
      .insert(webhookSubscriptions)
      .values({
        id: newObjectId(),
        deliveryMethodId: newObjectId(),
        description: input.description ?? null,
        events: input.events,
        filterType: input.filter.type,
        filterId: input.filter.type === 'account_reference' ? null : (input.filter.id ?? null),
        url: input.delivery_method.url,
        customHeaders: input.delivery_method.custom_headers ?? [],
        secret: newWebhookSecret(),
        active: input.active ?? true,
        createdAt: deps.now(),
      })
      .returning();
    if (!row) throw new Error('webhook subscription insert returned nothing');
    return { webhook_subscription: subscriptionView(row, true) };
  });

  app.get('/webhook_subscriptions/:id', { schema: showSchema }, async (request) => ({
    webhook_subscription: subscriptionView(await find((request.params as { id: string }).id)),
  }));

  app.put('/webhook_subscriptions/:id', { schema: updateSchema }, async (request) => {
    ensureManager(request);
    const current = await find((request.params as { id: string }).id);
    const input = (request.body as UpdateBody).webhook_subscription;
    if (input.events) checkEvents(input.events);
    const filter = input.filter ? { type: input.filter.type ?? current.filterType, id: input.filter.id } : undefined;
    if (filter) checkFilter(filter);
    const [row] = await db
      .update(webhookSubscriptions)
      .set({
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.events ? { events: input.events } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(filter
          ? { filterType: filter.type, filterId: filter.type === 'account_reference' ? null : (filter.id ?? null) }
          : {}),
      })
      .where(eq(webhookSubscriptions.id, current.id))
      .returning();
    if (!row) throw httpError('not_found', ['Webhook subscription not found']);
    return { webhook_subscription: subscriptionView(row) };
  });

  app.delete('/webhook_subscriptions/:id', { schema: deleteSchema }, async (request, reply) => {
    ensureManager(request);
    const current = await find((request.params as { id: string }).id);
    await db.transaction(async (tx) => {
      await tx.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, current.id));
      await tx
        .delete(outgoingPosts)
        .where(and(eq(outgoingPosts.kind, 'webhook'), eq(outgoingPosts.target, current.id)));
    });
    return reply.status(204).send();
  });

  app.post('/webhook_subscriptions/:id/enable', { schema: enableSchema }, async (request) => {
    ensureManager(request);
    const current = await find((request.params as { id: string }).id);
    const [row] = await db
      .update(webhookSubscriptions)
      .set({ temporarilyDisabled: false, consecutiveDrops: 0 })
      .where(eq(webhookSubscriptions.id, current.id))
      .returning();
    return { webhook_subscription: subscriptionView(row ?? current) };
  });

  app.post('/webhook_subscriptions/:id/ping', { schema: pingSchema }, async (request, reply) => {
    ensureManager(request);
    const current = await find((request.params as { id: string }).id);
    const now = deps.now();
    const id = newMessageId(now);
    await db.insert(outgoingPosts).values({
      id,
      kind: 'webhook',
      target: current.id,
      orderKey: `ping:${id}`,
      body: envelope({
        id,
        eventType: 'pagey.ping',
        resourceType: 'pagey',
        occurredAt: now,
        agent: null,
        data: { message: 'Hello from your friend Pagey!', type: 'ping' },
      }),
      state: 'pending',
      nextAttemptAt: now,
      createdAt: now,
    });
    deps.queued();
    return reply.status(202).send();
  });
}
