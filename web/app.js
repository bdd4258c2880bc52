// The explainer page: runs the simulator (wasm) for every scenario section,
// draws what it returns, and wires the controls. No framework, no
// third-party code, no inline script (strict CSP).
//
// Each change of a section's parameters is simulated once: the wasm keeps
// the run, and the diagram (in either language) and the headline are drawn
// from it. What a reader asks for later (the table, the pcap, the ss view,
// the reasons in words) comes from a second build of the module with those
// tools (tcpsim-wasm's `tools` feature), fetched the first time it is needed,
// which reruns the same parameters once per drawn run. A run is bounded (at most about 300
// segments, tcpsim::scenarios::MAX_SEGMENTS), so drawing one section never
// blocks the page for long; at start-up the sections are drawn nearest
// first, a few per task, yielding between tasks.
import init, * as sim from "./pkg/tcpsim_wasm.js";
import { UI } from "./i18n.js";
import { PARAMS as ZH_PARAMS } from "./texts-zh.js";
import { parseQuery, toQuery, applyCursor, fmtTime, nextTask, nextFrame, drawSvg, fitDiagram, diagramKeys } from "./common.js";
import { canonical, unitText } from "./units.js";

// What the page says about a reader's input (messages.js), fetched the first
// time there is something to say.
let M = null;
let messagesLoading = null;
const loadMessages = () => (messagesLoading = messagesLoading || import("./messages.js").then((m) => (M = m)));
const paramMessage = (res, specs, values, lang) => M.paramMessage(res, specs, values, lang, unitText);

const $ = (sel, el = document) => el.querySelector(sel);
const state = {
  lang: "zh",
  info: new Map(), // id -> {params: [{name, unit, min, max, default}]}
  // id -> {params (as typed), drawn (the values of the run shown), run
  // (wasm Run), trace, cursor, timer, controls, debounce}
  live: new Map(),
  whyTexts: {},
  drawing: new Set(), // diagrams still going in (drawSvg)
  zhOriginals: new Map(), // element -> zh innerHTML
};
// A diagram going in (a promise that settles once it is all in): start()
// waits for every one before it says the page is ready.
function tracked(going) {
  state.drawing.add(going);
  going.then(() => state.drawing.delete(going));
}
const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
const ui = (k) => UI[state.lang][k];

// The notice takes a function of the language, so that it is said again
// when the reader switches.
let noticeSay = null;
function notice(msg) {
  noticeSay = typeof msg === "function" ? msg : null;
  const text = noticeSay ? noticeSay(state.lang) : msg;
  const n = $("#notice");
  n.textContent = text;
  n.hidden = !text;
}

function fatal(msg) {
  const f = $("#fatal");
  f.textContent = ui("fatal") + msg;
  f.hidden = false;
}

// ---- language -------------------------------------------------------------

// The English page texts, fetched the first time English is asked for:
// EN for the page's own, EN_TEXTS for the scenarios and parameters.
let EN = null;
let EN_TEXTS = null;
async function loadEnglish() {
  if (EN) return;
  const [page, catalogue] = await Promise.all([import("./i18n-en.js"), import("./texts-en.js")]);
  UI.en = page.UI_EN;
  ({ EN } = page);
  EN_TEXTS = catalogue.TEXTS;
}

// Scenario titles and steps, parameter labels and help, in the page's
// language: written at build time from the catalogue
// (crates/tcpsim/src/scenarios/, params.rs). The Chinese steps are a module
// of their own (steps-zh.js), below.
// The Chinese titles are the ones build-web wrote into the sections (from
// the same catalogue), read before anything changes them: not a second
// copy in the first load's script.
const ZH_TEXTS = { titles: {}, params: ZH_PARAMS };
for (const t of document.querySelectorAll("section.scenario[data-scenario] h2 .title")) ZH_TEXTS.titles[t.closest("section").id] = t.innerHTML;
const texts = () => (state.lang === "en" ? EN_TEXTS : ZH_TEXTS);

// The page's own texts (marked data-i18n) under `root`, in the language shown.
function translate(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    if (!state.zhOriginals.has(el)) state.zhOriginals.set(el, el.innerHTML);
    const key = el.dataset.i18n;
    el.innerHTML = state.lang === "en" && EN[key] ? EN[key] : state.zhOriginals.get(el);
  }
}

// The article section's body (long, and read after everything else) is a
// module of its own, written at build time from index.html (which keeps a
// link to article.html, the same text for readers without JavaScript). It
// is fetched when the section comes near the viewport.
let articleLoading = null;
function loadArticle() {
  articleLoading =
    articleLoading ||
    import("./article.js").then(({ HTML }) => {
      const stub = document.querySelector('#article [data-lazy="article"]');
      if (!stub) return;
      const box = document.createElement("div");
      box.innerHTML = HTML;
      stub.replaceWith(...box.childNodes);
      translate(document.getElementById("article"));
    });
  articleLoading.catch(() => {});
  return articleLoading;
}

// Each scenario's steps, the first load's largest text (6.9 KB gzipped for
// the thirteen), are a module of their own, written at build time from the
// catalogue: index.html has a link to steps.html (the same text for readers
// without JavaScript) in their place. It is fetched when a scenario section
// comes within 400 px of the viewport: not at first on a desktop (the first
// section starts 1,650 px down, below the first screen and the contents).
let ZH_STEPS = null;
let stepsLoading = null;
function loadSteps() {
  stepsLoading =
    stepsLoading ||
    import("./steps-zh.js").then(({ STEPS }) => {
      ZH_STEPS = STEPS;
      fillSteps();
    });
  stepsLoading.catch(() => {});
  return stepsLoading;
}

// Every section's steps in the page's language, once they are here.
function fillSteps() {
  const all = state.lang === "en" ? EN_TEXTS.steps : ZH_STEPS;
  if (!all) return;
  for (const section of document.querySelectorAll("section.scenario[data-scenario]")) {
    const list = all[section.dataset.scenario];
    const steps = $("ol.steps", section);
    if (!list || !steps) continue;
    steps.innerHTML = list.map((t) => `<li>${t}</li>`).join("");
    delete steps.dataset.lazy;
  }
}

