import { commonConfigSchema, type EnvSchema, loadConfig } from '../src/config';

const schema = {
  type: 'object',
  properties: {
    ...commonConfigSchema.properties,
    DATABASE_URL: { type: 'string', description: 'PostgreSQL URL.', minLength: 1 },
    WORKERS: { type: 'integer', description: 'Consumer concurrency.', minimum: 1, default: 4 },
    DRY_RUN: { type: 'boolean', description: 'Log instead of sending.', default: false },
  },
  required: ['DATABASE_URL'],
} as const satisfies EnvSchema;

describe('loadConfig', () => {
  it('fills defaults for unset variables', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://db' });
    expect(config).toEqual({
      KLAXON_LOG_LEVEL: 'info',
      KLAXON_PORT: 8080,
      KLAXON_HOST: '0.0.0.0',
      KLAXON_HTTP_HEADERS_TIMEOUT_MS: 10_000,
      KLAXON_HTTP_REQUEST_TIMEOUT_MS: 30_000,
      KLAXON_HTTP_IDLE_TIMEOUT_MS: 72_000,
      KLAXON_HTTP_MAX_CONNECTIONS_PER_ADDRESS: 128,
      DATABASE_URL: 'postgres://db',
      WORKERS: 4,
      DRY_RUN: false,
    });
  });

  it('coerces strings to the declared types', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'x', KLAXON_PORT: '9090', WORKERS: '8', DRY_RUN: 'true' });
    expect(config.KLAXON_PORT).toBe(9090);
    expect(config.WORKERS).toBe(8);
    expect(config.DRY_RUN).toBe(true);
  });

  it('ignores variables the schema does not declare', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'x', PATH: '/usr/bin', HOME: '/root' });
    expect(Object.keys(config)).not.toContain('PATH');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'x', KLAXON_PORT: '' }).KLAXON_PORT).toBe(8080);
  });

  it('names every bad variable in one error', () => {
    const load = () => loadConfig(schema, { KLAXON_PORT: 'eighty', KLAXON_LOG_LEVEL: 'loud', WORKERS: '0' });
    expect(load).toThrow(/^Invalid configuration: /);
    const message = (() => {
      try {
        load();
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toContain('DATABASE_URL is required');
    expect(message).toContain('KLAXON_PORT must be integer');
    expect(message).toContain('KLAXON_LOG_LEVEL must be equal to one of the allowed values');
    expect(message).toContain('WORKERS must be >= 1');
  });

  it('does not echo the bad values, which may be secrets', () => {
    expect(() => loadConfig(schema, { DATABASE_URL: 'x', KLAXON_PORT: 'hunter2' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('reads process.env by default', () => {
    const config = loadConfig(commonConfigSchema);
    expect(typeof config.KLAXON_PORT).toBe('number');
  });

  it('gives every common variable a description', () => {
    for (const property of Object.values(commonConfigSchema.properties)) {
      expect(property.description.length).toBeGreaterThan(0);
    }
  });
});
