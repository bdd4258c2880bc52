// The first screen's two diagrams, drawn at build time by the page's own
// wasm and written into dist/index.html (called by scripts/build-web.sh):
//   node scripts/hero.mjs DIST GLUE
// DIST is the built site (its index.html and pkg/tcpsim_wasm_bg.wasm, the
// very module the page loads), GLUE the wasm-bindgen glue of that module
// (wasm-pack's tcpsim_wasm.js). Each `data-hero` box gets what app.js's
// drawHero would draw there in Chinese (the page's default language) with
// the defaults: the same `simulate` and `render`, the same web/hero.js. So
// the first screen is painted with the HTML, before the wasm is fetched and
// compiled; the page keeps the pictures when it starts in Chinese and draws
// them again in English. Exits non-zero (naming what is wrong) rather than
// writing a page without them.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { heroSvg } from "../web/hero.js";

const [dist, glue] = process.argv.slice(2);
const fail = (msg) => {
  console.error(`hero.mjs: ${msg}`);
  process.exit(1);
};
if (!dist || !glue) fail("usage: node scripts/hero.mjs DIST GLUE");
const sim = await import(pathToFileURL(path.resolve(glue)).href);
sim.initSync({ module: fs.readFileSync(path.join(dist, "pkg/tcpsim_wasm_bg.wasm")) });
const file = path.join(dist, "index.html");
let html = fs.readFileSync(file, "utf8");
const esc = (t) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
let n = 0;
html = html.replace(/(<figcaption>(?:(?!<\/figcaption>).)*<span class="hero-headline">)(<\/span><\/figcaption>)<div class="live-diagram" data-hero="([a-z0-9-]+)"><\/div>/g, (_, cap, capEnd, id) => {
  const res = sim.simulate(id, {});
  if (!res.ok) fail(`${id}: ${res.error}`);
  const { svg, headline } = res.run.render("zh");
  res.run.free();
  n++;
  // The box's --vbw is what fitDiagram (web/common.js) sets: the drawing's
  // own width, for the phone rule.
  const width = /viewBox="[\d.]+ [\d.]+ ([\d.]+)/.exec(svg)[1];
  return `${cap}${esc(headline)}${capEnd}<div class="live-diagram" data-hero="${id}" data-inline="zh" style="--vbw:${width}">${heroSvg(svg)}</div>`;
});
if (n !== 2) fail(`expected the two first-screen boxes (data-hero) in ${file}, found ${n}`);
fs.writeFileSync(file, html);
