import { errorTable, HttpError, httpError, pagerDutyError } from '../src/errors';

describe('pagerDutyError', () => {
  it.each([
    ['invalid_input', 400, 2001, 'Invalid Input Provided'],
    ['arguments_caused_error', 400, 2002, 'Arguments Caused Error'],
    ['authentication_failed', 401, 2006, 'Authentication failed'],
    ['access_denied', 403, 2010, 'Access Denied'],
    ['rate_limited', 429, 2020, 'Rate Limit Exceeded'],
    ['not_found', 404, 2100, 'Not Found'],
    ['incident_already_resolved', 400, 1001, 'Incident Already Resolved'],
    ['internal', 500, 2000, 'Internal Server Error'],
  ] as const)('maps %s to %i with PagerDuty code %i', (code, status, pdCode, message) => {
    expect(pagerDutyError(code)).toEqual({ status, body: { error: { message, code: pdCode } } });
  });

  it('adds details as errors[] only when there are some', () => {
    expect(pagerDutyError('invalid_input', ['Title cannot be empty.']).body).toEqual({
      error: { message: 'Invalid Input Provided', code: 2001, errors: ['Title cannot be empty.'] },
    });
    expect(pagerDutyError('invalid_input', []).body.error).not.toHaveProperty('errors');
  });

  it('uses each PagerDuty code once', () => {
    const codes = Object.values(errorTable).map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('httpError', () => {
  it('carries the status, body and headers', () => {
    const err = httpError('rate_limited', undefined, { headers: { 'retry-after': '60' } });
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toBeInstanceOf(Error);
    expect(err.status).toBe(429);
    expect(err.body).toEqual({ error: { message: 'Rate Limit Exceeded', code: 2020 } });
    expect(err.headers).toEqual({ 'retry-after': '60' });
  });
});
