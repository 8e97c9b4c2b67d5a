import { createApp, createLogger, loadConfig, loadTls, onShutdown } from '@klaxon/kit';
import type { FastifyInstance } from 'fastify';
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
      },
      log,
    );
    const app = createApp({
      name: options.name,
      logger: log,
      ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
      ...(tls ? { tls } : {}),
      ready: [
        { name: 'database', check: infra.database.ping },
        { name: 'bus', check: () => infra.bus.ping() },
      ],
    });
    const ctx: ServiceContext = {
      db: infra.database.db,
      bus: infra.bus,
      log,
      clock: systemClock,
      instanceId: infra.instanceId,
    };
    await options.mount(app, ctx);
    // app.close() first: no new requests, plugins' onClose hooks drain consumers; then bus and database.
    onShutdown(log, [() => app.close(), () => infra.close()]);
    await app.listen({ port: env.KLAXON_PORT, host: env.KLAXON_HOST });
    return app;
  } catch (err) {
    log.fatal({ err }, 'service_start_failed');
    process.exit(1);
  }
}
