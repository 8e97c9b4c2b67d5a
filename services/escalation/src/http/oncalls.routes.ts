import type { Executor } from '@klaxon/db';
import {
  idsQuery,
  includeQuery,
  integer,
  listBody,
  nullableText,
  pageOf,
  paginationQuery,
  parseIds,
  parseInclude,
  parsePage,
  queryFlag,
  referenceBody,
  type Urls,
} from '@klaxon/rest';
import { formatInstant, parseSchedule, type Schedule } from '@klaxon/schedules';
import type { FastifyInstance } from 'fastify';
import {
  allEntities,
  type EscalationPolicySnapshot,
  findEntities,
  overridesOf,
  type ScheduleSnapshot,
  type UserSnapshot,
} from '../db';
import { LOOKAROUND_MS, type OnCall, onCalls } from '../domain/oncalls';
import { invalid, onCallRange, requestedZone, type WindowQuery } from './window';

const oncallsSchema = {
  tags: ['On-Calls'],
  summary: 'List the on-call entries during a time range',
  querystring: {
    type: 'object',
    properties: {
      ...paginationQuery,
      time_zone: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      earliest: { type: 'string', enum: ['true', 'false', '1', '0'] },
      'include[]': includeQuery(['escalation_policies', 'users', 'schedules']),
      'user_ids[]': idsQuery,
      'escalation_policy_ids[]': idsQuery,
      'schedule_ids[]': { type: 'array', items: { type: 'string' } },
    },
  },
  response: {
    200: listBody('oncalls', {
      type: 'object',
      required: ['escalation_policy', 'escalation_level', 'schedule', 'user', 'start', 'end'],
      properties: {
        escalation_policy: referenceBody,
        escalation_level: integer,
        schedule: { ...referenceBody, nullable: true },
        user: referenceBody,
        start: nullableText,
        end: nullableText,
      },
    }),
  },
} as const;

/** PagerDuty answers on-calls at most 90 days ahead. */
const MAX_AHEAD_MS = 90 * 86_400_000;

export interface OnCallRoutesContext {
  db: Executor;
  urls: Urls;
  clock: { now(): Date };
  log: { warn(obj: object, msg: string): void };
}

/** `GET /oncalls`: who is on call for which policy level, from escalation's catalog replica. */
export function onCallRoutes(app: FastifyInstance, ctx: OnCallRoutesContext): void {
  const { db, urls } = ctx;

  app.get('/oncalls', { schema: oncallsSchema }, async (request) => {
    const query = request.query as WindowQuery & Record<string, unknown>;
    const page = parsePage(query as { limit?: number; offset?: number; total?: string });
    const zone = requestedZone(query, 'UTC');
    const now = ctx.clock.now().getTime();
    const range = onCallRange(query, zone, now);
    if (range.until > now + MAX_AHEAD_MS) throw invalid('until may be at most 90 days in the future');
    const includes = parseInclude(query);

    const policies = await allEntities<EscalationPolicySnapshot>(db, 'escalation_policy');
    const scheduleIds = [
      ...new Set(
        policies.flatMap((p) =>
          (p.escalation_rules ?? []).flatMap((r) =>
            r.targets.filter((t) => t.type === 'schedule_reference' || t.type === 'schedule').map((t) => t.id),
          ),
        ),
      ),
    ];
    const snapshots = await findEntities<ScheduleSnapshot>(db, 'schedule', scheduleIds);
    const overrides = await overridesOf(
      db,
      [...snapshots.keys()],
      new Date(range.since - LOOKAROUND_MS),
      new Date(range.until + LOOKAROUND_MS),
    );
    const schedules = new Map<string, Schedule>();
    for (const [id, snapshot] of snapshots) {
      const parsed = parseSchedule(snapshot, overrides.get(id));
      // A schedule the catalog accepted always parses; one that does not is left out, not fatal.
      if (parsed.ok) schedules.set(id, parsed.value);
      else ctx.log.warn({ scheduleId: id, errors: parsed.errors }, 'schedule_unrenderable');
    }

    const entries = onCalls(
      policies.map((p) => ({ id: p.id, levels: (p.escalation_rules ?? []).map((r) => r.targets) })),
      (id) => schedules.get(id),
      {
        ...range,
        userIds: parseIds(query, 'user_ids'),
        policyIds: parseIds(query, 'escalation_policy_ids'),
        // PagerDuty: a `null` in schedule_ids[] keeps direct user targets.
        scheduleIds: parseIds(query, 'schedule_ids').map((id) => (id === 'null' || id === '' ? null : id)),
        earliest: queryFlag(query.earliest),
      },
    );
    const policyById = new Map(policies.map((p) => [p.id, p]));
    const ordered = [...entries].sort(byPolicyLevelStart(policyById));
    const pageEntries = ordered.slice(page.offset, page.offset + page.limit);
    const users = await findEntities<UserSnapshot>(
      db,
      'user',
      pageEntries.map((e) => e.userId),
    );
    const view = (e: OnCall) => {
      const policy = policyById.get(e.policyId);
      const user = users.get(e.userId);
      const schedule = e.scheduleId ? snapshots.get(e.scheduleId) : undefined;
      return {
        escalation_policy:
          includes.has('escalation_policies') && policy
            ? policy
            : urls.ref('escalation_policy', e.policyId, policy?.name ?? e.policyId),
        escalation_level: e.level,
        schedule:
          e.scheduleId === null
            ? null
            : includes.has('schedules') && schedule
              ? schedule
              : urls.ref('schedule', e.scheduleId, schedule?.name ?? e.scheduleId),
        user: includes.has('users') && user ? user : urls.ref('user', e.userId, user?.name ?? e.userId),
        start: e.start === null ? null : formatInstant(e.start, zone),
        end: e.end === null ? null : formatInstant(e.end, zone),
      };
    };
    const envelope = pageOf('oncalls', page, ordered);
    return { ...envelope, oncalls: pageEntries.map(view) };
  });
}

/** Policy name, then level, then start (permanent on-calls first), then user: a stable page order. */
function byPolicyLevelStart(policies: ReadonlyMap<string, EscalationPolicySnapshot>) {
  const name = (id: string) => policies.get(id)?.name ?? '';
  return (a: OnCall, b: OnCall) =>
    name(a.policyId).localeCompare(name(b.policyId)) ||
    a.policyId.localeCompare(b.policyId) ||
    a.level - b.level ||
    (a.start ?? Number.NEGATIVE_INFINITY) - (b.start ?? Number.NEGATIVE_INFINITY) ||
    a.userId.localeCompare(b.userId);
}
