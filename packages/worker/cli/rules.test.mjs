// `stammis rules pull` and `rules push` against a real worker (wrangler dev, demo site sk_demo, no
// rules published). Run with `node --test cli/` from packages/worker.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startLocalWorker, freePort } from '../../../scripts/local-worker.mjs'

const workerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const tsx = join(workerDir, 'node_modules/.bin/tsx')

// Keys out of order and defaults left out, as a person might write it.
const handWritten = {
  rules: [
    {
      status: 'live',
      slot: 'hero',
      id: 'hero-returning',
      when: { clvPercentile: { max: 99, min: 90 }, segments: ['returning'] },
      content: { value: 'Welcome back!', type: 'text' },
    },
    {
      id: 'banner-all',
      slot: 'banner',
      status: 'draft',
      priority: 5,
      offer: { value: 10, kind: 'percent', code: 'TEN' },
    },
  ],
}
// What pull prints for it: schema key order, every default filled in, 2 spaces, final newline.
const canonical = `{
  "rules": [
    {
      "id": "hero-returning",
      "slot": "hero",
      "priority": 0,
      "status": "live",
      "when": {
        "segments": [
          "returning"
        ],
        "clvPercentile": {
          "min": 90,
          "max": 99
        }
      },
      "content": {
        "type": "text",
        "value": "Welcome back!"
      },
      "holdoutPercent": 0
    },
    {
      "id": "banner-all",
      "slot": "banner",
      "priority": 5,
      "status": "draft",
      "when": {},
      "offer": {
        "kind": "percent",
        "value": 10,
        "code": "TEN"
      },
      "holdoutPercent": 0
    }
  ]
}
`

