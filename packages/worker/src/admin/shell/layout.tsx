import type { Child } from 'hono/jsx'
import { raw } from 'hono/html'
import { CSRF_FIELD, type AdminContext } from './session'

export type Page = 'dashboard' | 'rules' | 'preview' | 'versions' | 'moments' | 'sign-in'

/**
 * The hidden CSRF field every mutating form carries.
 * @example <form method="post"><Csrf token={c.get('session').csrfToken} />...</form>
 */
export function Csrf(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />
}

/**
 * The page frame: navigation, who is signed in, sign-out. Without a context: the bare frame of
 * the sign-in page.
 * @example c.html(<Layout c={c} title="Rules" page="rules">...</Layout>)
 */
export function Layout(props: {
  c?: AdminContext
  title: string
  page: Page
  notice?: string | null
  children: Child
}) {
  const c = props.c
  const link = (page: Page, href: string, label: string) => (
    <a href={href} class={props.page === page ? 'active' : undefined}>
      {label}
    </a>
  )
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title} · Stammis</title>
          <link rel="stylesheet" href="/admin/assets/admin.css" />
          <script src="/admin/assets/admin.js" defer></script>
        </head>
        <body>
          <header class="top">
            <a class="brand" href="/admin">
              Stammis
            </a>
            {c ? (
              <>
                <nav>
                  {link('dashboard', '/admin/dashboard', 'Dashboard')}
                  {link('rules', '/admin', 'Rules')}
                  {link('preview', '/admin/preview', 'Preview')}
                  {link('versions', '/admin/versions', 'Versions')}
                  {link('moments', '/admin/moments', 'Moments')}
                </nav>
                <div class="who">
                  <span>
                    {c.get('site').name} · {c.get('actor')}
                  </span>
                  <form method="post" action="/admin/sign-out">
                    <Csrf token={c.get('session').csrfToken} />
                    <button type="submit">Sign out</button>
                  </form>
                </div>
              </>
            ) : null}
          </header>
          <main>
            {props.notice ? (
              <p class="notice" role="status">
                {props.notice}
              </p>
            ) : null}
            {props.children}
          </main>
        </body>
      </html>
    </>
  )
}

/** Messages after a redirect, by code: the query names one, never carries the text itself. */
const NOTICES: Record<string, (version: string) => string> = {
  saved: () => 'Saved. Nothing is live until you publish.',
  'saved-cleaned': () =>
    'Saved, with its HTML cleaned: scripts, event handlers (on...), javascript: links, forms and frames were removed. Nothing is live until you publish.',
  deleted: () => 'Rule deleted from the working copy. Publish to make it so in the shop.',
  paused: () => 'Rule paused in the working copy. Publish to make it so in the shop.',
  resumed: () => 'Rule set to live in the working copy. Publish to make it so in the shop.',
  published: (version) =>
    `Published as version ${version}. The shop shows it from the next page view.`,
  unchanged: () => 'Nothing to publish: the working copy is the same as the live rules.',
  discarded: () => 'Unpublished changes discarded: the working copy is the live rules again.',
  'rolled-back': (version) =>
    `Rolled back: the rules of version ${version} are live again, as a new version.`,
}

/**
 * The notice named by `?done=` (and `?v=`), if any.
 * @example noticeFor(c) // 'Published as version 3. ...'
 */
export function noticeFor(c: AdminContext): string | null {
  const done = c.req.query('done') ?? ''
  const version = String(Number.parseInt(c.req.query('v') ?? '', 10) || '')
  return Object.hasOwn(NOTICES, done) ? NOTICES[done]!(version) : null
}
