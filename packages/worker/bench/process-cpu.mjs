// CPU time per process during a load, so a bench can say where a route's cost goes: this bench
// process (the load generator, and the origin shop when it runs here), wrangler's Node process,
// the workerd that serves wrangler dev's port (its proxy in front of the worker) and the workerd
// that runs the worker. Linux only (/proc); elsewhere the snapshots are null and nothing is shown.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc's CPU times (USER_HZ, nearly always 100). */
const TICKS_PER_SECOND = existsSync('/proc/self/stat')
  ? Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  : 100

/**
 * CPU ms used so far by this process and by every process of the local worker's process group
 * (startLocalWorker's `pid`), by label; null when /proc is not there.
 * @example const before = cpuSnapshot(worker.pid, port)
 */
export function cpuSnapshot(groupId, port) {
  if (!existsSync('/proc/self/stat')) return null
  const byLabel = {}
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue
    let stat
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue // the process ended between the listing and the read
    }
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    // Fields after the command: state, ppid, pgrp, ... utime (12th), stime (13th).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const isBench = Number(name) === process.pid
    if (!isBench && Number(fields[2]) !== groupId) continue
    const label = isBench ? 'bench' : labelOf(name, command, port)
    const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
    byLabel[label] = (byLabel[label] ?? 0) + ms
  }
  return byLabel
}

function labelOf(pid, command, port) {
  if (command !== 'workerd') return command === 'node' ? 'wrangler' : command
  let commandLine = ''
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {}
  return commandLine.includes(`entry=127.0.0.1:${port}`) ? 'wrangler proxy' : 'worker'
}

/**
 * CPU ms per label between two snapshots, added to `into` (a route's running total).
 * @example addCpu(totals, before, cpuSnapshot(worker.pid, port))
 */
export function addCpu(into, before, after) {
  if (!before || !after) return into
  for (const [label, ms] of Object.entries(after))
    into[label] = (into[label] ?? 0) + ms - (before[label] ?? 0)
  return into
}
