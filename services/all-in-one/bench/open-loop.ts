import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

// An open-loop sender: event i is due at start + i / rate whatever the answers to earlier events, over
// a pool of keep-alive connections. Latency runs from when a request was due, not from when a free
// connection took it, so a slow server cannot hide its queue by slowing the sender down (coordinated
// omission): a request waiting for a connection is waiting on the server.

export interface SendResult {
  /** performance.now() when each event was due. */
  dueAt: Float64Array;
  /** performance.now() when its answer ended (NaN when none came). */
  answeredAt: Float64Array;
  /** HTTP status of each answer; 0 for a transport error or timeout. */
  status: Uint16Array;
  /** How far behind schedule the sender itself fell at worst (ms): large values mean the bench, not Klaxon, limited the rate. */
  maxSenderLagMs: number;
  /** From the first event due to the last one sent (ms). */
  sendSpanMs: number;
}

export async function sendOpenLoop(options: {
  url: string;
  rate: number;
  count: number;
  connections: number;
  body: (i: number) => string;
  timeoutMs?: number;
}): Promise<SendResult> {
  const { rate, count } = options;
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections });
  const dueAt = new Float64Array(count);
  const answeredAt = new Float64Array(count).fill(Number.NaN);
  const status = new Uint16Array(count);
  let pending = count;
  let maxSenderLagMs = 0;
  let sendSpanMs = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const answer = (i: number, code: number) => {
    if (!Number.isNaN(answeredAt[i] as number)) return;
    answeredAt[i] = performance.now();
    status[i] = code;
    if (--pending === 0) done();
  };
  const fire = (i: number) => {
    const payload = Buffer.from(options.body(i));
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
        timeout: options.timeoutMs ?? 60_000,
      },
      (res) => {
        res.resume();
        res.once('end', () => answer(i, res.statusCode ?? 0));
        res.once('error', () => answer(i, 0));
      },
    );
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => answer(i, 0));
    req.end(payload);
  };

  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(count, Math.floor(((now - start) * rate) / 1000) + 1);
      for (; next < due; next++) {
        dueAt[next] = start + (next * 1000) / rate;
        maxSenderLagMs = Math.max(maxSenderLagMs, now - (dueAt[next] as number));
        fire(next);
      }
      if (next >= count) {
        sendSpanMs = performance.now() - start;
        resolve();
        return;
      }
      // Wake up for the next due event; timers are ~1 ms granular, so a tick sends every event due by then.
      const wait = Math.max(0, start + (next * 1000) / rate - performance.now());
      setTimeout(tick, Math.min(wait, 5));
    };
    tick();
  });
  if (count === 0) done();
  await finished;
  agent.destroy();
  return { dueAt, answeredAt, status, maxSenderLagMs, sendSpanMs };
}
