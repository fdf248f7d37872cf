import {
  CustomerPredictionQuerySchema,
  PredictionFitRequestSchema,
  type CustomerPrediction,
  type PredictionFitAnswer,
} from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { parseJsonText, parseWith, readText } from '../http/body'
import { customerPersonId } from '../identity/customer-key'
import { ledgerFor, ledgerSite } from '../ledger/client'
import { localDay } from '../lib/time-zone'
import { fitAnswer, fitSite } from './fit-site'
import { customerFigures, DAYS_PER_WEEK } from './model'
import { personHistory } from './person'
import { latestFit } from './store'

/** Largest body `POST /v1/admin/predictions/fit` takes: `{"asOf":"YYYY-MM-DD"}` and whitespace. */
const FIT_BODY_MAX_BYTES = 1024

/**
 * `/v1/admin/predictions`: fit the site's models now (optionally as of a past day), and read the
 * latest fit.
 */
export const predictionRoutes = new Hono<AppEnv>()
  .post('/fit', async (c) => {
    // No body at all means "as of today".
    const text = (await readText(c.req.raw, FIT_BODY_MAX_BYTES)).trim()
    const body = text === '' ? {} : parseJsonText(text)
    const site = c.get('site')
    const now = Date.now()
    const { asOf = localDay(now, site.timeZone) } = parseWith(PredictionFitRequestSchema, body)
    const stored = await fitSite(c.env, site, asOf, now)
    return c.json(fitAnswer(stored) satisfies PredictionFitAnswer)
  })
  .get('/fit', async (c) => {
    const stored = await latestFit(c.env.DB, c.get('site').id)
    if (!stored) throw noFit()
    return c.json(fitAnswer(stored) satisfies PredictionFitAnswer)
  })

/**
 * `GET /v1/admin/customers/:customerId/prediction?asOf=&horizonDays=`: one customer's figures from
 * the site's latest fit, as of a day (default today, site time zone) over a horizon (default 364
 * days, 52 weeks).
 */
export const customerPredictionRoutes = new Hono<AppEnv>().get(
  '/:customerId/prediction',
  async (c) => {
    const site = c.get('site')
    const query = parseWith(CustomerPredictionQuerySchema, c.req.query())
    const asOf = query.asOf ?? localDay(Date.now(), site.timeZone)
    const fit = await latestFit(c.env.DB, site.id)
    if (!fit) throw noFit()
    const personId = await customerPersonId(site.codeSecret, c.req.param('customerId'))
    const inputs = await ledgerFor(c.env, site.id).personInputsAsOf(
      ledgerSite(site),
      personId,
      asOf,
    )
    if (!inputs)
      throw new ApiError(
        'customer_not_found',
        `This customer has no counted purchase on or before ${asOf}.`,
      )
    const figures = customerFigures(fit, personHistory(inputs, asOf), {
      asOf,
      horizonWeeks: query.horizonDays !== undefined ? query.horizonDays / DAYS_PER_WEEK : undefined,
    })
    return c.json(figures satisfies CustomerPrediction)
  },
)

function noFit(): ApiError {
  return new ApiError(
    'no_prediction_fit',
    'This site has no prediction fit yet: POST /v1/admin/predictions/fit (the daily cron also fits).',
  )
}
