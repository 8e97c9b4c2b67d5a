import { type Executor, sql } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import { parseInclude, principalOf } from '@klaxon/rest';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publishChange, publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import {
  type ContactMethodRow,
  contactMethods,
  deleteHandoffRules,
  findUser,
  handoffRules,
  notificationRules,
} from '../db';
import { invalid, notFound } from '../domain/checks';
import { validateContactAddress } from '../domain/contact-methods';
import { republishUser } from '../snapshots';
import { contactMethodView, notificationRuleView } from '../views/user.view';
import {
  contactMethodSchema,
  createContactMethodSchema,
  createNotificationRuleSchema,
  deleteContactMethodSchema,
  deleteNotificationRuleSchema,
  listContactMethodsSchema,
  listNotificationRulesSchema,
  notificationRuleSchema,
  updateContactMethodSchema,
  updateNotificationRuleSchema,
} from './contact-methods.schemas';
import { ensureOwnOrAdmin } from './user-access';

interface MethodInput {
  type?: string;
  label?: string;
  address?: string;
  country_code?: number;
  send_short_email?: boolean;
}
interface RuleInput {
  start_delay_in_minutes?: number;
  contact_method?: { id: string };
  urgency?: string;
}
type Params = { id: string; contact_method_id?: string; notification_rule_id?: string };

