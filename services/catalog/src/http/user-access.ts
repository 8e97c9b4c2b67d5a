import { ensureAllowed, type Principal } from '@klaxon/rest';
import { actForUser } from '../domain/user-abilities';

/**
 * PagerDuty's 403 unless the caller may act for this user: `notAdministrator` says why when the
 * caller is no owner or admin; a user ranked above the caller is refused with one reason everywhere.
 */
export function ensureActsForUser(p: Principal, user: { id: string; role: string }, notAdministrator: string): void {
  const outcome = actForUser(p, user);
  ensureAllowed(outcome !== 'not_administrator', notAdministrator);
  ensureAllowed(outcome !== 'above_caller', 'You may not act for a user whose role is above yours');
}
