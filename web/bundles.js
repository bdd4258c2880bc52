// Bundle arrows in the windowed sections' diagrams (peer-hung,
// host-crash-bulk), fetched with them (app.js `loadLater`).
//
// tcpsim-diagram draws a burst of segments (a window of data, or its ACKs)
// as one arrow, `<g class="pkt bundle" data-first data-last>`, right before
// its members, which are in the SVG with display="none" (so a saved SVG or
// the CLI's shows the bundle). Here a bundle expands into its members:
// - on a click, or Enter/Space when it has the focus;
// - when the player's timeline steps into it (a member gets `current`,
//   common.js `applyCursor`).
// The arrow keys (common.js `diagramKeys`, which moves by segment number)
// stop at a closed bundle as at one segment; Escape on a member folds its
// bundle again. A bundle dims with its first member.

const KEYS = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
const wired = new WeakSet();

const seg = (box, id) => box.querySelector(`[data-packet="${id}"]`);
const hidden = (g) => g.getAttribute("display") === "none";

// The bundle whose range holds segment `id`.
function bundleOf(box, id) {
  for (const b of box.querySelectorAll(".bundle")) if (+b.dataset.first <= id && id <= +b.dataset.last) return b;
  return null;
}

// Where the keys land for segment `id`: the segment, or its closed bundle.
function stopAt(box, id) {
  const g = seg(box, id);
  return g && hidden(g) ? bundleOf(box, id) : g;
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
  const ms = members(box, b);
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
    const id = d > 0 ? +b.dataset.last + 1 : d < 0 ? +b.dataset.first - 1 : e.key === "Home" ? 0 : e.key === "End" ? box.querySelectorAll("[data-packet]").length - 1 : null;
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
  const id = d ? +g.dataset.packet + d : e.key === "Home" ? 0 : e.key === "End" ? box.querySelectorAll("[data-packet]").length - 1 : null;
  if (id == null) return;
  const next = stopAt(box, id);
  // A visible segment: common.js moves there as usual.
  if (!next || !next.classList.contains("bundle")) return;
  e.preventDefault();
  e.stopPropagation();
  moveFocus(g, next);
}

// After the player's classes change: a bundle with the current segment in
// it opens, and each bundle dims with its first member.
function onCursor(box, records) {
  if (!records.some((r) => r.target.dataset?.packet != null)) return;
  for (const b of box.querySelectorAll(".bundle")) {
    const ms = members(box, b);
    if (!ms.length) continue;
    if (hidden(b)) continue;
    if (ms.some((g) => g.classList.contains("current"))) expand(box, b, false);
    else b.classList.toggle("dim", ms[0].classList.contains("dim"));
  }
}

// Set up once per diagram box (the SVG inside may be replaced).
export function wire(box) {
  if (wired.has(box)) return;
  wired.add(box);
  box.addEventListener("click", (e) => {
    const b = e.target.closest?.(".bundle");
    if (b) expand(box, b, true);
  });
  // Capture: before diagramKeys (bubbling on the same box) sees the key.
  box.addEventListener("keydown", (e) => onKey(box, e), true);
  new MutationObserver((records) => onCursor(box, records)).observe(box, { subtree: true, attributes: true, attributeFilter: ["class"] });
}
