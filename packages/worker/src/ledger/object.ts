import { DAY_MS } from '../lib/days'
import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'
import { botDays, countBotRequest } from './bots'
import { loadBenchRows, type BenchRows } from './bench-load'
import { copyFromD1 } from './import-d1'
import { bindSite, D1_COPIED, getMeta, setMeta } from './meta'
import { customerMetricsPartial, metricsPartial } from './metrics'
import { findCodeForHolder, isRedeemed, redeemCode } from './offers'
import { decideState } from './people'
import {
  fillPendingPredictionInputs,
  personInputsAsOf,
  predictionInputs,
  purchaseDaysByWeek,
} from './prediction-inputs'
import { eraseSubject, exportSubject } from './privacy'
import { writeQuota } from './quota'
import { rebuildStep } from './rebuild'
import { recordBatch } from './record-batch'
import { EXPIRED_EVENTS, EXPIRED_EXPOSURES, EXPIRED_VISIT_URLS, purgeExpired } from './retention'
import { exposureTimes, recordExposures } from './exposures'
import { LiveRules } from './live-rules'
import { momentScanPage, recordMoments } from './moments'
import { applySchema } from './schema'
import { storeServerOrders } from './server-orders'
import { countRows } from './stats'
import type {
  BotDay,
  BotRequestKind,
  BrowserBatch,
  CodeLookup,
  CopyCursor,
  CopyProgress,
  CustomerPartial,
  DecideContext,
  ErasedTable,
  Exposure,
  LedgerCounts,
  LedgerServerOrder,
  LedgerSite,
  MetricsPartial,
  PersonPredictionInputs,
  PredictionInputs,
  PurgeOptions,
  RebuildCursor,
  RecordBatchResult,
  Redemption,
  RetentionPurge,
  LedgerServerOrdersResult,
  MomentScanPage,
  PersonMoment,
  StorageStats,
  WriteQuota,
  SubjectRef,
  SubjectRows,
} from './types'
import { rememberDelivery } from './webhooks'

/**
 * One site's ledger: a SQLite-backed Durable Object that alone reads and writes the site's
 * visitor history (people, visitors, visits, orders, events, exposures, redemptions) and what is
 * kept from it (counters, rollups, the write quota, bot counts, webhook replay protection).
 * Reached by RPC through `ledgerFor(env, siteId)` (client.ts); one object per site, named
 * `site:<siteId>`. Every method is thin: it runs one module's work inside one transaction
 * (`transactionSync`), so a call either happens whole or not at all, and the object being the
 * site's single writer makes every check-then-write (quota, redemption, replay) race-free.
 * Methods take the site settings they need (`LedgerSite`): D1 stays their source of truth.
 */
