import type { Decision } from './types'
import { D } from './util'

const ATTR = 'data-stammis-slot'
/** Default content of slots we changed, so a later null/control decision can put it back. */
const defaults = new WeakMap<Element, string>()

/**
 * Shows one decision in one element. Text via textContent; HTML only when the rule says `html`;
 * JSON is never rendered, only handed over in the `stammis:slot` event. No decision, the control
 * group and errors leave (or put back) the element's own default content.
 */
export const render = (el: HTMLElement, slot: string, d: Decision | null | undefined): void => {
  const c = d && d.variant == 'treatment' && d.content
  if (c && c.type != 'json') {
    defaults.has(el) || defaults.set(el, el.innerHTML)
    c.type == 'html' ? (el.innerHTML = c.value) : (el.textContent = c.value)
  } else if (defaults.has(el)) {
    el.innerHTML = defaults.get(el)!
    defaults.delete(el)
  }
  el.dispatchEvent(
    new CustomEvent('stammis:slot', { bubbles: true, detail: { slot, decision: d || null } }),
  )
}

/**
 * Fills every `[data-stammis-slot]` element with one `/v1/decide` call. With `hideMs`, slots are
 * hidden until the decision arrives or `hideMs` passes, whichever is first, never longer.
 * @example fillSlots(getDecisions, 300)
 */
export const fillSlots = (
  decide: (slots: string[]) => Promise<Record<string, Decision | null>>,
  hideMs: number,
): Promise<void> => {
  const els = [...D.querySelectorAll<HTMLElement>('[' + ATTR + ']')]
  const name = (el: HTMLElement) => el.getAttribute(ATTR)!
  const slots = [...new Set(els.map(name))].slice(0, 20)
  const show = (v: string) => els.forEach((el) => (el.style.visibility = v))
  if (!slots[0]) return Promise.resolve()
  if (hideMs) {
    show('hidden')
    setTimeout(show, hideMs, '')
  }
  return decide(slots).then((ds) => {
    els.forEach((el) => render(el, name(el), ds[name(el)]))
    show('')
  })
}
