import {
  CreateDestinationRequestSchema,
  MOMENT_TYPES,
  type Delivery,
  type Destination,
} from '@stammis/contract'
import { Hono } from 'hono'
import { ApiError } from '../../errors'
import {
  addDestination,
  destinationsOf,
  removeDestination,
  resendDelivery,
} from '../../moments/destinations'
import { MAX_DESTINATIONS_PER_SITE } from '../../moments/limits'
import { countDeliveries, listDeliveries, type DeliveryCount } from '../../moments/queries'
import { Csrf, Layout } from '../shell/layout'
import type { AdminContext, AdminEnv } from '../shell/session'
import { Table } from '../shell/table'
import { formatTime } from '../shell/time'
import { MOMENT_LABELS, MomentCounts } from '../shell/moment-counts'

/** Messages after a redirect, by `?done=`. */
const NOTICES: Record<string, string> = {
  deleted: 'Destination deleted: no more moments go to it.',
  resent: 'Queued again: it is delivered within a minute if the destination answers.',
}

type Added = { destination: Destination; secret: string }

function MomentsPage(props: {
  c: AdminContext
  destinations: Destination[]
  deliveries: Delivery[]
  counts: DeliveryCount[]
  added?: Added
  error?: string
  form?: { url: string; moments: string[] }
}) {
  const { c } = props
  const csrf = c.get('session').csrfToken
  const done = c.req.query('done') ?? ''
  const urlOf = new Map(props.destinations.map((destination) => [destination.id, destination.url]))
  return (
    <Layout c={c} title="Moments" page="moments" notice={NOTICES[done] ?? null}>
      <h1>Lifecycle moments</h1>
      <p class="muted">
        Stammis tells your email tool when a customer becomes returning or repeat, lapses, is won
        back, is due to reorder or is at risk: a signed JSON POST to each destination below. Only
        customers identified by your own customer id get moments.
      </p>
      {props.added ? (
        <div class="card" id="new-secret" role="status">
          <h2>Destination added</h2>
          <p>
            Its signing secret, shown this once: copy it into your receiver now. It checks{' '}
            <code>Stammis-Signature</code> with it.
          </p>
          <p>
            <code data-secret>{props.added.secret}</code>
          </p>
        </div>
      ) : null}
      <section class="card" id="destinations" aria-labelledby="destinations-heading">
        <h2 id="destinations-heading">Destinations</h2>
        <Table
          columns={[
            { header: 'URL', cell: (row: Destination) => <code>{row.url}</code> },
            {
              header: 'Moments',
              cell: (row) => row.moments.map((type) => MOMENT_LABELS[type]).join(', '),
            },
            { header: 'Added', cell: (row) => formatTime(row.createdAt, c.get('site').timeZone) },
            {
              header: '',
              class: 'actions',
              cell: (row) => (
                <form method="post" action={`/admin/moments/destinations/${row.id}/delete`}>
                  <Csrf token={csrf} />
                  <button type="submit">Delete</button>
                </form>
              ),
            },
          ]}
          rows={props.destinations}
          rowAttributes={(row) => ({ 'data-destination': row.id })}
        />
        <form method="post" action="/admin/moments/destinations" id="add-destination">
          <Csrf token={csrf} />
          <div class="field">
            <label for="destination-url">URL (https)</label>
            <input
              id="destination-url"
              name="url"
              type="url"
              required
              value={props.form?.url ?? ''}
              placeholder="https://hooks.example.com/stammis"
            />
          </div>
          <fieldset class="field">
            <legend>Moments to send</legend>
            {MOMENT_TYPES.map((type) => (
              <label class="inline">
                <input
                  type="checkbox"
                  name="moments"
                  value={type}
                  checked={props.form ? props.form.moments.includes(type) : true}
                />
                {MOMENT_LABELS[type]}
              </label>
            ))}
          </fieldset>
          {props.error ? (
            <div class="errors" role="alert" id="destination-error">
              {props.error}
            </div>
          ) : null}
          <button type="submit">Add destination</button>
          <p class="muted">At most {MAX_DESTINATIONS_PER_SITE} destinations per site.</p>
        </form>
      </section>
      <section class="card" id="counts" aria-labelledby="counts-heading">
        <h2 id="counts-heading">Deliveries per moment</h2>
        <MomentCounts counts={props.counts} />
      </section>
      <section class="card" id="deliveries" aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Delivery log</h2>
        <Table
          columns={[
            {
              header: 'Created',
              cell: (row: Delivery) => formatTime(row.createdAt, c.get('site').timeZone),
            },
            { header: 'Moment', cell: (row) => MOMENT_LABELS[row.type] },
            { header: 'Customer', cell: (row) => row.customerId },
            { header: 'To', cell: (row) => urlOf.get(row.destinationId) ?? '(deleted)' },
            { header: 'Status', metric: 'status', cell: (row) => row.status },
            {
              header: 'Attempts',
              isNumeric: true,
              metric: 'attempts',
              cell: (row) => row.attempts,
            },
            { header: 'Last error', class: 'small', cell: (row) => row.lastError ?? '' },
            {
              header: '',
              class: 'actions',
              cell: (row) =>
                row.status === 'delivered' ? null : (
                  <form method="post" action={`/admin/moments/deliveries/${row.id}/resend`}>
                    <Csrf token={csrf} />
                    <button type="submit">Resend</button>
                  </form>
                ),
            },
          ]}
          rows={props.deliveries}
          rowAttributes={(row) => ({ 'data-delivery': row.id })}
        />
      </section>
    </Layout>
  )
}

async function render(
  c: AdminContext,
  extra: { added?: Added; error?: string; form?: { url: string; moments: string[] } } = {},
  status: 200 | 400 | 409 = 200,
) {
  const site = c.get('site')
  const [destinations, deliveries, counts] = await Promise.all([
    destinationsOf(c.env, site),
    listDeliveries(c.env.DB, site.id),
    countDeliveries(c.env.DB, site.id),
  ])
  return c.html(
    <MomentsPage
      c={c}
      destinations={destinations}
      deliveries={deliveries}
      counts={counts}
      {...extra}
    />,
    status,
  )
}

/**
 * `/admin/moments`: the site's moment destinations (add: the secret is shown once on the answer
 * page, never in a URL; delete), deliveries per moment, and the delivery log with a resend button.
 * Every form carries the session's CSRF token.
 * @example adminRoutes.route('/moments', momentsPageRoutes)
 */
export const momentsPageRoutes = new Hono<AdminEnv>()
  .get('/', (c) => render(c))
  .post('/destinations', async (c) => {
    const data = await c.req.formData()
    const form = {
      url: String(data.get('url') ?? '').trim(),
      moments: data.getAll('moments').map(String),
    }
    const parsed = CreateDestinationRequestSchema.safeParse(form)
    if (!parsed.success)
      return render(c, { form, error: 'Enter an https URL and pick at least one moment.' }, 400)
    try {
      return await render(c, { added: await addDestination(c.env, c.get('site'), parsed.data) })
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      return render(c, { form, error: error.message }, error.status === 409 ? 409 : 400)
    }
  })
  .post('/destinations/:id/delete', async (c) => {
    await removeDestination(c.env, c.get('site'), c.req.param('id'))
    return c.redirect('/admin/moments?done=deleted', 303)
  })
  .post('/deliveries/:id/resend', async (c) => {
    await resendDelivery(c.env, c.get('site'), c.req.param('id'))
    return c.redirect('/admin/moments?done=resent', 303)
  })
