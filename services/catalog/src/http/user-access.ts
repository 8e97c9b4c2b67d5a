import { administersAccount, ensureAllowed, type Principal } from '@klaxon/rest';
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

/** A user's own contact settings (methods, notification and handoff rules): the user, or an owner/admin. */
export const ensureOwnOrAdmin = (p: Principal, userId: string): void =>
  ensureAllowed(p.userId === userId || administersAccount(p), 'You may only change your own contact settings');
