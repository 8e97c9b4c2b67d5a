import type { Executor } from '@klaxon/db';
import { asc, inArray } from 'drizzle-orm';
import {
  type EscalationPolicySnapshot,
  type IncidentResponderRow,
  type IncidentRow,
  incidentResponders,
  type ResponderRequestRow,
  responderRequests,
  type UserSnapshot,
} from '../db';
import type { GroupingUrls } from './urls';

/** The responder requests and responders of some incidents, by incident. */
export interface IncidentResponders {
  requests: Map<string, ResponderRequestRow[]>;
  responders: Map<string, IncidentResponderRow[]>;
}

/** Loads the requests and responders of these incidents in two statements. */
export async function loadResponders(ex: Executor, incidentIds: readonly string[]): Promise<IncidentResponders> {
  const requests = new Map<string, ResponderRequestRow[]>();
  const responders = new Map<string, IncidentResponderRow[]>();
  if (incidentIds.length === 0) return { requests, responders };
  const ids = [...incidentIds];
  for (const r of await ex
    .select()
    .from(responderRequests)
    .where(inArray(responderRequests.incidentId, ids))
    .orderBy(asc(responderRequests.requestedAt), asc(responderRequests.id))) {
    requests.set(r.incidentId, [...(requests.get(r.incidentId) ?? []), r]);
  }
  for (const r of await ex
    .select()
    .from(incidentResponders)
    .where(inArray(incidentResponders.incidentId, ids))
    .orderBy(asc(incidentResponders.updatedAt), asc(incidentResponders.userId))) {
    responders.set(r.incidentId, [...(responders.get(r.incidentId) ?? []), r]);
  }
  return { requests, responders };
}

/** The users and escalation policies the views name. */
export function respondersRefIds(x: IncidentResponders): { userIds: string[]; policyIds: string[] } {
  const requests = [...x.requests.values()].flat();
  const responders = [...x.responders.values()].flat();
  return {
    userIds: [
      ...requests.flatMap((r) => [r.requesterId, ...r.targets.filter((t) => t.type === 'user').map((t) => t.id)]),
      ...responders.map((r) => r.userId),
    ],
    policyIds: [
      ...requests.flatMap((r) => r.targets.filter((t) => t.type === 'escalation_policy').map((t) => t.id)),
      ...responders.flatMap((r) => r.policyIds),
    ],
  };
}

interface Names {
  users: Map<string, UserSnapshot>;
  policies: Map<string, EscalationPolicySnapshot>;
}

const nameOf = (s: { name?: string; summary?: string } | undefined, id: string) => s?.name ?? s?.summary ?? id;

/**
 * PagerDuty's `incidents_responders` and `responder_requests` of one incident: each responder with
 * the request that asked them (and the escalation policies they were reached through), and each
 * request with its targets and, per target, the responders it brought.
 */
export function respondersView(
  urls: GroupingUrls,
  incident: Pick<IncidentRow, 'id' | 'number' | 'title'>,
  requests: readonly ResponderRequestRow[],
  responders: readonly IncidentResponderRow[],
  names: Names,
) {
  const incidentRef = urls.ref('incident', incident.id, `[#${incident.number}] ${incident.title}`);
  const userRef = (id: string) => urls.ref('user', id, nameOf(names.users.get(id), id));
  const byId = new Map(requests.map((r) => [r.id, r]));
  const responderView = (r: IncidentResponderRow) => {
    const request = byId.get(r.requestId);
    return {
      state: r.state,
      user: userRef(r.userId),
      incident: incidentRef,
      updated_at: r.updatedAt.toISOString(),
      message: request?.message ?? '',
      requester: request ? userRef(request.requesterId) : null,
      requested_at: request?.requestedAt.toISOString() ?? null,
      escalation_policy_requests: r.policyIds.map((id) => nameOf(names.policies.get(id), id)),
    };
  };
  const requestView = (request: ResponderRequestRow) => ({
    id: request.id,
    incident: incidentRef,
    requester: userRef(request.requesterId),
    requested_at: request.requestedAt.toISOString(),
    message: request.message,
    responder_request_targets: request.targets.map((t) => ({
      responder_request_target: {
        type: t.type,
        id: t.id,
        summary: nameOf(t.type === 'user' ? names.users.get(t.id) : names.policies.get(t.id), t.id),
        incidents_responders: responders
          .filter(
            (r) => r.requestId === request.id && (t.type === 'user' ? r.userId === t.id : r.policyIds.includes(t.id)),
          )
          .map(responderView),
      },
    })),
  });
  return {
    incidents_responders: responders.map(responderView),
    responder_requests: requests.map(requestView),
    requestView,
  };
}
