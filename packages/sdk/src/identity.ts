import { L, SS, cookie, isId, keep, read, rid, write } from './util'

const V = 'stm_v'
const S = 'stm_s'
const T = 'stm_p'
/** Seconds the visitor id and its profile token are kept (about a year). */
const YEAR = 3e7
/** A visit ends after 30 minutes without activity. */
export const IDLE = 18e5

/**
 * Where identity lives: the visitor id (cookie `stm_v` + localStorage, each restoring the other),
 * the visit (`<visit id>.<last activity>` in sessionStorage) and the visitor's signed profile
 * token (localStorage). A cookie wins over storage when it is present and valid.
 *
 * Edge builds (`EDGE`, pages the Stammis edge personalized) also keep the visit in a session
 * cookie `stm_s` and the token in a cookie `stm_p`, which the edge reads and sets: it writes a
 * bare `<visit id>` (no activity time) for a visit it started, which the page takes for the visit
 * it begins. Without the edge in front no server reads them, so `s.js` leaves them out.
 * @example const [visitor, visit, lastActivity, token] = storedIdentity()
 */
export const storedIdentity = (): [string, string, string | undefined, string | undefined] => {
  const [visit, last] = ((EDGE && cookie(S)) || read(SS, S) || '').split('.')
  return [
    [cookie(V), read(L, V)].find(isId) || rid(),
    isId(visit) ? visit : '',
    last,
    // Always written with the visitor id it was issued for; the worker refuses it for another.
    (EDGE && cookie(T)) || read(L, T) || undefined,
  ]
}

/**
 * Stores the identity (see `storedIdentity`); called without values, deletes all of it. The
 * cookies: `stm_v` and `stm_p` for about a year, `stm_s` for the browser session.
 * @example storeIdentity(visitor, visit + '.' + Date.now(), token)
 */
export const storeIdentity = (visitor?: string, visit?: string, token?: string): void => {
  keep(V, L, visitor, YEAR)
  EDGE ? keep(S, SS, visit) : write(SS, S, visit)
  EDGE ? keep(T, L, token, YEAR) : write(L, T, token)
}
