/**
 * Entry of the preview chunk (`dist/preview.js`, an ES module): the script tag's SDK built with
 * preview mode (`PREVIEW` true). `s.js` imports it only on preview links and calls `s` with its
 * `data-*` options.
 * @example import('https://WORKER/preview.js').then((m) => m.s(script.dataset, 'https://WORKER'))
 */
export { startTag as s } from './tag'
