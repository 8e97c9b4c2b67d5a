import type { Urls } from '@klaxon/rest';
import type { TagRow } from '../db';

/** A tag as REST API v2 renders it. */
export function tagView(urls: Urls, tag: TagRow) {
  return {
    id: tag.id,
    type: 'tag',
    summary: tag.label,
    self: urls.self('tag', tag.id),
    html_url: null,
    label: tag.label,
  };
}

/** The users, teams and escalation policies a tag is on, by their REST path type. */
export interface TagConnections {
  users: string[];
  teams: string[];
  escalation_policies: string[];
}

/**
 * A tag as catalog.changes carries it: its view and the entities it is on (as `/tags/{id}/users`
 * and the like list them). Rows of an entity deleted since stay listed, as in the catalog's table;
 * a consumer joins them with its own replica.
 */
export function tagSnapshot(urls: Urls, tag: TagRow, on: TagConnections) {
  return {
    ...tagView(urls, tag),
    users: on.users.map((id) => ({ id, type: 'user_reference' })),
    teams: on.teams.map((id) => ({ id, type: 'team_reference' })),
    escalation_policies: on.escalation_policies.map((id) => ({ id, type: 'escalation_policy_reference' })),
  };
}
