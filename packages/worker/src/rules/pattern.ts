/**
 * A rule's URL or referrer pattern, split at its `*`s once per rule-set version. A pattern starting
 * with "/" is matched against the URL's path and query, any other against the whole URL.
 */
export type UrlPattern = {
  /** The literal parts between the `*`s: `/p/*-sale` → `['/p/', '-sale']`. */
  parts: string[]
  /** The shortest text that can match: every literal part once. */
  minLength: number
  isPathPattern: boolean
}

/**
 * Splits a pattern at its `*`s; every other character is literal.
 * @example compileUrlPattern('/products/*') // { parts: ['/products/', ''], minLength: 10, isPathPattern: true }
 */
export function compileUrlPattern(pattern: string): UrlPattern {
  const parts = pattern.split('*')
  return {
    parts,
    minLength: parts.reduce((sum, part) => sum + part.length, 0),
    isPathPattern: pattern.startsWith('/'),
  }
}

/**
 * Whether `text` matches the pattern: the first part must begin it, the last must end it, and the
 * parts between must appear in order, without overlapping. Each middle part is taken at its
 * leftmost place after the previous one; a later place could only leave less room for the parts
 * after it, so that choice is never wrong and nothing is ever retried. The work is one scan of
 * `text` per part, whatever the pattern: no backtracking (the regex this replaced could take
 * minutes on `*-*-*-*x` and a 2,000-character URL).
 * @example matchesPattern(compileUrlPattern('https://*.google.*'), 'https://www.google.com/') // true
 */
export function matchesPattern(pattern: UrlPattern, text: string): boolean {
  const { parts, minLength } = pattern
  if (text.length < minLength) return false
  const first = parts[0]!
  if (parts.length === 1) return text.length === first.length && text.startsWith(first)
  const last = parts[parts.length - 1]!
  if (first !== '' && !text.startsWith(first)) return false
  if (last !== '' && !text.endsWith(last)) return false

  let position = first.length
  const end = text.length - last.length
  for (let index = 1; index < parts.length - 1; index++) {
    const part = parts[index]!
    if (part === '') continue
    const found = text.indexOf(part, position)
    if (found === -1 || found + part.length > end) return false
    position = found + part.length
  }
  return true
}

/**
 * Matches a request's URL or referrer: a "/" pattern against its path and query (so it works for
 * absolute and relative URLs alike), any other against the whole text. No URL matches nothing.
 * @example matchesUrlPattern(compileUrlPattern('/products/*'), 'https://shop.example/products/mug?c=1') // true
 */
export function matchesUrlPattern(pattern: UrlPattern, url: string | undefined): boolean {
  if (!url) return false
  if (!pattern.isPathPattern) return matchesPattern(pattern, url)
  try {
    const parsed = new URL(url, 'http://relative.invalid')
    return matchesPattern(pattern, parsed.pathname + parsed.search)
  } catch {
    return false
  }
}
