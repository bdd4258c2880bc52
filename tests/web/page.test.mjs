// Page tests: the built site (dist/) in Debian's Chromium, driven by
// playwright-core, served on 127.0.0.1 (tests/web/harness.mjs). Run with
// `node --test tests/web/` after `bash scripts/build-web.sh`.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { root, cli, base, browser, useSite, open, ready, done, drawnSegments, upTo, nearSection } from "./harness.mjs";

const artifacts = path.join(root, "tests/web/artifacts");
// A parent page for the embed: it records the heights the iframe reports.
const PARENT = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>parent</title>
<iframe id="f" src="/embed.html?scenario=kill-from-outside&lang=en" style="width:800px;height:100px;border:0"></iframe>
<script>window.heights=[];addEventListener("message",e=>{if(e.data&&e.data.type==="tcpsim-embed-height"){window.heights.push(e.data.height);document.getElementById("f").style.height=e.data.height+"px";}});</script>`;

// A blog page with a snippet the test puts here (served as /__snippet.html).
let snippetPage = "";

useSite({ routes: { "/__snippet.html": () => snippetPage, "/__parent.html": () => PARENT } });
before(() => fs.mkdirSync(artifacts, { recursive: true }));

// The headline the CLI prints for a run (the text diagram's third line).
function cliHeadline(id, lang, sets = []) {
  const args = ["run", id, "--format", "text", "--lang", lang, ...sets.flatMap((s) => ["--set", s])];
  return execFileSync(cli, args, { encoding: "utf8" }).split("\n")[2].replace(/^(outcome: |结局：)/, "");
}

function cliJson(id, sets = []) {
  const args = ["run", id, "--format", "json", ...sets.flatMap((s) => ["--set", s])];
  return JSON.parse(execFileSync(cli, args, { encoding: "utf8" }));
}

const ids = execFileSync(cli, ["list"], { encoding: "utf8" })
  .trim()
  .split("\n")
  .map((l) => l.split(/\s+/)[0]);

// The windowed sections are drawn by the tools module (the first-load wasm
// is built without tcpsim's `windowed` feature) when they come near the
// viewport: scroll to each, wait for its diagram, and go back to the top.
const WINDOWED = ["peer-hung", "host-crash-bulk"];
async function drawWindowed(page) {
  for (const id of WINDOWED) {
    await page.locator(`section#${id}`).scrollIntoViewIfNeeded();
    await page.locator(`section#${id} svg[data-scenario="${id}"] [data-packet]`).first().waitFor({ timeout: 15000 });
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

test("the windowed sections are drawn by the tools module once scrolled to, and step like the others", async () => {
  const s = await open("/index.html");
  await ready(s.page);
  const fetched = () => s.page.evaluate(() => performance.getEntriesByType("resource").some((r) => r.name.includes("tcpsim_tools")));
  assert.equal(await fetched(), false, "the tools module is not part of the first load");
  for (const id of WINDOWED) assert.equal(await s.page.locator(`section#${id} svg`).count(), 0, `${id} not drawn before it is near`);
  await drawWindowed(s.page);
  assert.equal(await fetched(), true);
  const zh = JSON.parse(execFileSync(cli, ["catalog", "--lang", "zh"], { encoding: "utf8" })).scenarios;
  for (const id of WINDOWED) {
    const sec = s.page.locator(`section#${id}`);
    await sec.scrollIntoViewIfNeeded();
    // Its steps and parameter labels come with it (texts-windowed.js).
    const cat = zh.find((x) => x.id === id);
    assert.deepEqual(await sec.locator("ol.steps li").evaluateAll((li) => li.map((x) => x.innerHTML)), cat.steps);
    const label = cat.params.find((p) => p.name === "so_sndbuf").label;
    assert.ok((await sec.locator('label[for$="--so_sndbuf"]').textContent()).includes(label), `${id}: so_sndbuf labelled`);
    const want = cliJson(id).packets.length;
    assert.ok(want > 10, `${id} has many segments`);
    // Each segment, as its own arrow or in a closed bundle's range (whose
    // members go in when it opens: web/bundles.js).
    assert.deepEqual(await drawnSegments(sec.locator(".live-diagram")), upTo(want), id);
    assert.equal(await sec.locator(".headline").textContent(), cliHeadline(id, "zh"));
    // Stepping: from the whole run, two steps show the first two segments.
    await sec.locator("button.step").click();
    await sec.locator("button.step").click();
    assert.equal(await sec.locator(".scrub-label").textContent(), `2 / ${want}`);
    assert.ok((await sec.locator("[data-packet].dim").count()) > 0, `${id}: later segments dimmed`);
    assert.ok((await sec.locator(`input[name]`).count()) > 0, `${id}: its parameters are editable`);
  }
  await done(s);
});

