// `stammis import` against a real worker (wrangler dev, demo site sk_demo, UTC, USD), with files
// written to a temporary folder. Profiles are read the way a shop sees them: a customer signs in on
// a new device (identify) and the worker answers with what it knows. Run with `node --test cli/`
// from packages/worker.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startLocalWorker, freePort } from '../../../scripts/local-worker.mjs'
import {
  cdnowCustomers,
  classify,
  createIdentitySecret,
  profileAfterIdentify,
} from '../bench/import-check.mjs'

const workerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const tsx = join(workerDir, 'node_modules/.bin/tsx')
const cdnowMaster = resolve(workerDir, 'test/fixtures/cdnow/CDNOW_master.txt')

// A Shopify order export: one row per line item, only an order's first row has its totals;
// quoted fields with commas, doubled quotes and a line break; CRLF line ends.
const shopifyCsv =
  [
    'Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price',
    '#1001,kim@shop.example,paid,2026-01-15 10:24:00 +0100,USD,59.90,0.00,0.00,59.90,,0.00,2026-01-15 10:23:45 +0100,1,"Mug, large",39.90',
    '#1001,kim@shop.example,,,,,,,,,,,1,"Poster ""Blue""",20.00',
    '#1002,kim@shop.example,paid,,USD,20.00,0.00,0.00,20.00,WELCOME,5.00,2026-01-15 18:00:00 +0100,1,Socks,25.00',
    '#1003,Kim@Shop.Example,paid,,USD,35.50,0.00,0.00,35.50,,0.00,2026-02-03 09:00:00 +0100,1,"Gift card',
    'with a note",35.50',
    '#1004,lee@shop.example,paid,,USD,10.00,0.00,0.00,10.00,,0.00,2026-03-01 12:00:00 -0500,1,Pen,4.00',
    '#1004,lee@shop.example,,,,,,,,,,,2,Pencil,3.00',
  ].join('\r\n') + '\r\n'

// A WooCommerce export (legacy column names): dates in the shop's local time, no offset.
const wooCsv = `Order ID,Order Number,Order Date,Order Status,Billing First Name,Billing Email,Customer User,Order Currency,Order Total,Cart Discount
501,501,2026-02-10 23:30:00,completed,Ana,ana@woo.example,7,USD,42.00,0
502,502,2026-02-11 09:00:00,completed,Ana,ana@woo.example,7,USD,8.00,2.00
503,503,2026-02-20 10:00:00,completed,Ben,ben@woo.example,0,USD,15.00,0
`

