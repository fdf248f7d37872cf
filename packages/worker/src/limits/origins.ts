/* eslint-disable no-control-regex -- NUL marks where a pattern had '*': no origin can contain it */
/**
 * Whether a browser Origin is allowed by a site's list. Entries are exact origins, or patterns
 * where `*` stands for one host label or more (`https://*.shop.example`) or, after a colon, for any
 * port or none (`http://localhost:*`).
 * @example isOriginAllowed(['http://localhost:*'], 'http://localhost:5173') // true
 */
export function isOriginAllowed(patterns: readonly string[], origin: string): boolean {
  return patterns.some((pattern) => originPattern(pattern).test(origin))
}

const compiled = new Map<string, RegExp>()

function originPattern(pattern: string): RegExp {
  let regex = compiled.get(pattern)
  if (!regex) {
    const source = pattern
      .toLowerCase()
      .split('*')
      .map(escapeRegExp)
      .join('\u0000')
      // `:*` at the end: any port, or the default port (which browsers omit from Origin).
      .replace(/:\u0000$/, '(?::\\d{1,5})?')
      .replace(/\u0000/g, '[a-z0-9-]+(?:\\.[a-z0-9-]+)*')
    regex = new RegExp(`^${source}$`)
    compiled.set(pattern, regex)
  }
  return regex
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
