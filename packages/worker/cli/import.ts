import { MAX_ORDERS_PER_IMPORT, type SiteSettings } from '@stammis/contract'
import { createWriteStream, type WriteStream } from 'node:fs'
import { resolve } from 'node:path'
import {
  AdminApiError,
  adminRequest,
  connectionOptions,
  connectionUsage,
  resolveConnection,
  type Connection,
} from './admin-api'
import { CommandError, parseOptions, UsageError } from './args'
import type { Command } from './command'
import { readRecords, type FileRecord } from './import-csv'
import {
  choosePreset,
  findColumns,
  readRow,
  type ColumnMap,
  type Preset,
  type RowOptions,
} from './import-mapping'
import { createProgress, type ImportCounts } from './import-progress'
import { sendBatch } from './import-send'
import { createOrderSorter, type LineOrder } from './import-sort'
import { validateTimeZone } from './site-input'

const usage = `Usage: stammis import FILE [--preset shopify|woocommerce|cdnow] [--map field=Column,...]
                      [--currency USD] [--time-zone UTC] [--dry-run] [--batch 1000]
                      [--rejects FILE] [--endpoint URL] [--key sk_...] [--user NAME]

Imports order history from a CSV file of any size into a site, so its existing customers are
known from day one: each customer's orders count as purchases in past visits, one visit per
calendar day. Every row is checked first; the good ones are sent oldest first, 1,000 a call.
Importing the same file again changes nothing (orders are matched by their id).

  FILE               a CSV file (RFC 4180, with a header line), or CDNOW's text file
  --preset NAME      the columns of a known export:
                       shopify      Name, Email, Total, Currency, Created at (one row per line
                                    item: rows without a Total are the same order's items)
                       woocommerce  Order Number or Order ID, Billing Email or Customer User,
                                    Order Total, Order Currency, Order Date
                       cdnow        CDNOW_master.txt: customer_id date number_of_cds dollar_value
                     without one, the columns are named after the fields (orderId or "Order ID", ...)
  --map PAIRS        which column fills which field, overriding the preset, e.g.
                     --map "customerId=Customer ID,placedAt=Paid at". Fields: orderId, customerId,
                     revenue, currency, placedAt, discount, visitorId
  --currency CODE    for rows without a currency column or value (default USD)
  --time-zone ZONE   the zone of dates written without an offset (default UTC); a date alone
                     is taken at noon
  --dry-run          read and check everything, send nothing; the summary says what would happen
  --batch N          orders per call, 1 to 1000 (default 1000)
  --rejects FILE     write every rejected row (line, reason, the row's columns) to a CSV file
${connectionUsage}

Progress goes to stderr, the summary to stdout: rows read, orders imported, confirmed (and
corrected) and duplicates, and the rejected rows with their line numbers and reasons (the first 50).

Exit status: 0 done (even with rejected rows: they are listed); 1 the worker could not be
reached or refused the key (run the same command again: imported orders count as duplicates);
2 bad options, an unreadable file, or a header without the needed columns (nothing sent).`

const SHOWN_REJECTS = 50

type Options = {
  file: string
  path: string
  preset: Preset
  rows: RowOptions
  isDryRun: boolean
  batchSize: number
  rejectsPath: string | undefined
}
type Reject = { line: number; reason: string; fields: string[] }
type Site = Pick<SiteSettings, 'name' | 'currency' | 'timeZone'>

/**
 * `stammis import FILE`: read, check, sort and send a file of orders through the admin API.
 * @example await importCommand.run(['orders_export.csv', '--preset', 'shopify', '--dry-run'])
 */
export const importCommand: Command = {
  name: 'import',
  summary: 'import order history from a CSV file (Shopify, WooCommerce, CDNOW or any columns)',
  usage,
  async run(argv) {
    const { values, positionals } = parseOptions(
      argv,
      {
        ...connectionOptions,
        preset: { type: 'string' },
        map: { type: 'string' },
        currency: { type: 'string', default: 'USD' },
        'time-zone': { type: 'string', default: 'UTC' },
        'dry-run': { type: 'boolean', default: false },
        batch: { type: 'string', default: String(MAX_ORDERS_PER_IMPORT) },
        rejects: { type: 'string' },
      },
      true,
    )
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0
          ? 'give the file to import, e.g. orders_export.csv'
          : 'give exactly one file',
      )
    const [file] = positionals as [string]
    const cwd = process.env.INIT_CWD ?? process.cwd()
    const options: Options = {
      file,
      path: resolve(cwd, file),
      preset: choosePreset(values.preset, values.map),
      rows: {
        currency: validateCurrency(values.currency),
        timeZone: validateTimeZone(values['time-zone']),
      },
      isDryRun: values['dry-run'],
      batchSize: validateBatch(values.batch),
      rejectsPath: values.rejects === undefined ? undefined : resolve(cwd, values.rejects),
    }
    const connection = options.isDryRun ? undefined : resolveConnection(values, process.env)
    await runImport(options, connection)
  },
}

