// Screenshots of the built page (issue 17's note): serves dist/ on
// 127.0.0.1 like the page tests' harness and writes PNGs to docs/screens/:
//   first-screen-zh.png, first-screen-en.png   1440x900 desktop, first screen
//   first-screen-phone-zh.png                  390x844 phone, first screen
//   phone-section.png                          390x844, a scenario section
//   embed-light-blog.png, embed-dark-blog.png  the embed in a 700 px column
//                                              of a light and a dark blog page
//   embed-phone.png                            the same light blog on a phone
//   node scripts/screenshots.mjs    (after bash scripts/build-web.sh)
// The blog pages are written here (a column of text, the README's iframe
// snippet and height listener); the embed's theme follows the blog's
// (theme=light, theme=dark). Screens are taken at device scale 1 for the
// desktop and 2 for the phone, and saved as PNG; nothing is asserted.
import fs from "node:fs";
import path from "node:path";
import http from "node:http";
import zlib from "node:zlib";
import { dist, root, MIME, launch } from "./bench-common.mjs";

const out = path.join(root, "docs/screens");
fs.mkdirSync(out, { recursive: true });
if (!fs.existsSync(path.join(dist, "index.html"))) {
  console.error("screenshots: dist/ is not built (bash scripts/build-web.sh)");
  process.exit(1);
}

// Chromium writes its PNGs with fast compression. A screen over 300 KB
// (the Chinese desktop one: its text's anti-aliasing) is written again with
// 5 bits per colour channel, the Paeth filter on every row and deflate at
// level 9: to the eye the same picture, about a third smaller.
function shrink(file) {
  const png = fs.readFileSync(file);
  if (png.length <= 300 * 1024) return;
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    chunks.push([png.toString("latin1", at + 4, at + 8), png.subarray(at + 8, at + 8 + len)]);
    at += 12 + len;
  }
  const ihdr = chunks[0][1];
  const [w, h, depth, color] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]];
  const bpp = { 2: 3, 6: 4 }[color];
  if (depth !== 8 || !bpp || ihdr[12] !== 0) return; // only 8-bit RGB(A), not interlaced
  const data = zlib.inflateSync(Buffer.concat(chunks.filter(([t]) => t === "IDAT").map(([, d]) => d)));
  const stride = w * bpp;
  const paeth = (a, b, c) => {
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  const raw = Buffer.alloc(h * stride);
  for (let y = 0; y < h; y++) {
    const f = data[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = data[y * (stride + 1) + 1 + x];
      const a = x >= bpp ? raw[y * stride + x - bpp] : 0;
      const b = y > 0 ? raw[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? raw[(y - 1) * stride + x - bpp] : 0;
      raw[y * stride + x] = (v + [0, a, b, (a + b) >> 1, paeth(a, b, c)][f]) & 255;
    }
  }
  for (let i = 0; i < raw.length; i++) raw[i] = (raw[i] & 0xf8) | (raw[i] >> 5);
  const out = Buffer.alloc(h * (stride + 1));
  for (let y = 0; y < h; y++) {
    out[y * (stride + 1)] = 4;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? raw[y * stride + x - bpp] : 0;
      const b = y > 0 ? raw[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? raw[(y - 1) * stride + x - bpp] : 0;
      out[y * (stride + 1) + 1 + x] = (raw[y * stride + x] - paeth(a, b, c)) & 255;
    }
  }
  const chunk = (type, body) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length);
    head.write(type, 4, "latin1");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), body])));
    return Buffer.concat([head, body, crc]);
  };
  fs.writeFileSync(file, Buffer.concat([png.subarray(0, 8), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(out, { level: 9, memLevel: 9 })), chunk("IEND", Buffer.alloc(0))]));
}

