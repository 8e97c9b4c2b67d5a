import type { FastifyInstance } from 'fastify';
import { createApp } from '../src/app';
import { createLogger } from '../src/logger';
import { capture } from './log-capture';

const apps: FastifyInstance[] = [];
const logger = () => createLogger({ level: 'silent', name: 'test' }, capture().stream);

const schedule = { type: 'object', required: ['schedule'], properties: { schedule: { type: 'object' } } };

/** A service on loopback with one route, as a service process serves its part of the document. */
async function service(name: string, method: 'GET' | 'PUT', answer: unknown): Promise<string> {
  const app = createApp({ name, logger: logger() });
  // As a service plugin registers its routes (the document sees routes of plugins registered later).
  await app.register(async (scope) => {
    scope.route({
      method,
      url: '/schedules/:id',
      schema: { tags: [name], response: { 200: schedule } },
      handler: async () => answer,
    });
  });
  apps.push(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

afterAll(async () => {
  for (const app of apps) await app.close();
});

describe('API document', () => {
  it('a service serves its own routes, with their response schemas', async () => {
    const base = await service('escalation', 'GET', { schedule: {} });
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(document.paths)).toEqual(['/schedules/{id}']);
    expect(Object.keys(document.paths['/schedules/{id}']?.get?.responses ?? {})).toEqual(['200']);
  });

  it('merges the parts of several services, the methods of one path joined (the gateway)', async () => {
    const reader = await service('escalation', 'GET', { schedule: {} });
    const writer = await service('catalog', 'PUT', { schedule: {} });
    const front = createApp({ name: 'console', logger: logger(), apiDocs: { sources: [reader, writer] } });
    apps.push(front);
    const document = (await front.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(document.paths['/schedules/{id}'] ?? {}).sort()).toEqual(['get', 'put']);
    // Swagger UI's page loads the same merged document.
    const ui = (await front.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(ui).toEqual(document);
  });

  it('checks answers against their schema when asked (tests), naming the mismatch', async () => {
    const app = createApp({ name: 'checked', logger: logger(), checkResponses: true });
    app.get('/schedules/:id', { schema: { response: { 200: schedule } } }, async () => ({ scheduel: {} }));
    apps.push(app);
    const res = await app.inject({ method: 'GET', url: '/schedules/P1' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.errors[0]).toMatch(/does not match its schema.*schedule/);
    // Without the check the same answer leaves as it is, every field kept.
    const plain = createApp({ name: 'plain', logger: logger() });
    plain.get('/x', { schema: { response: { 200: schedule } } }, async () => ({ schedule: {}, extra: 1 }));
    apps.push(plain);
    expect((await plain.inject({ method: 'GET', url: '/x' })).json()).toEqual({ schedule: {}, extra: 1 });
  });
});
