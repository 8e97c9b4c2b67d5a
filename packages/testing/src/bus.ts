import { type Bus, createKafkaBus, createPostgresLogBus } from '@klaxon/bus';
import type { Database } from '@klaxon/db';
import { pino } from 'pino';
import { infra, uniqueSuffix } from './backends';

export const silentLog = pino({ level: 'silent' });

/**
 * The bus integration suites run on: the Postgres log in the test database under `pnpm test`, real
 * Kafka under `pnpm test:infra`, with topic names prefixed so test files never see each other's messages.
 */
export async function testBus(db: Database, options: { prefix?: string; appendsChannel?: string } = {}): Promise<Bus> {
  if (!infra.enabled) {
    const shared = options.appendsChannel ? { appendsChannel: options.appendsChannel } : {};
    return createPostgresLogBus({ db, log: silentLog, sessionTimeoutMs: 1_500, ...shared });
  }
  return createKafkaBus({
    brokers: infra.kafkaBrokers,
    clientId: `klaxon-test-${uniqueSuffix()}`,
    log: silentLog,
    topicPrefix: options.prefix ?? `t${uniqueSuffix()}.`,
    sessionTimeoutMs: 6_000,
  });
}
