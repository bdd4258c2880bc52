// The explainer page: runs the simulator (wasm) for every scenario section,
// draws the SVG it returns, and wires the controls. No framework, no
// third-party code, no inline script (strict CSP).
import init, * as sim from "./pkg/tcpsim_wasm.js";
import { UI } from "./i18n.js";
import { TEXTS as ZH_TEXTS } from "./texts-zh.js";
import { parseQuery, toQuery, cursorClasses, fmtTime } from "./common.js";

const $ = (sel, el = document) => el.querySelector(sel);
const state = {
  lang: "zh",
  info: new Map(), // id -> {params: [{name, unit, min, max, default}]}
  live: new Map(), // id -> {params, result, cursor, timer}
  rules: {},
  whyTexts: {},
  zhOriginals: new Map(), // element -> zh innerHTML
  focus: null, // scenario named in the URL
};
const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
const ui = (k) => UI[state.lang][k];

function notice(msg) {
  const n = $("#notice");
  n.textContent = msg;
  n.hidden = !msg;
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
  ({ EN } = page);
  EN_TEXTS = catalogue.TEXTS;
}

// Scenario titles and steps, parameter labels and help, in the page's
// language: written at build time from the catalogue
// (crates/tcpsim/src/scenarios/, params.rs). The Chinese steps are the
// page's own markup.
const texts = () => (state.lang === "en" ? EN_TEXTS : ZH_TEXTS);

async function applyLang(lang) {
  if (lang === "en") {
    try {
      await loadEnglish();
    } catch (e) {
      notice(`${ui("fatal")}${e}`);
      return;
    }
  }
  state.lang = lang;
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const id of state.info.keys()) {
    const section = document.getElementById(id);
    if (!section) continue;
    const steps = $("ol.steps", section);
    if (!state.zhOriginals.has(steps)) state.zhOriginals.set(steps, steps.innerHTML);
    $("h2 .title", section).innerHTML = texts().titles[id];
    steps.innerHTML = lang === "en" ? EN_TEXTS.steps[id].map((t) => `<li>${t}</li>`).join("") : state.zhOriginals.get(steps);
  }
  for (const el of document.querySelectorAll("[data-i18n]")) {
    if (!state.zhOriginals.has(el)) state.zhOriginals.set(el, el.innerHTML);
    const key = el.dataset.i18n;
    el.innerHTML = lang === "en" && EN[key] ? EN[key] : state.zhOriginals.get(el);
  }
  for (const el of document.querySelectorAll("[data-i18n-aria]")) {
    if (!el.dataset.zhAria) el.dataset.zhAria = el.getAttribute("aria-label") || "";
    el.setAttribute("aria-label", lang === "en" ? EN[el.dataset.i18nAria] : el.dataset.zhAria);
  }
  const toggle = $("#lang-toggle");
  toggle.textContent = lang === "zh" ? "English" : "中文";
  toggle.lang = lang === "zh" ? "en" : "zh-CN";
  document.title = lang === "en" ? "TCP Crash Lab: when the peer dies" : "TCP 崩溃实验室：对端挂了，连接会怎样？";
  for (const id of state.live.keys()) {
    buildStage(id);
    buildControls(id);
    draw(id);
  }
}

// ---- theme ----------------------------------------------------------------

