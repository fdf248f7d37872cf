import { z } from 'zod'
import type { ZodOpenApiPathsObject } from 'zod-openapi'
import { MetricsQuerySchema, MetricsReportSchema } from '../metrics'
import { ServerOrdersRequestSchema, ServerOrdersResultSchema } from '../orders'
import {
  BotsReportSchema,
  CustomerExportSchema,
  EraseResultSchema,
  VisitorExportSchema,
} from '../privacy'
import { adminOperation, jsonAnswer, jsonBody } from './common'

const visitorId = z.object({
  id: z.string().min(1).max(256).meta({ description: 'The visitor id.' }),
})
const customerId = z.object({
  id: z.string().min(1).max(256).meta({ description: "The shop's customer id (or email)." }),
})

/** The admin routes of the shop's data: orders in, metrics out, privacy requests. */
export const dataPaths: ZodOpenApiPathsObject = {
  '/v1/admin/orders': {
    post: adminOperation('write', {
      operationId: 'postOrders',
      summary: 'Report orders from the shop server, or import history',
      description:
        "Up to 1,000 orders, idempotent by `orderId`. The server's word wins over an order the browser reported: the same is confirmed, a different one is a conflict and replaced. `?source=import` marks history.",
      requestParams: {
        query: z.object({
          source: z.enum(['import']).optional().meta({ description: 'Imported history.' }),
        }),
      },
      requestBody: jsonBody(ServerOrdersRequestSchema),
      responses: { 200: jsonAnswer(ServerOrdersResultSchema, 'How each order was taken.') },
    }),
  },
  '/v1/admin/metrics': {
    get: adminOperation(
      'read',
      {
        operationId: 'getMetrics',
        summary: 'Every metric for a range of local days',
        description: 'The last 30 days by default; at most 3,660 days.',
        requestParams: { query: MetricsQuerySchema },
        responses: { 200: jsonAnswer(MetricsReportSchema, 'The report.') },
      },
      ['invalid_request'],
    ),
  },
  '/v1/admin/metrics.csv': {
    get: adminOperation(
      'read',
      {
        operationId: 'getMetricsCsv',
        summary: 'The metrics report as CSV',
        requestParams: { query: MetricsQuerySchema },
        responses: {
          200: {
            description: 'A CSV attachment.',
            content: { 'text/csv': { schema: z.string() } },
          },
        },
      },
      ['invalid_request'],
    ),
  },
  '/v1/admin/bots': {
    get: adminOperation(
      'read',
      {
        operationId: 'getBots',
        summary: 'Bot requests filtered, per day',
        requestParams: { query: MetricsQuerySchema },
        responses: { 200: jsonAnswer(BotsReportSchema, 'The counts.') },
      },
      ['invalid_request'],
    ),
  },
  '/v1/admin/visitors/{id}': {
    get: adminOperation(
      'read',
      {
        operationId: 'exportVisitor',
        summary: 'Export everything held about a visitor',
        requestParams: { path: visitorId },
        responses: { 200: jsonAnswer(VisitorExportSchema, 'Every row, table by table.') },
      },
      ['invalid_request', 'visitor_not_found'],
    ),
    delete: adminOperation(
      'write',
      {
        operationId: 'eraseVisitor',
        summary: 'Erase everything held about a visitor',
        requestParams: { path: visitorId },
        responses: { 200: jsonAnswer(EraseResultSchema, 'Rows deleted per table.') },
      },
      ['invalid_request', 'visitor_not_found'],
    ),
  },
  '/v1/admin/customers/{id}': {
    get: adminOperation(
      'read',
      {
        operationId: 'exportCustomer',
        summary: 'Export everything held about a customer, on all their devices',
        requestParams: { path: customerId },
        responses: { 200: jsonAnswer(CustomerExportSchema, 'Every row, table by table.') },
      },
      ['invalid_request', 'customer_not_found'],
    ),
    delete: adminOperation(
      'write',
      {
        operationId: 'eraseCustomer',
        summary: 'Erase everything held about a customer, on all their devices',
        requestParams: { path: customerId },
        responses: { 200: jsonAnswer(EraseResultSchema, 'Rows deleted per table.') },
      },
      ['invalid_request', 'customer_not_found'],
    ),
  },
}
