import { describe, expect, it } from 'vitest'
import { allTables } from '../../test/privacy-data'

/**
 * D1's tables, none of which export or erase touches, and why. D1 is the control plane (the shop,
 * its rules, sessions): it holds no visitor. Visitor history lives in each site's ledger
 * (`src/ledger/privacy.ts` erases it there). The history tables below are what D1 held before the
 * ledger: the worker no longer reads or writes them; they stay, read only, so that
 * `pnpm stammis storage migrate` can copy a deployment's history into the ledgers (a migration
 * never drops them). Rows still in them after that copy are the operator's to clear.
 */
const D1_TABLES: Record<string, string> = {
  sites: 'the shop itself',
  rulesets: 'published rules',
  rule_workspaces: 'the editor working copy',
  admin_sessions: 'signed-in admins of the shop',
  site_hostnames: "the shop's edge hostnames, no visitor",
  moment_destinations: "the shop's URLs for lifecycle moments, no visitor",
  // These two name customers (by the id the shop gave): the customer erase route clears them
  // through the moments domain (`eraseCustomerDeliveries`), outside the ledger.
  moment_deliveries: "lifecycle moments sent to the shop's email tool; erased with the customer",
  moment_dead_letters: 'moments whose delivery failed for good; erased with the customer',
  prediction_fits:
    'fitted model parameters and the CLV percentiles of all customers together, no id (an erased customer leaves them until the next daily refit)',
}

/** D1's history tables from before the ledger: read only, for `storage migrate`. */
const D1_HISTORY_TABLES = [
  'visitors',
  'visits',
  'events',
  'orders',
  'exposures',
  'offer_redemptions',
  'daily_segment_stats',
  'daily_segment_visitors',
  'webhook_deliveries',
  'bot_requests',
  'site_daily_writes',
] as const

describe("D1's tables", () => {
  it('are the control plane or the read-only history from before the ledger, nothing else', async () => {
    const known = new Set<string>([...Object.keys(D1_TABLES), ...D1_HISTORY_TABLES])
    expect(
      (await allTables()).filter((table) => !known.has(table)),
      'a new D1 table: visitor data belongs in the ledger (src/ledger/schema.ts); else list it in D1_TABLES',
    ).toEqual([])
  })
})
