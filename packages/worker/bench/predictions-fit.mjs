// `pnpm bench:predictions`: how long fitting the prediction models takes on CDNOW's 23,570
// customers (test/fixtures/cdnow/CDNOW_master.txt), in Node (the same V8 as workerd). Fits as of
// 1997-09-30 (the papers' calibration end; every customer had bought by 1997-03-31) and as of
// 1998-06-30 (the whole period), each RUNS times: the first run is cold (JIT not yet warm), the
// median is over the others. Also the per-customer figures (customerFigures) for every customer.
// The same fit timed inside workerd is logged by src/predictions/model/cdnow.test.ts.
// Run with tsx, which loads the TypeScript sources: node --import tsx bench/predictions-fit.mjs
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseCdnow } from '../test/cdnow.ts'
import {
  customerFigures,
  fitPredictionModels,
  summarizeOrders,
} from '../src/predictions/model/index.ts'

const RUNS = Number(process.env.PREDICTIONS_BENCH_RUNS ?? 7)
/** The default CPU limit of one Workers invocation (Workers Paid; cron included), in ms. */
const DEFAULT_CPU_LIMIT_MS = 30_000

const workerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const text = readFileSync(resolve(workerDir, 'test/fixtures/cdnow/CDNOW_master.txt'), 'utf8')

const parseStarted = performance.now()
const orders = parseCdnow(text, 'master')
const parseMs = performance.now() - parseStarted
console.log(
  `CDNOW master: ${orders.length.toLocaleString('en-US')} orders, parsed in ${parseMs.toFixed(0)} ms (${cpus().length} CPUs, Node ${process.version}, ${RUNS} runs each)\n`,
)

for (const asOf of ['1997-09-30', '1998-06-30']) {
  const runs = []
  let fit
  let summary
  for (let run = 0; run < RUNS; run++) {
    const cpuStarted = process.cpuUsage()
    const started = performance.now()
    summary = summarizeOrders(orders, asOf)
    const summarized = performance.now()
    fit = fitPredictionModels(summary)
    const fitted = performance.now()
    const cpu = process.cpuUsage(cpuStarted)
    runs.push({
      summaryMs: summarized - started,
      fitMs: fitted - summarized,
      totalMs: fitted - started,
      cpuMs: (cpu.user + cpu.system) / 1000,
    })
  }
  const warm = runs.slice(1)
  const median = (key) => warm.map((r) => r[key]).sort((p, q) => p - q)[Math.floor(warm.length / 2)]
  const { r, alpha, a, b, logLikelihood } = fit.bgnbd
  const { p, q, gamma, customers: repeatCustomers } = fit.gammaGamma
  console.log(`As of ${asOf}: ${fit.customers.toLocaleString('en-US')} customers`)
  console.log(
    `  BG/NBD       r ${r.toFixed(4)}  α ${alpha.toFixed(4)}  a ${a.toFixed(4)}  b ${b.toFixed(4)}  LL ${logLikelihood.toFixed(1)}  converged ${fit.bgnbd.converged}`,
  )
  console.log(
    `  Gamma-Gamma  p ${p.toFixed(3)}  q ${q.toFixed(3)}  γ ${gamma.toFixed(3)}  on ${repeatCustomers.toLocaleString('en-US')} repeat customers  converged ${fit.gammaGamma.converged}`,
  )
  console.log(
    `  cold run:    summary ${runs[0].summaryMs.toFixed(0)} ms + fit ${runs[0].fitMs.toFixed(0)} ms = ${runs[0].totalMs.toFixed(0)} ms wall, ${runs[0].cpuMs.toFixed(0)} ms CPU`,
  )
  console.log(
    `  warm median: summary ${median('summaryMs').toFixed(0)} ms + fit ${median('fitMs').toFixed(0)} ms = ${median('totalMs').toFixed(0)} ms wall, ${median('cpuMs').toFixed(0)} ms CPU`,
  )
  console.log(
    `  the cold run's CPU time is ${((100 * runs[0].cpuMs) / DEFAULT_CPU_LIMIT_MS).toFixed(1)}% of the default 30 s CPU limit of one invocation\n`,
  )

  for (const yearlyDiscountRate of [0, 0.1]) {
    const started = performance.now()
    let clvSum = 0
    for (const customer of summary.customers) {
      clvSum += customerFigures({ bgnbd: fit.bgnbd, gammaGamma: fit.gammaGamma }, customer, {
        asOf,
        horizonWeeks: 52,
        yearlyDiscountRate,
      }).clv
    }
    const microseconds = ((performance.now() - started) * 1000) / summary.customers.length
    console.log(
      `  customerFigures, 52 weeks, discount ${yearlyDiscountRate * 100}%: ${microseconds.toFixed(1)} µs per customer (sum of CLV ${clvSum.toFixed(0)})`,
    )
  }
  console.log()
}
