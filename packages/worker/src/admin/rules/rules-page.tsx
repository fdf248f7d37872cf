import type { Workspace } from '../../rules/workspace'
import {
  contentSnippet,
  DiffList,
  offerSummary,
  StatusBadge,
  Warnings,
  whoSummary,
} from '../shell/components'
import { Csrf, Layout } from '../shell/layout'
import type { AdminContext } from '../shell/session'
import { Table } from '../shell/table'
import { formatTime } from '../shell/time'

/** Rules grouped by slot (slots by name), highest priority first, ties in the order listed. */
export function rulesBySlot(rules: Workspace['rules']): [string, Workspace['rules']][] {
  const slots = [...new Set(rules.map((rule) => rule.slot))].sort()
  return slots.map((slot) => [
    slot,
    rules.filter((rule) => rule.slot === slot).sort((a, b) => b.priority - a.priority),
  ])
}

function Changes(props: { c: AdminContext; workspace: Workspace }) {
  const { workspace, c } = props
  const csrf = c.get('session').csrfToken
  if (!workspace.hasChanges) {
    return (
      <section class="card changes">
        <p>
          Everything is published
          {workspace.liveVersion > 0 ? ` (live: version ${workspace.liveVersion})` : ''}. Changes
          you make are saved as a working copy and go live only when you publish.
        </p>
      </section>
    )
  }
  return (
    <section class="card changes" aria-label="Unpublished changes">
      <h3>Unpublished changes</h3>
      <p class="muted small">
        Saved by {workspace.updatedBy} at {formatTime(workspace.updatedAt, c.get('site').timeZone)}.
        The shop still shows version {workspace.liveVersion}.
      </p>
      <DiffList diff={workspace.diff} />
      <form method="post" action="/admin/publish" class="row">
        <Csrf token={csrf} />
        <input
          type="text"
          name="note"
          placeholder="What changed and why (optional, shown in Versions)"
          maxlength={500}
          style="flex:1"
        />
        <button type="submit" class="primary">
          Publish
        </button>
      </form>
      <form
        method="post"
        action="/admin/discard"
        data-confirm="Discard all unpublished changes?"
        style="margin-top:8px"
      >
        <Csrf token={csrf} />
        <button type="submit" class="link danger">
          Discard unpublished changes
        </button>
      </form>
    </section>
  )
}

/**
 * `/admin`: every rule per slot with its status, the warnings, and the changes waiting to publish.
 * @example c.html(<RulesPage c={c} workspace={workspace} notice={null} />)
 */
export function RulesPage(props: { c: AdminContext; workspace: Workspace; notice: string | null }) {
  const { c, workspace } = props
  const csrf = c.get('session').csrfToken
  const currency = c.get('site').currency
  return (
    <Layout c={c} title="Rules" page="rules" notice={props.notice}>
      <div class="row">
        <h1>Rules</h1>
        <span class="spacer" />
        <a class="button primary" href="/admin/rules/new">
          New rule
        </a>
      </div>
      <Warnings warnings={workspace.warnings} />
      <Changes c={c} workspace={workspace} />
      {workspace.rules.length === 0 ? (
        <p class="card">No rules yet. Create one to show something different to a segment.</p>
      ) : null}
      {rulesBySlot(workspace.rules).map(([slot, rules]) => (
        <section data-slot={slot}>
          <h2>
            Slot <code>{slot}</code>
          </h2>
          <Table
            rows={rules}
            rowAttributes={(rule) => ({ 'data-rule': rule.id })}
            columns={[
              { header: 'Priority', cell: (rule) => rule.priority },
              {
                header: 'Rule',
                cell: (rule) => (
                  <a href={`/admin/rules/${encodeURIComponent(rule.id)}`}>{rule.id}</a>
                ),
              },
              { header: 'Who', class: 'small', cell: (rule) => whoSummary(rule) },
              { header: 'Shows', class: 'small', cell: (rule) => contentSnippet(rule) },
              {
                header: 'Offer',
                class: 'small',
                cell: (rule) => offerSummary(rule.offer, currency),
              },
              {
                header: 'Holdout',
                cell: (rule) => (rule.holdoutPercent ? `${rule.holdoutPercent}%` : '–'),
              },
              { header: 'Status', cell: (rule) => <StatusBadge status={rule.displayStatus} /> },
              {
                header: '',
                class: 'actions',
                cell: (rule) => <RuleActions rule={rule} csrf={csrf} />,
              },
            ]}
          />
        </section>
      ))}
    </Layout>
  )
}

/** A rule's buttons: edit, duplicate, pause or resume, delete. */
function RuleActions(props: { rule: Workspace['rules'][number]; csrf: string }) {
  const { rule, csrf } = props
  return (
    <>
      <a href={`/admin/rules/${encodeURIComponent(rule.id)}`}>Edit</a>{' '}
      <a href={`/admin/rules/new?from=${encodeURIComponent(rule.id)}`}>Duplicate</a>
      <form method="post" action={`/admin/rules/${encodeURIComponent(rule.id)}/status`}>
        <Csrf token={csrf} />
        <input type="hidden" name="status" value={rule.status === 'live' ? 'paused' : 'live'} />
        <button type="submit" class="link">
          {rule.status === 'live' ? 'Pause' : rule.status === 'paused' ? 'Resume' : 'Make live'}
        </button>
      </form>
      <form
        method="post"
        action={`/admin/rules/${encodeURIComponent(rule.id)}/delete`}
        data-confirm={`Delete the rule "${rule.id}"?`}
      >
        <Csrf token={csrf} />
        <button type="submit" class="link danger">
          Delete
        </button>
      </form>
    </>
  )
}
