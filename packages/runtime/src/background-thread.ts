import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createApp, createLogger, loadConfig, type MetricsJson, ReadinessFailures } from '@klaxon/kit';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { systemClock } from './clock';
import { brokerList, infrastructureConfigSchema } from './config';
import { openInfrastructure } from './infrastructure';
import type { ServiceContext } from './service-context';
import { lowerThreadPriority } from './thread-priority';

/** The background thread's niceness: below the serving thread's (0), so the Events API comes first. */
const BACKGROUND_NICENESS = 10;

/** What the serving thread tells the background thread: the database it opened. */
interface BackgroundData {
  databaseUrl: string;
}

type ToBackground = { type: 'metrics'; id: number } | { type: 'readiness'; id: number } | { type: 'stop' };
type FromBackground =
  | { type: 'ready' }
  | { type: 'metrics'; id: number; metrics: MetricsJson }
  | { type: 'readiness'; id: number; failed: string[] }
  | { type: 'failed'; message: string };

export interface BackgroundThread {
  /** The thread's metrics (labelled `thread="background"`), for the serving thread's /metrics. */
  metrics(): Promise<MetricsJson>;
  /**
   * Resolves while the thread runs its plugins and its own readiness checks pass (the relays it
   * runs: grouping's, escalation's, notify's); rejects while it starts, once it has exited, or with
   * ReadinessFailures naming the checks of its own that failed.
   */
  ready(): Promise<void>;
  /** Drains the thread's consumers and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `module` (which calls `runBackground`) in a worker thread on the same database. It mounts
 * its plugins while this thread already serves; `onExit` hears of a failed start or an exit nobody
 * asked for.
 */
export function startBackgroundThread(
  module: string,
  data: BackgroundData,
  onExit: (code: number, reason: string) => void,
): BackgroundThread {
  const worker = module.endsWith('.ts')
    ? // Run from source (`pnpm start`): Node 20 does not carry `--import tsx` into workers, so the
      // thread registers tsx itself before loading the module.
      new Worker(
        `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(module)});`,
        {
          eval: true,
          workerData: data,
        },
      )
    : new Worker(module, { workerData: data });
  const pending = new Map<number, (metrics: MetricsJson) => void>();
  const pendingReadiness = new Map<number, (failed: string[]) => void>();
  let nextId = 0;
  let state: 'starting' | 'running' | 'stopping' | 'exited' = 'starting';
  let failure = '';
  worker.on('message', (message: FromBackground) => {
    if (message.type === 'metrics') {
      pending.get(message.id)?.(message.metrics);
      pending.delete(message.id);
    } else if (message.type === 'readiness') {
      pendingReadiness.get(message.id)?.(message.failed);
      pendingReadiness.delete(message.id);
    } else if (message.type === 'failed') {
      failure = message.message;
    } else if (state === 'starting') {
      state = 'running';
    }
  });
  worker.on('error', (err) => {
    failure = err.message;
  });
  worker.on('exit', (code) => {
    const asked = state === 'stopping';
    state = 'exited';
    for (const answer of pending.values()) answer([]);
    pending.clear();
    for (const answer of pendingReadiness.values()) answer(['exited']);
    pendingReadiness.clear();
    if (!asked) onExit(code, failure || 'exited');
  });
  return {
    metrics: () =>
      state === 'exited'
        ? Promise.resolve([])
        : new Promise((answer) => {
            const id = nextId++;
            pending.set(id, answer);
            worker.postMessage({ type: 'metrics', id } satisfies ToBackground);
          }),
    ready: async () => {
      if (state !== 'running') throw new Error(`background thread ${state}`);
      const failed = await new Promise<string[]>((answer) => {
        const id = nextId++;
        pendingReadiness.set(id, answer);
        worker.postMessage({ type: 'readiness', id } satisfies ToBackground);
      });
      if (failed.length > 0) throw new ReadinessFailures(failed);
    },
    stop: async () => {
      if (state === 'exited') return;
      const starting = state === 'starting';
      state = 'stopping';
      const exited = new Promise<void>((settle) => worker.once('exit', () => settle()));
      // A thread still mounting has nothing to drain, and its start can outlast the shutdown's
      // deadline on a busy machine: it ends at once (an open transaction rolls back, as after a crash).
      if (starting) await worker.terminate();
      else worker.postMessage({ type: 'stop' } satisfies ToBackground);
      await exited;
    },
  };
}

export interface RunBackgroundOptions {
  name: string;
  /** Registers the services' plugins; they run their background duties only (role `background`). */
  mount: (app: FastifyInstance, ctx: ServiceContext) => PromiseLike<unknown>;
  poolSize?: number;
}

/**
 * The background thread's life: open the database the serving thread started and the same bus,
 * mount the plugins as `background` on an app that never listens, report ready, and drain on `stop`.
 */
export async function runBackground(options: RunBackgroundOptions): Promise<void> {
  const port = parentPort;
  if (isMainThread || !port) throw new Error('runBackground runs in a worker thread started by startBackgroundThread');
  const data = workerData as BackgroundData;
  const env = loadConfig(infrastructureConfigSchema);
  const log: Logger = createLogger({ level: env.KLAXON_LOG_LEVEL, name: options.name }).child({ thread: 'background' });
  if (!lowerThreadPriority(BACKGROUND_NICENESS)) log.info('background_thread_priority_unchanged');
  try {
    const infra = await openInfrastructure(
      {
        databaseUrl: data.databaseUrl,
        dataDir: env.KLAXON_DATA_DIR,
        poolSize: options.poolSize,
        kafkaBrokers: brokerList(env.KLAXON_KAFKA_BROKERS),
        clientId: `klaxon-${options.name}-background`,
        shareAppends: true,
        // Consumers, relays and timers only: what they lose in a crash they redo (DatabaseConfig).
        synchronousCommit: false,
      },
      log,
    );
    const app = createApp({ name: options.name, logger: log });
    app.metrics.setDefaultLabels({ service: options.name, thread: 'background' });
    await options.mount(app, {
      db: infra.database.db,
      bus: infra.bus,
      log,
      clock: systemClock,
      instanceId: infra.instanceId,
      role: 'background',
    });
    await app.ready();
    port.on('message', (message: ToBackground) => {
      if (message.type === 'metrics') {
        void app.metrics
          .getMetricsAsJSON()
          .then((metrics) => port.postMessage({ type: 'metrics', id: message.id, metrics }));
      } else if (message.type === 'readiness') {
        void app
          .readiness()
          .then((failed) => port.postMessage({ type: 'readiness', id: message.id, failed } satisfies FromBackground));
      } else {
        // Consumers drain in the plugins' onClose hooks, then the bus and the pool close; in a
        // worker, process.exit ends this thread only.
        void app
          .close()
          .then(() => infra.close())
          .then(
            () => process.exit(0),
            (err: unknown) => {
              log.error({ err }, 'background_close_failed');
              process.exit(1);
            },
          );
      }
    });
    port.postMessage({ type: 'ready' } satisfies FromBackground);
  } catch (err) {
    log.fatal({ err }, 'background_start_failed');
    port.postMessage({
      type: 'failed',
      message: err instanceof Error ? err.message : String(err),
    } satisfies FromBackground);
    process.exit(1);
  }
}
