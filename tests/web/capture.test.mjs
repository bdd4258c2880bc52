// "Explain your own capture" (web/capture.js, web/capture-worker.js) on the
// built site (dist/) in Debian's Chromium, driven by playwright-core: the
// analyser is fetched only when a file is picked or dropped; a kernel
// recording's pcap gives the connection list and, for a connection, the
// diagram the CLI draws (`tcpsim explain FILE --conn N --format json`:
// same segments, same reasons, same diagnosis), in both languages; a file
// that is not a capture gives a message naming what is wrong. Run with
// `node --test tests/web/` after `bash scripts/build-web.sh`
// (scripts/test-page.sh does both).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { root, cli, useSite, open as openPage, done } from "./harness.mjs";

const fixtures = path.join(root, "tests/kernel/fixtures");

useSite({ wasm: "pkg/tcpsim_analyse_wasm_bg.wasm" });

// What the CLI says of a capture: its connection list, or one connection.
function explain(file, conn) {
  const args = ["explain", file, "--format", "json", ...(conn == null ? [] : ["--conn", String(conn)])];
  return JSON.parse(execFileSync(cli, args, { encoding: "utf8" }));
}

// A fresh page, ready, that records every URL requested by it or its
// worker (s.requested).
const open = (url = "/index.html") => openPage(url, {}, { ready: true, wholeContext: true });

const C = (page) => page.locator("#capture");
const analyser = (urls) => urls.filter((u) => /tcpsim_analyse|\/capture[-.][^/]*js/.test(u));

async function listed(page) {
  await page.waitForFunction(() => document.getElementById("capture").dataset.listed != null, null, { timeout: 15000 });
  return Number(await C(page).getAttribute("data-listed"));
}

// Pick connection `index` in the list and wait for its diagram; what it
// drew: the segments' reasons, and the diagnosis.
async function choose(page, index) {
  await C(page).locator(`tr[data-index="${index}"]`).click();
  await page.waitForFunction((i) => {
    const h = document.querySelector("#capture .capture-conn h3");
    return h && h.textContent.includes(`#${i}`) && document.querySelector("#capture .capture-diagram svg");
  }, index);
  return drawn(page);
}

// The CLI's diagnosis as the page shows it: the facts in one line, then
// each reading.
function shown(d, lang) {
  const seen = lang === "zh" ? "所见：" : "Seen: ";
  return [seen + d.facts[lang].join(lang === "zh" ? "；" : "; "), ...d.readings[lang]];
}

async function drawn(page) {
  return page.evaluate(() => {
    const sec = document.getElementById("capture");
    return {
      whys: [...sec.querySelectorAll(".capture-diagram [data-packet]")].map((g) => g.dataset.why),
      packets: [...sec.querySelectorAll(".capture-diagram [data-packet]")].map((g) => Number(g.dataset.packet)),
      diagnosis: [sec.querySelector(".capture-facts").textContent, ...[...sec.querySelectorAll(".capture-readings li")].map((li) => li.textContent)],
      lang: sec.querySelector(".capture-diagram svg").getAttribute("lang"),
    };
  });
}

test("the first load fetches nothing of the capture section", async () => {
  const s = await open();
  await s.page.waitForTimeout(300);
  assert.deepEqual(analyser(s.requested), [], "no analyser wasm, chunk or worker before a file is picked");
  assert.ok(await C(s.page).locator('input[type="file"]').isVisible(), "the file picker is shown");
  assert.equal(await C(s.page).getAttribute("data-mounted"), null);
  await done(s);
});

