// The windowed sections' bundle arrows (tcpsim-diagram's `bundles`,
// web/bundles.js): a burst drawn as one arrow expands into its segments on
// a click, on Enter, or when the player steps into it; the arrow keys stop
// at it once. Run with `node --test --test-concurrency=1 tests/web/bundles.test.mjs`
// after `bash scripts/build-web.sh`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { cli, useSite, open, ready, done, drawnSegments, upTo } from "./harness.mjs";

useSite();

function cliJson(id) {
  return JSON.parse(execFileSync(cli, ["run", id, "--format", "json"], { encoding: "utf8" }));
}

// The first burst of data in the CLI's trace: the data segments sent at the
// instant of the first one.
function firstBurst(trace) {
  const f = trace.packets.find((p) => p.why === "data");
  return trace.packets.filter((p) => p.why === "data" && p.src === f.src && p.sent_at === f.sent_at);
}

async function section(id) {
  const s = await open(`/index.html#s=${id}`);
  await ready(s.page);
  const sec = s.page.locator(`section#${id}`);
  await sec.locator(`svg[data-scenario="${id}"] .bundle`).first().waitFor({ timeout: 15000 });
  return { s, sec };
}

// Which of segments first..last are shown (one not in the DOM is not).
const shown = (sec, first, last) =>
  sec.evaluate(
    (el, [a, b]) => {
      const out = [];
      for (let i = a; i <= b; i++) out.push((el.querySelector(`[data-packet="${i}"]`)?.getBoundingClientRect().width ?? 0) > 0);
      return out;
    },
    [first, last],
  );
// How many of segments first..last are in the DOM.
const inDom = (sec, first, last) =>
  sec.evaluate((el, [a, b]) => Array.from({ length: b - a + 1 }, (_, i) => el.querySelector(`[data-packet="${a + i}"]`)).filter(Boolean).length, [first, last]);

test("a click on a bundle shows its segments, labelled as the trace says", async () => {
  const trace = cliJson("host-crash-bulk");
  const burst = firstBurst(trace);
  const [f, l] = [burst[0], burst[burst.length - 1]];
  const { s, sec } = await section("host-crash-bulk");
  const b = sec.locator(`.bundle[data-first="${f.id}"]`);
  assert.equal(await b.getAttribute("data-last"), String(l.id));
  assert.match(await b.locator("text").textContent(), new RegExp(`seq ${f.seq}–${l.seq + l.len} ×${burst.length}`));
  assert.deepEqual(await shown(sec, f.id, l.id), burst.map(() => false), "folded at first");
  // Every segment of the run is drawn, as its own arrow or in a bundle's
  // range; a closed bundle's members are not in the DOM yet.
  assert.deepEqual(await drawnSegments(sec.locator(".live-diagram")), upTo(trace.packets.length));
  assert.equal(await inDom(sec, f.id, l.id), 0, "a closed bundle's members wait outside the DOM");
  await b.locator(".ln").click({ force: true });
  assert.deepEqual(await shown(sec, f.id, l.id), burst.map(() => true), "expanded");
  // Put in right after the bundle, in order, labelled as the trace says.
  const order = await sec.evaluate((el, id) => {
    const out = [];
    for (let g = el.querySelector(`.bundle[data-first="${id}"]`).nextElementSibling; g && g.dataset.packet != null; g = g.nextElementSibling) out.push(Number(g.dataset.packet));
    return out;
  }, f.id);
  assert.deepEqual(order.slice(0, burst.length), burst.map((p) => p.id));
  assert.match(await sec.locator(`[data-packet="${f.id}"] text`).textContent(), new RegExp(`seq ${f.seq}:${f.seq + f.len}`));
  assert.equal(await b.isVisible(), false);
  assert.equal(await b.getAttribute("aria-expanded"), "true");
  // The first of them has the focus, and the inspector its fields.
  assert.equal(await s.page.evaluate(() => document.activeElement.dataset.packet), String(f.id));
  await done(s);
});

