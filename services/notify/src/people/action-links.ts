import { actionLinkPath, type IncidentAction, signActionToken } from '@klaxon/rest';
import type { IncidentSummary } from '../channels/channel';

export interface ActionLinkSettings {
  /** KLAXON_ACTION_LINK_SECRET, shared with grouping, which verifies the links and acts. */
  key: string;
  ttlHours: number;
}

/**
 * The summary with acknowledge/resolve links that act as `userId`, the person notified, until
 * `ttlHours` after `now`, and for a responder request accept/decline links too. Without settings
 * the links stay empty and messages show only the details link.
 */
export function withActionLinks(
  summary: IncidentSummary,
  userId: string,
  base: string,
  settings: ActionLinkSettings | undefined,
  now: Date,
  responderRequest = false,
): IncidentSummary {
  if (!settings) return summary;
  const expiresAt = new Date(now.getTime() + settings.ttlHours * 3_600_000);
  const link = (action: IncidentAction) =>
    `${base.replace(/\/$/, '')}${actionLinkPath(signActionToken(settings.key, { incidentId: summary.id, userId, action, expiresAt }))}`;
  return {
    ...summary,
    acknowledgeUrl: link('acknowledge'),
    resolveUrl: link('resolve'),
    ...(responderRequest ? { respondUrls: { accept: link('accept'), decline: link('decline') } } : {}),
  };
}
