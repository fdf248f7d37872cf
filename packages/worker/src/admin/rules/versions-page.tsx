import type { VersionSummary } from '@stammis/contract'
import { Hono } from 'hono'
import { listVersions, rollbackTo } from '../../rules/versions'
import { DiffList } from '../shell/components'
import { Csrf, Layout, noticeFor } from '../shell/layout'
import type { AdminContext, AdminEnv } from '../shell/session'
import { Table } from '../shell/table'
import { formatTime } from '../shell/time'

function VersionsPage(props: {
  c: AdminContext
  versions: VersionSummary[]
  notice: string | null
}) {
  const { c, versions } = props
  const live = versions[0]?.version
  return (
    <Layout c={c} title="Versions" page="versions" notice={props.notice}>
      <h1>Versions</h1>
      <p class="muted">
        Every publish is a version. Rolling back publishes an earlier version's rules again as a new
        version, so this log keeps every step and a rollback can itself be undone.
      </p>
      {versions.length === 0 ? (
        <p class="card">Nothing published yet.</p>
      ) : (
        <Table
          id="versions"
          rows={versions}
          rowAttributes={(version) => ({ 'data-version': String(version.version) })}
          columns={[
            {
              header: 'Version',
              cell: (version) => (
                <>
                  <strong>{version.version}</strong>
                  <div class="muted small">
                    {version.ruleCount === 1 ? '1 rule' : `${version.ruleCount} rules`}
                  </div>
                </>
              ),
            },
            {
              header: 'Published',
              class: 'small',
              cell: (version) => formatTime(version.publishedAt, c.get('site').timeZone),
            },
            { header: 'By', cell: (version) => version.publishedBy },
            { header: 'Note', class: 'small', cell: (version) => version.note ?? '' },
            {
              header: 'Changes',
              class: 'small',
              cell: (version) => <DiffList diff={version.diff} />,
            },
            {
              header: '',
              class: 'actions',
              cell: (version) =>
                version.version === live ? (
                  <span class="badge live">live</span>
                ) : (
                  <form method="post" action={`/admin/versions/${version.version}/rollback`}>
                    <Csrf token={c.get('session').csrfToken} />
                    <button type="submit">Roll back to this</button>
                  </form>
                ),
            },
          ]}
        />
      )}
    </Layout>
  )
}

/**
 * `/admin/versions`: the audit log, and a one-click rollback per version.
 * @example adminRoutes.route('/versions', versionRoutes)
 */
export const versionRoutes = new Hono<AdminEnv>()
  .get('/', async (c) => {
    const versions = await listVersions(c.env, c.get('site').id)
    return c.html(<VersionsPage c={c} versions={versions} notice={noticeFor(c)} />)
  })
  .post('/:version/rollback', async (c) => {
    const version = Number(c.req.param('version'))
    if (!Number.isInteger(version) || version < 1) return c.redirect('/admin/versions', 303)
    // An unknown version throws version_not_found, shown by the admin's error page.
    await rollbackTo(
      c.env,
      c.get('site').id,
      version,
      { actor: c.get('actor'), allowScripts: c.get('site').allowScripts },
      Date.now(),
    )
    return c.redirect(`/admin/versions?done=rolled-back&v=${version}`, 303)
  })
