import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type AddressClass, classifyAddress, hostAllowed } from './address-guard';

export interface GuardedHttpOptions {
  /** Hosts reachable even on loopback, private, link-local or metadata addresses. */
  allowedHosts: readonly string[];
  /** Whole-request timeout (PagerDuty: 5 s). */
  timeoutMs: number;
  /** Redirects followed at most; each hop is checked like the first. */
  maxRedirects?: number;
}

export type PostResult =
  | { ok: true; status: number; body: string }
  | {
      ok: false;
      /** refused: the SSRF guard; http: a non-2xx answer; timeout; network: DNS or connection failure. */
      kind: 'refused' | 'http' | 'timeout' | 'network';
      status?: number;
      detail: string;
    };

export class AddressRefusedError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly addressClass: AddressClass,
  ) {
    super(`${host} resolves to ${address} (${addressClass}), which webhooks may not reach`);
  }
}

/**
 * A DNS lookup that refuses non-public addresses. Given to the socket, so the address checked is
 * the address connected to (no second resolution an attacker's DNS could answer differently).
 */
function guardedLookup(allowedHosts: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      if (!hostAllowed(allowedHosts, hostname)) {
        for (const a of list) {
          const cls = classifyAddress(a.address);
          if (cls !== 'public') return callback(new AddressRefusedError(hostname, a.address, cls), '', 0);
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** Refuses a URL before connecting when its host is a literal IP (literals skip the DNS lookup). */
function checkUrl(url: URL, allowedHosts: readonly string[]): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${url.protocol} URLs are not supported`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0 || hostAllowed(allowedHosts, host)) return;
  const cls = classifyAddress(host);
  if (cls !== 'public') throw new AddressRefusedError(host, host, cls);
}

interface Answer {
  status: number;
  location?: string;
  body: string;
}

function requestOnce(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  options: GuardedHttpOptions,
  signal: AbortSignal,
): Promise<Answer> {
  checkUrl(url, options.allowedHosts);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(options.allowedHosts),
        signal,
        // A pooled socket could have been opened for another (allowed) host name on the same address.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          // Only the start of the answer is kept, for the log.
          if (size < 4096) chunks.push(c);
          size += c.length;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(typeof res.headers.location === 'string' ? { location: res.headers.location } : {}),
            body: Buffer.concat(chunks).toString('utf8').slice(0, 4096),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * POSTs a body to a URL that users configured (webhook subscription, chat webhook), refusing
 * loopback, private, link-local and metadata addresses after DNS resolution, on every redirect too.
 */
export async function guardedPost(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: GuardedHttpOptions,
): Promise<PostResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { ok: false, kind: 'refused', detail: 'invalid URL' };
  }
  let method = 'POST';
  let payload: string | undefined = body;
  try {
    for (let hop = 0; ; hop++) {
      const answer = await requestOnce(url, method, headers, payload, options, signal);
      if (answer.status >= 300 && answer.status < 400 && answer.location) {
        if (hop >= (options.maxRedirects ?? 3))
          return { ok: false, kind: 'http', status: answer.status, detail: 'too many redirects' };
        url = new URL(answer.location, url);
        // 307/308 repeat the request; the others turn it into a GET, as browsers do.
        if (answer.status !== 307 && answer.status !== 308) {
          method = 'GET';
          payload = undefined;
        }
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status, body: answer.body };
      return {
        ok: false,
        kind: 'http',
        status: answer.status,
        detail: `HTTP ${answer.status} ${answer.body.slice(0, 200)}`.trim(),
      };
    }
  } catch (err) {
    if (err instanceof AddressRefusedError) return { ok: false, kind: 'refused', detail: err.message };
    if (signal.aborted) return { ok: false, kind: 'timeout', detail: `no answer within ${options.timeoutMs} ms` };
    return { ok: false, kind: 'network', detail: err instanceof Error ? err.message : String(err) };
  }
}
