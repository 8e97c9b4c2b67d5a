interface Connectable {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

export interface LazyConnection<T> {
  /** The connected client, connecting on first use; a failed connect is forgotten, so the next call tries again. */
  get(): Promise<T>;
  /** Disconnects the current client (if any); the next get() makes a fresh one. */
  reset(): Promise<void>;
}

/**
 * Clients connect on first use, not when the bus is made: a process must start (and answer
 * /readyz with "not ready") while the brokers are away, and a publish must then fail, not hang.
 */
export function lazyConnection<T extends Connectable>(create: () => T): LazyConnection<T> {
  let current: { client: T; connected: Promise<T> } | undefined;
  return {
    get() {
      if (!current) {
        const client = create();
        const entry = { client, connected: client.connect().then(() => client) };
        current = entry;
        entry.connected.catch(() => {
          if (current === entry) current = undefined;
          // kafkajs may hold half-open sockets and retry timers after a failed connect.
          void client.disconnect().catch(() => undefined);
        });
      }
      return current.connected;
    },
    async reset() {
      const entry = current;
      current = undefined;
      if (!entry) return;
      const client = await entry.connected.catch(() => undefined);
      await client?.disconnect();
    },
  };
}
