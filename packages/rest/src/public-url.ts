import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * The base objects' links are rendered against when `KLAXON_PUBLIC_URL` is unset: what stored
 * snapshots and messages carry. REST answers then re-base their links on each request (below).
 */
export const defaultPublicUrl = 'http://localhost:8080';

/** Whether a peer address is a trusted proxy. */
export type TrustProxy = (address: string | undefined) => boolean;

const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * `KLAXON_TRUSTED_PROXIES` (comma-separated IPs and CIDRs) as a predicate, on Node's BlockList.
 * Throws on an entry that is neither, so a typo fails at start instead of trusting nobody quietly.
 */
export function trustedProxies(list: string | undefined): TrustProxy {
  const blocks = new BlockList();
  let any = false;
  for (const entry of (list ?? '').split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= max))) {
      throw new Error(`KLAXON_TRUSTED_PROXIES: ${entry} is not an IP address or CIDR`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) blocks.addAddress(address, type);
    else blocks.addSubnet(address, prefix, type);
    any = true;
  }
  return (address) => {
    if (!any || !address) return false;
    const v4 = mappedV4.exec(address)?.[1];
    if (v4) return blocks.check(v4, 'ipv4');
    const family = isIP(address);
    return family !== 0 && blocks.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}

// A Host as clients may send it: a name or address with an optional port, nothing to inject.
const hostPattern = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const first = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

/**
 * The base URL a client reached this request at: its Host and scheme, or X-Forwarded-Host and
 * X-Forwarded-Proto when the peer is a trusted proxy. Undefined when the Host is missing or malformed.
 */
export function requestBase(request: FastifyRequest, trust: TrustProxy): string | undefined {
  const viaProxy = trust(request.socket.remoteAddress);
  const host = (viaProxy ? first(request.headers['x-forwarded-host']) : undefined) ?? request.headers.host;
  const forwardedProto = viaProxy ? first(request.headers['x-forwarded-proto'])?.toLowerCase() : undefined;
  const proto =
    forwardedProto === 'http' || forwardedProto === 'https'
      ? forwardedProto
      : request.protocol === 'https'
        ? 'https'
        : 'http';
  return host && hostPattern.test(host) ? `${proto}://${host}` : undefined;
}

const linkKeys = new Set(['self', 'html_url']);

/** `self` and `html_url` anywhere in a response body moved from one base to another. */
export function rebaseLinks(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => rebaseLinks(v, from, to));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      linkKeys.has(key) && typeof v === 'string' && (v === from || v.startsWith(`${from}/`))
        ? to + v.slice(from.length)
        : rebaseLinks(v, from, to);
  }
  return out;
}
