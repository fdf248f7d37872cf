import { z } from 'zod'
import type { ZodOpenApiPathsObject } from 'zod-openapi'
import {
  PublishInputSchema,
  PublishResultSchema,
  RollbackInputSchema,
  RollbackResultSchema,
  RulesCheckResultSchema,
  VersionListSchema,
  WorkspaceInputSchema,
  WorkspaceSchema,
} from '../admin'
import { RedeemRequestSchema, RedeemResultSchema } from '../offers'
import {
  PreviewLinkRequestSchema,
  PreviewLinkSchema,
  PreviewRequestSchema,
  PreviewResultSchema,
} from '../preview'
import { RulesetInputSchema, RulesetSchema } from '../rules'
import { adminOperation, jsonAnswer, jsonBody } from './common'

/** The admin routes of rules: live set, publishes, the version log, the editor's working copy, previews, offers. */
export const rulesPaths: ZodOpenApiPathsObject = {
  '/v1/admin/rules': {
    get: adminOperation('read', {
      operationId: 'getRules',
      summary: 'The live rule set',
      description: 'Version 0, with no rules, before the first publish.',
      responses: { 200: jsonAnswer(RulesetSchema, 'The newest published version.') },
    }),
    put: adminOperation(
      'write',
      {
        operationId: 'putRules',
        summary: 'Publish a whole rule set',
        description:
          'Validates the set and publishes it atomically as the next version (rules as code); html content is sanitized unless the site allows scripts. Takes effect on the next decide.',
        requestParams: {
          query: z.object({
            note: z.string().max(500).optional().meta({ description: 'Shown in the version log.' }),
            expectVersion: z.coerce.number().int().nonnegative().optional().meta({
              description: 'Publish only if this version is still live (else 409).',
            }),
          }),
        },
        requestBody: jsonBody(RulesetInputSchema),
        responses: { 200: jsonAnswer(PublishResultSchema, 'The version published.') },
      },
      ['publish_conflict'],
    ),
  },
  '/v1/admin/rules/check': {
    post: adminOperation('write', {
      operationId: 'checkRules',
      summary: 'Validate a rule set without publishing it',
      description: 'The diff against live and the warnings, as publishing would see them.',
      requestBody: jsonBody(RulesetInputSchema),
      responses: { 200: jsonAnswer(RulesCheckResultSchema, 'What publishing would change.') },
    }),
  },
  '/v1/admin/rules/versions': {
    get: adminOperation('read', {
      operationId: 'listRuleVersions',
      summary: 'The audit log',
      description:
        'The newest 100 versions, newest first, each with who published it and its diff from the one before.',
      responses: { 200: jsonAnswer(VersionListSchema, 'The versions.') },
    }),
  },
  '/v1/admin/rules/versions/{version}': {
    get: adminOperation(
      'read',
      {
        operationId: 'getRuleVersion',
        summary: "One version's rules",
        requestParams: { path: z.object({ version: z.coerce.number().int().positive() }) },
        responses: { 200: jsonAnswer(RulesetSchema, 'The version.') },
      },
      ['invalid_request', 'version_not_found'],
    ),
  },
  '/v1/admin/rules/rollback': {
    post: adminOperation(
      'write',
      {
        operationId: 'rollbackRules',
        summary: 'Publish a copy of an earlier version',
        description: 'The log keeps every version, the rollback included.',
        requestBody: jsonBody(RollbackInputSchema),
        responses: { 200: jsonAnswer(RollbackResultSchema, 'The new version.') },
      },
      ['version_not_found', 'publish_conflict'],
    ),
  },
  '/v1/admin/workspace': {
    get: adminOperation('read', {
      operationId: 'getWorkspace',
      summary: "The editor's working copy",
      description: 'The live rules when nothing is being edited; with its diff and warnings.',
      responses: { 200: jsonAnswer(WorkspaceSchema, 'The working copy.') },
    }),
    put: adminOperation('write', {
      operationId: 'putWorkspace',
      summary: 'Save the working copy',
      description: 'Validated whole; nothing goes live.',
      requestBody: jsonBody(WorkspaceInputSchema),
      responses: { 200: jsonAnswer(WorkspaceSchema, 'The working copy as saved.') },
    }),
  },
  '/v1/admin/workspace/publish': {
    post: adminOperation(
      'write',
      {
        operationId: 'publishWorkspace',
        summary: 'Publish the working copy as the next version',
        requestBody: jsonBody(PublishInputSchema),
        responses: { 200: jsonAnswer(PublishResultSchema, 'The version published.') },
      },
      ['publish_conflict'],
    ),
  },
  '/v1/admin/preview': {
    post: adminOperation('write', {
      operationId: 'preview',
      summary: 'What a visitor of a segment would get in every slot',
      description: 'From the working copy or the live rules; records nothing.',
      requestBody: jsonBody(PreviewRequestSchema),
      responses: { 200: jsonAnswer(PreviewResultSchema, 'Every slot of the rules.') },
    }),
  },
  '/v1/admin/preview-links': {
    post: adminOperation('write', {
      operationId: 'createPreviewLink',
      summary: 'A signed, expiring link that opens the shop as a segment',
      description: 'The page gets `?stammis_preview=<token>`; a preview is never counted.',
      requestBody: jsonBody(PreviewLinkRequestSchema),
      responses: { 200: jsonAnswer(PreviewLinkSchema, 'The link.') },
    }),
  },
  '/v1/admin/offers/redeem': {
    post: adminOperation('write', {
      operationId: 'redeemOffer',
      summary: "The checkout's check of an offer code",
      description:
        'Valid for a holder who was served it, before its expiry, and not used up: a unique code once in all, a static code once per holder. Marks it used unless `dryRun`.',
      requestBody: jsonBody(RedeemRequestSchema),
      responses: { 200: jsonAnswer(RedeemResultSchema, 'Valid, or why not.') },
    }),
  },
}
