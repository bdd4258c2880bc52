// The explorer's fourth case, "the peer is up but stopped reading"
// (`peer-hung`, which needs the windowed model of the tools module), on the
// built site in Debian's Chromium, at a desktop's 1440×900 and a phone's
// 390×844: what each preset does there (keepalive never fires while data is
// queued, so no call returns; TCP_USER_TIMEOUT ends it), every figure
// compared with `tcpsim run peer-hung --preset ID`; the share link and the
// before/after; the symptom finder's "never"; the snippets. Run with `node
// --test tests/web/explorer-reading.test.mjs` after `bash
// scripts/build-web.sh`.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { cli, useSite, open as openPage, done } from "./harness.mjs";

useSite();

const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
];

const open = (url, viewport) => openPage(url, viewport ? { viewport } : {}, { ready: true });
const X = (page) => page.locator("#detect-faster");
const mounted = (page) => page.waitForFunction(() => document.getElementById("detect-faster").dataset.mounted === "1", null, { timeout: 15000 });
const drawnCount = (page) => page.evaluate(() => performance.getEntriesByName("explorer-drawn").length);
const toolsFetched = (page) => page.evaluate(() => performance.getEntriesByType("resource").filter((r) => /tcpsim_tools_bg\.wasm/.test(r.name)).length);

// What the explorer drew.
function drawn(page) {
  return page.evaluate(() => {
    const sec = document.getElementById("detect-faster");
    const d = sec.querySelector(".explorer-diagram");
    const det = sec.querySelector(".explorer-detect");
    return {
      scenario: d.dataset.scenario,
      params: d.dataset.params,
      packets: d.querySelectorAll("[data-packet]").length,
      after: det.dataset.after,
      probeGap: det.dataset.probeGap,
      detect: det.textContent,
      interplay: sec.querySelector(".explorer-interplay").textContent,
    };
  });
}

async function choose(page, selector) {
  const radio = X(page).locator(selector);
  if (await radio.isChecked()) return false;
  const n = await drawnCount(page);
  await radio.check();
  await page.waitForFunction((k) => performance.getEntriesByName("explorer-drawn").length > k, n, { timeout: 15000 });
  return true;
}

async function pick(page, caseId, presetId) {
  await choose(page, `#xp-case-${caseId}`);
  if (!(await choose(page, `#xp-preset-${presetId}`))) {
    await choose(page, `#xp-preset-${presetId === "linux" ? "go" : "linux"}`);
    await choose(page, `#xp-preset-${presetId}`);
  }
  return drawn(page);
}

async function setField(page, name, value) {
  const n = await drawnCount(page);
  await X(page).locator(`input[name="${name}"]`).fill(String(value));
  await page.waitForFunction((k) => performance.getEntriesByName("explorer-drawn").length > k, n, { timeout: 15000 });
  return drawn(page);
}

// The CLI's run of peer-hung with a preset (and more --set after it).
function cliRun(preset, sets = []) {
  const args = ["run", "peer-hung", "--preset", preset, "--format", "json", ...sets.flatMap((s) => ["--set", s])];
  return JSON.parse(execFileSync(cli, args, { encoding: "utf8" }));
}

// The CLI's figures the page must show: the server's outcome (or "never"),
// and how long after the first zero-window probe it came.
function figures(trace) {
  const o = trace.outcome.find((x) => x.host === "server");
  const first = trace.packets.find((p) => p.src === "server" && p.why === "zero_window_probe");
  return {
    after: o ? String(o.after) : "never",
    gap: o && first ? o.at - first.sent_at : null,
    keepaliveProbes: trace.packets.filter((p) => p.why === "keepalive_probe").length,
    probes: trace.packets.filter((p) => p.src === "server" && p.why === "zero_window_probe").length,
    // The longest the server went without a segment from the client.
    quiet: Math.max(
      ...trace.packets
        .filter((p) => p.dst === "server" && p.arrived_at != null)
        .map((p) => p.arrived_at)
        .concat([trace.end_at])
        .sort((a, b) => a - b)
        .map((a, i, xs) => a - (i ? xs[i - 1] : 0)),
    ),
  };
}

