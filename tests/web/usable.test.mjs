// Page tests for issue 17's reader walk (items 1, 3, 4, 6, 7, 8, 9): the
// edited field stays put and the answer sits beside it, the embed's height
// both ways and its theme, the snippet embeds what is on screen, stepping
// hides what has not happened, one language at a time, state that
// survives, the image. In Debian's Chromium at 1440×900 and 390×844
// (tests/web/harness.mjs). No timing is asserted.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { execFileSync } from "node:child_process";
import { cli, browser, base, useSite, open, ready, done, nearSection } from "./harness.mjs";

const DESKTOP = { viewport: { width: 1440, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };
const SIZES = [
  ["1440×900", DESKTOP],
  ["390×844", PHONE],
];

// A blog page holding the snippet a test puts here, and a parent page
// whose iframe's width a test changes.
let blog = "";
const PARENT = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>parent</title>
<iframe id="f" src="/embed.html?scenario=host-crash-data-no-reboot&lang=zh" style="width:800px;height:100px;border:0"></iframe>
<script>window.heights=[];addEventListener("message",e=>{if(e.data&&e.data.type==="tcpsim-embed-height"){window.heights.push(e.data.height);document.getElementById("f").style.height=e.data.height+"px";}});</script>`;
useSite({ routes: { "/__blog.html": () => blog, "/__parent17.html": () => PARENT } });

function cliHeadline(id, lang, sets = []) {
  const args = ["run", id, "--format", "text", "--lang", lang, ...sets.flatMap((s) => ["--set", s])];
  return execFileSync(cli, args, { encoding: "utf8" }).split("\n")[2].replace(/^(outcome: |结局：)/, "");
}
function cliPackets(id, sets = []) {
  const args = ["run", id, "--format", "json", ...sets.flatMap((s) => ["--set", s])];
  return JSON.parse(execFileSync(cli, args, { encoding: "utf8" })).packets.length;
}
const CJK = /[\u3400-\u9fff]/;

for (const [size, opts] of SIZES) {
  test(`${size}: editing tcp_retries2 keeps the field where it was, and the answer beside it follows`, async () => {
    const s = await open("/index.html", opts, { ready: true });
    const sec = await nearSection(s.page, "host-crash-data-no-reboot");
    const input = sec.locator('input[name="tcp_retries2"]');
    await input.scrollIntoViewIfNeeded();
    await input.evaluate((el) => el.scrollIntoView({ block: "center" }));
    const top = () => input.evaluate((el) => el.getBoundingClientRect().top);
    const before = await top();
    const svgH = () => sec.locator("svg[data-scenario]").evaluate((el) => el.getBoundingClientRect().height);
    const hBefore = await svgH();
    const n5 = cliPackets("host-crash-data-no-reboot", ["tcp_retries2=5"]);
    await input.fill("5");
    await s.page.waitForFunction((n) => document.querySelectorAll("#host-crash-data-no-reboot [data-packet]").length === n, n5);
    const hAfter = await svgH();
    assert.ok(hBefore - hAfter > 100, `the diagram got shorter (${hBefore} → ${hAfter} px)`);
    const after = await top();
    assert.ok(Math.abs(after - before) < 2, `the field stayed at ${before} px (now ${after} px)`);
    assert.ok(after > 0 && after < opts.viewport.height, "and in view");
    // The answer beside the fields: the headline of the new run.
    const answer = sec.locator(".params .answer");
    assert.equal(await answer.textContent(), cliHeadline("host-crash-data-no-reboot", "zh", ["tcp_retries2=5"]));
    const a = await answer.evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(a >= 0 && a < opts.viewport.height, `the answer is on screen (${a} px)`);
    assert.ok(Math.abs(a - after) < opts.viewport.height * 0.8, "near the field");
    await done(s);
  });
}

test("the embed reports its content's height both ways, and fits a light page unless told", async () => {
  const p = await open("/__parent17.html", { ...DESKTOP, colorScheme: "dark" });
  await p.page.waitForFunction(() => window.heights.length > 0, null, { timeout: 15000 });
  const frame = () => p.page.frames().find((f) => f.url().includes("embed.html"));
  await frame().waitForFunction(() => document.documentElement.dataset.ready === "1");
  const wide = await p.page.evaluate(() => window.heights.at(-1));
  // A phone's column: the content's height changes (below 640 px the
  // diagram keeps a readable size and scrolls sideways, so it may grow or
  // shrink), and the iframe is told so; back to the wide column, the
  // height goes back: one change each way.
  await p.page.evaluate(() => (document.getElementById("f").style.width = "390px"));
  await p.page.waitForFunction((w) => Math.abs(window.heights.at(-1) - w) > 20, wide, { timeout: 15000 });
  const narrow = await p.page.evaluate(() => window.heights.at(-1));
  // The iframe, now that tall, has no blank space under the content.
  const inner = await frame().evaluate(() => Math.ceil(document.querySelector("main").getBoundingClientRect().bottom));
  assert.ok(Math.abs(inner - narrow) <= 20, `content ${inner} px, reported ${narrow} px`);
  await p.page.evaluate(() => (document.getElementById("f").style.width = "800px"));
  await p.page.waitForFunction((w) => window.heights.at(-1) === w, wide, { timeout: 15000 });
  // Both ways: the reported heights went up once and down once.
  const steps = await p.page.evaluate(() => window.heights.slice(1).map((h, i) => Math.sign(h - window.heights[i])));
  assert.ok(steps.includes(1) && steps.includes(-1), `heights ${await p.page.evaluate(() => window.heights.join(", "))}`);
  // Light by default even on a dark system (the blog's page is light).
  const bg = (f) => f.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const lum = (c) => c.match(/\d+/g).slice(0, 3).reduce((a, v) => a + Number(v), 0);
  assert.ok(lum(await bg(frame())) > 600, `light background: ${await bg(frame())}`);
  await done(p);
  for (const [theme, dark] of [
    ["dark", true],
    ["auto", true],
    ["light", false],
  ]) {
    const e = await open(`/embed.html?scenario=process-crash&theme=${theme}`, { colorScheme: "dark" }, { ready: true });
    assert.equal(lum(await bg(e.page)) < 200, dark, `theme=${theme}: ${await bg(e.page)}`);
    await done(e);
  }
  const bad = await open("/embed.html?scenario=process-crash&theme=purple", {}, { ready: true });
  assert.match(await bad.page.locator("#notice").textContent(), /theme=purple（只能是 light、dark、auto）/);
  await done(bad);
});

test("the snippet embeds the diagram on screen: scenario, changed parameters, language, theme", async () => {
  const s = await open("/index.html", { ...DESKTOP, colorScheme: "light" }, { ready: true });
  const sec = await nearSection(s.page, "host-crash-data-no-reboot");
  await sec.locator('input[name="tcp_retries2"]').fill("6");
  await sec.locator('input[name="tcp_rto_min"]').fill("300");
  const n = cliPackets("host-crash-data-no-reboot", ["tcp_retries2=6", "tcp_rto_min=300"]);
  await s.page.waitForFunction((n) => document.querySelectorAll("#host-crash-data-no-reboot [data-packet]").length === n, n);
  await s.page.click("#theme-toggle");
  await sec.locator("details.embed summary").click();
  const box = sec.locator("details.embed textarea");
  await s.page.waitForFunction(() => /theme=dark/.test(document.querySelector("#host-crash-data-no-reboot details.embed textarea").value));
  let snippet = await box.inputValue();
  const src = new URL(snippet.match(/<iframe src="([^"]+)"/)[1].replace(/&amp;/g, "&"));
  assert.equal(src.pathname, "/embed.html");
  const q = Object.fromEntries(src.searchParams);
  assert.deepEqual(q, { scenario: "host-crash-data-no-reboot", tcp_retries2: "6", tcp_rto_min: "300", lang: "zh", theme: "dark" });
  assert.match(snippet, /loading="lazy"/);
  // It follows a later change while open.
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  await s.page.locator("section#host-crash-data-no-reboot details.embed summary").click();
  await s.page.waitForFunction(() => /lang=en/.test(document.querySelector("#host-crash-data-no-reboot details.embed textarea").value));
  snippet = await s.page.locator("section#host-crash-data-no-reboot details.embed textarea").inputValue();
  await done(s);
  // Pasted into a light blog page: the same run, in the same language and theme.
  blog = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>blog</title><body style="background:#fff;max-width:700px">${snippet}`;
  const b = await open("/__blog.html", DESKTOP);
  await b.page.waitForFunction(() => parseFloat(document.querySelector("iframe").style.height) > 200, null, { timeout: 15000 });
  const f = b.page.frames().find((x) => x.url().includes("embed.html"));
  await f.waitForFunction(() => document.documentElement.dataset.ready === "1");
  assert.equal(await f.evaluate(() => document.querySelectorAll("[data-packet]").length), n);
  assert.equal(await f.evaluate(() => document.documentElement.lang), "en");
  assert.equal(await f.evaluate(() => document.documentElement.dataset.theme), "dark");
  await done(b);
});

