import { PublishInputSchema, type Rule } from '@stammis/contract'
import { Hono } from 'hono'
import { analyzeRules } from '../../rules/analyze'
import { getVersion } from '../../rules/versions'
import {
  getWorkspace,
  publishWorkspace,
  saveWorkspace,
  type Workspace,
} from '../../rules/workspace'
import { Layout, noticeFor } from '../shell/layout'
import { RuleEditor } from './rule-editor'
import {
  applyRuleForm,
  emptyRuleForm,
  readRuleForm,
  ruleToForm,
  type FieldErrors,
  type RuleForm,
} from './rule-form'
import { RulesPage } from './rules-page'
import type { AdminContext, AdminEnv } from '../shell/session'

function plainRules(workspace: Workspace): Rule[] {
  return workspace.rules.map(({ displayStatus: _status, ...rule }) => rule)
}

function topPriority(rules: Rule[], slot: string | undefined): number | null {
  const priorities = rules.filter((rule) => rule.slot === slot).map((rule) => rule.priority)
  return priorities.length > 0 ? Math.max(...priorities) : null
}

function renderEditor(
  c: AdminContext,
  rules: Rule[],
  form: RuleForm,
  errors: FieldErrors,
  originalId: string | null,
) {
  const slots = [...new Set(rules.map((rule) => rule.slot))].sort()
  const warnings =
    originalId === null
      ? []
      : analyzeRules(rules, Date.now()).filter((warning) => warning.ruleIds.includes(originalId))
  const editor = (
    <RuleEditor
      c={c}
      form={form}
      errors={errors}
      originalId={originalId}
      slots={slots}
      topPriority={topPriority(rules, form.values.slot)}
      warnings={warnings}
    />
  )
  // 422: the browser shows the page with its errors; nothing was saved.
  return c.html(editor, Object.keys(errors).length > 0 ? 422 : 200)
}

function ruleNotFound(c: AdminContext, id: string) {
  return c.html(
    <Layout c={c} title="No such rule" page="rules">
      <h1>No rule named “{id}”</h1>
      <p>
        It may have been deleted or renamed. <a href="/admin">Back to all rules</a>
      </p>
    </Layout>,
    404,
  )
}

/** A copy's id: "<id>-copy", then "-copy-2", ... until unused. */
function copyId(rules: Rule[], id: string): string {
  const taken = new Set(rules.map((rule) => rule.id))
  const base = `${id.slice(0, 56)}-copy`
  let candidate = base
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`
  return candidate
}

async function saveForm(c: AdminContext, originalId: string | null) {
  const site = c.get('site')
  const now = Date.now()
  const rules = plainRules(await getWorkspace(c.env, site.id, now))
  if (originalId !== null && !rules.some((rule) => rule.id === originalId))
    return ruleNotFound(c, originalId)
  const form = readRuleForm(await c.req.formData())
  const change = applyRuleForm(rules, form, originalId, site.timeZone)
  if (!change.ok) return renderEditor(c, rules, form, change.errors, originalId)
  const saved = await saveWorkspace(c.env, site.id, change.rules, c.get('actor'), now, site)
  const isCleaned = saved.warnings.some((warning) => warning.code === 'html_sanitized')
  return c.redirect(isCleaned ? '/admin?done=saved-cleaned' : '/admin?done=saved', 303)
}

/** Changes the working copy with `edit` and goes back to the list with a notice. */
async function editRules(
  c: AdminContext,
  id: string,
  done: string,
  edit: (rules: Rule[], index: number) => Rule[],
) {
  const site = c.get('site')
  const now = Date.now()
  const rules = plainRules(await getWorkspace(c.env, site.id, now))
  const index = rules.findIndex((rule) => rule.id === id)
  if (index === -1) return ruleNotFound(c, id)
  await saveWorkspace(c.env, site.id, edit(rules, index), c.get('actor'), now, site)
  return c.redirect(`/admin?done=${done}`, 303)
}

/**
 * The rules list, the editor, and the working-copy actions: save, pause/resume, delete, publish,
 * discard. Every change goes to the working copy; only publish makes it live.
 * @example adminRoutes.route('/', ruleRoutes)
 */
export const adminRuleRoutes = new Hono<AdminEnv>()
  .get('/', async (c) => {
    const workspace = await getWorkspace(c.env, c.get('site').id, Date.now())
    return c.html(<RulesPage c={c} workspace={workspace} notice={noticeFor(c)} />)
  })
  .get('/rules/new', async (c) => {
    const site = c.get('site')
    const rules = plainRules(await getWorkspace(c.env, site.id, Date.now()))
    const fromId = c.req.query('from')
    if (!fromId) return renderEditor(c, rules, emptyRuleForm(c.req.query('slot') ?? ''), {}, null)
    const source = rules.find((rule) => rule.id === fromId)
    if (!source) return ruleNotFound(c, fromId)
    // A copy starts as a draft, so it cannot tie with its original the moment it is published.
    const form = ruleToForm(
      { ...source, id: copyId(rules, source.id), status: 'draft' },
      site.timeZone,
    )
    return renderEditor(c, rules, form, {}, null)
  })
  .post('/rules', (c) => saveForm(c, null))
  .get('/rules/:id', async (c) => {
    const site = c.get('site')
    const rules = plainRules(await getWorkspace(c.env, site.id, Date.now()))
    const rule = rules.find((candidate) => candidate.id === c.req.param('id'))
    if (!rule) return ruleNotFound(c, c.req.param('id'))
    return renderEditor(c, rules, ruleToForm(rule, site.timeZone), {}, rule.id)
  })
  .post('/rules/:id', (c) => saveForm(c, c.req.param('id')))
  .post('/rules/:id/status', async (c) => {
    const status = (await c.req.formData()).get('status') === 'paused' ? 'paused' : 'live'
    return editRules(
      c,
      c.req.param('id'),
      status === 'paused' ? 'paused' : 'resumed',
      (rules, index) => rules.map((rule, i) => (i === index ? { ...rule, status } : rule)),
    )
  })
  .post('/rules/:id/delete', (c) =>
    editRules(c, c.req.param('id'), 'deleted', (rules, index) =>
      rules.filter((_rule, i) => i !== index),
    ),
  )
  .post('/publish', async (c) => {
    const site = c.get('site')
    const now = Date.now()
    const note = String((await c.req.formData()).get('note') ?? '').trim()
    const { note: checkedNote } = PublishInputSchema.parse({
      note: note.slice(0, 500) || undefined,
    })
    const workspace = await getWorkspace(c.env, site.id, now)
    if (!workspace.hasChanges) return c.redirect('/admin?done=unchanged', 303)
    const ruleset = await publishWorkspace(
      c.env,
      site.id,
      { actor: c.get('actor'), note: checkedNote, allowScripts: site.allowScripts },
      now,
    )
    return c.redirect(`/admin?done=published&v=${ruleset.version}`, 303)
  })
  .post('/discard', async (c) => {
    const site = c.get('site')
    const now = Date.now()
    const workspace = await getWorkspace(c.env, site.id, now)
    const live =
      workspace.liveVersion > 0
        ? (await getVersion(c.env, site.id, workspace.liveVersion)).rules
        : []
    await saveWorkspace(c.env, site.id, live, c.get('actor'), now, site)
    return c.redirect('/admin?done=discarded', 303)
  })
