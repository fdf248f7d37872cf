// The folder-cycle check, run on small made-up source trees.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import { findFolderCycles } from './check-folder-imports.mjs'

const roots = []
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })))

/** A source tree from { 'path/file.ts': 'content' }. */
function tree(files) {
  const root = mkdtempSync(join(tmpdir(), 'folder-imports-'))
  roots.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('findFolderCycles', () => {
  it('finds two folders that import each other, with the imports that do it', () => {
    const root = tree({
      'sites/auth.ts': "import { findSession } from '../sessions/queries'\n",
      'sessions/queries.ts': "import type { Site } from '../sites/site'\nexport const x = 1\n",
      'sites/site.ts': 'export type Site = {}\n',
    })
    assert.deepEqual(findFolderCycles(root), [
      {
        folders: ['sessions', 'sites'],
        edges: ['sessions/queries.ts → sites/site', 'sites/auth.ts → sessions/queries'],
      },
    ])
  })

  it('finds a loop through three folders, multi-line and re-exporting imports included', () => {
    const root = tree({
      'a/one.ts': "import {\n  b,\n  type B,\n} from '../b/two'\n",
      'b/two.ts': "export { c } from '../c/three'\n",
      'c/three.ts': "export async function c() {\n  return import('../a/one')\n}\n",
    })
    assert.deepEqual(
      findFolderCycles(root).map((cycle) => cycle.folders),
      [['a', 'b', 'c']],
    )
  })

  it('compares sibling folders at every depth, and lets a folder import its own subfolders', () => {
    const root = tree({
      'admin/routes.tsx': "import { rulesPage } from './rules/page'\n",
      'admin/rules/page.tsx': "import { Layout } from '../shell/layout'\n",
      'admin/shell/layout.tsx':
        "import { rulesPage } from '../rules/page'\nimport { x } from '../routes'\n",
    })
    assert.deepEqual(
      findFolderCycles(root).map((cycle) => cycle.folders),
      [['admin/rules', 'admin/shell']],
    )
  })

  it('passes a layered tree: root files, imports one way, comments and packages ignored', () => {
    const root = tree({
      'app.ts': "import { decideRoutes } from './decide/routes'\n",
      'env.ts': 'export type Env = {}\n',
      'decide/routes.ts':
        "import type { Env } from '../env'\nimport { choose } from './engine'\nimport { z } from 'zod'\n",
      'decide/engine.ts': "import { isInSchedule } from '../rules/match'\n",
      'preview/preview.ts': "import { choose } from '../decide/engine'\n",
      // Mentions an import in a comment and in a string: neither is one.
      'rules/match.ts':
        "/** @example see how decide uses it: from '../decide/routes' */\nexport const text = \"import x from '../preview/preview'\"\n",
    })
    assert.deepEqual(findFolderCycles(root), [])
  })
})