// A blog article in a 700 px column around the embed, as the README
// tells a host page to embed it.
const blog = (theme) => {
  const dark = theme === "dark";
  const src = `embed.html?scenario=host-crash-data-no-reboot&amp;tcp_retries2=6&amp;lang=zh&amp;theme=${theme}`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>blog</title>
<style>body{margin:0;background:${dark ? "#16181d" : "#fdfdfb"};color:${dark ? "#d7dae0" : "#222"};font:17px/1.75 "Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif}
article{max-width:700px;margin:0 auto;padding:24px 16px}h1{font-size:26px;line-height:1.3}</style></head><body><article>
<h1>对端主机崩溃后，服务端的重传要多久才放弃？</h1>
<p>服务端还在发数据，客户端的主机却已经断电。下面这张时序图由模拟器按 Linux 的规则算出，<code>tcp_retries2</code> 设成了 6：看看重传多久之后放弃。</p>
<iframe src="${src}" title="TCP Crash Lab: host-crash-data-no-reboot" width="100%" height="640" style="border:0" loading="lazy"></iframe>
<p>改小 <code>tcp_retries2</code> 能让应用更快得到 ETIMEDOUT，代价是网络抖动时更容易误判。</p>
</article>
<script src="blog-listener.js"></script></body></html>`;
};
const LISTENER = `addEventListener("message", (e) => {
  const h = e.data && e.data.type === "tcpsim-embed-height" ? Number(e.data.height) : 0;
  if (!(h > 0 && h < 1e5)) return;
  for (const f of document.querySelectorAll("iframe")) if (f.contentWindow === e.source) { f.style.height = h + "px"; document.documentElement.dataset.embedded = "1"; }
});`;
const extra = { "/__blog-light.html": ["text/html", blog("light")], "/__blog-dark.html": ["text/html", blog("dark")], "/blog-listener.js": ["text/javascript", LISTENER] };

const server = http.createServer((req, res) => {
  const p = new URL(req.url, "http://x").pathname;
  if (Object.hasOwn(extra, p)) {
    res.writeHead(200, { "content-type": `${extra[p][0]}; charset=utf-8` });
    return res.end(extra[p][1]);
  }
  const file = path.join(dist, decodeURIComponent(p === "/" ? "/index.html" : p));
  if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { "content-type": MIME[path.extname(file)] || "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();

const DESKTOP = { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function shot(name, options, url, prepare = async () => {}) {
  const ctx = await browser.newContext({ colorScheme: "light", ...options });
  const page = await ctx.newPage();
  await page.goto(`${base}/${url}`);
  await prepare(page);
  // Fonts and the last frame in.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  const file = path.join(out, name);
  await page.screenshot({ path: file });
  shrink(file);
  await ctx.close();
  console.log(`${path.relative(root, file)}: ${fs.statSync(file).size} B`);
}
const ready = (page) => page.waitForFunction(() => document.documentElement.dataset.ready === "1", null, { timeout: 60000 });

await shot("first-screen-zh.png", DESKTOP, "index.html", ready);
await shot("first-screen-en.png", DESKTOP, "index.html#lang=en", ready);
await shot("first-screen-phone-zh.png", PHONE, "index.html", ready);
// A phone section: its headline and diagram first, the explanation folded.
await shot("phone-section.png", PHONE, "index.html#s=host-crash-data-no-reboot", async (page) => {
  await ready(page);
  await page.evaluate(() => document.getElementById("host-crash-data-no-reboot").scrollIntoView({ block: "start" }));
});
// The embed in a blog: the frame's own height message sets its height;
// the picture starts with the article's title and first paragraph above it.
const inBlog = async (page) => {
  await page.waitForFunction(() => document.documentElement.dataset.embedded === "1", null, { timeout: 60000 });
  await page.evaluate(() => window.scrollTo(0, Math.max(0, document.querySelector("h1").getBoundingClientRect().top + scrollY - 16)));
};
await shot("embed-light-blog.png", { ...DESKTOP, viewport: { width: 1000, height: 900 } }, "__blog-light.html", inBlog);
await shot("embed-dark-blog.png", { ...DESKTOP, viewport: { width: 1000, height: 900 }, colorScheme: "dark" }, "__blog-dark.html", inBlog);
await shot("embed-phone.png", PHONE, "__blog-light.html", inBlog);

await browser.close();
server.close();
