import type { ChangeEventRow, ServiceSnapshot } from '../db';
import type { GroupingUrls } from './urls';

/** PagerDuty's ChangeEvent object. */
export function changeEventView(urls: GroupingUrls, row: ChangeEventRow, service?: ServiceSnapshot) {
  return {
    id: row.id,
    type: 'change_event',
    summary: row.summary,
    self: urls.changeEventSelf(row.id),
    html_url: null,
    timestamp: row.occurredAt.toISOString(),
    source: row.source,
    integration: {
      id: row.integrationId,
      type: 'inbound_integration_reference',
      summary: row.integrationId,
      self: null,
      html_url: null,
    },
    services: [urls.ref('service', row.serviceId, service?.name ?? row.serviceId)],
    custom_details: row.customDetails ?? {},
    links: row.links.map(({ href, text }) => ({ href, ...(text ? { text } : {}) })),
    images: row.images.map(({ src, href, alt }) => ({ src, ...(href ? { href } : {}), ...(alt ? { alt } : {}) })),
  };
}
