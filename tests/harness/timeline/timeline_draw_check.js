// A smoke check of timeline.html's drawing code under Node (no browser): it
// runs the page's inline script against a minimal stand-in for the DOM and
// checks that the drawn SVG holds the lanes named on the command line, the
// failure marker and at least one student log line, an apply and an RPC
// bar. Not a DOM check in a real browser (that is left for headless
// Chromium). Used by timeline_e2e_test.sh when node is installed.
// Usage: node timeline_draw_check.js PAGE LANE...
'use strict';
const fs = require('fs');
const [page, ...lanes] = process.argv.slice(2);
const html = fs.readFileSync(page, 'utf8');
const data = html.match(/<script type="application\/json" id="timeline-data">([\s\S]*?)<\/script>/)[1];
const code = html.match(/<script>([\s\S]*?)<\/script>/)[1];
const els = {};
const element = id => ({
  textContent: id === 'timeline-data' ? data : '', style: {}, innerHTML: '', attrs: {},
  setAttribute(k, v) { this.attrs[k] = v; }, addEventListener() {},
  parentNode: { clientWidth: 1200 }, clientWidth: 1200,
});
global.document = { getElementById: id => (els[id] = els[id] || element(id)) };
global.window = { addEventListener() {} };
new Function(code)();
const svg = els.tl.innerHTML;
const want = lanes.map(l => `data-lane="${l}"`).concat(['id="failure-marker"', 'class="log', 'class="apply"', 'class="rpc"']);
const missing = want.filter(w => !svg.includes(w));
if (missing.length) {
  console.log('FAIL: the drawn timeline lacks ' + missing.join(', '));
  process.exit(1);
}
console.log('drawn: ' + want.join(', '));