/** A user's contact methods and notification rules: the user themself, or an owner/admin, may change them. */
export function contactMethodRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  async function userOf(id: string) {
    const record = await findUser(db, id);
    if (!record) throw notFound('User');
    return record;
  }

  async function methodOf(ex: Executor, userId: string, id: string): Promise<ContactMethodRow> {
    const [row] = await ex
      .select()
      .from(contactMethods)
      .where(and(eq(contactMethods.id, id), eq(contactMethods.userId, userId)));
    if (!row) throw notFound('Contact method');
    return row;
  }

  app.get('/users/:id/contact_methods', { schema: listContactMethodsSchema }, async (request) => {
    const record = await userOf((request.params as Params).id);
    return { contact_methods: record.contactMethods.map((cm) => contactMethodView(urls, cm)) };
  });

  app.post('/users/:id/contact_methods', { schema: createContactMethodSchema }, async (request, reply) => {
    const { id } = request.params as Params;
    ensureOwnOrAdmin(principalOf(request), id);
    const record = await userOf(id);
    const input = (
      request.body as { contact_method: Required<Pick<MethodInput, 'type' | 'label' | 'address'>> & MethodInput }
    ).contact_method;
    validateContactAddress(input.type, input.address);
    if (record.contactMethods.some((cm) => cm.type === input.type && cm.address === input.address)) {
      throw invalid('User Contact method must be unique');
    }
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(contactMethods)
        .values({
          id: newObjectId(),
          userId: id,
          type: input.type,
          label: input.label,
          address: input.address,
          countryCode: input.country_code ?? null,
          sendShortEmail: input.send_short_email ?? false,
        })
        .returning();
      if (!row) throw new Error('contact method insert returned nothing');
      const snapshot = contactMethodView(urls, row);
      await publishChange(tx, { type: 'contact_method', id: row.id, version: row.version }, snapshot, now);
      await republishUser(tx, urls, id, now);
      return snapshot;
    });
    ctx.published();
    return reply.status(201).send({ contact_method: view });
  });

  app.get('/users/:id/contact_methods/:contact_method_id', { schema: contactMethodSchema }, async (request) => {
    const { id, contact_method_id } = request.params as Params;
    return { contact_method: contactMethodView(urls, await methodOf(db, id, contact_method_id ?? '')) };
  });

  app.put('/users/:id/contact_methods/:contact_method_id', { schema: updateContactMethodSchema }, async (request) => {
    const { id, contact_method_id } = request.params as Params;
    ensureOwnOrAdmin(principalOf(request), id);
    const current = await methodOf(db, id, contact_method_id ?? '');
    const input = (request.body as { contact_method: MethodInput }).contact_method;
    if (input.type !== undefined && input.type !== current.type) throw invalid('A contact method cannot change type');
    if (input.address !== undefined) validateContactAddress(current.type, input.address);
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(contactMethods)
        .set({
          label: input.label ?? current.label,
          address: input.address ?? current.address,
          countryCode: input.country_code ?? current.countryCode,
          sendShortEmail: input.send_short_email ?? current.sendShortEmail,
          version: sql`${contactMethods.version} + 1`,
        })
        .where(eq(contactMethods.id, current.id))
        .returning();
      if (!row) throw notFound('Contact method');
      const snapshot = contactMethodView(urls, row);
      await publishChange(tx, { type: 'contact_method', id: row.id, version: row.version }, snapshot, now);
      await republishUser(tx, urls, id, now);
      return snapshot;
    });
    ctx.published();
    return { contact_method: view };
  });

  app.delete(
    '/users/:id/contact_methods/:contact_method_id',
    { schema: deleteContactMethodSchema },
    async (request, reply) => {
      const { id, contact_method_id } = request.params as Params;
      ensureOwnOrAdmin(principalOf(request), id);
      const current = await methodOf(db, id, contact_method_id ?? '');
      const now = ctx.clock.now();
      await db.transaction(async (tx) => {
        const rules = await tx
          .delete(notificationRules)
          .where(eq(notificationRules.contactMethodId, current.id))
          .returning({ id: notificationRules.id, version: notificationRules.version });
        await publishTombstones(tx, 'notification_rule', rules, now);
        const handoffs = await deleteHandoffRules(tx, eq(handoffRules.contactMethodId, current.id));
        await publishTombstones(tx, 'oncall_handoff_notification_rule', handoffs, now);
        const gone = await tx
          .delete(contactMethods)
          .where(eq(contactMethods.id, current.id))
          .returning({ id: contactMethods.id, version: contactMethods.version });
        await publishTombstones(tx, 'contact_method', gone, now);
        await republishUser(tx, urls, id, now);
      });
      ctx.published();
      return reply.status(204).send();
    },
  );

  async function ruleOf(ex: Executor, userId: string, id: string) {
    const [row] = await ex
      .select()
      .from(notificationRules)
      .where(and(eq(notificationRules.id, id), eq(notificationRules.userId, userId)));
    if (!row) throw notFound('Notification rule');
    return row;
  }

  app.get('/users/:id/notification_rules', { schema: listNotificationRulesSchema }, async (request) => {
    const record = await userOf((request.params as Params).id);
    const query = request.query as { urgency?: string };
    const include = parseInclude(request.query as Record<string, unknown>);
    const methods = include.has('contact_methods') ? record.contactMethods : [];
    const rules = record.notificationRules
      .filter((r) => query.urgency === 'all' || r.urgency === (query.urgency ?? 'high'))
      .sort((a, b) => a.startDelayInMinutes - b.startDelayInMinutes);
    const views = rules.map((r) => {
      const view = notificationRuleView(urls, r, record.contactMethods);
      const full = methods.find((m) => m.id === r.contactMethodId);
      return full ? { ...view, contact_method: contactMethodView(urls, full) } : view;
    });
    return { notification_rules: views };
  });

  app.post('/users/:id/notification_rules', { schema: createNotificationRuleSchema }, async (request, reply) => {
    const { id } = request.params as Params;
    ensureOwnOrAdmin(principalOf(request), id);
    const record = await userOf(id);
    const input = (request.body as { notification_rule: Required<RuleInput> }).notification_rule;
    if (!record.contactMethods.some((m) => m.id === input.contact_method.id)) {
      throw invalid('contact_method must be one of the user’s contact methods');
    }
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(notificationRules)
        .values({
          id: newObjectId(),
          userId: id,
          startDelayInMinutes: input.start_delay_in_minutes,
          contactMethodId: input.contact_method.id,
          urgency: input.urgency,
        })
        .returning();
      if (!row) throw new Error('notification rule insert returned nothing');
      const snapshot = notificationRuleView(urls, row, record.contactMethods);
      await publishChange(tx, { type: 'notification_rule', id: row.id, version: row.version }, snapshot, now);
      await republishUser(tx, urls, id, now);
      return snapshot;
    });
    ctx.published();
    return reply.status(201).send({ notification_rule: view });
  });

  app.get(
    '/users/:id/notification_rules/:notification_rule_id',
    { schema: notificationRuleSchema },
    async (request) => {
      const { id, notification_rule_id } = request.params as Params;
      const record = await userOf(id);
      const rule = await ruleOf(db, id, notification_rule_id ?? '');
      return { notification_rule: notificationRuleView(urls, rule, record.contactMethods) };
    },
  );

  app.put(
    '/users/:id/notification_rules/:notification_rule_id',
    { schema: updateNotificationRuleSchema },
    async (request) => {
      const { id, notification_rule_id } = request.params as Params;
      ensureOwnOrAdmin(principalOf(request), id);
      const record = await userOf(id);
      const current = await ruleOf(db, id, notification_rule_id ?? '');
      const input = (request.body as { notification_rule: RuleInput }).notification_rule;
      const methodId = input.contact_method?.id ?? current.contactMethodId;
      if (!record.contactMethods.some((m) => m.id === methodId)) {
        throw invalid('contact_method must be one of the user’s contact methods');
      }
      const now = ctx.clock.now();
      const view = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(notificationRules)
          .set({
            startDelayInMinutes: input.start_delay_in_minutes ?? current.startDelayInMinutes,
            contactMethodId: methodId,
            urgency: input.urgency ?? current.urgency,
            version: sql`${notificationRules.version} + 1`,
          })
          .where(eq(notificationRules.id, current.id))
          .returning();
        if (!row) throw notFound('Notification rule');
        const snapshot = notificationRuleView(urls, row, record.contactMethods);
        await publishChange(tx, { type: 'notification_rule', id: row.id, version: row.version }, snapshot, now);
        await republishUser(tx, urls, id, now);
        return snapshot;
      });
      ctx.published();
      return { notification_rule: view };
    },
  );

  app.delete(
    '/users/:id/notification_rules/:notification_rule_id',
    { schema: deleteNotificationRuleSchema },
    async (request, reply) => {
      const { id, notification_rule_id } = request.params as Params;
      ensureOwnOrAdmin(principalOf(request), id);
      const current = await ruleOf(db, id, notification_rule_id ?? '');
      const now = ctx.clock.now();
      await db.transaction(async (tx) => {
        const gone = await tx
          .delete(notificationRules)
          .where(eq(notificationRules.id, current.id))
          .returning({ id: notificationRules.id, version: notificationRules.version });
        await publishTombstones(tx, 'notification_rule', gone, now);
        await republishUser(tx, urls, id, now);
      });
      ctx.published();
      return reply.status(204).send();
    },
  );
}
