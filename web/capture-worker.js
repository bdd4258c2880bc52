// The capture analyser (crates/tcpsim-analyse-wasm) in a Web Worker: reads
// the reader's file in slices, in the browser (nothing is sent anywhere),
// and answers the page (web/capture.js) with progress, the connection list
// and, for a connection, its diagram, trace and diagnosis.
//
// Messages in:  {type: "read", file}, {type: "explain", index, lang},
//               {type: "query", id, text, end, from}
// Messages out: {type: "progress", fraction, bytes}, {type: "list", ...}
//               (the figures and the first 200 connections),
//               {type: "rows", id, matching, from, connections},
//               {type: "explained", ...}, {type: "error", error}
// The list is never sent whole: a capture of millions of connections is
// filtered and paged here, 200 rows at a time.
import init, { begin, feed, connections, query, explain, why_texts } from "./pkg/tcpsim_analyse_wasm.js";

// Slices of 4 MiB: few enough calls for a 100 MB file, small enough that
// the progress bar moves.
const SLICE = 4 << 20;
let ready = null;

async function read(file) {
  const wasm = await ready;
  begin(file.size);
  let last = 0;
  // The next slice is read while this one is analysed.
  let next = file.slice(0, SLICE).arrayBuffer();
  for (let at = 0; at < file.size; at += SLICE) {
    const buf = await next;
    if (at + SLICE < file.size) next = file.slice(at + SLICE, at + 2 * SLICE).arrayBuffer();
    const r = feed(new Uint8Array(buf));
    if (!r.ok) return postMessage({ type: "error", error: r.error });
    const now = performance.now();
    if (now - last > 40) {
      last = now;
      postMessage({ type: "progress", fraction: r.progress.fraction, bytes: r.progress.bytes });
    }
  }
  const list = connections();
  if (!list.ok) return postMessage({ type: "error", error: list.error });
  postMessage({ type: "list", ...list, memory: wasm.memory.buffer.byteLength });
}

self.onmessage = async (e) => {
  const m = e.data;
  try {
    // The wasm's URL is given (the glue is bundled into this file).
    ready = ready || init({ module_or_path: new URL("pkg/tcpsim_analyse_wasm_bg.wasm", import.meta.url) });
    await ready;
    if (m.type === "read") await read(m.file);
    else if (m.type === "query") {
      const r = query(m.text, m.end, m.from, 200);
      if (!r.ok) postMessage({ type: "error", error: r.error });
      else postMessage({ type: "rows", id: m.id, ...r });
    } else if (m.type === "explain") {
      const r = explain(m.index, m.lang);
      postMessage({ type: "explained", index: m.index, lang: m.lang, whyTexts: why_texts(m.lang), ...r });
    }
  } catch (err) {
    // A panic (a bug) traps after its hook left the message here.
    postMessage({ type: "error", error: String(self.__tcpsimAnalysePanic || err) });
  }
};
