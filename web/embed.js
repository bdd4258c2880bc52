// One scenario alone, for an <iframe> in a blog post. Parameters come from
// the query string (?scenario=ID&lang=zh&tcp_keepalive_probes=3); the page
// reports its height to the parent so the iframe can fit it.
import init, * as sim from "./pkg/tcpsim_wasm.js";
import { parseQuery, toQuery, cursorClasses, drawSvg } from "./common.js";
import { TEXTS as ZH_TEXTS } from "./texts-zh.js";

const $ = (s) => document.querySelector(s);
const DEFAULT_SCENARIO = "process-crash";

function notice(msg) {
  const n = $("#notice");
  n.textContent = msg;
  n.hidden = !msg;
}

function reportHeight(id) {
  const height = Math.ceil(document.documentElement.scrollHeight);
  if (window.parent !== window) {
    window.parent.postMessage({ type: "tcpsim-embed-height", scenario: id, height }, "*");
  }
}

async function start() {
  try {
    // The wasm URL is given, not derived inside the glue, so the page still
    // finds it when build-web bundles the glue into this file.
    await init({ module_or_path: new URL("pkg/tcpsim_wasm_bg.wasm", import.meta.url) });
  } catch (e) {
    const f = $("#fatal");
    f.textContent = String(e);
    f.hidden = false;
    return;
  }
  const q = parseQuery(location.search);
  const { scenario = DEFAULT_SCENARIO, lang: qlang = "zh", ...params } = q;
  const problems = [];
  let known = new Map(sim.scenarios().map((s) => [s.id, s]));
  // The windowed scenarios (peer-hung, host-crash-bulk) are only in the
  // tools build of the module (tcpsim's `windowed` feature), fetched then.
  // (Its function, not the module: a module as a value costs a helper chunk.)
  let simulate = sim.simulate;
  if (!known.has(scenario)) {
    try {
      const t = await import("./pkg/tcpsim_tools.js");
      await t.default({ module_or_path: new URL("pkg/tcpsim_tools_bg.wasm", import.meta.url) });
      if (t.scenarios().some((s) => s.id === scenario)) [simulate, known] = [t.simulate, new Map(t.scenarios().map((s) => [s.id, s]))];
    } catch {}
  }
  let id = scenario;
  if (!known.has(id)) {
    problems.push(`unknown scenario '${id}'`);
    id = DEFAULT_SCENARIO;
  }
  let lang = qlang;
  if (lang !== "zh" && lang !== "en") {
    problems.push(`lang '${lang}' (zh or en)`);
    lang = "zh";
  }
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  let res;
  try {
    res = simulate(id, params);
    if (!res.ok) {
      problems.push(res.error);
      res = simulate(id, {});
    }
  } catch (e) {
    // Only a bug in the simulator (a panic, which traps) gets here.
    const f = $("#fatal");
    f.textContent = String(globalThis.__tcpsimPanic || e);
    f.hidden = false;
    return;
  }
  const { run } = res;
  if (problems.length) notice((lang === "zh" ? "参数有误，已使用默认值：" : "Invalid parameters, using defaults: ") + problems.join("; "));
  // The English titles are a module of their own, fetched only for English.
  const titles = lang === "en" ? await import("./texts-en.js").then((m) => m.TEXTS.titles).catch(() => ({})) : ZH_TEXTS.titles;
  $(".title").innerHTML = titles[id] || id;
  document.title = `${$(".title").textContent} · TCP Crash Lab`;
  // The page carries the diagrams' rules (build-web inlines `tcpsim css`).
  const { svg, headline, cap } = run.render(lang);
  // A run at the cap goes in over several tasks (common.js).
  let drawn;
  const whole = new Promise((r) => (drawn = r));
  drawSvg($(".live-diagram"), svg, () => drawn());
  $(".headline").textContent = headline;
  $(".cap-note").textContent = cap || "";
  $(".cap-note").hidden = !cap;
  const full = new URL(`index.html#${toQuery({ s: id, lang: lang === "zh" ? null : lang, ...params })}`, location.href);
  $(".full").href = full.href;

  const n = run.packets();
  let cursor = n;
  let timer = null;
  const scrub = $(".scrub");
  scrub.max = String(n);
  const set = (k) => {
    cursor = Math.max(0, Math.min(n, k));
    for (const g of document.querySelectorAll("[data-packet]")) {
      const c = cursorClasses(Number(g.dataset.packet), cursor, n);
      g.classList.toggle("dim", c.dim);
      g.classList.toggle("current", c.current);
    }
    scrub.value = String(cursor);
    $(".scrub-label").textContent = cursor >= n ? "" : `${cursor} / ${n}`;
  };
  const stop = () => {
    clearInterval(timer);
    timer = null;
    $(".play").setAttribute("aria-pressed", "false");
  };
  set(n);
  scrub.addEventListener("input", () => {
    stop();
    set(Number(scrub.value));
  });
  $(".step").addEventListener("click", () => {
    stop();
    set(cursor >= n ? 1 : cursor + 1);
  });
  $(".back").addEventListener("click", () => {
    stop();
    set(cursor - 1);
  });
  $(".play").addEventListener("click", () => {
    if (timer) return stop();
    if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) return set(cursor >= n ? 1 : cursor + 1);
    if (cursor >= n) set(0);
    $(".play").setAttribute("aria-pressed", "true");
    timer = setInterval(() => (cursor >= n ? stop() : set(cursor + 1)), 700);
  });
  await whole;
  set(cursor);
  performance.mark("diagrams-drawn");
  document.documentElement.dataset.ready = "1";
  reportHeight(id);
  new ResizeObserver(() => reportHeight(id)).observe(document.body);
}

start();