function validateCurrency(raw: string): string {
  const currency = raw.trim().toUpperCase()
  if (!/^[A-Z]{3}$/.test(currency))
    throw new UsageError(`--currency must be a 3-letter ISO 4217 code like USD (got "${raw}")`)
  return currency
}

function validateBatch(raw: string): number {
  const size = Number(raw)
  if (!Number.isInteger(size) || size < 1 || size > MAX_ORDERS_PER_IMPORT)
    throw new UsageError(
      `--batch must be a whole number from 1 to ${MAX_ORDERS_PER_IMPORT} (got "${raw}")`,
    )
  return size
}

async function runImport(options: Options, connection: Connection | undefined): Promise<void> {
  const started = Date.now()
  const records = readRecords(options.path, options.preset.format)
  const header = await readHeader(records, options.file)
  const columns = findColumns(header.fields, options.preset, options.file)
  // Ask the worker before reading on, so a wrong key or endpoint fails in a second, not after
  // reading a large file.
  const site = connection
    ? await adminRequest<SiteSettings>(connection, 'GET', '/v1/admin/site')
    : undefined

  const counts: ImportCounts = {
    rowsRead: 0,
    orders: 0,
    sent: 0,
    accepted: 0,
    confirmed: 0,
    conflicts: 0,
    duplicates: 0,
    lineItems: 0,
    rejected: 0,
  }
  const rejects = createRejects(options.rejectsPath, header.fields)
  const progress = createProgress(process.stderr, counts, { isDryRun: options.isDryRun })
  const sorter = createOrderSorter()
  let otherCurrency = 0
  try {
    await readOrders(records, columns, options, counts, rejects, async (item) => {
      if (site && item.order.currency !== site.currency) otherCurrency++
      if (!options.isDryRun) await sorter.add(item)
    })
    progress.startSending()
    if (connection) await sendAll(connection, sorter.sorted(), options.batchSize, counts, rejects)
  } catch (error) {
    progress.stop()
    await rejects.close()
    if (!(error instanceof AdminApiError)) throw error
    if (counts.sent > 0) console.log(summary(options, counts, rejects.shown, started, site, true))
    throw new CommandError(
      `${error.message}\n${counts.accepted.toLocaleString('en-US')} of ${counts.orders.toLocaleString('en-US')} orders were imported before it stopped; ` +
        'run the same command again to import the rest (orders already imported count as duplicates).',
      1,
    )
  }
  progress.stop()
  await rejects.close()
  console.log(summary(options, counts, rejects.shown, started, site))
  if (otherCurrency > 0) {
    console.log(
      `Note: ${otherCurrency.toLocaleString('en-US')} orders are in another currency than the site's ${site!.currency}: they count as purchases, not in revenue.`,
    )
  }
}

async function readHeader(records: AsyncGenerator<FileRecord>, file: string): Promise<FileRecord> {
  let first: IteratorResult<FileRecord>
  try {
    first = await records.next()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : (error as Error).message
    throw new CommandError(`cannot read ${file}: ${why}`, 2)
  }
  if (first.done)
    throw new CommandError(
      `${file} is empty: it needs a header line naming its columns; nothing was imported.`,
      2,
    )
  return first.value
}

/**
 * Reads every row after the header. An order's line-item rows (its id, no total) are skipped once
 * a row of the same order with a total is found, before or after them; a row repeating an order
 * already read is a duplicate.
 */
async function readOrders(
  records: AsyncGenerator<FileRecord>,
  columns: ColumnMap,
  options: Options,
  counts: ImportCounts,
  rejects: Rejects,
  keep: (item: LineOrder) => Promise<void>,
): Promise<void> {
  const keptIds = new Set<string>()
  const rejectedIds = new Set<string>()
  // Line-item rows of orders whose row with the total has not come yet.
  const waiting = new Map<string, { first: FileRecord; rows: number }>()
  const settle = (orderId: string) => {
    const rows = waiting.get(orderId)?.rows ?? 0
    counts.lineItems += rows
    waiting.delete(orderId)
  }
  for await (const record of records) {
    counts.rowsRead++
    if (record.problem) {
      rejects.add({ line: record.line, reason: record.problem, fields: record.fields })
      counts.rejected++
      continue
    }
    const reading = readRow(record, columns, options.preset, options.rows)
    if (reading.kind === 'lineItem') {
      if (keptIds.has(reading.orderId) || rejectedIds.has(reading.orderId)) counts.lineItems++
      else {
        const entry = waiting.get(reading.orderId)
        if (entry) entry.rows++
        else waiting.set(reading.orderId, { first: record, rows: 1 })
      }
    } else if (reading.kind === 'rejected') {
      rejects.add({ line: record.line, reason: reading.reason, fields: record.fields })
      counts.rejected++
      if (reading.orderId !== '') {
        rejectedIds.add(reading.orderId)
        settle(reading.orderId)
      }
    } else if (keptIds.has(reading.order.orderId)) {
      counts.duplicates++
    } else {
      keptIds.add(reading.order.orderId)
      settle(reading.order.orderId)
      counts.orders++
      const { order } = reading
      await keep({
        line: record.line,
        order,
        person: order.customerId ?? `visitor:${order.visitorId}`,
        time: Date.parse(order.placedAt),
      })
    }
  }
  const revenue = columns.revenue!.name
  for (const [orderId, { first, rows }] of waiting) {
    rejects.add({
      line: first.line,
      reason: `${revenue} (revenue): empty, and no row of order "${orderId}" has one`,
      fields: first.fields,
    })
    counts.rejected++
    counts.lineItems += rows - 1
  }
}

