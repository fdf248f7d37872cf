import type { Child } from 'hono/jsx'

/** One column of a `Table`: its header cell, and each row's cell. */
export type Column<Row> = {
  /** The header cell: a label, or '' above a column of buttons. */
  header: Child
  /** Figures, right-aligned: class "num" on the header and on every cell. */
  isNumeric?: boolean
  /** The class of every cell of the column, after "num" (e.g. 'small', 'actions'). */
  class?: string
  /** `data-metric` of every cell: tests and readers of the page find figures by it. */
  metric?: string
  /** The cell is its row's header (`<th scope="row">`). */
  isRowHeader?: boolean
  /** What a row's cell shows. */
  cell: (row: Row) => Child
  /**
   * More attributes of a row's cell (`data-*`, `style`, `title`). A `class` here replaces the one
   * the column gives, for cells that look different row by row (the cohort table's empty months).
   */
  cellAttributes?: (row: Row) => Record<string, string | undefined>
}

/**
 * The admin's one table: a header row from the columns, then a row per item. Every page that
 * shows a table (rules, versions, preview, the dashboard's segments, offers and cohorts) renders it
 * through here, so they all read, align figures and carry their `data-*` hooks the same way.
 * @example <Table id="versions" columns={[{ header: 'Version', cell: (v) => v.version }]} rows={versions} rowAttributes={(v) => ({ 'data-version': String(v.version) })} />
 */
export function Table<Row>(props: {
  class?: string
  id?: string
  /** The id of the text that explains the table (`aria-describedby`). */
  describedBy?: string
  columns: readonly Column<Row>[]
  rows: readonly Row[]
  /** Attributes of each row's `<tr>`, such as `data-rule`. */
  rowAttributes?: (row: Row) => Record<string, string | undefined>
}) {
  return (
    <table class={props.class} id={props.id} aria-describedby={props.describedBy}>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th class={column.isNumeric ? 'num' : undefined}>{column.header}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr {...props.rowAttributes?.(row)}>
            {props.columns.map((column) => {
              const attributes = {
                class:
                  [column.isNumeric ? 'num' : '', column.class ?? ''].join(' ').trim() || undefined,
                'data-metric': column.metric,
                ...column.cellAttributes?.(row),
              }
              return column.isRowHeader ? (
                <th scope="row" {...attributes}>
                  {column.cell(row)}
                </th>
              ) : (
                <td {...attributes}>{column.cell(row)}</td>
              )
            })}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