export class SiteLedger extends DurableObject<Env> {
  private readonly liveRules: LiveRules
  /** `${id}|${currency}` of the site last bound, so binding costs nothing when unchanged. */
  private boundSite = ''

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.liveRules = new LiveRules(env)
    void ctx.blockConcurrencyWhile(async () => {
      applySchema(ctx.storage)
    })
  }

  /** Stores a browser's events batch (events route): see record-batch.ts. */
  recordBatch(site: LedgerSite, batch: BrowserBatch): RecordBatchResult {
    return this.write(site, (sql) => recordBatch(sql, site, batch))
  }

  /**
   * Decide's one call: the visitor's state from the request's visit, the live rules version, the
   * person's exposure times (when asked: unique codes expire from them) and today's quota.
   */
  async decideContext(
    site: LedgerSite,
    request: { visitorId: string; visitId: string; withExposureTimes: boolean; now: number },
  ): Promise<DecideContext> {
    const rulesVersion = await this.liveRules.version(site.id, request.now)
    this.bind(site)
    const sql = this.ctx.storage.sql
    const { state, predictionInputs } = decideState(sql, request.visitorId, request.visitId)
    return {
      state,
      rulesVersion,
      firstExposedAt: request.withExposureTimes ? exposureTimes(sql, request.visitorId) : {},
      quota: writeQuota(sql, site, request.now),
      predictionInputs,
    }
  }

  /** The site's daily write quota and what the UTC day of `now` used (the admin site answer). */
  writeQuota(site: LedgerSite, now: number): WriteQuota {
    return writeQuota(this.ctx.storage.sql, site, now)
  }

  /** When the visitor's person was first shown each rule (right after a publish, rarely). */
  exposureTimes(visitorId: string): Record<string, number> {
    return exposureTimes(this.ctx.storage.sql, visitorId)
  }

  /** The publish path tells the object which rules version is live (after its D1 write). */
  setLiveRulesVersion(version: number, now: number): number {
    return this.liveRules.set(version, now)
  }

  /** Records exposures within today's quota (all or none); returns how many were recorded. */
  recordExposures(site: LedgerSite, exposures: Exposure[], now: number): number {
    return this.write(site, (sql) => recordExposures(sql, site, exposures, now))
  }

  /** Orders the shop's server reports (admin API, webhook) or imports: see server-orders.ts. */
  storeServerOrders(
    site: LedgerSite,
    orders: LedgerServerOrder[],
    source: 'server' | 'import',
    now: number,
  ): LedgerServerOrdersResult {
    return this.write(site, (sql) => storeServerOrders(sql, site, orders, source, now))
  }

  /**
   * One page of the daily moment scan: customers after `after` with their purchase days and the
   * moments recorded for them (moments.ts).
   */
  momentScanPage(site: LedgerSite, after: string | null, limit: number): MomentScanPage {
    return this.read(site, (sql) => momentScanPage(sql, site, after, limit))
  }

  /** Records moments handed to delivery (the scan's state); answers how many were new. */
  recordMoments(moments: PersonMoment[], now: number): number {
    return this.ctx.storage.transactionSync(() => recordMoments(this.ctx.storage.sql, moments, now))
  }

  /** False when this webhook signature was already accepted (a replay). */
  rememberWebhookDelivery(signature: string, now: number, forgetBefore: number): boolean {
    return this.ctx.storage.transactionSync(() =>
      rememberDelivery(this.ctx.storage.sql, signature, now, forgetBefore),
    )
  }

  /** The redemption check's lookup: the code, and the holder's exposure that served it. */
  findCode(code: string, holder: { visitorId: string } | { personId: string }): CodeLookup {
    return findCodeForHolder(this.ctx.storage.sql, code, holder)
  }

  /** Marks a code used; false when it may not be used again. */
  redeemCode(redemption: Redemption, now: number): boolean {
    return this.ctx.storage.transactionSync(() => redeemCode(this.ctx.storage.sql, redemption, now))
  }

  /** Whether a code was already used by this holder (or, a unique code, by anyone). */
  isRedeemed(code: string, holder: string, isUniqueCode: boolean): boolean {
    return isRedeemed(this.ctx.storage.sql, code, holder, isUniqueCode)
  }

  /** Everything held about a visitor or customer, or null. */
  exportSubject(subject: SubjectRef): SubjectRows | null {
    return exportSubject(this.ctx.storage.sql, subject)
  }

  /** Erases a visitor or customer everywhere; rows deleted per table, or null if nothing was held. */
  eraseSubject(site: LedgerSite, subject: SubjectRef): Record<ErasedTable, number> | null {
    return this.write(site, (sql) => eraseSubject(sql, site, subject))
  }

  /**
   * The retention purge (cron): raw events, visit URLs and exposures older than `retentionDays`,
   * in chunks, one transaction each, letting other calls in between.
   */
  async purgeExpired(
    retentionDays: number,
    now: number,
    options: PurgeOptions = {},
  ): Promise<RetentionPurge> {
    const cutoff = now - retentionDays * DAY_MS
    const chunks = { chunkSize: options.chunkSize ?? 5000, maxChunks: options.maxChunks ?? 200 }
    const sql = this.ctx.storage.sql
    const inTransaction = <T>(work: () => T): T => this.ctx.storage.transactionSync(work)
    const pause = () => new Promise<void>((done) => setTimeout(done, 0))
    return {
      events: await purgeExpired(sql, EXPIRED_EVENTS, cutoff, chunks, inTransaction, pause),
      visitUrls: await purgeExpired(sql, EXPIRED_VISIT_URLS, cutoff, chunks, inTransaction, pause),
      exposures: await purgeExpired(sql, EXPIRED_EXPOSURES, cutoff, chunks, inTransaction, pause),
    }
  }

  /** Counts one filtered bot request on a local day. */
  countBotRequest(day: string, kind: BotRequestKind): void {
    countBotRequest(this.ctx.storage.sql, day, kind)
  }

  /** Filtered bot requests per local day in [from, to]. */
  botDays(from: string, to: string): BotDay[] {
    return botDays(this.ctx.storage.sql, from, to)
  }

  /** Every metric of local days [from, to] as mergeable parts (metrics.ts). */
  metrics(site: LedgerSite, from: string, to: string): MetricsPartial {
    return this.read(site, (sql) => metricsPartial(sql, site, from, to))
  }

  /**
   * The site's per-customer summary as of a local day (x, tx, T in weeks, monetary), computed in
   * SQL from the counted orders: what the prediction fit reads (prediction-inputs.ts).
   */
  predictionInputs(site: LedgerSite, asOf: string): PredictionInputs {
    return this.read(site, (sql) => predictionInputs(sql, site, asOf))
  }

  /** Purchase days per week after `from` by the people who had bought by then (calibration). */
  purchaseDaysByWeek(site: LedgerSite, from: string, weeks: number): number[] {
    return this.read(site, (sql) => purchaseDaysByWeek(sql, site, from, weeks))
  }

  /** One person's prediction inputs as of a local day (null: no purchase by then). */
  personInputsAsOf(
    site: LedgerSite,
    personId: string,
    asOf: string,
  ): PersonPredictionInputs | null {
    return this.read(site, (sql) => personInputsAsOf(sql, site, personId, asOf))
  }

  /** The customer metrics alone, as of local days [from, to]. */
  customerMetrics(site: LedgerSite, from: string, to: string): CustomerPartial {
    return this.read(site, (sql) => customerMetricsPartial(sql, site, from, to))
  }

  /**
   * Copies the site's history from D1 (`storage migrate`), up to `maxPages` pages a call: call
   * again with the returned cursor until it is null; the last call rebuilds counters and rollups
   * from the facts. Safe to run again or twice at once (import-d1.ts).
   */
  async copyFromD1(
    site: LedgerSite,
    cursor: CopyCursor | null = null,
    options: { pageSize?: number; maxPages?: number } = {},
  ): Promise<CopyProgress> {
    return copyFromD1(this.env.DB, site, cursor, options, {
      store: (work) => this.write(site, work),
      rebuild: (at) => this.rebuild(site, at),
      isCopied: () => getMeta(this.ctx.storage.sql, D1_COPIED) !== null,
      markCopied: () => setMeta(this.ctx.storage.sql, D1_COPIED, String(Date.now())),
    })
  }

  /** Rows per history table: what `storage migrate` compares with D1. */
  counts(): LedgerCounts {
    return countRows(this.ctx.storage.sql)
  }

  /** The object's database size in bytes and its row counts (benchmarks, operators). */
  storageStats(): StorageStats {
    const sql = this.ctx.storage.sql
    return { databaseSize: sql.databaseSize, counts: countRows(sql) }
  }

  /**
   * Bench only (`/__bench/ledger`, BENCH_ROUTES=on): stores generated facts in bulk, without the
   * operations' bookkeeping; `rebuild` must follow before anything is read.
   */
  benchLoad(site: LedgerSite, chunk: BenchRows): number {
    return this.write(site, (sql) => loadBenchRows(sql, chunk))
  }

  /**
   * Bench only: the milliseconds each part of the metrics report takes, measured in the object
   * (`pnpm bench:metrics` prints them beside the whole report's time).
   */
  benchMetricsParts(site: LedgerSite, from: string, to: string): Record<string, number> {
    const times: Record<string, number> = {}
    this.read(site, (sql) =>
      metricsPartial(sql, site, from, to, (name, part) => {
        const started = performance.now()
        const result = part()
        times[name] = performance.now() - started
        return result
      }),
    )
    return times
  }

  /**
   * Rebuilds counters and rollups from the facts (after a bulk load), `steps` steps a call, each
   * its own transaction (rebuild.ts): call with null to start, then with the returned cursor
   * until it is null.
   */
  rebuild(site: LedgerSite, cursor: RebuildCursor | null = null, steps = 5): RebuildCursor | null {
    let at = cursor
    for (let step = 0; step < steps; step++) {
      const from = at
      at = this.write(site, (sql) => rebuildStep(sql, site, from))
      if (at === null) return null
    }
    return at
  }

  /** Runs `work` in one transaction, for this object's site (checked, currency recorded). */
  private write<T>(site: LedgerSite, work: (sql: SqlStorage) => T): T {
    this.bind(site)
    const sql = this.ctx.storage.sql
    return this.ctx.storage.transactionSync(() => work(sql))
  }

  private read<T>(site: LedgerSite, work: (sql: SqlStorage) => T): T {
    this.bind(site)
    return work(this.ctx.storage.sql)
  }

  private bind(site: LedgerSite): void {
    const key = `${site.id}|${site.currency}`
    if (this.boundSite === key) return
    const sql = this.ctx.storage.sql
    this.ctx.storage.transactionSync(() => {
      bindSite(sql, site)
      fillPendingPredictionInputs(sql, site)
    })
    this.boundSite = key
  }
}