test("stepping hides what has not happened yet; a segment clicked moves the timeline to it", async () => {
  for (const [, opts] of SIZES) {
    const s = await open("/index.html#s=process-crash&unread_data=1", opts, { ready: true });
    const sec = s.page.locator("section#process-crash");
    const visible = (re) =>
      sec.evaluate(
        (el, src) =>
          [...el.querySelectorAll(".live-diagram svg text")]
            .filter((t) => new RegExp(src).test(t.textContent))
            .map((t) => getComputedStyle(t).visibility === "visible"),
        re.source,
      );
    assert.ok((await visible(/ECONNRESET/)).every(Boolean), "all drawn when not stepping");
    assert.ok((await visible(/^CLOSED$/)).length > 0);
    for (let i = 0; i < 3; i++) await sec.locator("button.step").click();
    assert.equal(await sec.locator("[data-packet].current").getAttribute("data-packet"), "2");
    const reset = await visible(/ECONNRESET/);
    const closed = await visible(/^CLOSED$/);
    assert.ok(reset.length > 0 && closed.length > 0);
    assert.deepEqual([...reset, ...closed].filter(Boolean), [], "at step 3 the ending is hidden");
    assert.ok((await visible(/^ESTABLISHED$/)).some(Boolean), "what did happen is shown");
    // A click on segment 4: the timeline moves there.
    await sec.locator('[data-packet="4"] path.hit').dispatchEvent("click");
    assert.equal(await sec.locator("[data-packet].current").getAttribute("data-packet"), "4");
    assert.equal(await sec.locator("input.scrub").inputValue(), "5");
    assert.equal(await sec.locator("[data-packet]:not(.dim)").count(), 5);
    await done(s);
  }
  // The embed steps the same way.
  const e = await open("/embed.html?scenario=process-crash&unread_data=1", PHONE, { ready: true });
  const hidden = () => e.page.evaluate(() => [...document.querySelectorAll("svg text")].filter((t) => /ECONNRESET|^CLOSED$/.test(t.textContent)).map((t) => getComputedStyle(t).visibility));
  assert.ok((await hidden()).every((v) => v === "visible"));
  for (let i = 0; i < 3; i++) await e.page.locator("button.step").click();
  const v = await hidden();
  assert.ok(v.length >= 2 && v.every((x) => x === "hidden"), JSON.stringify(v));
  await e.page.locator('[data-packet="4"] path.hit').dispatchEvent("click");
  assert.equal(await e.page.locator("[data-packet].current").getAttribute("data-packet"), "4");
  await done(e);
});

