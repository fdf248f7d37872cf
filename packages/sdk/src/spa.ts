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
  const h = history as any
  ;['pushState', 'replaceState'].forEach((k) => {
    const original = h[k]
    h[k] = function (this: History) {
      const result = original.apply(this, arguments)
      check()
      return result
    }
  })
  W.addEventListener('popstate', check)
}