test("a picked recording gives the connection list and the CLI's diagram, diagnosis and reasons", async () => {
  const file = path.join(fixtures, "keepalive-peer-dead.pcap");
  const list = explain(file).connections;
  const one = explain(file, 0);
  const s = await open();
  await C(s.page).locator('input[type="file"]').setInputFiles(file);
  assert.equal(await listed(s.page), list.length);
  assert.equal(await C(s.page).locator("tbody tr").count(), list.length);
  const row = await C(s.page).locator('tr[data-index="0"]').textContent();
  assert.ok(row.includes(`${list[0].client.ip}:${list[0].client.port}`), row);
  assert.ok(row.includes(`${list[0].server.ip}:${list[0].server.port}`), row);
  assert.ok(row.includes(`${list[0].packets_from_client} / ${list[0].packets_from_server}`), row);
  const d = await choose(s.page, 0);
  assert.equal(d.packets.length, one.trace.packets.length, "one element per analysed segment");
  assert.deepEqual(d.packets, one.trace.packets.map((p) => p.id));
  assert.deepEqual(d.whys, one.trace.packets.map((p) => p.why), "the CLI's reasons, in order");
  assert.match(d.lang, /^zh/);
  assert.deepEqual(d.diagnosis, shown(one.diagnosis, "zh"));
  // The analyser was fetched now, and only now.
  assert.ok(analyser(s.requested).some((u) => u.endsWith("/pkg/tcpsim_analyse_wasm_bg.wasm")), s.requested.join("\n"));
  // The inspector: a segment's fields and its reason in words.
  const probe = one.trace.packets.findIndex((p) => p.why === "keepalive_probe");
  assert.ok(probe > 0, "the recording has a keepalive probe");
  await C(s.page).locator(`.capture-diagram [data-packet="${probe}"]`).click();
  await s.page.waitForFunction(() => /keepalive_probe/.test(document.querySelector("#capture .inspector-body").textContent));
  const inspector = await C(s.page).locator(".inspector-body").textContent();
  assert.ok(inspector.includes("保活探测"), inspector);
  assert.ok(inspector.includes(`${one.trace.packets[probe].seq} (${one.trace.packets[probe].abs_seq})`), inspector);
  // English: the same connection drawn again, the CLI's English diagnosis.
  await s.page.locator("#lang-toggle").click();
  await s.page.waitForFunction(() => document.querySelector("#capture .capture-diagram svg")?.getAttribute("lang") === "en");
  const en = await drawn(s.page);
  assert.deepEqual(en.diagnosis, shown(one.diagnosis, "en"));
  assert.deepEqual(en.whys, d.whys);
  assert.match(await C(s.page).locator("h2").textContent(), /Explain your own capture/);
  assert.match(await C(s.page).locator("thead").textContent(), /How it ended/);
  await done(s);
});

test("a dropped capture with two connections: each drawn as the CLI draws it", async () => {
  const file = path.join(fixtures, "syn-established-new-port.pcap");
  const list = explain(file).connections;
  assert.equal(list.length, 2);
  const s = await open();
  const bytes = fs.readFileSync(file).toString("base64");
  await C(s.page).evaluate((sec, b64) => {
    const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([raw], "new-port.pcap"));
    sec.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
    sec.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  assert.equal(await listed(s.page), 2);
  for (const c of [1, 0]) {
    const one = explain(file, c);
    const d = await choose(s.page, c);
    assert.deepEqual(d.whys, one.trace.packets.map((p) => p.why), `connection ${c}`);
    assert.deepEqual(d.diagnosis, shown(one.diagnosis, "zh"), `connection ${c}`);
  }
  // The list's filter.
  // The list's filter: the worker filters (a capture may hold millions of
  // connections) and answers with the rows.
  await C(s.page).locator(".capture-filter").fill(":40001");
  await s.page.waitForFunction(() => document.querySelectorAll("#capture tbody tr").length === 1, null, { timeout: 10000 });
  assert.equal(await C(s.page).locator(".capture-tools .capture-note").textContent(), "共 1 条。");
  await C(s.page).locator(".capture-filter").fill("");
  await s.page.waitForFunction(() => document.querySelectorAll("#capture tbody tr").length === 2, null, { timeout: 10000 });
  await done(s);
});

test("a file that is not a capture gives a message naming what is wrong", async () => {
  const s = await open();
  const input = C(s.page).locator('input[type="file"]');
  await input.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("GET / HTTP/1.1\nHost: example\n") });
  const error = C(s.page).locator(".capture-error");
  await error.waitFor({ state: "visible" });
  const text = await error.textContent();
  // A sentence in the page's language, no hex dump (web/capture.js, notCapture).
  assert.match(text, /^这不是抓包文件，看起来是纯文本/);
  assert.match(text, /-w/);
  assert.doesNotMatch(text, /\b[0-9a-f]{2} [0-9a-f]{2}\b|not a pcap/);
  assert.equal(await C(s.page).locator(".capture-list").isVisible(), false);
  // An empty file, then a real one: the section recovers.
  await input.setInputFiles({ name: "empty.pcap", mimeType: "application/octet-stream", buffer: Buffer.alloc(0) });
  await s.page.waitForFunction(() => /这个文件是空的/.test(document.querySelector("#capture .capture-error").textContent));
  await input.setInputFiles(path.join(fixtures, "kill-from-outside.pcap"));
  assert.equal(await listed(s.page), 1);
  assert.equal(await error.isVisible(), false);
  await done(s);
});

