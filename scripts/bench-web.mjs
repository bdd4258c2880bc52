// Page speed and size, measured (a benchmark, not a test):
//   node scripts/bench-web.mjs        (after bash scripts/build-web.sh)
// Serves dist/ on 127.0.0.1, loads index.html in headless Chromium with a
// cold cache (a new browser context per run), 15 runs (RUNS=N to change), and
// prints medians of navigation -> 'diagrams-drawn' (and -> 'controls-ready',
// when every section's controls are built, one task later), the 'redraw'
// measure after a parameter change in the largest scenario, and the gzipped
// bytes the page downloads.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const MIME = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".svg": "image/svg+xml", ".json": "application/json" };
const RUNS = Number(process.env.RUNS) || 15;

const server = http.createServer((req, res) => {
  const p = new URL(req.url, "http://x").pathname;
  const file = path.join(dist, p === "/" ? "index.html" : p);
  if (!file.startsWith(dist) || !fs.existsSync(file)) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { "content-type": MIME[path.extname(file)] || "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const drawn = [];
const controls = [];
const redraw = [];
let bytes = 0;
let wasmGz = 0;
for (let i = 0; i < RUNS; i++) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const loaded = [];
  page.on("response", (r) => loaded.push(r));
  await page.goto(`${base}/index.html`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "1");
  drawn.push(await page.evaluate(() => performance.getEntriesByName("diagrams-drawn")[0].startTime));
  controls.push(await page.evaluate(() => performance.getEntriesByName("controls-ready")[0].startTime));
  if (i === 0) {
    for (const r of loaded) {
      const body = await r.body().catch(() => Buffer.alloc(0));
      const gz = zlib.gzipSync(body, { level: 9 }).length;
      bytes += gz;
      if (r.url().endsWith(".wasm")) wasmGz = gz;
    }
  }
  // Parameter changes in the largest scenario; each redraw is measured.
  const before = await page.evaluate(() => performance.getEntriesByName("redraw").length);
  for (const v of [5, 8, 12, 15]) {
    await page.fill('#host-crash-data-no-reboot input[name="tcp_retries2"]', String(v));
    await page.waitForFunction((n) => performance.getEntriesByName("redraw").length > n, before + redraw.length % 4);
    await page.waitForTimeout(120);
  }
  const ms = await page.evaluate((n) => performance.getEntriesByName("redraw").slice(n).map((m) => m.duration), before);
  redraw.push(...ms);
  await ctx.close();
}
await browser.close();
server.close();

const rows = [
  ["everything index.html downloads, gzipped", `${(bytes / 1024).toFixed(1)} KB`, "≤ 80 KB", "227 KB", bytes / 1024 <= 80],
  ["the wasm, gzipped", `${(wasmGz / 1024).toFixed(1)} KB`, "≤ 60 KB", "(1.6 MB mermaid.min.js)", wasmGz / 1024 <= 60],
  ["navigation -> all ten diagrams drawn (median)", `${median(drawn).toFixed(0)} ms`, "< 100 ms", "990 ms", median(drawn) < 100],
  ["navigation -> every section's controls built (median)", `${median(controls).toFixed(0)} ms`, "", "", true],
  ["parameter change -> redrawn (median, largest)", `${median(redraw).toFixed(1)} ms`, "< 5 ms", "56 ms", median(redraw) < 5],
];
console.log(`runs: ${RUNS}; drawn ms: ${drawn.map((x) => x.toFixed(0)).join(", ")}; controls ms: ${controls.map((x) => x.toFixed(0)).join(", ")}; redraw ms: ${redraw.map((x) => x.toFixed(1)).join(", ")}`);
console.log("| figure | TCP Crash Lab | target | Mermaid 12.3 | met |");
console.log("|---|---|---|---|---|");
for (const [what, v, t, m, ok] of rows) console.log(`| ${what} | ${v} | ${t} | ${m} | ${t ? (ok ? "yes" : "no") : ""} |`);