function currentTheme() {
  const t = document.documentElement.dataset.theme;
  if (t === "light" || t === "dark") return t;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function toggleTheme() {
  const next = currentTheme() === "dark" ? "light" : "dark";
  document.documentElement.dataset.theme = next;
  $("#theme-toggle").setAttribute("aria-pressed", String(next === "dark"));
}

// ---- URL hash ---------------------------------------------------------------

function readHash() {
  const raw = location.hash.replace(/^#/, "");
  if (!raw) return null;
  if (!raw.includes("=")) return { s: raw, params: {}, lang: null };
  const q = parseQuery(raw);
  const { s = null, lang = null, ...params } = q;
  return { s, lang, params };
}

function writeHash(id) {
  const live = state.live.get(id);
  const params = {};
  for (const p of state.info.get(id).params) {
    if (String(live.params[p.name]) !== String(p.default)) params[p.name] = live.params[p.name];
  }
  const q = toQuery({ s: id, lang: state.lang === "zh" ? null : state.lang, ...params });
  history.replaceState(null, "", "#" + q);
}

// ---- simulation and drawing -----------------------------------------------

// The wasm API returns errors as values; only a bug (a Rust panic, which
// traps) throws. Then the panic hook's message goes into the error box.
// Diagrams on the page take their rules from the page's stylesheet
// (build-web appends `tcpsim css` to style.css and inlines it), so the SVG
// leaves its own copy out; the table is made on demand.
const LEAN = { style: false, table: false };

function run(id, params, options = LEAN) {
  try {
    return sim.simulate(id, params, state.lang, options);
  } catch (e) {
    const msg = String(globalThis.__tcpsimPanic || e);
    fatal(msg);
    return { ok: false, error: msg, param: null };
  }
}

function draw(id) {
  const live = state.live.get(id);
  const section = document.getElementById(id);
  performance.mark(`redraw-start-${id}`);
  const res = run(id, live.params);
  const err = $(".sim-error", section);
  if (!res.ok) {
    showParamError(id, res);
    return false;
  }
  clearParamErrors(id);
  err.hidden = true;
  live.result = res;
  const fig = $(".live-diagram", section);
  fig.innerHTML = res.svg;
  const textalt = $(".textalt", section);
  if (textalt && textalt.open) fillTable(id);
  const n = res.trace.packets.length;
  const scrub = $(".scrub", section);
  scrub.max = String(n);
  if (live.cursor == null || live.cursor > n) live.cursor = n;
  scrub.value = String(live.cursor);
  setCursor(id, live.cursor);
  performance.mark(`redraw-end-${id}`);
  performance.measure("redraw", `redraw-start-${id}`, `redraw-end-${id}`);
  return true;
}

function fillTable(id) {
  const live = state.live.get(id);
  const res = run(id, live.params, { style: false });
  if (res.ok) $(".textalt-body", document.getElementById(id)).innerHTML = res.table;
}

function setCursor(id, k) {
  const live = state.live.get(id);
  const section = document.getElementById(id);
  const n = live.result ? live.result.trace.packets.length : 0;
  live.cursor = Math.max(0, Math.min(n, k));
  const pkts = section.querySelectorAll("[data-packet]");
  for (const g of pkts) {
    const i = Number(g.dataset.packet);
    const c = cursorClasses(i, live.cursor, n);
    g.classList.toggle("dim", c.dim);
    g.classList.toggle("current", c.current);
  }
  const scrub = $(".scrub", section);
  scrub.value = String(live.cursor);
  $(".scrub-label", section).textContent =
    live.cursor >= n ? ui("step0") : `${live.cursor} ${ui("of")} ${n}`;
  if (live.cursor > 0 && live.cursor < n) inspect(id, live.cursor - 1, false);
}

function inspect(id, pid, focus) {
  const live = state.live.get(id);
  const p = live.result && live.result.trace.packets[pid];
  if (!p) return;
  const box = $(".inspector-body", document.getElementById(id));
  const rows = [
    [ui("time"), fmtTime(p.sent_at) + (p.arrived_at != null ? ` → ${fmtTime(p.arrived_at)} (${ui("arrived")})` : p.lost_at != null ? ` → ${fmtTime(p.lost_at)} (${ui("lost")}: ${p.lost})` : "")],
    [ui("dir"), `${p.src}${p.spoofed_as ? ` (as ${p.spoofed_as})` : ""} → ${p.dst}   ${p.sport} → ${p.dport}`],
    [ui("flags"), p.flags.join(" ")],
    [ui("seq"), `${p.seq} (${p.abs_seq})`],
    [ui("ack"), p.ack == null ? "—" : `${p.ack} (${p.abs_ack})`],
    [ui("len"), String(p.len)],
    [ui("why"), whyText(p.why)],
    [ui("rule"), state.rules[p.why] || ""],
  ];
  box.replaceChildren(
    ...rows.flatMap(([k, v]) => {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      return [dt, dd];
    }),
  );
  if (focus) {
    const g = document.getElementById(id).querySelector(`[data-packet="${pid}"]`);
    if (g) g.focus();
  }
}

// The renderer's wording for a reason, when the wasm build exports it.
function whyText(why) {
  const texts = state.whyTexts[state.lang] || {};
  return texts[why] ? `${texts[why]} (${why})` : why;
}

function showParamError(id, res) {
  const section = document.getElementById(id);
  clearParamErrors(id);
  const input = res.param ? section.querySelector(`[name="${CSS.escape(res.param)}"]`) : null;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    const msg = input.closest(".param").querySelector(".param-error");
    msg.textContent = res.error;
    msg.hidden = false;
  } else {
    const err = $(".sim-error", section);
    err.textContent = res.error;
    err.hidden = false;
  }
}

function clearParamErrors(id) {
  const section = document.getElementById(id);
  for (const i of section.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
  for (const m of section.querySelectorAll(".param-error")) m.hidden = true;
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
// steps: the stage (player, diagram, inspector) before the diagrams are
// drawn, and the controls (parameters, downloads, table, Linux captures,
// embed snippet) for all ten sections in the task after that, so readers
// see the diagrams first.
function buildStage(id) {
  const section = document.getElementById(id);
  const box = $(".live", section);
  box.innerHTML =
    `<div class="player" role="group" aria-label="${escHtml(ui("scrub"))}">` +
    `<button type="button" class="back">◀ ${escHtml(ui("back"))}</button>` +
    `<button type="button" class="play" aria-pressed="false">▶ ${escHtml(ui("play"))}</button>` +
    `<button type="button" class="step">${escHtml(ui("step"))} ▶</button>` +
    `<label class="scrub-wrap"><span class="visually-hidden">${escHtml(ui("scrub"))}</span><input type="range" class="scrub" min="0" max="0" value="0" step="1"></label>` +
    `<output class="scrub-label"></output></div>` +
    `<div class="sim-error" role="alert" hidden></div>` +
    `<div class="stage"><div class="live-diagram"></div>` +
    `<aside class="inspector" aria-live="polite"><h3>${escHtml(ui("inspector"))}</h3><dl class="inspector-body"><dd>${escHtml(ui("inspectHint"))}</dd></dl></aside></div>` +
    `<div class="controls"></div>`;
  box.hidden = false;
  const fig = $("figure.diagram", section);
  if (fig) fig.hidden = true;
  state.live.get(id).controls = false;
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
    const input = isBool
      ? `<input id="${inputId}" name="${p.name}" type="checkbox" aria-describedby="${inputId}-help ${inputId}-err"${String(v) === "1" ? " checked" : ""}>`
      : `<input id="${inputId}" name="${p.name}" type="number" min="${p.min}" max="${p.max}" step="1" inputmode="numeric" aria-describedby="${inputId}-help ${inputId}-err" value="${escHtml(v)}">`;
    return (
      `<div class="param"><label for="${inputId}"><code>${p.name}</code> ${escHtml(texts().params[p.name][0])}</label>${input}` +
      `<small id="${inputId}-help" class="param-help">${escHtml(texts().params[p.name][1])}${isBool ? "" : escHtml(` · ${p.min}…${p.max} ${p.unit}`)}</small>` +
      `<span id="${inputId}-err" class="param-error" role="alert" hidden></span></div>`
    );
  });
  const embedUrl = new URL(`embed.html?scenario=${id}&lang=${state.lang}`, location.href).href;
  const snippet =
    `<iframe src="${embedUrl}" title="TCP Crash Lab: ${id}" width="100%" height="640" style="border:0" loading="lazy"></iframe>\n` +
    `<script>addEventListener("message",e=>{if(e.data&&e.data.type==="tcpsim-embed-height")for(const f of document.querySelectorAll("iframe"))if(f.contentWindow===e.source)f.style.height=e.data.height+"px"})</script>`;
  box.innerHTML =
    `<fieldset class="params"><legend>${escHtml(ui("params"))}</legend>${rows.join("")}<button type="button" class="reset">${escHtml(ui("reset"))}</button></fieldset>` +
    `<p class="downloads"><button type="button" class="dl-svg">${escHtml(ui("svg"))}</button> <button type="button" class="dl-pcap">${escHtml(ui("pcap"))}</button></p>` +
    `<details class="linux"><summary>${escHtml(ui("linux"))}</summary><div class="linux-body"></div></details>` +
    `<details class="textalt"><summary>${escHtml(ui("table"))}</summary><div class="textalt-body"></div></details>` +
    `<details class="embed"><summary>${escHtml(ui("embed"))}</summary><p>${escHtml(ui("embedHelp"))}</p>` +
    `<textarea readonly rows="4" aria-label="${escHtml(ui("embed"))}" spellcheck="false">${escHtml(snippet)}</textarea></details>`;
  const linux = $(".linux", box);
  linux.addEventListener("toggle", () => {
    if (linux.open) showCaptures(id, $(".linux-body", linux));
  });
  // The text alternative is made when it is opened (and kept current
  // while it is open), not for all ten sections at startup.
  const textalt = $(".textalt", box);
  textalt.addEventListener("toggle", () => {
    if (textalt.open) fillTable(id);
  });
  live.controls = true;
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
    live.debounce = setTimeout(() => {
      if (draw(id)) writeHash(id);
    }, 60);
  });
  section.addEventListener("click", (e) => {
    const t = e.target;
    const g = t.closest && t.closest("[data-packet]");
    if (g) {
      inspect(id, Number(g.dataset.packet), false);
      return;
    }
    if (t.classList.contains("play")) togglePlay(id);
    else if (t.classList.contains("step")) step(id, +1);
    else if (t.classList.contains("back")) step(id, -1);
    else if (t.classList.contains("reset")) resetParams(id);
    else if (t.classList.contains("dl-svg")) downloadSvg(id);
    else if (t.classList.contains("dl-pcap")) downloadPcap(id);
  });
  section.addEventListener("focusin", (e) => {
    const g = e.target.closest && e.target.closest("[data-packet]");
    if (g) inspect(id, Number(g.dataset.packet), false);
  });
  section.addEventListener("keydown", (e) => {
    const g = e.target.closest && e.target.closest("[data-packet]");
    if (g && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      const next = Number(g.dataset.packet) + (e.key === "ArrowDown" ? 1 : -1);
      inspect(id, next, true);
    }
  });
}

