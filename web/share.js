// Sharing a diagram where a reader's page can take it: the embed snippet
// (an iframe of embed.html with what is on screen) and a PNG image (for the
// blogs that strip iframes: WeChat 公众号, Zhihu, CSDN). Fetched the first
// time either is asked for (app.js, explorer.js): nothing here is in the
// first load. It imports nothing, so the bundler gives it a chunk of its
// own and shares none with the first load.

// What a section has on screen: `s` is {id, specs, drawn, lang, theme}
// (app.js); the parameters drawn with a value other than their default.
function changed(s) {
  const out = {};
  for (const p of s.specs) if (s.drawn && String(s.drawn[p.name]) !== String(p.default)) out[p.name] = s.drawn[p.name];
  return out;
}

// The snippet a blog pastes: the iframe (lazy, full column width) and the
// host's side, which sets the iframe's height to the one the embed reports
// (only from that iframe, only a number). `s` as for changed(); `page` the
// explainer's URL, beside which embed.html is.
export function snippet(s, page) {
  const o = { ...s, changed: changed(s) };
  const url = new URL("embed.html", page);
  url.searchParams.set("scenario", o.id);
  for (const [k, v] of Object.entries(o.changed)) url.searchParams.set(k, v);
  url.searchParams.set("lang", o.lang);
  url.searchParams.set("theme", o.theme);
  const src = url.href.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  return (
    `<iframe src="${src}" title="TCP Crash Lab: ${o.id}" width="100%" height="640" style="border:0" loading="lazy"></iframe>\n` +
    `<script>addEventListener("message",e=>{const h=e.data&&e.data.type==="tcpsim-embed-height"?Number(e.data.height):0;if(h>0&&h<1e5)for(const f of document.querySelectorAll("iframe"))if(f.contentWindow===e.source)f.style.height=h+"px"})</script>`
  );
}

// A section's PNG: its diagram, title and headline, the parameters changed
// (or `none`), and the permalink to it (`page`'s index.html with the hash
// the explainer reads).
export function sectionPng(s, { svg, css, title, headline, none, page, root }) {
  const ch = changed(s);
  const q = new URLSearchParams({ s: s.id, ...(s.lang === "zh" ? {} : { lang: s.lang }), ...ch });
  const link = new URL(`index.html#${q}`, page).href;
  const params = Object.entries(ch).map(([k, v]) => `${k}=${v}`);
  return png({ svg, css, title, headline, params: params.length ? params.join("  ") : none, link, root });
}

// The page's colours (its --tcl-* custom properties, as the theme shown
// sets them) written onto the diagram, so the image has the page's theme
// and not the system's.
function colours(css, root) {
  const cs = getComputedStyle(root);
  const names = [...new Set(css.match(/--tcl-[a-z-]+/g) || [])];
  const vars = {};
  for (const n of names) {
    const v = cs.getPropertyValue(n).trim();
    if (v) vars[n] = v;
  }
  return vars;
}

function loadImage(url) {
  const img = new Image();
  img.src = url;
  return img.decode().then(() => img);
}

// Lines of `text` no wider than `w` at the context's font (by character:
// Chinese has no spaces to break at).
function wrap(ctx, text, w) {
  const lines = [];
  let line = "";
  for (const ch of text) {
    if (ctx.measureText(line + ch).width > w && line) {
      const cut = /\s/.test(ch) ? -1 : line.lastIndexOf(" ");
      if (cut > line.length * 0.6) {
        lines.push(line.slice(0, cut));
        line = line.slice(cut + 1) + ch;
      } else {
        lines.push(line);
        line = /\s/.test(ch) ? "" : ch;
      }
    } else line += ch;
  }
  if (line) lines.push(line);
  return lines;
}

// A PNG of one or more diagrams, at twice their size: a title, a headline,
// the parameters, each diagram (with its own caption when there are
// several), and the link. `panels`: [{svg, caption?}]; everything else is
// text. Returns a Blob.
export async function png({ svg, panels, css, title, headline, params, link, root }) {
  panels = panels || [{ svg }];
  const vars = colours(css, root);
  const varText = Object.entries(vars)
    .map(([k, v]) => `${k}:${v}`)
    .join(";");
  const imgs = [];
  for (const p of panels) {
    const doc = p.svg.replace("</desc>", `</desc><style>${css}.tcl{${varText}}</style>`);
    const url = URL.createObjectURL(new Blob([doc], { type: "image/svg+xml" }));
    try {
      const img = await loadImage(url);
      imgs.push({ img, caption: p.caption, w: img.naturalWidth || 760, h: img.naturalHeight || 400 });
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  const bg = vars["--tcl-bg"] || "#fff";
  const fg = vars["--tcl-fg"] || "#111";
  const muted = vars["--tcl-muted"] || "#666";
  const font = getComputedStyle(root).fontFamily || "sans-serif";
  const pad = 24;
  const gap = 16;
  const width = Math.max(...imgs.map((i) => i.w));
  const side = imgs.length > 1 && imgs.every((i) => i.w <= 520);
  const W = pad * 2 + (side ? imgs.reduce((a, i) => a + i.w, 0) + gap * (imgs.length - 1) : width);
  const probe = document.createElement("canvas").getContext("2d");
  const text = [
    [`700 20px ${font}`, fg, [title], 28],
    [`600 15px ${font}`, fg, wrap(((probe.font = `600 15px ${font}`), probe), headline, W - pad * 2), 22],
    [`13px ui-monospace, monospace`, muted, wrap(((probe.font = "13px ui-monospace, monospace"), probe), params, W - pad * 2), 19],
  ];
  probe.font = `12px ${font}`;
  const linkLines = wrap(probe, link, W - pad * 2);
  const headH = text.reduce((a, [, , lines, lh]) => a + lines.length * lh, 0) + 10;
  const capH = imgs.some((i) => i.caption) ? 22 : 0;
  const bodyH = side ? capH + Math.max(...imgs.map((i) => i.h)) : imgs.reduce((a, i) => a + capH + i.h + gap, -gap);
  const H = pad + headH + bodyH + 12 + 17 * linkLines.length + pad;
  // Twice the size, unless that passes what a canvas can hold.
  const scale = Math.min(2, 32000 / W, 32000 / H, Math.sqrt(200e6 / (W * H)));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(W * scale);
  canvas.height = Math.round(H * scale);
  const ctx = canvas.getContext("2d");
  ctx.scale(scale, scale);
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, W, H);
  ctx.textBaseline = "top";
  let y = pad;
  for (const [f, colour, lines, lh] of text) {
    ctx.font = f;
    ctx.fillStyle = colour;
    for (const l of lines) {
      ctx.fillText(l, pad, y);
      y += lh;
    }
  }
  y += 10;
  let x = side ? pad : null;
  for (const i of imgs) {
    const ix = side ? x : pad + (width - i.w) / 2;
    let iy = y;
    if (capH) {
      ctx.font = `600 14px ${font}`;
      ctx.fillStyle = fg;
      ctx.fillText(i.caption || "", ix, iy);
      iy += capH;
    }
    ctx.drawImage(i.img, ix, iy, i.w, i.h);
    if (side) x += i.w + gap;
    else y = iy + i.h + gap;
  }
  y = side ? y + bodyH + 12 : y - gap + 12;
  ctx.font = `12px ${font}`;
  ctx.fillStyle = muted;
  for (const l of linkLines) {
    ctx.fillText(l, pad, y);
    y += 17;
  }
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG"))), "image/png"));
}