test("scenarioOf: the scenario in a reproduction script's or a recording's file name", async () => {
  const { scenarioOf } = await import("../../web/capture.js");
  const ids = ["process-crash", "host-crash-data-no-reboot", "host-crash-idle", "keepalive-peer-dead"];
  assert.equal(scenarioOf("tcpsim-keepalive-peer-dead-20261130-120000.pcap", ids), "keepalive-peer-dead");
  assert.equal(scenarioOf("process-crash-linger.pcap", ids), "process-crash");
  assert.equal(scenarioOf("/tmp/x/host-crash-idle.pcap", ids), "host-crash-idle");
  assert.equal(scenarioOf("host-crash-data-default.pcap", ids), "", "no id is a prefix followed by - or .");
  assert.equal(scenarioOf("process-crashes.pcap", ids), "");
  assert.equal(scenarioOf("", ids), "");
  assert.equal(scenarioOf(undefined, ids), "");
});

test("a reproduction script's capture is shown beside its scenario's simulation, picked from its file name", async () => {
  const file = path.join(fixtures, "keepalive-peer-dead.pcap");
  const s = await open();
  await C(s.page).locator('input[type="file"]').setInputFiles({ name: "tcpsim-keepalive-peer-dead-20261130-120000.pcap", mimeType: "application/octet-stream", buffer: fs.readFileSync(file) });
  assert.equal(await listed(s.page), 1);
  await choose(s.page, 0);
  const pick = C(s.page).locator(".capture-beside-pick");
  assert.equal(await pick.inputValue(), "keepalive-peer-dead");
  const side = await s.page.evaluate(() => {
    const copy = document.querySelector("#capture .capture-sim-diagram svg");
    const live = document.querySelector("section#keepalive-peer-dead .live-diagram svg");
    return {
      scenario: document.querySelector("#capture .capture-sim-diagram").dataset.scenario,
      whys: copy ? [...copy.querySelectorAll("[data-why]")].map((g) => g.dataset.why) : null,
      liveWhys: live ? [...live.querySelectorAll("[data-why]")].map((g) => g.dataset.why) : null,
      inert: copy ? copy.querySelectorAll("[data-packet]").length : -1,
      headline: document.querySelector("#capture .capture-sim .headline")?.textContent,
      liveHeadline: document.querySelector("section#keepalive-peer-dead .headline")?.textContent,
    };
  });
  assert.equal(side.scenario, "keepalive-peer-dead");
  assert.ok(side.liveWhys && side.liveWhys.length > 3, "the section's diagram is drawn");
  assert.deepEqual(side.whys, side.liveWhys, "a copy of what the section draws now");
  assert.equal(side.inert, 0, "its segments are not the capture's");
  assert.equal(side.headline, side.liveHeadline);
  // Clicking the copy leaves the capture's inspector alone.
  await C(s.page).locator(".capture-sim-diagram svg [data-why]").first().click({ force: true });
  assert.match(await C(s.page).locator(".inspector-body").textContent(), /点击|Tab/);
  // Another scenario, then none.
  await pick.selectOption("process-crash");
  await s.page.waitForFunction(() => document.querySelector("#capture .capture-sim-diagram")?.dataset.scenario === "process-crash");
  await pick.selectOption("");
  assert.equal(await C(s.page).locator(".capture-sim-diagram").count(), 0);
  await done(s);
});

test("a capture whose name names no scenario is shown alone until one is picked", async () => {
  const s = await open();
  await C(s.page).locator('input[type="file"]').setInputFiles({ name: "prod-lb-2026-11-30.pcap", mimeType: "application/octet-stream", buffer: fs.readFileSync(path.join(fixtures, "kill-from-outside.pcap")) });
  assert.equal(await listed(s.page), 1);
  await choose(s.page, 0);
  assert.equal(await C(s.page).locator(".capture-beside-pick").inputValue(), "");
  assert.equal(await C(s.page).locator(".capture-sim-diagram").count(), 0);
  await C(s.page).locator(".capture-beside-pick").selectOption("kill-from-outside");
  await s.page.waitForFunction(() => document.querySelector("#capture .capture-sim-diagram svg [data-why]"));
  await done(s);
});
