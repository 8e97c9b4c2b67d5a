import type { FastifyInstance } from 'fastify';
import { createApp, type ReadyCheck } from '../src/app';
import { HttpError, httpError } from '../src/errors';
import { createLogger } from '../src/logger';
import { capture } from './log-capture';

const apps: FastifyInstance[] = [];

function build(ready: ReadyCheck[] = [], out = capture()): FastifyInstance {
  const logger = createLogger({ level: 'info', name: 'test' }, out.stream);
  const app = createApp({ name: 'test', logger, ready, readyTimeoutMs: 200 });
  app.post(
    '/incidents',
    {
      schema: {
        body: {
          type: 'object',
          required: ['incident'],
          properties: {
            incident: {
              type: 'object',
              required: ['title'],
              properties: { title: { type: 'string' }, urgency: { type: 'string', enum: ['high', 'low'] } },
            },
          },
        },
      },
    },
    async (_request, reply) => reply.status(201).send({ incident: { id: 'Q1' } }),
  );
  app.get('/resolved', async () => {
    throw httpError('incident_already_resolved', ['Incident Q1 is resolved.']);
  });
  app.get('/events-style', async () => {
    throw new HttpError(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['bad'] });
  });
  app.get('/boom', async () => {
    throw new Error('connection refused to 10.0.0.7:5432 password=hunter2');
  });
  apps.push(app);
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('probes', () => {
  it('answers /healthz', async () => {
    const res = await build().inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when every check passes', async () => {
    const res = await build([async () => undefined, { name: 'db', check: async () => undefined }]).inject({
      method: 'GET',
      url: '/readyz',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 503 naming the failed checks', async () => {
    const bus = async function bus(): Promise<void> {
      throw new Error('broker down');
    };
    const res = await build([
      { name: 'db', check: async () => undefined },
      bus,
      { name: 'slow', check: () => new Promise<void>(() => undefined) },
    ]).inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', failed: ['bus', 'slow'] });
  });
});

describe('metrics', () => {
  it('counts requests by route pattern and status, but not scrapes', async () => {
    const app = build();
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/no/such/thing' });
    await app.inject({ method: 'GET', url: '/metrics' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('http_requests_total{method="GET",route="/healthz",status_code="200",service="test"} 1');
    expect(res.body).toContain('route="unmatched",status_code="404"');
    expect(res.body).toContain('http_request_duration_seconds_bucket');
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).not.toContain('route="/metrics"');
  });

  it('keeps a registry per app so apps in one process do not mix counts', async () => {
    const first = build();
    const second = build();
    await first.inject({ method: 'GET', url: '/healthz' });
    const res = await second.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).not.toContain('route="/healthz"');
    expect(first.metrics).not.toBe(second.metrics);
  });
});

describe('request ids', () => {
  it('echoes the caller x-request-id', async () => {
    const res = await build().inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('generates one when absent or unsafe', async () => {
    const app = build();
    const absent = await app.inject({ method: 'GET', url: '/healthz' });
    const unsafe = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b\n{"x":1}' } });
    expect(absent.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is echoed on errors and 404s too', async () => {
    const res = await build().inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'r-404' } });
    expect(res.headers['x-request-id']).toBe('r-404');
  });
});

describe('what works', () => {
  it('accepts a valid body', async () => {
    const res = await build().inject({ method: 'POST', url: '/incidents', payload: { incident: { title: 'Disk' } } });
    expect(res.statusCode).toBe(201);
  });

  it('logs one request_completed line with the request id', async () => {
    const out = capture();
    await build([], out).inject({ method: 'GET', url: '/resolved', headers: { 'x-request-id': 'r-1' } });
    expect(out.lines()).toContainEqual(
      expect.objectContaining({ msg: 'request_completed', requestId: 'r-1', route: '/resolved', statusCode: 400 }),
    );
  });
});

describe('what is refused', () => {
  it('answers schema violations with PagerDuty 2001 and one sentence per problem', async () => {
    const res = await build().inject({ method: 'POST', url: '/incidents', payload: { incident: {} } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { message: 'Invalid Input Provided', code: 2001, errors: ['body.incident.title is required'] },
    });
  });

  it('names the allowed values of an enum', async () => {
    const res = await build().inject({
      method: 'POST',
      url: '/incidents',
      payload: { incident: { title: 'Disk', urgency: 'urgent' } },
    });
    expect(res.json()).toEqual({
      error: {
        message: 'Invalid Input Provided',
        code: 2001,
        errors: ['body.incident.urgency must be one of: high, low'],
      },
    });
  });

  it('answers malformed JSON with a 400 in the same shape', async () => {
    const res = await build().inject({
      method: 'POST',
      url: '/incidents',
      headers: { 'content-type': 'application/json' },
      payload: '{"incident": {',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { message: 'Invalid Input Provided', code: 2001 } });
    expect(res.json().error.errors).toHaveLength(1);
  });

  it('answers an empty JSON body with a 400 in the same shape', async () => {
    const res = await build().inject({
      method: 'POST',
      url: '/incidents',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 2001 } });
  });

  it('keeps 413 for a body over the limit', async () => {
    const app = createApp({ name: 'small', logger: createLogger({ level: 'silent', name: 't' }), bodyLimit: 16 });
    apps.push(app);
    app.post('/x', async () => ({}));
    const res = await app.inject({ method: 'POST', url: '/x', payload: { text: 'more than sixteen bytes' } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 2001 } });
  });

  it('answers unknown routes with PagerDuty 2100', async () => {
    const res = await build().inject({ method: 'GET', url: '/no/such/thing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { message: 'Not Found', code: 2100 } });
  });

  it('answers a thrown HttpError with its status and body', async () => {
    const res = await build().inject({ method: 'GET', url: '/resolved' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { message: 'Incident Already Resolved', code: 1001, errors: ['Incident Q1 is resolved.'] },
    });
  });

  it('sends a pre-built body unchanged (Events API shape)', async () => {
    const res = await build().inject({ method: 'GET', url: '/events-style' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ status: 'invalid event', message: 'Event object is invalid', errors: ['bad'] });
  });

  it('answers an unexpected error with a bare 500 and logs it', async () => {
    const out = capture();
    const res = await build([], out).inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { message: 'Internal Server Error', code: 2000 } });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('10.0.0.7');
    const logged = out.lines().find((line) => line.msg === 'request_failed');
    expect(logged).toMatchObject({ level: 50, err: { message: expect.stringContaining('connection refused') } });
  });
});
