import type { IncidentSummary } from '../channels/channel';
import { chatText } from '../domain/messages';

/** The chat services Klaxon posts incident changes to, through their incoming webhooks. */
export type ChatKind = 'slack' | 'teams';

/** A Slack incoming-webhook message: `text` (the notification) and blocks with the link. */
export function slackBody(i: IncidentSummary, change: string): string {
  const text = chatText(i, change);
  return JSON.stringify({
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*<${i.detailsUrl}|#${i.number} ${i.title}>*` } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `${change} · Service: ${i.serviceName} · Urgency: ${i.urgency}` }],
      },
    ],
  });
}

/** A Teams workflow-webhook message: one Adaptive Card attachment with the facts and a link. */
export function teamsBody(i: IncidentSummary, change: string): string {
  return JSON.stringify({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              size: 'Medium',
              weight: 'Bolder',
              wrap: true,
              text: `[${change}] #${i.number} ${i.title}`,
            },
            {
              type: 'FactSet',
              facts: [
                { title: 'Service', value: i.serviceName },
                { title: 'Urgency', value: i.urgency },
                { title: 'Status', value: i.status },
              ],
            },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'View incident', url: i.detailsUrl }],
        },
      },
    ],
  });
}
