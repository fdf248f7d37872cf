import {
  PreviewLinkRequestSchema,
  PreviewRequestSchema,
  type PreviewLink,
  type PreviewResult,
} from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { readBody } from '../http/body'
import { createPreviewLink } from './link'
import { previewDecisions } from './preview'

/** `/v1/admin/preview` and `/v1/admin/preview-links`: see the page as a segment would. */
export const previewRoutes = new Hono<AppEnv>()
  .post('/preview', async (c) => {
    const request = await readBody(c, PreviewRequestSchema)
    const result = await previewDecisions(c.env, c.get('site'), request, Date.now())
    return c.json(result satisfies PreviewResult)
  })
  .post('/preview-links', async (c) => {
    const request = await readBody(c, PreviewLinkRequestSchema)
    const link = await createPreviewLink(c.get('site'), request, Date.now())
    return c.json(link satisfies PreviewLink)
  })
