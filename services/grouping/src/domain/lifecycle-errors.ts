import { type ErrorCode, errorTable } from '@klaxon/kit';

/**
 * Why the incident state machine refuses an action, as PagerDuty's REST error codes (contract d).
 * Messages and statuses live in the one error table; the HTTP layer renders the body from it.
 */
export const LIFECYCLE_ERRORS = {
  1001: 'incident_already_resolved',
  1002: 'incident_already_acknowledged',
  1006: 'cannot_escalate',
  1012: 'incident_not_acknowledged',
  1013: 'invalid_snooze_duration',
  1019: 'incident_already_merged',
  2001: 'invalid_input',
} as const satisfies Record<number, ErrorCode>;

export type LifecycleErrorCode = keyof typeof LIFECYCLE_ERRORS;

export interface LifecycleError {
  code: LifecycleErrorCode;
  message: string;
  /** Details for the `errors` array of the PagerDuty error body. */
  errors: string[];
}

export function refusal(code: LifecycleErrorCode, ...errors: string[]): { ok: false; error: LifecycleError } {
  return { ok: false, error: { code, message: errorTable[LIFECYCLE_ERRORS[code]].message, errors } };
}
