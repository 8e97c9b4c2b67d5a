import type { Executor } from '@klaxon/db';
import { idsQuery, includeQuery, paginationQuery, parseIds } from '@klaxon/rest';
import { type IncidentFilter, type IncidentSort, serviceIdsOfTeams } from '../db';
import { invalid } from './errors';

export const incidentIncludes = [
  'acknowledgers',
  'agents',
  'assignees',
  // Not in the spec's include[] enum, though its Incident.body says "only returned if include[]=body".
  'body',
  'conference_bridge',
  'custom_fields',
  'escalation_policies',
  'first_trigger_log_entries',
  'priorities',
  'services',
  'teams',
  'users',
] as const;

export const listIncidentsSchema = {
  querystring: {
    type: 'object',
    properties: {
      ...paginationQuery,
      'statuses[]': { type: 'array', items: { type: 'string', enum: ['triggered', 'acknowledged', 'resolved'] } },
      'urgencies[]': { type: 'array', items: { type: 'string', enum: ['high', 'low'] } },
      'service_ids[]': idsQuery,
      'team_ids[]': idsQuery,
      'user_ids[]': idsQuery,
      incident_key: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      date_range: { type: 'string', enum: ['all'] },
      time_zone: { type: 'string' },
      sort_by: { type: 'string' },
      'include[]': includeQuery(incidentIncludes),
    },
  },
} as const;

const SIX_MONTHS_MS = 183 * 86_400_000;
const MONTH_MS = 30 * 86_400_000;
const SORT_FIELDS = new Set(['incident_number', 'created_at', 'resolved_at', 'urgency']);

export function parseInstant(value: string, field: string): Date {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(`${field} is not a valid ISO 8601 date-time`);
  return new Date(ms);
}

/** since/until as PagerDuty reads them: default the last month, at most six months, ignored with date_range=all. */
export function parseRange(q: { since?: string; until?: string; date_range?: string }, now: Date, defaultSince = true) {
  if (q.date_range === 'all') return {};
  const until = q.until ? parseInstant(q.until, 'until') : undefined;
  const since = q.since
    ? parseInstant(q.since, 'since')
    : defaultSince
      ? new Date((until ?? now).getTime() - MONTH_MS)
      : undefined;
  if (since && until && until.getTime() - since.getTime() > SIX_MONTHS_MS) {
    throw invalid('The date range may not exceed 6 months');
  }
  if (since && until && until < since) throw invalid('until must be after since');
  return { since, until };
}

export function parseSort(value: string | undefined): IncidentSort {
  if (!value) return [];
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length > 2) throw invalid('sort_by takes at most two fields');
  return parts.map((part) => {
    const [field = '', direction = 'asc'] = part.split(':');
    if (!SORT_FIELDS.has(field) || (direction !== 'asc' && direction !== 'desc')) {
      throw invalid(`sort_by ${part} is not supported`);
    }
    return { field: field as IncidentSort[number]['field'], desc: direction === 'desc' };
  });
}

export async function parseIncidentFilter(
  ex: Executor,
  q: Record<string, unknown> & { incident_key?: string; since?: string; until?: string; date_range?: string },
  now: Date,
): Promise<IncidentFilter> {
  const serviceIds = parseIds(q, 'service_ids');
  const teamIds = parseIds(q, 'team_ids');
  let services: string[] | null = serviceIds.length > 0 ? serviceIds : null;
  if (teamIds.length > 0) {
    const ofTeams = await serviceIdsOfTeams(ex, teamIds);
    services = services ? services.filter((id) => ofTeams.includes(id)) : ofTeams;
  }
  return {
    statuses: parseIds(q, 'statuses'),
    urgencies: parseIds(q, 'urgencies'),
    serviceIds: services,
    userIds: parseIds(q, 'user_ids'),
    incidentKey: q.incident_key,
    ...parseRange(q, now),
  };
}
