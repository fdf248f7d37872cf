import { SEGMENTS, type RuleWarning } from '@stammis/contract'
import type { Child } from 'hono/jsx'
import { PREVIEW_BASE_STYLE, SEGMENT_LABELS, Warnings } from '../shell/components'
import { Csrf, Layout } from '../shell/layout'
import type { AdminContext } from '../shell/session'
import { Field, idOf, Input, Select } from './editor-fields'
import { RULE_FIELDS, type FieldErrors, type RuleForm } from './rule-form'

export type EditorProps = {
  c: AdminContext
  form: RuleForm
  errors: FieldErrors
  /** The id of the rule being edited, or null for a new rule. */
  originalId: string | null
  slots: string[]
  /** The highest priority in the rule's slot, for the hint. */
  topPriority: number | null
  /** The working copy's warnings about this rule (as saved). */
  warnings?: RuleWarning[]
}

/**
 * The rule editor: every field of the rule model, with the schema's messages next to each field.
 * @example c.html(<RuleEditor c={c} form={emptyRuleForm()} errors={{}} originalId={null} slots={[]} topPriority={null} />)
 */
export function RuleEditor(props: EditorProps) {
  const { c, form, errors } = props
  const zone = c.get('site').timeZone
  const action =
    props.originalId === null
      ? '/admin/rules'
      : `/admin/rules/${encodeURIComponent(props.originalId)}`
  const title = props.originalId === null ? 'New rule' : `Edit rule ${props.originalId}`
  const count = Object.values(errors).reduce((sum, messages) => sum + messages.length, 0)
  const general = Object.entries(errors).flatMap(([name, messages]) =>
    (RULE_FIELDS as readonly string[]).includes(name) ? [] : messages,
  )
  const contentType = form.values['content.type'] ?? ''
  const contentValue = form.values['content.value'] ?? ''
  const f = (name: string, label: string, input: Child, hint?: string) => (
    <Field name={name} label={label} errors={errors} hint={hint}>
      {input}
    </Field>
  )
  return (
    <Layout c={c} title={title} page="rules">
      <p class="small">
        <a href="/admin">← All rules</a>
      </p>
      <h1>{title}</h1>
      <Warnings warnings={props.warnings ?? []} />
      {count > 0 ? (
        <div class="errors" role="alert">
          <strong>
            {count === 1 ? 'One field needs fixing' : `${count} fields need fixing`}; nothing was
            saved.
          </strong>
          {general.length > 0 ? (
            <ul>
              {general.map((message) => (
                <li>{message}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {c.get('site').allowScripts ? (
        <div class="warnings" role="alert" data-warning="scripts-allowed">
          <strong>Scripts are allowed on this site.</strong> HTML content is served exactly as
          saved, so scripts, event handlers (onclick, onerror, ...) and javascript: links in it run
          on every page with a slot, checkout pages included, with access to what shoppers type
          there. Only paste HTML you fully trust. A developer can turn this off with{' '}
          <code>PATCH /v1/admin/site {'{"allowScripts": false}'}</code>; HTML is then cleaned when
          served.
        </div>
      ) : null}
      <form method="post" action={action} novalidate>
        <Csrf token={c.get('session').csrfToken} />
        <fieldset>
          <legend>Rule</legend>
          <div class="grid">
            {f(
              'id',
              'Name (id)',
              <Input form={form} name="id" placeholder="welcome-back" />,
              'Letters, digits, "-" and "_".',
            )}
            {f(
              'slot',
              'Slot',
              <>
                <input
                  type="text"
                  id={idOf('slot')}
                  name="slot"
                  value={form.values.slot ?? ''}
                  list="slots"
                  placeholder="hero"
                />
                <datalist id="slots">
                  {props.slots.map((slot) => (
                    <option value={slot} />
                  ))}
                </datalist>
              </>,
              'Where on the page: the data-stammis-slot name.',
            )}
            {f(
              'priority',
              'Priority',
              <Input form={form} name="priority" type="number" />,
              props.topPriority === null
                ? 'Higher wins when several rules match.'
                : `Higher wins. Highest in this slot now: ${props.topPriority}.`,
            )}
            {f(
              'status',
              'Status',
              <Select
                form={form}
                name="status"
                options={[
                  ['live', 'Live (once published)'],
                  ['draft', 'Draft (not shown)'],
                  ['paused', 'Paused (not shown)'],
                ]}
              />,
            )}
          </div>
        </fieldset>

        <fieldset>
          <legend>Who sees it</legend>
          <Field name="when.segments" label="Segments (none ticked: everyone)" errors={errors}>
            <div>
              {SEGMENTS.map((segment) => (
                <label class="inline">
                  <input
                    type="checkbox"
                    name="when.segments"
                    value={segment}
                    checked={form.segments.includes(segment)}
                  />
                  {SEGMENT_LABELS[segment]}
                </label>
              ))}
            </div>
          </Field>
          <div class="grid">
            {f(
              'when.lapsed',
              'Lapsed customers',
              <Select
                form={form}
                name="when.lapsed"
                options={[
                  ['', 'Lapsed or not'],
                  ['true', 'Only lapsed'],
                  ['false', 'Only not lapsed'],
                ]}
              />,
              "Lapsed: last purchase longer ago than the shop's lapse window.",
            )}
            {f(
              'when.minOrders',
              'At least orders',
              <Input form={form} name="when.minOrders" type="number" />,
            )}
            {f(
              'when.maxOrders',
              'At most orders',
              <Input form={form} name="when.maxOrders" type="number" />,
            )}
            {f(
              'when.minRevenue',
              `Spent at least (${c.get('site').currency})`,
              <Input form={form} name="when.minRevenue" type="number" />,
            )}
            {f(
              'when.maxRevenue',
              `Spent at most (${c.get('site').currency})`,
              <Input form={form} name="when.maxRevenue" type="number" />,
            )}
            {f(
              'when.minVisits',
              'At least visits',
              <Input form={form} name="when.minVisits" type="number" />,
            )}
            {f(
              'when.urlPattern',
              'On pages',
              <Input form={form} name="when.urlPattern" placeholder="/sale*" />,
              '* matches anything; "/..." is the path.',
            )}
            {f(
              'when.referrerPattern',
              'Coming from',
              <Input form={form} name="when.referrerPattern" placeholder="*google.*" />,
            )}
          </div>
        </fieldset>

        <fieldset>
          <legend>Predictions</legend>
          <p class="hint">
            From the shop's latest prediction fit and the customer's purchases. A visitor who never
            bought, or a shop without a fit, meets none of these.
          </p>
          <div class="grid">
            {f(
              'when.pAlive.min',
              'Still a customer: P(alive) at least',
              <Input form={form} name="when.pAlive.min" type="number" placeholder="0-1" />,
            )}
            {f(
              'when.pAlive.max',
              'P(alive) at most',
              <Input
                form={form}
                name="when.pAlive.max"
                type="number"
                placeholder="0.5: slipping away"
              />,
            )}
            {f(
              'when.predictedClv.min',
              `Predicted value, next year, at least (${c.get('site').currency})`,
              <Input form={form} name="when.predictedClv.min" type="number" />,
            )}
            {f(
              'when.predictedClv.max',
              `Predicted value at most (${c.get('site').currency})`,
              <Input form={form} name="when.predictedClv.max" type="number" />,
            )}
            {f(
              'when.clvPercentile.min',
              'Value percentile at least',
              <Input
                form={form}
                name="when.clvPercentile.min"
                type="number"
                placeholder="90: top 10%"
              />,
              '0-99 among the shop’s customers.',
            )}
            {f(
              'when.clvPercentile.max',
              'Value percentile at most',
              <Input form={form} name="when.clvPercentile.max" type="number" />,
            )}
            {f(
              'when.daysSinceLastPurchase.min',
              'Days since last purchase, at least',
              <Input form={form} name="when.daysSinceLastPurchase.min" type="number" />,
            )}
            {f(
              'when.daysSinceLastPurchase.max',
              'Days since last purchase, at most',
              <Input form={form} name="when.daysSinceLastPurchase.max" type="number" />,
            )}
            {f(
              'when.dueForReorder',
              'Due to reorder',
              <Select
                form={form}
                name="when.dueForReorder"
                options={[
                  ['', 'Due or not'],
                  ['true', 'Only when due to reorder'],
                ]}
              />,
              'Today is within ±20% of their usual gap between purchases.',
            )}
          </div>
        </fieldset>

        <fieldset>
          <legend>Content</legend>
          <div class="grid">
            {f(
              'content.type',
              'Type',
              <Select
                form={form}
                name="content.type"
                options={[
                  ['', 'None (offer only)'],
                  ['text', 'Text'],
                  ['html', 'HTML'],
                  ['json', 'JSON (for developers)'],
                ]}
              />,
            )}
          </div>
          {f(
            'content.value',
            'Content',
            <textarea id={idOf('content.value')} name="content.value">
              {contentValue}
            </textarea>,
            c.get('site').allowScripts
              ? 'HTML is served as written, scripts included (scripts are allowed on this site).'
              : 'HTML is cleaned when saved: no scripts, event handlers, javascript: links, forms or frames.',
          )}
          <div class="field">
            <label>Preview</label>
            <div
              id="content-preview-text"
              class="preview-box"
              hidden={contentType === 'html' || contentType === ''}
            >
              {contentValue}
            </div>
            {/* HTML is only ever rendered here: a sandboxed frame with no scripts and no access to this page. */}
            <iframe
              id="content-preview-html"
              class="preview"
              sandbox=""
              title="HTML preview"
              srcdoc={contentType === 'html' ? PREVIEW_BASE_STYLE + contentValue : ''}
              data-base={PREVIEW_BASE_STYLE}
              hidden={contentType !== 'html'}
            ></iframe>
          </div>
        </fieldset>

        <fieldset>
          <legend>Offer</legend>
          <div class="grid">
            {f(
              'offer.kind',
              'Offer',
              <Select
                form={form}
                name="offer.kind"
                options={[
                  ['', 'No offer'],
                  ['percent', 'Percent off'],
                  ['amount', 'Amount off'],
                  ['free_shipping', 'Free shipping'],
                ]}
              />,
            )}
            {f(
              'offer.value',
              'Value',
              <Input form={form} name="offer.value" type="number" />,
              'Percent (1–100) or amount; empty for free shipping.',
            )}
            {f(
              'offer.code',
              'Static code',
              <Input form={form} name="offer.code" placeholder="THANKS10" />,
              'Everyone gets this code.',
            )}
            {f(
              'offer.expiresAt',
              `Offer expires (${zone})`,
              <Input form={form} name="offer.expiresAt" type="datetime-local" />,
            )}
          </div>
          <Field name="offer.uniqueCodes" label="Unique codes" errors={errors}>
            <label class="inline">
              <input
                type="checkbox"
                id={idOf('offer.uniqueCodes')}
                name="offer.uniqueCodes"
                value="on"
                checked={Boolean(form.values['offer.uniqueCodes'])}
              />
              Instead of a static code, give every visitor a code of their own (the same on every
              visit)
            </label>
          </Field>
          <div class="grid">
            {f(
              'offer.uniqueCodes.prefix',
              'Code prefix',
              <Input form={form} name="offer.uniqueCodes.prefix" placeholder="VIP" />,
              'Up to 12 capital letters or digits.',
            )}
            {f(
              'offer.uniqueCodes.validDays',
              'Valid for days',
              <Input form={form} name="offer.uniqueCodes.validDays" type="number" />,
              'Counted from when the visitor first sees it.',
            )}
          </div>
          {f(
            'offer.requiresVerified',
            'Which purchases unlock it',
            <Select
              form={form}
              name="offer.requiresVerified"
              options={[
                ['', 'Default: verified purchases if it has a code, any otherwise'],
                ['true', 'Only purchases your server verified'],
                ['false', 'Also purchases the browser reports (anyone can fake them)'],
              ]}
            />,
            'The rule’s conditions (segment, orders, spend, lapsed) are checked against these purchases. Verified: reported or confirmed by your shop’s server (orders API, webhook or import), so a code cannot be taken with purchases faked in a browser console.',
          )}
        </fieldset>

        <fieldset>
          <legend>Holdout and schedule</legend>
          <div class="grid">
            {f(
              'holdoutPercent',
              'Holdout %',
              <Input form={form} name="holdoutPercent" type="number" />,
              '0–50% of matching visitors see the default instead, to measure the effect.',
            )}
            {f(
              'startsAt',
              `Starts (${zone})`,
              <Input form={form} name="startsAt" type="datetime-local" />,
              'Empty: right away.',
            )}
            {f(
              'endsAt',
              `Ends (${zone})`,
              <Input form={form} name="endsAt" type="datetime-local" />,
              'Empty: no end.',
            )}
          </div>
        </fieldset>
        <div class="row">
          <button type="submit" class="primary">
            Save
          </button>
          <a href="/admin">Cancel</a>
          <span class="muted small">
            Saving changes the working copy only; publish from the rules list.
          </span>
        </div>
      </form>
    </Layout>
  )
}
