// What every bench scenario shares: a load run that keeps each 2xx answer's latency at full
// precision (autocannon's own histogram rounds to whole milliseconds), and the figures made from
// it. run.mjs, token.mjs, edge.mjs and isolation.mjs load through `loadWithLatencies`.
import os from 'node:os'
import autocannon from 'autocannon'

/**
 * Runs autocannon with `options` and returns its result with the requests per second and the p50
 * and p99 latency (ms) of the 2xx answers (and those latencies, sorted).
 * @example const { result, requestsPerSecond, p50, p99 } = await loadWithLatencies({ url, connections: 10, duration: 10 })
 */
export async function loadWithLatencies(options) {
  const latencies = []
  const instance = autocannon(options)
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime)
  })
  const result = await instance
  latencies.sort((a, b) => a - b)
  return {
    result,
    latencies,
    requestsPerSecond: result.requests.total / result.duration,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  }
}

/** The value at quantile q of sorted numbers (nearest rank), 0 for none. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
}

/** The middle of sorted numbers (the mean of the two middle ones for an even count). */
export function median(sorted) {
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export function round(value, digits) {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** Node version, platform and the cores this process may use (CPU affinity honoured). */
export function machineDescription() {
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return `Node ${process.version}, ${process.platform}/${process.arch}, ${cores} cores`
}

/**
 * A positive whole number from the environment variable `name` (`fallback` when unset); anything
 * else ends the bench with exit code 2 and says which variable.
 * @example const seconds = positiveEnvInt('BENCH_SECONDS', 10)
 */
export function positiveEnvInt(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench: ${name} must be a positive integer, got "${raw}"`)
    process.exit(2)
  }
  return value
}
