// Helpers shared by the explainer (app.js) and the embed (embed.js).

// "a=1&b=x" -> {a: "1", b: "x"}; malformed pieces are skipped, never thrown.
export function parseQuery(q) {
  const out = {};
  for (const part of q.replace(/^[?#]/, "").split("&")) {
    if (!part) continue;
    const i = part.indexOf("=");
    const k = i < 0 ? part : part.slice(0, i);
    const v = i < 0 ? "" : part.slice(i + 1);
    try {
      out[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, " "));
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export function toQuery(obj) {
  return Object.entries(obj)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
}

// Step-through: with cursor k of n, packets 0..k-1 are shown, k-1 is current.
export function cursorClasses(i, k, n) {
  if (k >= n) return { dim: false, current: false };
  return { dim: i >= k, current: i === k - 1 };
}

// Show step k of n in the diagram under `root`: segments from k on dimmed,
// k-1 marked current, and every label, state, timer or note whose step
// (`data-k`, the segments sent by the time it happened: tcpsim-diagram's
// step_at) is past k hidden, so the diagram does not tell the end early.
// (The step is written on `root` too, as data-step, for web/bundles.js: a
// windowed run's bundle arrows dim and open with the segments they hold.)
export function applyCursor(root, k, n) {
  root.dataset.step = k;
  if (k >= n) {
    // The whole run: only what an earlier step marked changes (a diagram
    // just drawn has nothing marked: a redraw pays for no walk over it).
    for (const e of root.querySelectorAll(".dim, .current, .future")) e.classList.remove("dim", "current", "future");
    return;
  }
  for (const g of root.querySelectorAll("[data-packet]")) {
    const c = cursorClasses(Number(g.dataset.packet), k, n);
    g.classList.toggle("dim", c.dim);
    g.classList.toggle("current", c.current);
  }
  for (const e of root.querySelectorAll("[data-k]")) e.classList.toggle("future", k < n && Number(e.dataset.k) > k);
}

export function fmtTime(t) {
  return `${Number(t).toFixed(t < 10 ? 3 : 2)} s`;
}

// Yield to the browser: resolves in a new task (a MessageChannel message,
// which, unlike a nested setTimeout, is not clamped to 4 ms), so that it can
// paint and handle input in between.
export function nextTask() {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}

// Resolves after the next frame has been drawn (and in a new task), or
// after 100 ms where frames do not come (a hidden tab).
export function nextFrame() {
  return new Promise((resolve) => {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      nextTask().then(resolve);
    };
    requestAnimationFrame(() => setTimeout(go));
    setTimeout(go, 100);
  });
}

// Put a diagram's SVG into `box`. A big one (a run at the cap: some 210 KB,
// 300 segments, 2,000 elements) would be one long task to parse, style and
// lay out; it goes in as its frame first (lifelines and the full height),
// then the contents of its big groups (the time axis, the timers, the
// segments), about CHUNK characters per frame: each piece is styled and
// laid out in the frame after it, so that no frame lays out the whole
// diagram (pieces in back-to-back tasks were laid out together: two frames
// of 1,300-1,900 elements each, 30-40 ms of CPU apiece) and the page can
// paint and answer input in between. `done` runs once everything is in; the
// promise returned settles then too (or when a later call for the same box
// abandons what is left of this one). (Each task is measured as "slice",
// for scripts/bench-web.mjs.)
const drawing = new WeakMap();
export function drawSvg(box, svg, done = () => {}) {
  svg = hoistRules(svg);
  // A box wired by bundles.js keeps its closed bundles' members out, and
  // keeps a drawing the same as the one it has (null: nothing to put in).
  if (box.prepareSvg && (svg = box.prepareSvg(svg)) == null) return Promise.resolve(done());
  let settle;
  const finished = new Promise((r) => (settle = r));
  const token = { settle };
  const earlier = drawing.get(box);
  if (earlier) earlier.settle();
  drawing.set(box, token);
  const parts = svg.length < 60000 ? null : splitGroups(svg);
  diagramKeys(box);
  if (!parts) {
    box.innerHTML = svg;
    fitDiagram(box);
    done();
    settle();
    return finished;
  }
  box.innerHTML = parts.frame;
  fitDiagram(box);
  const queue = [];
  for (const [cls, pieces] of parts.groups) {
    const group = box.querySelector(`g.${cls}`);
    for (const html of pieces) queue.push([group, html]);
  }
  let k = 0;
  const step = () => {
    if (drawing.get(box) !== token) return settle();
    const t0 = performance.now();
    const [group, html] = queue[k++];
    if (group) group.insertAdjacentHTML("beforeend", html);
    performance.measure("slice", { start: t0, end: performance.now() });
    if (k < queue.length) nextFrame().then(step);
    else {
      fitDiagram(box);
      done();
      settle();
    }
  };
  if (queue.length) nextFrame().then(step);
  else {
    done();
    settle();
  }
  return finished;
}

// A diagram's own rules (a windowed run's bundle arrows and gauges:
// tcpsim-diagram writes them into a <style> of that SVG only, so that no
// other diagram and no first load carries them) go into the document once,
// not in and out again with each redraw: a style sheet added or removed
// makes the browser restyle the page (measured: about 2.5 of the 9 ms of
// style and layout after each peer-hung redraw). The same rules, as text,
// are put in once; the SVG goes in without them.
const hoisted = new Set();
export function hoistRules(svg) {
  const open = svg.indexOf("<style>");
  if (open < 0) return svg;
  const close = svg.indexOf("</style>", open);
  if (close < 0) return svg;
  const css = svg.slice(open + 7, close);
  if (!hoisted.has(css)) {
    hoisted.add(css);
    const el = document.createElement("style");
    el.textContent = css;
    document.head.append(el);
  }
  return svg.slice(0, open) + svg.slice(close + 8);
}

// The groups that go in piece by piece, each with the tag every one of its
// children (and nothing nested in them) starts with, so that the markup can
// be cut there without parsing it: the axis's labels, the timers' brackets,
// the segments' groups (tcpsim-diagram's svg.rs). About CHUNK characters
// (some 35 segments) go in per task.
const CHUNKED = [
  ["axis", "<text"],
  ["timer", "<path"],
  ["pkts", "<g "],
];
const CHUNK = 16000;

// The SVG with the groups named in CHUNKED emptied (`frame`), and each
// group's contents cut into pieces of about CHUNK characters at a child's
// start; null if the SVG is not shaped as expected (it is then drawn
// whole). A few indexOf calls per piece: no element-by-element scan of the
// whole string in the task that draws the frame.
export function splitGroups(svg) {
  const groups = [];
  let frame = "";
  let at = 0;
  for (const [cls, tag] of CHUNKED) {
    const open = svg.indexOf(`<g class="${cls}"`, at);
    if (open < 0) continue;
    const start = svg.indexOf(">", open) + 1;
    const end = closingTag(svg, start);
    if (start <= 0 || end < 0) return null;
    const pieces = [];
    let i = start;
    while (i < end) {
      let j = i + CHUNK >= end ? end : svg.indexOf(tag, i + CHUNK);
      if (j < 0 || j > end) j = end;
      pieces.push(svg.slice(i, j));
      i = j;
    }
    frame += svg.slice(at, start);
    at = end;
    groups.push([cls, pieces]);
  }
  return { frame: frame + svg.slice(at), groups };
}

// Where the `</g>` closing a group whose contents start at `i` is (nested
// groups counted), or -1.
function closingTag(svg, i) {
  let depth = 1;
  for (;;) {
    const close = svg.indexOf("</g>", i);
    if (close < 0) return -1;
    const open = svg.indexOf("<g", i);
    if (open >= 0 && open < close) {
      depth++;
      i = open + 2;
    } else if (--depth === 0) return close;
    else i = close + 4;
  }
}

// ---- phones: a diagram at a readable size -----------------------------------
//
// A diagram is drawn for 760 CSS px or more (its labels sit beside the
// lifelines, sized for that). Scaled into a 358 px phone column it would
// show its smallest text (the timers' 9.5 px) at 4.5 px. On a narrow screen
// (the stylesheet's `max-width: 640px`) it keeps its own layout at
// 1.16 of its size instead, so that every text is at least 11 CSS px, and its box
// scrolls sideways with the time axis pinned at the left (a copy of the
// axis, `.axis-pin`). Both the page and the embed draw through drawSvg.
const narrow = typeof matchMedia === "function" ? matchMedia("(max-width: 640px)") : { matches: false };

// The drawing's own width (its viewBox) for the stylesheet's phone rule
// (scale 1.16: the timers' 9.5 px text at 11.02 CSS px), and on a narrow
// screen a copy of the time axis that stays at the left edge while the
// diagram scrolls under it (aria-hidden: the axis is read once).
export function fitDiagram(box) {
  const svg = box.firstElementChild;
  box.querySelector(".axis-pin")?.remove();
  if (!svg || !svg.viewBox) return;
  const { y, width, height } = svg.viewBox.baseVal;
  box.style.setProperty("--vbw", width);
  const axis = narrow.matches && svg.querySelector("g.axis");
  if (axis) box.insertAdjacentHTML("beforeend", `<svg class="tcl axis-pin" viewBox="0 ${y} 80 ${height}" style="--vbh:${height}" aria-hidden="true">${axis.outerHTML}</svg>`);
}

// ---- keyboard: a diagram is one Tab stop ------------------------------------
//
// The renderer makes the first segment the diagram's one Tab stop
// (tabindex 0, the others -1); the arrow keys move focus and the stop
// from segment to segment (Down/Right next, Up/Left previous, Home, End).
// Set up once per box.
const keyed = new WeakSet();
export function diagramKeys(box) {
  if (keyed.has(box)) return;
  keyed.add(box);
  box.addEventListener("keydown", (e) => {
    const g = e.target.closest?.("[data-packet]");
    const all = box.querySelectorAll("[data-packet]");
    const i = g && { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[e.key];
    const next = !g ? null : i ? all[+g.dataset.packet + i] : e.key === "Home" ? all[0] : e.key === "End" ? all[all.length - 1] : null;
    if (!g || !(i || next)) return;
    e.preventDefault();
    if (!next) return;
    g.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}
