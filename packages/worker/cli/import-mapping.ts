import { ServerOrderSchema, type ServerOrder } from '@stammis/contract'
import { CommandError, UsageError } from './args'
import { parseOrderDate } from './import-dates'
import type { FileFormat } from './import-csv'

/** The fields of an order (`ServerOrderSchema`) that a file's columns can fill. */
export const ORDER_FIELDS = [
  'orderId',
  'customerId',
  'revenue',
  'currency',
  'placedAt',
  'discount',
  'visitorId',
] as const
export type OrderField = (typeof ORDER_FIELDS)[number]

/**
 * How one kind of export is read: its format, and for each field the column names it may have
 * (the first one the header has wins). Names match ignoring case, spaces and punctuation, so
 * "Order ID", "order_id" and "orderid" are the same column.
 */
export type Preset = {
  name: string
  format: FileFormat
  columns: Partial<Record<OrderField, string[]>>
  /** For files without order ids: a stable id made from the row, so a re-import finds it again. */
  synthesizeOrderId?: (row: { line: number; customerId: string; placedAt: string }) => string
}

export const PRESETS: Record<string, Preset> = {
  // Shopify admin > Orders > Export: one row per line item; only an order's first row has Total.
  shopify: {
    name: 'shopify',
    format: 'csv',
    columns: {
      orderId: ['Name'],
      customerId: ['Email'],
      revenue: ['Total'],
      currency: ['Currency'],
      placedAt: ['Created at'],
      discount: ['Discount Amount'],
    },
  },
  // WooCommerce order exports (the Customer/Order CSV Export extension, in its default and
  // legacy column names, and Advanced Order Export's defaults). Dates are the shop's local time.
  woocommerce: {
    name: 'woocommerce',
    format: 'csv',
    columns: {
      orderId: ['Order Number', 'Order ID'],
      customerId: [
        'Billing Email',
        'Customer Email',
        'Email',
        'Customer User',
        'Customer ID',
        'Customer User ID',
      ],
      revenue: ['Order Total', 'Order Total Amount', 'Total'],
      currency: ['Order Currency', 'Currency'],
      placedAt: ['Order Date', 'Date Created', 'Date'],
      discount: ['Cart Discount', 'Cart Discount Amount', 'Discount Total', 'Order Discount'],
    },
  },
  // test/fixtures/cdnow/CDNOW_master.txt: customer_id date(YYYYMMDD) number_of_cds dollar_value.
  cdnow: {
    name: 'cdnow',
    format: 'whitespace',
    columns: { customerId: ['customer_id'], placedAt: ['date'], revenue: ['dollar_value'] },
    synthesizeOrderId: ({ line, customerId, placedAt }) =>
      `cdnow-${customerId}-${placedAt}-${line}`,
  },
}

/** Without a preset: columns named like the fields ("orderId", "order_id", "Order ID", ...). */
const GENERIC: Preset = {
  name: 'generic',
  format: 'csv',
  columns: Object.fromEntries(ORDER_FIELDS.map((field) => [field, [field]])),
}

/**
 * The preset for `--preset` (generic CSV without one), with `--map field=Column,...` applied.
 * @example choosePreset('shopify', 'customerId=Customer ID') // Shopify's columns, customer id from "Customer ID"
 */
export function choosePreset(presetName: string | undefined, map: string | undefined): Preset {
  let preset = GENERIC
  if (presetName !== undefined) {
    const found = PRESETS[presetName.toLowerCase()]
    if (!found)
      throw new UsageError(
        `--preset must be one of ${Object.keys(PRESETS).join(', ')} (got "${presetName}")`,
      )
    preset = found
  }
  if (map === undefined) return preset
  const columns = { ...preset.columns }
  for (const pair of map.split(',')) {
    const match = /^\s*([A-Za-z]+)\s*=(.+)$/.exec(pair)
    const field = ORDER_FIELDS.find(
      (candidate) => candidate.toLowerCase() === match?.[1]?.toLowerCase(),
    )
    if (!match || !field) {
      throw new UsageError(
        `--map takes field=Column pairs separated by commas, the fields being ${ORDER_FIELDS.join(', ')} (got "${pair}")`,
      )
    }
    columns[field] = [match[2]!.trim()]
  }
  return { ...preset, columns }
}

/** Where each field is in a file's rows: the column index, and the column's name for messages. */
export type ColumnMap = { [field in OrderField]?: { index: number; name: string } }

const normalize = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '')

/**
 * Finds the preset's columns in a header. A required field without a column is a `CommandError`
 * (exit 2) naming what is missing and what the header has, raised before any order is sent.
 * Currency may be missing (`--currency` fills it), and so may the order id when the preset makes
 * one up; the customer id may be missing when the visitor id is mapped.
 * @example findColumns(['Name', 'Email', 'Total', 'Currency', 'Created at'], PRESETS.shopify!, 'orders.csv')
 */
