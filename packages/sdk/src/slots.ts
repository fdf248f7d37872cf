import type { Decision } from './types'
import { D, emit, resolved } from './util'

/** A slot element; `default_` keeps the nodes we took out, so a later null/control decision can put them back. */
type Slot = HTMLElement & { default_?: Node[] | null }

/** HTML parsed in a `template` element: inert (no script runs, nothing loads) until it is inserted. */
const inert = (html: string): DocumentFragment => {
  const t = D.createElement('template')
  t.innerHTML = html
  return t.content
}

/**
 * Shows one decision in one element. Text via textContent; HTML only when the rule says `html`,
 * parsed inert in a `template` element and then moved in, never `innerHTML` on the live slot;
 * JSON is never rendered, only handed over in the `stammis:slot` event. No decision, the control
 * group and errors leave (or put back) the element's own default nodes, listeners and all.
 */
export const render = (el: Slot, slot: string, d: Decision | null | undefined): void => {
  // The control group's decisions carry no content (the worker's rule), so they fall through to defaults.
  const c = d && d.content
  if (c && c.type != 'json') {
    el.default_ ||= [...el.childNodes]
    // A string passed to replaceChildren becomes a text node: text is never parsed.
    el.replaceChildren(c.type == 'html' ? inert(c.value) : c.value)
  } else if (el.default_) {
    el.replaceChildren(...el.default_)
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
  const els = [...D.querySelectorAll<HTMLElement>('[data-stammis-slot]')]
  const name = (el: HTMLElement) => el.dataset.stammisSlot!
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
