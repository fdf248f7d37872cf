import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createTestSite } from '../../test/helpers'
import { clearSiteDirectory, forgetSite, SITE_ENTRY_MAX_AGE_MS, siteByPublicKey } from './directory'
import { generateSiteKeys, hashSecretKey } from './keys'
import { insertSite, publicKeyMatches, SITE_COLUMNS, updateSiteSettings } from './queries'
import { rotatePublicKey } from './rotation'

/** D1 reads the directory makes, counted by wrapping the binding's `prepare`. */
function countingDb(): { db: D1Database; reads: () => number } {
  let reads = 0
  const db = new Proxy(env.DB, {
    get(target, property) {
      if (property === 'prepare')
        return (query: string) => {
          reads++
          return target.prepare(query)
        }
      const value = Reflect.get(target, property) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { db, reads: () => reads }
}

describe('site directory', () => {
  it('reads a site once per entry age, and again once the entry is older', async () => {
    clearSiteDirectory()
    const site = await createTestSite()
    const { db, reads } = countingDb()
    const now = Date.now()
    expect((await siteByPublicKey(db, site.publicKey, now))?.id).toBe(site.siteId)
    expect((await siteByPublicKey(db, site.publicKey, now + 1000))?.id).toBe(site.siteId)
    expect(reads()).toBe(1)
    await updateSiteSettings(env.DB, site.siteId, { lapseDays: 30 })
    // Another isolate's change is seen once the entry is SITE_ENTRY_MAX_AGE_MS old.
    expect((await siteByPublicKey(db, site.publicKey, now + 2000))?.lapseDays).toBe(90)
    const later = await siteByPublicKey(db, site.publicKey, now + SITE_ENTRY_MAX_AGE_MS)
    expect(later?.lapseDays).toBe(30)
    expect(reads()).toBe(2)
  })

  it('sees a change made in this isolate at once (forgetSite)', async () => {
    const site = await createTestSite()
    const now = Date.now()
    expect((await siteByPublicKey(env.DB, site.publicKey, now))?.lapseDays).toBe(90)
    await updateSiteSettings(env.DB, site.siteId, { lapseDays: 45 })
    forgetSite(site.siteId)
    expect((await siteByPublicKey(env.DB, site.publicKey, now + 1))?.lapseDays).toBe(45)
  })

  it('does not remember a read that was under way when the site changed here', async () => {
    clearSiteDirectory()
    const site = await createTestSite()
    const { db, reads } = countingDb()
    const now = Date.now()
    // The read goes out before the change and comes back after the forget, with the old settings.
    const underWay = siteByPublicKey(db, site.publicKey, now)
    const change = updateSiteSettings(env.DB, site.siteId, { lapseDays: 60 })
    forgetSite(site.siteId)
    expect((await underWay)?.lapseDays).toBe(90)
    await change
    expect((await siteByPublicKey(db, site.publicKey, now + 1))?.lapseDays).toBe(60)
    expect(reads()).toBe(2)
  })

  it('concurrent misses each read D1: no request waits on another request’s read', async () => {
    clearSiteDirectory()
    const site = await createTestSite()
    const { db, reads } = countingDb()
    const now = Date.now()
    const found = await Promise.all([1, 2, 3].map(() => siteByPublicKey(db, site.publicKey, now)))
    expect(found.map((one) => one?.id)).toEqual([site.siteId, site.siteId, site.siteId])
    expect(reads()).toBe(3)
    // Then the entry serves them all.
    expect((await siteByPublicKey(db, site.publicKey, now + 1))?.id).toBe(site.siteId)
    expect(reads()).toBe(3)
  })

  it('remembers an unknown key, so a flood of made-up keys reads D1 once per key', async () => {
    clearSiteDirectory()
    const { db, reads } = countingDb()
    const keys = generateSiteKeys()
    const now = Date.now()
    for (let i = 0; i < 20; i++)
      expect(await siteByPublicKey(db, keys.publicKey, now + i)).toBe(null)
    expect(reads()).toBe(1)
    // A key that comes into use later is found once the negative entry is old enough.
    await insertSite(
      env.DB,
      {
        id: keys.siteId,
        name: 'Late shop',
        publicKey: keys.publicKey,
        secretKeyHash: await hashSecretKey(keys.secretKey),
        codeSecret: keys.codeSecret,
        allowedOrigins: [],
        currency: 'USD',
        lapseDays: 90,
      },
      now,
    )
    expect(await siteByPublicKey(db, keys.publicKey, now + 100)).toBe(null)
    const found = await siteByPublicKey(db, keys.publicKey, now + SITE_ENTRY_MAX_AGE_MS)
    expect(found?.id).toBe(keys.siteId)
  })

  it('serves a replaced key until its grace period ends, never after', async () => {
    const site = await createTestSite()
    const now = Date.now()
    const rotation = await rotatePublicKey(env.DB, site.siteId, now)
    forgetSite(site.siteId)
    const validUntil = Date.parse(rotation!.previousKeyValidUntil)
    expect((await siteByPublicKey(env.DB, site.publicKey, now))?.id).toBe(site.siteId)
    expect((await siteByPublicKey(env.DB, site.publicKey, validUntil - 1))?.id).toBe(site.siteId)
    expect(await siteByPublicKey(env.DB, site.publicKey, validUntil)).toBe(null)
    expect((await siteByPublicKey(env.DB, rotation!.publicKey, validUntil))?.id).toBe(site.siteId)
  })

  it('finds a site by either key through an index, scanning no table', async () => {
    const rows = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT ${SITE_COLUMNS} FROM sites s WHERE ${publicKeyMatches('?1', '?2')}`,
    )
      .bind('pk_x', Date.now())
      .all<{ detail: string }>()
    const steps = rows.results.map((row) => row.detail)
    expect(steps.some((step) => /SCAN (s|sites)\b/.test(step))).toBe(false)
    expect(steps).toContain('MULTI-INDEX OR')
    expect(steps.some((step) => step.includes('sites_by_previous_public_key'))).toBe(true)
  })
})