async function sendAll(
  connection: Connection,
  orders: AsyncGenerator<LineOrder>,
  batchSize: number,
  counts: ImportCounts,
  rejects: Rejects,
): Promise<void> {
  let batch: LineOrder[] = []
  const send = async () => {
    const outcome = await sendBatch(connection, batch)
    counts.sent += batch.length
    counts.accepted += outcome.accepted
    counts.confirmed += outcome.confirmed
    // A worker older than the conflicts count answers without it.
    counts.conflicts += outcome.conflicts ?? 0
    counts.duplicates += outcome.duplicates
    counts.rejected += outcome.rejected.length
    for (const refused of outcome.rejected) rejects.add({ ...refused, fields: [] })
    batch = []
  }
  for await (const item of orders) {
    batch.push(item)
    if (batch.length === batchSize) await send()
  }
  if (batch.length > 0) await send()
}

type Rejects = ReturnType<typeof createRejects>

/** Keeps the first rejected rows for the summary and writes all of them to `--rejects FILE`. */
function createRejects(path: string | undefined, header: string[]) {
  const shown: Reject[] = []
  let out: WriteStream | undefined
  if (path) {
    out = createWriteStream(path, { encoding: 'utf8' })
    out.write(`${csvLine(['line', 'reason', ...header])}\n`)
  }
  return {
    shown,
    add(reject: Reject): void {
      if (shown.length < SHOWN_REJECTS) shown.push(reject)
      out?.write(`${csvLine([String(reject.line), reject.reason, ...reject.fields])}\n`)
    },
    async close(): Promise<void> {
      if (!out) return
      const stream = out
      out = undefined
      await new Promise<void>((done, fail) =>
        stream.end((error?: Error | null) => (error ? fail(error) : done())),
      )
    },
  }
}

function csvLine(fields: string[]): string {
  return fields
    .map((field) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field))
    .join(',')
}

function summary(
  options: Options,
  counts: ImportCounts,
  shown: Reject[],
  started: number,
  site: Site | undefined,
  hasStopped = false,
): string {
  const n = (value: number) => value.toLocaleString('en-US')
  const width = Math.max(
    ...[counts.rowsRead, counts.accepted, counts.orders].map((value) => n(value).length),
  )
  const row = (label: string, value: number, meaning: string) =>
    `  ${label.padEnd(15)}${n(value).padStart(width)}  ${meaning}`
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const lines = options.isDryRun
    ? [
        `Dry run of ${options.file} (${options.preset.name} columns): nothing was sent. Read in ${seconds} s.`,
        row('rows read', counts.rowsRead, 'after the header'),
        row(
          'would import',
          counts.orders,
          'valid orders (those the worker already has will count as duplicates)',
        ),
        row('duplicates', counts.duplicates, 'rows repeating an order of the file'),
      ]
    : [
        `${hasStopped ? 'Stopped importing' : 'Imported'} ${options.file} (${options.preset.name} columns) into ${site ? `"${site.name}"` : 'the site'} ${hasStopped ? 'after' : 'in'} ${seconds} s.`,
        row('rows read', counts.rowsRead, 'after the header'),
        row('imported', counts.accepted, 'new orders stored'),
        row('confirmed', counts.confirmed, 'orders the browser had reported, now verified'),
        ...(counts.conflicts > 0
          ? [
              row(
                'corrected',
                counts.conflicts,
                "orders the browser had reported differently: the file's version replaced them",
              ),
            ]
          : []),
        row('duplicates', counts.duplicates, 'orders already imported, or repeated in the file'),
      ]
  if (counts.lineItems > 0)
    lines.push(row('line items', counts.lineItems, "more rows of an order's line items (skipped)"))
  lines.push(
    row(
      'rejected',
      counts.rejected,
      counts.rejected === 0
        ? 'rows'
        : `rows${options.isDryRun ? ' that would be' : ''} not imported:`,
    ),
  )
  for (const reject of [...shown].sort((a, b) => a.line - b.line))
    lines.push(`    line ${reject.line}: ${reject.reason}`)
  if (counts.rejected > shown.length) {
    lines.push(
      `    and ${n(counts.rejected - shown.length)} more${options.rejectsPath ? ` (all in ${options.rejectsPath})` : ' (--rejects FILE writes them all)'}`,
    )
  } else if (counts.rejected > 0 && options.rejectsPath) {
    lines.push(`    (also written to ${options.rejectsPath})`)
  }
  return lines.join('\n')
}
