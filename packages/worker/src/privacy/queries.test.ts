import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { CUSTOMER_ID_TABLES, TABLES_WITHOUT_VISITORS, VISITOR_TABLES } from './queries'
import { allTables } from '../../test/privacy-data'

const ERASED = new Set<string>([
  ...VISITOR_TABLES,
  'visitors',
  'offer_redemptions',
  ...CUSTOMER_ID_TABLES,
])
// Columns that can hold a visitor id, a person id (`c:<customerKey>`) or a redemption holder.
const ID_COLUMNS = ['visitor_id', 'person_id', 'holder', 'customer_id', 'customer_key']

describe('erase covers the schema', () => {
  it('knows every table: erased, or listed with the reason it holds no one', async () => {
    const unknown = (await allTables()).filter(
      (table) => !ERASED.has(table) && !(table in TABLES_WITHOUT_VISITORS),
    )
    expect(
      unknown,
      'a new table: add it to the erase (src/privacy/queries.ts) or to TABLES_WITHOUT_VISITORS',
    ).toEqual([])
  })

  it("erases every table with a column that can hold someone's id", async () => {
    for (const table of await allTables()) {
      const columns = await env.DB.prepare('SELECT name FROM pragma_table_info(?1)')
        .bind(table)
        .all<{ name: string }>()
      const idColumns = columns.results
        .map((column) => column.name)
        .filter((name) => ID_COLUMNS.includes(name))
      if (idColumns.length > 0)
        expect(ERASED.has(table), `${table} has ${idColumns.join(', ')}`).toBe(true)
    }
  })
})