test("one language at a time: messages, units, hosts, durations and the ss view", async () => {
  const s = await open("/index.html#s=host-crash-data-no-reboot&tcp_retries2=99", DESKTOP, { ready: true });
  const sec = s.page.locator("section#host-crash-data-no-reboot");
  const notice = await s.page.locator("#notice").textContent();
  const err = sec.locator('input[name="tcp_retries2"]').locator("xpath=..").locator(".param-error");
  for (const text of [notice, await err.textContent()]) {
    assert.match(text, /tcp_retries2 = 99 超出范围，允许 1…50 次/);
    assert.doesNotMatch(text, /out of range|allowed|count/);
  }
  // Units of every field in Chinese.
  const helps = await s.page.locator(".param-help").allTextContents();
  for (const h of helps) assert.doesNotMatch(h, /\d (count|number|bytes|ms|s)$/, h);
  assert.ok(helps.some((h) => / 次$/.test(h)) && helps.some((h) => / 字节$/.test(h)));
  // Host names and durations in the diagrams.
  const svgText = await s.page.locator("section#keepalive-peer-dead svg").textContent();
  assert.match(svgText, /客户端/);
  assert.doesNotMatch(svgText, /\bclient\b|\bserver\b| min\b| h \d/);
  assert.match(svgText, /过了 \d+ 小时 \d+ 分/);
  // The inspector's ss view: its own words in Chinese, ss's output as ss prints it.
  const ka = s.page.locator("section#keepalive-peer-dead");
  await ka.locator('[data-why="keepalive_probe"]').first().dispatchEvent("click");
  await s.page.waitForFunction(() => /ss -tnoi/.test(document.querySelector("#keepalive-peer-dead .inspector .ss")?.textContent || ""));
  const ss = await ka.locator(".inspector .ss").textContent();
  assert.match(ss, /主机已宕机/);
  assert.doesNotMatch(ss, /host down|no connection/);
  assert.match(await ka.locator(".inspector-body").textContent(), /服务端 → 客户端/);
  // In English: the same, the other way.
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  const enErr = await sec.locator('input[name="tcp_retries2"]').locator("xpath=..").locator(".param-error").textContent();
  assert.match(enErr, /tcp_retries2 = 99 is out of range; allowed: 1…50/);
  assert.doesNotMatch(enErr + (await s.page.locator("#notice").textContent()), CJK);
  const enSvg = await s.page.locator("section#keepalive-peer-dead svg").textContent();
  assert.doesNotMatch(enSvg, CJK);
  await done(s);
});

