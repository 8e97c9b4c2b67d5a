import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { bigserial, customType, jsonb, type PgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import type { Database, Executor } from './database';
import { insertMany } from './insert-many';

/** A bytea column read as a plain Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  // node-postgres returns a Buffer (a view on a shared pool); callers get a plain Uint8Array.
  fromDriver: (value) => new Uint8Array(value),
});

/** The transactional outbox of one service: message rows written in the same transaction as its state. */
export function outboxTable(schema: PgSchema) {
  return schema.table('outbox', {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    key: text('key').notNull(),
    value: bytea('value').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  });
}

/** Only one relay per schema publishes at a time, so the outbox order becomes the bus order. */
export function outboxLeaseTable(schema: PgSchema) {
  return schema.table('outbox_lease', {
    name: text('name').primaryKey(),
    owner: text('owner').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  });
}

export type OutboxTable = ReturnType<typeof outboxTable>;
export type OutboxLeaseTable = ReturnType<typeof outboxLeaseTable>;

export interface OutboxMessage {
  topic: string;
  key: string;
  value: Uint8Array;
  headers?: Record<string, string>;
}

/**
 * The largest message an outbox takes, framing included: below Kafka's default limit (1 MB,
 * message.max.bytes) with room to spare. A message the broker would refuse must be refused when it
 * is written, failing the change that made it, not found by the relay, where it blocked every later
 * message of the outbox.
 */
export const MAX_OUTBOX_MESSAGE_BYTES = 900_000;

/** A change would publish a message larger than MAX_OUTBOX_MESSAGE_BYTES; nothing of it was written. */
export class MessageTooLargeError extends Error {
  /** Answered as PagerDuty's 400 "Product Limit Reached" by the kit's error handler. */
  readonly code = 'KLAXON_MESSAGE_TOO_LARGE';
  constructor(
    readonly topic: string,
    readonly bytes: number,
  ) {
    super(`a ${topic} message of ${bytes} bytes exceeds the ${MAX_OUTBOX_MESSAGE_BYTES} bytes the bus takes`);
    this.name = 'MessageTooLargeError';
  }
}

/** Bytes a message takes on the bus: key, value and headers (framing is within the limit's margin). */
export function outboxMessageBytes(message: OutboxMessage): number {
  let bytes = Buffer.byteLength(message.key) + message.value.byteLength;
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += Buffer.byteLength(name + value);
  return bytes;
}

/**
 * Writes messages into the outbox; call it with the transaction that changes the state. Throws
 * MessageTooLargeError (before writing anything) for a message the bus could never carry.
 */
export async function enqueueOutbox(tx: Executor, table: OutboxTable, messages: OutboxMessage[]): Promise<void> {
  for (const message of messages) {
    const bytes = outboxMessageBytes(message);
    if (bytes > MAX_OUTBOX_MESSAGE_BYTES) throw new MessageTooLargeError(message.topic, bytes);
  }
  await insertMany(
    tx,
    table,
    messages.map((m) => ({ topic: m.topic, key: m.key, value: m.value, headers: m.headers ?? {} })),
  );
}

/** What the relay needs of the bus: an append that resolves once durable. */
export type Publish = (
  topic: string,
  messages: { key: string; value: Uint8Array; headers?: Record<string, string> }[],
) => Promise<void>;

export interface OutboxRelayOptions {
  db: Database;
  outbox: OutboxTable;
  lease: OutboxLeaseTable;
  publish: Publish;
  log: Logger;
  /** Unique per process, to own the lease. */
  owner: string;
  batchSize?: number;
  pollMs?: number;
  leaseMs?: number;
  /** How long a wake waits for more commits to share its pass (default 5 ms). */
  wakeDelayMs?: number;
}

export interface RelayHealth {
  /** Passes that failed since the relay started (a count for /metrics). */
  errors: number;
  /** Since when every pass has failed; undefined while the last pass succeeded. */
  failingSince: Date | undefined;
}

export interface OutboxRelay {
  readonly health: RelayHealth;
  /** Asks for a prompt pass (after a commit), instead of waiting for the next poll. */
  wake(): void;
  /** Publishes everything currently in the outbox; for tests and shutdown. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Publishes outbox rows in id order, then deletes them. A crash between publish and delete
 * publishes the rows again on the next pass: at-least-once, which consumers absorb by message id.
 * The transaction is not held across the publish: it would pin a pooled connection (and the rows'
 * locks) for a broker round trip, and the Postgres-log bus appends through a connection of the same
 * pool, so relays waiting on each other could exhaust it. The lease keeps one relay per outbox.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, outbox, lease, publish, log, owner } = options;
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 200;
  const leaseMs = options.leaseMs ?? 15_000;
  const wakeDelayMs = options.wakeDelayMs ?? 5;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let again = false;
  let busy = false;
  let wakeTimer: NodeJS.Timeout | undefined;
  const health: RelayHealth = { errors: 0, failingSince: undefined };

  async function holdLease(): Promise<boolean> {
    const until = new Date(Date.now() + leaseMs);
    const rows = (await db
      .insert(lease)
      .values({ name: 'relay', owner, expiresAt: until })
      .onConflictDoUpdate({
        target: lease.name,
        set: { owner, expiresAt: until },
        setWhere: sql`${lease.owner} = ${owner} or ${lease.expiresAt} < now()`,
      })
      .returning({ owner: lease.owner })) as { owner: string }[];
    return rows.length === 1;
  }

  async function pass(): Promise<number> {
    // An empty outbox is the common case (every idle poll): one read, and no lease write, whose
    // commit would be WAL and a flush several times a second for nothing.
    if ((await db.select({ id: outbox.id }).from(outbox).limit(1)).length === 0) return 0;
    if (!(await holdLease())) return 0;
    const rows = await db.select().from(outbox).orderBy(asc(outbox.id)).limit(batchSize);
    if (rows.length === 0) return 0;
    // Consecutive rows of one topic go out as one append, keeping the outbox order.
    let start = 0;
    while (start < rows.length) {
      let end = start + 1;
      while (end < rows.length && rows[end]?.topic === rows[start]?.topic) end++;
      const run = rows.slice(start, end);
      await publish(
        run[0]?.topic ?? '',
        run.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
      );
      start = end;
    }
    await db.delete(outbox).where(
      inArray(
        outbox.id,
        rows.map((r) => r.id),
      ),
    );
    return rows.length;
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      while ((await pass()) === batchSize) {
        /* a full batch: more may be waiting */
      }
    } while (again && !stopped);
  }

  // One pass at a time: a wake during a pass makes that pass loop once more instead.
  function kick(): void {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    clearTimeout(timer);
    running = drain()
      .then(() => {
        health.failingSince = undefined;
      })
      .catch((err: unknown) => {
        health.errors++;
        health.failingSince ??= new Date();
        log.warn({ err, errors: health.errors }, 'outbox_relay_failed');
      })
      .finally(() => {
        busy = false;
        if (!stopped) timer = setTimeout(kick, pollMs);
      });
  }

  kick();

  return {
    health,
    wake() {
      // Commits that land within a few ms share one pass: under load a pass per commit would cost
      // more statements than the commits themselves (a pass is a lease, a read, a publish, a delete).
      if (wakeTimer || stopped) return;
      wakeTimer = setTimeout(() => {
        wakeTimer = undefined;
        kick();
      }, wakeDelayMs);
    },
    async flush() {
      kick();
      again = true;
      await running;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(wakeTimer);
      await running;
      // Hand the lease over at once, so a replacement process need not wait for it to expire.
      await db
        .delete(lease)
        .where(and(eq(lease.name, 'relay'), eq(lease.owner, owner)))
        .catch((err: unknown) => log.warn({ err }, 'outbox_lease_release_failed'));
    },
  };
}
