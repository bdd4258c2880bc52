// The windowed sections' redraw time, measured (a benchmark, not a test):
//   node scripts/bench-windowed.mjs      (after bash scripts/build-web.sh)
// Serves dist/ on 127.0.0.1, opens index.html on each windowed section
// (peer-hung, host-crash-bulk: drawn by the tools module, with their bundle
// arrows and gauges) in headless Chromium, changes a parameter RUNS times
// (default 15) and prints the median and largest of the page's own "redraw"
// measure (simulate, render the SVG, put it in, the player's classes; with
// the medians of its "render" and "insert" parts), the size of the SVG as
// put in, and the time to expand a bundle (a click to its segments put in
// and shown). The budget is < 5 ms per redraw; nothing here asserts it.
// (The style and layout that follow a redraw, in the same task, are not in
// the measure.) DIST=dir measures another build, e.g. one from before a
// change, for before/after figures in the same minutes.
import os from "node:os";
import { serve, launch } from "./bench-common.mjs";

const RUNS = Number(process.env.RUNS || 15);
const CASES = [
  // (write_bytes past what the closed window lets through changes nothing
  // drawn: the page keeps the drawing in place, common.js drawSvg.)
  ["peer-hung", "write_bytes", (i) => 1000000 - 1448 * i],
  // A new drawing each time (four runs that differ, taken in turn), of about
  // the default's size.
  ["peer-hung", "so_rcvbuf", (i) => 8192 + 512 * (i % 4)],
  ["host-crash-bulk", "write_bytes", (i) => 14480 - 1448 * (i % 5)],
  // For reference, in the same browser: bench-web.mjs's section (no bundle).
  ["host-crash-data-no-reboot", "tcp_retries2", (i) => 5 + (i % 11)],
];

const { server, base } = await serve();
const browser = await launch();
// On a shared machine the figures follow its load: said with them.
console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")} (1, 5, 15 min)`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// (A build from before the page measured the parts has none: n/a.)
const fmt = (xs) => (xs.length ? `${median(xs).toFixed(2)} ms` : "n/a");
for (const [id, name, value] of CASES) {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${base}/index.html#s=${id}`);
  await page.waitForFunction((s) => document.querySelector(`#${s} svg [data-packet]`), id, { timeout: 30000 });
  await page.waitForTimeout(300);
  const before = await page.evaluate(() => performance.getEntriesByName("redraw").length);
  for (let i = 1; i <= RUNS; i++) {
    await page.fill(`#${id} input[name="${name}"]`, String(value(i)));
    await page.waitForFunction((n) => performance.getEntriesByName("redraw").length > n, before + i - 1);
    await page.waitForTimeout(100);
  }
  const ms = await page.evaluate((n) => performance.getEntriesByName("redraw").slice(n).map((m) => m.duration), before);
  // Of each redraw: the wasm's drawing (the SVG as a JS string) and its
  // insertion (parsing into the DOM); the rest is the simulation and the
  // section's other texts and the player.
  const part = (name) => page.evaluate(([nm, k]) => performance.getEntriesByName(nm).slice(-k).map((m) => m.duration), [name, ms.length]);
  const [render, insert] = [await part("render"), await part("insert")];
  // What a redraw puts in (a closed bundle's members are not in the DOM
  // until it opens: web/bundles.js), measured before the expand below.
  const [svgBytes, elements] = await page.evaluate((s) => {
    const svg = document.querySelector(`#${s} svg`);
    return [svg.outerHTML.length, svg.querySelectorAll("*").length + 1];
  }, id);
  const expand = await page.evaluate((s) => {
    const b = document.querySelector(`#${s} svg .bundle`);
    if (!b) return NaN;
    const t0 = performance.now();
    b.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    document.querySelector(`#${s} [data-packet="${b.dataset.first}"]`).getBoundingClientRect();
    return performance.now() - t0;
  }, id);
  console.log(`${id} (${name}): redraw median ${median(ms).toFixed(2)} ms, max ${Math.max(...ms).toFixed(2)} ms over ${ms.length} (budget < 5 ms; of it, median: render ${fmt(render)}, insert ${fmt(insert)}); expand a bundle ${expand.toFixed(2)} ms; SVG in the DOM ${svgBytes} B, ${elements} elements`);
  await ctx.close();
}
await browser.close();
server.close();
