import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { countRows, createTestSite, publishRules } from '../../../test/helpers'
import { expireSession, findSession } from '../../sessions/queries'
import { SIGN_IN_MAX_BODY_BYTES } from './sign-in'
import { getPage, postForm, ruleFields, savedRules, signedIn } from '../../../test/admin-helpers'

/** Opens the sign-in page and returns its double-submit token and cookie. */
async function signInForm(): Promise<{ token: string; cookie: string }> {
  const page = await getPage('/admin/sign-in')
  expect(page.status).toBe(200)
  const html = await page.text()
  const token = /name="_csrf" value="([^"]+)"/.exec(html)![1]!
  const cookie = page.headers.get('set-cookie')!.split(';')[0]!
  return { token, cookie }
}

describe('admin sign-in', () => {
  it('signs in with the secret key and a name, in a HttpOnly, Secure, SameSite=Strict cookie', async () => {
    const site = await createTestSite()
    const { token, cookie } = await signInForm()
    const response = await postForm(
      '/admin/sign-in',
      { _csrf: token, name: 'Maria', key: site.secretKey },
      cookie,
    )
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin')
    const setCookie = response.headers.get('set-cookie')!
    expect(setCookie).toMatch(/stammis_session=[^;]+/)
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/Secure/i)
    expect(setCookie).toMatch(/SameSite=Strict/i)

    const session = /stammis_session=([^;]+)/.exec(setCookie)![1]!
    expect(await findSession(env.DB, session, Date.now())).toMatchObject({
      siteId: site.siteId,
      userName: 'Maria',
    })
    const rules = await getPage('/admin', `stammis_session=${session}`)
    expect(rules.status).toBe(200)
    expect(await rules.text()).toContain('Maria')
  })

  const refused: [
    string,
    (key: { secretKey: string; publicKey: string }) => string,
    number,
    string,
  ][] = [
    ['a wrong secret key', (site) => `${site.secretKey}x`, 401, 'not valid for any site'],
    ['the public key', (site) => site.publicKey, 403, 'not the public key'],
    ['no key', () => '', 400, 'Enter the secret key'],
  ]
  it.each(refused)('refuses %s and starts no session', async (_name, key, status, message) => {
    const site = await createTestSite()
    const { token, cookie } = await signInForm()
    const response = await postForm(
      '/admin/sign-in',
      { _csrf: token, name: 'Maria', key: key(site) },
      cookie,
    )
    expect(response.status).toBe(status)
    expect(await response.text()).toContain(message)
    expect(response.headers.get('set-cookie') ?? '').not.toContain('stammis_session=')
  })

  it('refuses a sign-in posted without the form token (login CSRF)', async () => {
    const site = await createTestSite()
    const response = await postForm('/admin/sign-in', { name: 'Maria', key: site.secretKey })
    expect(response.status).toBe(403)
    expect(response.headers.get('set-cookie') ?? '').not.toContain('stammis_session=')
  })

  it('reads at most 8 KB of the form: a form of exactly 8 KB signs in, one byte more is refused', async () => {
    const site = await createTestSite()
    const { token, cookie } = await signInForm()
    const form = (size: number) => {
      const fields = new URLSearchParams({
        _csrf: token,
        name: 'Maria',
        key: site.secretKey,
        note: '',
      }).toString()
      return fields + 'x'.repeat(size - fields.length)
    }
    const post = (body: string) =>
      SELF.fetch('https://worker.test/admin/sign-in', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'cf-connecting-ip': `cap-${body.length}`,
          cookie,
        },
        body,
        redirect: 'manual',
      })
    const atCap = await post(form(SIGN_IN_MAX_BODY_BYTES))
    expect(atCap.status).toBe(303)
    expect(atCap.headers.get('set-cookie')).toContain('stammis_session=')

    const over = await post(form(SIGN_IN_MAX_BODY_BYTES + 1))
    expect(over.status).toBe(413)
    expect(await over.text()).toContain('The form was too large')
    expect(over.headers.get('set-cookie') ?? '').not.toContain('stammis_session=')
  })

  it('needs a name, for the audit log', async () => {
    const site = await createTestSite()
    const { token, cookie } = await signInForm()
    const response = await postForm(
      '/admin/sign-in',
      { _csrf: token, name: ' ', key: site.secretKey },
      cookie,
    )
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('Enter your name')
  })

  it('signs out: the session is gone and the cookie cleared', async () => {
    const site = await createTestSite()
    const session = await signedIn(site)
    const response = await postForm('/admin/sign-out', { _csrf: session.csrf }, session.cookie)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin/sign-in')
    expect(response.headers.get('set-cookie')).toMatch(/stammis_session=;/)
    expect(await findSession(env.DB, session.token, Date.now())).toBeNull()
  })
})

