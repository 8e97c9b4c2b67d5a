import { createApp, createLogger, httpLimitsOf, loadConfig, loadTls, onShutdown } from '@klaxon/kit';
import type { FastifyInstance } from 'fastify';
import { type BackgroundThread, startBackgroundThread } from './background-thread';
import { systemClock } from './clock';
import { brokerList, infrastructureConfigSchema } from './config';
import { openInfrastructure } from './infrastructure';
import type { ServiceContext } from './service-context';

export interface RunServiceOptions {
  /** The service name: logs, metrics, Kafka client id. */
  name: string;
  /** Registers the service's plugin(s) on the app. */
  mount: (app: FastifyInstance, ctx: ServiceContext) => PromiseLike<unknown>;
  bodyLimit?: number;
  /** Database connections this process keeps at most; node-postgres' 10 when unset. */
  poolSize?: number;
  /**
   * A module that calls `runBackground` with the same plugins: it runs their consumers, timers and
   * relays in a worker thread, and this thread only serves HTTP (the all-in-one), so a storm's
   * consumer work never delays the Events API's answers.
   */
  background?: string;
}

/**
 * The whole life of one process: config -> logger -> database and bus -> app with the service's
 * plugins -> listen -> drain on SIGTERM. Each service's main.ts and the all-in-one call it.
 */
export async function runService(options: RunServiceOptions): Promise<FastifyInstance> {
  const env = loadConfig(infrastructureConfigSchema);
  const log = createLogger({ level: env.KLAXON_LOG_LEVEL, name: options.name });
  try {
    const tls = loadTls(env);
    const infra = await openInfrastructure(
      {
        databaseUrl: env.KLAXON_DATABASE_URL,
        dataDir: env.KLAXON_DATA_DIR,
        poolSize: options.poolSize,
        kafkaBrokers: brokerList(env.KLAXON_KAFKA_BROKERS),
        clientId: `klaxon-${options.name}`,
        shareAppends: options.background !== undefined,
      },
      log,
    );
    let background: BackgroundThread | undefined;
    const app = createApp({
      name: options.name,
      logger: log,
      http: httpLimitsOf(env),
      ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
      ...(tls ? { tls } : {}),
      ready: [
        { name: 'database', check: infra.database.ping },
        { name: 'bus', check: () => infra.bus.ping() },
        // The worker's relays (outbox depth growing behind a failing relay) count here too: a
        // supervisor reading /readyz sees them as it would in a service run alone.
        ...(options.background ? [{ name: 'background', check: async () => background?.ready() }] : []),
      ],
      ...(options.background ? { moreMetrics: async () => (await background?.metrics()) ?? [] } : {}),
    });
    const ctx: ServiceContext = {
      db: infra.database.db,
      bus: infra.bus,
      log,
      clock: systemClock,
      instanceId: infra.instanceId,
      role: options.background ? 'serve' : 'all',
    };
    // Migrations run here, before the background thread mounts the same plugins.
    await options.mount(app, ctx);
    // The background thread mounts the same plugins while this one already answers; /readyz waits for it.
    if (options.background) {
      background = startBackgroundThread(options.background, { databaseUrl: infra.database.url }, (code, reason) => {
        log.fatal({ code, reason }, 'background_thread_exited');
        process.exit(1);
      });
    }
    const stopBackground = async () => background?.stop();
    // app.close() first: no new requests, plugins' onClose hooks drain consumers; then bus and database.
    onShutdown(log, [() => app.close(), stopBackground, () => infra.close()]);
    await app.listen({ port: env.KLAXON_PORT, host: env.KLAXON_HOST });
    return app;
  } catch (err) {
    log.fatal({ err }, 'service_start_failed');
    process.exit(1);
  }
}
