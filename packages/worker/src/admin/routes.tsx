import { Hono } from 'hono'
import { ApiError } from '../errors'
import { assetRoutes } from './shell/assets'
import { dashboardRoutes } from './dashboard/dashboard-page'
import { momentsPageRoutes } from './moments/moments-page'
import { previewPageRoutes } from './preview/preview-page'
import { adminRuleRoutes } from './rules/rule-routes'
import { adminHeaders, requireSession, type AdminEnv } from './shell/session'
import { signInRoutes, signOutRoutes } from './shell/sign-in'
import { versionRoutes } from './rules/versions-page'

function errorPage(title: string, message: string): string {
  // Plain and escaped by hand: the error page must work even when rendering is what failed.
  const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
  return `<!doctype html><meta charset="utf-8"><title>${escape(title)} · Stammis</title>
<link rel="stylesheet" href="/admin/assets/admin.css"><main><h1>${escape(title)}</h1><p>${escape(message)}</p>
<p><a href="/admin">Back to the rules</a></p></main>`
}

/**
 * The marketer's admin app at `/admin`: server-rendered pages (Hono JSX) on the same logic as the
 * JSON admin API. Signed-in pages need a session; every form that changes something carries the
 * session's CSRF token.
 * @example app.route('/admin', adminRoutes)
 */
export const adminRoutes = new Hono<AdminEnv>()

adminRoutes.onError((error, c) => {
  if (error instanceof ApiError)
    return c.html(errorPage('That did not work', error.message), error.status)
  console.error('unhandled admin error', error)
  return c.html(
    errorPage('Something went wrong', 'The error was logged. Reload the page and try again.'),
    500,
  )
})
adminRoutes.use('*', adminHeaders())
adminRoutes.route('/assets', assetRoutes)
adminRoutes.route('/', signInRoutes)
adminRoutes.use('*', requireSession())
adminRoutes.route('/', signOutRoutes)
adminRoutes.route('/dashboard', dashboardRoutes)
adminRoutes.route('/preview', previewPageRoutes)
adminRoutes.route('/versions', versionRoutes)
adminRoutes.route('/moments', momentsPageRoutes)
adminRoutes.route('/', adminRuleRoutes)
