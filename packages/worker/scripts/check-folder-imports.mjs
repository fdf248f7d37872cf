// Fails when folders of src/ import each other, directly (a ↔ b) or around a loop (a → b → c → a).
// Folders are compared with their siblings at every depth: src/decide and src/preview, and inside
// src/admin its rooms (shell, rules, preview, dashboard). Files directly in a folder (src/app.ts,
// src/env.ts, src/admin/routes.tsx) sit above their subfolders and may import any of them.
// Type-only imports count too: a type couples two folders as much as a value does.
// Usage: node scripts/check-folder-imports.mjs [srcDir]   (default: this package's src/)
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const SOURCE_FILE = /\.(ts|tsx|mts)$/
const TEST_FILE = /\.test\.tsx?(?= |$)/
// `import … from '…'` / `export … from '…'` (the clause holds only names, braces, commas, `*`, `as`,
// `type`: so `export function …` never matches), `import '…'` and `import('…')`.
const IMPORT_PATTERNS = [
  /^\s*(?:import|export)\s+[\w*\s{},$]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
]

/**
 * Every relative import between source files under `srcDir`, as `{ from, to }` paths relative to
 * `srcDir` (with `/` separators).
 * @example listImports('src') // [{ from: 'decide/routes.ts', to: 'decide/engine' }, ...]
 */
export function listImports(srcDir) {
  const imports = []
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8')
    for (const pattern of IMPORT_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        const specifier = match[1]
        if (!specifier.startsWith('.')) continue
        imports.push({
          from: toPosix(relative(srcDir, file)),
          to: toPosix(relative(srcDir, resolve(dirname(file), specifier))),
        })
      }
    }
  }
  return imports
}

/**
 * The folder cycles under `srcDir`: each is a list of sibling folders that reach each other
 * through imports, with one import line per edge as evidence.
 * @example findFolderCycles('src') // [] when clean; else [{ folders: ['sites', 'sessions'], edges: [...] }]
 */
export function findFolderCycles(srcDir) {
  /** parent folder → (child folder → (child folder → an example import)) */
  const graphs = new Map()
  for (const { from, to } of listImports(srcDir)) {
    if (to.startsWith('..')) continue // outside src (test helpers, the contract)
    const edge = siblingEdge(from.split('/'), to.split('/'))
    if (!edge) continue
    const [parent, a, b] = edge
    if (!graphs.has(parent)) graphs.set(parent, new Map())
    const graph = graphs.get(parent)
    if (!graph.has(a)) graph.set(a, new Map())
    // One import per edge as evidence, a non-test file's when there is one.
    const known = graph.get(a).get(b)
    if (!known || (TEST_FILE.test(known) && !TEST_FILE.test(from)))
      graph.get(a).set(b, `${from} → ${to}`)
  }
  const cycles = []
  for (const [parent, graph] of graphs) {
    for (const component of stronglyConnected(graph)) {
      if (component.length < 2) continue
      const members = new Set(component)
      const edges = []
      for (const a of component)
        for (const [b, example] of graph.get(a) ?? []) if (members.has(b)) edges.push(example)
      cycles.push({
        folders: component.map((name) => (parent ? `${parent}/${name}` : name)).sort(),
        edges: edges.sort(),
      })
    }
  }
  return cycles
}

/**
 * The two sibling folders an import crosses between, below their deepest common folder, or null
 * when the importing file or the imported one sits directly in that common folder.
 */
function siblingEdge(fromParts, toParts) {
  const fromDirs = fromParts.slice(0, -1)
  const toDirs = toParts.slice(0, -1)
  let common = 0
  while (common < fromDirs.length && common < toDirs.length && fromDirs[common] === toDirs[common])
    common++
  if (common === fromDirs.length || common === toDirs.length) return null
  return [fromDirs.slice(0, common).join('/'), fromDirs[common], toDirs[common]]
}

/** Tarjan's strongly connected components of a graph given as node → (node → anything). */
function stronglyConnected(graph) {
  const nodes = new Set(graph.keys())
  for (const targets of graph.values()) for (const node of targets.keys()) nodes.add(node)
  const index = new Map()
  const low = new Map()
  const stack = []
  const onStack = new Set()
  const components = []
  let counter = 0
  const visit = (node) => {
    index.set(node, counter)
    low.set(node, counter)
    counter++
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node), low.get(next)))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)))
    }
    if (low.get(node) === index.get(node)) {
      const component = []
      let member
      do {
        member = stack.pop()
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      components.push(component)
    }
  }
  for (const node of nodes) if (!index.has(node)) visit(node)
  return components
}

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return SOURCE_FILE.test(name) ? [path] : []
  })
}

function toPosix(path) {
  return path.split(sep).join('/')
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '../src'))
  const cycles = findFolderCycles(srcDir)
  if (cycles.length === 0) {
    console.log(
      `No folder of ${relative(process.cwd(), srcDir) || '.'} imports another that imports it back.`,
    )
  } else {
    console.error(
      'Folders that import each other (move the shared piece into a folder both can import):',
    )
    for (const { folders, edges } of cycles) {
      console.error(`\n  ${folders.join(' ↔ ')}`)
      for (const edge of edges) console.error(`    ${edge}`)
    }
    process.exitCode = 1
  }
}
