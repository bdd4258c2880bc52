// The "explain your own capture" section on a large capture, measured in
// headless Chromium through the page (a benchmark: it prints figures and
// asserts nothing):
//   node scripts/bench-capture.mjs [CAPTURE]     (after bash scripts/build-web.sh)
// Without CAPTURE it writes target/bench-capture.pcap (a million packets,
// about 96 MB: crates/tcpsim-analyse/examples/gen_capture.rs) if missing.
// RUNS times (default 3), each in a fresh browser (so a fresh renderer
// process and a cold cache), it picks the file in the section and prints:
//   - the time from the file chosen (the page's "capture-picked" mark, set
//     when the input's change event fires) to the connection list in the
//     DOM ("capture-listed"): the chunk and the analyser fetched and
//     compiled, the file read in slices in the worker, the list sent to the
//     page and its first 200 rows drawn;
//   - memory: the worker's wasm linear memory at the end; the page's JS heap
//     (CDP Performance.getMetrics, JSHeapUsedSize) and the worker's (CDP
//     Runtime.getHeapUsage on its target) after the list; the
//     renderer process's peak resident set (VmHWM in /proc; the process
//     runs the page and its worker) and its peak proportional set size
//     (Pss, sampled every 20 ms), each with its value before the file was
//     picked.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { root, serve, launch } from "./bench-common.mjs";

// Also, after the list: a filter keystroke (one character typed into the
// filter): the page's longest task from the keystroke until the worker's
// rows are drawn (a PerformanceObserver for long tasks, >= 50 ms; 0 when
// there was none), and the time until the rows are drawn. Any uncaught
// error on the page is printed. For a SYN flood of N connections:
//   cargo run --release -p tcpsim-analyse --example gen_capture -- target/scale/synflood-2500000.pcap --synflood 2500000
//   node scripts/bench-capture.mjs target/scale/synflood-2500000.pcap

const RUNS = Number(process.env.RUNS) || 3;

let capture = process.argv[2];
if (!capture) {
  capture = path.join(root, "target/bench-capture.pcap");
  if (!fs.existsSync(capture)) {
    console.log("bench-capture: writing", capture);
    execFileSync("cargo", ["run", "-q", "--release", "-p", "tcpsim-analyse", "--example", "gen_capture", "--", capture, "1000000"], { cwd: root, stdio: "inherit" });
  }
}
const size = fs.statSync(capture).size;

const { server, base } = await serve();

const kB = (line) => Number((line || "").match(/(\d+)/)?.[1] || 0) * 1024;
function status(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return { rss: kB(s.match(/^VmRSS:.*$/m)?.[0]), hwm: kB(s.match(/^VmHWM:.*$/m)?.[0]) };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}
// The proportional set size: shared pages (the browser's code, mapped by
// every process) counted once over all the processes that map them.
function pss(pid) {
  try {
    return kB(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:.*$/m)?.[0]);
  } catch {
    return 0;
  }
}
const MB = (b) => (b / 1e6).toFixed(1);