const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test("the first load fetches no tools wasm; the stopped-reading case is simulated by it once the explorer opens", async () => {
  for (const viewport of SIZES) {
    const s = await open("/index.html", viewport);
    await s.page.waitForTimeout(300);
    assert.equal(await toolsFetched(s.page), 0, `${viewport.width}: no tools wasm on the first load`);
    assert.equal(s.requested.filter((u) => /explorer/.test(u)).length, 0, "no explorer chunk on the first load");
    // Open the explorer, pick the case.
    await X(s.page).locator(".explorer-open").click();
    await mounted(s.page);
    assert.equal(await toolsFetched(s.page), 1, "the tools module, fetched once");
    const d = await pick(s.page, "reading", "linux");
    assert.equal(d.scenario, "peer-hung");
    const trace = cliRun("linux");
    assert.equal(d.packets, trace.packets.length, "one element per segment of tcpsim run peer-hung --preset linux");
    assert.equal(d.after, "never");
    assert.equal(await toolsFetched(s.page), 1, "picking the case fetches nothing more");
    assert.ok(await noSideways(s.page), `${viewport.width}: the page does not scroll sideways`);
    await done(s);
  }
});

test("each preset, stopped reading: keepalive presets never return a call; TCP_USER_TIMEOUT gives the simulated time", async () => {
  const table = JSON.parse(execFileSync(cli, ["presets", "--format", "json"], { encoding: "utf8" }));
  const s = await open("/index.html#detect-faster");
  await mounted(s.page);
  let withUt = 0;
  let keepaliveOn = 0;
  let quietLonger = 0;
  for (const p of table) {
    const d = await pick(s.page, "reading", p.id);
    const trace = cliRun(p.id);
    const f = figures(trace);
    const v = p.values.reading;
    assert.equal(d.scenario, "peer-hung", p.id);
    assert.equal(d.packets, trace.packets.length, `${p.id}: the segments of tcpsim run peer-hung --preset ${p.id}`);
    assert.equal(d.after, f.after, `${p.id}: the detection is the CLI's outcome`);
    // The parameters sent are exactly the preset's knobs (and the watch).
    const sent = Object.fromEntries(d.params.split("&").map((kv) => kv.split("=")));
    for (const [k, want] of Object.entries(v)) assert.equal(sent[k === "user_timeout" ? "tcp_user_timeout" : k], String(want), `${p.id} ${k}`);
    assert.equal(sent.observe_s, undefined, `${p.id}: the scenario's own watch`);
    if (v.user_timeout > 0) {
      withUt++;
      // ETIMEDOUT from send(), about TCP_USER_TIMEOUT after the first probe.
      assert.notEqual(f.after, "never", p.id);
      assert.equal(Number(d.probeGap), Number(f.gap.toFixed(6)), `${p.id}: the time after the first zero-window probe`);
      assert.ok(f.gap >= v.user_timeout / 1000 && f.gap < v.user_timeout / 1000 + 1, `${p.id}: ${f.gap} s after the first probe`);
      assert.match(d.detect, /检测时间/);
      assert.match(d.detect, /send\(\) 返回 ETIMEDOUT/);
      assert.match(d.detect, /第一个零窗口探测之后/);
      assert.match(d.interplay, /Linux 5\.11/);
      // gRPC: what is true for the data path, beside the number.
      assert.match(d.detect, /这里只画了 TCP 这一层/, p.id);
    } else {
      // No call returns: not "detected late".
      assert.equal(f.after, "never", p.id);
      assert.match(d.detect, /永远发现不了/);
      assert.match(d.detect, /没有任何调用返回/);
      assert.doesNotMatch(d.detect, /检测时间/);
      assert.match(d.interplay, /tcp_retries2 = 15 永远用不完/);
      assert.match(d.interplay, new RegExp(`${f.probes} 个探测`), `${p.id}: the probe count of the run`);
      if (v.so_keepalive === 1) {
        keepaliveOn++;
        // Keepalive sent nothing, and the page says why from the run: where
        // the peer went quiet for longer than TCP_KEEPIDLE, it is the data
        // queued that kept keepalive silent.
        assert.equal(f.keepaliveProbes, 0, `${p.id}: no keepalive probe in the CLI's run`);
        const idle = v.tcp_keepidle || 7200;
        if (f.quiet >= idle) {
          quietLonger++;
          assert.match(d.interplay, /比 TCP_KEEPIDLE 还长，保活探测却是 0 个/, p.id);
        } else assert.match(d.interplay, /保活探测 0 个。一来/, p.id);
        assert.match(d.interplay, /有数据在途或发送队列不空/, p.id);
      }
    }
  }
  assert.ok(withUt >= 2, "grpc and grpc-go set TCP_USER_TIMEOUT");
  assert.ok(keepaliveOn >= 4, "go, libpq, redis, node, node-30s turn keepalive on");
  assert.ok(quietLonger >= 2, "go and node-30s: the peer is quiet for longer than TCP_KEEPIDLE");
  // In English.
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  await pick(s.page, "reading", "java");
  let d = await drawn(s.page);
  assert.match(d.detect, /Never detected/);
  assert.match(d.detect, /no call returns/);
  d = await pick(s.page, "reading", "grpc");
  assert.match(d.detect, /after the first zero-window probe/);
  assert.match(d.detect, /send\(\) returns ETIMEDOUT/);
  await done(s);
});

