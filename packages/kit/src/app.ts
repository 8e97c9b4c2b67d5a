import { randomUUID } from 'node:crypto';
import {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  fastify,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import { type ApiDocsOptions, registerApiDocs } from './api-docs';
import { handleClientError, handleError, handleFrameworkError, handleNotFound } from './error-handler';
import { capConnectionsPerAddress, defaultHttpLimits, type HttpLimits, serverTimeouts } from './http-limits';
import { createHttpMetrics } from './metrics';
import { responseSerializerCompiler } from './response-schemas';
import type { TlsFiles } from './tls';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry; services register their own metrics here. */
    metrics: Registry;
    /** Adds a dependency /readyz checks (a plugin's own: its outbox relay). */
    addReadyCheck(check: ReadyCheck): void;
    /** Runs every readiness check; the names of those that failed (empty: ready), as /readyz lists them. */
    readiness(log?: Logger): Promise<string[]>;
  }
}

/**
 * A readiness check's failure that names several parts (the all-in-one's background thread: each of
 * its own failed checks), so /readyz lists `<check>/<part>` instead of the check alone.
 */
export class ReadinessFailures extends Error {
  constructor(readonly failed: readonly string[]) {
    super(`not ready: ${failed.join(', ')}`);
    this.name = 'ReadinessFailures';
  }
}

/** A readiness check; name it when it is an inline arrow, so /readyz can say what failed. */
export type ReadyCheck = (() => Promise<void>) | { name: string; check: () => Promise<void> };

export interface AppOptions {
  /** The service name, added as the `service` label on every metric. */
  name: string;
  logger: Logger;
  /** Largest accepted request body in bytes (Fastify's default is 1 MiB). */
  bodyLimit?: number;
  /** Dependencies that must answer before the service takes traffic (database, bus). */
  ready?: ReadyCheck[];
  /** How long /readyz waits for one check before counting it as failed. */
  readyTimeoutMs?: number;
  /** Timeouts and the per-address connection cap of the HTTP server (defaults: defaultHttpLimits). */
  http?: HttpLimits;
  /** Metrics kept elsewhere in this process (the all-in-one's background thread), served on /metrics too. */
  moreMetrics?: () => Promise<MetricsJson>;
  /** Serve HTTPS (HTTP/1.1) with this certificate instead of plain HTTP. */
  tls?: TlsFiles;
  /** /openapi.json and /docs: this app's routes, or the merged parts of other processes. */
  apiDocs?: ApiDocsOptions;
  /** Validate every answer against its route's response schema (tests): a mismatch fails the request. */
  checkResponses?: boolean;
}

/** A registry's metrics as `getMetricsAsJSON()` gives them: what crosses between threads. */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

// A caller's id is reused only when it is short and plain, so it cannot forge log lines or bloat them.
const requestIdPattern = /^[\w.:-]{1,128}$/;

// Probes and scrapes arrive every few seconds; logging each would drown the useful lines.
const quietRoutes = new Set(['/healthz', '/readyz', '/metrics']);

function checkName(check: ReadyCheck, index: number): string {
  if (typeof check !== 'function') return check.name;
  return check.name || `check_${index}`;
}

async function runCheck(check: ReadyCheck, timeoutMs: number): Promise<void> {
  const run = typeof check === 'function' ? check : check.check;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readiness check timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The Fastify app every Klaxon service starts from: request ids, the PagerDuty-shaped error and 404
 * handlers, probes and metrics. Services add their routes as plugins on the returned instance.
 */
export function createApp(options: AppOptions): FastifyInstance {
  const checks = [...(options.ready ?? [])];
  const readyTimeoutMs = options.readyTimeoutMs ?? 5_000;
  // Typed as Fastify's base logger so the app matches the plain FastifyInstance plugins expect.
  const logger: FastifyBaseLogger = options.logger;
  const limits = options.http ?? defaultHttpLimits;
  const settings = {
    loggerInstance: logger,
    ...serverTimeouts(limits),
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    // Fastify's own request lines are replaced by one `request_completed` line, written in onResponse below.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    // Router and HTTP-parser errors in PagerDuty's body too, not Fastify's.
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
  } satisfies FastifyServerOptions;
  // An HTTPS server handles requests exactly as an HTTP one (https.Server is http.Server over TLS),
  // so plugins keep the plain FastifyInstance type whichever the app listens with.
  const app = options.tls
    ? (fastify({ ...settings, https: { cert: options.tls.cert, key: options.tls.key } }) as unknown as FastifyInstance)
    : fastify(settings);

  capConnectionsPerAddress(app.server, limits.maxConnectionsPerAddress);

  const metrics = createHttpMetrics(options.name);
  app.decorate('metrics', metrics.registry);
  app.decorate('addReadyCheck', (check: ReadyCheck) => {
    checks.push(check);
  });
  app.decorate('readiness', async (log: Logger = options.logger) => {
    const results = await Promise.allSettled(checks.map((check) => runCheck(check, readyTimeoutMs)));
    const failed: string[] = [];
    results.forEach((result, index) => {
      const check = checks[index];
      if (result.status === 'fulfilled' || check === undefined) return;
      const name = checkName(check, index);
      const parts = result.reason instanceof ReadinessFailures ? result.reason.failed : [];
      failed.push(...(parts.length > 0 ? parts.map((part) => `${name}/${part}`) : [name]));
      log.warn({ err: result.reason, check: name }, 'readiness_check_failed');
    });
    return failed;
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  app.setSerializerCompiler(responseSerializerCompiler(options.checkResponses ?? false));
  registerApiDocs(app, options.apiDocs);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label value: raw paths would give every scanner its own series.
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    const statusCode = reply.statusCode;
    metrics.observe({ method: request.method, route, statusCode }, reply.elapsedTime / 1000);
    if (quietRoutes.has(route)) return;
    // Successes are the bulk of the Events API's traffic: logged only at debug, so the hot path stays cheap.
    const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'info' : 'debug';
    if (!options.logger.isLevelEnabled(level)) return;
    request.log[level](
      { method: request.method, route, statusCode, durationMs: Math.round(reply.elapsedTime) },
      'request_completed',
    );
  });

  // Probes and metrics are for the platform, not API clients: left out of the API document.
  const probe = { schema: { hide: true } };
  app.get('/healthz', probe, async () => ({ status: 'ok' }));

  app.get('/readyz', probe, async (request, reply) => {
    const failed = await app.readiness(request.log as Logger);
    if (failed.length > 0) return reply.status(503).send({ status: 'unavailable', failed });
    return { status: 'ok' };
  });

  app.get('/metrics', probe, async (_request, reply) => {
    const registry = options.moreMetrics ? await merged(metrics.registry, options.moreMetrics) : metrics.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });

  return app;
}

/**
 * One registry of this app's metrics and those from elsewhere. Their series differ by label (the
 * other thread's carry `thread`), so summing never adds two series: it only keeps each family's
 * HELP and TYPE once, as the text format requires. `sum` everywhere, since prom-client's own
 * aggregators would drop some families (process_start_time_seconds).
 */
async function merged(registry: Registry, more: () => Promise<MetricsJson>): Promise<Registry> {
  const sources = [await registry.getMetricsAsJSON(), await more()];
  return AggregatorRegistry.aggregate(sources.map((metrics) => metrics.map((m) => ({ ...m, aggregator: 'sum' }))));
}
