import { createLogger } from '../src/logger';
import { capture } from './log-capture';

const secret = 'c0ffee00c0ffee00c0ffee00c0ffee00';

describe('createLogger', () => {
  it('writes the name, level and a constant message', () => {
    const out = capture();
    createLogger({ level: 'info', name: 'ingest' }, out.stream).info({ incidentId: 'Q1' }, 'incident_opened');
    expect(out.lines()[0]).toMatchObject({ name: 'ingest', level: 30, msg: 'incident_opened', incidentId: 'Q1' });
  });

  it('respects the level', () => {
    const out = capture();
    createLogger({ level: 'warn', name: 'ingest' }, out.stream).info('hidden');
    expect(out.text()).toBe('');
  });

  it.each([
    [
      'authorization header',
      { req: { headers: { authorization: `Token token=${secret}` } } },
      'req.headers.authorization',
    ],
    ['x-routing-key header', { req: { headers: { 'x-routing-key': secret } } }, "req.headers['x-routing-key']"],
    ['top-level routing_key', { routing_key: secret }, 'routing_key'],
    ['top-level token', { token: secret }, 'token'],
    ['nested service_key', { event: { service_key: secret } }, 'event.service_key'],
    ['nested integration_key', { integration: { integration_key: secret } }, 'integration.integration_key'],
    ['nested password', { db: { password: secret } }, 'db.password'],
  ])('redacts the %s', (_label, fields, path) => {
    const out = capture();
    createLogger({ level: 'info', name: 'test' }, out.stream).info(fields, 'event_received');
    expect(out.text()).not.toContain(secret);
    const line = out.lines()[0] ?? {};
    const value = path
      .split(/\.|\['|'\]/)
      .filter(Boolean)
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], line);
    expect(value).toBe('[redacted]');
  });

  it('keeps non-secret fields beside a redacted one', () => {
    const out = capture();
    createLogger({ level: 'info', name: 'test' }, out.stream).info(
      { event: { routing_key: secret, dedup_key: 'disk-full' } },
      'event_received',
    );
    expect(out.lines()[0]).toMatchObject({ event: { routing_key: '[redacted]', dedup_key: 'disk-full' } });
  });
});
