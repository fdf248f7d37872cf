import type { DecisionSource, PageDecisions } from './page-decisions'

// The page's rewrite, streamed through Cloudflare's HTMLRewriter: slots filled with the visitor's
// decisions, marked for the SDK, and the first-party `edge.js` script tag in place of the page's.
//
// Every element a handler matches, and every end tag one waits for, makes the rewriter flush what
// it holds before it: one more chunk on the wire (and one more call into JS). So the end of
// `<body>` is only waited for when the page has shown no Stammis tag before it.

/** Slot names the edge fills: the contract's SlotNameSchema. Other values are left as they are. */
const SLOT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/
/** A script tag of Stammis: `data-site` and a `src` ending in /s.js or /edge.js. */
const STAMMIS_SCRIPT = /\/(s|edge)\.js(\?[^#]*)?$/

/**
 * The script tag the edge injects (or turns an existing Stammis tag into): `edge.js` served
 * first-party, which tracks as usual and leaves the slots the edge filled alone.
 * @example edgeScriptTag('pk_demo')
 */
export function edgeScriptTag(publicKey: string): string {
  return `<script async src="/__stammis/edge.js" data-site="${escapeAttribute(publicKey)}" data-endpoint="/__stammis" data-edge></script>`
}

/**
 * Rewrites the page as it streams: every `[data-stammis-slot]` with a valid name gets its content
 * (text as text, html as the rules store sanitized it), marked `data-stammis-filled="<ruleId>"`. A
 * slot whose decision is no rule or the control group keeps its default, marked
 * `data-stammis-filled=""`, so the SDK does not ask again; a json decision is left to the SDK (it
 * hands json to the page's code); with no decisions in time every slot is left to the SDK.
 *
 * The page's own Stammis tag becomes the edge's (its other options, such as `data-consent`, kept);
 * a second one is removed, as it would track every page twice. A page without one gets the tag
 * before `</body>`, or at its end when it has no body tag.
 * `onShown` gets the slots the page showed a decision for, at the end of the document.
 * @example return rewritePage(response, boundedDecisions(decided, deadline), { publicKey, onShown: (slots) => answer.recordShown(slots) })
 */
export function rewritePage(
  response: Response,
  decisions: DecisionSource,
  options: { publicKey: string; onShown: (slots: string[]) => void },
): Response {
  const shown: string[] = []
  let hasScript = false
  const tag = edgeScriptTag(options.publicKey)
  const fill = (element: Element, slot: string, byslot: PageDecisions): void => {
    if (!byslot) return
    const decision = byslot[slot] ?? null
    if (decision?.content?.type === 'json') return
    if (decision) shown.push(slot)
    const content = decision?.variant === 'treatment' ? decision.content : null
    if (content) {
      element.setInnerContent(content.value, { html: content.type === 'html' })
      element.setAttribute('data-stammis-filled', decision!.ruleId)
    } else {
      element.setAttribute('data-stammis-filled', '')
    }
  }
  return new HTMLRewriter()
    .on('[data-stammis-slot]', {
      element(element) {
        const slot = element.getAttribute('data-stammis-slot') ?? ''
        if (!SLOT_NAME.test(slot) || element.hasAttribute('data-stammis-filled')) return
        const ready = decisions.ready()
        if (ready !== undefined) return fill(element, slot, ready)
        return decisions.wait().then((byslot) => fill(element, slot, byslot))
      },
    })
    .on('script[data-site]', {
      element(element) {
        if (!STAMMIS_SCRIPT.test(element.getAttribute('src') ?? '')) return
        if (hasScript) {
          element.remove()
          return
        }
        hasScript = true
        element.setAttribute('src', '/__stammis/edge.js')
        element.setAttribute('data-site', options.publicKey)
        element.setAttribute('data-endpoint', '/__stammis')
        element.setAttribute('data-edge', '')
        element.removeAttribute('data-anti-flicker')
      },
    })
    .on('body', {
      element(element) {
        // A tag already seen (in the head, as usual): nothing to wait for at the end of the body.
        if (hasScript) return
        element.onEndTag((end) => {
          if (hasScript) return
          hasScript = true
          end.before(tag, { html: true })
        })
      },
    })
    .onDocument({
      end(end) {
        if (!hasScript) end.append(tag, { html: true })
        options.onShown(shown)
      },
    })
    .transform(response)
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}