test("the arrow keys stop at a bundle once; Enter opens it, Escape folds it", async () => {
  const trace = cliJson("peer-hung");
  const burst = firstBurst(trace);
  const [f, l] = [burst[0], burst[burst.length - 1]];
  const { s, sec } = await section("peer-hung");
  const active = () => s.page.evaluate(() => ({ packet: document.activeElement.dataset.packet ?? null, first: document.activeElement.dataset.first ?? null }));
  // The diagram's one Tab stop, then Down segment by segment.
  await sec.locator('[data-packet="0"]').focus();
  for (let i = 1; i < f.id; i++) await s.page.keyboard.press("ArrowDown");
  assert.deepEqual(await active(), { packet: String(f.id - 1), first: null });
  await s.page.keyboard.press("ArrowDown");
  assert.deepEqual(await active(), { packet: null, first: String(f.id) }, "the bundle is one stop");
  await s.page.keyboard.press("ArrowDown");
  const next = await active();
  assert.notEqual(next.packet ?? next.first, null);
  assert.ok(Number(next.packet ?? next.first) === l.id + 1, `after the bundle: ${JSON.stringify(next)}`);
  await s.page.keyboard.press("ArrowUp");
  assert.deepEqual(await active(), { packet: null, first: String(f.id) }, "back up onto the bundle");
  await s.page.keyboard.press("Enter");
  assert.deepEqual(await active(), { packet: String(f.id), first: null }, "Enter opens it on its first segment");
  assert.deepEqual(await shown(sec, f.id, l.id), burst.map(() => true));
  await s.page.keyboard.press("ArrowDown");
  assert.deepEqual(await active(), { packet: String(f.id + 1), first: null }, "inside, segment by segment");
  await s.page.keyboard.press("Escape");
  assert.deepEqual(await active(), { packet: null, first: String(f.id) }, "Escape folds it");
  assert.deepEqual(await shown(sec, f.id, l.id), burst.map(() => false));
  // Still one Tab stop in the diagram.
  assert.equal(await sec.locator('svg [tabindex="0"]').count(), 1);
  await done(s);
});

