// One scenario alone, for an <iframe> in a blog post. Parameters come from
// the query string (?scenario=ID&lang=zh&theme=light&tcp_keepalive_probes=3);
// the page reports its content's height to the parent on every change,
// taller or shorter, so the iframe can fit it (the host's side is in the
// README and in the snippet the explainer writes: web/share.js).
import init, * as sim from "./pkg/tcpsim_wasm.js";
import { parseQuery, toQuery, applyCursor, drawSvg } from "./common.js";
import { paramMessage, unknownScenario, badChoice } from "./messages.js";
import { unitText } from "./units.js";
import { TEXTS as ZH_TEXTS } from "./texts-zh.js";

const $ = (s) => document.querySelector(s);
const DEFAULT_SCENARIO = "process-crash";

function notice(msg) {
  const n = $("#notice");
  n.textContent = msg;
  n.hidden = !msg;
}

// The content's height: the bottom of <main> (and the body's margin), not
// the document's scroll height, which is at least the iframe's own height
// and so could never report a shrink.
let reported = 0;
function reportHeight(id) {
  const main = document.querySelector("main");
  const margin = parseFloat(getComputedStyle(document.body).marginBottom) || 0;
  const height = Math.ceil(main.getBoundingClientRect().bottom + window.scrollY + margin);
  if (height === reported) return;
  reported = height;
  document.documentElement.dataset.height = String(height);
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
  const { scenario = DEFAULT_SCENARIO, lang: qlang = "zh", theme = "light", ...params } = q;
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
      if (t.scenarios().some((s) => s.id === scenario)) {
        [simulate, known] = [t.simulate, new Map(t.scenarios().map((s) => [s.id, s]))];
        // Their bundle arrows expand, and the arrow keys stop at them.
        (await import("./bundles.js")).wire($(".live-diagram"));
      }
    } catch {}
  }
  let id = scenario;
  if (!known.has(id)) {
    problems.push((l) => unknownScenario(id, l));
    id = DEFAULT_SCENARIO;
  }
  let lang = qlang;
  if (lang !== "zh" && lang !== "en") {
    problems.push((l) => badChoice("lang", qlang, ["zh", "en"], l));
    lang = "zh";
  }
  // The embed sits in someone else's page: light unless the link says
  // otherwise (auto follows the reader's system, as the explainer does).
  if (theme === "light" || theme === "dark" || theme === "auto") document.documentElement.dataset.theme = theme;
  else problems.push((l) => badChoice("theme", theme, ["light", "dark", "auto"], l));
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  let res;
  let refused = false;
  try {
    res = simulate(id, params);
    if (!res.ok) {
      const failed = res;
      refused = true;
      problems.push((l) => paramMessage(failed, known.get(id).params, params, l, unitText));
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
  if (problems.length) notice((lang === "zh" ? "参数有误，已使用默认值：" : "Invalid parameters, using defaults: ") + problems.map((f) => f(lang)).join("; "));
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
  const full = new URL(`index.html#${toQuery({ s: id, lang: lang === "zh" ? null : lang, ...(refused ? {} : params) })}`, location.href);
  $(".full").href = full.href;

  const n = run.packets();
  let cursor = n;
  let timer = null;
  const scrub = $(".scrub");
  scrub.max = String(n);
  const set = (k) => {
    cursor = Math.max(0, Math.min(n, k));
    applyCursor($(".live-diagram"), cursor, n);
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
  // A segment clicked: the timeline moves to it.
  $(".live-diagram").addEventListener("click", (e) => {
    const g = e.target.closest && e.target.closest("[data-packet]");
    if (!g) return;
    stop();
    set(Number(g.dataset.packet) + 1);
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
  // Any change of the content's size (the column narrowed or widened, a
  // notice, the fonts): reported again, either way.
  new ResizeObserver(() => reportHeight(id)).observe(document.querySelector("main"));
  window.addEventListener("resize", () => reportHeight(id));
}

start();