const results = [];
for (let run = 1; run <= RUNS; run++) {
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(base + "/index.html");
  await page.waitForFunction(() => document.documentElement.dataset.ready === "1", null, { timeout: 30000 });
  const cdp = await page.context().newCDPSession(page);
  const info = await (await browser.newBrowserCDPSession()).send("SystemInfo.getProcessInfo");
  const renderers = info.processInfo.filter((p) => p.type === "renderer").map((p) => p.id);
  let peakPss = 0;
  const sampler = setInterval(() => {
    peakPss = Math.max(peakPss, ...renderers.map(pss));
  }, 20);
  const before = Math.max(...renderers.map((pid) => status(pid).rss));
  const beforePss = Math.max(...renderers.map(pss));
  await cdp.send("Performance.enable");
  await page.locator('#capture input[type="file"]').setInputFiles(capture);
  await page.waitForFunction(() => document.getElementById("capture").dataset.listed != null, null, { timeout: 120000 });
  clearInterval(sampler);
  const m = await page.evaluate(() => {
    const measure = performance.getEntriesByName("capture-list")[0];
    const mark = performance.getEntriesByName("capture-listed")[0];
    return { ms: measure.duration, wasm: mark.detail.wasmMemory, conns: Number(document.getElementById("capture").dataset.listed), rows: document.querySelectorAll("#capture tbody tr").length };
  });
  // A filter keystroke.
  const key = await page.evaluate(async () => {
    const longest = { ms: 0 };
    const po = new PerformanceObserver((l) => {
      for (const e of l.getEntries()) longest.ms = Math.max(longest.ms, e.duration);
    });
    po.observe({ type: "longtask" });
    const before = performance.getEntriesByName("capture-rows").length;
    const input = document.querySelector("#capture .capture-filter");
    const t0 = performance.now();
    input.value = "10.1.0.1:8";
    input.dispatchEvent(new Event("input"));
    const t1 = performance.now();
    while (performance.getEntriesByName("capture-rows").length === before) await new Promise((r) => setTimeout(r, 5));
    const t2 = performance.now();
    await new Promise((r) => setTimeout(r, 100));
    po.disconnect();
    return { handler: t1 - t0, rows: t2 - t0, longest: longest.ms, shown: document.querySelector("#capture .capture-tools .capture-note").textContent };
  });
  console.log(`run ${run}: filter keystroke: handler ${key.handler.toFixed(1)} ms, rows drawn after ${key.rows.toFixed(0)} ms, longest page task meanwhile ${key.longest.toFixed(0)} ms (0: none of 50 ms or more); "${key.shown}"`);
  if (pageErrors.length) console.log(`run ${run}: uncaught errors on the page: ${pageErrors.join(" | ")}`);
  const metrics = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((x) => [x.name, x.value]));
  // The worker's JS heap: through the browser's CDP session, attached to
  // the worker's target (messages wrapped, as for a non-flat session).
  const bcdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await bcdp.send("Target.getTargets");
  const w = targetInfos.find((x) => x.type === "worker" && x.url.includes("capture-worker"));
  let workerHeap = NaN;
  if (w) {
    const { sessionId } = await bcdp.send("Target.attachToTarget", { targetId: w.targetId, flatten: false });
    const reply = new Promise((resolve) =>
      bcdp.on("Target.receivedMessageFromTarget", (e) => {
        const msg = JSON.parse(e.message);
        if (e.sessionId === sessionId && msg.id === 1) resolve(msg.result);
      }),
    );
    await bcdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id: 1, method: "Runtime.getHeapUsage" }) });
    workerHeap = (await reply).usedSize;
  }
  const renderer = renderers.map((pid) => ({ pid, ...status(pid) })).sort((a, b) => b.hwm - a.hwm)[0];
  const r = { ms: m.ms, wasm: m.wasm, heap: metrics.JSHeapUsedSize, workerHeap, hwm: renderer.hwm, before, beforePss, peakPss, conns: m.conns, rows: m.rows };
  results.push(r);
  console.log(
    `run ${run}: file chosen -> list shown ${(r.ms / 1000).toFixed(2)} s (${r.conns} connections, ${r.rows} rows drawn); ` +
      `worker wasm memory ${MB(r.wasm)} MB; JS heap: page ${MB(r.heap)} MB, worker ${MB(r.workerHeap)} MB; renderer RSS ${MB(r.before)} MB before, peak ${MB(r.hwm)} MB; ` +
      `renderer PSS ${MB(r.beforePss)} MB before, peak ${MB(r.peakPss)} MB`,
  );
  await browser.close();
}
const median = (k) => {
  const v = results.map((r) => r[k]).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
console.log(
  `bench-capture: ${path.basename(capture)}, ${MB(size)} MB; median of ${RUNS}: list shown ${(median("ms") / 1000).toFixed(2)} s after the file was chosen; ` +
    `worker wasm memory ${MB(median("wasm"))} MB + JS heaps ${MB(median("heap"))} MB (page) and ${MB(median("workerHeap"))} MB (worker); renderer peak RSS ${MB(median("hwm"))} MB ` +
    `(${MB(median("before"))} MB before the file was picked), peak PSS ${MB(median("peakPss"))} MB (${MB(median("beforePss"))} MB before)`,
);
server.close();
