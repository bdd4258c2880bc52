// The "detect it faster" explorer (web/explorer.js) on the built site (dist/)
// in Debian's Chromium, driven by playwright-core: a chunk fetched only when
// needed, diagrams equal to the CLI's for the same parameters, the
// interplay of TCP_USER_TIMEOUT with TCP_KEEPCNT and tcp_retries2 as drawn,
// snippets that carry the values (and compile, where a compiler is here),
// both languages. Run with `node --test tests/web/` after
// `bash scripts/build-web.sh` (scripts/test-page.sh does both).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { dist, cli, base, useSite, open as openPage, done } from "./harness.mjs";

useSite();

// The duration in the CLI's headline for a run, in `lang` ("15 分 56 秒",
// "15 min 56 s").
function cliSpan(id, query, lang) {
  const sets = query ? query.split("&") : [];
  const args = ["run", id, "--format", "text", "--lang", lang, ...sets.flatMap((s) => ["--set", s])];
  const line = execFileSync(cli, args, { encoding: "utf8" }).split("\n")[2];
  const m = lang === "zh" ? line.match(/(\d+ 分 \d+ 秒)/) : line.match(/(\d+ min \d+ s)/);
  assert.ok(m, line);
  return m[1];
}

function cliJson(id, query) {
  const sets = query ? query.split("&") : [];
  const args = ["run", id, "--format", "json", ...sets.flatMap((s) => ["--set", s])];
  return JSON.parse(execFileSync(cli, args, { encoding: "utf8" }));
}

// A fresh page, ready.
const open = (url, opts = {}) => openPage(url, opts, { ready: true });

const fetchedExplorer = (page) => page.evaluate(() => performance.getEntriesByType("resource").filter((r) => /\/explorer[^/]*\.js/.test(r.name)).map((r) => r.name));
const mounted = (page) => page.waitForFunction(() => document.getElementById("detect-faster").dataset.mounted === "1", null, { timeout: 10000 });
const drawnCount = (page) => page.evaluate(() => performance.getEntriesByName("explorer-drawn").length);

// Open the page with the explorer mounted (its button pressed).
async function openExplorer(url = "/index.html", opts) {
  const s = await open(url, opts);
  await s.page.locator("#detect-faster .explorer-open").click();
  await mounted(s.page);
  return s;
}

const X = (page) => page.locator("#detect-faster");

// What the explorer drew: the parameters it simulated, the segments, when
// your application learned (seconds, or "never").
async function drawn(page) {
  return page.evaluate(() => {
    const sec = document.getElementById("detect-faster");
    const d = sec.querySelector(".explorer-diagram");
    return {
      scenario: d.dataset.scenario,
      params: d.dataset.params,
      packets: d.querySelectorAll("[data-packet]").length,
      after: sec.querySelector(".explorer-detect").dataset.after,
    };
  });
}

// After a change: wait until the explorer has drawn `count` runs in all.
async function drawnAt(page, count) {
  await page.waitForFunction((n) => performance.getEntriesByName("explorer-drawn").length >= n, count, { timeout: 10000 });
  return drawn(page);
}

// Check a radio button and wait for the one simulation it causes; false if
// it was already checked (no change, nothing drawn).
async function choose(page, selector) {
  const radio = X(page).locator(selector);
  if (await radio.isChecked()) return false;
  const n = await drawnCount(page);
  await radio.check();
  await drawnAt(page, n + 1);
  return true;
}

// A case, and a preset (applied afresh even if it was the one checked).
async function pick(page, caseId, presetId) {
  await choose(page, `#xp-case-${caseId}`);
  if (presetId && !(await choose(page, `#xp-preset-${presetId}`))) {
    await choose(page, `#xp-preset-${presetId === "linux" ? "go" : "linux"}`);
    await choose(page, `#xp-preset-${presetId}`);
  }
  return drawn(page);
}

// Switch the page's language (the explorer follows without simulating).
async function setLang(page, lang) {
  const want = lang === "en" ? "en" : "zh-CN";
  if ((await page.evaluate(() => document.documentElement.lang)) === want) return;
  await page.click("#lang-toggle");
  await page.waitForFunction((w) => document.documentElement.lang === w, want);
}