test("a link to a windowed section draws it with the link's parameters", async () => {
  const s = await open("/index.html#s=peer-hung&tcp_user_timeout=5000");
  await ready(s.page);
  const sec = s.page.locator("section#peer-hung");
  await sec.locator('svg[data-scenario="peer-hung"] [data-packet]').first().waitFor({ timeout: 15000 });
  const want = cliJson("peer-hung", ["tcp_user_timeout=5000"]).packets.length;
  // Each segment, as its own arrow or in a (closed) bundle's range.
  assert.deepEqual(await drawnSegments(sec.locator(".live-diagram")), upTo(want));
  assert.equal(await sec.locator(".headline").textContent(), cliHeadline("peer-hung", "zh", ["tcp_user_timeout=5000"]));
  assert.equal(await sec.locator('input[name="tcp_user_timeout"]').inputValue(), "5000");
  assert.equal(await s.page.locator("#notice").isVisible(), false);
  await done(s);
});

// peer-hung opened by a link setting `sets` (in `lang`, if given): its
// diagram has the CLI's segments and the CLI's window updates.
async function peerHungAsTheCli(sets, lang) {
  const s = await open(`/index.html#s=peer-hung&${lang ? `lang=${lang}&` : ""}` + sets.join("&"));
  await ready(s.page);
  const sec = s.page.locator("section#peer-hung");
  await sec.locator('svg[data-scenario="peer-hung"] [data-packet]').first().waitFor({ timeout: 15000 });
  const sim = cliJson("peer-hung", sets);
  assert.deepEqual(await drawnSegments(sec.locator(".live-diagram")), upTo(sim.packets.length));
  const updates = sim.packets.filter((p) => p.why === "window_update").length;
  assert.equal(await sec.locator('[data-packet][data-why="window_update"]').count(), updates);
  return { s, sec, updates };
}

test("a reader that resumes (resume_at): the page draws the window update the CLI simulates", async () => {
  const sets = ["resume_at=6", "write_bytes=100000"];
  const { s, sec, updates } = await peerHungAsTheCli(sets);
  assert.equal(updates, 1, "the CLI's run has one window update");
  assert.equal(await sec.locator('input[name="resume_at"]').inputValue(), "6");
  assert.equal(await s.page.locator("#notice").isVisible(), false);
  await done(s);
});

