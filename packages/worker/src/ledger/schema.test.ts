import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ledgerRows, testLedger } from '../../test/ledger'
import { applySchema, SCHEMA_STEPS, schemaVersion } from './schema'

describe('the ledger schema, versioned and forward-only', () => {
  it('brings a new object to the newest version on first use', async () => {
    const { ledger } = testLedger()
    expect(
      await ledgerRows(ledger, "SELECT value FROM ledger_meta WHERE key = 'schema_version'"),
    ).toEqual([{ value: SCHEMA_STEPS.length }])
  })

  it('applies a later step to an object created at an earlier version, once, keeping its data', async () => {
    const { site, ledger } = testLedger()
    await ledger.recordExposures(
      site,
      [
        {
          ruleId: 'r',
          visitorId: 'v',
          visitId: 's',
          variant: 'treatment',
          rulesetVersion: 1,
          offerCode: null,
        },
      ],
      Date.now(),
    )
    const nextStep = `ALTER TABLE exposures ADD COLUMN test_note TEXT; UPDATE exposures SET test_note = 'migrated'`
    const result = await runInDurableObject(ledger, (_instance, state) => {
      const before = schemaVersion(state.storage)
      const reached = applySchema(state.storage, [...SCHEMA_STEPS, nextStep])
      // Applying the same steps again finds nothing to do.
      applySchema(state.storage, [...SCHEMA_STEPS, nextStep])
      return {
        before,
        reached,
        rows: state.storage.sql.exec('SELECT visitor_id, test_note FROM exposures').toArray(),
      }
    })
    expect(result).toEqual({
      before: SCHEMA_STEPS.length,
      reached: SCHEMA_STEPS.length + 1,
      rows: [{ visitor_id: 'v', test_note: 'migrated' }],
    })
  })

  it('rolls a failing step back whole and stays at the version before it', async () => {
    const { ledger } = testLedger()
    const broken = 'CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1)'
    const outcome = await runInDurableObject(ledger, (_instance, state) => {
      let message = ''
      try {
        applySchema(state.storage, [...SCHEMA_STEPS, broken])
      } catch (error) {
        message = (error as Error).message
      }
      return {
        message,
        version: schemaVersion(state.storage),
        tables: state.storage.sql
          .exec("SELECT name FROM sqlite_master WHERE name = 'half_done'")
          .toArray(),
      }
    })
    expect(outcome.message).toMatch(/no such table/)
    expect(outcome.version).toBe(SCHEMA_STEPS.length)
    expect(outcome.tables).toEqual([])
  })

  it('refuses to run on an object newer than the code', async () => {
    const { ledger } = testLedger()
    await expect(
      runInDurableObject(ledger, (_instance, state) =>
        applySchema(state.storage, SCHEMA_STEPS.slice(0, 0)),
      ),
    ).rejects.toThrow(/newer than this code/)
  })
})