// Set a field and wait for the one simulation it causes.
async function setField(page, name, value) {
  const n = await drawnCount(page);
  await X(page).locator(`input[name="${name}"]`).fill(String(value));
  return drawnAt(page, n + 1);
}

// The CLI's outcome for the application whose socket is yours.
function cliAfter(trace, host) {
  const o = trace.outcome.find((x) => x.host === host);
  return o ? String(o.after) : "never";
}

test("the explorer is a chunk of its own, fetched when its button is pressed or a link names it", async () => {
  // The page from the top, the section in view: nothing fetched until asked.
  const s = await open("/index.html");
  await X(s.page).scrollIntoViewIfNeeded();
  await s.page.waitForTimeout(400);
  assert.deepEqual(await fetchedExplorer(s.page), [], "not fetched on first load");
  assert.equal(await X(s.page).getAttribute("data-mounted"), null);
  // The first load's module does not import it statically.
  const app = fs.readFileSync(path.join(dist, "app.js"), "utf8");
  assert.doesNotMatch(app, /from\s*"\.\/explorer/);
  assert.match(app, /import\("\.\/explorer-[A-Z0-9]+\.js"\)/, "a dynamic import of the hashed chunk");
  // Its button: fetched and mounted, drawn once.
  await X(s.page).locator(".explorer-open").click();
  await mounted(s.page);
  assert.equal((await fetchedExplorer(s.page)).length, 1);
  assert.equal(await drawnCount(s.page), 1);
  assert.equal(await X(s.page).locator(".explorer-diagram [data-packet]").count() > 0, true);
  await done(s);
  // A link to the section opens it.
  const t = await open("/index.html#detect-faster");
  await mounted(t.page);
  assert.equal((await fetchedExplorer(t.page)).length, 1);
  await done(t);
});

test("picking a case and a preset draws the run the CLI gives for the same parameters", async () => {
  const s = await openExplorer();
  const cases = [
    ["idle", "go", "keepalive-peer-dead", "so_keepalive=1&tcp_keepidle=15&tcp_keepintvl=15&tcp_keepcnt=9&tcp_user_timeout=0", "server"],
    ["idle", "linux", "keepalive-peer-dead", "so_keepalive=0&tcp_keepidle=0&tcp_keepintvl=0&tcp_keepcnt=0&tcp_user_timeout=0", "server"],
    ["idle", "node", "keepalive-peer-dead", "so_keepalive=1&tcp_keepidle=0&tcp_keepintvl=0&tcp_keepcnt=0&tcp_user_timeout=0", "server"],
    ["idle", "node-30s", "keepalive-peer-dead", "so_keepalive=1&tcp_keepidle=30&tcp_keepintvl=1&tcp_keepcnt=10&tcp_user_timeout=0", "server"],
    ["idle", "redis", "keepalive-peer-dead", "so_keepalive=1&tcp_keepidle=300&tcp_keepintvl=100&tcp_keepcnt=3&tcp_user_timeout=0", "server"],
    ["idle", "grpc-go", "keepalive-peer-dead", "so_keepalive=1&tcp_keepidle=0&tcp_keepintvl=0&tcp_keepcnt=0&tcp_user_timeout=20000", "server"],
    ["idle", "libpq", "keepalive-peer-dead", "so_keepalive=1&tcp_keepidle=0&tcp_keepintvl=0&tcp_keepcnt=0&tcp_user_timeout=0", "server"],
    ["data", "linux", "host-crash-data-no-reboot", "tcp_user_timeout=0&tcp_retries2=15", "server"],
    ["data", "grpc", "host-crash-data-no-reboot", "tcp_user_timeout=20000&tcp_retries2=15", "server"],
    ["connect", "go", "connect-dead-host", "client_tcp_user_timeout=0&tcp_syn_retries=6&tcp_syn_linear_timeouts=4", "client"],
    ["connect", "grpc", "connect-dead-host", "client_tcp_user_timeout=20000&tcp_syn_retries=6&tcp_syn_linear_timeouts=4", "client"],
  ];
  for (const [c, p, scenario, params, host] of cases) {
    const d = await pick(s.page, c, p);
    assert.equal(d.scenario, scenario, `${c}/${p}`);
    assert.equal(d.params, params, `${c}/${p}: the parameters sent`);
    const trace = cliJson(scenario, params);
    assert.equal(d.packets, trace.packets.length, `${c}/${p}: one element per segment of tcpsim run ${scenario} ${params}`);
    assert.equal(d.after, cliAfter(trace, host), `${c}/${p}: the detection time is the CLI's outcome`);
  }
  // The figures a reader sees.
  await pick(s.page, "data", "linux");
  const span = cliSpan("host-crash-data-no-reboot", "tcp_user_timeout=0&tcp_retries2=15", "zh");
  assert.match(span, /^15 分/);
  assert.match(await X(s.page).locator(".explorer-detect").textContent(), new RegExp(`检测时间\\s*${span}`));
  await pick(s.page, "idle", "linux");
  assert.match(await X(s.page).locator(".explorer-detect").textContent(), /永远发现不了/);
  // Parameters a scenario does not take are never sent.
  for (const [c, scenario] of [["idle", "keepalive-peer-dead"], ["data", "host-crash-data-no-reboot"], ["connect", "connect-dead-host"]]) {
    const d = await pick(s.page, c);
    const takes = execFileSync(cli, ["params", scenario], { encoding: "utf8" }).split("\n").slice(1).map((l) => l.split(/\s+/)[0]);
    for (const kv of d.params.split("&")) assert.ok(takes.includes(kv.split("=")[0]), `${scenario} takes ${kv}`);
  }
  // Each change simulated once; the section's own diagrams are untouched
  // (the explorer's copy is not one of the scenario diagrams).
  // (The windowed sections are drawn when scrolled to: count those drawn.)
  assert.equal(await s.page.locator("section.scenario svg[data-scenario]").count(), await s.page.locator("section.scenario:has(svg[data-scenario])").count());
  assert.equal(await X(s.page).locator("svg[data-scenario]").count(), 0);
  const ids = await s.page.evaluate(() => [...document.querySelectorAll("[id]")].map((e) => e.id));
  assert.equal(new Set(ids).size, ids.length, "no duplicate ids");
  await done(s);
});

test("the presets are the CLI's table: each one's values are what `tcpsim run --preset` draws, and it says how it was verified", async () => {
  const table = JSON.parse(execFileSync(cli, ["presets", "--format", "json"], { encoding: "utf8" }));
  const s = await openExplorer();
  const shown = await X(s.page).locator('input[name="xp-preset"]').evaluateAll((xs) => xs.map((x) => x.value));
  assert.deepEqual(shown, table.map((p) => p.id), "every preset of `tcpsim presets`, in its order");
  for (const lang of ["zh", "en"]) {
    if (lang === "en") await setLang(s.page, "en");
    for (const p of table) {
      const row = X(s.page).locator(`.explorer-choice:has(#xp-preset-${p.id})`);
      assert.equal((await row.locator("label").textContent()).trim(), p.name[lang]);
      const v = row.locator(".explorer-verified");
      assert.equal(await v.textContent(), p.verification[lang], `${p.id} ${lang}`);
      assert.equal(await v.getAttribute("data-verified"), p.verified ? "1" : "0");
    }
  }
  assert.equal(await X(s.page).locator('.explorer-verified[data-verified="0"]').first().textContent(), "from documentation, not verified here");
  await setLang(s.page, "zh");
  for (const p of table) {
    for (const [c, scenario, host] of [["idle", "keepalive-peer-dead", "server"], ["data", "host-crash-data-no-reboot", "server"], ["connect", "connect-dead-host", "client"]]) {
      const d = await pick(s.page, c, p.id);
      const trace = JSON.parse(execFileSync(cli, ["run", scenario, "--preset", p.id, "--format", "json"], { encoding: "utf8" }));
      assert.equal(d.after, cliAfter(trace, host), `${p.id} ${c}: the page's detection time is tcpsim run --preset's`);
      assert.equal(d.packets, trace.packets.length, `${p.id} ${c}`);
    }
  }
  await done(s);
});

test("a run cut short at its event cap gives the formula's time, not \"never\"", async () => {
  const s = await openExplorer();
  await pick(s.page, "idle", "go");
  await setField(s.page, "tcp_keepintvl", 1);
  const d = await setField(s.page, "user_timeout", 2147483647);
  const trace = cliJson(d.scenario, d.params);
  assert.equal(trace.stop, "event_limit", "the CLI's run stops at the cap too");
  assert.equal(d.after, "cap");
  const detect = X(s.page).locator(".explorer-detect");
  // 15 + ceil((2147483.647 - 15) / 1) × 1 s after the last segment received.
  assert.equal(await detect.getAttribute("data-formula"), "2147484");
  const zh = await detect.textContent();
  assert.match(zh, /按公式约\s*596 小时 31 分/);
  assert.doesNotMatch(zh, /永远发现不了/);
  assert.match(zh, /达到事件上限/);
  assert.match(await X(s.page).locator(".headline").textContent(), /图画到 .* 就停了/);
  await setLang(s.page, "en");
  const en = await detect.textContent();
  assert.match(en, /By the formula, about\s*596 h 31 min/);
  assert.doesNotMatch(en, /Never detected/);
  assert.doesNotMatch(await X(s.page).locator(".headline").textContent(), /^Never/);
  await done(s);
});

test("on an idle connection TCP_USER_TIMEOUT makes detection earlier and TCP_KEEPCNT then changes nothing", async () => {
  const s = await openExplorer();
  let d = await pick(s.page, "idle", "go");
  const base = Number(d.after);
  assert.equal(d.after, cliAfter(cliJson(d.scenario, d.params), "server"));
  // Without TCP_USER_TIMEOUT, TCP_KEEPCNT counts.
  d = await setField(s.page, "tcp_keepcnt", 3);
  assert.ok(Number(d.after) < base, `fewer probes, earlier: ${d.after} < ${base}`);
  d = await setField(s.page, "tcp_keepcnt", 9);
  assert.equal(Number(d.after), base);
  // TCP_USER_TIMEOUT 30 s: earlier.
  d = await setField(s.page, "user_timeout", 30000);
  const withUt = d.after;
  assert.ok(Number(withUt) < base, `${withUt} < ${base}`);
  assert.equal(withUt, cliAfter(cliJson(d.scenario, d.params), "server"));
  assert.match(await X(s.page).locator(".explorer-interplay").textContent(), /TCP_KEEPCNT 就不起作用了/);
  // ...and TCP_KEEPCNT changes nothing now: not the time, not the segments.
  const packets = d.packets;
  for (const cnt of [1, 3, 127]) {
    d = await setField(s.page, "tcp_keepcnt", cnt);
    assert.equal(d.after, withUt, `tcp_keepcnt=${cnt}`);
    assert.equal(d.packets, packets, `tcp_keepcnt=${cnt}`);
  }
  // A TCP_USER_TIMEOUT beyond what TCP_KEEPCNT allows: probing goes on past
  // TCP_KEEPCNT, until the first keepalive timer at or after it.
  await pick(s.page, "idle", "linux");
  const k = await drawnCount(s.page);
  await X(s.page).locator('input[name="so_keepalive"]').check();
  await drawnAt(s.page, k + 1);
  d = await setField(s.page, "user_timeout", 10000000);
  const long = d.after;
  const trace = cliJson(d.scenario, d.params);
  assert.equal(long, cliAfter(trace, "server"));
  // The connection dies at the first keepalive expiry at least 10,000 s
  // after the last segment received (0.03 s; the crash at 10 s), each
  // expiry 75 s after the last plus the timer wheel's rounding (2.05 s).
  const lastRx = Math.max(...trace.packets.filter((p) => p.dst === "server" && p.arrived_at != null).map((p) => p.arrived_at));
  const idle = Number(long) + 10 - lastRx;
  assert.ok(idle >= 10000 && idle < 10000 + 75 + 2.1, `${idle} s idle at the give-up`);
  assert.ok(trace.packets.filter((p) => p.why === "keepalive_probe").length > 9, "probing went on past TCP_KEEPCNT");
  d = await setField(s.page, "tcp_keepcnt", 2);
  assert.equal(d.after, long);
  // With data in flight, TCP_USER_TIMEOUT replaces tcp_retries2's budget.
  d = await pick(s.page, "data", "linux");
  const r15 = d.after;
  d = await setField(s.page, "tcp_retries2", 8);
  assert.ok(Number(d.after) < Number(r15));
  d = await setField(s.page, "user_timeout", 20000);
  const ut = d.after;
  assert.equal(ut, cliAfter(cliJson(d.scenario, d.params), "server"));
  for (const r of [3, 15, 50]) {
    d = await setField(s.page, "tcp_retries2", r);
    assert.equal(d.after, ut, `tcp_retries2=${r}`);
  }
  assert.match(await X(s.page).locator(".explorer-interplay").textContent(), /取代了 tcp_retries2/);
  await done(s);
});

test("a bad value shows the simulator's error beside its field, then goes back to the value drawn", async () => {
  const s = await openExplorer();
  await pick(s.page, "idle", "go");
  const before = await drawnCount(s.page);
  const input = X(s.page).locator('input[name="tcp_keepidle"]');
  await input.fill("40000");
  await s.page.waitForFunction(() => document.querySelector('#detect-faster input[name="tcp_keepidle"]').getAttribute("aria-invalid") === "true");
  const msg = X(s.page).locator("#xp-tcp_keepidle-err");
  assert.match(await msg.textContent(), /tcp_keepidle/);
  // (In the page's language: messages.js words it from the parameter's spec.)
  assert.match(await msg.textContent(), /超出范围，允许 0…32767 秒/);
  assert.equal(await drawnCount(s.page), before, "nothing drawn");
  await input.blur();
  assert.equal(await input.inputValue(), "15");
  assert.equal(await input.getAttribute("aria-invalid"), null);
  assert.equal(await msg.isVisible(), true, "the message stays");
  // The connect case's TCP_USER_TIMEOUT is the client's.
  await pick(s.page, "connect");
  const ut = X(s.page).locator('input[name="user_timeout"]');
  await ut.fill("-1");
  await s.page.waitForFunction(() => document.querySelector('#detect-faster input[name="user_timeout"]').getAttribute("aria-invalid") === "true");
  assert.match(await X(s.page).locator("#xp-user_timeout-err").textContent(), /client_tcp_user_timeout/);
  await done(s);
});

// The snippet of a language as shown.
const code = (page, id) => page.locator(`#detect-faster #xp-panel-${id} code`).textContent();

test("the snippets set exactly the values drawn", async () => {
  const s = await openExplorer();
  await pick(s.page, "idle", "go");
  await setField(s.page, "user_timeout", 20000);
  const c = await code(s.page, "c");
  for (const x of ["int keepalive = 1;", "int idle = 15;", "int intvl = 15;", "int cnt = 9;", "unsigned int user_timeout = 20000;", "TCP_USER_TIMEOUT, &user_timeout"]) assert.ok(c.includes(x), `C has ${x}`);
  const go = await code(s.page, "go");
  for (const x of ["Idle:     15 * time.Second", "Interval: 15 * time.Second", "Count:    9,", "unix.TCP_USER_TIMEOUT, 20000)"]) assert.ok(go.includes(x), `Go has ${x}`);
  const py = await code(s.page, "python");
  for (const x of ["socket.TCP_KEEPIDLE, 15)", "socket.TCP_KEEPINTVL, 15)", "socket.TCP_KEEPCNT, 9)", "socket.TCP_USER_TIMEOUT, 20000)"]) assert.ok(py.includes(x), `Python has ${x}`);
  const java = await code(s.page, "java");
  for (const x of ["s.setKeepAlive(true);", "ExtendedSocketOptions.TCP_KEEPIDLE, 15)", "ExtendedSocketOptions.TCP_KEEPINTERVAL, 15)", "ExtendedSocketOptions.TCP_KEEPCOUNT, 9)", "JDK 没有这个选项"]) assert.ok(java.includes(x), `Java has ${x}`);
  const node = await code(s.page, "node");
  for (const x of ["setKeepAlive(true, 15000)", "TCP_KEEPINTVL 设成 1 秒", "Node.js 没有这个选项"]) assert.ok(node.includes(x), `Node has ${x}`);
  const sys = await code(s.page, "sysctl");
  for (const x of ["net.ipv4.tcp_keepalive_time=15", "net.ipv4.tcp_keepalive_intvl=15", "net.ipv4.tcp_keepalive_probes=9"]) assert.ok(sys.includes(x), `sysctl has ${x}`);
  // Java's extended options: its only timeout-related ones are keepalive's.
  assert.ok((await code(s.page, "java")).includes("与超时有关的只有 TCP_KEEPIDLE、TCP_KEEPINTERVAL、TCP_KEEPCOUNT"));
  // 0 = not set: left alone, the system's value named; Go says -1.
  await setField(s.page, "tcp_keepintvl", 0);
  assert.ok(!(await code(s.page, "c")).includes("TCP_KEEPINTVL, &"));
  assert.match(await code(s.page, "go"), /Interval: -1,/);
  assert.ok((await code(s.page, "sysctl")).includes("net.ipv4.tcp_keepalive_intvl=75"));
  // Node.js's setKeepAlive(true): TCP_KEEPIDLE 0 fails, no interval or count
  // is set (traced by tests/presets/run.sh).
  await pick(s.page, "idle", "node");
  const nodeDefault = await code(s.page, "node");
  assert.ok(nodeDefault.includes("socket.setKeepAlive(true); //"), nodeDefault);
  assert.ok(nodeDefault.includes("EINVAL"), nodeDefault);
  assert.ok(!nodeDefault.includes("TCP_KEEPINTVL 设成 1 秒"), nodeDefault);
  // Data in flight and connecting.
  await pick(s.page, "data", "linux");
  await setField(s.page, "tcp_retries2", 8);
  assert.ok((await code(s.page, "sysctl")).includes("net.ipv4.tcp_retries2=8"));
  await setField(s.page, "user_timeout", 30000);
  assert.ok((await code(s.page, "c")).includes("user_timeout = 30000;"));
  assert.ok((await code(s.page, "java")).includes("s.setSoTimeout(30000);"));
  await pick(s.page, "connect");
  await setField(s.page, "tcp_syn_retries", 3);
  await setField(s.page, "user_timeout", 5000);
  assert.ok((await code(s.page, "python")).includes("socket.TCP_SYNCNT, 3)"));
  assert.ok((await code(s.page, "go")).includes("unix.TCP_USER_TIMEOUT, 5000)"));
  assert.ok((await code(s.page, "java")).includes("new InetSocketAddress(host, port), 5000)"));
  assert.ok((await code(s.page, "sysctl")).includes("net.ipv4.tcp_syn_retries=3"));
  await done(s);
});

// Compile (or parse) each snippet where the compiler is on this machine.
function have(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

test("the snippets are valid code in their language", async () => {
  const s = await openExplorer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "explorer-"));
  const settings = [
    ["idle", "go", { user_timeout: 20000 }],
    ["idle", "linux", {}],
    ["idle", "redis", {}],
    ["data", "grpc", {}],
    ["data", "linux", {}],
    ["connect", "linux", { user_timeout: 5000 }],
  ];
  let checked = 0;
  for (const [c, p, fields] of settings) {
    await pick(s.page, c, p);
    for (const [k, v] of Object.entries(fields)) await setField(s.page, k, v);
    const tag = `${c}-${p}`;
    if (have("gcc")) {
      const f = path.join(dir, `${tag}.c`);
      fs.writeFileSync(f, await code(s.page, "c"));
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
    const sys = await code(s.page, "sysctl");
    for (const line of sys.split("\n")) assert.match(line, /^(# .*|sysctl -w net\.ipv4\.[a-z0-9_]+=\d+)$/, `sysctl ${tag}`);
  }
  assert.ok(checked >= settings.length, "at least the Node.js snippets were checked");
  fs.rmSync(dir, { recursive: true, force: true });
  await done(s);
});

test("switching language switches the explorer, without simulating again", async () => {
  const s = await openExplorer();
  await pick(s.page, "data", "linux");
  const x = X(s.page);
  assert.match(await x.locator("h2").textContent(), /检测得更快/);
  assert.match(await x.locator(".explorer-cases legend").textContent(), /出事时/);
  assert.match(await x.locator(".explorer-detect").textContent(), /检测时间/);
  assert.match(await x.locator(".explorer-code code").first().textContent(), /重传多久|不设置/);
  const headlineZh = await x.locator(".headline").textContent();
  const n = await drawnCount(s.page);
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  await s.page.waitForFunction(() => /What was the connection doing/.test(document.querySelector("#detect-faster .explorer-cases legend").textContent));
  assert.match(await x.locator("h2").textContent(), /Detect it faster/);
  const span = cliSpan("host-crash-data-no-reboot", "tcp_user_timeout=0&tcp_retries2=15", "en");
  assert.match(await x.locator(".explorer-detect").textContent(), new RegExp(`Detected after ${span}`));
  assert.match(await x.locator(".explorer-interplay").textContent(), /tcp_retries2 decides/);
  const headlineEn = await x.locator(".headline").textContent();
  assert.notEqual(headlineEn, headlineZh);
  assert.match(headlineEn, /ETIMEDOUT/);
  assert.equal(await x.locator('svg[lang="en"]').count(), 1, "the diagram is redrawn in English");
  assert.match(await x.locator("#xp-panel-sysctl code").textContent(), /System-wide/);
  assert.equal(await drawnCount(s.page), n, "a language switch simulates nothing");
  // The values stay.
  assert.equal(await x.locator('input[name="tcp_retries2"]').inputValue(), "15");
  // And back.
  await s.page.click("#lang-toggle");
  await s.page.waitForFunction(() => document.documentElement.lang === "zh-CN");
  assert.match(await x.locator(".explorer-detect").textContent(), /检测时间/);
  // Mounted while the page is in English: it starts in English.
  await done(s);
  const t = await openExplorer("/index.html#lang=en");
  assert.match(await X(t.page).locator(".explorer-cases legend").textContent(), /What was the connection doing/);
  await done(t);
});

test("keyboard: cases, presets, fields and code tabs; copying a snippet", async () => {
  const s = await openExplorer();
  await s.ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const x = X(s.page);
  // Radio groups by keyboard: arrows move the choice.
  await x.locator("#xp-case-data").focus();
  let n = await drawnCount(s.page);
  await s.page.keyboard.press("ArrowDown");
  await drawnAt(s.page, n + 1);
  assert.equal((await drawn(s.page)).scenario, "connect-dead-host");
  assert.equal(await s.page.evaluate(() => document.activeElement.id), "xp-case-connect", "focus stays on the choice");
  // Every field has a label.
  for (const id of await x.locator("input").evaluateAll((es) => es.map((e) => e.id))) {
    assert.equal(await x.locator(`label[for="${id}"]`).count(), 1, `label for ${id}`);
  }
  // Tabs: arrows, Home, End.
  await x.locator('[role="tab"][aria-selected="true"]').focus();
  await s.page.keyboard.press("ArrowRight");
  assert.equal(await s.page.evaluate(() => document.activeElement.dataset.tab), "go");
  assert.equal(await x.locator("#xp-panel-go").isVisible(), true);
  assert.equal(await x.locator("#xp-panel-c").isVisible(), false);
  await s.page.keyboard.press("End");
  assert.equal(await s.page.evaluate(() => document.activeElement.dataset.tab), "sysctl");
  await s.page.keyboard.press("Home");
  assert.equal(await s.page.evaluate(() => document.activeElement.dataset.tab), "c");
  // Copy: to the clipboard.
  await x.locator("#xp-panel-c .explorer-copy").click();
  await s.page.waitForFunction(() => document.querySelector("#xp-panel-c .explorer-copied").textContent !== "");
  assert.equal(await s.page.evaluate(() => navigator.clipboard.readText()), await code(s.page, "c"));
  // Without a clipboard: the snippet is selected instead.
  await s.page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new Error("denied"));
  });
  await x.locator('[role="tab"][data-tab="python"]').click();
  await x.locator("#xp-panel-python .explorer-copy").click();
  await s.page.waitForFunction(() => document.querySelector("#xp-panel-python .explorer-copied").textContent !== "");
  assert.equal(await s.page.evaluate(() => String(window.getSelection())), await code(s.page, "python"));
  await done(s);
});
