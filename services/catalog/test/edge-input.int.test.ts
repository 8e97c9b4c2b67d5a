import { type CatalogHarness, catalogHarness, policyBody } from './harness';

// Input PostgreSQL could never store, and Fastify's router errors, on the REST API: each answers
// PagerDuty's 400 or 404 body and changes nothing (issue 14 item 10).

const invalid = (errors: string[]) => ({ error: { message: 'Invalid Input Provided', code: 2001, errors } });
const notFound = { error: { message: 'Not Found', code: 2100 } };

describe('REST edge input', () => {
  let h: CatalogHarness;
  let policyId: string;
  let serviceId: string;

  /** Sends a raw JSON text, so lone surrogates and 1e400 reach the server exactly as written. */
  const post = async (url: string, text: string) => {
    const res = await h.app.inject({
      method: 'POST',
      url,
      headers: {
        authorization: `Token token=${h.owner.token}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        'content-type': 'application/json',
      },
      payload: text,
    });
    return { status: res.statusCode, body: res.json() };
  };
  const get = async (url: string) => {
    const res = await h.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Token token=${h.owner.token}` },
    });
    return { status: res.statusCode, body: res.json() };
  };
  const serviceCount = async () => (await h.owner.call('GET', '/services?total=true')).body.total as number;

  beforeAll(async () => {
    h = await catalogHarness();
    policyId = (await h.owner.call('POST', '/escalation_policies', policyBody(h.owner.id))).body.escalation_policy.id;
    serviceId = (
      await h.owner.call('POST', '/services', {
        service: { name: 'Stored', escalation_policy: { id: policyId, type: 'escalation_policy_reference' } },
      })
    ).body.service.id;
  });
  afterAll(() => h.close());

  const serviceText = (fields: string) =>
    `{"service":{"type":"service","escalation_policy":{"id":"${policyId}","type":"escalation_policy_reference"},${fields}}}`;

  it.each([
    ['a NUL in a name', '"name":"a\\u0000b"', 'body.service.name must not contain NUL characters (\\u0000)'],
    [
      'a lone surrogate in a description',
      '"name":"ok","description":"x\\ud800y"',
      'body.service.description must not contain unpaired UTF-16 surrogates',
    ],
    ['a name of 1e400 (Infinity)', '"name":1e400', 'body.service.name must be a finite number'],
    [
      'an integer beyond PostgreSQL integer',
      '"name":"ok","auto_resolve_timeout":1e10',
      'body.service.auto_resolve_timeout must be <= 2147483647',
    ],
  ])('refuses %s with 400 / 2001 and stores nothing', async (_label, fields, message) => {
    const before = await serviceCount();
    const res = await post('/services', serviceText(fields));
    expect(res).toEqual({ status: 400, body: invalid([message]) });
    expect(await serviceCount()).toBe(before);
  });

  it('bounds integers nested in lists too (an escalation delay of 1e10 minutes)', async () => {
    const body = policyBody(h.owner.id);
    const rule = body.escalation_policy.escalation_rules[0] as { escalation_delay_in_minutes: number };
    rule.escalation_delay_in_minutes = 1e10;
    const res = await h.owner.call('POST', '/escalation_policies', body);
    expect(res).toMatchObject({
      status: 400,
      body: invalid(['body.escalation_policy.escalation_rules.0.escalation_delay_in_minutes must be <= 2147483647']),
    });
  });

  it('refuses a NUL in an object key of a nested field', async () => {
    const res = await post('/teams', '{"team":{"type":"team","name":"t","x\\u0000":1}}');
    expect(res).toEqual({
      status: 400,
      body: invalid(['body.team must not contain a key with NUL characters (\\u0000)']),
    });
  });

  it('updates refuse the same, and leave the service as it was', async () => {
    const res = await h.app.inject({
      method: 'PUT',
      url: `/services/${serviceId}`,
      headers: { authorization: `Token token=${h.owner.token}`, 'content-type': 'application/json' },
      payload: '{"service":{"name":"\\udc00 renamed","acknowledgement_timeout":99999999999}}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(2001);
    expect((await get(`/services/${serviceId}`)).body.service.name).toBe('Stored');
  });

  it('answers an id holding a NUL with 404 / 2100', async () => {
    expect(await get('/services/P123%00')).toEqual({ status: 404, body: notFound });
    expect(await get(`/escalation_policies/${policyId}%00`)).toEqual({ status: 404, body: notFound });
    expect(await get('/users/%00')).toEqual({ status: 404, body: notFound });
  });

  it('refuses a query value holding a NUL, and out-of-range paging, with 400 / 2001', async () => {
    expect(await get('/services?query=a%00b')).toEqual({
      status: 400,
      body: invalid(['querystring.query must not contain NUL characters (\\u0000)']),
    });
    const far = await get('/services?offset=1e10');
    expect([far.status, far.body.error.code]).toEqual([400, 2001]);
  });

  it("answers Fastify's router errors in PagerDuty's body", async () => {
    // FST_ERR_BAD_URL: a percent-encoding that does not decode.
    expect(await get('/services/%E0%A4%A')).toEqual({
      status: 400,
      body: invalid(['The URL is not validly percent-encoded']),
    });
    // A surrogate has no UTF-8 form, so an encoded one is a bad URL too.
    expect((await get('/users/%ED%A0%80')).body).toEqual(invalid(['The URL is not validly percent-encoded']));
    // FST_ERR_MAX_PARAM_LENGTH: an id longer than any id names nothing.
    expect(await get(`/services/P${'X'.repeat(200)}`)).toEqual({ status: 404, body: notFound });
    // An unknown path and a body that is not JSON.
    expect(await get('/nowhere')).toEqual({ status: 404, body: notFound });
    expect(await post('/services', '{"service":')).toEqual({
      status: 400,
      body: invalid(['The request body is not valid JSON']),
    });
  });
});