describe('stammis rules', () => {
  let worker
  let dir
  let endpoint
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stammis-rules-'))
    worker = await startLocalWorker({ port: await freePort(), rulesFile: null })
    endpoint = worker.url
  })
  after(async () => {
    await worker?.stop()
    rmSync(dir, { recursive: true, force: true })
    if (worker) rmSync(worker.persistTo, { recursive: true, force: true })
  })

  /** Runs the CLI with stdin a pipe (not a terminal); resolves with the exit code and output. */
  function stammis(args, env = {}) {
    const fullEnv = {
      ...process.env,
      STAMMIS_ENDPOINT: endpoint,
      STAMMIS_SECRET_KEY: 'sk_demo',
      INIT_CWD: dir,
      ...env,
    }
    return new Promise((done, fail) => {
      execFile(
        tsx,
        ['cli/stammis.ts', ...args],
        { cwd: workerDir, env: fullEnv },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') return fail(error)
          done({ code: error ? error.code : 0, stdout, stderr })
        },
      )
    })
  }
  const file = (name, content) => {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content))
    return name
  }
  const live = async () =>
    (
      await fetch(`${endpoint}/v1/admin/rules`, { headers: { authorization: 'Bearer sk_demo' } })
    ).json()

  test('pull on a site without rules prints an empty rules file, and only that, on stdout', async () => {
    const { code, stdout, stderr } = await stammis(['rules', 'pull'])
    assert.equal(code, 0, stderr)
    assert.equal(stdout, '{\n  "rules": []\n}\n')
    assert.match(stderr, /no published rules yet/)
  })

  test('push --dry-run shows the diff and publishes nothing', async () => {
    const { code, stdout, stderr } = await stammis([
      'rules',
      'push',
      file('rules.json', handWritten),
      '--dry-run',
    ])
    assert.equal(code, 0, stderr)
    assert.match(stdout, /^  \+ hero-returning\s+\(new\)$/m)
    assert.match(stdout, /^  \+ banner-all\s+\(new\)$/m)
    assert.match(stdout, /2 added, 0 removed, 0 changed/)
    assert.match(stdout, /Dry run: nothing was published/)
    assert.equal((await live()).version, 0)
  })

  test('push without --yes on a non-terminal stdin refuses and publishes nothing', async () => {
    const { code, stderr } = await stammis(['rules', 'push', 'rules.json'])
    assert.equal(code, 1)
    assert.match(stderr, /not a terminal.*--yes/)
    assert.equal((await live()).version, 0)
  })

  test('push --yes publishes version 1, and pull gives it back in canonical form', async () => {
    const pushed = await stammis([
      'rules',
      'push',
      'rules.json',
      '--yes',
      '--note',
      'from git',
      '--user',
      'ci-bot',
    ])
    assert.equal(pushed.code, 0, pushed.stderr)
    assert.match(pushed.stdout, /Published version 1/)
    const ruleset = await live()
    assert.deepEqual(
      [ruleset.version, ruleset.publishedBy, ruleset.note],
      [1, 'ci-bot', 'from git'],
    )

    const pulled = await stammis(['rules', 'pull'])
    assert.equal(pulled.code, 0, pulled.stderr)
    assert.equal(pulled.stdout, canonical)
    assert.match(pulled.stderr, /Pulled version 1: 2 rules/)

    const toFile = await stammis(['rules', 'pull', '--out', 'out.json'])
    assert.equal(toFile.code, 0, toFile.stderr)
    assert.equal(toFile.stdout, '')
    assert.equal(readFileSync(join(dir, 'out.json'), 'utf8'), canonical)
  })

  test('pushing a pulled file back changes nothing; an edit shows as changed fields', async () => {
    const same = await stammis(['rules', 'push', file('pulled.json', canonical)])
    assert.equal(same.code, 0, same.stderr)
    assert.match(same.stdout, /Nothing to publish/)

    const edited = {
      rules: [
        { ...handWritten.rules[0], priority: 3, content: { type: 'text', value: 'Hi again' } },
      ],
    }
    const { code, stdout, stderr } = await stammis([
      'rules',
      'push',
      file('edited.json', edited),
      '--dry-run',
    ])
    assert.equal(code, 0, stderr)
    assert.match(stdout, /^  ~ hero-returning\s+content, priority$/m)
    assert.match(stdout, /^  - banner-all\s+\(removed\)$/m)
    assert.equal((await live()).version, 1)
  })

  test('push shows the warning for a coded offer served on browser-reported purchases', async () => {
    const loose = {
      rules: [
        {
          id: 'loyal-code',
          slot: 'banner',
          status: 'live',
          when: { segments: ['repeat'] },
          offer: { kind: 'percent', value: 20, code: 'LOYAL20', requiresVerified: false },
        },
      ],
    }
    const { code, stdout, stderr } = await stammis([
      'rules',
      'push',
      file('loose.json', loose),
      '--dry-run',
    ])
    assert.equal(code, 0, stderr)
    assert.match(
      stdout,
      /^ {2}! \[banner\] unverified_coded_offer: "loyal-code" hands out the code LOYAL20 on purchases the browser reports/m,
    )
    assert.equal((await live()).version, 1)
  })

  test('an invalid rules file exits 2 naming each problem, and publishes nothing', async () => {
    const invalid = {
      rules: [handWritten.rules[0], { ...handWritten.rules[1], holdoutPercent: 90 }],
    }
    const { code, stdout, stderr } = await stammis([
      'rules',
      'push',
      file('invalid.json', invalid),
      '--yes',
    ])
    assert.equal(code, 2)
    assert.match(stderr, /invalid\.json has 1 problem; nothing was published/)
    assert.match(stderr, /^  rules\.1\.holdoutPercent: /m)
    assert.equal(stdout, '')

    const broken = await stammis([
      'rules',
      'push',
      file('broken.json', '{\n  "rules": [\n    {"id": "x",}\n  ]\n}\n'),
      '--yes',
    ])
    assert.equal(broken.code, 2)
    assert.match(broken.stderr, /broken\.json is not valid JSON: .* at line 3, column 16/)

    const bannered = await stammis([
      'rules',
      'push',
      file('bannered.json', `\n> stammis@ stammis /repo\n> tsx cli/stammis.ts\n\n${canonical}`),
    ])
    assert.equal(bannered.code, 2)
    assert.match(
      bannered.stderr,
      /pnpm's script banner: pull with "pnpm -s stammis rules pull > FILE"/,
    )
    assert.equal((await live()).version, 1)
  })

  test('a wrong key, an unreachable worker or a missing key each give one clear line', async () => {
    const wrongKey = await stammis(['rules', 'pull'], { STAMMIS_SECRET_KEY: 'sk_wrong' })
    assert.equal(wrongKey.code, 1)
    assert.match(wrongKey.stderr, /the secret key was refused/)
    assert.equal(wrongKey.stdout, '')

    const viaFlag = await stammis(['rules', 'push', 'rules.json', '--yes', '--key', 'sk_wrong'])
    assert.equal(viaFlag.code, 1)
    assert.match(viaFlag.stderr, /--key is saved in your shell history/)
    assert.match(viaFlag.stderr, /the secret key was refused/)

    const down = await stammis(['rules', 'pull'], {
      STAMMIS_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    })
    assert.equal(down.code, 1)
    assert.match(
      down.stderr,
      /could not reach the worker at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    )

    const noKey = await stammis(['rules', 'pull'], { STAMMIS_SECRET_KEY: '' })
    assert.equal(noKey.code, 2)
    assert.match(noKey.stderr, /no secret key: set STAMMIS_SECRET_KEY/)
    assert.equal((await live()).version, 1)
  })

  test('"pnpm stammis rules pull > rules.json" from the repository root writes clean JSON', async () => {
    const target = join(dir, 'via-pnpm.json')
    const root = resolve(workerDir, '../..')
    await new Promise((done, fail) =>
      execFile(
        '/bin/sh',
        ['-c', `npx -y pnpm@10 stammis rules pull > "${target}"`],
        {
          cwd: root,
          env: { ...process.env, STAMMIS_ENDPOINT: endpoint, STAMMIS_SECRET_KEY: 'sk_demo' },
        },
        (error) => (error ? fail(error) : done()),
      ),
    )
    const text = readFileSync(target, 'utf8')
    assert.ok(text.startsWith('{'), `the file starts with ${JSON.stringify(text.slice(0, 40))}`)
    assert.ok(Array.isArray(JSON.parse(text).rules))
  })

  test('help rules shows both commands', async () => {
    const { code, stdout } = await stammis(['help', 'rules'])
    assert.equal(code, 0)
    assert.match(stdout, /^Usage: stammis rules pull/m)
    assert.match(stdout, /^Usage: stammis rules push FILE/m)
  })
})