test("TCP_USER_TIMEOUT in the field: the give-up follows it, tcp_retries2 and keepalive change nothing of it", async () => {
  const s = await open("/index.html#detect-faster");
  await mounted(s.page);
  await pick(s.page, "reading", "linux");
  let d = await setField(s.page, "user_timeout", 5000);
  const f = figures(cliRun("linux", ["tcp_user_timeout=5000"]));
  assert.equal(d.after, f.after);
  assert.ok(f.gap >= 5 && f.gap < 6, `${f.gap}`);
  for (const r of [5, 30]) {
    d = await setField(s.page, "tcp_retries2", r);
    assert.equal(d.after, figures(cliRun("linux", ["tcp_user_timeout=5000", `tcp_retries2=${r}`])).after, `tcp_retries2=${r}`);
  }
  // Back to 0: never again; a small tcp_retries2 stops the backoff early.
  await setField(s.page, "tcp_retries2", 15);
  d = await setField(s.page, "user_timeout", 0);
  assert.equal(d.after, "never");
  await done(s);
});

test("the share link and the before/after round-trip the case, at both sizes", async () => {
  for (const viewport of SIZES) {
    const s = await open("/index.html#detect-faster", viewport);
    await mounted(s.page);
    await pick(s.page, "reading", "grpc");
    const d = await setField(s.page, "user_timeout", 7000);
    const cmp = X(s.page).locator(".explorer-compare");
    assert.equal(await cmp.getAttribute("data-before"), "never", "Linux's defaults: never");
    assert.equal(await cmp.getAttribute("data-after"), d.after);
    assert.match(await cmp.locator(".explorer-compare-text").textContent(), /Linux 默认值：永远发现不了 → 你的设置：\d/);
    const href = await cmp.locator("a.explorer-share").getAttribute("href");
    assert.match(href, /#detect-faster&case=reading&preset=grpc&/);
    assert.match(href, /user_timeout=7000/);
    const [download] = await Promise.all([s.page.waitForEvent("download"), cmp.locator("button.explorer-png").click()]);
    assert.equal(download.suggestedFilename(), "detect-faster-reading.png");
    const png = fs.readFileSync(await download.path());
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(await noSideways(s.page), `${viewport.width}: no sideways scroll`);
    await done(s);
    // The link opens the same case, preset, values and result.
    const t = await open(new URL(href).hash ? `/index.html${new URL(href).hash}` : href, viewport);
    await mounted(t.page);
    await t.page.waitForFunction(() => document.querySelector("#detect-faster .explorer-compare")?.dataset.after);
    assert.equal(await X(t.page).locator("#xp-case-reading").isChecked(), true);
    assert.equal(await X(t.page).locator("#xp-preset-grpc").isChecked(), true);
    assert.equal(await X(t.page).locator('input[name="user_timeout"]').inputValue(), "7000");
    const back = await drawn(t.page);
    assert.equal(back.scenario, "peer-hung");
    assert.equal(back.params, d.params);
    assert.equal(back.after, d.after);
    assert.equal(await toolsFetched(t.page), 1);
    await done(t);
  }
});

test("start from the symptom: \"it never ended\" opens the explorer on the stopped-reading case", async () => {
  for (const viewport of SIZES) {
    const s = await open("/index.html", viewport);
    await s.page.locator("#symptom summary").click();
    await s.page.waitForSelector("#symptom .symptom-body[data-ready='1']");
    await s.page.locator('#symptom [name="saw"]').check();
    const fit = s.page.locator('#symptom [data-fit="reading"]');
    // The figures of peer-hung's default run.
    const trace = JSON.parse(execFileSync(cli, ["run", "peer-hung", "--format", "json"], { encoding: "utf8" }));
    const probes = figures(trace).probes;
    assert.match(await fit.textContent(), new RegExp(`${probes} 个零窗口探测`));
    assert.doesNotMatch(await fit.textContent(), /没有模拟/);
    assert.equal(await fit.locator("button[data-section]").getAttribute("data-section"), "peer-hung");
    await fit.locator('button[data-case="reading"]').click();
    await mounted(s.page);
    await s.page.waitForFunction(() => document.querySelector("#detect-faster .explorer-diagram")?.dataset.scenario === "peer-hung", null, { timeout: 15000 });
    assert.equal(await X(s.page).locator("#xp-case-reading").isChecked(), true);
    assert.equal((await drawn(s.page)).after, "never");
    assert.ok(await noSideways(s.page), `${viewport.width}: no sideways scroll`);
    await done(s);
  }
});

// The snippet of a language as shown.
const code = (page, id) => page.locator(`#detect-faster #xp-panel-${id} code`).textContent();
const have = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

test("the snippets show how to set TCP_USER_TIMEOUT for a peer that stopped reading, and are valid code", async () => {
  const s = await open("/index.html#detect-faster");
  await mounted(s.page);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "explorer-reading-"));
  let checked = 0;
  for (const [p, ut] of [["linux", 0], ["grpc", 20000], ["go", 0], ["go", 15000]]) {
    await pick(s.page, "reading", p);
    if (ut && p === "go") await setField(s.page, "user_timeout", ut);
    const c = await code(s.page, "c");
    // Set, or shown how, even at 0.
    assert.ok(c.includes(`TCP_USER_TIMEOUT, &user_timeout`), `${p} C: ${c}`);
    if (ut) assert.ok(c.includes(`unsigned int user_timeout = ${ut};`), c);
    assert.match(await code(s.page, "python"), /socket\.TCP_USER_TIMEOUT, (20000|\d+)\)/);
    assert.match(await code(s.page, "go"), /unix\.TCP_USER_TIMEOUT, \d+\)/);
    assert.ok((await code(s.page, "sysctl")).includes("net.ipv4.tcp_retries2=15"));
    assert.match(await code(s.page, "java"), /SocketException/);
    if (ut) assert.ok((await code(s.page, "node")).includes(`once("drain"`));
    const tag = `${p}-${ut}`;
    if (have("gcc")) {
      const f = path.join(dir, `${tag}.c`);
      fs.writeFileSync(f, c);
      const r = spawnSync("gcc", ["-std=c99", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", f], { encoding: "utf8" });
      assert.equal(r.status, 0, `C ${tag}: ${r.stderr}`);
      checked++;
    }
    if (have("python3")) {
      const r = spawnSync("python3", ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], { input: await code(s.page, "python"), encoding: "utf8" });
      assert.equal(r.status, 0, `Python ${tag}: ${r.stderr}`);
      checked++;
    }
    {
      const f = path.join(dir, `${tag}.cjs`);
      fs.writeFileSync(f, await code(s.page, "node"));
      const r = spawnSync(process.execPath, ["--check", f], { encoding: "utf8" });
      assert.equal(r.status, 0, `Node.js ${tag}: ${r.stderr}`);
      checked++;
    }
    if (have("javac")) {
      const jd = path.join(dir, tag);
      fs.mkdirSync(jd);
      fs.writeFileSync(path.join(jd, "Timeouts.java"), await code(s.page, "java"));
      const r = spawnSync("javac", ["-Xlint:all", "-Werror", "-d", jd, path.join(jd, "Timeouts.java")], { encoding: "utf8" });
      assert.equal(r.status, 0, `Java ${tag}: ${r.stderr}`);
      checked++;
    }
    if (have("gofmt")) {
      const r = spawnSync("gofmt", ["-e"], { input: `package x\n\n${await code(s.page, "go")}\n`, encoding: "utf8" });
      assert.equal(r.status, 0, `Go ${tag}: ${r.stderr}`);
      checked++;
    }
    for (const line of (await code(s.page, "sysctl")).split("\n")) assert.match(line, /^(# .*|sysctl -w net\.ipv4\.[a-z0-9_]+=\d+)$/, `sysctl ${tag}`);
  }
  assert.ok(checked >= 4, "at least the Node.js snippets were checked");
  fs.rmSync(dir, { recursive: true, force: true });
  await done(s);
});
