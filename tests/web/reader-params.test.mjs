// Page tests for combinations of parameters the simulator refuses
// (tcpsim's Params::validate): peer-hung's read_bytes without a reader
// (read_every_ms or resume_at), and tcp_rto_min above tcp_rto_max. The
// explainer (beside the field the rule names) and the embed say what was
// wrong and what is allowed, in zh and in en, and draw the defaults. No
// timing is asserted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cli, useSite, open, ready, done, drawnSegments, upTo } from "./harness.mjs";

useSite();

const CJK = /[\u3400-\u9fff]/;
const ZH = /read_bytes = 1 是客户端每次 recv\(\) 的大小，但客户端从不读取：read_every_ms 和 resume_at 都是 0；请设置 read_every_ms（按固定速率读取）或 resume_at（何时重新开始读取），或者让 read_bytes 保持 0/;
const EN = /read_bytes = 1 sets the size of the client's recv\(\), but the client never reads: read_every_ms and resume_at are both 0; set read_every_ms \(a reader at a steady rate\) or resume_at \(when it reads again\), or leave read_bytes at 0/;

const defaultPackets = () => JSON.parse(execFileSync(cli, ["run", "peer-hung", "--format", "json"], { encoding: "utf8" })).packets.length;

test("explainer: read_bytes without a reader is refused in zh and en, and the defaults are drawn", async () => {
  const s = await open("/index.html#s=peer-hung&read_bytes=1");
  await ready(s.page);
  const sec = s.page.locator("section#peer-hung");
  // Said beside the field the rule names (the wasm's `param` for the
  // conflict), not under the diagram.
  const err = sec.locator('input[name="read_bytes"]').locator("xpath=..").locator(".param-error");
  await err.waitFor({ state: "visible" });
  assert.equal(await sec.locator(".sim-error").isVisible(), false);
  assert.equal(await sec.locator('input[name="read_bytes"]').getAttribute("aria-invalid"), "true");
  for (const text of [await s.page.locator("#notice").textContent(), await err.textContent()]) {
    assert.match(text, ZH);
    assert.doesNotMatch(text, /never reads|sets the size/);
  }
  assert.equal(await sec.locator('input[name="read_bytes"]').inputValue(), "0");
  // (Every segment, those in a closed bundle too: web/bundles.js keeps
  // those out of the DOM until it opens.)
  assert.deepEqual(await drawnSegments(sec.locator(".live-diagram")), upTo(defaultPackets()));
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  const en = await err.textContent();
  assert.match(en, EN);
  assert.doesNotMatch(en, CJK);
  await done(s);
});

test("explainer: tcp_rto_min above tcp_rto_max is said beside tcp_rto_min, in zh and en", async () => {
  const s = await open("/index.html#s=host-crash-data-no-reboot&tcp_rto_min=5000&tcp_rto_max=1000");
  await ready(s.page);
  const sec = s.page.locator("section#host-crash-data-no-reboot");
  const err = sec.locator('input[name="tcp_rto_min"]').locator("xpath=..").locator(".param-error");
  await err.waitFor({ state: "visible" });
  assert.equal(await err.textContent(), "tcp_rto_min（5000 毫秒）不能大于 tcp_rto_max（1000 毫秒）");
  assert.equal(await sec.locator('input[name="tcp_rto_min"]').getAttribute("aria-invalid"), "true");
  assert.equal(await sec.locator(".sim-error").isVisible(), false);
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  assert.equal(await err.textContent(), "tcp_rto_min (5000 ms) must not exceed tcp_rto_max (1000 ms)");
  await done(s);
});

test("explainer: with a reader, read_bytes is taken", async () => {
  const s = await open("/index.html#s=peer-hung&read_bytes=4096&read_every_ms=50");
  await ready(s.page);
  assert.equal(await s.page.locator("section#peer-hung .sim-error").isVisible(), false);
  assert.equal(await s.page.locator("#notice").isVisible(), false);
  assert.equal(await s.page.locator('section#peer-hung input[name="read_bytes"]').inputValue(), "4096");
  await done(s);
});

test("embed: read_bytes without a reader is refused in zh and en", async () => {
  for (const [lang, want] of [
    ["zh", ZH],
    ["en", EN],
  ]) {
    const s = await open(`/embed.html?scenario=peer-hung&read_bytes=1&lang=${lang}`);
    await ready(s.page);
    const notice = s.page.locator("#notice");
    await notice.waitFor({ state: "visible" });
    const text = await notice.textContent();
    assert.match(text, want);
    if (lang === "en") assert.doesNotMatch(text, CJK);
    assert.deepEqual(await drawnSegments(s.page.locator('svg[data-scenario="peer-hung"]').locator("xpath=..")), upTo(defaultPackets()));
    await done(s);
  }
});
