import { BlockList, isIP } from 'node:net';

/** What an IP address is, for the SSRF guard: only `public` addresses are reachable by default. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'carrier-grade-nat'
  | 'link-local'
  | 'metadata'
  | 'multicast'
  | 'reserved'
  | 'invalid';

type Range = [address: string, prefix: number];

// Most specific first: 169.254.169.254 is metadata before it is link-local.
const RANGES: [AddressClass, 'ipv4' | 'ipv6', Range[]][] = [
  [
    'metadata',
    'ipv4',
    [
      ['169.254.169.254', 32],
      ['100.100.100.200', 32],
    ],
  ],
  ['metadata', 'ipv6', [['fd00:ec2::254', 128]]],
  ['unspecified', 'ipv4', [['0.0.0.0', 8]]],
  ['unspecified', 'ipv6', [['::', 128]]],
  ['loopback', 'ipv4', [['127.0.0.0', 8]]],
  ['loopback', 'ipv6', [['::1', 128]]],
  [
    'private',
    'ipv4',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
  ],
  ['private', 'ipv6', [['fc00::', 7]]],
  ['carrier-grade-nat', 'ipv4', [['100.64.0.0', 10]]],
  ['link-local', 'ipv4', [['169.254.0.0', 16]]],
  ['link-local', 'ipv6', [['fe80::', 10]]],
  ['multicast', 'ipv4', [['224.0.0.0', 4]]],
  ['multicast', 'ipv6', [['ff00::', 8]]],
  [
    'reserved',
    'ipv4',
    [
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['240.0.0.0', 4],
    ],
  ],
  [
    'reserved',
    'ipv6',
    [
      ['2001:db8::', 32],
      ['100::', 64],
    ],
  ],
];

const LISTS = RANGES.map(([cls, family, ranges]) => {
  const list = new BlockList();
  for (const [address, prefix] of ranges) list.addSubnet(address, prefix, family);
  return { cls, family, list };
});

// IPv6 forms that carry an IPv4 address: mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d), compatible.
const EMBEDDED_V4 = [/^::ffff:(?:0:)?(.+)$/i, /^64:ff9b::(.+)$/i, /^::(\d+\.\d+\.\d+\.\d+)$/];

function embeddedV4(address: string): string | undefined {
  for (const pattern of EMBEDDED_V4) {
    const tail = pattern.exec(address)?.[1];
    if (!tail) continue;
    if (isIP(tail) === 4) return tail;
    // Hex form: ::ffff:7f00:1 -> 127.0.0.1
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
    if (hex?.[1] && hex[2]) {
      const hi = Number.parseInt(hex[1], 16);
      const lo = Number.parseInt(hex[2], 16);
      return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    }
  }
  return undefined;
}

/** Classifies an IP address literal, without any network access. */
export function classifyAddress(raw: string): AddressClass {
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 0) return 'invalid';
  if (family === 6) {
    const v4 = embeddedV4(address);
    if (v4) return classifyAddress(v4);
  }
  const fam = family === 4 ? 'ipv4' : 'ipv6';
  for (const { cls, family: f, list } of LISTS) {
    if (f === fam && list.check(address, fam)) return cls;
  }
  return 'public';
}

/** Hosts the operator allowed despite their addresses (KLAXON_WEBHOOK_ALLOWED_HOSTS), compared lower-case. */
export function hostAllowed(allowedHosts: readonly string[], hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return allowedHosts.some((h) => h.replace(/^\[|\]$/g, '').toLowerCase() === host);
}