// A section's controls (its parameter fields, downloads, table, Linux
// captures and embed snippet) are built when the section comes within two
// viewports of the screen, not all at load. Chromium's autofill reads a
// page's form fields about 100 ms after they change, and for each field in
// a section it is skipping (content-visibility: auto) it lays that section
// out to see whether the field can be seen: with every section's fields
// built at load, that was one task of 105-130 ms of CPU (166-363 ms at load
// 5, trace: autofill_agent.cc ExtractFormsAndNotifyPasswordAutofillAgent)
// just after the page became interactive. Resolves once the sections near
// the screen at the first look have theirs.
function watchControls(ids) {
  return new Promise((resolve) => {
    const near = new IntersectionObserver(
      (entries) => {
        const t0 = performance.now();
        for (const e of entries) {
          if (!e.isIntersecting) continue;
          near.unobserve(e.target);
          const live = state.live.get(e.target.id);
          // (A windowed section not yet loaded gets its controls with its
          // catalogue, loadLater.)
          if (live && !live.controls) buildControls(e.target.id);
        }
        performance.measure("slice", { start: t0, end: performance.now() });
        resolve();
      },
      { rootMargin: "200% 0px" },
    );
    for (const id of ids) near.observe(document.getElementById(id));
    if (!ids.length) resolve();
  });
}

function watchSteps() {
  const sections = document.querySelectorAll("section.scenario[data-scenario]");
  if (!sections.length) return;
  const seen = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        seen.disconnect();
        loadSteps();
      }
    },
    { rootMargin: "400px 0px" },
  );
  for (const s of sections) seen.observe(s);
}

function watchArticle() {
  const section = document.getElementById("article");
  if (!section || !section.querySelector('[data-lazy="article"]')) return;
  const seen = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        seen.disconnect();
        loadArticle();
      }
    },
    { rootMargin: "1500px 0px" },
  );
  seen.observe(section);
}

// A scenario section's title and steps in the page's language.
// A section's title in the page's language (its steps: fillSteps).
function sectionTexts(id) {
  const section = document.getElementById(id);
  if (!section) return;
  $("h2 .title", section).innerHTML = texts().titles[id];
}

async function applyLang(lang) {
  if (lang === "en") {
    try {
      await loadEnglish();
    } catch (e) {
      notice(`${ui("fatal")}${e}`);
      return;
    }
  } else if (!ZH_STEPS && state.lang === "en") {
    // The English steps on screen go when the Chinese ones are here.
    await loadSteps().catch(() => {});
  }
  state.lang = lang;
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const id of state.info.keys()) sectionTexts(id);
  fillSteps();
  translate(document);
  for (const el of document.querySelectorAll("[data-i18n-aria]")) {
    if (!el.dataset.zhAria) el.dataset.zhAria = el.getAttribute("aria-label") || "";
    el.setAttribute("aria-label", lang === "en" ? EN[el.dataset.i18nAria] : el.dataset.zhAria);
  }
  if (explorerLang) explorerLang(lang);
  if (symptomLang) symptomLang(lang);
  if (state.info.size) {
    // (Counted among the diagrams going in: the page is not ready, nor
    // its diagrams drawn, until these are in too.)
    if (!heroInline(lang)) tracked(drawHero(false));
    buildToc();
  }
  const toggle = $("#lang-toggle");
  toggle.textContent = lang === "zh" ? "English" : "中文";
  toggle.lang = lang === "zh" ? "en" : "zh-CN";
  document.title = lang === "en" ? "TCP Crash Lab: when the peer dies" : "TCP 崩溃实验室：对端挂了，连接会怎样？";
  // The runs stay: only their words change (the messages beside fields
  // too, and the notice).
  for (const [id, live] of state.live) {
    const hadControls = live.controls;
    buildStage(id);
    if (hadControls) buildControls(id);
    if (live.run) show(id);
  }
  if (noticeSay) notice(noticeSay);
}

