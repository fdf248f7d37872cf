import type { Decision } from './types'
import { D, emit, resolved } from './util'

const ATTR = 'data-stammis-slot'
/** A slot element; `default_` keeps the content we replaced, so a later null/control decision can put it back. */
type Slot = HTMLElement & { default_?: string | null }

/**
 * Shows one decision in one element. Text via textContent; HTML only when the rule says `html`;
 * JSON is never rendered, only handed over in the `stammis:slot` event. No decision, the control
 * group and errors leave (or put back) the element's own default content.
 */
export const render = (el: Slot, slot: string, d: Decision | null | undefined): void => {
  const c = d && d.variant == 'treatment' && d.content
  if (c && c.type != 'json') {
    el.default_ ??= el.innerHTML
    c.type == 'html' ? (el.innerHTML = c.value) : (el.textContent = c.value)
  } else if (el.default_ != null) {
    el.innerHTML = el.default_
    el.default_ = null
  }
  emit(el, 'slot', { slot, decision: d || null })
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
  if (!slots[0]) return resolved
  if (hideMs) {
    show('hidden')
    setTimeout(show, hideMs, '')
  }
  return decide(slots).then((ds) => {
    els.forEach((el) => render(el, name(el), ds[name(el)]))
    show('')
  })
}
