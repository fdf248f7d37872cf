// Attack: flood the public routes. With no rate limit, one script can make a visitor id (or many)
// send as many requests as it likes: each costs D1 work every site shares, and a brute force of
// the sign-in form gets unlimited guesses.
import { describe, expect, it } from 'vitest'
import {
  callWorker,
  countRows,
  createTestSite,
  waitForWindowRoom,
  type ErrorJson,
} from '../helpers'

/** Sends `count` requests, `width` at a time, and returns their answers in order. */
async function flood(
  count: number,
  send: (n: number) => Promise<Response>,
  width = 10,
): Promise<Response[]> {
  const answers: Response[] = []
  for (let start = 0; start < count; start += width) {
    const size = Math.min(width, count - start)
    answers.push(...(await Promise.all(Array.from({ length: size }, (_, i) => send(start + i)))))
  }
  return answers
}

/** The 429 answers must be `rate_limited` with a Retry-After of at most `maxSeconds`. */
async function expectRateLimited(answers: Response[], maxSeconds: number): Promise<Response[]> {
  const limited = answers.filter((answer) => answer.status === 429)
  expect(limited.length, 'some requests are refused with 429').toBeGreaterThan(0)
  for (const answer of limited) {
    expect(((await answer.clone().json()) as ErrorJson).error.code).toBe('rate_limited')
    const retryAfter = Number(answer.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds)
  }
  return limited
}

describe('abuse: flooding the public routes', () => {
  it('cuts off one visitor id sending event batches as fast as it can, storing nothing it refused', async () => {
    const site = await createTestSite()
    await waitForWindowRoom(60, 10_000)
    const answers = await flood(130, (n) =>
      callWorker('/v1/events', {
        body: JSON.stringify({
          site: site.publicKey,
          visitorId: 'flooder',
          visitId: 'flood',
          events: [{ id: `flood-${n}`, type: 'pageview', url: 'https://shop.example/' }],
        }),
      }),
    )
    const limited = await expectRateLimited(answers, 60)
    expect(await countRows('events', site.siteId)).toBe(answers.length - limited.length)
  }, 30_000)

  it('cuts off one visitor id asking decide as fast as it can', async () => {
    const site = await createTestSite()
    await waitForWindowRoom(60, 10_000)
    const answers = await flood(130, () =>
      callWorker('/v1/decide', {
        body: JSON.stringify({
          site: site.publicKey,
          visitorId: 'flooder',
          visitId: 'flood',
          slots: ['hero'],
        }),
      }),
    )
    await expectRateLimited(answers, 60)
  }, 30_000)

  it('cuts off a site flooded with a fresh visitor id on every request', async () => {
    const site = await createTestSite()
    await waitForWindowRoom(10, 7_000)
    // From a page the site does not allow (403 after the site lookup, no ledger call), so that
    // 1,010 requests fit in one 10-second window of the local limiter on a busy machine: the
    // limiter counts every request before any of that, whatever its answer would be.
    const answers = await flood(1_010, (n) =>
      callWorker('/v1/decide', {
        headers: { 'content-type': 'text/plain', origin: 'https://flood.example' },
        body: JSON.stringify({
          site: site.publicKey,
          visitorId: `fresh-${n}`,
          visitId: 'flood',
          slots: ['hero'],
        }),
      }),
    )
    await expectRateLimited(answers, 10)
  }, 30_000)

  it("cuts off a flood of webhook deliveries to one site's URL", async () => {
    const site = await createTestSite()
    await waitForWindowRoom(60, 10_000)
    const answers = await flood(130, () =>
      callWorker(`/v1/webhooks/${site.publicKey}/orders`, {
        headers: {
          'content-type': 'application/json',
          'stammis-timestamp': String(Math.floor(Date.now() / 1000)),
          'stammis-signature': 'v1=00',
        },
        body: JSON.stringify({ orders: [] }),
      }),
    )
    await expectRateLimited(answers, 60)
  }, 30_000)

  it('cuts off a brute force of the sign-in form from one address', async () => {
    await waitForWindowRoom(60, 5_000)
    const answers = await flood(20, (n) =>
      callWorker('/admin/sign-in', {
        // The sign-in form's CSRF check is a double submit: a script sets the cookie and the field alike.
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'cf-connecting-ip': '203.0.113.9',
          cookie: 'stammis_sign_in=guess',
        },
        body: new URLSearchParams({
          _csrf: 'guess',
          name: 'Mallory',
          key: `sk_guess${n}`,
        }).toString(),
      }),
    )
    const limited = answers.filter((answer) => answer.status === 429)
    expect(limited.length, 'some sign-ins are refused with 429').toBeGreaterThan(0)
    for (const answer of limited) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await answer.clone().text()).toContain('Too many sign-in attempts')
    }
  }, 30_000)
})
