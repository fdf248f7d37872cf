/**
 * Small helpers shared by every piece. None of them throws. Their order here, like the order of
 * client.ts's imports, is the one that compresses smallest (about 10 bytes of the budget).
 */

/** The contract caps URLs at 2048 characters; a longer one would get the whole batch refused. */
export const clip = (u: string): string => u.slice(0, 2048)

/**
 * True for strings the worker accepts as ids: /^[A-Za-z0-9_-]{1,64}$/. The `s &&` matters:
 * RegExp.test(null) tests the string "null", which would pass.
 */
export const isId = (s: unknown): s is string => !!s && /^[\w-]{1,64}$/.test(s as string)

export const here = (): string => clip(location.href)

export const W = window
export const D = document
export const L = 'localStorage'
export const SS = 'sessionStorage'
type Store = typeof L | typeof SS

/** Storage can throw (Safari private mode, sandboxed iframes, quota): treat that as empty. */
export const read = (s: Store, k: string): string | null | undefined => {
  try {
    return W[s].getItem(k)
  } catch {}
}

/** Writes `v`, or removes the key when `v` is undefined. */
export const write = (s: Store, k: string, v?: string): void => {
  try {
    v == null ? W[s].removeItem(k) : W[s].setItem(k, v)
  } catch {}
}

/** The value of a first-party cookie, or undefined. */
export const cookie = (k: string): string | undefined =>
  D.cookie.match('(?:^|; )' + k + '=([^;]*)')?.[1]

/**
 * Writes a first-party cookie for the whole site (SameSite=Lax is the browsers' default; `Secure`
 * on https pages, so it never travels over plain http) and its twin in storage `s`, both under
 * `k`. `age` in seconds; without one, a session cookie. Without a value both are deleted.
 */
export const keep = (k: string, s: Store, v?: string, age?: number): void => {
  D.cookie =
    k +
    '=' +
    (v || '') +
    ';path=/' +
    (v ? (age ? ';max-age=' + age : '') : ';max-age=0') +
    (location.protocol == 'https:' ? ';secure' : '')
  write(s, k, v)
}

/** A random id of 128 bits written as up to 40 digits, valid for the contract's IdSchema. */
export const rid = (): string => crypto.getRandomValues(new Uint32Array(4)).join('')

/** Dispatches `stammis:NAME` (bubbling) with `detail` on `target`. */
export const emit = (target: EventTarget, name: string, detail: unknown): void => {
  target.dispatchEvent(new CustomEvent('stammis:' + name, { bubbles: true, detail }))
}

export const resolved: Promise<void> = Promise.resolve()