test("a file that is no capture is named in a sentence, not a hex dump", async () => {
  for (const lang of ["zh", "en"]) {
    const s = await open(lang === "en" ? "/index.html#lang=en" : "/index.html", DESKTOP, { ready: true });
    await s.page.locator("#capture input[type=file]").setInputFiles({ name: "page.html", mimeType: "text/html", buffer: Buffer.from("<!doctype html><p>hello</p>") });
    const box = s.page.locator("#capture .capture-error");
    await box.waitFor({ state: "visible", timeout: 15000 });
    const text = await box.textContent();
    assert.doesNotMatch(text, /\b[0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2}\b/, text);
    assert.match(text, lang === "zh" ? /这不是抓包文件，看起来是 ?XML 或 HTML/ : /not a capture file; it looks like XML or HTML/);
    await done(s);
  }
});

test("state that survives: the hash in the controls, a language switch, the theme, a huge value", async () => {
  // A value the simulator reads is shown as it reads it.
  let s = await open("/index.html#s=process-crash&unread_data=yes&rtt_ms=+5", DESKTOP, { ready: true });
  let sec = s.page.locator("section#process-crash");
  assert.equal(await sec.locator('input[name="unread_data"]').isChecked(), true);
  assert.equal(await sec.locator('input[name="rtt_ms"]').inputValue(), "5");
  assert.equal(await sec.locator('[data-flags*="R"]').count() > 0, true, "unread data: a RST is drawn");
  await done(s);
  // One it refuses: the defaults drawn and shown, the value named beside its field.
  s = await open("/index.html#s=process-crash&crash_at=3&rtt_ms=0", DESKTOP, { ready: true });
  sec = s.page.locator("section#process-crash");
  assert.equal(await sec.locator('input[name="rtt_ms"]').inputValue(), "20");
  assert.equal(await sec.locator('input[name="crash_at"]').inputValue(), "10");
  assert.equal(await sec.locator("[data-packet]").count(), cliPackets("process-crash"));
  assert.match(await sec.locator('input[name="rtt_ms"]').locator("xpath=..").locator(".param-error").textContent(), /rtt_ms = 0 超出范围/);
  // The language switch keeps the link and the message.
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  assert.equal(await s.page.evaluate(() => location.hash), "#s=process-crash&lang=en&crash_at=3&rtt_ms=0");
  assert.match(await sec.locator('input[name="rtt_ms"]').locator("xpath=..").locator(".param-error").textContent(), /rtt_ms = 0 is out of range/);
  assert.equal(await sec.locator('input[name="rtt_ms"]').locator("xpath=..").locator(".param-error").isVisible(), true);
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "zh-CN");
  assert.equal(await s.page.evaluate(() => location.hash), "#s=process-crash&crash_at=3&rtt_ms=0");
  // An edit that is drawn writes the drawn values.
  await sec.locator('input[name="crash_at"]').fill("3");
  await s.page.waitForFunction(() => /crash_at=3/.test(location.hash) && !/rtt_ms/.test(location.hash));
  await done(s);
  // The theme choice outlives a reload.
  const ctx = await browser.newContext({ ...DESKTOP, colorScheme: "light" });
  const page = await ctx.newPage();
  await page.goto(base + "/index.html");
  await page.waitForFunction(() => document.documentElement.dataset.ready === "1");
  await page.click("#theme-toggle");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "1");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  assert.equal(await page.locator("#theme-toggle").getAttribute("aria-pressed"), "true");
  await ctx.close();
  // A megabyte in the hash: the notice quotes 40 characters and the length.
  const huge = "9".repeat(1 << 20);
  s = await open(`/index.html#s=keepalive-peer-dead&tcp_keepalive_probes=${huge}`, DESKTOP, { ready: true });
  const notice = await s.page.locator("#notice").textContent();
  assert.ok(notice.length < 200, `${notice.length} characters`);
  assert.match(notice, /共 1048576 个字符/);
  const fieldErr = await s.page.locator('#keepalive-peer-dead input[name="tcp_keepalive_probes"]').locator("xpath=..").locator(".param-error").textContent();
  assert.ok(fieldErr.length < 200);
  await done(s);
});

