import { BlockList, isIP } from 'node:net';

/*
 * Hosts that a webhook URL may not name. A partner's endpoint is on the internet, so the
 * platform must not post to addresses of its own machine or network on a partner's behalf.
 * Link-local addresses, where cloud metadata services listen, and the unspecified address are
 * refused everywhere. Production also refuses loopback and private networks; development and
 * tests keep them for receivers on 127.0.0.1.
 *
 * NOTE: only IP literals and localhost names are checked. A DNS name that resolves to such an
 * address passes, because the delivery does not check the address it connects to.
 */

const BLOCKED = new BlockList();
BLOCKED.addSubnet('0.0.0.0', 8, 'ipv4');
BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4');
BLOCKED.addAddress('::', 'ipv6');
BLOCKED.addSubnet('fe80::', 10, 'ipv6');

const BLOCKED_IN_PRODUCTION = new BlockList();
BLOCKED_IN_PRODUCTION.addSubnet('127.0.0.0', 8, 'ipv4');
BLOCKED_IN_PRODUCTION.addSubnet('10.0.0.0', 8, 'ipv4');
BLOCKED_IN_PRODUCTION.addSubnet('100.64.0.0', 10, 'ipv4');
BLOCKED_IN_PRODUCTION.addSubnet('172.16.0.0', 12, 'ipv4');
BLOCKED_IN_PRODUCTION.addSubnet('192.168.0.0', 16, 'ipv4');
BLOCKED_IN_PRODUCTION.addAddress('::1', 'ipv6');
BLOCKED_IN_PRODUCTION.addSubnet('fc00::', 7, 'ipv6');

/**
 * Returns whether a webhook may be posted to `url`'s host: false for link-local and unspecified
 * addresses, and in `production` also for loopback, private networks and localhost names.
 * IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function isAllowedEndpointHost(url: URL, production: boolean): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const version = isIP(host);
  if (version === 0) {
    const local = host === 'localhost' || host.endsWith('.localhost');
    return !(production && local);
  }
  const type = version === 4 ? 'ipv4' : 'ipv6';
  if (BLOCKED.check(host, type)) return false;
  return !(production && BLOCKED_IN_PRODUCTION.check(host, type));
}
