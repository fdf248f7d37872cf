// Attack (a race anyone with admin access can provoke): two publishes race for one version number.
// The loser is told 409 publish_conflict, "nothing of it goes live", yet today it has already
// written its rules to KV under the version the winner took in D1, so decide serves the refused
// rules. Whatever the interleaving, decide must serve exactly what D1 says is live.
import { env } from 'cloudflare:test'
import type { DecideResponse, Rule } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/env'
import { publishRuleset } from '../../src/rules/store'
import { adminFetch, createTestSite, postJson } from '../helpers'

const rule = (text: string): Rule => ({
  id: 'hero',
  slot: 'hero',
  priority: 0,
  status: 'live',
  when: {},
  holdoutPercent: 0,
  content: { type: 'text', value: text },
})

/**
 * The real D1 binding, except that right after the first statement this publish runs, `competitor`
 * (another publish, against the real bindings) runs to completion: the race, made deterministic.
 */
function withCompetitorAfterFirstQuery(
  db: D1Database,
  competitor: () => Promise<unknown>,
): D1Database {
  let hasRaced = false
  const race = async <T>(result: T): Promise<T> => {
    if (!hasRaced) {
      hasRaced = true
      await competitor()
    }
    return result
  }
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === 'bind')
          return (...values: unknown[]) => wrapStatement(target.bind(...values))
        if (
          property === 'first' ||
          property === 'run' ||
          property === 'all' ||
          property === 'raw'
        ) {
          return async (...args: unknown[]) =>
            race(
              await (target[property] as (...a: unknown[]) => Promise<unknown>).apply(target, args),
            )
        }
        const value = Reflect.get(target, property) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => wrapStatement(target.prepare(sql))
      if (property === 'batch')
        return async (statements: D1PreparedStatement[]) => race(await target.batch(statements))
      const value = Reflect.get(target, property) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('abuse: a publish that loses a race', () => {
  it('is never what decide serves', async () => {
    const site = await createTestSite()
    const racing: Env = {
      ...env,
      DB: withCompetitorAfterFirstQuery(env.DB, () =>
        publishRuleset(env, site.siteId, [rule('winner')], Date.now()),
      ),
    }
    const outcome = await publishRuleset(racing, site.siteId, [rule('loser')], Date.now()).then(
      () => 'published',
      (error: { code?: string }) => error.code,
    )

    const live = (await (await adminFetch('/v1/admin/rules', site.secretKey)).json()) as {
      rules: Rule[]
    }
    const liveText = live.rules[0]?.content?.value
    if (outcome === 'publish_conflict') expect(liveText).toBe('winner')
    const response = await postJson('/v1/decide', {
      site: site.publicKey,
      visitorId: 'v',
      visitId: 'v1',
      slots: ['hero'],
    })
    const { decisions } = (await response.json()) as DecideResponse
    expect({ outcome, served: decisions.hero?.content?.value }).toEqual({
      outcome,
      served: liveText,
    })
  })
})
