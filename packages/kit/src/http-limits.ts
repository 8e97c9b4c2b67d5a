import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { pagerDutyError } from './errors';

/**
 * How long a client may take and how many connections it may hold, so slow or idle clients cannot
 * pin the process's sockets and descriptors (300 connections trickling bodies once stayed open for
 * good and took /healthz down). Read from KLAXON_HTTP_* (config.ts) by every process.
 */
export interface HttpLimits {
  /** A request's headers must arrive within this (Node's headersTimeout). */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this (Node's requestTimeout); 408 after. */
  requestTimeoutMs: number;
  /** A connection with no traffic either way is closed after this; also the keep-alive wait between requests. */
  idleTimeoutMs: number;
  /** Open connections one client address may hold; more are answered 429 and closed. 0: no cap. */
  maxConnectionsPerAddress: number;
}

export const defaultHttpLimits: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Above the 60 s idle timeout of common load balancers, so they close first and never reuse a closed socket.
  idleTimeoutMs: 72_000,
  maxConnectionsPerAddress: 128,
};

/** Fastify's server options for these limits. */
export function serverTimeouts(limits: HttpLimits) {
  // Node refuses a headers timeout above the request timeout.
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default), which would stretch a 10 s limit to 40 s.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
  };
}

const refusal = (() => {
  const body = JSON.stringify(pagerDutyError('rate_limited', ['Too many open connections from this address']).body);
  return `HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
})();

// How long a refused connection may linger while its request is read and dropped.
const REFUSED_LINGER_MS = 1_000;

/**
 * Gates the server's connection handling: a connection beyond the cap for its address is never
 * handed to HTTP; it is answered PagerDuty's 429 and closed. Installed before listen, in front of
 * the listeners Node and Fastify registered.
 */
export function capConnectionsPerAddress(server: Server, max: number): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  const handlers = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      // Reading on, so the unread request does not turn the close into a reset before the client reads the 429.
      socket.on('error', () => undefined);
      socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
      socket.resume();
      socket.end(refusal);
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
    for (const handler of handlers) handler.call(server, socket);
  });
}
