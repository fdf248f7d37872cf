import { W, here } from './util'

/**
 * Calls `onRoute` after `history.pushState`/`replaceState` and on `popstate`, once per new URL.
 * The wrappers never throw into the host's router: `onRoute` must be safe, and is.
 * @example watchHistory(() => { pageview(); refreshSlots() })
 */
export const watchHistory = (onRoute: () => void): void => {
  let url = here()
  const check = () => {
    url != here() && ((url = here()), onRoute())
  }
  // pushState only, as Plausible's tracker does: replaceState rewrites the current entry (a
  // redirect, a filter in the query), which is not a new page.
  const push = history.pushState
  history.pushState = (...a: Parameters<History['pushState']>) => (push.apply(history, a), check())
  W.addEventListener('popstate', check)
}
