// Page tests for the first screen's diagrams drawn at build time (issue 17,
// "first screen's diagram painted ≤ 150 ms"): build-web writes them into
// index.html with the page's own wasm (scripts/hero.mjs, web/hero.js), so
// they are painted before the wasm arrives; they must be exactly what the
// page draws itself, and a page in English must not keep them. Debian's
// Chromium (tests/web/harness.mjs). Nothing here is timed: the wasm's
// request is held by the test until it lets it go.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cli, useSite, open, ready, done, base, browser } from "./harness.mjs";

useSite();

const HEROES = ["process-crash", "host-crash-idle"];

// Each first-screen box: its diagram's markup, the headline above it, and
// whether it is the one written at build time.
const heroes = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll(".hero [data-hero]")].map((box) => ({
      id: box.dataset.hero,
      inline: box.dataset.inline || "",
      svg: box.querySelector(":scope > svg.tcl:not(.axis-pin)")?.outerHTML ?? null,
      lang: box.querySelector(":scope > svg.tcl:not(.axis-pin)")?.getAttribute("lang") ?? null,
      headline: box.closest("figure").querySelector(".hero-headline").textContent,
    })),
  );

// The headline the CLI prints for a scenario's default run.
const cliHeadline = (id, lang) =>
  execFileSync(cli, ["run", id, "--format", "text", "--lang", lang], { encoding: "utf8" }).split("\n")[2].replace(/^(outcome: |结局：)/, "");

for (const viewport of [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`${viewport.width} px: the first screen's diagrams are painted before the wasm arrives, and are exactly what the page's wasm draws`, async () => {
    const ctx = await browser.newContext({ viewport });
    const page = await ctx.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    // The paint of the line after the two diagrams (Element Timing).
    await page.addInitScript(() => {
      window.__painted = false;
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) if (e.identifier === "hero") window.__painted = true;
      }).observe({ type: "element", buffered: true });
    });
    // The wasm is held until the first screen has been painted.
    let release;
    const held = new Promise((r) => (release = r));
    let asked = 0;
    await page.route("**/pkg/tcpsim_wasm_bg.wasm", async (route) => {
      asked++;
      await held;
      await route.continue();
    });
    await page.goto(base + "/index.html");
    await page.waitForFunction(() => window.__painted === true, null, { timeout: 15000 });
    const early = await heroes(page);
    assert.equal(await page.evaluate(() => performance.getEntriesByName("wasm-ready").length), 0, "the wasm is not ready yet");
    assert.deepEqual(
      early.map((h) => [h.id, h.inline, h.lang]),
      HEROES.map((id) => [id, "zh", "zh-CN"]),
      "both diagrams are in the HTML, in Chinese",
    );
    for (const h of early) {
      assert.equal(h.headline, cliHeadline(h.id, "zh"), `${h.id}: the run's headline`);
      assert.match(h.svg, new RegExp(`data-hero-scenario="${h.id}"`));
      assert.doesNotMatch(h.svg, /tabindex="0"/, "a picture: no Tab stop");
    }
    const boxes = await page.evaluate(() => [...document.querySelectorAll(".hero [data-hero] > svg.tcl:not(.axis-pin)")].map((s) => s.getBoundingClientRect().height));
    for (const h of boxes) assert.ok(h > 50, `a diagram on the first screen, ${h} px tall`);
    release();
    await ready(page);
    assert.ok(asked >= 1);
    // Started in Chinese, the page keeps them.
    assert.deepEqual(await heroes(page), early, "kept as they came");
    // English, then Chinese again: now the page's wasm draws them (app.js's
    // drawHero, the same web/hero.js), and the result is the inlined markup,
    // to the byte.
    await page.click("#lang-toggle");
    await page.waitForFunction(() => document.querySelector(".hero [data-hero] > svg.tcl:not(.axis-pin)")?.getAttribute("lang") === "en");
    const en = await heroes(page);
    for (const h of en) {
      assert.equal(h.inline, "", `${h.id}: drawn by the page`);
      assert.equal(h.headline, cliHeadline(h.id, "en"), h.id);
    }
    await page.click("#lang-toggle");
    await page.waitForFunction(() => [...document.querySelectorAll(".hero [data-hero] > svg.tcl:not(.axis-pin)")].every((s) => s.getAttribute("lang") === "zh-CN"));
    const again = await heroes(page);
    for (const [i, h] of again.entries()) {
      assert.equal(h.inline, "", `${h.id}: drawn by the page`);
      assert.equal(h.svg, early[i].svg, `${h.id}: the page's own drawing is the inlined one`);
      assert.equal(h.headline, early[i].headline, h.id);
    }
    assert.deepEqual(errors, [], "no console errors");
    await ctx.close();
  });
}

test("a link in English (#lang=en, with a scenario) shows the first screen in English, drawn by the page", async () => {
  // The page draws them with a chunk of its own (web/hero.js), fetched
  // when it switches to English: the page is not ready before they are in,
  // however late that chunk comes (here, held 400 ms).
  const slowHero = (page) =>
    page.route("**/hero.js", async (route) => {
      await new Promise((r) => setTimeout(r, 400));
      await route.continue();
    });
  for (const hash of ["#lang=en", "#s=process-crash&lang=en&close_delay_ms=0"]) {
    const s = await open("/index.html" + hash, { viewport: { width: 1440, height: 900 } }, { ready: true, setup: slowHero });
    const h = await heroes(s.page);
    assert.deepEqual(
      h.map((x) => [x.id, x.inline, x.lang]),
      HEROES.map((id) => [id, "", "en"]),
      hash,
    );
    // The defaults, whatever the link sets for its section.
    for (const x of h) assert.equal(x.headline, cliHeadline(x.id, "en"), `${hash} ${x.id}`);
    assert.doesNotMatch(h.map((x) => x.svg).join(""), /[客服务端进程崩溃]/, "no Chinese left in the diagrams");
    await done(s);
  }
});

test("without the wasm, the first screen keeps its diagrams from the build", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await ctx.newPage();
  await page.route("**/*.wasm", (route) => route.fulfill({ status: 404, body: "gone" }));
  await page.goto(base + "/index.html");
  await page.locator("#fatal").waitFor({ state: "visible", timeout: 15000 });
  assert.equal(await page.locator(".hero").isVisible(), true);
  const h = await heroes(page);
  assert.deepEqual(
    h.map((x) => [x.id, x.inline, x.svg != null]),
    HEROES.map((id) => [id, "zh", true]),
  );
  await ctx.close();
});
