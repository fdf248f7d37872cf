/** Why a destination URL is refused (null: accepted). */
export type UrlRefusal = string | null

/** Hosts a local receiver runs on in development: the only ones reachable over plain http. */
const LOCAL_DEVELOPMENT_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Whether moments may be sent to a URL: https, or (only with `allowLocal`, the local-development
 * switch `MOMENTS_ALLOW_LOCAL_DESTINATIONS=on`) http on 127.0.0.1 or localhost. Returns why not, or
 * null. Checked when a destination is added and again before every delivery.
 * @example checkDestinationUrl('https://hooks.example.com/stammis', { allowLocal: false }) // null
 */
export function checkDestinationUrl(text: string, options: { allowLocal: boolean }): UrlRefusal {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'not a URL'
  }
  if (url.username || url.password) return 'a URL with credentials in it'
  const isLocal = LOCAL_DEVELOPMENT_HOSTS.has(url.hostname)
  if (options.allowLocal && isLocal && (url.protocol === 'http:' || url.protocol === 'https:'))
    return null
  if (url.protocol !== 'https:') return 'not https'
  return null
}
