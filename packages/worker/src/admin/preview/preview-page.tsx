import { PreviewLinkRequestSchema, PreviewRequestSchema, SEGMENTS } from '@stammis/contract'
import { Hono } from 'hono'
import { createPreviewLink } from '../../preview/link'
import { previewDecisions, type PreviewResult } from '../../preview/preview'
import { SEGMENT_LABELS } from '../shell/components'
import { Csrf, Layout } from '../shell/layout'
import type { AdminContext, AdminEnv } from '../shell/session'
import { formatTime } from '../shell/time'
import { Results } from './preview-results'

type PreviewForm = {
  segment: string
  lapsed: boolean
  url: string
  referrer: string
  visitorId: string
  source: string
}
type LinkForm = { segment: string; lapsed: boolean; url: string; ttlMinutes: string }
type LinkResult = { url: string; expiresAt: string } | { error: string } | null

const TTL_OPTIONS: [string, string][] = [
  ['60', '1 hour'],
  ['1440', '24 hours'],
  ['10080', '7 days'],
]

function SegmentPicker(props: {
  name: string
  segment: string
  lapsed: boolean
  idPrefix: string
}) {
  return (
    <div class="field">
      <label>Visitor</label>
      {SEGMENTS.map((segment) => (
        <label class="inline">
          <input
            type="radio"
            name={props.name}
            value={segment}
            checked={props.segment === segment}
            id={`${props.idPrefix}-${segment}`}
          />
          {SEGMENT_LABELS[segment]}
        </label>
      ))}
      <label class="inline">
        <input
          type="checkbox"
          name="lapsed"
          value="true"
          checked={props.lapsed}
          id={`${props.idPrefix}-lapsed`}
        />
        Lapsed (last purchase outside the lapse window)
      </label>
    </div>
  )
}

