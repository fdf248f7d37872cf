import { z } from 'zod'
import type { ZodOpenApiPathsObject } from 'zod-openapi'
import {
  CustomerPredictionQuerySchema,
  CustomerPredictionSchema,
  PredictionFitRequestSchema,
  PredictionFitSchema,
} from '../predictions'
import { adminOperation, jsonAnswer, jsonBody } from './common'

const customerId = z.object({
  customerId: z
    .string()
    .min(1)
    .max(256)
    .meta({ description: "The shop's customer id (or email)." }),
})

/** The admin routes of predictions (issue 12, docs/predictions.md). */
export const predictionPaths: ZodOpenApiPathsObject = {
  '/v1/admin/predictions/fit': {
    post: adminOperation(
      'write',
      {
        operationId: 'postPredictionFit',
        summary: 'Fit the prediction models on the site’s orders now',
        description:
          'BG/NBD and Gamma-Gamma on the counted orders up to `asOf` (default today, site time zone), in weeks; below 50 customers shrunk toward documented priors (`shrunk: true`). Stored as the site’s latest fit; a daily cron also refits.',
        requestBody: jsonBody(PredictionFitRequestSchema),
        responses: { 200: jsonAnswer(PredictionFitSchema, 'The fit, stored.') },
      },
      ['nothing_to_fit'],
    ),
    get: adminOperation(
      'read',
      {
        operationId: 'getPredictionFit',
        summary: 'The site’s latest prediction fit',
        responses: { 200: jsonAnswer(PredictionFitSchema, 'The latest fit.') },
      },
      ['no_prediction_fit'],
    ),
  },
  '/v1/admin/customers/{customerId}/prediction': {
    get: adminOperation(
      'read',
      {
        operationId: 'getCustomerPrediction',
        summary: 'One customer’s predicted figures',
        description:
          'From the latest fit, as of `asOf` (default today) over `horizonDays` (default 364).',
        requestParams: { path: customerId, query: CustomerPredictionQuerySchema },
        responses: { 200: jsonAnswer(CustomerPredictionSchema, 'The figures.') },
      },
      ['invalid_request', 'no_prediction_fit', 'customer_not_found'],
    ),
  },
}
