import { sql } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import { ensureAllowed, listEnvelope, managesSomeTeam, parsePage, principalOf } from '@klaxon/rest';
import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publishChange, publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import {
  countSchedules,
  existingUserIds,
  findSchedule,
  indexScheduleUsers,
  listSchedules,
  policiesTargeting,
  scheduleOverrides,
  schedules,
  users,
} from '../db';
import { ensureTimeZone, invalid, missing, notFound, parseInstant } from '../domain/checks';
import { type LayerInput, layerUserIds, normalizeLayers } from '../domain/schedule-layers';
import { publishSchedule } from '../snapshots';
import { overrideSnapshot, overrideView, scheduleView } from '../views/schedule.view';
import {
  createOverridesSchema,
  createScheduleSchema,
  deleteOverrideSchema,
  deleteScheduleSchema,
  listOverridesSchema,
  listSchedulesSchema,
  updateScheduleSchema,
} from './schedules.schemas';

interface ScheduleInput {
  name?: string;
  description?: string | null;
  time_zone?: string;
  schedule_layers?: LayerInput[];
}
interface OverrideInput {
  start: string;
  end: string;
  user: { id: string };
}

export function scheduleRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  async function checkUsers(ids: string[]) {
    const absent = missing(ids, await existingUserIds(db, ids));
    if (absent.length) throw invalid(`schedule_layers name users that do not exist: ${absent.join(', ')}`);
  }
  async function scheduleOf(id: string) {
    const record = await findSchedule(db, id);
    if (!record) throw notFound('Schedule');
    return record;
  }
  const ensureManages = (request: Parameters<typeof principalOf>[0]) =>
    ensureAllowed(managesSomeTeam(principalOf(request)), 'Only managers may change schedules');

  app.get('/schedules', { schema: listSchedulesSchema }, async (request) => {
    const query = request.query as { limit?: number; offset?: number; total?: string; query?: string };
    const page = parsePage(query);
    const records = await listSchedules(db, query.query, page.limit + 1, page.offset);
    return listEnvelope(
      'schedules',
      page,
      records.map((r) => scheduleView(urls, r)),
      () => countSchedules(db, query.query),
    );
  });

  // GET /schedules/{id} and /schedules/{id}/users are the escalation service's: it renders the
  // layers, overrides and final schedule from its replica of what this service publishes.

  app.post('/schedules', { schema: createScheduleSchema }, async (request, reply) => {
    ensureManages(request);
    const input = (
      request.body as { schedule: Required<Pick<ScheduleInput, 'time_zone' | 'schedule_layers'>> & ScheduleInput }
    ).schedule;
    ensureTimeZone(input.time_zone, 'time_zone');
    const layers = normalizeLayers(input.schedule_layers, new Set(), newObjectId);
    await checkUsers(layerUserIds(layers));
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const id = newObjectId();
      const [row] = await tx
        .insert(schedules)
        .values({
          id,
          name: input.name ?? 'Schedule',
          description: input.description ?? null,
          timeZone: input.time_zone,
          layers,
        })
        .returning();
      if (!row) throw new Error('schedule insert returned nothing');
      await indexScheduleUsers(tx, id, layers);
      const snapshot = await publishSchedule(tx, urls, row, now);
      return snapshot;
    });
    ctx.published();
    // PagerDuty documents 201 for this create (api-schema #497 notes the service really answers 200).
    return reply.status(201).send({ schedule: view });
  });

  app.put('/schedules/:id', { schema: updateScheduleSchema }, async (request) => {
    ensureManages(request);
    const { id } = request.params as { id: string };
    const current = (await scheduleOf(id)).schedule;
    const input = (request.body as { schedule: ScheduleInput }).schedule;
    if (input.time_zone !== undefined) ensureTimeZone(input.time_zone, 'time_zone');
    const layers = input.schedule_layers
      ? normalizeLayers(input.schedule_layers, new Set(current.layers.map((l) => l.id)), newObjectId)
      : current.layers;
    await checkUsers(layerUserIds(layers));
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(schedules)
        .set({
          name: input.name ?? current.name,
          description: input.description === undefined ? current.description : input.description,
          timeZone: input.time_zone ?? current.timeZone,
          layers,
          version: sql`${schedules.version} + 1`,
        })
        .where(eq(schedules.id, id))
        .returning();
      if (!row) throw notFound('Schedule');
      await indexScheduleUsers(tx, id, layers);
      const snapshot = await publishSchedule(tx, urls, row, now);
      return snapshot;
    });
    ctx.published();
    return { schedule: view };
  });

  app.delete('/schedules/:id', { schema: deleteScheduleSchema }, async (request, reply) => {
    ensureManages(request);
    const { id } = request.params as { id: string };
    const _current = (await scheduleOf(id)).schedule;
    const policies = await policiesTargeting(db, 'schedule', id);
    if (policies.length) throw invalid(`The schedule is used by escalation policies: ${policies.join(', ')}`);
    const now = ctx.clock.now();
    await db.transaction(async (tx) => {
      const gone = await tx
        .delete(schedules)
        .where(eq(schedules.id, id))
        .returning({ id: schedules.id, version: schedules.version });
      await publishTombstones(tx, 'schedule', gone, now);
    });
    ctx.published();
    return reply.status(204).send();
  });

  app.get('/schedules/:id/overrides', { schema: listOverridesSchema }, async (request) => {
    const { id } = request.params as { id: string };
    await scheduleOf(id);
    const query = request.query as { since: string; until: string };
    const since = parseInstant(query.since, 'since');
    const until = parseInstant(query.until, 'until');
    const rows = await db
      .select({ override: scheduleOverrides, name: users.name })
      .from(scheduleOverrides)
      .innerJoin(users, eq(users.id, scheduleOverrides.userId))
      .where(
        and(eq(scheduleOverrides.scheduleId, id), lt(scheduleOverrides.start, until), gt(scheduleOverrides.end, since)),
      )
      .orderBy(asc(scheduleOverrides.start));
    return { overrides: rows.map((r) => overrideView(urls, r.override, r.name)) };
  });

  app.post('/schedules/:id/overrides', { schema: createOverridesSchema }, async (request, reply) => {
    ensureManages(request);
    const { id } = request.params as { id: string };
    await scheduleOf(id);
    const body = request.body as { overrides?: OverrideInput[]; override?: OverrideInput };
    const inputs = body.overrides ?? (body.override ? [body.override] : []);
    if (inputs.length === 0) throw invalid('overrides must list at least one override');
    const named = await db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(inArray(users.id, [...new Set(inputs.map((o) => o.user.id))]));
    const names = new Map(named.map((u) => [u.id, u.name]));
    const now = ctx.clock.now();
    const results = await db.transaction(async (tx) => {
      const out = [];
      for (const input of inputs) {
        const start = Date.parse(input.start);
        const end = Date.parse(input.end);
        const errors = [];
        if (Number.isNaN(start) || Number.isNaN(end)) errors.push('start and end must be ISO 8601 date-times');
        else if (end <= start) errors.push('end must be after start');
        if (!names.has(input.user.id)) errors.push(`user ${input.user.id} does not exist`);
        if (errors.length) {
          out.push({ status: 400, errors });
          continue;
        }
        const [row] = await tx
          .insert(scheduleOverrides)
          .values({
            id: newObjectId(),
            scheduleId: id,
            userId: input.user.id,
            start: new Date(start),
            end: new Date(end),
            createdAt: now,
          })
          .returning();
        if (!row) throw new Error('override insert returned nothing');
        const name = names.get(row.userId) ?? row.userId;
        await publishChange(
          tx,
          { type: 'schedule_override', id: row.id, version: row.version },
          overrideSnapshot(urls, row, name),
          now,
        );
        out.push({ status: 201, override: overrideView(urls, row, name) });
      }
      return out;
    });
    ctx.published();
    if (body.overrides) return reply.status(201).send(results);
    const [single] = results;
    if (single?.status !== 201) throw invalid(single?.errors?.join('; ') ?? 'invalid override');
    return reply.status(201).send({ override: single.override });
  });

  app.delete('/schedules/:id/overrides/:override_id', { schema: deleteOverrideSchema }, async (request, reply) => {
    ensureManages(request);
    const { id, override_id } = request.params as { id: string; override_id: string };
    const [row] = await db
      .select()
      .from(scheduleOverrides)
      .where(and(eq(scheduleOverrides.id, override_id), eq(scheduleOverrides.scheduleId, id)));
    if (!row) throw notFound('Override');
    const now = ctx.clock.now();
    if (row.end <= now) throw invalid('An override in the past cannot be deleted');
    const inProgress = row.start < now;
    const [user] = await db.select({ name: users.name }).from(users).where(eq(users.id, row.userId));
    await db.transaction(async (tx) => {
      // An override in progress is cut at now, as PagerDuty does; a future one is removed.
      if (inProgress) {
        const [cut] = await tx
          .update(scheduleOverrides)
          .set({ end: now, version: sql`${scheduleOverrides.version} + 1` })
          .where(eq(scheduleOverrides.id, row.id))
          .returning();
        if (cut) {
          const snapshot = overrideSnapshot(urls, cut, user?.name ?? cut.userId);
          await publishChange(tx, { type: 'schedule_override', id: cut.id, version: cut.version }, snapshot, now);
        }
      } else {
        const gone = await tx
          .delete(scheduleOverrides)
          .where(eq(scheduleOverrides.id, row.id))
          .returning({ id: scheduleOverrides.id, version: scheduleOverrides.version });
        await publishTombstones(tx, 'schedule_override', gone, now);
      }
    });
    ctx.published();
    return reply.status(inProgress ? 200 : 204).send();
  });
}
