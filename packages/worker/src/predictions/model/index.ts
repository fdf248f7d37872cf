// The prediction models' public surface: pure functions, no storage. See docs/predictions.md.

export { bgnbdLogLikelihood, bgnbdTotalLogLikelihood, fitBgNbd } from './bgnbd'
export {
  conditionalExpectedPurchases,
  expectedPurchases,
  pAlive,
  posteriorPurchaseRate,
} from './bgnbd-predictions'
export {
  customerLifetimeValue,
  MAX_HORIZON_WEEKS,
  MAX_YEARLY_DISCOUNT_RATE,
  WEEKS_PER_YEAR,
} from './clv'
export type { ClvOptions, CustomerHistory } from './clv'
export { customerFigures, DEFAULT_HORIZON_WEEKS } from './customer'
export type { CustomerFigures } from './customer'
export { addDays, dayNumber, DAYS_PER_WEEK } from './days'
export { fitPredictionModels } from './fit'
export type { PredictionFit } from './fit'
export { conditionalExpectedSpend, fitGammaGamma, gammaGammaLogLikelihood } from './gamma-gamma'
export { hyp2f1, HypergeometricConvergenceError } from './hypergeometric'
export type { BgNbdParams, GammaGammaParams } from './params'
export { PERCENTILE_CUTS, percentileCuts, percentileOf } from './percentiles'
export {
  BGNBD_PRIOR,
  GAMMA_GAMMA_PRIOR_SHAPE,
  MIN_PRIOR_CUSTOMERS,
  PRIOR_LOG_SD,
  SMALL_SHOP_CUSTOMERS,
} from './priors'
export {
  daysSinceLastPurchase,
  expectedNextPurchaseDay,
  isDueForReorder,
  modelGapDays,
  REORDER_WINDOW,
  reorderGapDays,
} from './reorder'
export { groupByFrequency, summarizeOrders } from './summary'
export type { CustomerSummary, OrderRow, OrdersSummary } from './summary'
