// The first screen's diagram from a run's SVG (the wasm's `render`), as a
// string: used by the page (app.js, drawHero) and at build time by
// scripts/hero.mjs, which runs the same wasm with the same parameters and
// writes the result into dist/index.html, so that the first screen is
// painted before the wasm is compiled. One function for both, so the
// inlined picture is what the page would draw (tests/web/page.test.mjs
// compares them).
//
// Both diagrams start the same way (the handshake), so each is shown from
// just above its fault: the viewBox is cut there and the host names (and
// the address under each) move down with it. Its ids (title, description)
// stay unique beside the section's copy, it is no section's diagram, and
// its segments are no Tab stops. A picture, not a control: what only the
// sections' diagrams use goes (the wide invisible stroke a click lands on,
// and the data the inspector and the player read: a segment's reason and
// time, each label's step); each segment keeps its number, flags, name and
// tooltip. Throws if the SVG is not shaped as expected (the build stops and
// says so).
const num = (x) => String(Math.round(x * 10) / 10);
export function heroSvg(svg) {
  let s = svg
    .replace(/<path class="hit" d="[^"]*"\/>| data-(?:why|t|k)="[^"]*"/g, "")
    .replace(/([" ])([td]-)|data-scenario|tabindex="0"/g, (m, a, b) => (b ? `${a}hero-${b}` : m[0] === "d" ? "data-hero-scenario" : 'tabindex="-1"'));
  const root = /^<svg [^>]*>/.exec(s);
  const vb = root && /viewBox="0 0 ([\d.]+) ([\d.]+)" width="([\d.]+)" height="[\d.]+"/.exec(root[0]);
  const fault = /<text class="fault"[^>]* y="([\d.]+)"/.exec(s);
  if (!vb || !fault) throw new Error("hero: the SVG has no viewBox, size or fault label where expected");
  const [w, h, width] = [+vb[1], +vb[2], +vb[3]];
  const y0 = Math.max(0, +fault[1] - 64);
  if (!(y0 > 0)) return s;
  const top = root[0].replace(vb[0], `viewBox="0 ${num(y0)} ${vb[1]} ${num(h - y0)}" width="${vb[3]}" height="${num(((h - y0) * width) / w)}"`);
  const move = (tag) => tag.replace(/ y="([\d.]+)"/, (_, y) => ` y="${num(+y + y0)}"`);
  return (
    top +
    s
      .slice(root[0].length)
      .replace(/(<text class="host"[^>]*>)([^<]*<\/text>)(<text [^>]*>)?/g, (_, a, b, c) => move(a) + b + (c ? move(c) : ""))
      // What lies wholly above the cut is never seen: a label whose
      // baseline is above it (the axis's times, states, calls), a segment
      // whose line ends above it. Out of the markup, it costs the first
      // load no bytes and the first layout no text.
      .replace(/<text(?: class="(?:state|app)")? x="[\d.]+" y="([\d.]+)"[^>]*>[^<]*<\/text>/g, (m, y) => (+y < y0 ? "" : m))
      .replace(/<g class="pkt[^"]*" data-packet="\d+"[^>]*>(?:(?!<\/g>).)*?<path class="ln" d="M[\d.]+ ([\d.]+)L[\d.]+ ([\d.]+)"\/>.*?<\/g>/g, (m, a, b) => (Math.max(+a, +b) < y0 ? "" : m))
  );
}
