import { sql } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import { httpError } from '@klaxon/kit';
import { listEnvelope, type Principal, parseIds, parsePage, principalOf } from '@klaxon/rest';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { publishChange, publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import {
  countWindows,
  findServicesByIds,
  findWindow,
  linkWindowServices,
  listWindows,
  maintenanceWindows,
} from '../db';
import { invalid, missing, notFound, parseInstant } from '../domain/checks';
import { clampWindow, type WindowFilter, windowPhase } from '../domain/maintenance';
import { publishWindow } from '../snapshots';
import { maintenanceWindowView } from '../views/maintenance-window.view';
import {
  createWindowSchema,
  deleteWindowSchema,
  listWindowsSchema,
  showWindowSchema,
  updateWindowSchema,
} from './maintenance-windows.schemas';
import { requester } from './requester';
import { ensureManagesService } from './services.routes';

interface WindowInput {
  start_time?: string;
  end_time?: string;
  description?: string | null;
  services?: { id: string }[];
}
type Query = Record<string, unknown> & {
  limit?: number;
  offset?: number;
  total?: string;
  query?: string;
  filter?: WindowFilter;
};

export function maintenanceWindowRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  /** The services must exist and the caller must manage each of them. */
  async function checkServices(p: Principal, ids: string[]) {
    const found = await findServicesByIds(db, ids);
    const absent = missing(
      ids,
      found.map((s) => s.service.id),
    );
    if (absent.length) throw invalid(`services do not exist: ${absent.join(', ')}`);
    for (const record of found) ensureManagesService(p, record);
  }

  /** The window a PUT or DELETE names, once the caller is known to manage each of its services. */
  async function windowToChange(request: FastifyRequest) {
    const p = principalOf(request);
    const { id } = request.params as { id: string };
    const current = await findWindow(db, id);
    if (!current) throw notFound('Maintenance window');
    await checkServices(
      p,
      current.services.map((s) => s.id),
    );
    return { p, id, current };
  }

  app.get('/maintenance_windows', { schema: listWindowsSchema }, async (request) => {
    const query = request.query as Query;
    const page = parsePage(query);
    const filter = {
      phase: query.filter ?? 'all',
      now: ctx.clock.now(),
      serviceIds: parseIds(query, 'service_ids'),
      teamIds: parseIds(query, 'team_ids'),
      query: query.query,
    };
    const records = await listWindows(db, filter, page.limit + 1, page.offset);
    return listEnvelope(
      'maintenance_windows',
      page,
      records.map((r) => maintenanceWindowView(urls, r)),
      () => countWindows(db, filter),
    );
  });

  app.get('/maintenance_windows/:id', { schema: showWindowSchema }, async (request) => {
    const record = await findWindow(db, (request.params as { id: string }).id);
    if (!record) throw notFound('Maintenance window');
    return { maintenance_window: maintenanceWindowView(urls, record) };
  });

  app.post('/maintenance_windows', { schema: createWindowSchema }, async (request, reply) => {
    const p = principalOf(request);
    const creator = await requester(ctx, request);
    const input = (request.body as { maintenance_window: Required<Omit<WindowInput, 'description'>> & WindowInput })
      .maintenance_window;
    const now = ctx.clock.now();
    const times = clampWindow(
      parseInstant(input.start_time, 'start_time'),
      parseInstant(input.end_time, 'end_time'),
      now,
    );
    if (typeof times === 'string') throw invalid(times);
    const serviceIds = input.services.map((s) => s.id);
    await checkServices(p, serviceIds);
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(maintenanceWindows)
        .values({
          id: newObjectId(),
          startTime: times.start,
          endTime: times.end,
          description: input.description ?? null,
          createdBy: creator.id,
        })
        .returning();
      if (!row) throw new Error('window insert returned nothing');
      await linkWindowServices(tx, row.id, serviceIds);
      const snapshot = await publishWindow(tx, urls, row, now);
      return snapshot;
    });
    ctx.published();
    return reply.status(201).send({ maintenance_window: view });
  });

  app.put('/maintenance_windows/:id', { schema: updateWindowSchema }, async (request) => {
    const { p, id, current } = await windowToChange(request);
    const now = ctx.clock.now();
    if (windowPhase(current.window, now) === 'past')
      throw invalid('A maintenance window that has ended cannot be changed');
    const input = (request.body as { maintenance_window: WindowInput }).maintenance_window;
    const start = input.start_time ? parseInstant(input.start_time, 'start_time') : current.window.startTime;
    const end = input.end_time ? parseInstant(input.end_time, 'end_time') : current.window.endTime;
    const times = clampWindow(start, end, now);
    if (typeof times === 'string') throw invalid(times);
    const serviceIds = input.services?.map((s) => s.id);
    if (serviceIds) await checkServices(p, serviceIds);
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(maintenanceWindows)
        .set({
          // An ongoing window keeps its start: it already began.
          startTime: windowPhase(current.window, now) === 'ongoing' ? current.window.startTime : times.start,
          endTime: times.end,
          description: input.description === undefined ? current.window.description : input.description,
          version: sql`${maintenanceWindows.version} + 1`,
        })
        .where(eq(maintenanceWindows.id, id))
        .returning();
      if (!row) throw notFound('Maintenance window');
      if (serviceIds) await linkWindowServices(tx, id, serviceIds);
      const snapshot = await publishWindow(tx, urls, row, now);
      return snapshot;
    });
    ctx.published();
    return { maintenance_window: view };
  });

  app.delete('/maintenance_windows/:id', { schema: deleteWindowSchema }, async (request, reply) => {
    const { id, current } = await windowToChange(request);
    const now = ctx.clock.now();
    const phase = windowPhase(current.window, now);
    if (phase === 'past') throw httpError('maintenance_window_ended');
    await db.transaction(async (tx) => {
      if (phase === 'future') {
        const gone = await tx
          .delete(maintenanceWindows)
          .where(eq(maintenanceWindows.id, id))
          .returning({ id: maintenanceWindows.id, version: maintenanceWindows.version });
        await publishTombstones(tx, 'maintenance_window', gone, now);
        return;
      }
      // An ongoing window is ended now rather than erased, so its history stays.
      const [row] = await tx
        .update(maintenanceWindows)
        .set({ endTime: now, version: sql`${maintenanceWindows.version} + 1` })
        .where(eq(maintenanceWindows.id, id))
        .returning();
      if (!row) return;
      const snapshot = maintenanceWindowView(urls, { ...current, window: row });
      await publishChange(tx, { type: 'maintenance_window', id, version: row.version }, snapshot, now);
    });
    ctx.published();
    return reply.status(204).send();
  });
}
