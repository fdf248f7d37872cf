/** The counts an import keeps while it runs; the summary is made from the final ones. */
export type ImportCounts = {
  rowsRead: number
  /** Valid orders found in the file (to be sent). */
  orders: number
  /** Orders sent so far. */
  sent: number
  accepted: number
  confirmed: number
  /** Orders the browser had reported differently: the file's version replaced them. */
  conflicts: number
  duplicates: number
  lineItems: number
  rejected: number
}

/**
 * Progress on stderr: on a terminal, one line redrawn in place with a bar while sending; in a pipe
 * or a log file, a plain line every `everyMs` (default 5 s), so CI logs show it is alive without
 * filling up. Reading the file comes first (rows read, rejected), then sending (a bar over the
 * orders found, imported, duplicates, rate, time left).
 * @example const progress = createProgress(process.stderr, counts); progress.phase('sending'); ...; progress.stop()
 */
export function createProgress(
  stream: NodeJS.WriteStream,
  counts: ImportCounts,
  options: { everyMs?: number; isDryRun?: boolean } = {},
) {
  const isTty = stream.isTTY === true
  let phase: 'reading' | 'sending' = 'reading'
  let phaseStarted = Date.now()
  let lastLength = 0
  const timer = setInterval(draw, isTty ? 100 : (options.everyMs ?? 5000))
  timer.unref()

  function line(): string {
    const seconds = Math.max((Date.now() - phaseStarted) / 1000, 0.001)
    const n = (value: number) => value.toLocaleString('en-US')
    if (phase === 'reading') {
      return `Reading: ${n(counts.rowsRead)} rows, ${n(counts.orders)} orders, ${n(counts.rejected)} rejected (${n(Math.round(counts.rowsRead / seconds))} rows/s)`
    }
    const share = counts.orders === 0 ? 1 : counts.sent / counts.orders
    const rate = counts.sent / seconds
    const left = rate > 0 ? Math.ceil((counts.orders - counts.sent) / rate) : 0
    const bar = isTty ? `[${'#'.repeat(Math.round(share * 24)).padEnd(24, '.')}] ` : ''
    return (
      `${bar}${Math.floor(share * 100)}% ${n(counts.sent)}/${n(counts.orders)} orders: ${n(counts.accepted)} imported, ` +
      `${n(counts.duplicates)} duplicates, ${n(counts.rejected)} rejected (${n(Math.round(rate))} orders/s, ${left} s left)`
    )
  }

  function draw(): void {
    const text = line()
    if (isTty) {
      stream.write(`\r${text.padEnd(lastLength)}`)
      lastLength = text.length
    } else {
      stream.write(`${text}\n`)
    }
  }

  return {
    /** Ends the reading phase (showing its final line) and starts the clock for sending. */
    startSending(): void {
      draw()
      if (isTty) stream.write('\n')
      lastLength = 0
      phase = 'sending'
      phaseStarted = Date.now()
      if (options.isDryRun) clearInterval(timer)
    },
    /** Shows the final state and stops; the summary follows on stdout. */
    stop(): void {
      clearInterval(timer)
      if (phase === 'sending' && !options.isDryRun) {
        draw()
        if (isTty) stream.write('\n')
      }
    },
  }
}
