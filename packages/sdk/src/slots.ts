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

/** The rule id the Stammis edge filled the element with before the page arrived, if it did. */
const filledBy = (el: HTMLElement) => el.dataset.stammisFilled

/**
 * Shows one decision in one element. Text via textContent; HTML only when the rule says `html`,
 * parsed inert in a `template` element and then moved in, never `innerHTML` on the live slot;
 * JSON is never rendered, only handed over in the `stammis:slot` event. No decision, the control
 * group and errors leave (or put back) the element's own default nodes, listeners and all. An
 * element the edge filled is never rendered: it only gets its event.
 */
export const render = (el: Slot, slot: string, d: Decision | null | undefined): void => {
  const filled = EDGE ? filledBy(el) : undefined
  // The control group's decisions carry no content (the worker's rule), so they fall through to defaults.
  const c = filled == null && d && d.content
  if (c && c.type != 'json') {
    el.default_ ||= [...el.childNodes]
    // A string passed to replaceChildren becomes a text node: text is never parsed.
    el.replaceChildren(c.type == 'html' ? inert(c.value) : c.value)
  } else if (el.default_) {
    el.replaceChildren(...el.default_)
    el.default_ = null
  }
  emit(el, 'slot', { slot, decision: d || null, ...(EDGE && { filled }) })
}

/**
 * Fills every `[data-stammis-slot]` element with one `/v1/decide` call. Elements the Stammis edge
 * filled (`data-stammis-filled="<ruleId>"`; any value, even empty) are not asked for: they only
 * get their `stammis:slot` event, and with every element filled there is no decide at all. With
 * `hide` (ms, or "" for 300), the others are hidden until the decision arrives or that time
 * passes, whichever is first, never longer.
 * @example fillSlots(getDecisions, 300)
 */
export const fillSlots = (
  decide: (slots: string[]) => Promise<Record<string, Decision | null>>,
  hide?: string | number,
): Promise<void> => {
  const els = [...D.querySelectorAll<HTMLElement>('[data-stammis-slot]')]
  const open = EDGE ? els.filter((el) => filledBy(el) == null) : els
  const name = (el: HTMLElement) => el.dataset.stammisSlot!
  const slots = [...new Set(open.map(name))].slice(0, 20)
  const show = (v: string) => open.forEach((el) => (el.style.visibility = v))
  if (ANTI_FLICKER && hide != null && slots[0]) {
    show('hidden')
    setTimeout(show, +hide || 300, '')
  }
  // Events after the decide, or after a tick: listeners queued with `push` are registered by then.
  return (slots[0] ? decide(slots) : resolved).then((ds) => {
    els.forEach((el) => render(el, name(el), ds?.[name(el)]))
    ANTI_FLICKER && show('')
  })
}