test("a reader at a steady rate (read_bytes, read_every_ms): its fields in both languages, the crawl the CLI simulates", async () => {
  const sets = ["read_bytes=4096", "read_every_ms=50", "write_bytes=200000", "so_rcvbuf=16384", "so_sndbuf=16384"];
  for (const lang of ["zh", "en"]) {
    const { s, sec, updates } = await peerHungAsTheCli(sets, lang);
    assert.ok(updates > 1, `the window reopens more than once: ${updates}`);
    assert.equal(await sec.locator(".headline").textContent(), cliHeadline("peer-hung", lang, sets));
    assert.equal(await sec.locator('input[name="read_bytes"]').inputValue(), "4096");
    assert.equal(await sec.locator('input[name="read_every_ms"]').inputValue(), "50");
    // Each field's label and range with its unit, in the page's language.
    const every = await sec.locator('.param:has(input[name="read_every_ms"])').textContent();
    const bytes = await sec.locator('.param:has(input[name="read_bytes"])').textContent();
    if (lang === "zh") {
      assert.match(every, /客户端两次 recv\(\) 的间隔（毫秒）/);
      assert.match(every, /0…60000 毫秒/);
      assert.match(bytes, /0…1048576 字节/);
    } else {
      assert.match(every, /time between the client's recv\(\) calls \(ms\)/);
      assert.match(every, /0…60000 ms/);
      assert.match(bytes, /0…1048576 bytes/);
    }
    assert.equal(await s.page.locator("#notice").isVisible(), false);
    await done(s);
  }
});

test("every scenario is drawn with one element per simulated segment (a windowed one: or its bundle)", async () => {
  const s = await open("/index.html");
  await ready(s.page);
  await drawWindowed(s.page);
  assert.equal(await s.page.locator("section.scenario").count(), ids.length, "a section per scenario of the catalogue");
  for (const id of ids) {
    const want = cliJson(id).packets.length;
    // (A windowed run: a closed bundle's members are in its range, and go
    // in when it opens: web/bundles.js.)
    if (WINDOWED.includes(id)) assert.deepEqual(await drawnSegments(s.page.locator(`section#${id} .live-diagram`)), upTo(want), id);
    else assert.equal(await s.page.locator(`section#${id} svg[data-scenario="${id}"] [data-packet]`).count(), want, id);
  }
  const drawn = await s.page.evaluate(() => performance.getEntriesByName("diagrams-drawn").length);
  assert.equal(drawn, 1, "the diagrams-drawn mark is set once");
  for (const theme of ["light", "dark"]) {
    await s.page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    for (const id of ids) {
      await s.page.locator(`section#${id}`).screenshot({ path: path.join(artifacts, `${id}.${theme}.png`) });
    }
  }
  await done(s);
});

test("a section's fields are built as it comes near, not all at load", async () => {
  // (Chromium's autofill lays out every skipped section that holds a form
  // field, some 100 ms after the fields change: app.js, watchControls.)
  const s = await open("/index.html", { viewport: { width: 1440, height: 900 } });
  await ready(s.page);
  const fields = (id) => s.page.locator(`section#${id} .controls input`).count();
  assert.ok((await fields("process-crash")) > 0, "the first section, near the screen, has its fields");
  assert.equal(await fields("partition-heals"), 0, "a section far below has none yet");
  const built = await s.page.evaluate(() => [...document.querySelectorAll("section.scenario")].filter((x) => x.querySelector(".controls fieldset")).length);
  assert.ok(built <= 3, `${built} sections have their fields at load`);
  const sec = await nearSection(s.page, "partition-heals");
  assert.ok((await sec.locator(".controls input").count()) > 0, "and it has them once the reader comes near");
  await done(s);
});

test("changing tcp_keepalive_probes redraws the diagram and the permalink", async () => {
  const s = await open("/index.html");
  await ready(s.page);
  await drawWindowed(s.page);
  const sec = await nearSection(s.page, "keepalive-peer-dead");
  assert.equal(await sec.locator('[data-why="keepalive_probe"]').count(), 9);
  await sec.locator('input[name="tcp_keepalive_probes"]').fill("3");
  await s.page.waitForFunction(() => document.querySelectorAll('#keepalive-peer-dead [data-why="keepalive_probe"]').length === 3);
  assert.equal(await sec.locator('[data-why="keepalive_probe"]').count(), 3);
  assert.match(await s.page.evaluate(() => location.hash), /s=keepalive-peer-dead/);
  assert.match(await s.page.evaluate(() => location.hash), /tcp_keepalive_probes=3/);
  const redraws = await s.page.evaluate(() => performance.getEntriesByName("redraw").length);
  assert.equal(redraws, ids.length + 1, "each section once at start, then the change");
  await done(s);
});

test("an out-of-range value is refused beside its input, without an exception", async () => {
  const s = await open("/index.html");
  await ready(s.page);
  const sec = await nearSection(s.page, "keepalive-peer-dead");
  const input = sec.locator('input[name="tcp_keepalive_probes"]');
  await input.fill("500");
  await s.page.waitForFunction(() => document.querySelector('#keepalive-peer-dead input[name="tcp_keepalive_probes"]').getAttribute("aria-invalid") === "true");
  const msg = await input.locator("xpath=..").locator(".param-error").textContent();
  assert.match(msg, /tcp_keepalive_probes/);
  assert.match(msg, /500 超出范围，允许 1…127 次/);
  // the last good diagram stays
  assert.equal(await sec.locator('[data-why="keepalive_probe"]').count(), 9);
  // When the reader moves on, the field goes back to the value drawn, and
  // the message stays: the controls show what the diagram was drawn with.
  await input.blur();
  assert.equal(await input.inputValue(), "9");
  assert.equal(await input.getAttribute("aria-invalid"), null);
  assert.match(msg, /tcp_keepalive_probes/);
  assert.equal(await input.locator("xpath=..").locator(".param-error").isVisible(), true);
  await done(s);
});

test("step, scrub and inspect by keyboard", async () => {
  const s = await open("/index.html");
  await ready(s.page);
  const sec = s.page.locator("section#process-crash");
  const n = await sec.locator("[data-packet]").count();
  const shown = () => sec.locator("[data-packet]:not(.dim)").count();
  assert.equal(await shown(), n);
  await sec.locator("button.step").focus();
  await s.page.keyboard.press("Enter");
  assert.equal(await shown(), 1);
  await s.page.keyboard.press("Space");
  await s.page.keyboard.press("Enter");
  assert.equal(await shown(), 3);
  assert.equal(await sec.locator("[data-packet].current").getAttribute("data-packet"), "2");
  await sec.locator("input.scrub").focus();
  await s.page.keyboard.press("ArrowLeft");
  assert.equal(await shown(), 2);
  await s.page.keyboard.press("Home");
  assert.equal(await shown(), 0);
  await s.page.keyboard.press("End");
  assert.equal(await shown(), n);
  await sec.locator('[data-packet="0"]').focus();
  // (The segment's fields come from the tools module, fetched on first use.)
  await s.page.waitForFunction(() => /SYN/.test(document.querySelector("#process-crash .inspector-body").textContent));
  const details = await sec.locator(".inspector-body").textContent();
  assert.match(details, /SYN/);
  assert.match(details, /connect/i);
  await done(s);
});

test("a permalink restores scenario, language and parameters", async () => {
  const s = await open("/index.html#s=host-crash-data-no-reboot&lang=en&tcp_retries2=5");
  await ready(s.page);
  assert.equal(await s.page.evaluate(() => document.documentElement.lang), "en");
  const sec = s.page.locator("section#host-crash-data-no-reboot");
  assert.equal(await sec.locator('input[name="tcp_retries2"]').inputValue(), "5");
  const want = cliJson("host-crash-data-no-reboot", ["tcp_retries2=5"]).packets.length;
  assert.equal(await sec.locator("[data-packet]").count(), want);
  assert.notEqual(want, cliJson("host-crash-data-no-reboot").packets.length);
  await done(s);
});

test("language and theme switch", async () => {
  const s = await open("/index.html", { colorScheme: "light" });
  await ready(s.page);
  assert.equal(await s.page.evaluate(() => document.documentElement.lang), "zh-CN");
  // The Chinese texts are in the markup, from the same catalogue.
  const zh = JSON.parse(execFileSync(cli, ["catalog", "--lang", "zh"], { encoding: "utf8" })).scenarios;
  for (const x of zh) assert.equal(await s.page.locator(`section#${x.id} h2 .title`).innerHTML(), x.title);
  const probe = s.page.locator('section#keepalive-peer-dead [data-why="keepalive_probe"]').first();
  assert.match(await probe.getAttribute("aria-label"), /保活探测/);
  const fetchedEnglish = () => s.page.evaluate(() => performance.getEntriesByType("resource").some((r) => /i18n-en/.test(r.name)));
  assert.equal(await fetchedEnglish(), false, "a Chinese reader does not download the English texts");
  await s.page.click("#lang-toggle");
  // The English texts are fetched on the first switch.
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  assert.match(await s.page.locator('section#keepalive-peer-dead [data-why="keepalive_probe"]').first().getAttribute("aria-label"), /keepalive probe/);
  assert.match(await s.page.locator("h1").textContent(), /peer dies/);
  // Scenario titles, steps and parameter labels come from the catalogue in
  // the reader's language.
  const en = JSON.parse(execFileSync(cli, ["catalog", "--lang", "en"], { encoding: "utf8" })).scenarios;
  const ka = en.find((x) => x.id === "keepalive-peer-dead");
  const sec = await nearSection(s.page, "keepalive-peer-dead");
  assert.equal(await sec.locator("h2 .title").innerHTML(), ka.title);
  assert.equal(await sec.locator("ol.steps li").count(), ka.steps.length);
  assert.equal(await sec.locator("ol.steps li").first().innerHTML(), ka.steps[0]);
  const label = ka.params.find((p) => p.name === "tcp_keepalive_probes").label;
  const labelText = await sec.locator('label[for="keepalive-peer-dead--tcp_keepalive_probes"]').textContent();
  assert.ok(labelText.includes(label), `${labelText} has ${label}`);
  assert.equal(await fetchedEnglish(), true);
  const bg = () => s.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await bg();
  await s.page.click("#theme-toggle");
  assert.equal(await s.page.evaluate(() => document.documentElement.dataset.theme), "dark");
  assert.notEqual(await bg(), light);
  await done(s);
});

test("garbage in the hash falls back to defaults with a notice", async () => {
  const s = await open("/index.html#s=nope&tcp_keepalive_probes=abc");
  await ready(s.page);
  assert.equal(await s.page.locator("#notice").isVisible(), true);
  assert.match(await s.page.locator("#notice").textContent(), /nope/);
  await drawWindowed(s.page);
  assert.equal(await s.page.locator("svg[data-scenario]").count(), ids.length);
  await done(s);
  const t = await open("/index.html#s=keepalive-peer-dead&tcp_keepalive_probes=abc");
  await ready(t.page);
  assert.match(await t.page.locator("#notice").textContent(), /tcp_keepalive_probes/);
  assert.equal(await t.page.locator('section#keepalive-peer-dead [data-why="keepalive_probe"]').count(), 9);
  await done(t);
});

test("the embed draws one scenario and reports its height", async () => {
  const s = await open("/embed.html?scenario=kill-from-outside&lang=en");
  await ready(s.page);
  assert.equal(await s.page.locator("svg[data-scenario]").count(), 1);
  assert.equal(await s.page.locator('svg[data-scenario="kill-from-outside"] [data-packet]').count(), cliJson("kill-from-outside").packets.length);
  await done(s);
  const p = await open("/__parent.html");
  await p.page.waitForFunction(() => window.heights.length > 0, null, { timeout: 15000 });
  const h = await p.page.evaluate(() => Math.max(...window.heights));
  assert.ok(h > 200, `reported height ${h}`);
  await done(p);
});

test("the embed draws a windowed scenario with the tools module, with its parameters", async () => {
  const s = await open("/embed.html?scenario=peer-hung&tcp_user_timeout=5000");
  await ready(s.page);
  const want = cliJson("peer-hung", ["tcp_user_timeout=5000"]).packets.length;
  assert.deepEqual(await drawnSegments(s.page.locator('svg[data-scenario="peer-hung"]')), upTo(want));
  assert.equal(await s.page.locator("#notice").isVisible(), false);
  await done(s);
});

test("each section offers the Linux capture of its scenario", async () => {
  const s = await open("/index.html#s=syn-established-same-port");
  await ready(s.page);
  const sec = s.page.locator("section#syn-established-same-port");
  await sec.locator("details.linux summary").click();
  const img = sec.locator("details.linux img").first();
  await img.waitFor();
  assert.match(await img.getAttribute("src"), /^kernel\/syn-established-same-port\.zh\.svg$/);
  assert.match(await sec.locator("details.linux figcaption").first().textContent(), /Linux 6\./);
  await done(s);
});

test("the diagrams take their rules from the page stylesheet; the table and the SVG file are made on demand", async () => {
  const s = await open("/index.html");
  await ready(s.page);
  const sec = s.page.locator("section#process-crash");
  // Inline diagrams carry no <style> of their own; the page's rules apply.
  assert.equal(await s.page.locator("main svg style").count(), 0);
  const stroke = await sec.locator("[data-packet] .ln").first().evaluate((e) => getComputedStyle(e).stroke);
  assert.notEqual(stroke, "none");
  // In Chinese (page and diagram), the CJK faces come first: one face for
  // a line that mixes Chinese and Latin, not two (style.rs, ZH_FONTS).
  const fonts = () => s.page.evaluate(() => [document.body, document.querySelector("#process-crash svg.tcl")].map((e) => getComputedStyle(e).fontFamily.split(",")[0].replace(/"/g, "")));
  assert.deepEqual(await fonts(), ["PingFang SC", "PingFang SC"]);
  assert.match(await sec.locator("svg.tcl").evaluate((e) => getComputedStyle(e).fontFamily), /WenQuanYi/);
  // In English, the system's UI face first.
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.querySelector("#process-crash svg.tcl")?.getAttribute("lang") === "en");
  assert.deepEqual(await fonts(), ["system-ui", "system-ui"]);
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.querySelector("#process-crash svg.tcl")?.getAttribute("lang") === "zh-CN");
  // The text alternative: one row per segment, made when opened.
  const n = cliJson("process-crash").packets.length;
  assert.equal(await sec.locator(".textalt-body tr").count(), 0);
  await sec.locator("details.textalt summary").click();
  await s.page.waitForFunction(() => document.querySelectorAll("#process-crash .textalt-body tbody tr").length > 0);
  assert.equal(await sec.locator(".textalt-body tbody tr").count(), n);
  // ...and kept current while open.
  const m = cliJson("process-crash", ["unread_data=1"]).packets.length;
  assert.notEqual(m, n);
  await sec.locator('input[name="unread_data"]').check();
  await s.page.waitForFunction((m) => document.querySelectorAll("#process-crash .textalt-body tbody tr").length === m, m);
  // The downloaded SVG stands alone: it embeds its stylesheet.
  const [dl] = await Promise.all([s.page.waitForEvent("download"), sec.locator("button.dl-svg").click()]);
  const file = fs.readFileSync(await dl.path(), "utf8");
  assert.match(file, /^<svg[^>]*data-scenario="process-crash"/);
  assert.match(file, /<style>\.tcl\{/);
  assert.equal((file.match(/data-packet=/g) || []).length, m);
  await done(s);
});

test("without the wasm, the page says so and shows the pre-rendered diagrams", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.route("**/*.wasm", (route) => route.fulfill({ status: 404, body: "gone" }));
  await page.goto(base + "/index.html");
  await page.locator("#fatal").waitFor({ state: "visible", timeout: 15000 });
  assert.match(await page.locator("#fatal").textContent(), /wasm|WebAssembly|fetch/i);
  // (The images come with prerendered.js, imported after the notice: waited
  // for, not counted at once.)
  const sel = 'section.scenario figure.diagram img[src^="prerendered/"]';
  await page.waitForFunction(([q, n]) => document.querySelectorAll(q).length >= n, [sel, ids.length], { timeout: 15000 }).catch(() => {});
  assert.equal(await page.locator(sel).count(), ids.length);
  await page.waitForFunction(() => [...document.querySelectorAll("figure.diagram img")].every((i) => i.complete && i.naturalWidth > 0));
  assert.deepEqual(errors, [], "no uncaught exception");
  await ctx.close();
});

test("every section opens with its headline, which follows the parameters", async () => {
  const s = await open("/index.html");
  await ready(s.page);
  await drawWindowed(s.page);
  for (const id of ids) {
    const h = await s.page.locator(`section#${id} .headline`).textContent();
    assert.ok(h.trim().length > 5, `${id} has a headline`);
  }
  const sec = await nearSection(s.page, "host-crash-data-no-reboot");
  const want = cliHeadline("host-crash-data-no-reboot", "zh");
  assert.match(want, /^服务端的 recv\(\) 在写入后 15 分 \d+ 秒返回 ETIMEDOUT。$/);
  assert.equal(await sec.locator(".headline").textContent(), want);
  await sec.locator('input[name="tcp_retries2"]').fill("5");
  const shorter = cliHeadline("host-crash-data-no-reboot", "zh", ["tcp_retries2=5"]);
  assert.notEqual(shorter, want);
  await s.page.waitForFunction((w) => document.querySelector("#host-crash-data-no-reboot .headline").textContent === w, shorter);
  await done(s);
});

test("the permalink that froze the page: the run stops at the cap, the page says so and stays responsive", async () => {
  const url = "/index.html#s=keepalive-peer-alive&tcp_keepalive_time=1&tcp_keepalive_intvl=1&observe_s=1000000";
  const s = await open(url);
  await ready(s.page);
  const sec = s.page.locator("section#keepalive-peer-alive");
  const note = sec.locator(".cap-note");
  assert.equal(await note.isVisible(), true);
  assert.match(await note.textContent(), /observe_s = 1000000 秒/);
  assert.match(await sec.locator(".headline").textContent(), /已到上限/);
  // (Drawn over several tasks: all of it by the time diagrams-drawn is set.)
  const n = await sec.locator("[data-packet]").count();
  assert.ok(n >= 300 && n < 310, `${n} segments drawn`);
  assert.equal(await s.page.evaluate(() => performance.getEntriesByName("diagrams-drawn").length), 1);
  // The controls show what was drawn.
  assert.equal(await sec.locator('input[name="observe_s"]').inputValue(), "1000000");
  // Responsive: a click is handled, a parameter change redraws.
  await s.page.click("#theme-toggle");
  assert.equal(await s.page.evaluate(() => document.documentElement.dataset.theme), "dark");
  await sec.locator('input[name="observe_s"]').fill("10");
  await s.page.waitForFunction(() => document.querySelector("#keepalive-peer-alive .cap-note").hidden);
  await done(s);
  // The embed with the same parameters.
  const e = await open("/embed.html?scenario=keepalive-peer-alive&tcp_keepalive_time=1&tcp_keepalive_intvl=1&observe_s=1000000&lang=en");
  await ready(e.page);
  assert.match(await e.page.locator(".cap-note").textContent(), /The run stopped at/);
  await done(e);
});

test("a diagram too big for one task is cut at its children's starts and goes back together unchanged", async () => {
  // The run at the cap (210 KB of SVG), as the page's drawSvg cuts it.
  const { splitGroups } = await import(path.join(root, "web/common.js"));
  const svg = execFileSync(cli, ["run", "keepalive-peer-alive", "--set", "tcp_keepalive_time=1", "--set", "tcp_keepalive_intvl=1", "--set", "observe_s=1000000", "--format", "svg"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const parts = splitGroups(svg);
  assert.ok(parts, "shaped as expected");
  assert.deepEqual(parts.groups.map(([cls]) => cls), ["axis", "timer", "pkts"]);
  let whole = parts.frame;
  for (const [cls, pieces] of parts.groups) {
    const open = whole.indexOf(`<g class="${cls}"`);
    const start = whole.indexOf(">", open) + 1;
    assert.ok(open > 0 && whole.startsWith("</g>", start), `${cls} is empty in the frame`);
    whole = whole.slice(0, start) + pieces.join("") + whole.slice(start);
  }
  assert.equal(whole, svg);
  const pkts = parts.groups[2][1];
  assert.ok(pkts.length >= 8, `${pkts.length} pieces of segments`);
  for (const p of pkts) assert.ok(p.startsWith('<g class="pkt') && p.endsWith("</g>"), p.slice(0, 40));
  assert.equal(pkts.join("").split('<g class="pkt').length - 1, 300, "every segment in a piece");
});

test("each change is simulated once", async () => {
  const s = await open("/index.html");
  await ready(s.page);
  await drawWindowed(s.page);
  const redraws = () => s.page.evaluate(() => performance.getEntriesByName("redraw").length);
  const before = await redraws();
  assert.equal(before, ids.length, "one simulation per section at start");
  const sec = s.page.locator("section#process-crash");
  await sec.locator("details.textalt summary").click();
  await s.page.waitForFunction(() => document.querySelectorAll("#process-crash .textalt-body tbody tr").length > 0);
  const [dl] = await Promise.all([s.page.waitForEvent("download"), sec.locator("button.dl-pcap").click()]);
  assert.ok(fs.readFileSync(await dl.path()).length > 24);
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  assert.equal(await redraws(), before, "the table, a download and a language switch simulate nothing");
  await sec.locator('input[name="unread_data"]').check();
  await s.page.waitForFunction((b) => performance.getEntriesByName("redraw").length === b + 1, before);
  await done(s);
});

test("the inspector shows what ss -tnoi prints at that segment, from the tools module fetched on demand", async () => {
  const s = await open("/index.html#s=host-crash-data-no-reboot&lang=en&tcp_retries2=6");
  const fetched = [];
  s.page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await ready(s.page);
  assert.ok(!fetched.some((p) => p.includes("tcpsim_tools")), "the tools module is not part of the first load");
  const id = "host-crash-data-no-reboot";
  const trace = cliJson(id, ["tcp_retries2=6"]);
  // The third retransmission of the data segment.
  const pid = trace.packets.findIndex((p) => p.why === "retransmit" && p.resend === 3);
  assert.ok(pid > 0);
  const sec = s.page.locator(`section#${id}`);
  await sec.locator(`[data-packet="${pid}"]`).focus();
  await s.page.waitForFunction((sel) => {
    const pre = document.querySelector(sel);
    return pre && pre.textContent.includes("ESTAB");
  }, `#${id} .inspector .ss pre`);
  const shown = await sec.locator(".inspector .ss pre").textContent();
  const at = trace.packets[pid].sent_at;
  const want = execFileSync(cli, ["ss", id, "--at", String(at), "--set", "tcp_retries2=6"], { encoding: "utf8" });
  assert.equal(shown, want, "the CLI's ss view at the same moment");
  // icsk_retransmits and the backoff count the timeouts so far (the loss
  // probe is not one).
  const k = trace.packets.slice(0, pid + 1).filter((p) => p.why === "retransmit").length;
  assert.match(shown, new RegExp(`timer:\\(on,[^,]+,${k}\\)`));
  assert.match(shown, new RegExp(`backoff:${k}\\b`));
  assert.ok(fetched.some((p) => p.includes("tcpsim_tools")), "fetched when first needed");
  // The reason is in words now that the tools module is here.
  assert.match(await sec.locator(".inspector-body").textContent(), /\(retransmit\)/);
  await done(s);
});

test("the article section: a plain #article link is no scenario, its text comes when near, in either language, and whole on article.html", async () => {
  const s = await open("/index.html#article");
  await ready(s.page);
  await s.page.waitForFunction(() => document.querySelectorAll("#article h3").length >= 3);
  assert.equal(await s.page.locator("#notice").isHidden(), true, "no 'unknown scenario' notice");
  assert.equal(await s.page.locator('#article [data-lazy="article"]').count(), 0);
  await s.page.locator("#lang-toggle").click();
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  assert.match(await s.page.locator("#article").textContent(), /claim by claim/);
  assert.match(await s.page.locator("#article").textContent(), /Accurate/);
  await done(s);
  // From the top, the section's body is not part of the first load.
  const t = await open("/index.html");
  const fetched = [];
  t.page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await ready(t.page);
  assert.ok(!fetched.some((p) => p.includes("article")), fetched.join(" "));
  await t.page.locator("#article").scrollIntoViewIfNeeded();
  await t.page.waitForFunction(() => document.querySelectorAll("#article h3").length >= 3);
  await done(t);
  // Without JavaScript: the same text on a page of its own.
  const n = await open("/article.html", { javaScriptEnabled: false });
  assert.ok((await n.page.locator("#article h3").count()) >= 3);
  assert.match(await n.page.locator("#article a[href^='index.html#s=']").first().getAttribute("href"), /^index\.html#s=/);
  await done(n);
});

test("the scenarios' steps: not in the first load, from the catalogue when near, in either language, and whole on steps.html", async () => {
  const zh = JSON.parse(execFileSync(cli, ["catalog", "--lang", "zh"], { encoding: "utf8" })).scenarios;
  const en = JSON.parse(execFileSync(cli, ["catalog", "--lang", "en"], { encoding: "utf8" })).scenarios;
  // index.html holds a link to steps.html in each section's place, no step.
  const markup = fs.readFileSync(path.join(root, "dist/index.html"), "utf8");
  assert.equal(markup.split('data-lazy="steps"').length - 1, zh.length);
  for (const x of zh) assert.ok(!markup.includes(x.steps[0]), `${x.id}'s first step is not in index.html`);
  const s = await open("/index.html");
  const fetched = [];
  s.page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await ready(s.page);
  assert.ok(!fetched.some((p) => p.includes("steps")), fetched.join(" "));
  await s.page.locator(`section#${zh[0].id}`).scrollIntoViewIfNeeded();
  const shown = () =>
    s.page.evaluate(() => Object.fromEntries([...document.querySelectorAll("section.scenario[data-scenario]")].map((sec) => [sec.id, [...sec.querySelectorAll("ol.steps li")].map((li) => li.innerHTML)])));
  await s.page.waitForFunction(() => !document.querySelector('[data-lazy="steps"]'));
  for (const x of zh) assert.deepEqual((await shown())[x.id], x.steps, x.id);
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  const inEnglish = await shown();
  for (const x of en) assert.deepEqual(inEnglish[x.id], x.steps, x.id);
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "zh-CN");
  const back = await shown();
  for (const x of zh) assert.deepEqual(back[x.id], x.steps, x.id);
  await done(s);
  // Without JavaScript: each section links to its steps on a page of their own.
  const n = await open("/index.html", { javaScriptEnabled: false });
  const link = await n.page.locator(`section#${zh[0].id} ol.steps a`).getAttribute("href");
  assert.equal(link, `steps.html#${zh[0].id}`);
  await done(n);
  const p = await open("/steps.html", { javaScriptEnabled: false });
  for (const x of zh) {
    assert.deepEqual(await p.page.locator(`section#${x.id} ol.steps li`).evaluateAll((lis) => lis.map((li) => li.innerHTML)), x.steps, x.id);
    assert.equal(await p.page.locator(`section#${x.id} h2 a`).getAttribute("href"), `index.html#s=${x.id}`);
  }
  await done(p);
});

test("the embed snippet a blog pastes sizes its own iframe, and only from a number its iframe sends", async () => {
  const s = await open("/index.html");
  await ready(s.page);
  const sec = await nearSection(s.page, "kill-from-outside");
  await sec.locator("details.embed summary").click();
  // (Written when opened, by web/share.js fetched then.)
  await s.page.waitForFunction(() => document.querySelector("#kill-from-outside details.embed textarea").value !== "");
  const snippet = await sec.locator("details.embed textarea").inputValue();
  await done(s);
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\.html\?scenario=kill-from-outside&amp;lang=zh&amp;theme=light"/);
  snippetPage = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>blog</title>${snippet}`;
  const b = await open("/__snippet.html");
  const iframe = b.page.locator("iframe");
  await b.page.waitForFunction(() => parseFloat(document.querySelector("iframe").style.height) > 200, null, { timeout: 15000 });
  const fitted = await iframe.evaluate((f) => f.style.height);
  // A message from the page itself, not its iframe: ignored.
  await b.page.evaluate(() => window.postMessage({ type: "tcpsim-embed-height", height: 7 }, "*"));
  // From the iframe, but not a sensible number: ignored.
  const frame = b.page.frames().find((f) => f.url().includes("embed.html"));
  await frame.evaluate(() => parent.postMessage({ type: "tcpsim-embed-height", height: "10px;background:red" }, "*"));
  await frame.evaluate(() => parent.postMessage({ type: "tcpsim-embed-height", height: 1e9 }, "*"));
  await b.page.waitForTimeout(200);
  assert.equal(await iframe.evaluate((f) => f.style.height), fitted);
  // A sensible one from the iframe: applied.
  await frame.evaluate(() => parent.postMessage({ type: "tcpsim-embed-height", height: 321 }, "*"));
  await b.page.waitForFunction(() => document.querySelector("iframe").style.height === "321px");
  await done(b);
});

test("each section offers the script that reproduces its current run on Linux, the CLI's, from the tools module", async () => {
  const s = await open("/index.html");
  await ready(s.page);
  const id = "keepalive-peer-dead";
  const sec = await nearSection(s.page, id);
  await sec.locator('input[name="tcp_keepalive_probes"]').fill("3");
  await s.page.waitForFunction(() => document.querySelectorAll('#keepalive-peer-dead [data-why="keepalive_probe"]').length === 3);
  const [dl] = await Promise.all([s.page.waitForEvent("download"), sec.locator("button.dl-sh").click()]);
  assert.equal(dl.suggestedFilename(), `${id}.sh`);
  const got = fs.readFileSync(await dl.path(), "utf8");
  const want = execFileSync(cli, ["reproduce", id, "--set", "tcp_keepalive_probes=3"], { encoding: "utf8" });
  assert.equal(got, want);
  assert.match(got, /tcpsim reproduce keepalive-peer-dead --set tcp_keepalive_probes=3\n/);
  // A value left invalid is not what is drawn: the script is the drawn run's.
  await sec.locator('input[name="tcp_keepalive_probes"]').fill("500");
  await s.page.waitForFunction(() => document.querySelector('#keepalive-peer-dead input[name="tcp_keepalive_probes"]').getAttribute("aria-invalid") === "true");
  const [dl2] = await Promise.all([s.page.waitForEvent("download"), sec.locator("button.dl-sh").click()]);
  assert.equal(fs.readFileSync(await dl2.path(), "utf8"), want);
  await done(s);
});
