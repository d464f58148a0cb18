// Refuse webhook targets on loopback, private, link-local and other non-public addresses, unless the
// config allows them (CW_WEBHOOK_ALLOW_PRIVATE, for the demo and tests). The check runs inside the
// socket's DNS lookup, so the address checked is the address connected to (no DNS rebinding gap).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export class RefusedTargetError extends Error {
  constructor(host: string, address: string) {
    super(
      `webhook target ${host} resolves to non-public address ${address}; set CW_WEBHOOK_ALLOW_PRIVATE=true to allow`,
    );
    this.name = 'RefusedTargetError';
  }
}

/**
 * IANA's IPv4 and IPv6 special-purpose address registries (plus multicast and the deprecated
 * ranges still listed in RFC 6890's successors), as of 2025. A webhook never legitimately points
 * at any of them. `why` names the range in the refusal and in the tests.
 */
export const SPECIAL_IPV4: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, '"this network" (RFC 791)'],
  ['10.0.0.0', 8, 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'shared address space / CGNAT (RFC 6598)'],
  ['127.0.0.0', 8, 'loopback (RFC 1122)'],
  ['169.254.0.0', 16, 'link-local (RFC 3927)'],
  ['172.16.0.0', 12, 'private (RFC 1918)'],
  ['192.0.0.0', 24, 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0', 24, 'documentation TEST-NET-1 (RFC 5737)'],
  ['192.31.196.0', 24, 'AS112-v4 (RFC 7535)'],
  ['192.52.193.0', 24, 'AMT (RFC 7450)'],
  ['192.88.99.0', 24, 'deprecated 6to4 relay anycast (RFC 7526)'],
  ['192.168.0.0', 16, 'private (RFC 1918)'],
  ['192.175.48.0', 24, 'direct delegation AS112 service (RFC 7534)'],
  ['198.18.0.0', 15, 'benchmarking (RFC 2544)'],
  ['198.51.100.0', 24, 'documentation TEST-NET-2 (RFC 5737)'],
  ['203.0.113.0', 24, 'documentation TEST-NET-3 (RFC 5737)'],
  ['224.0.0.0', 4, 'multicast (RFC 5771)'],
  ['240.0.0.0', 4, 'reserved (RFC 1112), includes limited broadcast 255.255.255.255'],
];

export const SPECIAL_IPV6: readonly (readonly [string, number, string])[] = [
  ['::', 128, 'unspecified (RFC 4291)'],
  ['::1', 128, 'loopback (RFC 4291)'],
  // Embedded-IPv4 forms: the IPv4 inside may be anything, including 127.0.0.1 or 169.254.169.254.
  ['::', 96, 'IPv4-compatible, deprecated (RFC 4291)'],
  ['::ffff:0:0:0', 96, 'IPv4-translated (RFC 2765)'],
  ['64:ff9b::', 96, 'NAT64 well-known prefix (RFC 6052)'],
  ['64:ff9b:1::', 48, 'local-use NAT64 (RFC 8215)'],
  ['100::', 64, 'discard-only (RFC 6666)'],
  ['100:0:0:1::', 64, 'dummy prefix (RFC 9780)'],
  ['2001::', 23, 'IETF protocol assignments (RFC 2928), incl. Teredo 2001::/32 and benchmarking 2001:2::/48'],
  ['2001::', 32, 'Teredo (RFC 4380)'],
  ['2001:2::', 48, 'benchmarking (RFC 5180)'],
  ['2001:db8::', 32, 'documentation (RFC 3849)'],
  ['2002::', 16, '6to4 (RFC 3056)'],
  ['2620:4f:8000::', 48, 'direct delegation AS112 service (RFC 7534)'],
  ['3fff::', 20, 'documentation (RFC 9637)'],
  ['5f00::', 16, 'segment routing SIDs (RFC 9602)'],
  ['fc00::', 7, 'unique local (RFC 4193)'],
  ['fe80::', 10, 'link-local (RFC 4291)'],
  ['fec0::', 10, 'site-local, deprecated (RFC 3879)'],
  ['ff00::', 8, 'multicast (RFC 4291)'],
];

const ipv4 = new BlockList();
for (const [net, bits] of SPECIAL_IPV4) ipv4.addSubnet(net, bits, 'ipv4');
const ipv6 = new BlockList();
for (const [net, bits] of SPECIAL_IPV6) ipv6.addSubnet(net, bits, 'ipv6');
const mapped = new BlockList();
mapped.addSubnet('::ffff:0:0', 96, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d` in any spelling). */
function mappedIpv4(address: string): string | undefined {
  if (!mapped.check(address, 'ipv6')) return undefined;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted?.[1]) return dotted[1];
  const groups = /:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!groups?.[1] || !groups[2]) return undefined;
  const hi = Number.parseInt(groups[1], 16);
  const lo = Number.parseInt(groups[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return ipv4.check(address, 'ipv4');
  if (family !== 6) return true; // not an address (or one with a zone id): never connect to it
  // A mapped address connects to its IPv4: judge that one.
  const inner = mappedIpv4(address);
  if (inner !== undefined) return isIP(inner) !== 4 || ipv4.check(inner, 'ipv4');
  return ipv6.check(address, 'ipv6');
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for http.request that refuses non-public addresses. */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const bad = addresses.find((a) => isNonPublicAddress(a.address));
      if (bad && !allowPrivate) return callback(new RefusedTargetError(hostname, bad.address), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), []);
      return callback(null, first.address, first.family);
    });
  };
}

/** IP literals never reach `lookup`: check them before connecting. */
export function checkLiteralHost(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isNonPublicAddress(host) && !allowPrivate)
    throw new RefusedTargetError(url.hostname, host);
}