export function findColumns(header: string[], preset: Preset, file: string): ColumnMap {
  const byName = new Map<string, number>()
  header.forEach((name, index) => {
    if (!byName.has(normalize(name))) byName.set(normalize(name), index)
  })
  const columns: ColumnMap = {}
  for (const field of ORDER_FIELDS) {
    for (const name of preset.columns[field] ?? []) {
      const index = byName.get(normalize(name))
      if (index !== undefined) {
        columns[field] = { index, name: header[index]!.trim() }
        break
      }
    }
  }
  const required: OrderField[] = ['revenue', 'placedAt']
  if (!preset.synthesizeOrderId) required.unshift('orderId')
  if (!columns.visitorId) required.splice(1, 0, 'customerId')
  const missing = required.filter((field) => !columns[field])
  if (missing.length > 0) {
    const wanted = missing.map(
      (field) =>
        `${field} (${(preset.columns[field] ?? []).map((name) => `"${name}"`).join(' or ') || 'not mapped'})`,
    )
    const found = header.length > 0 ? header.map((name) => `"${name}"`).join(', ') : 'none'
    throw new CommandError(
      [
        `${file}: the header lacks the column${missing.length === 1 ? '' : 's'} for ${wanted.join(', ')}; nothing was imported.`,
        `Columns found (${preset.format === 'csv' ? 'comma-separated' : 'whitespace-separated'}): ${found}`,
        `Choose the columns with --map field=Column,... (fields: ${ORDER_FIELDS.join(', ')})${preset.name === 'generic' ? ' or a --preset' : ''}.`,
      ].join('\n'),
      2,
    )
  }
  return columns
}

/** What a row is: an order, an extra line-item row of an order (no total), or rejected. */
export type RowReading =
  | { kind: 'order'; order: ServerOrder }
  | { kind: 'lineItem'; orderId: string }
  | { kind: 'rejected'; orderId: string; reason: string }

export type RowOptions = { currency: string; timeZone: string }

/**
 * Reads one row into an order validated with the shared `ServerOrderSchema`, exactly as the
 * worker will validate it, or the reasons it cannot be one, naming the file's columns.
 * @example readRow({ line: 2, fields: ['#1001', 'kim@example.com', '59.90', 'EUR', '2026-01-15 10:23:45 +0100'] }, columns, preset, { currency: 'USD', timeZone: 'UTC' })
 */
export function readRow(
  record: { line: number; fields: string[] },
  columns: ColumnMap,
  preset: Preset,
  options: RowOptions,
): RowReading {
  const value = (field: OrderField) => {
    const column = columns[field]
    return column ? (record.fields[column.index] ?? '').trim() : ''
  }
  const label = (field: OrderField) =>
    columns[field] ? `${columns[field].name} (${field})` : field
  const reasons: string[] = []

  const rawDate = value('placedAt')
  const customerId = value('customerId')
  const orderId = preset.synthesizeOrderId
    ? preset.synthesizeOrderId({ line: record.line, customerId, placedAt: rawDate })
    : value('orderId')
  const rawRevenue = value('revenue')
  // Line-item rows carry the order's id but not its totals (Shopify): the caller decides.
  if (rawRevenue === '' && orderId !== '') return { kind: 'lineItem', orderId }

  const revenue = parseAmount(rawRevenue)
  if (revenue === null) reasons.push(`${label('revenue')}: "${rawRevenue}" is not a number`)
  const rawDiscount = value('discount')
  const discount = rawDiscount === '' ? undefined : parseAmount(rawDiscount)
  if (discount === null) reasons.push(`${label('discount')}: "${rawDiscount}" is not a number`)
  const placedAt = rawDate === '' ? null : parseOrderDate(rawDate, options.timeZone)
  if (placedAt === null) {
    reasons.push(
      `${label('placedAt')}: ${rawDate === '' ? 'empty' : `"${rawDate}" is not a date like 2026-01-15 10:23:45 +0100`}`,
    )
  }
  const candidate = {
    orderId,
    ...(customerId === '' ? {} : { customerId }),
    ...(value('visitorId') === '' ? {} : { visitorId: value('visitorId') }),
    revenue: revenue ?? 0,
    currency: (value('currency') || options.currency).toUpperCase(),
    placedAt: placedAt === null ? new Date(0).toISOString() : new Date(placedAt).toISOString(),
    ...(discount == null ? {} : { discount }),
  }
  const parsed = ServerOrderSchema.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as OrderField
      const raw =
        field === 'revenue'
          ? rawRevenue
          : field === 'discount'
            ? rawDiscount
            : field === 'currency'
              ? candidate.currency
              : field === 'orderId'
                ? orderId
                : value(field)
      // The customer-or-visitor rule is reported on customerId: say what is actually missing.
      const message =
        raw !== ''
          ? `${issue.message} (got "${raw}")`
          : field === 'customerId'
            ? 'empty: every order needs a customer id'
            : 'empty'
      reasons.push(`${label(field)}: ${message}`)
    }
  }
  if (reasons.length > 0)
    return { kind: 'rejected', orderId, reason: [...new Set(reasons)].join('; ') }
  return { kind: 'order', order: parsed.data! }
}

/** "59.90", "-5", "1,234.50" (thousands separators), or null. */
function parseAmount(raw: string): number | null {
  const plain = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(raw) ? raw.replaceAll(',', '') : raw
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(plain) ? Number(plain) : null
}
