import { type Executor, sql } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import { principalOf } from '@klaxon/rest';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publishChange, publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import {
  deleteHandoffRules,
  findHandoffRule,
  findUser,
  type HandoffRuleRow,
  handoffRules,
  handoffRulesOf,
} from '../db';
import { invalid, notFound } from '../domain/checks';
import type { UserRecord } from '../views/user.view';
import { handoffRuleSnapshot, handoffRuleView } from '../views/user.view';
import {
  createHandoffRuleSchema,
  deleteHandoffRuleSchema,
  handoffRuleSchema,
  listHandoffRulesSchema,
  updateHandoffRuleSchema,
} from './handoff-rules.schemas';
import { ensureOwnOrAdmin } from './user-access';

interface RuleInput {
  notify_advance_in_minutes?: number;
  handoff_type?: string;
  contact_method?: { id: string };
}
type Params = { id: string; oncall_handoff_notification_rule_id?: string };
const ROOT = 'oncall_handoff_notification_rule';

/**
 * `/users/{id}/oncall_handoff_notification_rules`: when and how a user hears that they go on or off
 * call. Anyone may read them; the user themself, or an owner/admin, may change them. Every change is
 * published on catalog.changes for escalation, which plans the handoffs.
 */
export function handoffRuleRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  async function userOf(id: string): Promise<UserRecord> {
    const record = await findUser(db, id);
    if (!record) throw notFound('User');
    return record;
  }
  async function ruleOf(userId: string, id: string) {
    const rule = await findHandoffRule(db, userId, id);
    if (!rule) throw notFound('Handoff notification rule');
    return rule;
  }
  /** Queues the rule's snapshot on catalog.changes in the writing transaction; returns its view. */
  async function publishRule(tx: Executor, row: HandoffRuleRow, record: UserRecord, now: Date) {
    const snapshot = handoffRuleSnapshot(urls, row, record.contactMethods);
    await publishChange(tx, { type: ROOT, id: row.id, version: row.version }, snapshot, now);
    return handoffRuleView(urls, row, record.contactMethods);
  }
  const ensureOwnMethod = (record: UserRecord, methodId: string) => {
    if (!record.contactMethods.some((m) => m.id === methodId))
      throw invalid('contact_method must be one of the user’s contact methods');
  };

  app.get('/users/:id/oncall_handoff_notification_rules', { schema: listHandoffRulesSchema }, async (request) => {
    const record = await userOf((request.params as Params).id);
    const rules = await handoffRulesOf(db, record.user.id);
    return { oncall_handoff_notification_rules: rules.map((r) => handoffRuleView(urls, r, record.contactMethods)) };
  });

  app.post(
    '/users/:id/oncall_handoff_notification_rules',
    { schema: createHandoffRuleSchema },
    async (request, reply) => {
      const { id } = request.params as Params;
      ensureOwnOrAdmin(principalOf(request), id);
      const record = await userOf(id);
      const input = (request.body as Record<typeof ROOT, Required<Pick<RuleInput, 'contact_method'>> & RuleInput>)[
        ROOT
      ];
      ensureOwnMethod(record, input.contact_method.id);
      const now = ctx.clock.now();
      const view = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(handoffRules)
          .values({
            id: newObjectId(),
            userId: id,
            contactMethodId: input.contact_method.id,
            notifyAdvanceInMinutes: input.notify_advance_in_minutes ?? 0,
            handoffType: input.handoff_type ?? 'both',
          })
          .returning();
        if (!row) throw new Error('handoff rule insert returned nothing');
        return publishRule(tx, row, record, now);
      });
      ctx.published();
      return reply.status(201).send({ [ROOT]: view });
    },
  );

  app.get(
    '/users/:id/oncall_handoff_notification_rules/:oncall_handoff_notification_rule_id',
    { schema: handoffRuleSchema },
    async (request) => {
      const { id, oncall_handoff_notification_rule_id: ruleId } = request.params as Params;
      const record = await userOf(id);
      return { [ROOT]: handoffRuleView(urls, await ruleOf(id, ruleId ?? ''), record.contactMethods) };
    },
  );

  app.put(
    '/users/:id/oncall_handoff_notification_rules/:oncall_handoff_notification_rule_id',
    { schema: updateHandoffRuleSchema },
    async (request) => {
      const { id, oncall_handoff_notification_rule_id: ruleId } = request.params as Params;
      ensureOwnOrAdmin(principalOf(request), id);
      const record = await userOf(id);
      const current = await ruleOf(id, ruleId ?? '');
      const input = (request.body as Record<typeof ROOT, RuleInput>)[ROOT];
      const methodId = input.contact_method?.id ?? current.contactMethodId;
      ensureOwnMethod(record, methodId);
      const now = ctx.clock.now();
      const view = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(handoffRules)
          .set({
            contactMethodId: methodId,
            notifyAdvanceInMinutes: input.notify_advance_in_minutes ?? current.notifyAdvanceInMinutes,
            handoffType: input.handoff_type ?? current.handoffType,
            version: sql`${handoffRules.version} + 1`,
          })
          .where(eq(handoffRules.id, current.id))
          .returning();
        if (!row) throw notFound('Handoff notification rule');
        return publishRule(tx, row, record, now);
      });
      ctx.published();
      return { [ROOT]: view };
    },
  );

  app.delete(
    '/users/:id/oncall_handoff_notification_rules/:oncall_handoff_notification_rule_id',
    { schema: deleteHandoffRuleSchema },
    async (request, reply) => {
      const { id, oncall_handoff_notification_rule_id: ruleId } = request.params as Params;
      ensureOwnOrAdmin(principalOf(request), id);
      const current = await ruleOf(id, ruleId ?? '');
      const now = ctx.clock.now();
      await db.transaction(async (tx) => {
        const gone = await deleteHandoffRules(tx, eq(handoffRules.id, current.id));
        await publishTombstones(tx, ROOT, gone, now);
      });
      ctx.published();
      return reply.status(204).send();
    },
  );
}