test("save as image: a PNG at twice the diagram's size, with its headline, parameters and link", async () => {
  const s = await open("/index.html#s=host-crash-data-no-reboot&tcp_retries2=5", { ...DESKTOP, acceptDownloads: true }, { ready: true });
  const sec = s.page.locator("section#host-crash-data-no-reboot");
  const svgW = await sec.locator("svg[data-scenario]").evaluate((el) => Number(el.getAttribute("width")));
  const [download] = await Promise.all([s.page.waitForEvent("download"), sec.locator("button.dl-png").click()]);
  assert.equal(download.suggestedFilename(), "host-crash-data-no-reboot.png");
  const bytes = fs.readFileSync(await download.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const w = bytes.readUInt32BE(16);
  const h = bytes.readUInt32BE(20);
  assert.equal(w, 2 * (svgW + 48), `${w} px wide`);
  assert.ok(h > 2 * 300, `${h} px tall`);
  // The share module came on demand, not with the page.
  const first = s.requested.filter((u) => /share/.test(u));
  assert.equal(first.length, 1);
  await done(s);
});

test("the inspector's ss -tnoi box shows all of its text (wrapped, not cut)", async () => {
  const s = await open("/index.html", DESKTOP, { ready: true });
  const sec = s.page.locator("section#keepalive-peer-dead");
  await sec.locator('[data-packet="3"]').dispatchEvent("click");
  await s.page.waitForFunction(() => /ESTAB/.test(document.querySelector("#keepalive-peer-dead .inspector .ss")?.textContent || ""));
  const [sw, cw] = await sec.locator(".inspector .ss pre").evaluate((el) => [el.scrollWidth, el.clientWidth]);
  assert.ok(sw <= cw + 1, `scroll width ${sw} within ${cw}`);
  await done(s);
});

test("the explorer's before and after: Linux's defaults against the reader's settings, with a link and an image", async () => {
  const s = await open("/index.html", { ...DESKTOP, acceptDownloads: true }, { ready: true });
  await s.page.locator("#detect-faster .explorer-open").click();
  await s.page.waitForFunction(() => document.getElementById("detect-faster").dataset.mounted === "1");
  const X = s.page.locator("#detect-faster");
  await X.locator("#xp-case-data").check();
  const cmp = X.locator(".explorer-compare");
  await s.page.waitForFunction(() => /与 Linux 默认值相同/.test(document.querySelector("#detect-faster .explorer-compare")?.textContent || ""));
  const base = Number(await cmp.getAttribute("data-before"));
  // tcp_retries2's 15 with Linux's RTO bounds: 924.6 s of backoff after the write, plus the first RTO's rounding.
  assert.ok(base > 924 && base < 1000, `${base} s`);
  await X.locator('input[name="user_timeout"]').fill("20000");
  await s.page.waitForFunction(() => /→ 你的设置：2\d(\.\d)? 秒/.test(document.querySelector("#detect-faster .explorer-compare").textContent));
  const text = await cmp.locator(".explorer-compare-text").textContent();
  assert.match(text, /^Linux 默认值：15 分 \d+ 秒 → 你的设置：2\d(\.\d)? 秒$/);
  const after = Number(await cmp.getAttribute("data-after"));
  assert.ok(after >= 20 && after < 30, `${after} s`);
  const href = await cmp.locator("a.explorer-share").getAttribute("href");
  assert.match(href, /#detect-faster&case=data&preset=linux&.*user_timeout=20000/);
  const [download] = await Promise.all([s.page.waitForEvent("download"), cmp.locator("button.explorer-png").click()]);
  const bytes = fs.readFileSync(await download.path());
  assert.equal(bytes.readUInt32BE(12), 0x49484452, "a PNG");
  assert.equal(bytes.readUInt32BE(16), 2 * (760 + 48), "twice the diagrams' width");
  await done(s);
  // The link restores the setting and the comparison.
  const t = await open(new URL(href).pathname + new URL(href).hash, DESKTOP, { ready: true });
  await t.page.waitForFunction(() => document.getElementById("detect-faster").dataset.mounted === "1", null, { timeout: 15000 });
  assert.equal(await t.page.locator('#detect-faster input[name="user_timeout"]').inputValue(), "20000");
  assert.equal(await t.page.locator("#xp-case-data").isChecked(), true);
  await t.page.waitForFunction((a) => document.querySelector("#detect-faster .explorer-compare")?.dataset.after === a, String(after));
  await done(t);
});
