// What the page tests (tests/web/*.test.mjs) share: the built site (dist/)
// served on 127.0.0.1, Debian's Chromium driven by playwright-core, and the
// helpers that open a page, wait for it to be ready and check it made no
// error. Not a test file itself (node --test picks *.test.mjs). A test file
// calls useSite() once at its top; `base` and `browser` are set by the
// before() hook that registers.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const dist = path.join(root, "dist");
export const cli = path.join(root, "target/release/tcpsim");
export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".pcap": "application/vnd.tcpdump.pcap",
};

// The server's address ("http://127.0.0.1:PORT") and the browser, once the
// before() hook of useSite() has run.
export let base;
export let browser;
let server;

// Serves dist/ on 127.0.0.1 (a free port). `routes` maps a path to a
// function giving the HTML served there (a page a test writes, e.g.
// "/__snippet.html"), asked at each request.
export async function serve(routes = {}) {
  const s = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (Object.hasOwn(routes, url.pathname)) {
      res.writeHead(200, { "content-type": MIME[".html"] });
      return res.end(routes[url.pathname]());
    }
    const file = path.join(dist, decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      return res.end("not found");
    }
    res.writeHead(200, { "content-type": MIME[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  return s;
}

export function launch() {
  return chromium.launch({
    // Debian's Chromium here; CHROMIUM names another build (CI on Ubuntu uses its Chrome).
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

// Registers the hooks of a test file: before its tests, check that dist/
// (its file `wasm`) and the CLI are built, serve dist/ (with `routes`, as
// serve() takes them) and launch the browser; after them, close both.
export function useSite({ wasm = "pkg/tcpsim_wasm_bg.wasm", routes = {} } = {}) {
  before(async () => {
    assert.ok(fs.existsSync(path.join(dist, wasm)), "dist/ is not built (bash scripts/build-web.sh)");
    assert.ok(fs.existsSync(cli), "target/release/tcpsim is missing");
    server = await serve(routes);
    base = `http://127.0.0.1:${server.address().port}`;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });
}

// A fresh page (a new context, with `options` for it) that records console
// errors, uncaught exceptions, any request leaving 127.0.0.1, and every URL
// it requested. With `ready`, it also waits until the page is ready. With
// `wholeContext`, the requests are those of the whole context (a worker's
// included), not only the page's. `setup(page)`, if given, runs before the
// page is loaded (routes that hold a request, say).
export async function open(url = "/index.html", options = {}, { ready: wait = false, wholeContext = false, setup = null } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const page = await ctx.newPage();
  const problems = [];
  const requested = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  (wholeContext ? ctx : page).on("request", (r) => {
    requested.push(r.url());
    const u = new URL(r.url());
    if (!["127.0.0.1", ""].includes(u.hostname) && !["data:", "blob:"].includes(u.protocol)) problems.push(`request: ${r.url()}`);
  });
  if (setup) await setup(page);
  await page.goto(base + url);
  if (wait) await ready(page);
  return { ctx, page, problems, requested };
}

export async function ready(page) {
  await page.waitForFunction(() => document.documentElement.dataset.ready === "1", null, { timeout: 15000 });
}

// The section `id` of `page`, scrolled to as a reader would, once its
// controls (parameters, downloads, table, embed) are built: the page builds
// them as a section comes near the screen (app.js, watchControls).
export async function nearSection(page, id) {
  const sec = page.locator(`section#${id}`);
  await sec.scrollIntoViewIfNeeded();
  await sec.locator(".controls fieldset.params").waitFor({ state: "attached", timeout: 10000 });
  return sec;
}

// Closes the page's context; the page must have had no console error and
// made no request beyond 127.0.0.1.
export async function done({ ctx, problems }) {
  await ctx.close();
  assert.deepEqual(problems, [], "no console errors and no requests beyond 127.0.0.1");
}

// The segment numbers a diagram under `locator` draws, each as its own
// arrow or in a bundle arrow's range (a windowed run's closed bundle keeps
// its members out of the DOM until it opens: web/bundles.js), sorted; for
// comparison with 0..n-1 of the CLI's trace.
export const drawnSegments = (locator) =>
  locator.evaluate((el) => {
    const ids = new Set();
    for (const g of el.querySelectorAll("[data-packet]")) ids.add(Number(g.dataset.packet));
    for (const b of el.querySelectorAll(".bundle")) for (let i = Number(b.dataset.first); i <= Number(b.dataset.last); i++) ids.add(i);
    return [...ids].sort((a, b) => a - b);
  });
export const upTo = (n) => Array.from({ length: n }, (_, i) => i);
