/**
 * Script-tag entry (`dist/s.js`): `<script async src="https://WORKER/s.js" data-site="pk_..."></script>`.
 * Reads its options from `data-*` and starts the client (`startTag`). Nothing here may throw into
 * the host page.
 *
 * Preview mode is for marketers only, so it is not in this file's bundle: on a preview link (a
 * `stammis_preview=` token in the URL, or one kept for the tab) it imports `preview.js` from the
 * worker, the same SDK with preview mode in it, and hands over.
 */
import { startTag } from './tag'
import { D, SS, here, read } from './util'

try {
  const script = D.currentScript as HTMLScriptElement
  const d = script.dataset
  const endpoint = d.endpoint || new URL(script.src).origin
  if (/stammis_preview=/.test(here()) || read(SS, 'stm_p'))
    import(endpoint.replace(/\/+$/, '') + '/preview.js')
      .then((m) => m.s(d, endpoint))
      // A chunk that fails to load (or start) leaves the page as it is, with no error of ours.
      .catch(() => {})
  else startTag(d, endpoint)
} catch {}