// The hash with the language `lang`, everything else in it kept (a
// scenario's parameters, even ones the simulator refused).
function hashWithLang(lang) {
  const raw = location.hash.replace(/^#/, "");
  if (raw && !raw.includes("=")) return lang === "en" ? "#lang=en" : "#" + raw;
  const { s = null, lang: _, ...rest } = parseQuery(raw);
  const q = toQuery({ s, lang: lang === "zh" ? null : lang, ...rest });
  return q ? "#" + q : location.pathname + location.search;
}

// ---- theme ----------------------------------------------------------------

function currentTheme() {
  const t = document.documentElement.dataset.theme;
  if (t === "light" || t === "dark") return t;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function setTheme(t) {
  document.documentElement.dataset.theme = t;
  $("#theme-toggle").setAttribute("aria-pressed", String(currentTheme() === "dark"));
}

// The reader's choice is kept for the next visit (localStorage may be
// refused: a private window, a sandbox; the toggle still works).
const THEME_KEY = "tcpsim-theme";
function toggleTheme() {
  const next = currentTheme() === "dark" ? "light" : "dark";
  setTheme(next);
  try {
    localStorage.setItem(THEME_KEY, next);
  } catch {}
  for (const id of state.live.keys()) refreshEmbed(id);
}

function restoreTheme() {
  let t = null;
  try {
    t = localStorage.getItem(THEME_KEY);
  } catch {}
  if (t === "light" || t === "dark") setTheme(t);
}

// ---- URL hash ---------------------------------------------------------------

function readHash() {
  const raw = location.hash.replace(/^#/, "");
  if (!raw) return null;
  if (!raw.includes("=")) {
    // A plain anchor to another part of the page (#article, #detect-faster):
    // the browser's own business, not a scenario link.
    let id = raw;
    try {
      id = decodeURIComponent(raw);
    } catch {}
    if (!state.info.has(id) && !later.has(id) && document.getElementById(id)) return null;
    return { s: id, params: {}, lang: null };
  }
  const q = parseQuery(raw);
  const { s = null, lang = null, ...params } = q;
  return { s, lang, params };
}

function writeHash(id) {
  const live = state.live.get(id);
  const params = {};
  for (const p of state.info.get(id).params) {
    if (String(live.drawn[p.name]) !== String(p.default)) params[p.name] = live.drawn[p.name];
  }
  const q = toQuery({ s: id, lang: state.lang === "zh" ? null : state.lang, ...params });
  history.replaceState(null, "", "#" + q);
}

// ---- simulation and drawing -----------------------------------------------

// The wasm API returns errors as values; only a bug (a Rust panic, which
// traps) throws. Then the panic hook's message goes into the error box.
function simulate(id, params) {
  try {
    // (The functions, not the modules: a module as a value costs the first
    // load a helper chunk.)
    return (later.has(id) ? tools.simulate : sim.simulate)(id, params);
  } catch (e) {
    const msg = String(globalThis.__tcpsimPanic || e);
    fatal(msg);
    return { ok: false, error: msg, param: null };
  }
}

// Simulate a section with `params`; on success the run replaces the one
// shown. Returns the error result on bad input (the old run stays).
// (`later`: the caller shows the run itself, in a task of its own.)
function simulateSection(id, params, later = false) {
  const live = state.live.get(id);
  performance.mark(`redraw-start-${id}`);
  const res = simulate(id, params);
  if (!res.ok) return res;
  if (live.run) live.run.free();
  if (live.inspect) live.inspect.free();
  live.inspect = null;
  live.trace = null;
  live.run = res.run;
  live.n = res.run.packets();
  // What the simulator read each value as (`+5` as 5, `yes` as 1): the
  // controls and the link show that.
  live.drawn = {};
  for (const p of state.info.get(id).params) live.drawn[p.name] = p.name in params ? canonical(p, params[p.name]) ?? String(params[p.name]) : String(p.default);
  live.params = { ...live.drawn };
  live.error = null;
  if (!later) show(id);
  performance.mark(`redraw-end-${id}`);
  performance.measure("redraw", `redraw-start-${id}`, `redraw-end-${id}`);
  return res;
}

// Draw the section's current run: diagram (whose rules come from the page's
// stylesheet, so the SVG leaves its own copy out), headline, cap note, the
// table if it is open, the player.
function show(id) {
  const live = state.live.get(id);
  const section = document.getElementById(id);
  // (The wasm's drawing and its insertion are measured apart, as "render"
  // and "insert", for scripts/bench-windowed.mjs.)
  const t0 = performance.now();
  const { svg, headline, cap } = live.run.render(state.lang);
  const t1 = performance.now();
  performance.measure("render", { start: t0, end: t1 });
  const n = live.n;
  if (live.cursor == null || live.cursor > n) live.cursor = n;
  // (A run at the cap goes in over several tasks; the player's classes
  // are applied again once all of it is in.)
  const whole = drawSvg($(".live-diagram", section), svg, () => setCursor(id, live.cursor));
  performance.measure("insert", { start: t1, end: performance.now() });
  tracked(whole);
  $(".headline", section).textContent = headline;
  const answer = $(".answer", section);
  if (answer) answer.textContent = headline;
  const capBox = $(".cap-note", section);
  capBox.textContent = cap || "";
  capBox.hidden = !cap;
  const textalt = $(".textalt", section);
  if (textalt && textalt.open) fillTable(id);
  const scrub = $(".scrub", section);
  scrub.max = String(n);
  setCursor(id, live.cursor);
}

// After an edit: simulate, and either show the run and remember it in the
// URL, or say what is wrong beside the field.
// The field being edited stays where the reader's eyes are: a new diagram
// above it may be shorter or taller (tcp_retries2 = 5 takes 870 px off), so
// the page scrolls by the distance the field moved.
function redraw(id) {
  const live = state.live.get(id);
  const section = document.getElementById(id);
  const field = section.contains(document.activeElement) && document.activeElement !== document.body ? document.activeElement : $(".params", section);
  const before = field ? field.getBoundingClientRect().top : null;
  const tried = { ...live.params };
  const res = simulateSection(id, live.params);
  if (!res.ok) {
    live.error = { res, values: tried };
    showParamError(id);
  } else {
    clearParamErrors(id);
    $(".sim-error", section).hidden = true;
    writeHash(id);
    refreshEmbed(id);
  }
  if (field && before != null) {
    const moved = field.getBoundingClientRect().top - before;
    if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
  }
}

async function fillTable(id) {
  const run = await inspected(id);
  if (run) $(".textalt-body", document.getElementById(id)).innerHTML = run.table(state.lang);
}

// ---- the tools module (loaded on demand) ----------------------------------

let tools = null;
let toolsLoading = null;
function loadTools() {
  toolsLoading =
    toolsLoading ||
    import("./pkg/tcpsim_tools.js").then(async (m) => {
      await m.default({ module_or_path: new URL("pkg/tcpsim_tools_bg.wasm", import.meta.url) });
      state.whyTexts = { zh: m.why_texts("zh"), en: m.why_texts("en") };
      tools = m;
      return m;
    });
  toolsLoading.catch((e) => fatal(String(e)));
  return toolsLoading;
}

// The section's drawn run in the tools module: made once per drawn run
// (the parameters were checked when it was drawn).
async function inspected(id) {
  await loadTools();
  const live = state.live.get(id);
  if (!live.run || !live.drawn) return null;
  if (!live.inspect) {
    const res = tools.inspect(id, live.drawn);
    if (!res.ok) {
      fatal(res.error);
      return null;
    }
    live.inspect = res.run;
  }
  return live.inspect;
}

function setCursor(id, k) {
  const live = state.live.get(id);
  const section = document.getElementById(id);
  const n = live.n;
  live.cursor = Math.max(0, Math.min(n, k));
  applyCursor($(".live-diagram", section), live.cursor, n);
  const scrub = $(".scrub", section);
  scrub.value = String(live.cursor);
  $(".scrub-label", section).textContent =
    live.cursor >= n ? ui("step0") : `${live.cursor} ${ui("of")} ${n}`;
  if (live.cursor > 0 && live.cursor < n) inspect(id, live.cursor - 1, false);
}

function inspect(id, pid, focus) {
  const live = state.live.get(id);
  if (!(pid >= 0 && pid < live.n)) return;
  live.shown = pid;
  const box = $(".inspector-body", document.getElementById(id));
  // The segment's fields come from the tools module (the run's trace),
  // fetched the first time a reader inspects a segment, with each reason's
  // source (a module of its own) and the reasons in words.
  if (!live.inspect || !rules || !M) {
    if (!live.inspect) {
      const dd = document.createElement("dd");
      dd.textContent = "…";
      box.replaceChildren(dd);
    }
    Promise.all([loadRules(), inspected(id), loadMessages()]).then(
      ([, run]) => {
        if (run && live.shown === pid) inspect(id, pid, focus);
      },
      () => {},
    );
    // (Drawn when all three are in: the fields need the host names too.)
    return;
  }
  if (!live.trace) live.trace = live.inspect.trace();
  const p = live.trace.packets[pid];
  const rows = [
    [ui("time"), fmtTime(p.sent_at) + (p.arrived_at != null ? ` → ${fmtTime(p.arrived_at)} (${ui("arrived")})` : p.lost_at != null ? ` → ${fmtTime(p.lost_at)} (${ui("lost")}: ${p.lost})` : "")],
    [ui("dir"), `${M.hostName(p.src, state.lang)}${p.spoofed_as ? ui("spoofed").replace("H", M.hostName(p.spoofed_as, state.lang)) : ""} → ${M.hostName(p.dst, state.lang)}   ${p.sport} → ${p.dport}`],
    [ui("flags"), p.flags.join(" ")],
    [ui("seq"), `${p.seq} (${p.abs_seq})`],
    [ui("ack"), p.ack == null ? "—" : `${p.ack} (${p.abs_ack})`],
    [ui("len"), String(p.len)],
    [ui("why"), whyText(p.why) + (p.resend ? ` · ${ui("resend").replace("N", p.resend)}` : "")],
    [ui("rule"), rules ? rules[state.lang][p.why] || "" : "…"],
  ];
  // What ss -tnoi shows on each host just after this segment left.
  const ss = live.inspect.ss(p.sent_at);
  const ssTitle = document.createElement("dt");
  ssTitle.className = "ss-title";
  ssTitle.textContent = ui("ssAt").replace("T", fmtTime(p.sent_at));
  const ssBody = document.createElement("dd");
  ssBody.className = "ss";
  const pre = document.createElement("pre");
  pre.textContent = M.ssText(ss, state.lang);
  ssBody.append(pre);
  box.replaceChildren(
    ...rows.flatMap(([k, v]) => {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      return [dt, dd];
    }),
    ssTitle,
    ssBody,
  );
  if (focus) {
    const g = document.getElementById(id).querySelector(`[data-packet="${pid}"]`);
    if (g) g.focus();
  }
}

let rules = null;
let rulesLoading = null;
function loadRules() {
  rulesLoading = rulesLoading || import("./rules.js").then((m) => (rules = m.RULES));
  return rulesLoading;
}

// The renderer's wording for a reason.
function whyText(why) {
  const texts = state.whyTexts[state.lang] || {};
  return texts[why] ? `${texts[why]} (${why})` : why;
}

// The section's last refused input (live.error: the result and the values
// tried), said beside its field in the page's language; kept across a
// language switch, gone with the next run drawn.
function showParamError(id) {
  const section = document.getElementById(id);
  const live = state.live.get(id);
  clearParamErrors(id);
  if (!live.error) return;
  if (!M) {
    loadMessages().then(() => showParamError(id), (e) => fatal(String(e)));
    return;
  }
  const { res, values } = live.error;
  const text = paramMessage(res, state.info.get(id).params, values, state.lang);
  const input = res.param ? section.querySelector(`.controls [name="${CSS.escape(res.param)}"]`) : null;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    const msg = input.closest(".param").querySelector(".param-error");
    msg.textContent = text;
    msg.hidden = false;
  } else {
    const err = $(".sim-error", section);
    err.textContent = text;
    err.hidden = false;
  }
}

function clearParamErrors(id) {
  const section = document.getElementById(id);
  for (const i of section.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
  for (const m of section.querySelectorAll(".param-error")) m.hidden = true;
  $(".sim-error", section).hidden = true;
}

// ---- controls ---------------------------------------------------------------

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  e.append(...kids);
  return e;
}

// Text for HTML: the labels are our own, but a value from the URL may not be.
const escHtml = (v) =>
  String(v).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// Each section's live part is written as one string and parsed once, which
// is several times faster than a createElement per node. It comes in two
// steps: the stage (headline, player, diagram, inspector) before the
// diagrams are drawn, and the controls (parameters, downloads, table, Linux
// captures, embed snippet) when the section comes near (watchControls), so
// readers see the diagrams first.
function buildStage(id) {
  const section = document.getElementById(id);
  const box = $(".live", section);
  const live = state.live.get(id);
  box.innerHTML =
    `<p class="headline" role="status"></p>` +
    `<div class="player" role="group" aria-label="${escHtml(ui("scrub"))}">` +
    `<button type="button" class="back">◀ ${escHtml(ui("back"))}</button>` +
    `<button type="button" class="play" aria-pressed="false">▶ ${escHtml(ui("play"))}</button>` +
    `<button type="button" class="step">${escHtml(ui("step"))} ▶</button>` +
    `<label class="scrub-wrap"><span class="visually-hidden">${escHtml(ui("scrub"))}</span><input type="range" class="scrub" min="0" max="0" value="0" step="1"></label>` +
    `<output class="scrub-label"></output></div>` +
    `<div class="sim-error" role="alert" hidden></div>` +
    `<p class="cap-note" role="note" hidden></p>` +
    `<div class="stage"><div class="live-diagram"></div>` +
    `<aside class="inspector" aria-live="polite"><h3>${escHtml(ui("inspector"))}</h3><dl class="inspector-body"><dd>${escHtml(ui("inspectHint"))}</dd></dl></aside></div>` +
    `<div class="controls"></div>`;
  box.hidden = false;
  const fig = $("figure.diagram", section);
  if (fig) fig.hidden = true;
  live.controls = false;
}

function buildControls(id) {
  const section = document.getElementById(id);
  const info = state.info.get(id);
  const live = state.live.get(id);
  const box = $(".controls", section);
  const rows = info.params.map((p) => {
    const inputId = `${id}--${p.name}`;
    const isBool = p.unit === "bool";
    const v = live.params[p.name];
    const [label, help] = texts().params[p.name];
    const input = isBool
      ? `<input id="${inputId}" name="${p.name}" type="checkbox" aria-describedby="${inputId}-help ${inputId}-err"${String(v) === "1" ? " checked" : ""}>`
      : `<input id="${inputId}" name="${p.name}" type="number" min="${p.min}" max="${p.max}" step="1" inputmode="numeric" aria-describedby="${inputId}-help ${inputId}-err" value="${escHtml(v)}">`;
    return (
      `<div class="param"><label for="${inputId}"><code>${p.name}</code> ${escHtml(label)}</label>${input}` +
      `<small id="${inputId}-help" class="param-help">${escHtml(help)}${isBool ? "" : escHtml(` · ${p.min}…${p.max}${unitText(p.unit, state.lang)}`)}</small>` +
      `<span id="${inputId}-err" class="param-error" role="alert" hidden></span></div>`
    );
  });
  // The headline again, beside the fields: the answer to an edit is read
  // where the edit is made.
  // (The text already drawn: rendering again would redraw the whole SVG.)
  const answer = $(".headline", section).textContent;
  box.innerHTML =
    `<fieldset class="params"><legend>${escHtml(ui("params"))}</legend><p class="answer">${escHtml(answer)}</p>${rows.join("")}<button type="button" class="reset">${escHtml(ui("reset"))}</button></fieldset>` +
    `<p class="downloads"><button type="button" class="dl-svg">${escHtml(ui("svg"))}</button> <button type="button" class="dl-png">${escHtml(ui("png"))}</button> <button type="button" class="dl-pcap">${escHtml(ui("pcap"))}</button> <button type="button" class="dl-sh">${escHtml(ui("sh"))}</button></p>` +
    `<details class="linux"><summary>${escHtml(ui("linux"))}</summary><div class="linux-body"></div></details>` +
    `<details class="textalt"><summary>${escHtml(ui("table"))}</summary><div class="textalt-body"></div></details>` +
    `<details class="embed"><summary>${escHtml(ui("embed"))}</summary><p>${escHtml(ui("embedHelp"))}</p>` +
    `<textarea readonly rows="5" aria-label="${escHtml(ui("embed"))}" spellcheck="false"></textarea></details>`;
  const linux = $(".linux", box);
  linux.addEventListener("toggle", () => {
    if (linux.open) showCaptures(id, $(".linux-body", linux));
  });
  // The text alternative is made when it is opened (and kept current
  // while it is open), not for every section at startup.
  const textalt = $(".textalt", box);
  textalt.addEventListener("toggle", () => {
    if (textalt.open) fillTable(id);
  });
  // The snippet is written when it is opened (web/share.js, on demand),
  // and again on each change while it is open.
  const embed = $(".embed", box);
  embed.addEventListener("toggle", () => refreshEmbed(id));
  live.controls = true;
  showParamError(id);
}

// ---- sharing: the embed snippet and the image (web/share.js, on demand) ----

let shareLoading = null;
const loadShare = () => (shareLoading = shareLoading || import("./share.js"));

// What the reader has on screen (share.js's `onScreen` reads the changed
// parameters, the language and the theme from it).
const screen = (id) => ({ id, specs: state.info.get(id).params, drawn: state.live.get(id).drawn, lang: state.lang, theme: currentTheme() });

function refreshEmbed(id) {
  const d = $(".controls .embed", document.getElementById(id));
  if (d && d.open) loadShare().then((m) => ($("textarea", d).value = m.snippet(screen(id), location.href)), (e) => notice(ui("fatal") + e));
}

// The diagram on screen as a PNG at twice its size, with its headline, its
// parameters and the link to it (share.js).
async function downloadPng(id) {
  const live = state.live.get(id);
  if (!live.run) return;
  const [m, { CSS }] = await Promise.all([loadShare(), import("./diagram-css.js")]);
  const { svg, headline } = live.run.render(state.lang);
  const title = $("h2 .title", document.getElementById(id)).textContent;
  save(`${id}.png`, await m.sectionPng(screen(id), { svg, css: CSS, title, headline, none: ui("defaults"), page: location.href, root: document.documentElement }));
}

function wire(id) {
  const section = document.getElementById(id);
  section.addEventListener("input", (e) => {
    const t = e.target;
    const live = state.live.get(id);
    if (t.classList.contains("scrub")) {
      stop(id);
      setCursor(id, Number(t.value));
      return;
    }
    if (!t.name) return;
    live.params[t.name] = t.type === "checkbox" ? (t.checked ? "1" : "0") : t.value;
    clearTimeout(live.debounce);
    live.debounce = setTimeout(() => redraw(id), 60);
  });
  // A value left invalid when the reader moves on goes back to the one the
  // diagram was drawn with (the message beside it stays): the controls
  // always show what is drawn.
  section.addEventListener("change", (e) => {
    const t = e.target;
    const live = state.live.get(id);
    if (!t.name || !live.drawn || t.getAttribute("aria-invalid") !== "true") return;
    clearTimeout(live.debounce);
    const drawn = live.drawn[t.name];
    if (t.type === "checkbox") t.checked = String(drawn) === "1";
    else t.value = String(drawn);
    live.params = { ...live.drawn };
    t.removeAttribute("aria-invalid");
  });
  section.addEventListener("click", (e) => {
    const t = e.target;
    const g = t.closest && t.closest("[data-packet]");
    if (g) {
      // The timeline moves to the segment clicked.
      stop(id);
      setCursor(id, Number(g.dataset.packet) + 1);
      inspect(id, Number(g.dataset.packet), false);
      return;
    }
    if (t.classList.contains("play")) togglePlay(id);
    else if (t.classList.contains("step")) step(id, +1);
    else if (t.classList.contains("back")) step(id, -1);
    else if (t.classList.contains("reset")) resetParams(id);
    else if (t.classList.contains("dl-svg")) downloadSvg(id);
    else if (t.classList.contains("dl-png")) downloadPng(id).catch((err) => notice(ui("fatal") + err));
    else if (t.classList.contains("dl-pcap")) downloadPcap(id);
    else if (t.classList.contains("dl-sh")) downloadScript(id);
  });
  section.addEventListener("focusin", (e) => {
    const g = e.target.closest && e.target.closest("[data-packet]");
    if (g) inspect(id, Number(g.dataset.packet), false);
  });
  // The arrow keys within a diagram: common.js's diagramKeys (the focus
  // moves, and focusin above inspects).
}

function step(id, d) {
  stop(id);
  const live = state.live.get(id);
  const n = live.n;
  const from = live.cursor >= n && d > 0 ? 0 : live.cursor;
  setCursor(id, from + d);
}

function stop(id) {
  const live = state.live.get(id);
  if (live.timer) {
    clearInterval(live.timer);
    live.timer = null;
  }
  const b = $(".play", document.getElementById(id));
  if (b) {
    b.setAttribute("aria-pressed", "false");
    b.textContent = "▶ " + ui("play");
  }
}

function togglePlay(id) {
  const live = state.live.get(id);
  if (live.timer) return stop(id);
  if (reduceMotion) return step(id, +1);
  const n = live.n;
  if (live.cursor >= n) setCursor(id, 0);
  const b = $(".play", document.getElementById(id));
  b.setAttribute("aria-pressed", "true");
  b.textContent = "❚❚ " + ui("pause");
  live.timer = setInterval(() => {
    if (live.cursor >= n) return stop(id);
    setCursor(id, live.cursor + 1);
  }, 700);
}

function resetParams(id) {
  const live = state.live.get(id);
  live.params = defaults(id);
  buildControls(id);
  redraw(id);
}

// Real-kernel recordings of this scenario (tests/kernel), pre-rendered at
// build time by the same renderer; listed in kernel/index.json.
let captureIndex = null;
async function showCaptures(id, box) {
  try {
    captureIndex = captureIndex || fetch("kernel/index.json").then((r) => r.json());
    const list = (await captureIndex).filter((c) => c.scenario === id);
    if (!list.length) {
      box.textContent = ui("noCapture");
      return;
    }
    const parts = [el("p", { text: ui("linuxNote") })];
    for (const c of list) {
      const params = Object.entries(c.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ");
      const cap = el(
        "figcaption",
        {},
        el("b", { text: c.name }),
        ` · Linux ${c.kernel} · ${ui("recorded")} ${c.recorded_at.slice(0, 10)} · `,
        el("code", { text: params }),
        " · ",
        el("a", { href: `kernel/${c.name}.pcap`, download: `${c.name}.pcap`, text: ui("pcapOne") }),
      );
      const img = el("img", { src: `kernel/${c.name}.${state.lang}.svg`, alt: `${c.name} (Linux ${c.kernel})`, loading: "lazy" });
      parts.push(el("figure", { class: "capture" }, cap, img));
    }
    box.replaceChildren(...parts);
  } catch (e) {
    box.textContent = String(e);
  }
}

function save(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// A file on its own carries its stylesheet: the diagrams' rules (a module
// written at build time from `tcpsim css`) go where `tcpsim run --format
// svg` puts them, after the description, so the file is the CLI's, byte for
// byte.
async function downloadSvg(id) {
  const { run } = state.live.get(id);
  if (!run) return;
  const { CSS } = await import("./diagram-css.js");
  const svg = run.render(state.lang).svg.replace("</desc>", `</desc><style>${CSS}</style>`);
  save(`${id}.svg`, new Blob([svg], { type: "image/svg+xml" }));
}

async function downloadPcap(id) {
  const run = await inspected(id);
  if (run) save(`${id}.pcap`, new Blob([run.pcap()], { type: "application/vnd.tcpdump.pcap" }));
}

// The bash script that records this run's scenario and parameters on the
// reader's Linux (tcpsim reproduce, in the tools module).
async function downloadScript(id) {
  const res = (await loadTools()).reproduce(id, state.live.get(id).drawn);
  if (res.ok) save(`${id}.sh`, new Blob([res.script]));
  else notice(res.error);
}

function defaults(id) {
  const out = {};
  for (const p of state.info.get(id).params) out[p.name] = String(p.default);
  return out;
}

// ---- the "detect it faster" explorer ----------------------------------------

// A chunk of its own (web/explorer.js), fetched with the tools module (whose
// runs hand over their trace, which the explorer reads the outcome from)
// when its button is pressed: on demand, as its weight asks (18 KB and
// 65 KB gzipped).
let explorerLang = null; // the explorer's setLang, once it is mounted
function loadExplorer() {
  const section = document.getElementById("detect-faster");
  if (!section) return;
  const button = $(".explorer-open", section);
  let loading = null;
  const load = () => {
    if (loading) return;
    button.disabled = true;
    loading = Promise.all([import("./explorer.js"), loadTools(), loadMessages()])
      // The two functions it calls, not the module object: passing a module
      // itself makes esbuild emit a helper chunk that the first load fetches.
      .then(([m, t]) => m.mount(section, { sim: { simulate: t.simulate, scenarios: t.scenarios }, lang: () => state.lang, onLang: (fn) => (explorerLang = fn), words: paramMessage }))
      .catch((e) => notice(`${ui("fatal")}${e}`));
  };
  button.hidden = false;
  button.addEventListener("click", load);
  // The symptom finder opens the explorer on a case and a preset.
  explorerSelect = (caseId, presetId) => {
    load();
    loading.then(() => import("./explorer.js")).then((m) => m.select(caseId, presetId));
    section.scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth" });
  };
  // A link to the section opens it.
  // (…and a shared setting of it: #detect-faster&case=…, explorer.js.)
  const named = () => /^#detect-faster($|&)/.test(location.hash);
  if (named()) {
    load();
    section.scrollIntoView();
  }
  window.addEventListener("hashchange", () => named() && load());
}

// ---- "explain your own capture" ---------------------------------------------

// A chunk of its own (web/capture.js, with the analyser in a worker),
// fetched when a reader picks or drops a file in the section. It follows
// the page's language through <html lang>.
function loadCapture() {
  const sec = document.getElementById("capture");
  let mounted;
  const open = (file) => {
    if (!file) return;
    performance.mark("capture-picked");
    mounted = mounted || import("./capture.js").then((m) => m.mount(sec));
    mounted.then((c) => c.open(file), (e) => notice(ui("fatal") + e));
  };
  sec.onchange = (e) => open(e.target.files?.[0]);
  sec.ondragover = (e) => e.preventDefault();
  sec.ondrop = (e) => {
    e.preventDefault();
    open(e.dataTransfer.files[0]);
  };
  $("label", sec).hidden = false;
}


// ---- finding your way: the first screen, contents, the symptom finder ------

// The first screen's contrast, drawn by the simulator like every diagram:
// a process crash (its kernel closes the connection) beside a host crash
// (nothing at all is sent), with the defaults, each shown from just above
// its fault (web/hero.js). A picture, not a control: its segments are no
// Tab stops (the sections further down are the ones to play with).
// build-web draws both into index.html in Chinese with this same wasm
// (scripts/hero.mjs; the boxes say data-inline="zh"), so the first screen
// is painted with the HTML; the page draws them here only in another
// language (or if they are missing).
// On the first load (`split`) each of the two goes in a task of its own:
// the first calls into wasm code not compiled yet (V8 compiles a wasm
// function on its first call), which makes it the load's longest task.
const heroInline = (lang) => [...document.querySelectorAll(".hero [data-hero]")].every((b) => b.dataset.inline === lang && b.firstElementChild);
// (web/hero.js is a chunk of its own, fetched the first time the page draws
// them: not on a first load in Chinese.)
async function drawHero(split) {
  const hero = $(".hero");
  if (!hero) return;
  let heroSvg;
  try {
    ({ heroSvg } = await import("./hero.js"));
  } catch (e) {
    return notice(`${ui("fatal")}${e}`);
  }
  for (const box of hero.querySelectorAll("[data-hero]")) {
    if (split && box !== hero.querySelector("[data-hero]")) await nextSlice();
    const res = simulate(box.dataset.hero, {});
    if (!res.ok) return void (hero.hidden = true);
    const { svg, headline } = res.run.render(state.lang);
    res.run.free();
    drawSvg(box, heroSvg(svg));
    box.dataset.inline = "";
    box.closest("figure").querySelector(".hero-headline").textContent = headline;
  }
  hero.hidden = false;
}

// The table of contents: every section's heading, in the page's language.
// Open and sticky beside the page on a wide screen, folded on a phone.
const wide = matchMedia("(min-width: 1200px)");
function buildToc() {
  const nav = $(".toc");
  $("ol", nav).innerHTML = [...document.querySelectorAll("#symptom>summary,main h2")]
    .map((h) => `<li><a href="#${(h.parentElement.id ? h.parentElement : h).id}">${escHtml(($(".title", h) || h).textContent)}</a></li>`)
    .join("");
  nav.hidden = false;
}

function wireToc() {
  const nav = $(".toc");
  const d = $("details", nav);
  d.open = wide.matches;
  // A link scrolls to its section and moves the focus there without
  // touching the hash: a scenario's permalink (#s=…) keeps its parameters.
  nav.addEventListener("click", (e) => {
    const to = document.getElementById(e.target.closest("a")?.hash.slice(1));
    if (!to) return;
    e.preventDefault();
    to.open = true;
    to.scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth" });
    to.tabIndex = -1;
    to.focus({ preventScroll: true });
    d.open = wide.matches;
  });
}

// On a phone each section starts with its headline and diagram; the
// step-by-step explanation is folded (the stylesheet moves it below).
function foldOnPhone() {
  if (!matchMedia("(max-width: 640px)").matches) return;
  for (const d of document.querySelectorAll("details.explain")) d.open = false;
}

// "Start from the symptom": a chunk of its own (web/symptom.js), fetched
// when a reader opens it. It simulates the candidate timers with the tools
// module and opens a section or the explorer with a matching preset.
let explorerSelect = null; // set by loadExplorer: (caseId, presetId) => void
function wireSymptom() {
  const box = document.getElementById("symptom");
  let mounted;
  const mount = () =>
    box.open &&
    (mounted ||= import("./symptom.js")
      .then((m) => m.mount($(".symptom-body", box), { tools: loadTools, lang: () => state.lang, onLang: (fn) => (symptomLang = fn), explore: (c, p) => explorerSelect?.(c, p) }))
      .catch((e) => notice(ui("fatal") + e)));
  box.addEventListener("toggle", mount);
  // A link to it (the first screen's) opens it.
  const fromHash = () => location.hash === "#symptom" && (box.open = true);
  fromHash();
  window.addEventListener("hashchange", fromHash);
}
let symptomLang = null;

// ---- the two windowed sections (drawn by the tools module) -----------------

// The first-load wasm is built without the windowed model (tcpsim's
// `windowed` feature, 2.3 KB gzipped), so its catalogue lacks the sections
// that need it (peer-hung, host-crash-bulk). Those are drawn, and stepped
// and edited like the others, with the tools module, fetched when one of
// them comes near the viewport or a link names it, with their Chinese
// steps and parameter labels (texts-windowed.js).
const later = new Set();
let laterLoading = null;
function loadLater() {
  laterLoading =
    laterLoading ||
    // (bundles.js: their bundle arrows expand on a click, a key or a step.)
    Promise.all([loadTools(), import("./texts-windowed.js"), import("./bundles.js")]).then(([t, { TEXTS }, { wire }]) => {
      Object.assign(ZH_TEXTS.params, TEXTS.params);
      for (const s of t.scenarios()) {
        const id = s.id;
        if (!later.has(id)) continue;
        state.info.set(id, s);
        const steps = $("ol.steps", document.getElementById(id));
        steps.innerHTML = TEXTS.steps[id].map((x) => `<li>${x}</li>`).join("");
        delete steps.dataset.lazy;
        addSection(id);
        wire($(".live-diagram", document.getElementById(id)));
        sectionTexts(id);
        simulateSection(id, defaults(id));
        buildControls(id);
      }
      if (state.lang === "en") fillSteps();
    });
  return laterLoading;
}

function watchLater() {
  for (const s of document.querySelectorAll("section.scenario")) if (!state.info.has(s.id)) later.add(s.id);
  const seen = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        seen.disconnect();
        loadLater();
      }
    },
    { rootMargin: "1500px 0px" },
  );
  for (const id of later) seen.observe(document.getElementById(id));
}

function addSection(id) {
  state.live.set(id, { params: defaults(id), drawn: null, run: null, n: 0, trace: null, inspect: null, shown: null, cursor: null, timer: null, controls: false });
  buildStage(id);
  wire(id);
}

// ---- start ------------------------------------------------------------------

// The parameters a link asks for a section: checked by simulating them
// (the run is then the one shown: nothing is simulated twice); on bad
// input, the defaults and a notice naming what was wrong.
async function applyHash(first) {
  const h = readHash();
  if (!h) return null;
  // Each problem is a function of the language: the notice is said again
  // when the reader switches.
  const problems = [];
  const said = (f) => (l) => f(M, l);
  if (h.lang && h.lang !== state.lang) {
    if (h.lang === "en" || h.lang === "zh") await applyLang(h.lang);
    else problems.push(said((m, l) => m.badChoice("lang", h.lang, ["zh", "en"], l)));
  }
  let target = null;
  if (later.has(h.s)) await loadLater();
  if (h.s && !state.info.has(h.s)) {
    problems.push(said((m, l) => m.unknownScenario(h.s, l)));
  } else if (h.s) {
    target = h.s;
    const candidate = { ...defaults(h.s), ...h.params };
    const section = document.getElementById(h.s);
    // On the first load a link's section goes in over tasks of its own, so
    // that a run at the cap (300 segments) holds no task long: the scroll
    // (a layout of the page while the section still has its reserved
    // room), the simulation, then its drawing.
    const split = first && Object.keys(h.params).length > 0;
    if (split) {
      section.scrollIntoView({ block: "start", behavior: "auto" });
      await nextSlice();
    }
    if (Object.keys(h.params).length || !first) {
      const res = simulateSection(h.s, candidate, split);
      if (!res.ok) {
        // The defaults are drawn, and the field shows them with the
        // refused value named beside it.
        const specs = state.info.get(h.s).params;
        problems.push((l) => paramMessage(res, specs, candidate, l));
        simulateSection(h.s, defaults(h.s), split);
        state.live.get(h.s).error = { res, values: candidate };
      }
      if (split) {
        await nextSlice();
        show(h.s);
      }
      if (!first || state.live.get(h.s).controls || later.has(h.s)) buildControls(h.s);
    }
    if (!split) section.scrollIntoView({ block: "start", behavior: reduceMotion || first ? "auto" : "smooth" });
  }
  if (problems.length) await loadMessages().catch((e) => fatal(String(e)));
  notice(problems.length && M ? (l) => UI[l].badHash + problems.map((f) => f(l)).join("; ") : "");
  return target;
}

// Without the simulator (the wasm failed to load or compile), each section
// shows the diagram the CLI drew at build time (web/prerendered.js, fetched
// only then: no reader whose page works pays for it).

// The first load's work outside inSlices yields with nextSlice: the slice
// so far is measured and a new one starts in the next task.
let sliceStart = 0;
async function nextSlice() {
  performance.measure("slice", { start: sliceStart, end: performance.now() });
  await nextTask();
  sliceStart = performance.now();
}

// Run `work` over `items` a few at a time: each task stops after about
// `budget` ms and yields, so that the page can paint and answer input.
// (Each slice is measured as "slice", for scripts/bench-web.mjs.)
async function inSlices(items, work, budget = 30) {
  let i = 0;
  while (i < items.length) {
    const t0 = performance.now();
    const first = i;
    while (i < items.length && (i === first || performance.now() - t0 < budget)) work(items[i++]);
    performance.measure("slice", { start: t0, end: performance.now() });
    if (i < items.length) await nextTask();
  }
}

async function start() {
  // The first screen's diagrams came with the HTML (build-web), painted
  // with it (scripts/bench-web.mjs times that paint by the element timing
  // of the line below them, .hero-go); here they get what drawSvg gives a
  // diagram: the keys, and on a phone the pinned time axis.
  if (heroInline("zh")) {
    for (const box of document.querySelectorAll(".hero [data-hero]")) {
      diagramKeys(box);
      fitDiagram(box);
    }
  }
  watchArticle();
  loadCapture();
  foldOnPhone();
  wireToc();
  wireSymptom();
  $("#lang-toggle").addEventListener("click", async () => {
    await applyLang(state.lang === "zh" ? "en" : "zh");
    history.replaceState(null, "", hashWithLang(state.lang));
  });
  restoreTheme();
  $("#theme-toggle").addEventListener("click", toggleTheme);
  try {
    // The wasm URL is given, not derived inside the glue, so the page still
    // finds it when build-web bundles the glue into this file.
    await init({ module_or_path: new URL("pkg/tcpsim_wasm_bg.wasm", import.meta.url) });
  } catch (e) {
    fatal(String(e));
    // (The first screen's pictures from the build stay: they need no wasm.)
    if (!heroInline("zh")) $(".hero").hidden = true;
    import("./prerendered.js").then((m) => m.showPrerendered(state.lang));
    return;
  }
  performance.mark("wasm-ready");
  if (!heroInline("zh")) {
    sliceStart = performance.now();
    await drawHero(true);
    performance.mark("hero-drawn");
    performance.measure("slice", { start: sliceStart, end: performance.now() });
    // Let the first screen paint before the sections' work.
    await nextFrame();
  }
  sliceStart = performance.now();
  window.addEventListener("error", (e) => fatal(e.message));
  for (const s of sim.scenarios()) state.info.set(s.id, s);
  watchLater();
  const h = readHash();
  if (h && h.lang === "en") await applyLang("en");
  const ids = [];
  for (const id of state.info.keys()) {
    if (!document.getElementById(id)) continue;
    addSection(id);
    ids.push(id);
  }
  buildToc();
  // The section a link names is drawn in the tasks after this one.
  if (readHash()?.s) await nextSlice();
  const target = await applyHash(true);
  // Our first task: catalogue, stages, and the section a link names.
  performance.measure("slice", { start: sliceStart, end: performance.now() });
  // Nearest first: the section the link names and its neighbours, else
  // the top of the page (which is where a reader starts).
  const at = Math.max(0, ids.indexOf(target));
  const order = ids.map((id, i) => [Math.abs(i - at), i, id]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
  await inSlices(order, (id) => {
    if (!state.live.get(id).run) simulateSection(id, defaults(id));
  });
  await Promise.all([...state.drawing]);
  performance.mark("diagrams-drawn");
  window.addEventListener("hashchange", () => applyHash(false));
  // The controls of the sections near the screen, in the task after the
  // diagrams; the others' as they come near.
  await nextTask();
  await watchControls(ids);
  performance.mark("controls-ready");
  document.documentElement.dataset.ready = "1";
  // Watched only now that the first screen and the contents have their
  // height: before, the first section may seem near.
  watchSteps();
  loadExplorer();
}

start();
