import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Bus, createKafkaBus, createPostgresLogBus, deadLetterTopicSpecs } from '@klaxon/bus';
import { allTopics } from '@klaxon/contracts';
import { type DatabaseHandle, type EmbeddedPostgres, openDatabase, startEmbeddedPostgres } from '@klaxon/db';
import type { Logger } from 'pino';

export interface InfrastructureConfig {
  /** A PostgreSQL URL; when absent, an embedded PostgreSQL server in dataDir/postgres. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Connections to the database this process keeps at most. */
  poolSize?: number | undefined;
  /** Kafka bootstrap brokers; when empty, the Postgres-log bus in the same database. */
  kafkaBrokers: string[];
  /** Names this process to Kafka and in leases. */
  clientId: string;
  /** The Postgres-log bus shares its appends with this process's other threads (split all-in-one). */
  shareAppends?: boolean;
  /** false: commits return before the WAL flush (background work only; see DatabaseConfig). */
  synchronousCommit?: boolean;
}

export interface Infrastructure {
  readonly database: DatabaseHandle;
  readonly bus: Bus;
  /** Unique per process, to own leases (outbox relay, log partitions). */
  readonly instanceId: string;
  close(): Promise<void>;
}

/** Opens the database and the bus a configuration asks for, and creates the catalogued topics. */
export async function openInfrastructure(config: InfrastructureConfig, log: Logger): Promise<Infrastructure> {
  const embedded = config.databaseUrl ? undefined : await startEmbedded(config.dataDir, log);
  let database: DatabaseHandle | undefined;
  try {
    database = await openDatabase({
      url: config.databaseUrl || (embedded as EmbeddedPostgres).url,
      ...(config.poolSize ? { poolSize: config.poolSize } : {}),
      ...(config.synchronousCommit === false ? { synchronousCommit: false } : {}),
      log,
    });
    const bus =
      config.kafkaBrokers.length > 0
        ? await createKafkaBus({ brokers: config.kafkaBrokers, clientId: config.clientId, log })
        : await createPostgresLogBus({
            db: database.db,
            log,
            ...(config.shareAppends ? { appendsChannel: 'klaxon:bus:appends' } : {}),
          });
    // Each topic's dead-letter topic too: catalog keeps their messages (see catalog's dead letters).
    await bus.ensureTopics([...allTopics, ...deadLetterTopicSpecs(allTopics)]);
    log.info({ database: embedded ? 'embedded-postgres' : 'postgres', bus: bus.kind }, 'infrastructure_opened');
    const opened = database;
    return {
      database: opened,
      bus,
      instanceId: `${config.clientId}-${randomBytes(4).toString('hex')}`,
      // The embedded server stops last, once the bus and the pool have let go of it.
      close: async () => {
        try {
          await bus.close();
          await opened.close();
        } finally {
          await embedded?.stop();
        }
      },
    };
  } catch (err) {
    await database?.close();
    await embedded?.stop();
    throw err;
  }
}

/** The all-in-one's (and a lone service's without KLAXON_DATABASE_URL) own PostgreSQL, in dataDir/postgres. */
async function startEmbedded(dataDir: string, log: Logger): Promise<EmbeddedPostgres> {
  // Before the embedded server, the all-in-one kept its (WASM) cluster directly in the data folder;
  // that data is not read any more, and saying so beats an empty instance without a word.
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) log.warn({ dataDir }, 'embedded_legacy_data_ignored');
  return startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), log });
}
