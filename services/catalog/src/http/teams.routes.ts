import { sql } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import {
  ensureAllowed,
  listEnvelope,
  managesAccount,
  managesTeams,
  parseInclude,
  parsePage,
  principalOf,
} from '@klaxon/rest';
import { and, asc, count, eq, ilike, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publishChange, publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import { escalationPolicies, findUser, teamMembers, teams, users } from '../db';
import { invalid, notFound } from '../domain/checks';
import { republishPolicy, republishServicesOf, republishUser } from '../snapshots';
import { teamView } from '../views/team.view';
import { userView } from '../views/user.view';
import {
  createTeamSchema,
  deleteMemberSchema,
  deleteTeamSchema,
  listMembersSchema,
  listTeamsSchema,
  putMemberSchema,
  showTeamSchema,
  teamPolicySchema,
  updateTeamSchema,
} from './teams.schemas';

interface TeamInput {
  name?: string;
  description?: string | null;
  default_role?: string;
  parent?: { id: string } | null;
}
type Query = { limit?: number; offset?: number; total?: string; query?: string };

export function teamRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  async function teamOf(id: string) {
    const [row] = await db.select().from(teams).where(eq(teams.id, id));
    if (!row) throw notFound('Team');
    return row;
  }
  async function parentOf(parentId: string | null) {
    return parentId ? (await db.select().from(teams).where(eq(teams.id, parentId)))[0] : undefined;
  }

  app.get('/teams', { schema: listTeamsSchema }, async (request) => {
    const query = request.query as Query;
    const page = parsePage(query);
    const where = query.query ? ilike(teams.name, `%${query.query}%`) : undefined;
    const rows = await db
      .select()
      .from(teams)
      .where(where)
      .orderBy(asc(teams.name), asc(teams.id))
      .limit(page.limit + 1)
      .offset(page.offset);
    const parentIds = [...new Set(rows.map((t) => t.parentId).filter((id): id is string => id !== null))];
    const parentRows = parentIds.length ? await db.select().from(teams).where(inArray(teams.id, parentIds)) : [];
    const parents = new Map(parentRows.map((t) => [t.id, t]));
    return listEnvelope(
      'teams',
      page,
      rows.map((t) => teamView(urls, t, t.parentId ? parents.get(t.parentId) : undefined)),
      async () => (await db.select({ n: count() }).from(teams).where(where))[0]?.n ?? 0,
    );
  });

  app.get('/teams/:id', { schema: showTeamSchema }, async (request) => {
    const team = await teamOf((request.params as { id: string }).id);
    return { team: teamView(urls, team, await parentOf(team.parentId)) };
  });

  app.post('/teams', { schema: createTeamSchema }, async (request, reply) => {
    ensureAllowed(managesAccount(principalOf(request)), 'Only account managers may create teams');
    const input = (request.body as { team: TeamInput & { name: string } }).team;
    const parent = input.parent ? await parentOf(input.parent.id) : undefined;
    if (input.parent && !parent) throw invalid(`parent team ${input.parent.id} does not exist`);
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(teams)
        .values({
          id: newObjectId(),
          name: input.name,
          description: input.description ?? null,
          defaultRole: input.default_role ?? 'manager',
          parentId: parent?.id ?? null,
        })
        .returning();
      if (!row) throw new Error('team insert returned nothing');
      const snapshot = teamView(urls, row, parent);
      await publishChange(tx, { type: 'team', id: row.id, version: row.version }, snapshot, now);
      return snapshot;
    });
    ctx.published();
    return reply.status(201).send({ team: view });
  });

  app.put('/teams/:id', { schema: updateTeamSchema }, async (request) => {
    const { id } = request.params as { id: string };
    ensureAllowed(managesTeams(principalOf(request), [id]), 'You may only change teams you manage');
    const current = await teamOf(id);
    const input = (request.body as { team: TeamInput }).team;
    const parentId = input.parent === undefined ? current.parentId : (input.parent?.id ?? null);
    if (parentId === id) throw invalid('A team cannot be its own parent');
    const parent = await parentOf(parentId);
    if (parentId && !parent) throw invalid(`parent team ${parentId} does not exist`);
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(teams)
        .set({
          name: input.name ?? current.name,
          description: input.description === undefined ? current.description : input.description,
          defaultRole: input.default_role ?? current.defaultRole,
          parentId,
          version: sql`${teams.version} + 1`,
        })
        .where(eq(teams.id, id))
        .returning();
      if (!row) throw notFound('Team');
      const snapshot = teamView(urls, row, parent);
      await publishChange(tx, { type: 'team', id, version: row.version }, snapshot, now);
      return snapshot;
    });
    ctx.published();
    return { team: view };
  });

  app.delete('/teams/:id', { schema: deleteTeamSchema }, async (request, reply) => {
    const { id } = request.params as { id: string };
    ensureAllowed(managesTeams(principalOf(request), [id]), 'You may only delete teams you manage');
    const _current = await teamOf(id);
    const reassignTo = (request.query as { reassignment_team?: string }).reassignment_team ?? null;
    if (reassignTo) await teamOf(reassignTo);
    const policies = await db
      .select({ id: escalationPolicies.id })
      .from(escalationPolicies)
      .where(eq(escalationPolicies.teamId, id));
    const members = await db.select({ userId: teamMembers.userId }).from(teamMembers).where(eq(teamMembers.teamId, id));
    const now = ctx.clock.now();
    await db.transaction(async (tx) => {
      // The team's policies (and so its services) move to the reassignment team, or to no team.
      await tx.update(escalationPolicies).set({ teamId: reassignTo }).where(eq(escalationPolicies.teamId, id));
      const gone = await tx.delete(teams).where(eq(teams.id, id)).returning({ id: teams.id, version: teams.version });
      await publishTombstones(tx, 'team', gone, now);
      for (const p of policies) {
        await republishPolicy(tx, urls, p.id, now);
        await republishServicesOf(tx, urls, p.id, now);
      }
      for (const m of members) await republishUser(tx, urls, m.userId, now);
    });
    ctx.published();
    return reply.status(204).send();
  });

  app.get('/teams/:id/members', { schema: listMembersSchema }, async (request) => {
    const { id } = request.params as { id: string };
    await teamOf(id);
    const query = request.query as Query & Record<string, unknown>;
    const page = parsePage(query);
    const include = parseInclude(query);
    const rows = await db
      .select({ user: users, role: teamMembers.role })
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(eq(teamMembers.teamId, id))
      .orderBy(asc(users.name), asc(users.id))
      .limit(page.limit + 1)
      .offset(page.offset);
    const members = await Promise.all(
      rows.map(async (r) => {
        const record = include.has('users') ? await findUser(db, r.user.id) : undefined;
        return { user: record ? userView(urls, record) : urls.ref('user', r.user.id, r.user.name), role: r.role };
      }),
    );
    return listEnvelope('members', page, members, async () => {
      const [row] = await db.select({ n: count() }).from(teamMembers).where(eq(teamMembers.teamId, id));
      return row?.n ?? 0;
    });
  });

  app.put('/teams/:id/users/:user_id', { schema: putMemberSchema }, async (request, reply) => {
    const { id, user_id } = request.params as { id: string; user_id: string };
    ensureAllowed(managesTeams(principalOf(request), [id]), 'You may only change members of teams you manage');
    await teamOf(id);
    if (!(await findUser(db, user_id))) throw notFound('User');
    const role = (request.body as { role?: string } | undefined)?.role ?? 'manager';
    const now = ctx.clock.now();
    await db.transaction(async (tx) => {
      await tx
        .insert(teamMembers)
        .values({ teamId: id, userId: user_id, role })
        .onConflictDoUpdate({ target: [teamMembers.teamId, teamMembers.userId], set: { role } });
      await republishUser(tx, urls, user_id, now);
    });
    ctx.published();
    return reply.status(204).send();
  });

  app.delete('/teams/:id/users/:user_id', { schema: deleteMemberSchema }, async (request, reply) => {
    const { id, user_id } = request.params as { id: string; user_id: string };
    ensureAllowed(managesTeams(principalOf(request), [id]), 'You may only change members of teams you manage');
    await teamOf(id);
    const now = ctx.clock.now();
    const removed = await db.transaction(async (tx) => {
      const rows = await tx
        .delete(teamMembers)
        .where(and(eq(teamMembers.teamId, id), eq(teamMembers.userId, user_id)))
        .returning();
      if (rows.length) await republishUser(tx, urls, user_id, now);
      return rows.length;
    });
    if (!removed) throw notFound('Team member');
    ctx.published();
    return reply.status(204).send();
  });

  async function setPolicyTeam(request: Parameters<typeof principalOf>[0], teamId: string | null) {
    const { id, escalation_policy_id } = request.params as { id: string; escalation_policy_id: string };
    const p = principalOf(request);
    ensureAllowed(managesTeams(p, [id]), 'You may only change policies of teams you manage');
    await teamOf(id);
    const [policy] = await db.select().from(escalationPolicies).where(eq(escalationPolicies.id, escalation_policy_id));
    if (!policy) throw notFound('Escalation policy');
    if (policy.teamId && policy.teamId !== id) {
      ensureAllowed(managesTeams(p, [policy.teamId]), 'The policy belongs to a team you do not manage');
    }
    if (teamId === null && policy.teamId !== id) return;
    const now = ctx.clock.now();
    await db.transaction(async (tx) => {
      await tx.update(escalationPolicies).set({ teamId }).where(eq(escalationPolicies.id, policy.id));
      await republishPolicy(tx, urls, policy.id, now);
      await republishServicesOf(tx, urls, policy.id, now);
    });
    ctx.published();
  }

  app.put(
    '/teams/:id/escalation_policies/:escalation_policy_id',
    { schema: teamPolicySchema },
    async (request, reply) => {
      await setPolicyTeam(request, (request.params as { id: string }).id);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/teams/:id/escalation_policies/:escalation_policy_id',
    { schema: teamPolicySchema },
    async (request, reply) => {
      await setPolicyTeam(request, null);
      return reply.status(204).send();
    },
  );
}
