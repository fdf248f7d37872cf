import { Hono } from 'hono'
import type { AdminEnv } from './session'

// The admin's whole look and its one small script, served from the worker itself: no CDN, no
// build step, and a CSP of `script-src 'self'`.

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2430;background:#f5f6f8}
a{color:#2457c5}
header.top{display:flex;align-items:center;gap:24px;padding:10px 24px;background:#1f2430;color:#fff}
header.top .brand{font-weight:700;letter-spacing:.02em;color:#fff;text-decoration:none}
header.top nav{display:flex;gap:4px;flex:1}
header.top nav a{color:#cfd5e3;text-decoration:none;padding:6px 10px;border-radius:6px}
header.top nav a.active,header.top nav a:hover{background:#343b4d;color:#fff}
header.top .who{color:#cfd5e3;font-size:13px;display:flex;gap:10px;align-items:center}
header.top .who button{background:none;border:1px solid #4a5266;color:#cfd5e3;padding:3px 10px}
main{max-width:1120px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 16px}
h2{font-size:18px;margin:28px 0 10px}
h3{font-size:15px;margin:0 0 8px}
.card{background:#fff;border:1px solid #e1e4ea;border-radius:10px;padding:16px 20px;margin:0 0 16px}
.row{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.spacer{flex:1}
.muted{color:#6b7280}
.small{font-size:13px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e1e4ea;border-radius:10px;overflow:hidden}
th,td{text-align:left;padding:9px 12px;border-bottom:1px solid #eef0f4;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#6b7280;background:#fafbfc}
tr:last-child td{border-bottom:none}
td.actions{white-space:nowrap}
td.actions form{display:inline}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600}
.badge.live{background:#dcfce7;color:#166534}.badge.draft{background:#e5e7eb;color:#374151}
.badge.paused{background:#fef3c7;color:#92400e}.badge.scheduled{background:#dbeafe;color:#1e40af}
.badge.ended{background:#f3f4f6;color:#6b7280}
button,.button{display:inline-block;font:inherit;font-size:14px;padding:6px 14px;border-radius:7px;border:1px solid #c9ced8;background:#fff;color:#1f2430;cursor:pointer;text-decoration:none}
button.primary,.button.primary{background:#2457c5;border-color:#2457c5;color:#fff;font-weight:600}
button.danger{color:#b42318;border-color:#f1c0bb}
button.link{border:none;background:none;color:#2457c5;padding:0 4px;font-size:14px}
button.link.danger{color:#b42318}
.notice{background:#ecfdf3;border:1px solid #abefc6;color:#05603a;border-radius:8px;padding:10px 14px;margin:0 0 16px}
.warnings{background:#fffaeb;border:1px solid #fedf89;border-radius:10px;padding:14px 18px;margin:0 0 16px}
.warnings h3{color:#93370d}
.warnings ul{margin:0;padding-left:18px}.warnings li{margin:6px 0}
.warnings li.fairness{font-weight:600;color:#93370d}
.errors{background:#fef3f2;border:1px solid #fecdca;color:#b42318;border-radius:10px;padding:12px 16px;margin:0 0 16px}
.errors ul{margin:4px 0 0;padding-left:18px}
.changes ul{margin:6px 0 12px;padding-left:18px}
ul.diff{margin:0;padding-left:18px}
td iframe.preview{height:72px}
label{display:block;font-weight:600;font-size:13px;margin:0 0 4px}
label.inline{display:inline-flex;gap:6px;align-items:center;font-weight:400;font-size:14px;margin-right:14px}
input[type=text],input[type=number],input[type=password],input[type=url],input[type=datetime-local],select,textarea{font:inherit;font-size:14px;width:100%;padding:7px 9px;border:1px solid #c9ced8;border-radius:7px;background:#fff}
textarea{min-height:110px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.field{margin:0 0 14px}
.field.invalid input,.field.invalid select,.field.invalid textarea{border-color:#d92d20;background:#fffbfa}
.field .error{color:#b42318;font-size:13px;margin:4px 0 0}
.field .hint{color:#6b7280;font-size:12px;margin:4px 0 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:0 16px}
fieldset{border:1px solid #e1e4ea;border-radius:10px;background:#fff;padding:14px 18px 4px;margin:0 0 16px}
legend{font-weight:700;padding:0 6px}
.preview-box{border:1px dashed #c9ced8;border-radius:8px;padding:10px;background:#fcfcfd;min-height:44px;white-space:pre-wrap}
iframe.preview{width:100%;height:140px;border:1px dashed #c9ced8;border-radius:8px;background:#fff}
pre{white-space:pre-wrap;margin:0;font-size:13px}
.signin{max-width:420px;margin:60px auto}
.link-out{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
code{font-size:13px;background:#f1f3f6;padding:1px 5px;border-radius:4px}
/* Dashboard: range picker, stat cards, charts (SVG), cohort heatmap, offers */
form.range{display:flex;gap:12px;align-items:flex-end;flex-wrap:wrap}
form.range .field{margin:0}
input[type=date]{font:inherit;font-size:14px;padding:6px 9px;border:1px solid #c9ced8;border-radius:7px;background:#fff}
nav.quick{display:flex;gap:4px;flex-wrap:wrap}
nav.quick a{padding:6px 10px;border-radius:7px;text-decoration:none;font-size:14px}
nav.quick a.active{background:#e8eefb;font-weight:600}
.lead{font-size:16px;margin:0 0 12px}
section.dash>h2{margin:2px 0 8px}
.scroll{overflow-x:auto}
table.compact{margin-top:12px;font-size:14px}
th.num,td.num{text-align:right;white-space:nowrap}
.chart{display:block;max-width:100%;height:auto;margin:8px 0}
.chart text{font-size:13px;fill:#1f2430}
.chart text.label{font-weight:600}
.chart text.axis{fill:#6b7280;font-size:12px}
.chart .grid line{stroke:#eef0f4}
.chart .series-traffic{fill:#a9bde9}
.chart .series-revenue{fill:#2457c5}
.chart .series-conversion{fill:#12805c}
.chart .series-customers,.chart .series-expected{fill:#a9bde9}
.chart .series-value,.chart .series-actual{fill:#2457c5}
.chart .line{fill:none;stroke-width:2.5}
.chart .series-repeat-rate{fill:#2457c5;stroke:#2457c5}
.chart .series-lapsed-rate{fill:#d97706;stroke:#d97706}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px;margin:0 0 18px}
.stat{border:1px solid #eef0f4;border-radius:8px;padding:12px 14px;background:#fcfcfd}
.stat-value{font-size:24px;font-weight:700}
.stat-name{font-weight:600;font-size:14px}
.stat p{margin:4px 0 0}
table.cohorts td.later{text-align:center;min-width:64px}
table.cohorts td.none{background:#fafbfc}
table.cohorts th[scope=row]{text-transform:none;letter-spacing:0;font-size:14px;color:#1f2430;background:#fff;white-space:nowrap}
.badge.positive{background:#dcfce7;color:#166534}.badge.negative{background:#fee4e2;color:#b42318}
.badge.pending{background:#fef3c7;color:#92400e}
.empty{border:1px dashed #c9ced8;border-radius:8px;padding:14px 18px;background:#fcfcfd}
.empty p{margin:6px 0}
pre.snippet{background:#1f2430;color:#e5e7eb;padding:10px 12px;border-radius:7px;font-size:13px;overflow-x:auto}
`

const SCRIPT = `
(function () {
  // Live preview of the rule's content: text as text, HTML only inside the sandboxed iframe.
  var type = document.querySelector('[name="content.type"]')
  var value = document.querySelector('[name="content.value"]')
  var box = document.getElementById('content-preview-text')
  var frame = document.getElementById('content-preview-html')
  function update() {
    if (!type || !value || !box || !frame) return
    var t = type.value
    box.hidden = t === 'html' || t === ''
    frame.hidden = t !== 'html'
    if (t === 'html') { var next = frame.getAttribute('data-base') + value.value; if (frame.srcdoc !== next) frame.srcdoc = next }
    else if (t === 'json') { try { box.textContent = JSON.stringify(JSON.parse(value.value), null, 2) } catch (e) { box.textContent = 'Not valid JSON yet.' } }
    else box.textContent = value.value
  }
  if (type && value) { type.addEventListener('change', update); value.addEventListener('input', update); update() }
  // Forms that undo work ask first.
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) { if (!confirm(form.getAttribute('data-confirm'))) event.preventDefault() })
  })
  // Select the preview link on click, so it is one copy away.
  document.querySelectorAll('input[data-select]').forEach(function (input) {
    input.addEventListener('focus', function () { input.select() })
  })
})()
`

/**
 * `/admin/assets/admin.css` and `/admin/assets/admin.js`.
 * @example adminRoutes.route('/assets', assetRoutes)
 */
export const assetRoutes = new Hono<AdminEnv>()
  .get('/admin.css', (c) =>
    c.body(CSS, 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
    }),
  )
  .get('/admin.js', (c) =>
    c.body(SCRIPT, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
    }),
  )
