import type { Content } from '@stammis/contract'
import type { PreviewResult } from '../../preview/preview'
import { offerSummary, PREVIEW_BASE_STYLE } from '../shell/components'
import type { AdminContext } from '../shell/session'
import { Table } from '../shell/table'
import { formatTime } from '../shell/time'

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

function ContentCell(props: { content: Content | null }) {
  const content = props.content
  if (!content) return <span class="muted">page default</span>
  if (content.type === 'html') {
    // Rendered only inside a sandboxed frame, never into this page.
    return (
      <iframe
        class="preview"
        sandbox=""
        title="HTML content"
        srcdoc={PREVIEW_BASE_STYLE + content.value}
      ></iframe>
    )
  }
  if (content.type === 'json') return <pre>{JSON.stringify(content.value, null, 2)}</pre>
  return <span>{content.value}</span>
}

/**
 * What the previewed visitor gets in every slot: the assumed profile, then per slot the winning
 * rule, its content (HTML only inside a sandboxed frame), offer and holdout.
 * @example <Results c={c} result={await previewDecisions(c.env, site, request, Date.now())} />
 */
export function Results(props: { c: AdminContext; result: PreviewResult }) {
  const { result, c } = props
  const profile = result.profile
  return (
    <section aria-label="Preview result">
      <h2>
        What a {profile.segment}
        {profile.lapsed ? ' (lapsed)' : ''} visitor gets from the{' '}
        {result.source === 'live' ? 'live rules' : 'working copy'}
      </h2>
      <p class="muted small">
        Assumed: {plural(profile.visits, 'visit')}, {plural(profile.orders, 'order')},{' '}
        {profile.revenue} {c.get('site').currency} spent
        {profile.lastPurchaseAt
          ? `, last purchase ${formatTime(profile.lastPurchaseAt, c.get('site').timeZone)}`
          : ''}
        .
      </p>
      {result.slots.length === 0 ? (
        <p class="card">No rules yet, so every slot shows the page's default.</p>
      ) : (
        <Table
          id="preview-table"
          rows={result.slots}
          rowAttributes={(slot) => ({ 'data-slot': slot.slot })}
          columns={[
            { header: 'Slot', cell: (slot) => <code>{slot.slot}</code> },
            {
              header: 'Rule',
              cellAttributes: (slot) => ({ 'data-rule': slot.ruleId ?? '' }),
              cell: (slot) => (
                <>
                  {slot.ruleId ? (
                    <a href={`/admin/rules/${encodeURIComponent(slot.ruleId)}`}>{slot.ruleId}</a>
                  ) : (
                    <span class="muted">no rule matches</span>
                  )}
                  {slot.priority !== null ? (
                    <div class="muted small">priority {slot.priority}</div>
                  ) : null}
                </>
              ),
            },
            {
              header: 'Content',
              class: 'content',
              cell: (slot) => <ContentCell content={slot.content} />,
            },
            {
              header: 'Offer',
              class: 'small',
              cell: (slot) => (
                <>
                  {offerSummary(slot.offer, c.get('site').currency)}
                  {slot.offer?.expiresAt ? (
                    <div class="muted">
                      until {formatTime(slot.offer.expiresAt, c.get('site').timeZone)}
                    </div>
                  ) : null}
                </>
              ),
            },
            {
              header: 'Holdout',
              class: 'small',
              cell: (slot) => (
                <>
                  {slot.holdoutPercent ? `${slot.holdoutPercent}% see the default` : '–'}
                  {slot.isHeldOut === true ? (
                    <div>
                      <strong>this visitor is held out</strong>
                    </div>
                  ) : null}
                  {slot.isHeldOut === false ? <div>this visitor sees the rule</div> : null}
                </>
              ),
            },
          ]}
        />
      )}
    </section>
  )
}
