/**
 * Why the incident state machine refuses an action, as PagerDuty's REST error codes (contract d). The
 * HTTP layer maps a code to its status and the `{error: {code, message, errors}}` body.
 */

export const LIFECYCLE_ERRORS = {
  1001: 'Incident Already Resolved',
  1002: 'Incident Already Acknowledged',
  1006: 'Cannot Escalate',
  1012: 'Incident is not Acknowledged',
  1013: 'Invalid Snooze Duration',
  1019: 'Incident Already Merged',
  2001: 'Invalid Input Provided',
} as const;

export type LifecycleErrorCode = keyof typeof LIFECYCLE_ERRORS;

export interface LifecycleError {
  code: LifecycleErrorCode;
  message: (typeof LIFECYCLE_ERRORS)[LifecycleErrorCode];
  /** Details for the `errors` array of the PagerDuty error body. */
  errors: string[];
}

export function refusal(code: LifecycleErrorCode, ...errors: string[]): { ok: false; error: LifecycleError } {
  return { ok: false, error: { code, message: LIFECYCLE_ERRORS[code], errors } };
}
