import type { Offer, Rule, RulesetDiff, RuleWarning, Segment, ServedOffer } from '@stammis/contract'
import type { DisplayStatus } from '../../rules/status'

/** How the admin names segments: what a marketer calls them, with what decides them. */
export const SEGMENT_LABELS: Record<Segment, string> = {
  shopper: 'New visitors (no purchase in an earlier visit)',
  returning: 'Returning customers (bought in one earlier visit)',
  repeat: 'Repeat customers (bought in two or more earlier visits)',
}
export const SEGMENT_SHORT: Record<Segment, string> = {
  shopper: 'new visitors',
  returning: 'returning',
  repeat: 'repeat',
}

/** @example <StatusBadge status="scheduled" /> */
export function StatusBadge(props: { status: DisplayStatus }) {
  return <span class={`badge ${props.status}`}>{props.status}</span>
}

/**
 * An offer in a few words.
 * @example offerSummary({ kind: 'percent', value: 10, code: 'THANKS10' }) // '10% off · code THANKS10'
 */
export function offerSummary(offer: Offer | ServedOffer | null | undefined, currency = ''): string {
  if (!offer) return ''
  const what =
    offer.kind === 'percent'
      ? `${offer.value}% off`
      : offer.kind === 'amount'
        ? `${offer.value} ${currency} off`.replace('  ', ' ')
        : 'free shipping'
  const unique = 'uniqueCodes' in offer && offer.uniqueCodes
  const code = unique
    ? `unique codes ${offer.uniqueCodes!.prefix}…, valid ${offer.uniqueCodes!.validDays} days`
    : offer.code
      ? `code ${offer.code}`
      : 'no code'
  return `${what} · ${code}`
}

/**
 * Who a rule is for, in a few words.
 * @example whoSummary(rule) // 'returning, repeat · 2+ orders · on /sale*'
 */
export function whoSummary(rule: Rule): string {
  const when = rule.when
  const parts = [
    when.segments ? when.segments.map((segment) => SEGMENT_SHORT[segment]).join(', ') : 'everyone',
  ]
  if (when.lapsed !== undefined) parts.push(when.lapsed ? 'lapsed only' : 'not lapsed')
  if (when.minOrders !== undefined || when.maxOrders !== undefined)
    parts.push(`orders ${when.minOrders ?? 0}–${when.maxOrders ?? '∞'}`)
  if (when.minRevenue !== undefined || when.maxRevenue !== undefined)
    parts.push(`revenue ${when.minRevenue ?? 0}–${when.maxRevenue ?? '∞'}`)
  if (when.minVisits !== undefined) parts.push(`${when.minVisits}+ visits`)
  if (when.urlPattern) parts.push(`on ${when.urlPattern}`)
  if (when.referrerPattern) parts.push(`from ${when.referrerPattern}`)
  return parts.join(' · ')
}

/** The first words of a rule's content (HTML shown as its source, never rendered here). */
export function contentSnippet(rule: Pick<Rule, 'content'>): string {
  const content = rule.content
  if (!content) return ''
  const text = content.type === 'json' ? JSON.stringify(content.value) : content.value
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}

/** @example <DiffList diff={workspace.diff} /> */
export function DiffList(props: { diff: RulesetDiff }) {
  const { added, removed, changed } = props.diff
  if (added.length + removed.length + changed.length === 0)
    return <span class="muted">no changes</span>
  return (
    <ul class="diff">
      {added.map((id) => (
        <li>
          added <strong>{id}</strong>
        </li>
      ))}
      {changed.map((change) => (
        <li>
          changed <strong>{change.id}</strong>: {change.fields.join(', ')}
        </li>
      ))}
      {removed.map((id) => (
        <li>
          removed <strong>{id}</strong>
        </li>
      ))}
    </ul>
  )
}

const WARNING_TITLES: Record<RuleWarning['code'], string> = {
  new_visitors_favoured: 'New visitors get a better offer than your customers',
  priority_tie: 'Two rules tie',
  never_matches: 'A rule can never match',
  shadowed: 'A rule is always beaten by another',
  unverified_coded_offer: 'Anyone can take this code with faked purchases',
  html_sanitized: 'HTML was cleaned',
}

/**
 * The workspace's warnings, the fairness guard first. They never block a publish.
 * @example <Warnings warnings={workspace.warnings} />
 */
export function Warnings(props: { warnings: RuleWarning[] }) {
  if (props.warnings.length === 0) return null
  const sorted = [...props.warnings].sort(
    (a, b) =>
      Number(b.code === 'new_visitors_favoured') - Number(a.code === 'new_visitors_favoured'),
  )
  return (
    <section class="warnings" role="alert" aria-label="Warnings">
      <h3>
        {props.warnings.length === 1
          ? '1 thing to check'
          : `${props.warnings.length} things to check`}{' '}
        before you publish
      </h3>
      <ul>
        {sorted.map((warning) => (
          <li
            class={warning.code === 'new_visitors_favoured' ? 'fairness' : undefined}
            data-code={warning.code}
          >
            {WARNING_TITLES[warning.code]}: <span>{warning.message}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** Prepended to HTML previews so they read like a page, not like 1995. Constant, never user data. */
export const PREVIEW_BASE_STYLE =
  '<style>body{margin:8px;font:15px/1.5 system-ui,sans-serif;color:#1f2430}</style>'
