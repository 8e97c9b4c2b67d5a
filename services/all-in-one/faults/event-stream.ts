// A monitoring tool sending Events API v2 triggers at a steady rate, each with a sequence number in
// its summary and no dedup_key (so a duplicate would be a second incident). It retries what is safe
// to retry: a 503 (Klaxon's "not taken, send it again") and a refused connection (the request never
// arrived). A request cut off mid-way (the server killed under it) has an unknown outcome and is not
// retried: it may or may not become an alert, but never two.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StreamResult {
  sent: number;
  /** Sequence numbers answered 202, and when (ms since the epoch). */
  accepted: Map<number, number>;
  unknown: Set<number>;
  unknownCauses: Map<string, number>;
  /** Still refused 2 minutes after the stream stopped (Klaxon never came back). */
  gaveUp: Set<number>;
  /** Other answers (a 4xx would be a bug here), by status. */
  refused: Map<number, number>;
  retried503: number;
  retriedRefused: number;
}

export interface EventStream {
  stop(): Promise<StreamResult>;
}

export const summaryOf = (round: string, seq: number) => `${round} event ${seq}`;

export function startStream(options: {
  round: string;
  routingKey: string;
  ratePerSecond: number;
  /** Where ingest is now (the all-in-one moves ports when restarted). */
  ingestUrl: () => string;
}): EventStream {
  const result: StreamResult = {
    sent: 0,
    accepted: new Map(),
    unknown: new Set(),
    unknownCauses: new Map(),
    gaveUp: new Set(),
    refused: new Map(),
    retried503: 0,
    retriedRefused: 0,
  };
  let stopping = false;
  let stoppedAt: number | undefined;
  const inFlight = new Set<Promise<void>>();

  const send = async (seq: number) => {
    const body = JSON.stringify({
      routing_key: options.routingKey,
      event_action: 'trigger',
      payload: { summary: summaryOf(options.round, seq), source: 'fault-suite', severity: 'critical' },
    });
    // Bounded: a stream stopped long after the fault still ends.
    for (let attempt = 0; ; attempt++) {
      if (stoppedAt !== undefined && Date.now() - stoppedAt > 120_000) {
        result.gaveUp.add(seq);
        return;
      }
      try {
        const res = await fetch(`${options.ingestUrl()}/v2/enqueue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(20_000),
        });
        await res.arrayBuffer();
        if (res.status === 202) {
          result.accepted.set(seq, Date.now());
          return;
        }
        if (res.status !== 503) {
          result.refused.set(res.status, (result.refused.get(res.status) ?? 0) + 1);
          return;
        }
        result.retried503++;
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code;
        if (code !== 'ECONNREFUSED') {
          const why = code ?? (err as Error).name;
          result.unknownCauses.set(why, (result.unknownCauses.get(why) ?? 0) + 1);
          result.unknown.add(seq);
          return;
        }
        result.retriedRefused++;
      }
      // Backing off as a client library does: a herd of tight retries would only slow the restart.
      await sleep(Math.min(5_000, 250 * 2 ** attempt));
    }
  };

  const loop = (async () => {
    const started = Date.now();
    for (let seq = 0; !stopping; seq++) {
      const due = started + (seq * 1000) / options.ratePerSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      if (stopping) break;
      result.sent++;
      const p = send(seq).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  })();

  return {
    async stop() {
      stopping = true;
      stoppedAt = Date.now();
      await loop;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      return result;
    },
  };
}