describe('admin pages need a session', () => {
  const pages = ['/admin', '/admin/rules/new', '/admin/preview', '/admin/versions']

  it.each(pages)('%s redirects to sign-in without a session', async (path) => {
    const response = await getPage(path)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin/sign-in')
  })

  it.each(pages)('%s answers with a session, with security headers', async (path) => {
    const site = await createTestSite()
    const session = await signedIn(site)
    const response = await getPage(path, session.cookie)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
  })

  it('an expired session redirects to sign-in and a form posted with it changes nothing', async () => {
    const site = await createTestSite()
    const session = await signedIn(site)
    await expireSession(env.DB, session.token, Date.now())
    const page = await getPage('/admin', session.cookie)
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/admin/sign-in?expired=1')
    const post = await postForm(
      '/admin/rules',
      { _csrf: session.csrf, ...ruleFields() },
      session.cookie,
    )
    expect(post.status).toBe(303)
    expect(post.headers.get('location')).toBe('/admin/sign-in?expired=1')
    expect(await savedRules(site)).toBeNull()
    const signIn = await getPage('/admin/sign-in?expired=1')
    expect(await signIn.text()).toContain('Your session has expired')
  })

  it("an unknown cookie is treated as no session, not as another site's", async () => {
    const response = await getPage('/admin', 'stammis_session=forged')
    expect(response.status).toBe(303)
  })
})

describe('CSRF: every form that changes something needs the session token', () => {
  const forms: [string, (version: number) => [string, Record<string, string | string[]>]][] = [
    ['save a rule', () => ['/admin/rules', ruleFields()]],
    ['pause a rule', () => ['/admin/rules/live-rule/status', { status: 'paused' }]],
    ['delete a rule', () => ['/admin/rules/live-rule/delete', {}]],
    ['publish', () => ['/admin/publish', { note: 'sneaky' }]],
    ['roll back', (version) => [`/admin/versions/${version}/rollback`, {}]],
    ['sign out', () => ['/admin/sign-out', {}]],
    [
      'create a preview link',
      () => ['/admin/preview/link', { segment: 'repeat', url: 'https://shop.example/' }],
    ],
  ]
  for (const csrf of [null, 'wrong-token']) {
    it.each(forms)(
      `refuses "%s" ${csrf ? 'with a wrong' : 'without a'} token and changes nothing`,
      async (_name, form) => {
        const site = await createTestSite()
        const version = await publishRules(site, [
          {
            id: 'live-rule',
            slot: 'hero',
            priority: 1,
            status: 'live',
            content: { type: 'text', value: 'Hi' },
          },
        ])
        const session = await signedIn(site)
        const [path, fields] = form(version)
        const response = await postForm(
          path,
          csrf ? { ...fields, _csrf: csrf } : fields,
          session.cookie,
        )
        expect(response.status).toBe(403)
        expect(await response.text()).toContain('nothing was changed')
        expect(await savedRules(site)).toBeNull()
        expect(await countRows('rulesets', site.siteId)).toBe(1)
        expect(await findSession(env.DB, session.token, Date.now())).not.toBeNull()
      },
    )
  }
})
