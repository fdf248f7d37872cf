import type { Decision } from '@stammis/contract'

// The page's rewrite, streamed through Cloudflare's HTMLRewriter: slots filled with the visitor's
// decisions, marked for the SDK, and the script tag pointed at the first-party `edge.js`.

/** Slot names the edge fills: the contract's SlotNameSchema. Other values are left as they are. */
const SLOT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/
/** A script tag of Stammis: `data-site` and a `src` ending in /s.js or /edge.js. */
const STAMMIS_SCRIPT = /\/(s|edge)\.js(\?[^#]*)?$/

/** Decisions by slot (null: no rule for this visitor), or null when none came in time. */
export type PageDecisions = Record<string, Decision | null> | null

/**
 * The script tag the edge injects (or turns an existing Stammis tag into): `edge.js` served
 * first-party, which tracks as usual and leaves the slots the edge filled alone.
 * @example edgeScriptTag('pk_demo')
 */
export function edgeScriptTag(publicKey: string): string {
  return `<script async src="/__stammis/edge.js" data-site="${escapeAttribute(publicKey)}" data-endpoint="/__stammis" data-edge></script>`
}

/**
 * Rewrites the page as it streams: every `[data-stammis-slot]` with a valid name waits for the
 * decisions (only the first one really waits: `decisions` is already bounded by the caller) and
 * gets its content: text as text, html as the rules store sanitized it, marked
 * `data-stammis-filled="<ruleId>"`. A slot whose decision is no rule or the control group keeps
 * its default, marked `data-stammis-filled=""`, so the SDK does not ask again; a json decision is
 * left to the SDK (it hands json to the page's code); with no decisions in time every slot is left
 * to the SDK. `onShown` gets the slots the page showed a decision for, at the end of the document.
 * @example return rewritePage(response, decisions, { publicKey, onShown: (slots) => answer.recordShown(slots) })
 */
export function rewritePage(
  response: Response,
  decisions: Promise<PageDecisions>,
  options: { publicKey: string; onShown: (slots: string[]) => void },
): Response {
  const shown: string[] = []
  let hasScript = false
  const tag = edgeScriptTag(options.publicKey)
  return new HTMLRewriter()
    .on('[data-stammis-slot]', {
      async element(element) {
        const slot = element.getAttribute('data-stammis-slot') ?? ''
        if (!SLOT_NAME.test(slot) || element.hasAttribute('data-stammis-filled')) return
        const byslot = await decisions
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
      },
    })
    .on('script[data-site]', {
      element(element) {
        if (!STAMMIS_SCRIPT.test(element.getAttribute('src') ?? '')) return
        if (hasScript) {
          element.remove() // a second Stammis tag would track every page twice
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
