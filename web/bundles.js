// Bundle arrows in the windowed sections' diagrams (peer-hung,
// host-crash-bulk), fetched with them (app.js `loadLater`).
//
// tcpsim-diagram draws a burst of segments (a window of data, or its ACKs)
// as one arrow, `<g class="pkt bundle" data-first data-last>`, right before
// its members, which are in the SVG with display="none" (so a saved SVG or
// the CLI's is complete and shows the bundle). On the page a closed
// bundle's members stay out of the DOM: `holdMembers` cuts them out of the
// SVG before it goes in (common.js `drawSvg`) and keeps them as markup,
// which goes in right after the bundle when it opens. A redraw then parses,
// styles and lays out only what is shown (peer-hung at its defaults: 8
// segments, 56 elements, 4.4 KB of the 33 KB fewer; see
// scripts/bench-windowed.mjs). Here a bundle expands into its members:
// - on a click, or Enter/Space when it has the focus;
// - when the player's timeline steps into it (common.js `applyCursor`
//   writes the step on the box, and the observer below opens it).
// The arrow keys move by segment number (here, in place of common.js
// `diagramKeys`) and stop at a closed bundle as at one segment; Escape on a
// member folds its bundle again (its members stay in, hidden). A bundle
// dims with its first member.

const KEYS = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
const wired = new WeakSet();

const seg = (box, id) => box.querySelector(`[data-packet="${id}"]`);
const hidden = (g) => g.getAttribute("display") === "none";

// For each wired box: its closed bundles' members as markup, by the
// bundle's first segment (data-first), for the SVG drawn last.
const held = new WeakMap();
// For each wired box: the SVG it was given last.
const last = new WeakMap();

// The SVG with each bundle's members cut out (kept in `held` for `box`).
// The renderer writes a bundle's group (which holds no group) and then its
// members, one group each (none nested), in order; the cut is checked
// against that, and an SVG not shaped so goes in whole (its members then
// are in, hidden, which works as well, only slower).
export function holdMembers(box, svg) {
  // The same drawing as the one put in last (a parameter that changes
  // nothing drawn: peer-hung's write_bytes past what the closed window lets
  // through): null, and the box keeps it, with its opened bundles and focus.
  if (last.get(box) === svg) return null;
  last.set(box, svg);
  const out = [];
  const kept = new Map();
  held.set(box, kept);
  let at = 0;
  for (;;) {
    const i = svg.indexOf(' bundle" data-first="', at);
    if (i < 0) break;
    const a = i + 21;
    const first = svg.slice(a, svg.indexOf('"', a));
    const l = svg.indexOf(' data-last="', a) + 12;
    const to = +svg.slice(l, svg.indexOf('"', l));
    const start = svg.indexOf("</g>", l) + 4;
    let j = start;
    for (let id = +first; id <= to; id++) {
      if (!svg.startsWith("<g ", j) || !svg.startsWith(` display="none" data-packet="${id}"`, svg.indexOf('"', j + 10) + 1)) {
        held.set(box, new Map());
        return svg;
      }
      j = svg.indexOf("</g>", j) + 4;
    }
    out.push(svg.slice(at, start));
    kept.set(first, svg.slice(start, j));
    at = j;
  }
  out.push(svg.slice(at));
  return out.join("");
}

// The player's step, as common.js applyCursor wrote it on the box: k
// segments shown, k-1 current; null for the whole run (nothing marked).
function stepOf(box) {
  const k = box.dataset.step ? +box.dataset.step : Infinity;
  return k > lastId(box) ? null : k;
}

// The player's classes on members just put in.
function classify(box, ms) {
  const k = stepOf(box);
  if (k == null) return;
  for (const g of ms) {
    const i = +g.dataset.packet;
    g.classList.toggle("dim", i >= k);
    g.classList.toggle("current", i === k - 1);
  }
}

// The bundle whose range holds segment `id`.
function bundleOf(box, id) {
  for (const b of box.querySelectorAll(".bundle")) if (+b.dataset.first <= id && id <= +b.dataset.last) return b;
  return null;
}

// Where the keys land for segment `id`: the segment, or its closed bundle
// (whose members may not be in yet).
function stopAt(box, id) {
  const g = seg(box, id);
  return !g || hidden(g) ? bundleOf(box, id) : g;
}

