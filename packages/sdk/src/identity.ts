import { D, L, SS, isId, read, rid, write } from './util'

const V = 'stm_v'
const S = 'stm_s'
/** A visit ends after 30 minutes without activity. */
const IDLE = 18e5

const readCookie = () => D.cookie.match(/(?:^|; )stm_v=([^;]*)/)?.[1]
/**
 * A first-party cookie for about a year (SameSite=Lax is the browsers' default), `Secure` on https
 * pages so it never travels over plain http; max-age 0 deletes it.
 */
const setCookie = (v = '') => {
  D.cookie =
    V +
    '=' +
    v +
    ';path=/;max-age=' +
    (v ? 3e7 : 0) +
    (location.protocol == 'https:' ? ';secure' : '')
}

/**
 * Who (visitor id: cookie + localStorage, each restoring the other) and which visit
 * (visit id + last activity in sessionStorage). Nothing is written unless `isAllowed()`.
 * @example const ids = identity(() => true); if (ids.touch()) sendVisit(ids.visit())
 */
export const identity = (isAllowed: () => boolean) => {
  let visitor = [readCookie(), read(L, V)].find(isId) || rid()
  const [id, at] = (read(SS, S) || '').split('.')
  let visit = isId(id) ? id : ''
  // NaN when absent: `now - last < IDLE` is then false, so a visit begins.
  let last = +at!

  const save = () => {
    if (isAllowed()) {
      setCookie(visitor)
      write(L, V, visitor)
      write(SS, S, visit + '.' + last)
    }
  }

  return {
    visitor_: () => visitor,
    visit_: () => visit,
    /** Records activity; returns true when this starts a new visit (new id). */
    touch_: (): boolean => {
      const now = Date.now()
      const isNew = !visit || !(now - last < IDLE)
      if (isNew) visit = rid()
      last = now
      save()
      return isNew
    },
    /**
     * Switches to the visitor id the worker assigned: a shared computer signing in as a second
     * customer gets a fresh id, so two people's histories never mix.
     */
    use_: (id: string) => {
      visitor = id
      save()
    },
    /** Forgets everything stored and starts over with fresh in-memory ids. */
    clear_: () => {
      setCookie()
      write(L, V)
      write(SS, S)
      visitor = rid()
      visit = ''
    },
  }
}

export type Identity = ReturnType<typeof identity>
