import { httpError } from '@klaxon/kit';
import { findPriority } from '../domain';
import { priorityView } from '../views/priority.view';
import type { GroupingUrls } from '../views/urls';

export type PriorityInput = { id?: string; name?: string } | string | null;

/**
 * The priority an incident is given, rendered as it is stored and returned (PagerDuty's Priority
 * object), or null to clear it. One that is not among /priorities is refused with 1020 Invalid Priority.
 */
export function priorityFor(urls: GroupingUrls, input: PriorityInput): ReturnType<typeof priorityView> | null {
  if (input === null) return null;
  const priority = findPriority(input);
  if (!priority) {
    const named = typeof input === 'string' ? input : (input.id ?? input.name ?? '');
    throw httpError('invalid_priority', [`Priority ${named} does not exist; see GET /priorities`]);
  }
  return priorityView(urls, priority);
}