test("stepping the player into a bundle opens it", async () => {
  const trace = cliJson("peer-hung");
  const burst = firstBurst(trace);
  const [f, l] = [burst[0], burst[burst.length - 1]];
  const { s, sec } = await section("peer-hung");
  const setStep = (k) =>
    sec.locator(".scrub").evaluate((el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, k);
  // Before the burst: folded, and dimmed with its first segment.
  await setStep(f.id);
  await s.page.waitForFunction((id) => document.querySelector(`#peer-hung .bundle[data-first="${id}"]`).classList.contains("dim"), f.id);
  assert.deepEqual(await shown(sec, f.id, l.id), burst.map(() => false));
  // Its third segment current: open, that segment marked, the ones after
  // it dimmed (the members went in at that step).
  await setStep(f.id + 3);
  await s.page.waitForFunction((id) => document.querySelector(`#peer-hung .bundle[data-first="${id}"]`).getAttribute("display") === "none", f.id);
  assert.deepEqual(await shown(sec, f.id, l.id), burst.map(() => true));
  assert.equal(await sec.locator(`[data-packet="${f.id + 1}"]`).getAttribute("class"), "pkt");
  assert.equal(await sec.locator(`[data-packet="${f.id + 2}"]`).getAttribute("class"), "pkt current");
  assert.equal(await sec.locator(`[data-packet="${f.id + 3}"]`).getAttribute("class"), "pkt dim");
  // The whole run again: nothing marked, the bundle stays open.
  await setStep(trace.packets.length);
  assert.equal(await sec.locator(".dim, .current").count(), 0);
  assert.deepEqual(await shown(sec, f.id, l.id), burst.map(() => true));
  await done(s);
});

test("the window and the send buffer are drawn beside the lifelines", async () => {
  const { s, sec } = await section("peer-hung");
  const texts = await sec.locator("svg .gauge text").allTextContents();
  assert.ok(texts.includes("窗口 0"), texts.join(" | "));
  assert.ok(texts.some((t) => t.startsWith("Send-Q ")), texts.join(" | "));
  await done(s);
});

test("End reaches the last segment, and a saved SVG has every segment, folded as on the page", async () => {
  const trace = cliJson("host-crash-bulk");
  const { s, sec } = await section("host-crash-bulk");
  const n = trace.packets.length;
  await sec.locator('[data-packet="0"]').focus();
  await s.page.keyboard.press("End");
  const last = await s.page.evaluate(() => ({ packet: document.activeElement.dataset.packet ?? null, last: document.activeElement.dataset.last ?? null }));
  assert.equal(Number(last.packet ?? last.last), n - 1, JSON.stringify(last));
  // The download is the renderer's whole SVG (as the CLI writes it): each
  // segment has its group, a bundle's members hidden in it.
  const [dl] = await Promise.all([s.page.waitForEvent("download"), sec.locator("button.dl-svg").click()]);
  const svg = fs.readFileSync(await dl.path(), "utf8");
  const ids = [...svg.matchAll(/data-packet="(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(ids, upTo(n));
  const b = sec.locator(".bundle").first();
  const [f, l] = [Number(await b.getAttribute("data-first")), Number(await b.getAttribute("data-last"))];
  for (let i = f; i <= l; i++) assert.match(svg, new RegExp(`display="none" data-packet="${i}"`));
  await done(s);
});

test("a parameter that changes nothing drawn keeps the drawing (an opened bundle stays open); one that does draws anew", async () => {
  const { s, sec } = await section("peer-hung");
  const b = sec.locator(".bundle").first();
  const first = await b.getAttribute("data-first");
  await b.locator(".ln").click({ force: true });
  assert.equal(await b.getAttribute("aria-expanded"), "true");
  const redraws = () => s.page.evaluate(() => performance.getEntriesByName("redraw").length);
  const svgOf = (sets) => execFileSync(cli, ["run", "peer-hung", "--format", "svg", "--lang", "zh", ...sets.flatMap((x) => ["--set", x])], { encoding: "utf8" });
  // The CLI draws the two runs the same.
  assert.equal(svgOf(["write_bytes=900000"]), svgOf([]));
  const n = await redraws();
  await sec.locator('input[name="write_bytes"]').fill("900000");
  await s.page.waitForFunction((k) => performance.getEntriesByName("redraw").length > k, n);
  assert.equal(await s.page.evaluate(() => location.hash.includes("write_bytes=900000")), true);
  assert.equal(await sec.locator(`.bundle[data-first="${first}"]`).getAttribute("aria-expanded"), "true", "the same drawing, kept");
  // A drawing that differs goes in: its bundles closed.
  assert.notEqual(svgOf(["write_bytes=900000", "so_rcvbuf=12288"]), svgOf([]));
  await sec.locator('input[name="so_rcvbuf"]').fill("12288");
  await s.page.waitForFunction((k) => performance.getEntriesByName("redraw").length > k, n + 1);
  await s.page.waitForFunction(() => !document.querySelector('#peer-hung .bundle[aria-expanded="true"]'));
  assert.deepEqual(await drawnSegments(sec.locator(".live-diagram")), upTo(JSON.parse(execFileSync(cli, ["run", "peer-hung", "--format", "json", "--set", "write_bytes=900000", "--set", "so_rcvbuf=12288"], { encoding: "utf8" })).packets.length));
  await done(s);
});

test("after a switch of language a bundle still opens on a click (its new diagram box is wired)", async () => {
  const { s, sec } = await section("peer-hung");
  await s.page.locator("#lang-toggle").click();
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  await sec.locator('svg[lang="en"] .bundle').first().waitFor();
  const b = sec.locator(".bundle").first();
  const [f, l] = [Number(await b.getAttribute("data-first")), Number(await b.getAttribute("data-last"))];
  // (A click event on the arrow itself: the English texts still move the
  // page around it while they go in.)
  await b.locator(".ln").dispatchEvent("click");
  assert.equal(await b.getAttribute("aria-expanded"), "true");
  assert.deepEqual(await shown(sec, f, l), Array(l - f + 1).fill(true));
  // And the keys: Escape on its first segment folds it.
  await sec.locator(`[data-packet="${f}"]`).press("Escape");
  assert.equal(await b.getAttribute("aria-expanded"), "false");
  await done(s);
});

test("the player steps through every segment, a bundle's members too, each shown and current in turn", async () => {
  for (const id of ["host-crash-bulk", "peer-hung"]) {
    const n = cliJson(id).packets.length;
    const { s, sec } = await section(id);
    // Step by step from the first segment, with the Step button.
    await sec.locator(".scrub").evaluate((el) => {
      el.value = "0";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
    for (let k = 1; k <= n; k++) {
      await sec.locator("button.step").click();
      const at = await sec.evaluate((el, i) => {
        const g = el.querySelector(`[data-packet="${i}"]`);
        return g && { shown: g.getBoundingClientRect().width > 0, current: g.classList.contains("current"), currents: el.querySelectorAll(".current").length };
      }, k - 1);
      if (k < n) assert.deepEqual(at, { shown: true, current: true, currents: 1 }, `${id}: step ${k} of ${n}`);
      else assert.equal(at?.shown, true, `${id}: the last step, the whole run`);
    }
    await done(s);
  }
});

test("save as image works for a windowed section (its image is drawn from the renderer's whole SVG)", async () => {
  const { s, sec } = await section("host-crash-bulk");
  const svgW = await sec.locator("svg[data-scenario]").evaluate((el) => Number(el.getAttribute("width")));
  const [dl] = await Promise.all([s.page.waitForEvent("download"), sec.locator("button.dl-png").click()]);
  assert.equal(dl.suggestedFilename(), "host-crash-bulk.png");
  const bytes = fs.readFileSync(await dl.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(bytes.readUInt32BE(16), 2 * (svgW + 48));
  assert.ok(bytes.readUInt32BE(20) > 2 * 300);
  await done(s);
});