function step(id, d) {
  stop(id);
  const live = state.live.get(id);
  const n = live.result.trace.packets.length;
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
  const n = live.result.trace.packets.length;
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
  draw(id);
  writeHash(id);
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

function downloadSvg(id) {
  const live = state.live.get(id);
  // A file on its own carries its stylesheet.
  const res = run(id, live.params, { table: false });
  if (res.ok) save(`${id}.svg`, new Blob([res.svg], { type: "image/svg+xml" }));
}

function downloadPcap(id) {
  const live = state.live.get(id);
  const res = sim.pcap(id, live.params);
  if (res.ok) save(`${id}.pcap`, new Blob([res.bytes], { type: "application/vnd.tcpdump.pcap" }));
}

function defaults(id) {
  const out = {};
  for (const p of state.info.get(id).params) out[p.name] = String(p.default);
  return out;
}

// ---- start ------------------------------------------------------------------

async function applyHash(first) {
  const h = readHash();
  if (!h) return;
  const problems = [];
  if (h.lang && h.lang !== state.lang) {
    if (h.lang === "en" || h.lang === "zh") await applyLang(h.lang);
    else problems.push(`lang=${h.lang}`);
  }
  if (h.s && !state.info.has(h.s)) {
    problems.push(`${ui("unknownScenario")} '${h.s}'`);
  } else if (h.s) {
    const live = state.live.get(h.s);
    const candidate = { ...defaults(h.s) };
    for (const [k, v] of Object.entries(h.params)) candidate[k] = v;
    const res = Object.keys(h.params).length ? run(h.s, candidate) : { ok: true };
    if (res.ok) {
      live.params = candidate;
    } else {
      problems.push(res.error);
      live.params = defaults(h.s);
    }
    if (Object.keys(h.params).length || !first) {
      buildControls(h.s);
      draw(h.s);
    }
    const section = document.getElementById(h.s);
    section.scrollIntoView({ block: "start", behavior: reduceMotion ? "auto" : "smooth" });
  }
  notice(problems.length ? ui("badHash") + problems.join("; ") : "");
}

// Without the simulator (the wasm failed to load or compile), each section
// shows what readers without JavaScript see: the diagram drawn by the CLI at
// build time, with the defaults.
function showPrerendered() {
  for (const fig of document.querySelectorAll("section.scenario figure.diagram")) {
    const id = fig.closest("section").id;
    const img = document.createElement("img");
    const title = fig.closest("section").querySelector("h2 span").textContent;
    img.src = `prerendered/${id}.${state.lang}.svg`;
    img.alt = state.lang === "zh" ? `${title}：时序图` : `${title}: sequence diagram`;
    img.width = 760;
    fig.append(img);
  }
}

async function start() {
  $("#lang-toggle").addEventListener("click", async () => {
    await applyLang(state.lang === "zh" ? "en" : "zh");
    const focus = document.querySelector("section.scenario:target") || null;
    if (focus) writeHash(focus.id);
    else if (state.lang === "en") history.replaceState(null, "", "#lang=en");
    else history.replaceState(null, "", location.pathname + location.search);
  });
  $("#theme-toggle").addEventListener("click", toggleTheme);
  try {
    // The wasm URL is given, not derived inside the glue, so the page still
    // finds it when build-web bundles the glue into this file.
    await init({ module_or_path: new URL("pkg/tcpsim_wasm_bg.wasm", import.meta.url) });
  } catch (e) {
    fatal(String(e));
    showPrerendered();
    return;
  }
  performance.mark("wasm-ready");
  window.addEventListener("error", (e) => fatal(e.message));
  state.rules = sim.rules();
  if (typeof sim.why_texts === "function") {
    state.whyTexts = { zh: sim.why_texts("zh"), en: sim.why_texts("en") };
  }
  for (const s of sim.scenarios()) state.info.set(s.id, s);
  const h = readHash();
  if (h && h.lang === "en") await applyLang("en");
  for (const id of state.info.keys()) {
    if (!document.getElementById(id)) continue;
    state.live.set(id, { params: defaults(id), cursor: null, result: null, timer: null, controls: false });
    buildStage(id);
    wire(id);
  }
  await applyHash(true);
  for (const id of state.live.keys()) draw(id);
  performance.mark("diagrams-drawn");
  window.addEventListener("hashchange", () => applyHash(false));
  // The controls of the sections the URL did not name, in the next task.
  setTimeout(() => {
    for (const [id, live] of state.live) if (!live.controls) buildControls(id);
    performance.mark("controls-ready");
    document.documentElement.dataset.ready = "1";
  }, 0);
}

start();
