import { HttpError, httpError, pagerDutyError } from '@klaxon/kit';
import { LIFECYCLE_ERRORS, type LifecycleError } from '../domain';

type Refusable = { ok: true } | { ok: false; error: LifecycleError };

/** A lifecycle refusal as PagerDuty's error with its own code (1001 Incident Already Resolved, ...). */
export function refusalError(error: LifecycleError): HttpError {
  return httpError(LIFECYCLE_ERRORS[error.code], error.errors.length > 0 ? error.errors : undefined);
}

/** The transition, or the refusal thrown as its HTTP error. */
export function orRefuse<T extends Refusable>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw refusalError(result.error);
  return result as Extract<T, { ok: true }>;
}

export const invalid = (reason: string) => httpError('invalid_input', [reason]);
export const notFound = (what: string) => httpError('not_found', [`${what} not found`]);

/** PagerDuty answers 413 to bulk updates of more than 250 objects. */
export const BULK_LIMIT = 250;
export function ensureBulkLimit(count: number): void {
  if (count > BULK_LIMIT) {
    throw new HttpError(413, pagerDutyError('invalid_input', [`At most ${BULK_LIMIT} objects per request`]).body);
  }
}
