// The wasm module in Node, read the way the page's worker reads a File:
// begin(size), feed() 1 MiB slices, connections(), then explain() the
// connection with the most segments. Prints figures; asserts nothing.
//
//   node crates/tcpsim-analyse-wasm/bench.mjs PKG_DIR CAPTURE
//
// PKG_DIR holds wasm-pack's --target web output (tcpsim_analyse_wasm.js and
// tcpsim_analyse_wasm_bg.wasm, optimised or not).
import { readFileSync, openSync, readSync, fstatSync, closeSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pkg, file] = process.argv.slice(2);
if (!pkg || !file) {
  console.error("usage: node bench.mjs PKG_DIR CAPTURE");
  process.exit(2);
}
const glue = await import(pathToFileURL(resolve(join(pkg, "tcpsim_analyse_wasm.js"))).href);
const wasm = glue.initSync({ module: readFileSync(join(pkg, "tcpsim_analyse_wasm_bg.wasm")) });

const fd = openSync(file, "r");
const size = fstatSync(fd).size;
const slice = Buffer.alloc(1 << 20);
const t0 = performance.now();
glue.begin(size);
let last;
for (let at = 0; at < size; ) {
  const n = readSync(fd, slice, 0, slice.length, at);
  if (n === 0) break;
  last = glue.feed(new Uint8Array(slice.buffer, slice.byteOffset, n));
  if (!last.ok) {
    console.error(last.error);
    process.exit(1);
  }
  at += n;
}
closeSync(fd);
const list = glue.connections();
const t1 = performance.now();
if (!list.ok) {
  console.error(list.error);
  process.exit(1);
}
const secs = (t1 - t0) / 1000;
const packets = list.stats.packets;
console.log(
  `wasm: read and listed: ${secs.toFixed(3)} s for ${(size / 1e6).toFixed(1)} MB, ${packets} packets, ` +
    `${list.total} connections: ${(packets / secs / 1e6).toFixed(2)} M packets/s; ` +
    `progress ${last.progress.fraction}`,
);
let best = list.connections[0];
for (const c of list.connections) {
  if (c.packets_from_client + c.packets_from_server > best.packets_from_client + best.packets_from_server) best = c;
}
// A filter keystroke: every connection matched against a text.
const tq = performance.now();
const q = glue.query("10.1.0.1:80", "", 0, 200);
console.log(`wasm: filter over ${list.total} connections in ${(performance.now() - tq).toFixed(1)} ms: ${q.matching} match`);
const t2 = performance.now();
const one = glue.explain(best.index, "en");
const t3 = performance.now();
console.log(`wasm: explained connection ${best.index} in ${(t3 - t2).toFixed(1)} ms (trace ${one.trace.length} bytes of JSON, svg ${one.svg.length} bytes): ${one.diagnosis.text}`);
console.log(`wasm: linear memory ${(wasm.memory.buffer.byteLength / 1e6).toFixed(1)} MB; process RSS ${(process.memoryUsage().rss / 1e6).toFixed(1)} MB`);
