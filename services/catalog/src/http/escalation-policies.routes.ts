import { type Executor, sql } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import {
  ensureAllowed,
  listEnvelope,
  managesTeams,
  parseIds,
  parseInclude,
  parsePage,
  principalOf,
} from '@klaxon/rest';
import { eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import {
  countPolicies,
  escalationPolicies,
  existingUserIds,
  findPolicy,
  indexTargets,
  listPolicies,
  type StoredRule,
  schedules,
  teams,
} from '../db';
import { invalid, missing, notFound } from '../domain/checks';
import { normalizeRules, type RuleInput, targetIds } from '../domain/escalation-rules';
import { publishPolicy, republishServicesOf } from '../snapshots';
import { escalationPolicyView } from '../views/escalation-policy.view';
import {
  createPolicySchema,
  deletePolicySchema,
  listPoliciesSchema,
  showPolicySchema,
  updatePolicySchema,
} from './escalation-policies.schemas';

interface PolicyInput {
  name?: string;
  description?: string | null;
  num_loops?: number;
  on_call_handoff_notifications?: string;
  escalation_rules?: RuleInput[];
  teams?: { id: string }[] | null;
}

type Query = Record<string, unknown> & {
  limit?: number;
  offset?: number;
  total?: string;
  query?: string;
  sort_by?: string;
};

/** Every user and schedule a policy targets must exist: no dangling references. */
async function checkTargets(ex: Executor, rules: StoredRule[]): Promise<void> {
  const wanted = targetIds(rules);
  const users = await existingUserIds(ex, wanted.users);
  const foundSchedules = wanted.schedules.length
    ? await ex.select({ id: schedules.id }).from(schedules).where(inArray(schedules.id, wanted.schedules))
    : [];
  const absent = [
    ...missing(wanted.users, users).map((id) => `user ${id}`),
    ...missing(
      wanted.schedules,
      foundSchedules.map((s) => s.id),
    ).map((id) => `schedule ${id}`),
  ];
  if (absent.length) throw invalid(`escalation_rules target what does not exist: ${absent.join(', ')}`);
}

async function checkTeam(ex: Executor, teamId: string | null): Promise<void> {
  if (teamId === null) return;
  const [team] = await ex.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  if (!team) throw invalid(`team ${teamId} does not exist`);
}

export function escalationPolicyRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  app.get('/escalation_policies', { schema: listPoliciesSchema }, async (request) => {
    const query = request.query as Query;
    const page = parsePage(query);
    const filter = {
      query: query.query,
      userIds: parseIds(query, 'user_ids'),
      teamIds: parseIds(query, 'team_ids'),
      descending: query.sort_by === 'name:desc',
    };
    const include = parseInclude(query);
    const records = await listPolicies(db, filter, page.limit + 1, page.offset);
    return listEnvelope(
      'escalation_policies',
      page,
      records.map((r) => escalationPolicyView(urls, r, include)),
      () => countPolicies(db, filter),
    );
  });

  app.get('/escalation_policies/:id', { schema: showPolicySchema }, async (request) => {
    const record = await findPolicy(db, (request.params as { id: string }).id);
    if (!record) throw notFound('Escalation policy');
    return { escalation_policy: escalationPolicyView(urls, record, parseInclude(request.query as Query)) };
  });

  app.post('/escalation_policies', { schema: createPolicySchema }, async (request, reply) => {
    const p = principalOf(request);
    const input = (
      request.body as { escalation_policy: Required<Pick<PolicyInput, 'name' | 'escalation_rules'>> & PolicyInput }
    ).escalation_policy;
    const teamId = input.teams?.[0]?.id ?? null;
    ensureAllowed(managesTeams(p, teamId ? [teamId] : []), 'You may only create policies for teams you manage');
    const rules = normalizeRules(input.escalation_rules, new Set(), newObjectId);
    await checkTargets(db, rules);
    await checkTeam(db, teamId);
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(escalationPolicies)
        .values({
          id: newObjectId(),
          name: input.name,
          description: input.description ?? null,
          numLoops: input.num_loops ?? 0,
          onCallHandoffNotifications: input.on_call_handoff_notifications ?? 'if_has_services',
          rules,
          teamId,
        })
        .returning();
      if (!row) throw new Error('policy insert returned nothing');
      await indexTargets(tx, row.id, rules);
      const snapshot = await publishPolicy(tx, urls, row, now);
      return snapshot;
    });
    ctx.published();
    return reply.status(201).send({ escalation_policy: view });
  });

  app.put('/escalation_policies/:id', { schema: updatePolicySchema }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params as { id: string };
    const current = await findPolicy(db, id);
    if (!current) throw notFound('Escalation policy');
    const old = current.policy;
    ensureAllowed(managesTeams(p, old.teamId ? [old.teamId] : []), 'You may only change policies of teams you manage');
    const input = (request.body as { escalation_policy: PolicyInput }).escalation_policy;
    const teamId = input.teams === undefined ? old.teamId : (input.teams?.[0]?.id ?? null);
    if (teamId !== old.teamId) {
      ensureAllowed(managesTeams(p, teamId ? [teamId] : []), 'You may only move policies to teams you manage');
      await checkTeam(db, teamId);
    }
    const rules = input.escalation_rules
      ? normalizeRules(input.escalation_rules, new Set(old.rules.map((r) => r.id)), newObjectId)
      : old.rules;
    await checkTargets(db, rules);
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(escalationPolicies)
        .set({
          name: input.name ?? old.name,
          description: input.description === undefined ? old.description : input.description,
          numLoops: input.num_loops ?? old.numLoops,
          onCallHandoffNotifications: input.on_call_handoff_notifications ?? old.onCallHandoffNotifications,
          rules,
          teamId,
          version: sql`${escalationPolicies.version} + 1`,
        })
        .where(eq(escalationPolicies.id, id))
        .returning();
      if (!row) throw notFound('Escalation policy');
      await indexTargets(tx, id, rules);
      const snapshot = await publishPolicy(tx, urls, row, now);
      // A service's snapshot names its policy and takes its teams from it.
      if (teamId !== old.teamId || row.name !== old.name) await republishServicesOf(tx, urls, id, now);
      return snapshot;
    });
    ctx.published();
    return { escalation_policy: view };
  });

  app.delete('/escalation_policies/:id', { schema: deletePolicySchema }, async (request, reply) => {
    const p = principalOf(request);
    const { id } = request.params as { id: string };
    const current = await findPolicy(db, id);
    if (!current) throw notFound('Escalation policy');
    ensureAllowed(
      managesTeams(p, current.policy.teamId ? [current.policy.teamId] : []),
      'You may only delete policies of teams you manage',
    );
    if (current.services.length > 0) {
      throw invalid(
        `Escalation Policy is in use by one or more services: ${current.services.map((s) => s.id).join(', ')}`,
      );
    }
    const now = ctx.clock.now();
    await db.transaction(async (tx) => {
      const gone = await tx
        .delete(escalationPolicies)
        .where(eq(escalationPolicies.id, id))
        .returning({ id: escalationPolicies.id, version: escalationPolicies.version });
      await publishTombstones(tx, 'escalation_policy', gone, now);
    });
    ctx.published();
    return reply.status(204).send();
  });
}
