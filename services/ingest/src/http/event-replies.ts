/**
 * The Events API's own answer shapes (not the REST API's): `{status, message, errors?}`.
 * Bodies are built as strings: this is the hot path, and the byte order of the keys is PagerDuty's.
 */

export const JSON_TYPE = 'application/json';

export interface EventReply {
  status: number;
  body: string;
}

const reply = (status: number, body: object): EventReply => ({ status, body: JSON.stringify(body) });

export const invalidEvent = (errors: string[]): EventReply =>
  reply(400, { status: 'invalid event', message: 'Event object is invalid', errors });

export const unrecognized = (error: string): EventReply =>
  reply(400, { status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: [error] });

export const tooLarge: EventReply = reply(413, {
  status: 'invalid event',
  message: 'Event object is invalid',
  errors: ['Request body is larger than 512 KB'],
});

/** v2 answers 429; v1 answers 403, as PagerDuty does. */
export const rateLimited = (status: 429 | 403): EventReply =>
  reply(status, {
    status: 'throttle event',
    message: 'Requests for this integration key are arriving too quickly. Please retry later.',
    errors: ['Rate limit reached'],
  });

export const unavailable: EventReply = reply(503, {
  status: 'unavailable',
  message: 'The event could not be accepted; retry later',
  errors: ['Event bus unavailable'],
});

export const v2Accepted = (dedupKey: string): string =>
  `{"status":"success","message":"Event processed","dedup_key":${JSON.stringify(dedupKey)}}`;

export const changeAccepted = '{"status":"success","message":"Change event processed"}';

export const v1Accepted = (incidentKey: string): string =>
  `{"status":"success","message":"Event processed","incident_key":${JSON.stringify(incidentKey)}}`;
