import { createHash } from 'node:crypto';

/** What an event was given on its first attempt, so a retry of it is the same event on the bus. */
export interface EventIdentity {
  id: string;
  dedupKey: string;
  receivedAt: Date;
}

/**
 * Events answered 5xx because their append failed or timed out, by fingerprint, for the retry
 * window. Such an append may still land (a broker that acknowledges late): a client retrying the
 * same request then gets the same event id (and generated dedup key), so the two copies are one
 * alert, since every consumer applies a message id once. A 202 forgets the fingerprint: a client
 * sending the same event again on purpose gets a new alert, as on PagerDuty.
 *
 * This is one process's memory; shared-unsettled-events.ts shares it with the other ingest replicas,
 * so a retry reaching another replica is recognised too.
 */
export interface UnsettledEvents {
  /** Identity of an earlier unsettled attempt of this request, if one is remembered. */
  recall(fingerprint: string): EventIdentity | undefined;
  /**
   * Remembers until `until` (ms since the epoch; default: now + the window). The shared memory
   * resolves once the other replicas can know it: a 503 is answered after that.
   */
  remember(fingerprint: string, identity: EventIdentity, until?: number): void | Promise<void>;
  forget(fingerprint: string): void;
  /** Whether anything is remembered: a request needs its fingerprint only then, or once it fails. */
  readonly empty: boolean;
}

/** Same endpoint, same integration, same bytes: a client's retry of the same request. */
export function eventFingerprint(endpoint: string, integrationId: string, body: Uint8Array): string {
  return createHash('sha256')
    .update(endpoint)
    .update('\u0000')
    .update(integrationId)
    .update('\u0000')
    .update(body)
    .digest('base64url');
}

export function createUnsettledEvents(options: {
  windowMs: number;
  maxEntries: number;
  now: () => Date;
}): UnsettledEvents {
  // Insertion order is age order: the oldest entries are evicted first.
  const entries = new Map<string, { identity: EventIdentity; until: number }>();
  const expire = (now: number) => {
    for (const [fingerprint, entry] of entries) {
      if (entry.until > now && entries.size <= options.maxEntries) break;
      entries.delete(fingerprint);
    }
  };
  return {
    recall(fingerprint) {
      const now = options.now().getTime();
      expire(now);
      // Expiry stops at the first live entry; one shared by another replica may be older behind it.
      const entry = entries.get(fingerprint);
      return entry && entry.until > now ? entry.identity : undefined;
    },
    remember(fingerprint, identity, until) {
      const now = options.now().getTime();
      entries.delete(fingerprint);
      entries.set(fingerprint, { identity, until: until ?? now + options.windowMs });
      expire(now);
    },
    forget(fingerprint) {
      entries.delete(fingerprint);
    },
    get empty() {
      return entries.size === 0;
    },
  };
}
