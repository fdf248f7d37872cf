import type { StammisEvent } from '@stammis/contract'

/** Query parameters kept in stored URLs: campaign attribution. */
const KEPT_PARAMETER = /^utm_/i
// Only ever used to parse relative URLs; never stored.
const RELATIVE_BASE = 'http://relative.invalid'

/**
 * What is stored of a URL or referrer a browser reported: scheme, host and path, and of the query
 * only the `utm_*` parameters. Other parameters, the fragment and any user name are dropped: they
 * may hold search terms, tokens or e-mail addresses, and they let any page fill storage with up
 * to 2 KB of junk per event. A relative URL keeps its path and utm_* parameters the same way.
 * @example storedUrl('https://shop.example/p?utm_source=news&token=abc#top') // 'https://shop.example/p?utm_source=news'
 */
export function storedUrl(url: string): string {
  if (url === '') return ''
  const absolute = parseUrl(url)
  const parsed = absolute ?? parseUrl(url, RELATIVE_BASE)
  if (!parsed) return ''
  const kept = new URLSearchParams()
  for (const [key, value] of parsed.searchParams)
    if (KEPT_PARAMETER.test(key)) kept.append(key, value)
  parsed.search = kept.size > 0 ? kept.toString() : ''
  parsed.hash = ''
  parsed.username = ''
  parsed.password = ''
  return absolute ? parsed.href : parsed.pathname + parsed.search
}

function parseUrl(url: string, base?: string): URL | null {
  try {
    return new URL(url, base)
  } catch {
    return null
  }
}

/**
 * The event as stored: its URLs and referrer through `storedUrl`, everything else as sent.
 * @example storedEvent({ id: 'e1', type: 'pageview', url: '/p?q=mugs' }) // { id: 'e1', type: 'pageview', url: '/p' }
 */
export function storedEvent(event: StammisEvent): StammisEvent {
  switch (event.type) {
    case 'visit':
      return {
        ...event,
        ...(event.url !== undefined && { url: storedUrl(event.url) }),
        ...(event.referrer !== undefined && { referrer: storedUrl(event.referrer) }),
      }
    case 'pageview':
      return { ...event, url: storedUrl(event.url) }
    default:
      return event
  }
}
