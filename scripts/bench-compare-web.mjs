// Two builds of the page, loaded in turn in headless Chromium (a new
// context per load, cold cache), so that both see the same machine: for
// each, navigation -> 'diagrams-drawn', -> the frame after it (painted:
// a requestAnimationFrame then a task, which runs once that frame is done),
// and -> the end of the first 'redraw' measure (the first diagram).
//   node scripts/bench-compare-web.mjs OTHER_DIST [DIST]   (RUNS=12)
// A benchmark: it prints figures and asserts nothing.
import { serve, launch } from "./bench-common.mjs";
const [baseDir, mainDir = "dist"] = process.argv.slice(2);
if (!baseDir) {
  console.error("usage: node scripts/bench-compare-web.mjs OTHER_DIST [DIST]");
  process.exit(2);
}
const dists = { base: baseDir, main: mainDir };
const bases = { base: (await serve(dists.base)).base, main: (await serve(dists.main)).base };
const browser = await launch(["--no-sandbox", "--disable-gpu"]);
const out = { base: [], main: [], baseFirst: [], mainFirst: [] };
for (let i = 0; i < Number(process.env.RUNS || 12); i++) {
  for (const k of ["base", "main"]) {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      const orig = performance.mark.bind(performance);
      performance.mark = (name, ...rest) => {
        const r = orig(name, ...rest);
        if (name === "diagrams-drawn") requestAnimationFrame(() => setTimeout(() => (window.__painted = performance.now()), 0));
        return r;
      };
    });
    await page.goto(bases[k] + "/index.html");
    await page.waitForFunction(() => performance.getEntriesByName("diagrams-drawn").length > 0, null, { timeout: 30000 });
    const t = await page.evaluate(() => performance.getEntriesByName("diagrams-drawn")[0].startTime);
    // The first diagram: the end of the first "redraw" measure (the page
    // draws the sections nearest the viewport first).
    await page.waitForFunction(() => window.__painted != null);
    const painted = await page.evaluate(() => window.__painted);
    out[k + "Painted"] = (out[k + "Painted"] || []).concat([Math.round(painted)]);
    const first = await page.evaluate(() => { const m = performance.getEntriesByName("redraw"); return m.length ? m[0].startTime + m[0].duration : null; });
    out[k].push(Math.round(t));
    out[k + "First"].push(first == null ? null : Math.round(first));
    await ctx.close();
  }
}
const med = (a) => { const b = a.filter((x) => x != null).sort((x, y) => x - y); return b[b.length >> 1]; };
console.log(`${dists.base}: diagrams-drawn`, out.base.join(","), "median", med(out.base));
console.log(`${dists.main}: diagrams-drawn`, out.main.join(","), "median", med(out.main));
console.log(`painted (the frame after diagrams-drawn), median: ${dists.base} ${med(out.basePainted)} ms, ${dists.main} ${med(out.mainPainted)} ms`);
console.log(`first diagram drawn, median: ${dists.base} ${med(out.baseFirst)} ms, ${dists.main} ${med(out.mainFirst)} ms`);
await browser.close();
process.exit(0);
