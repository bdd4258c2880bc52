// Timings for scripts/bench-wasm-boundary.sh (see there).
const dir = process.argv[2];
const m = require(dir + "/tcpsim_wasm.js");
const now = () => performance.now();
function med(a){a.sort((x,y)=>x-y);return a[a.length>>1];}
// params crossing: a run with 5 parameters as the page sends them (strings)
const params = { rtt_ms: "30", loss_pct: "0", seed: "1", crash_at: "10", observe_s: "70" };
let ts=[];
for (let i=0;i<2000;i++){const t=now(); const r=m.simulate("process-crash", params); ts.push(now()-t); r.run.free();}
console.log("simulate process-crash with 5 params: median us", (med(ts)*1000).toFixed(1));
// trace crossing, capped run
const cap = m.inspect("keepalive-peer-alive", { tcp_keepalive_time: 1, tcp_keepalive_intvl: 1, observe_s: 1000000 }).run;
for (const [name, f] of [["JSON text + JSON.parse", () => cap.trace()], ...(cap.trace_swb ? [["serde-wasm-bindgen", () => cap.trace_swb()]] : [])]) {
  ts=[]; let n=0;
  for (let i=0;i<300;i++){const t=now(); const o=f(); ts.push(now()-t); n+=o.packets.length;}
  console.log(`trace at the cap (300 segments) via ${name}: median ms`, med(ts).toFixed(3));
}
const d = m.inspect("host-crash-data-no-reboot", {}).run;
for (const [name, f] of [["JSON text + JSON.parse", () => d.trace()], ...(d.trace_swb ? [["serde-wasm-bindgen", () => d.trace_swb()]] : [])]) {
  ts=[];
  for (let i=0;i<2000;i++){const t=now(); f(); ts.push(now()-t);}
  console.log(`trace of host-crash-data-no-reboot (20 segments) via ${name}: median us`, (med(ts)*1000).toFixed(1));
}
