import { describe, expect, it } from 'vitest';
import { checkLiteralHost, isNonPublicAddress, SPECIAL_IPV4, SPECIAL_IPV6 } from './ssrf.ts';

// One row per special-use range: an address at its far end (blocked) and, where one exists, the
// first address past it (public), so a range entered too narrow or too wide fails here.
const IPV4: [range: string, inside: string, outside?: string][] = [
  ['0.0.0.0/8', '0.255.255.255', '1.0.0.1'],
  ['10.0.0.0/8', '10.255.255.254', '11.0.0.1'],
  ['100.64.0.0/10', '100.127.255.254', '100.128.0.1'],
  ['127.0.0.0/8', '127.255.255.254', '128.0.0.1'],
  ['169.254.0.0/16', '169.254.169.254', '169.255.0.1'],
  ['172.16.0.0/12', '172.31.255.254', '172.32.0.1'],
  ['192.0.0.0/24', '192.0.0.170', '192.0.1.1'],
  ['192.0.2.0/24', '192.0.2.200', '192.0.3.1'],
  ['192.31.196.0/24', '192.31.196.1', '192.31.197.1'],
  ['192.52.193.0/24', '192.52.193.1', '192.52.194.1'],
  ['192.88.99.0/24', '192.88.99.1', '192.88.100.1'],
  ['192.168.0.0/16', '192.168.255.254', '192.169.0.1'],
  ['192.175.48.0/24', '192.175.48.6', '192.175.49.1'],
  ['198.18.0.0/15', '198.19.255.254', '198.20.0.1'],
  ['198.51.100.0/24', '198.51.100.7', '198.51.101.1'],
  ['203.0.113.0/24', '203.0.113.9', '203.0.114.1'],
  ['224.0.0.0/4', '239.255.255.250', '223.255.255.1'],
  ['240.0.0.0/4', '255.255.255.255'],
];

const IPV6: [range: string, inside: string, outside?: string][] = [
  ['::/128', '::'],
  ['::1/128', '::1'],
  ['::/96 IPv4-compatible', '::8.8.8.8', '::1:0:0:1'],
  ['::ffff:0:0:0/96 IPv4-translated', '::ffff:0:808:808'],
  ['64:ff9b::/96 NAT64', '64:ff9b::8.8.8.8', '64:ff9b:0:0:0:1::1'],
  ['64:ff9b:1::/48 local NAT64', '64:ff9b:1:ffff::1', '64:ff9b:2::1'],
  ['100::/64 discard-only', '100::ffff:ffff:ffff:ffff'],
  ['100:0:0:1::/64 dummy', '100:0:0:1::1'],
  ['2001::/23 IETF', '2001:1ff::1', '2001:200::1'],
  ['2001::/32 Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
  ['2001:2::/48 benchmarking', '2001:2:0:ffff::1'],
  ['2001:db8::/32 documentation', '2001:db8:ffff::1', '2001:db9::1'],
  ['2002::/16 6to4', '2002:7f00:1::1', '2003::1'],
  ['2620:4f:8000::/48 AS112', '2620:4f:8000::1', '2620:4f:8001::1'],
  ['3fff::/20 documentation', '3fff:fff::1', '3fff:1000::1'],
  ['5f00::/16 SRv6 SIDs', '5f00:1::1', '5f01::1'],
  ['fc00::/7 unique local', 'fdff::1', 'fe00::1'],
  ['fe80::/10 link-local', 'febf::1'],
  ['fec0::/10 site-local', 'feff::1'],
  ['ff00::/8 multicast', 'ff02::1'],
];

describe('SSRF guard: IANA special-use ranges', () => {
  it.each(IPV4)('IPv4 %s is refused and its neighbour is not', (_range, inside, outside) => {
    expect(isNonPublicAddress(inside)).toBe(true);
    if (outside) expect(isNonPublicAddress(outside)).toBe(false);
  });

  it.each(IPV6)('IPv6 %s is refused and its neighbour is not', (_range, inside, outside) => {
    expect(isNonPublicAddress(inside)).toBe(true);
    if (outside) expect(isNonPublicAddress(outside)).toBe(false);
  });

  it('every listed range has a row in these tables', () => {
    expect(IPV4).toHaveLength(SPECIAL_IPV4.length);
    // 2001::/23 carries two sub-ranges of its own in the registry (Teredo, benchmarking).
    expect(IPV6).toHaveLength(SPECIAL_IPV6.length);
  });

  it('IPv4-mapped addresses are judged by the IPv4 inside, in every spelling', () => {
    for (const a of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::FFFF:a9fe:a9fe', '0:0:0:0:0:ffff:10.0.0.1'])
      expect(isNonPublicAddress(a), a).toBe(true);
    expect(isNonPublicAddress('::ffff:8.8.8.8')).toBe(false);
    expect(isNonPublicAddress('::ffff:808:808')).toBe(false);
  });

  it('public addresses pass; anything that is not an address is refused', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '2a00:1450:4001:80b::200e', '2606:4700::1111'])
      expect(isNonPublicAddress(a), a).toBe(false);
    for (const a of ['fe80::1%eth0', 'localhost', ''] as const) expect(isNonPublicAddress(a), a).toBe(true);
  });

  it('IP literals in a URL are refused before connecting, unless private targets are allowed', () => {
    expect(() => checkLiteralHost(new URL('http://[64:ff9b::a9fe:a9fe]/x'), false)).toThrow(/non-public/);
    expect(() => checkLiteralHost(new URL('http://[2002:a9fe:a9fe::1]/x'), false)).toThrow(/non-public/);
    expect(() => checkLiteralHost(new URL('http://198.18.0.1/x'), false)).toThrow(/non-public/);
    expect(() => checkLiteralHost(new URL('http://127.0.0.1/x'), true)).not.toThrow();
    expect(() => checkLiteralHost(new URL('http://8.8.8.8/x'), false)).not.toThrow();
  });
});
