import { describe, expect, it } from 'vitest'
import { Table, type Column } from './table'

type Row = { name: string; count: number; note?: string }

const rows: Row[] = [
  { name: 'a<b', count: 3, note: 'x' },
  { name: 'c', count: 12 },
]

async function render(node: unknown): Promise<string> {
  return String(await node)
}

describe('Table', () => {
  it('renders headers, rows, figures right-aligned and every hook the pages rely on', async () => {
    const columns: Column<Row>[] = [
      { header: 'Name', isRowHeader: true, cell: (row) => row.name },
      { header: 'Count', isNumeric: true, metric: 'count', cell: (row) => row.count },
      {
        header: '',
        class: 'small',
        cell: (row) => row.note ?? '',
        cellAttributes: (row) => (row.note ? { 'data-note': row.note } : { class: 'none' }),
      },
    ]
    const html = await render(
      Table({
        class: 'compact',
        id: 't',
        describedBy: 'about-t',
        columns,
        rows,
        rowAttributes: (row) => ({ 'data-row': row.name }),
      }),
    )
    expect(html).toBe(
      '<table class="compact" id="t" aria-describedby="about-t">' +
        '<thead><tr><th>Name</th><th class="num">Count</th><th></th></tr></thead><tbody>' +
        '<tr data-row="a&lt;b"><th scope="row">a&lt;b</th><td class="num" data-metric="count">3</td><td class="small" data-note="x">x</td></tr>' +
        '<tr data-row="c"><th scope="row">c</th><td class="num" data-metric="count">12</td><td class="none"></td></tr>' +
        '</tbody></table>',
    )
  })

  it('renders a header and an empty body when there are no rows', async () => {
    const html = await render(
      Table<Row>({ columns: [{ header: 'Name', cell: (row) => row.name }], rows: [] }),
    )
    expect(html).toBe('<table><thead><tr><th>Name</th></tr></thead><tbody></tbody></table>')
  })
})
