// What the page benchmarks (scripts/bench-*.mjs) share: a built site served
// on 127.0.0.1 and headless Chromium driven by playwright-core.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// DIST names another built site (a baseline, for before/after figures).
export const dist = process.env.DIST ? path.resolve(process.env.DIST) : path.join(root, "dist");
export const MIME = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".svg": "image/svg+xml", ".json": "application/json" };
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

// Serves the directory `dir` (dist/ by default) on 127.0.0.1 (a free port);
// `extra` maps a path to [content type, body] served there instead. Gives
// the server and its address ("http://127.0.0.1:PORT").
export async function serve(dir = dist, extra = {}) {
  const top = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const p = new URL(req.url, "http://x").pathname;
    if (Object.hasOwn(extra, p)) {
      res.writeHead(200, { "content-type": extra[p][0] });
      return res.end(extra[p][1]);
    }
    const file = path.join(top, p === "/" ? "index.html" : decodeURIComponent(p));
    if (!file.startsWith(top) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "content-type": MIME[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

// Debian's Chromium (CHROMIUM names another build), headless.
export function launch(args = CHROMIUM_ARGS) {
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args });
}
