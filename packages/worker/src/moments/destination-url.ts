// Which URLs moments may be sent to. A destination is chosen by a tenant, and the worker POSTs to
// it: a URL inside the network (cloud metadata, private ranges, loopback) would make Stammis a
// proxy into it (SSRF). Literal addresses are checked here, after the URL parser has normalised
// them (127.1, 2130706433 and 0x7f000001 all become 127.0.0.1); names that only resolve inside a
// network (localhost, .local, .internal, single labels) are refused by name. A public name that
// resolves to a private address is not caught here: Workers' fetch does not reach private
// networks, and redirects are not followed (deliver.ts), so this check is the first of two walls.

/** Why a destination URL is refused (null: accepted). */
export type UrlRefusal = string | null

/** Hosts a local receiver runs on in development: the only ones reachable over plain http. */
const LOCAL_DEVELOPMENT_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Name suffixes that never resolve on the public internet (RFC 6761, 6762, 8375, ICANN .internal). */
const PRIVATE_NAME_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.lan']

/** IPv4 ranges that are not public unicast: [first octets as a number, prefix length]. */
const PRIVATE_IPV4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 3], // multicast, reserved, broadcast (224.0.0.0 and up)
]

/**
 * Whether moments may be sent to a URL: https on a public host, or (only with `allowLocal`, the
 * local-development switch `MOMENTS_ALLOW_LOCAL_DESTINATIONS=on`) http or https on 127.0.0.1 or
 * localhost. Returns why not, or null. Checked when a destination is added and again before
 * every delivery.
 * @example checkDestinationUrl('https://hooks.example.com/stammis', { allowLocal: false }) // null
 * @example checkDestinationUrl('https://169.254.169.254/', { allowLocal: false }) // 'a private, loopback or link-local address'
 */
export function checkDestinationUrl(text: string, options: { allowLocal: boolean }): UrlRefusal {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'not a URL'
  }
  if (url.username || url.password) return 'a URL with credentials in it'
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  if (options.allowLocal && LOCAL_DEVELOPMENT_HOSTS.has(host))
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'not http(s)'
  if (url.protocol !== 'https:') return 'not https'
  return isPublicHost(host) ? null : 'a private, loopback or link-local address'
}

/**
 * Whether a normalised host name is public: a name with a dot outside the private suffixes, a
 * public IPv4 address, or a global unicast IPv6 address (2000::/3, without an IPv4 inside it).
 * @example isPublicHost('hooks.example.com') // true; isPublicHost('10.0.0.5') // false
 */
export function isPublicHost(host: string): boolean {
  if (host.startsWith('[')) return isPublicIpv6(host.slice(1, -1))
  const ipv4 = parseIpv4(host)
  if (ipv4 !== null) return isPublicIpv4(ipv4)
  if (!host.includes('.') || host === 'localhost') return false
  return !PRIVATE_NAME_SUFFIXES.some((suffix) => host.endsWith(suffix))
}

function parseIpv4(host: string): number | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  if (!match) return null
  const octets = match.slice(1).map(Number)
  if (octets.some((octet) => octet > 255)) return null
  return octets.reduce((value, octet) => value * 256 + octet, 0)
}

function isPublicIpv4(address: number): boolean {
  return !PRIVATE_IPV4.some(([network, prefix]) => {
    const size = 2 ** (32 - prefix)
    return Math.floor(address / size) === Math.floor(parseIpv4(network)! / size)
  })
}

function isPublicIpv6(address: string): boolean {
  const first = Number.parseInt(address.split(':')[0] || '0', 16)
  // Global unicast is 2000::/3. 2002::/16 (6to4) and 64:ff9b::/96 (NAT64, outside 2000::/3
  // anyway) carry an IPv4 address that may be private; IPv4-mapped ::ffff: is outside it too.
  return first >= 0x2000 && first <= 0x3fff && first !== 0x2002
}
