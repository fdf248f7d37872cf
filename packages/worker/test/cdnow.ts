// Reads the CDNOW fixture files (test/fixtures/cdnow/) as orders, for the prediction models'
// tests and `pnpm bench:predictions`. Tests import the text with Vite's `?raw`; the bench reads it
// from disk.

import type { OrderRow } from '../src/predictions/model/summary'

/**
 * Orders from CDNOW_master.txt (`customer_id date number_of_cds dollar_value`, one header line)
 * or CDNOW_sample.txt (`customer_id sample_id date number_of_cds dollar_value`, no header). Sample
 * customers are named by their sample id (0001–2357), as in the published calibration summary.
 * @example parseCdnow(' 00004 0001 19970101  2   29.33\r\n', 'sample') // [{ customerId: '0001', day: '1997-01-01', revenue: 29.33 }]
 */
export function parseCdnow(text: string, layout: 'master' | 'sample'): OrderRow[] {
  const orders: OrderRow[] = []
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/)
    if (fields.length < 4 || !/^\d+$/.test(fields[0]!)) continue // blank lines, the master's header
    const [customerId, date, dollars] =
      layout === 'master'
        ? [fields[0]!, fields[1]!, fields[3]!]
        : [fields[1]!, fields[2]!, fields[4]!]
    orders.push({
      customerId,
      day: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
      revenue: Number(dollars),
    })
  }
  return orders
}
