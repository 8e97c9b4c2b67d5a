import type { Urls } from '@klaxon/rest';
import type { Priority } from '../domain';

/** A priority as PagerDuty returns it, in /priorities and on incidents. */
export function priorityView(urls: Urls, priority: Priority) {
  return {
    id: priority.id,
    type: 'priority',
    summary: priority.name,
    self: urls.self('priority', priority.id),
    html_url: null,
    name: priority.name,
    description: priority.description,
  };
}
