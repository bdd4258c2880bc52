// The windowed sections' bundle arrows (tcpsim-diagram's `bundles`,
// web/bundles.js): a burst drawn as one arrow expands into its segments on
// a click, on Enter, or when the player steps into it; the arrow keys stop
// at it once. Run with `node --test --test-concurrency=1 tests/web/bundles.test.mjs`
// after `bash scripts/build-web.sh`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cli, useSite, open, ready, done } from "./harness.mjs";

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

// Which of segments first..last are shown.
const shown = (sec, first, last) =>
  sec.evaluate(
    (el, [a, b]) => {
      const out = [];
      for (let i = a; i <= b; i++) out.push(el.querySelector(`[data-packet="${i}"]`).getBoundingClientRect().width > 0);
      return out;
    },
    [first, last],
  );

test("a click on a bundle shows its segments, labelled as the trace says", async () => {
  const trace = cliJson("host-crash-bulk");
  const burst = firstBurst(trace);
  const [f, l] = [burst[0], burst[burst.length - 1]];
  const { s, sec } = await section("host-crash-bulk");
  const b = sec.locator(`.bundle[data-first="${f.id}"]`);
  assert.equal(await b.getAttribute("data-last"), String(l.id));
  assert.match(await b.locator("text").textContent(), new RegExp(`seq ${f.seq}–${l.seq + l.len} ×${burst.length}`));
  assert.deepEqual(await shown(sec, f.id, l.id), burst.map(() => false), "folded at first");
  // Every segment of the run is in the diagram, folded or not.
  assert.equal(await sec.locator("[data-packet]").count(), trace.packets.length);
  await b.locator(".ln").click({ force: true });
  assert.deepEqual(await shown(sec, f.id, l.id), burst.map(() => true), "expanded");
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
  // Its third segment current: open, that segment marked.
  await setStep(f.id + 3);
  await s.page.waitForFunction((id) => document.querySelector(`#peer-hung .bundle[data-first="${id}"]`).getAttribute("display") === "none", f.id);
  assert.deepEqual(await shown(sec, f.id, l.id), burst.map(() => true));
  assert.equal(await sec.locator(`[data-packet="${f.id + 2}"]`).getAttribute("class"), "pkt current");
  await done(s);
});

test("the window and the send buffer are drawn beside the lifelines", async () => {
  const { s, sec } = await section("peer-hung");
  const texts = await sec.locator("svg .gauge text").allTextContents();
  assert.ok(texts.includes("窗口 0"), texts.join(" | "));
  assert.ok(texts.some((t) => t.startsWith("Send-Q ")), texts.join(" | "));
  await done(s);
});
