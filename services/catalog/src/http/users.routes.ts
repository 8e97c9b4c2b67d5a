import { sql } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import {
  administersAccount,
  ensureAllowed,
  listEnvelope,
  parseIds,
  parseInclude,
  parsePage,
  principalOf,
} from '@klaxon/rest';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publishChange, publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import {
  apiTokens,
  contactMethods,
  countUsers,
  deleteHandoffRules,
  escalationTargets,
  findUser,
  findUserByEmail,
  handoffRules,
  listUsers,
  notificationRules,
  scheduleUsers,
  users,
} from '../db';
import { ensureTimeZone, invalid, notFound } from '../domain/checks';
import { publishUser } from '../snapshots';
import { userView } from '../views/user.view';
import { ensureActsForUser } from './user-access';
import {
  createUserSchema,
  deleteUserSchema,
  listUsersSchema,
  showMeSchema,
  showUserSchema,
  updateUserSchema,
} from './users.schemas';

interface UserInput {
  name?: string;
  email?: string;
  time_zone?: string;
  color?: string;
  role?: string;
  description?: string | null;
  job_title?: string | null;
}

type Query = Record<string, unknown> & { limit?: number; offset?: number; total?: string; query?: string };

export function userRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  async function render(id: string, include: ReadonlySet<string>) {
    const record = await findUser(db, id);
    if (!record) throw notFound('User');
    return userView(urls, record, include);
  }

  app.get('/users', { schema: listUsersSchema }, async (request) => {
    const query = request.query as Query;
    const page = parsePage(query);
    const filter = { query: query.query, teamIds: parseIds(query, 'team_ids') };
    const include = parseInclude(query);
    const records = await listUsers(db, filter, page.limit + 1, page.offset);
    return listEnvelope(
      'users',
      page,
      records.map((r) => userView(urls, r, include)),
      () => countUsers(db, filter),
    );
  });

  app.post('/users', { schema: createUserSchema }, async (request, reply) => {
    const principal = principalOf(request);
    ensureAllowed(administersAccount(principal), 'Only an owner or admin may add users');
    const input = (request.body as { user: UserInput }).user;
    if (input.role === 'owner') throw invalid('An account has one owner; a user cannot be created as owner');
    const timeZone = input.time_zone ?? 'Etc/UTC';
    ensureTimeZone(timeZone, 'time_zone');
    if (await findUserByEmail(db, input.email ?? '')) throw invalid('Email has already been taken');
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({
          id: newObjectId(),
          name: input.name ?? '',
          email: input.email ?? '',
          role: input.role ?? 'user',
          timeZone,
          color: input.color ?? null,
          description: input.description ?? null,
          jobTitle: input.job_title ?? null,
          createdAt: now,
        })
        .returning();
      if (!row) throw new Error('user insert returned nothing');
      const snapshot = await publishUser(tx, urls, row, now);
      return snapshot;
    });
    ctx.published();
    return reply.status(201).send({ user: view });
  });

  app.get('/users/me', { schema: showMeSchema }, async (request) => ({
    user: await render(principalOf(request).userId, parseInclude(request.query as Query)),
  }));

  app.get('/users/:id', { schema: showUserSchema }, async (request) => {
    const { id } = request.params as { id: string };
    return { user: await render(id, parseInclude(request.query as Query)) };
  });

  app.put('/users/:id', { schema: updateUserSchema }, async (request) => {
    const principal = principalOf(request);
    const { id } = request.params as { id: string };
    const input = (request.body as { user: UserInput }).user;
    const current = await findUser(db, id);
    if (!current) throw notFound('User');
    // Email, role and profile of a user ranked above the caller (the owner, for an admin) are theirs alone.
    ensureActsForUser(principal, current.user, 'You may only change your own profile');
    if (input.role !== undefined && input.role !== current.user.role) {
      ensureAllowed(administersAccount(principal), 'Only an owner or admin may change roles');
      if (input.role === 'owner' || current.user.role === 'owner') throw invalid("The owner's role cannot be changed");
    }
    if (input.time_zone !== undefined) ensureTimeZone(input.time_zone, 'time_zone');
    if (input.email !== undefined && input.email.toLowerCase() !== current.user.email.toLowerCase()) {
      if (await findUserByEmail(db, input.email)) throw invalid('Email has already been taken');
    }
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({
          name: input.name ?? current.user.name,
          email: input.email ?? current.user.email,
          role: input.role ?? current.user.role,
          timeZone: input.time_zone ?? current.user.timeZone,
          color: input.color ?? current.user.color,
          description: input.description === undefined ? current.user.description : input.description,
          jobTitle: input.job_title === undefined ? current.user.jobTitle : input.job_title,
          version: sql`${users.version} + 1`,
        })
        .where(eq(users.id, id))
        .returning();
      if (!row) throw notFound('User');
      const snapshot = userView(urls, { ...current, user: row });
      await publishChange(tx, { type: 'user', id, version: row.version }, snapshot, now);
      return snapshot;
    });
    ctx.published();
    return { user: view };
  });

  app.delete('/users/:id', { schema: deleteUserSchema }, async (request, reply) => {
    const principal = principalOf(request);
    const { id } = request.params as { id: string };
    ensureAllowed(administersAccount(principal), 'Only an owner or admin may remove users');
    const current = await findUser(db, id);
    if (!current) throw notFound('User');
    ensureActsForUser(principal, current.user, 'Only an owner or admin may remove users');
    if (current.user.role === 'owner') throw invalid('The account owner cannot be deleted');
    const [target] = await db.select().from(escalationTargets).where(eq(escalationTargets.targetId, id)).limit(1);
    if (target)
      throw invalid(`The user is a target of escalation policy ${target.policyId}; remove them from it first`);
    const [onSchedule] = await db.select().from(scheduleUsers).where(eq(scheduleUsers.userId, id)).limit(1);
    if (onSchedule) throw invalid(`The user is on schedule ${onSchedule.scheduleId}; remove them from it first`);
    const now = ctx.clock.now();
    await db.transaction(async (tx) => {
      // Children go first, explicitly, so their tombstones carry the versions they held.
      const tokens = await tx
        .delete(apiTokens)
        .where(eq(apiTokens.userId, id))
        .returning({ id: apiTokens.id, version: apiTokens.version });
      await publishTombstones(tx, 'api_token', tokens, now);
      const rules = await tx
        .delete(notificationRules)
        .where(eq(notificationRules.userId, id))
        .returning({ id: notificationRules.id, version: notificationRules.version });
      await publishTombstones(tx, 'notification_rule', rules, now);
      const handoffs = await deleteHandoffRules(tx, eq(handoffRules.userId, id));
      await publishTombstones(tx, 'oncall_handoff_notification_rule', handoffs, now);
      const methods = await tx
        .delete(contactMethods)
        .where(eq(contactMethods.userId, id))
        .returning({ id: contactMethods.id, version: contactMethods.version });
      await publishTombstones(tx, 'contact_method', methods, now);
      const gone = await tx.delete(users).where(eq(users.id, id)).returning({ id: users.id, version: users.version });
      await publishTombstones(tx, 'user', gone, now);
    });
    ctx.published();
    return reply.status(204).send();
  });
}
