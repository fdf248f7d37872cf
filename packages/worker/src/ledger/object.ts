import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'
import { applySchema } from './schema'

/**
 * One site's ledger: a SQLite-backed Durable Object holding the site's visitor history.
 */
export class SiteLedger extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    void ctx.blockConcurrencyWhile(async () => {
      applySchema(ctx.storage)
    })
  }
}
