import type { Urls } from '@klaxon/rest';
import type { TeamRow } from '../db';

/** A team as REST API v2 renders it (and as catalog.changes carries it). */
export function teamView(urls: Urls, team: TeamRow, parent?: Pick<TeamRow, 'id' | 'name'>) {
  return {
    id: team.id,
    type: 'team',
    summary: team.name,
    self: urls.self('team', team.id),
    html_url: urls.html('team', team.id),
    name: team.name,
    description: team.description ?? '',
    default_role: team.defaultRole,
    parent: parent ? urls.ref('team', parent.id, parent.name) : null,
  };
}