function PreviewPage(props: {
  c: AdminContext
  form: PreviewForm
  result: PreviewResult | null
  error: string | null
  link: LinkForm
  linkResult: LinkResult
}) {
  const { c, form, link, linkResult } = props
  return (
    <Layout c={c} title="Preview" page="preview">
      <h1>Preview as a segment</h1>
      <form method="get" action="/admin/preview" class="card" novalidate>
        <SegmentPicker name="segment" segment={form.segment} lapsed={form.lapsed} idPrefix="p" />
        <div class="grid">
          <div class="field">
            <label for="p-url">Page URL (optional)</label>
            <input
              type="url"
              id="p-url"
              name="url"
              value={form.url}
              placeholder="https://shop.example/sale"
            />
          </div>
          <div class="field">
            <label for="p-referrer">Coming from (optional)</label>
            <input
              type="url"
              id="p-referrer"
              name="referrer"
              value={form.referrer}
              placeholder="https://www.google.com/"
            />
          </div>
          <div class="field">
            <label for="p-visitor">Visitor id (optional, for holdouts)</label>
            <input type="text" id="p-visitor" name="visitorId" value={form.visitorId} />
          </div>
          <div class="field">
            <label for="p-source">Rules</label>
            <select id="p-source" name="source">
              <option value="workspace" selected={form.source !== 'live'}>
                Working copy (with unpublished changes)
              </option>
              <option value="live" selected={form.source === 'live'}>
                Live (what the shop shows now)
              </option>
            </select>
          </div>
        </div>
        <button type="submit" class="primary">
          Show preview
        </button>
      </form>
      {props.error ? (
        <div class="errors" role="alert">
          {props.error}
        </div>
      ) : null}
      {props.result ? <Results c={c} result={props.result} /> : null}

      <h2>Shareable preview link</h2>
      <form method="post" action="/admin/preview/link" class="card" novalidate>
        <Csrf token={c.get('session').csrfToken} />
        <p class="muted small">
          Opens the real shop as this segment, with the <strong>live</strong> rules. The link is
          signed, expires, and visits through it are never counted in metrics.
        </p>
        <SegmentPicker name="segment" segment={link.segment} lapsed={link.lapsed} idPrefix="l" />
        <div class="grid">
          <div class="field">
            <label for="l-url">Shop page</label>
            <input
              type="url"
              id="l-url"
              name="url"
              value={link.url}
              placeholder="https://shop.example/"
            />
          </div>
          <div class="field">
            <label for="l-ttl">Works for</label>
            <select id="l-ttl" name="ttlMinutes">
              {TTL_OPTIONS.map(([value, label]) => (
                <option value={value} selected={value === link.ttlMinutes}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit">Create link</button>
        {linkResult && 'error' in linkResult ? (
          <div class="errors" role="alert" style="margin-top:12px">
            {linkResult.error}
          </div>
        ) : null}
        {linkResult && 'url' in linkResult ? (
          <div style="margin-top:12px">
            <label for="l-result">
              Preview link (until {formatTime(linkResult.expiresAt, c.get('site').timeZone)})
            </label>
            <input
              type="text"
              id="l-result"
              class="link-out"
              readonly
              value={linkResult.url}
              data-select
            />
            <p>
              <a href={linkResult.url} target="_blank" rel="noopener noreferrer">
                Open the shop as this visitor
              </a>
            </p>
          </div>
        ) : null}
      </form>
    </Layout>
  )
}

function readPreviewForm(c: AdminContext): PreviewForm {
  const q = (name: string) => c.req.query(name)?.trim() ?? ''
  return {
    segment: q('segment') || 'returning',
    lapsed: q('lapsed') === 'true',
    url: q('url'),
    referrer: q('referrer'),
    visitorId: q('visitorId'),
    source: q('source') || 'workspace',
  }
}

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0]
  return issue
    ? `${issue.path.map(String).join('.') || 'input'}: ${issue.message}`
    : 'Invalid input.'
}

async function runPreview(
  c: AdminContext,
  form: PreviewForm,
): Promise<{ result: PreviewResult | null; error: string | null }> {
  // The page opens with a preview of returning customers straight away; an explicit form is the same request.
  const parsed = PreviewRequestSchema.safeParse({
    segment: form.segment,
    lapsed: form.lapsed,
    url: form.url || undefined,
    referrer: form.referrer || undefined,
    visitorId: form.visitorId || undefined,
    source: form.source,
  })
  if (!parsed.success) return { result: null, error: firstIssue(parsed.error) }
  return {
    result: await previewDecisions(c.env, c.get('site'), parsed.data, Date.now()),
    error: null,
  }
}

const emptyLink: LinkForm = { segment: 'returning', lapsed: false, url: '', ttlMinutes: '1440' }

/**
 * `/admin/preview`: what each slot shows a segment, and shareable preview links.
 * @example adminRoutes.route('/preview', previewPageRoutes)
 */
export const previewPageRoutes = new Hono<AdminEnv>()
  .get('/', async (c) => {
    const form = readPreviewForm(c)
    const { result, error } = await runPreview(c, form)
    return c.html(
      <PreviewPage
        c={c}
        form={form}
        result={result}
        error={error}
        link={emptyLink}
        linkResult={null}
      />,
      error ? 400 : 200,
    )
  })
  .post('/link', async (c) => {
    const data = await c.req.formData()
    const field = (name: string) => String(data.get(name) ?? '').trim()
    const link: LinkForm = {
      segment: field('segment') || 'returning',
      lapsed: field('lapsed') === 'true',
      url: field('url'),
      ttlMinutes: field('ttlMinutes') || '1440',
    }
    const parsed = PreviewLinkRequestSchema.safeParse({
      ...link,
      ttlMinutes: Number(link.ttlMinutes),
    })
    const linkResult: LinkResult = parsed.success
      ? await createPreviewLink(c.get('site'), parsed.data, Date.now())
      : {
          error: parsed.error.issues.some((issue) => issue.path[0] === 'url')
            ? 'Enter the full address of a shop page, starting with https:// or http://.'
            : firstIssue(parsed.error),
        }
    const form = { ...readPreviewForm(c), segment: link.segment, lapsed: link.lapsed }
    const { result, error } = await runPreview(c, form)
    return c.html(
      <PreviewPage
        c={c}
        form={form}
        result={result}
        error={error}
        link={link}
        linkResult={linkResult}
      />,
      parsed.success ? 200 : 400,
    )
  })
