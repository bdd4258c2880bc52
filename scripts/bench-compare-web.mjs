// Two builds of the page, loaded in turn in headless Chromium (a new
// context per load, cold cache), so that both see the same machine: for
// each, navigation -> 'diagrams-drawn', -> the frame after it (painted:
// a requestAnimationFrame then a task, which runs once that frame is done),
// and -> the end of the first 'redraw' measure (the first diagram); and,
// from Chromium's own counters (CDP Performance.getMetrics) up to the page
// being interactive (the controls near the screen built): the main thread's
// Layout, style, script and all its work (TaskDuration); navigation -> the
// frame after the first screen's diagram ('hero-drawn'), or, when the build
// wrote it into index.html, the paint of the line after it; our longest task
// (the page's "slice" measures) and the longest of any kind (Long Tasks
// API, up to that moment).
//   node scripts/bench-compare-web.mjs OTHER_DIST [DIST]
//   RUNS=12, VIEWPORT=1440x900 (or 390x844), URL=index.html (or a
//   permalink, e.g. 'index.html#s=keepalive-peer-alive&observe_s=1000000')
// A benchmark: it prints figures and asserts nothing. The machine's load
// average is printed before and after: on a shared machine the absolute
// figures move with it, the two builds' ratio much less.
import os from "node:os";
import { serve, launch } from "./bench-common.mjs";
const [baseDir, mainDir = "dist"] = process.argv.slice(2);
if (!baseDir) {
  console.error("usage: node scripts/bench-compare-web.mjs OTHER_DIST [DIST]");
  process.exit(2);
}
const [vw, vh] = (process.env.VIEWPORT || "1200x900").split("x").map(Number);
const url = process.env.URL || "index.html";
const dists = { base: baseDir, main: mainDir };
const bases = { base: (await serve(dists.base)).base, main: (await serve(dists.main)).base };
const browser = await launch(["--no-sandbox", "--disable-gpu"]);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(" ");
console.log(`load average before: ${load()}; viewport ${vw}x${vh}; ${url}`);
const keys = ["drawn", "painted", "first", "hero", "layout", "style", "script", "task", "ours", "any"];
const out = { base: {}, main: {} };
for (const k of ["base", "main"]) for (const f of keys) out[k][f] = [];
for (let i = 0; i < Number(process.env.RUNS || 12); i++) {
  for (const k of i % 2 ? ["main", "base"] : ["base", "main"]) {
    const ctx = await browser.newContext({ viewport: { width: vw, height: vh } });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Performance.enable");
    await page.addInitScript(() => {
      // The first screen's diagrams written into index.html at build time
      // are painted with the line after them (.hero-go, elementtiming).
      window.__et = null;
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) if (e.identifier === "hero") window.__et = e.renderTime || e.loadTime;
      }).observe({ type: "element", buffered: true });
      // Ready, told on the console (not polled: a polling script would be
      // counted as the page's work).
      new MutationObserver((_, o) => {
        if (document.documentElement.dataset.ready === "1") {
          o.disconnect();
          console.debug("bench:ready");
        }
      }).observe(document, { attributes: true, attributeFilter: ["data-ready"], subtree: true });
      window.__long = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) window.__long.push(e.duration);
      }).observe({ type: "longtask", buffered: true });
      const orig = performance.mark.bind(performance);
      performance.mark = (name, ...rest) => {
        const r = orig(name, ...rest);
        if (name === "diagrams-drawn") requestAnimationFrame(() => setTimeout(() => (window.__painted = performance.now()), 0));
        if (name === "hero-drawn") requestAnimationFrame(() => setTimeout(() => (window.__hero = performance.now()), 0));
        return r;
      };
    });
    const isReady = new Promise((r) => page.on("console", (m) => m.text() === "bench:ready" && r()));
    await page.goto(`${bases[k]}/${url}`);
    await isReady;
    const { metrics: m } = await cdp.send("Performance.getMetrics");
    const g = (n) => 1000 * (m.find((x) => x.name === n)?.value || 0);
    const o = out[k];
    o.layout.push(g("LayoutDuration"));
    o.style.push(g("RecalcStyleDuration"));
    o.script.push(g("ScriptDuration"));
    o.task.push(g("TaskDuration"));
    const t = await page.evaluate(() => ({
      drawn: performance.getEntriesByName("diagrams-drawn")[0].startTime,
      ours: Math.max(0, ...performance.getEntriesByName("slice").map((m) => m.duration)),
      any: Math.max(0, ...window.__long),
      first: (() => {
        const m = performance.getEntriesByName("redraw");
        return m.length ? m[0].startTime + m[0].duration : null;
      })(),
    }));
    for (const f of ["drawn", "ours", "any", "first"]) o[f].push(t[f]);
    await page.waitForFunction(() => window.__painted != null);
    o.painted.push(await page.evaluate(() => window.__painted));
    await page.waitForFunction(() => (document.querySelector('.hero [data-inline="zh"]') ? window.__et != null : window.__hero != null || !performance.getEntriesByName("hero-drawn").length), null, { timeout: 5000 }).catch(() => {});
    o.hero.push(await page.evaluate(() => (document.querySelector('.hero [data-inline="zh"]') ? window.__et : window.__hero ?? null)));
    await ctx.close();
  }
}
const med = (a) => {
  const b = a.filter((x) => x != null).sort((x, y) => x - y);
  return b.length ? b[b.length >> 1] : NaN;
};
const names = {
  drawn: "navigation -> diagrams-drawn",
  painted: "-> the frame after it",
  first: "-> first section diagram drawn",
  hero: "-> first screen's diagram painted",
  layout: "Layout to interactive",
  style: "style to interactive",
  script: "script to interactive",
  task: "main-thread work (TaskDuration) to interactive",
  ours: "longest task of ours",
  any: "longest task of any kind (>= 50 ms)",
};
console.log(`load average after: ${load()}`);
console.log(`| median of ${out.base.drawn.length} interleaved loads, ms | ${dists.base} | ${dists.main} | ratio |`);
console.log("|---|---|---|---|");
for (const f of keys) console.log(`| ${names[f]} | ${med(out.base[f]).toFixed(0)} | ${med(out.main[f]).toFixed(0)} | ${(med(out.main[f]) / med(out.base[f])).toFixed(2)} |`);
if (process.env.VERBOSE) for (const k of ["base", "main"]) for (const f of keys) console.log(k, f, out[k][f].map((x) => (x == null ? "-" : x.toFixed(0))).join(","));
await browser.close();
process.exit(0);
