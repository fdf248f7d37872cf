import { RulesetInputSchema } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { readBody } from '../http/body'
import { findLatestRuleset } from './queries'
import { publishRuleset } from './store'

/** `/v1/admin/rules`: read and publish the site's rule set (secret key required). */
export const ruleRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const ruleset = await findLatestRuleset(c.env.DB, c.get('site').id)
    return c.json(ruleset ?? { version: 0, publishedAt: null, rules: [] })
  })
  .put('/', async (c) => {
    const { rules } = await readBody(c, RulesetInputSchema)
    const ruleset = await publishRuleset(c.env, c.get('site').id, rules, Date.now())
    return c.json({ version: ruleset.version, publishedAt: ruleset.publishedAt })
  })