// The last segment's number (it may be in a closed bundle).
function lastId(box) {
  const e = box.querySelector("g.pkts")?.lastElementChild;
  return e ? +(e.dataset.packet ?? e.dataset.last) : -1;
}

function moveFocus(from, to) {
  if (!to) return;
  from.tabIndex = -1;
  to.tabIndex = 0;
  to.focus();
}

function members(box, b) {
  const out = [];
  for (let id = +b.dataset.first; id <= +b.dataset.last; id++) {
    const g = seg(box, id);
    if (g) out.push(g);
  }
  return out;
}

export function expand(box, b, focus) {
  const kept = held.get(box);
  const html = kept?.get(b.dataset.first);
  if (html != null) {
    kept.delete(b.dataset.first);
    b.insertAdjacentHTML("afterend", html);
  }
  const ms = members(box, b);
  if (html != null) classify(box, ms);
  for (const g of ms) g.removeAttribute("display");
  b.setAttribute("display", "none");
  b.setAttribute("aria-expanded", "true");
  if (b.tabIndex === 0 && ms[0]) moveFocus(b, ms[0]);
  if (focus && ms[0]) ms[0].focus();
}

function fold(box, b) {
  const ms = members(box, b);
  const had = ms.some((g) => g.tabIndex === 0);
  for (const g of ms) {
    g.setAttribute("display", "none");
    g.tabIndex = -1;
  }
  b.removeAttribute("display");
  b.setAttribute("aria-expanded", "false");
  if (had) b.tabIndex = 0;
  b.focus();
}

function onKey(box, e) {
  const t = e.target;
  const b = t.closest?.(".bundle");
  if (b) {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      e.stopPropagation();
      expand(box, b, true);
      return;
    }
    const d = KEYS[e.key];
    const id = d > 0 ? +b.dataset.last + 1 : d < 0 ? +b.dataset.first - 1 : e.key === "Home" ? 0 : e.key === "End" ? lastId(box) : null;
    if (id == null) return;
    e.preventDefault();
    e.stopPropagation();
    moveFocus(b, stopAt(box, id));
    return;
  }
  const g = t.closest?.("[data-packet]");
  if (!g) return;
  if (e.key === "Escape") {
    const owner = bundleOf(box, +g.dataset.packet);
    if (owner) {
      e.preventDefault();
      e.stopPropagation();
      fold(box, owner);
    }
    return;
  }
  const d = KEYS[e.key];
  const id = d ? +g.dataset.packet + d : e.key === "Home" ? 0 : e.key === "End" ? lastId(box) : null;
  if (id == null) return;
  // (Here, not in common.js diagramKeys, which finds a segment by its
  // place among those in the DOM: a closed bundle's members are not.)
  e.preventDefault();
  e.stopPropagation();
  moveFocus(g, stopAt(box, id));
}

// After the player's step changes (common.js applyCursor writes it on the
// box as data-step): each bundle dims with its first segment, and a closed
// one holding the current segment (k-1) opens.
function onCursor(box) {
  const k = stepOf(box);
  for (const b of box.querySelectorAll(".bundle")) {
    const [f, l] = [+b.dataset.first, +b.dataset.last];
    b.classList.toggle("dim", k != null && f >= k);
    if (k != null && f <= k - 1 && k - 1 <= l && !hidden(b)) expand(box, b, false);
  }
}

// Set up once per diagram box (the SVG inside may be replaced).
export function wire(box) {
  if (wired.has(box)) return;
  wired.add(box);
  // (common.js drawSvg calls it on each SVG drawn into the box: an
  // expando, as this chunk shares no module state with the page's.)
  box.prepareSvg = (svg) => holdMembers(box, svg);
  box.addEventListener("click", (e) => {
    const b = e.target.closest?.(".bundle");
    if (b) expand(box, b, true);
  });
  // Capture: before diagramKeys (bubbling on the same box) sees the key.
  box.addEventListener("keydown", (e) => onKey(box, e), true);
  new MutationObserver(() => onCursor(box)).observe(box, { subtree: true, attributes: true, attributeFilter: ["class", "data-step"] });
  onCursor(box);
  // A switch of language builds the section's stage anew (app.js
  // buildStage), with a new box: wired too once it is in (its first
  // drawing went in whole, its members hidden; the next ones are held).
  const section = box.closest("section");
  if (section)
    new MutationObserver(() => {
      const now = section.querySelector(".live-diagram");
      if (now && now !== box) wire(now);
    }).observe(section, { childList: true, subtree: true });
}
