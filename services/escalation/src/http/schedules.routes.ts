import type { Executor } from '@klaxon/db';
import type { Urls } from '@klaxon/rest';
import { type OverrideJson, parseSchedule, renderSchedule, type Schedule, type ScheduleJson } from '@klaxon/schedules';
import type { FastifyInstance } from 'fastify';
import {
  type EscalationPolicySnapshot,
  findEntities,
  findSchedule,
  overridesOf,
  policiesTargeting,
  type ScheduleSnapshot,
  type UserSnapshot,
} from '../db';
import { scheduleView } from '../views/schedule.view';
import { previewScheduleSchema, scheduleUsersSchema, showScheduleSchema } from './schedules.schemas';
import { invalid, notFound, renderRange, requestedZone, type WindowQuery } from './window';

export interface ScheduleRoutesContext {
  db: Executor;
  urls: Urls;
  clock: { now(): Date };
  /** Resolves once the catalog replica has applied what the catalog published (bounded). */
  replicaCaughtUp?: () => Promise<void>;
}

const TWO_WEEKS_MS = 14 * 86_400_000;

/** A parsed schedule or PagerDuty's 400 naming what is wrong with it. */
function parsed(json: ScheduleJson, overrides: readonly OverrideJson[] = []): Schedule {
  const out = parseSchedule(json, overrides);
  if (!out.ok) throw invalid(...(out.errors as [string, ...string[]]));
  return out.value;
}

/**
 * The rendering side of PagerDuty's schedules, answered from escalation's catalog replica:
 * `GET /schedules/{id}` (configuration plus renderings), `GET /schedules/{id}/users` and
 * `POST /schedules/preview`. The catalog keeps list, create, update, delete and overrides.
 */
export function scheduleRoutes(app: FastifyInstance, ctx: ScheduleRoutesContext): void {
  const { db, urls } = ctx;

  async function userRefs(ids: readonly string[]) {
    const users = await findEntities<UserSnapshot>(db, 'user', ids);
    return (id: string) => urls.ref('user', id, users.get(id)?.name ?? users.get(id)?.summary ?? id);
  }

  const render = (schedule: Schedule, range: { since: number; until: number } | null, zone: string) => {
    if (!range) return null;
    const out = renderSchedule(schedule, { ...range, timeZone: zone });
    if (!out.ok) throw invalid(...(out.errors as [string, ...string[]]));
    return out.value;
  };

  const allUserIds = (s: ScheduleSnapshot | ScheduleJson, rendered: ReturnType<typeof render>) => [
    ...(s.schedule_layers ?? []).flatMap((l) => (l.users ?? []).flatMap((u) => u.user?.id ?? [])),
    ...(rendered?.overrides.renderedEntries.map((e) => e.userId) ?? []),
  ];

  async function scheduleOf(id: string): Promise<ScheduleSnapshot> {
    let snapshot = await findSchedule(db, id);
    // Created a moment ago through the catalog: the replica may not have it yet.
    if (!snapshot && ctx.replicaCaughtUp) {
      await ctx.replicaCaughtUp();
      snapshot = await findSchedule(db, id);
    }
    if (!snapshot) throw notFound('Schedule');
    return snapshot;
  }

  app.get('/schedules/:id', { schema: showScheduleSchema }, async (request) => {
    const snapshot = await scheduleOf((request.params as { id: string }).id);
    const query = request.query as WindowQuery;
    const zone = requestedZone(query, snapshot.time_zone);
    const range = renderRange(query, zone, null);
    const overrides = range
      ? ((await overridesOf(db, [snapshot.id], new Date(range.since), new Date(range.until))).get(snapshot.id) ?? [])
      : [];
    const rendered = render(parsed(snapshot, overrides), range, zone);
    const policies = await policiesTargeting(db, snapshot.id);
    const userRef = await userRefs(allUserIds(snapshot, rendered));
    return { schedule: scheduleView(urls, { schedule: snapshot, rendered, userRef, policies }) };
  });

  app.get('/schedules/:id/users', { schema: scheduleUsersSchema }, async (request) => {
    const snapshot = await scheduleOf((request.params as { id: string }).id);
    const range = renderRange(request.query as WindowQuery, snapshot.time_zone, null);
    let ids: string[];
    if (range) {
      // PagerDuty: the users on call in the range, that is, on the final schedule.
      const overrides = (await overridesOf(db, [snapshot.id], new Date(range.since), new Date(range.until))).get(
        snapshot.id,
      );
      const rendered = render(parsed(snapshot, overrides), range, snapshot.time_zone);
      ids = rendered?.final.renderedEntries.map((e) => e.userId) ?? [];
    } else {
      // Without a range, everyone the layers name.
      ids = allUserIds(snapshot, null);
    }
    const users = await findEntities<UserSnapshot>(db, 'user', ids);
    return {
      users: [...users.values()].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.id.localeCompare(b.id)),
    };
  });

  app.post('/schedules/preview', { schema: previewScheduleSchema }, async (request) => {
    const body = (request.body as { schedule: ScheduleJson & { name?: string; overrides?: OverrideJson[] } }).schedule;
    const schedule = parsed(body, body.overrides ?? []);
    const query = request.query as WindowQuery;
    const zone = requestedZone(query, schedule.timeZone);
    // A preview exists to be rendered: with no range, the next two weeks.
    const now = ctx.clock.now().getTime();
    const range = renderRange(query, zone, () => ({ since: now, until: now + TWO_WEEKS_MS }));
    const rendered = render(schedule, range, zone);
    const userRef = await userRefs(allUserIds(body, rendered));
    const { overrides: _overrides, ...config } = body;
    const view = scheduleView(urls, {
      schedule: {
        ...config,
        time_zone: schedule.timeZone,
        schedule_layers: (config.schedule_layers ?? []) as ScheduleSnapshot['schedule_layers'],
      },
      rendered,
      userRef,
      policies: [] as EscalationPolicySnapshot[],
    });
    return { schedule: view };
  });
}