describe('stammis import', () => {
  let worker
  let dir
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stammis-import-'))
    worker = await startLocalWorker({ port: await freePort(), rulesFile: null })
  })
  after(async () => {
    await worker?.stop()
    rmSync(dir, { recursive: true, force: true })
    if (worker) rmSync(worker.persistTo, { recursive: true, force: true })
  })

  /** Runs the CLI as a user would, from `dir`; resolves with the exit code and output. */
  function stammis(args, env = {}) {
    const fullEnv = {
      ...process.env,
      STAMMIS_ENDPOINT: worker.url,
      STAMMIS_SECRET_KEY: 'sk_demo',
      INIT_CWD: dir,
      ...env,
    }
    return new Promise((done, fail) => {
      execFile(
        tsx,
        ['cli/stammis.ts', ...args],
        { cwd: workerDir, env: fullEnv },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') return fail(error)
          done({ code: error ? error.code : 0, stdout, stderr })
        },
      )
    })
  }

  function file(name, text) {
    writeFileSync(join(dir, name), text)
    return name
  }

  /** A count from the summary, e.g. count(stdout, 'imported'). */
  function count(stdout, label) {
    const match = new RegExp(`^  ${label}\\s+([\\d,]+)`, 'm').exec(stdout)
    assert.ok(match, `the summary has "${label}":\n${stdout}`)
    return Number(match[1].replaceAll(',', ''))
  }

  // Created once (a second call would replace it), then every check signs with it.
  let identitySecret
  const profile = async (customerId) =>
    profileAfterIdentify(
      worker.url,
      customerId,
      await (identitySecret ??= createIdentitySecret(worker.url)),
    )
  const facts = (p) => ({
    orders: p.orders,
    purchaseVisits: p.purchaseVisits,
    revenue: p.revenue,
    segment: p.segment,
  })

  test('imports a Shopify export: one order per order, line items skipped, one purchase visit per day', async () => {
    const name = file('orders_export.csv', shopifyCsv)
    const { code, stdout, stderr } = await stammis(['import', name, '--preset', 'shopify'])
    assert.equal(code, 0, stderr)
    assert.deepEqual(
      ['rows read', 'imported', 'duplicates', 'line items', 'rejected'].map((label) =>
        count(stdout, label),
      ),
      [6, 4, 0, 2, 0],
    )
    // #1001 and #1002 fall on one day: two purchase visits out of three orders. The email is the
    // customer id, whatever its case.
    assert.deepEqual(facts(await profile('kim@shop.example')), {
      orders: 3,
      purchaseVisits: 2,
      revenue: 115.4,
      segment: 'repeat',
    })
    const lee = await profile('lee@shop.example')
    assert.deepEqual(facts(lee), {
      orders: 1,
      purchaseVisits: 1,
      revenue: 10,
      segment: 'returning',
    })
    assert.equal(lee.lastPurchaseAt, '2026-03-01T17:00:00.000Z')
    assert.match(
      stderr,
      /4\/4 orders: 4 imported/,
      'progress lines on stderr when it is not a terminal',
    )

    const again = await stammis(['import', name, '--preset', 'shopify'])
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(
      [
        count(again.stdout, 'imported'),
        count(again.stdout, 'duplicates'),
        count(again.stdout, 'rejected'),
      ],
      [0, 4, 0],
    )
    assert.deepEqual(facts(await profile('kim@shop.example')), {
      orders: 3,
      purchaseVisits: 2,
      revenue: 115.4,
      segment: 'repeat',
    })
    assert.deepEqual(facts(await profile('lee@shop.example')), facts(lee))
  })

  test('imports a WooCommerce export, reading dates in --time-zone', async () => {
    const name = file('woo.csv', wooCsv)
    const { code, stdout, stderr } = await stammis([
      'import',
      name,
      '--preset',
      'woocommerce',
      '--time-zone',
      'America/New_York',
    ])
    assert.equal(code, 0, stderr)
    assert.deepEqual([count(stdout, 'imported'), count(stdout, 'rejected')], [3, 0])
    // 23:30 in New York on the 10th and 09:00 on the 11th are both the 11th in UTC, the site's zone.
    const ana = await profile('ana@woo.example')
    assert.deepEqual(facts(ana), {
      orders: 2,
      purchaseVisits: 1,
      revenue: 50,
      segment: 'returning',
    })
    assert.equal(ana.lastPurchaseAt, '2026-02-11T14:00:00.000Z')
    assert.deepEqual(facts(await profile('ben@woo.example')), {
      orders: 1,
      purchaseVisits: 1,
      revenue: 15,
      segment: 'returning',
    })
  })

  test('rejects bad rows with their line numbers and reasons, and keeps the good ones', async () => {
    const name = file(
      'mixed.csv',
      [
        'Order ID,Customer ID,Revenue,Currency,Placed at',
        'M-1,mixed-1,10.00,USD,2026-01-05T10:00:00Z',
        'M-2,mixed-1,-5.00,USD,2026-01-06T10:00:00Z',
        'M-3,mixed-1,12.00,USD,yesterday',
        'M-4,mixed-1,7.50,USD,2026-01-07',
        'M-5,,3.00,USD,2026-01-08T10:00:00Z',
        'M-6,mixed-1,1.00,EURO,2026-01-09T10:00:00Z',
        'M-7,mixed-1,abc,USD,2026-02-30',
        '',
      ].join('\n'),
    )
    const { code, stdout, stderr } = await stammis(['import', name, '--rejects', 'rejects.csv'])
    assert.equal(code, 0, stderr)
    assert.deepEqual(
      [count(stdout, 'rows read'), count(stdout, 'imported'), count(stdout, 'rejected')],
      [7, 2, 5],
    )
    assert.match(stdout, /line 3: Revenue \(revenue\): Too small.*\(got "-5\.00"\)/)
    assert.match(stdout, /line 4: Placed at \(placedAt\): "yesterday" is not a date/)
    assert.match(
      stdout,
      /line 6: Customer ID \(customerId\): empty: every order needs a customer id/,
    )
    assert.match(stdout, /line 7: Currency \(currency\): .*\(got "EURO"\)/)
    assert.match(
      stdout,
      /line 8: Revenue \(revenue\): "abc" is not a number; Placed at \(placedAt\): "2026-02-30" is not a date/,
    )
    const rejects = readFileSync(join(dir, 'rejects.csv'), 'utf8').trim().split('\n')
    assert.equal(rejects[0], 'line,reason,Order ID,Customer ID,Revenue,Currency,Placed at')
    assert.deepEqual(
      rejects.slice(1).map((row) => row.split(',')[0]),
      ['3', '4', '6', '7', '8'],
    )
    assert.deepEqual(facts(await profile('mixed-1')), {
      orders: 2,
      purchaseVisits: 2,
      revenue: 17.5,
      segment: 'repeat',
    })

    // Past 50 rejected rows the summary counts the rest.
    const many = file(
      'many-bad.csv',
      [
        'orderId,customerId,revenue,placedAt',
        ...Array.from({ length: 60 }, (_, i) => `B-${i},bad,x,2026-01-01`),
      ].join('\n'),
    )
    const dry = await stammis(['import', many, '--dry-run'])
    assert.equal(dry.code, 0, dry.stderr)
    assert.equal(count(dry.stdout, 'rejected'), 60)
    assert.match(dry.stdout, /and 10 more \(--rejects FILE writes them all\)/)
  })

  test('refuses a file whose header lacks the needed columns before sending anything', async () => {
    const name = file('not-shopify.csv', 'Order,Email,Amount\n#2001,header@shop.example,10.00\n')
    const { code, stdout, stderr } = await stammis(['import', name, '--preset', 'shopify'])
    assert.equal(code, 2)
    assert.equal(stdout, '')
    assert.match(
      stderr,
      /lacks the columns for orderId \("Name"\), revenue \("Total"\), placedAt \("Created at"\); nothing was imported/,
    )
    assert.match(stderr, /Columns found \(comma-separated\): "Order", "Email", "Amount"/)
    // Even with a row that --map makes valid, a missing mapped column is refused just the same.
    const mapped = await stammis([
      'import',
      name,
      '--map',
      'orderId=Order,customerId=Email,revenue=Amount,placedAt=Date',
    ])
    assert.equal(mapped.code, 2)
    assert.match(mapped.stderr, /placedAt \("Date"\)/)
    assert.equal((await profile('header@shop.example')).orders, 0)
  })

  test('--dry-run reads and checks everything and sends nothing', async () => {
    const name = file(
      'dry.csv',
      'orderId,customerId,revenue,currency,placedAt\nD-1,dry-1,5,USD,2026-01-01T10:00:00Z\nD-2,dry-1,6,USD,2026-01-02T10:00:00Z\nD-2,dry-1,6,USD,2026-01-02T10:00:00Z\n',
    )
    const { code, stdout, stderr } = await stammis(['import', name, '--dry-run'], {
      STAMMIS_SECRET_KEY: '',
    })
    assert.equal(code, 0, stderr)
    assert.match(stdout, /nothing was sent/)
    assert.deepEqual(
      [count(stdout, 'would import'), count(stdout, 'duplicates'), count(stdout, 'rejected')],
      [2, 1, 0],
    )
    assert.equal((await profile('dry-1')).orders, 0)
  })

  test('bad usage, a missing file and a refused key exit 2, 2 and 1', async () => {
    const cases = [
      [['import'], 2, /give the file to import/],
      [
        ['import', 'x.csv', '--preset', 'magento'],
        2,
        /--preset must be one of shopify, woocommerce, cdnow/,
      ],
      [['import', 'x.csv', '--batch', '5000'], 2, /--batch must be a whole number from 1 to 1000/],
      [['import', 'x.csv', '--map', 'price=Total'], 2, /--map takes field=Column pairs/],
      [
        ['import', 'x.csv', '--time-zone', 'Mars/Olympus'],
        2,
        /--time-zone must be an IANA time zone/,
      ],
      [['import', 'missing.csv'], 2, /cannot read missing.csv: no such file/],
    ]
    for (const [args, exitCode, message] of cases) {
      const { code, stderr } = await stammis(args)
      assert.equal(code, exitCode, `${args.join(' ')}: ${stderr}`)
      assert.match(stderr, message)
    }
    const name = file(
      'refused.csv',
      'orderId,customerId,revenue,placedAt\nR-1,refused-1,5,2026-01-01\n',
    )
    const refused = await stammis(['import', name], { STAMMIS_SECRET_KEY: 'sk_wrong' })
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /the secret key was refused/)
  })

  test('classification after importing CDNOW data matches a computation from the same file', async () => {
    // The first 600 orders of the data set (150 customers), checked customer by customer.
    const lines = []
    for await (const line of createInterface({
      input: createReadStream(cdnowMaster, 'utf8'),
      crlfDelay: Infinity,
    })) {
      lines.push(line)
      if (lines.length === 601) break
    }
    const name = file('cdnow-600.txt', `${lines.join('\r\n')}\r\n`)
    const { code, stdout, stderr } = await stammis([
      'import',
      name,
      '--preset',
      'cdnow',
      '--batch',
      '250',
    ])
    assert.equal(code, 0, stderr)
    assert.deepEqual([count(stdout, 'imported'), count(stdout, 'rejected')], [600, 0])

    const expected = await cdnowCustomers(join(dir, name))
    assert.equal(expected.size, 150)
    const segments = new Set()
    for (const customer of expected.values()) {
      const actual = facts(await profile(customer.id))
      segments.add(actual.segment)
      assert.deepEqual(
        actual,
        {
          orders: customer.orders,
          purchaseVisits: customer.days.size,
          revenue: customer.revenue,
          segment: classify(customer.days.size),
        },
        `customer ${customer.id}`,
      )
    }
    assert.deepEqual([...segments].sort(), ['repeat', 'returning'])
  })

  test('the CSV reader gives the same records whatever the chunk boundaries', async () => {
    const text = '\ufeffa,"b ""q"", c",d\r\n"multi\r\nline",,"" \r\n\r\nlast,"x"\n"open'
    const script = `
      import { csvRecords } from './cli/import-csv.ts'
      const text = ${JSON.stringify(text)}
      const read = async (chunks) => { const out = []; for await (const r of csvRecords(chunks)) out.push(r); return JSON.stringify(out) }
      const whole = await read([text])
      for (let size = 1; size < text.length; size++) {
        const chunks = []
        for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size))
        if (await read(chunks) !== whole) throw new Error('chunks of ' + size + ' differ: ' + await read(chunks))
      }
      console.log(whole)
    `
    const stdout = await new Promise((done, fail) =>
      execFile(tsx, ['--input-type=module', '-e', script], { cwd: workerDir }, (error, out, err) =>
        error ? fail(new Error(err)) : done(out),
      ),
    )
    assert.deepEqual(JSON.parse(stdout), [
      { line: 1, fields: ['a', 'b "q", c', 'd'] },
      { line: 2, fields: ['multi\r\nline', '', ' '] },
      { line: 5, fields: ['last', 'x'] },
      { line: 6, fields: ['open'], problem: 'a quoted field opened on line 6 is never closed' },
    ])
  })
})
