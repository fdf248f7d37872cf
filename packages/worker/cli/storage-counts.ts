import type { StorageCounts } from '@stammis/contract'

/** One site's rows per table on both sides, after its copy. */
export type SiteCounts = { site: { id: string; name: string }; counts: StorageCounts }

/**
 * Prints the rows per table, D1 beside the ledger. The ledger may hold more (writes since the
 * switch; `people`, which D1 does not have); it must never hold fewer.
 * @example printCounts({ site, counts })
 */
export function printCounts({ site, counts }: SiteCounts): void {
  const tables = [...new Set([...Object.keys(counts.d1), ...Object.keys(counts.ledger)])]
  const n = (value: number | undefined) =>
    value === undefined ? '-' : value.toLocaleString('en-US')
  const rows = tables.map((table) => {
    const d1 = counts.d1[table]
    const ledger = counts.ledger[table]
    const verdict =
      d1 === undefined
        ? '(ledger only)'
        : ledger === undefined || ledger < d1
          ? 'MISMATCH'
          : ledger === d1
            ? 'ok'
            : `ok (+${n(ledger - d1)} since the switch)`
    return [table, n(d1), n(ledger), verdict]
  })
  const header = ['table', 'D1', 'ledger', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()
  console.log(`\n"${site.name}" (${site.id})`)
  console.log(`  ${line(header)}`)
  for (const row of rows) console.log(`  ${line(row)}`)
}

/**
 * The tables where the ledger holds fewer rows than D1 (a copy that missed rows), as text.
 * @example verifyCounts({ site, counts }) // ['site_1 visits: D1 12, ledger 11']
 */
export function verifyCounts({ site, counts }: SiteCounts): string[] {
  return Object.entries(counts.d1)
    .filter(([table, d1]) => (counts.ledger[table] ?? -1) < d1)
    .map(([table, d1]) => `${site.id} ${table}: D1 ${d1}, ledger ${counts.ledger[table] ?? 'none'}`)
}
