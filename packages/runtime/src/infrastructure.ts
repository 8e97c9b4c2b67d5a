import { randomBytes } from 'node:crypto';
import { type Bus, createKafkaBus, createPostgresLogBus } from '@klaxon/bus';
import { allTopics } from '@klaxon/contracts';
import { type DatabaseHandle, openDatabase } from '@klaxon/db';
import type { Logger } from 'pino';

export interface InfrastructureConfig {
  /** A PostgreSQL URL; when absent, embedded PGlite under dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Kafka bootstrap brokers; when empty, the Postgres-log bus in the same database. */
  kafkaBrokers: string[];
  /** Names this process to Kafka and in leases. */
  clientId: string;
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
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    const bus =
      config.kafkaBrokers.length > 0
        ? await createKafkaBus({ brokers: config.kafkaBrokers, clientId: config.clientId, log })
        : await createPostgresLogBus({ db: database.db, log });
    await bus.ensureTopics(allTopics);
    log.info({ database: database.kind, bus: bus.kind }, 'infrastructure_opened');
    return {
      database,
      bus,
      instanceId: `${config.clientId}-${randomBytes(4).toString('hex')}`,
      close: async () => {
        await bus.close();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
