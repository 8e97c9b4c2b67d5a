/** The REST API v2 error body: `{"error":{"message":"Invalid Input Provided","code":2001,"errors":["..."]}}`. */
export interface PagerDutyErrorBody {
  error: { message: string; code: number; errors?: string[] };
}

interface ErrorEntry {
  status: number;
  code: number;
  message: string;
}

/**
 * Every Klaxon error code, with the HTTP status and the PagerDuty error code and message clients
 * already handle (numbers and messages from PagerDuty's published error list). Routes throw a name
 * from this table, never a bare status, so one code always yields one response.
 */
export const errorTable = {
  incident_already_resolved: { status: 400, code: 1001, message: 'Incident Already Resolved' },
  incident_already_acknowledged: { status: 400, code: 1002, message: 'Incident Already Acknowledged' },
  cannot_escalate: { status: 400, code: 1006, message: 'Cannot Escalate' },
  incident_not_acknowledged: { status: 400, code: 1012, message: 'Incident is not Acknowledged' },
  invalid_snooze_duration: { status: 400, code: 1013, message: 'Invalid Snooze Duration' },
  incident_already_merged: { status: 400, code: 1019, message: 'Incident Already Merged' },
  invalid_priority: { status: 400, code: 1020, message: 'Invalid Priority' },
  internal: { status: 500, code: 2000, message: 'Internal Server Error' },
  invalid_input: { status: 400, code: 2001, message: 'Invalid Input Provided' },
  arguments_caused_error: { status: 400, code: 2002, message: 'Arguments Caused Error' },
  missing_arguments: { status: 400, code: 2003, message: 'Missing Arguments' },
  authentication_failed: { status: 401, code: 2006, message: 'Authentication failed' },
  access_denied: { status: 403, code: 2010, message: 'Access Denied' },
  requester_required: { status: 400, code: 2011, message: "The action requires a 'From' header" },
  account_expired: { status: 403, code: 2012, message: 'Your account is expired and cannot use the API' },
  missing_ability: { status: 402, code: 2014, message: 'Missing Account Ability' },
  rate_limited: { status: 429, code: 2020, message: 'Rate Limit Exceeded' },
  not_found: { status: 404, code: 2100, message: 'Not Found' },
  product_limit_reached: { status: 400, code: 2019, message: 'Product Limit Reached' },
  maintenance_window_ended: { status: 405, code: 5003, message: 'Maintenance Window Has Already Ended' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof errorTable;

/** Status and body for a table code; `errors` are the human-readable details PagerDuty puts beside the message. */
export function pagerDutyError(code: ErrorCode, errors?: string[]): { status: number; body: PagerDutyErrorBody } {
  const entry: ErrorEntry = errorTable[code];
  const body: PagerDutyErrorBody = { error: { message: entry.message, code: entry.code } };
  if (errors && errors.length > 0) body.error.errors = errors;
  return { status: entry.status, body };
}

/**
 * An error that already knows its response. The body is arbitrary so that APIs with another error
 * shape (the Events APIs' `{status, message, errors}`) go through the same error handler.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(`http_${status}`, options);
    this.name = 'HttpError';
  }
}

/** Throws as `throw httpError('not_found')`: a table code turned into an HttpError. */
export function httpError(
  code: ErrorCode,
  errors?: string[],
  options?: { headers?: Record<string, string>; cause?: unknown },
): HttpError {
  const { status, body } = pagerDutyError(code, errors);
  return new HttpError(status, body, options?.headers, { cause: options?.cause });
}
