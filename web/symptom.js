// "Start from the symptom" (从症状开始): the reader says how long the
// connection hung before an error, or that it never ended; the page names
// the Linux timer that fits, explains the fit with the simulator's own
// figures, and opens the matching section or the explorer on a preset.
//
// A chunk of its own, fetched by app.js when a reader opens the box:
//   mount(box, {tools, lang, onLang, explore})
// `tools()` resolves to the tools module (whose runs hand over their trace:
// the outcome says when each application learns what); `explore(caseId,
// presetId)` opens the explorer. Every figure shown is computed here, from
// the catalogue's defaults and from runs of the simulator: nothing below is
// a hard-coded duration except the tolerance of a fit.
import { PRESETS } from "./explorer-data.js";

// A duration fits a timer when it is within this factor of the simulated
// one (the candidates are 6× or more apart, so at most one fits).
const FIT = 1.3;

const T = {
  zh: {
    hint: "连接卡了多久才报错？填一个时长，或者勾上“从来没报错”。",
    amount: "卡了多久",
    units: [["1", "秒"], ["60", "分钟"], ["3600", "小时"]],
    never: "一直挂着，从来没报错",
    loading: "正在模拟各个定时器……",
    bad: "请填一个大于 0 的时长（秒、分钟或小时）。",
    fits: (d) => `${d}：最吻合的是`,
    none: (d, c) => `${d}：这里的定时器（Linux 的默认值，以及 gRPC 设的 TCP_USER_TIMEOUT）都不吻合。最接近的是${c}；卡住的时长如果是你的应用或框架自己的超时、心跳，或者改过的保活、TCP_USER_TIMEOUT，就会是别的数字：在调参面板里试试。`,
    openSection: "打开这一节的图",
    openExplorer: (p) => `在调参面板里打开（起点：${p}）`,
    from: { write: "服务端写入后", fault: "对端主机宕机后", call: "调用 connect() 后" },
    sim: (from, t, call, res, set) => `模拟（${set ? `${set}，其余为 Linux 默认值` : "Linux 默认值"}）：${from} ${t}，${call}() 返回 ${res}。`,
    names: {
      retries2: "重传超时：tcp_retries2",
      keepalive: "保活的默认值",
      connect: "connect() 的 SYN 重传",
      grpc: "gRPC 设置的 TCP_USER_TIMEOUT",
      idle: "半开的空闲连接",
      reading: "对端不再读数据",
    },
    why: {
      retries2: (v) =>
        `对端主机宕机时有数据没被确认。tcp_retries2 = ${v.r2} 由 tcp_model_timeout 换算成 ${v.model} 秒（RTO 从 ${v.min} 毫秒起翻倍，到 ${v.max} 秒封顶），从第一次超时重传算起；过了这个时长后，下一次 RTO 到期才放弃，所以实际还要加上最后一段退避，往返时延越长越晚。`,
      keepalive: (v) =>
        `连接空闲、开了 SO_KEEPALIVE、对端主机宕机。默认空闲 ${v.time} 秒后发第一个探测，之后每 ${v.intvl} 秒一个，${v.probes} 个都没有回应就放弃：${v.time} + ${v.probes} × ${v.intvl} = ${v.total} 秒，从最后一次收到报文算起；时间轮的取整让它再晚一点。`,
      connect: (v) =>
        `连接还没建立，对端主机就不在了：SYN 一再重传。tcp_syn_retries = ${v.retries}，其中前 ${v.linear} 次间隔固定（tcp_syn_linear_timeouts，Linux 6.5 起），之后翻倍。6.5 之前的内核没有线性阶段，模拟出来是 ${v.old}。`,
      grpc: (v) =>
        `gRPC 开启 keepalive 时，把 TCP_USER_TIMEOUT 设成 KEEPALIVE_TIMEOUT，默认 ${v.ut}（gRFC A18）：已发出的数据这么久没被确认，内核就放弃连接。空闲连接上 gRPC 的 HTTP/2 PING 就是在途数据，所以同样适用。`,
      idle: () =>
        "对端主机宕机（没有重启）、连接空闲、没开保活：TCP 没有任何报文要发，永远发现不了，连接一直停在 ESTABLISHED。模拟里也一样：直到观察结束，两边都没有任何报文。",
      reading: () =>
        "对端进程还活着，只是不再读：它的接收窗口填满后变成 0，你的 send() 阻塞，你这边的内核改发零窗口探测，对端内核会回应，所以 tcp_retries2 永远用不完；有数据排队时保活也不发探测。只有 TCP_USER_TIMEOUT（Linux 5.11 起，从第一个探测算起）或者应用自己的超时能结束它。",
    },
    neverQ: "从没报错，有两种可能：",
    simReading: (end, probes, answers) => `模拟（Linux 默认值）：服务端写入后 send() 阻塞；到 ${end} 为止发出 ${probes} 个零窗口探测，收到 ${answers} 个回应，没有任何调用返回。`,
  },
  en: {
    hint: "How long did the connection hang before an error? Enter a duration, or tick “It never ended”.",
    amount: "It hung for",
    units: [["1", "seconds"], ["60", "minutes"], ["3600", "hours"]],
    never: "It never ended: no error at all",
    loading: "Simulating each timer…",
    bad: "Enter a duration above 0 (seconds, minutes or hours).",
    fits: (d) => `${d}: the best fit is`,
    none: (d, c) => `${d}: none of the timers here (Linux's defaults, and the TCP_USER_TIMEOUT gRPC sets) fits. The closest is ${c}; your application's or framework's own timeout or heartbeat, or keepalive or TCP_USER_TIMEOUT set to other values, give other figures: try them in the explorer.`,
    openSection: "Open this section's diagram",
    openExplorer: (p) => `Open it in the explorer (starting point: ${p})`,
    from: { write: "after the server's write", fault: "after the peer's host died", call: "after connect() was called" },
    sim: (from, t, call, res, set) => `Simulated (${set ? `${set}, Linux's defaults otherwise` : "Linux's defaults"}): ${t} ${from}, ${call}() returns ${res}.`,
    names: {
      retries2: "the retransmission timeout: tcp_retries2",
      keepalive: "keepalive's defaults",
      connect: "connect()'s SYN retries",
      grpc: "the TCP_USER_TIMEOUT gRPC sets",
      idle: "a half-open idle connection",
      reading: "a peer that stopped reading",
    },
    why: {
      retries2: (v) =>
        `Data was unacknowledged when the peer's host died. tcp_model_timeout turns tcp_retries2 = ${v.r2} into ${v.model} s (an RTO from ${v.min} ms doubling up to ${v.max} s), counted from the first timeout; the kernel gives up at the first RTO to expire after that, so the last backoff comes on top, and a longer round trip makes it later.`,
      keepalive: (v) =>
        `An idle connection with SO_KEEPALIVE on, and the peer's host died. By default the first probe goes after ${v.time} s idle, then one every ${v.intvl} s, and after ${v.probes} unanswered the kernel gives up: ${v.time} + ${v.probes} × ${v.intvl} = ${v.total} s from the last segment received; the timer wheel's rounding makes it a little later.`,
      connect: (v) =>
        `The peer's host was gone before the connection was up: SYN after SYN. tcp_syn_retries = ${v.retries}, the first ${v.linear} at a fixed interval (tcp_syn_linear_timeouts, Linux 6.5+), then doubling. Kernels before 6.5 have no linear phase; simulated, that gives ${v.old}.`,
      grpc: (v) =>
        `With keepalive enabled, gRPC sets TCP_USER_TIMEOUT to KEEPALIVE_TIMEOUT, ${v.ut} by default (gRFC A18): when data sent stays unacknowledged that long, the kernel gives up. On an idle connection gRPC's HTTP/2 PING is that data, so it applies there too.`,
      idle: () =>
        "The peer's host died (and did not come back), the connection is idle, keepalive is off: TCP has nothing to send, so it never finds out, and the connection stays ESTABLISHED. So in the simulation: no segment at all until the watch ends.",
      reading: () =>
        "The peer's process is alive but stopped reading: once its receive window is full it advertises 0, your send() blocks and your kernel sends zero-window probes, which the peer's kernel answers, so tcp_retries2 is never spent; and keepalive sends nothing while data is queued. Only TCP_USER_TIMEOUT (counted from the first probe, Linux 5.11+) or the application's own timeout ends it.",
    },
    neverQ: "It never ended: two causes fit.",
    simReading: (end, probes, answers) => `Simulated (Linux's defaults): the server's send() blocks after its write; up to ${end}, ${probes} zero-window probes and ${answers} answers, and no call returns.`,
  },
};

const CSS = `.symptom{margin:1rem 0;padding:0.4rem 1rem;border:1px solid var(--tcl-line);border-radius:8px}.symptom summary{font-weight:600;cursor:pointer}.symptom-form{display:flex;flex-wrap:wrap;gap:0.5rem 1rem;align-items:center;margin:0.5rem 0}.symptom-form input[type=number],.symptom-form select{font:inherit;color:var(--tcl-fg);background:var(--tcl-bg);border:1px solid var(--tcl-line);border-radius:4px;padding:0.15rem 0.4rem}.symptom-form input[type=number]{width:7rem}.symptom-fit{margin:0.5rem 0;padding:0.5rem 0.75rem;border-left:4px solid var(--tcl-accent);background:var(--tcl-panel)}.symptom-fit h3{margin:0 0 0.3rem;font-size:1.05rem}.symptom-fit p{margin:0.3rem 0}`;

let S = null;
const tx = () => T[S.lang] || T.zh;
const esc = (v) => String(v).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const trim = (x) => String(Number(Number(x).toFixed(3)));

// A duration in words, as the renderer and the explorer write it.
function span(secs, lang) {
  const s = Math.max(0, secs);
  const zh = lang === "zh";
  if (s < 60) {
    const v = s.toFixed(1).replace(/\.0$/, "");
    return zh ? `${v} 秒` : `${v} s`;
  }
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const r = total % 60;
  const parts = [];
  if (h) parts.push(zh ? `${h} 小时` : `${h} h`);
  if (m) parts.push(zh ? `${m} 分` : `${m} min`);
  if (r && !h) parts.push(zh ? `${r} 秒` : `${r} s`);
  return parts.join(" ");
}

// Linux tcp_model_timeout (crates/tcpsim/src/tcb.rs): a retransmission
// count as a time, for timeouts that start at `base` and double up to `max`.
function modelTimeout(boundary, base, max) {
  const thresh = Math.floor(Math.log2(Math.max(1, Math.floor(max / base))));
  if (boundary <= thresh) return (2 ** (boundary + 1) - 1) * base;
  return (2 ** (thresh + 1) - 1) * base + (boundary - thresh) * max;
}

// Each timer a symptom can fit: the run that shows it (scenario and
// parameters), whose application is "yours", and what opens it.
function candidates(t) {
  const specs = {};
  for (const s of t.scenarios()) specs[s.id] = Object.fromEntries(s.params.map((p) => [p.name, Number(p.default)]));
  const grpc = PRESETS.find((p) => p.id === "grpc");
  const ut = Number(grpc.values.data.user_timeout);
  const d = specs["host-crash-data-no-reboot"];
  const k = specs["keepalive-peer-dead"];
  const c = specs["connect-dead-host"];
  const run = (id, params, host) => {
    const res = t.simulate(id, params);
    if (!res.ok) return null;
    const o = res.run.trace().outcome.find((x) => x.host === host) || null;
    res.run.free();
    return o;
  };
  const old = run("connect-dead-host", { tcp_syn_linear_timeouts: "0" }, "client");
  // A peer that stopped reading (peer-hung, the tools module's windowed
  // model), with the defaults: no outcome, so its figures are the probing's.
  const hung = t.simulate("peer-hung", {});
  if (hung.ok) {
    const tr = hung.run.trace();
    const probes = tr.packets.filter((p) => p.src === "server" && p.why === "zero_window_probe");
    const first = probes.length ? probes[0].sent_at : Infinity;
    S.reading = { end: tr.end_at, probes: probes.length, answers: tr.packets.filter((p) => p.src === "client" && p.sent_at >= first).length };
    hung.run.free();
  }
  return [
    { id: "retries2", o: run("host-crash-data-no-reboot", {}, "server"), section: "host-crash-data-no-reboot", explore: ["data", "linux"],
      v: { r2: d.tcp_retries2, model: trim(modelTimeout(d.tcp_retries2, d.tcp_rto_min / 1000, d.tcp_rto_max / 1000)), min: d.tcp_rto_min, max: trim(d.tcp_rto_max / 1000) } },
    { id: "keepalive", o: run("keepalive-peer-dead", {}, "server"), section: "keepalive-peer-dead", explore: ["idle", "libpq"],
      v: { time: k.tcp_keepalive_time, intvl: k.tcp_keepalive_intvl, probes: k.tcp_keepalive_probes, total: k.tcp_keepalive_time + k.tcp_keepalive_probes * k.tcp_keepalive_intvl } },
    { id: "connect", o: run("connect-dead-host", {}, "client"), section: "connect-dead-host", explore: ["connect", "linux"],
      v: { retries: c.tcp_syn_retries, linear: c.tcp_syn_linear_timeouts, old: old ? { after: old.after } : null } },
    { id: "grpc", o: run("host-crash-data-no-reboot", { tcp_user_timeout: String(ut) }, "server"), section: null, explore: ["data", "grpc"], v: { ut: ut / 1000 } },
  ].filter((x) => x.o);
}

function presetName(id) {
  const p = PRESETS.find((x) => x.id === id);
  return p ? p.name[S.lang] : id;
}

// One timer, explained: its name, why it fits, the simulated figure, and
// the buttons that open it.
function fitHtml(c) {
  const L = tx();
  const v = { ...c.v };
  if (v.old) v.old = span(v.old.after, S.lang);
  if (c.id === "grpc") v.ut = span(v.ut, S.lang);
  const set = c.id === "grpc" ? `TCP_USER_TIMEOUT = ${c.v.ut * 1000} ms` : "";
  const sim = c.o
    ? `<p class="symptom-sim">${esc(L.sim(L.from[c.o.from] || c.o.from, span(c.o.after, S.lang), c.o.call, c.o.result, set))}</p>`
    : c.id === "reading" && S.reading
      ? `<p class="symptom-sim">${esc(L.simReading(span(S.reading.end, S.lang), S.reading.probes, S.reading.answers))}</p>`
      : "";
  const buttons = [
    c.section ? `<button type="button" data-section="${c.section}">${esc(L.openSection)}</button>` : "",
    c.explore ? `<button type="button" data-case="${c.explore[0]}" data-preset="${c.explore[1]}">${esc(L.openExplorer(presetName(c.explore[1])))}</button>` : "",
  ].join(" ");
  return `<div class="symptom-fit" data-fit="${c.id}"><h3>${esc(L.names[c.id])}</h3><p>${esc(L.why[c.id](v))}</p>${sim}<p>${buttons}</p></div>`;
}

function answer() {
  const L = tx();
  const out = S.box.querySelector(".symptom-answer");
  const form = S.box.querySelector(".symptom-form");
  if (form.elements.saw.checked) {
    out.innerHTML =
      `<p>${esc(L.neverQ)}</p>` +
      fitHtml({ id: "idle", o: null, v: {}, section: "host-crash-idle", explore: ["idle", "linux"] }) +
      fitHtml({ id: "reading", o: null, v: {}, section: "peer-hung", explore: ["reading", "linux"] });
    return;
  }
  const raw = form.elements.amount.value.trim();
  if (!raw) {
    out.textContent = "";
    return;
  }
  const secs = Number(raw) * Number(form.elements.unit.value);
  if (!(secs > 0) || !Number.isFinite(secs)) {
    out.textContent = L.bad;
    return;
  }
  if (!S.cands) {
    out.textContent = L.loading;
    return;
  }
  const said = span(secs, S.lang);
  const scored = S.cands.map((c) => [Math.abs(Math.log(secs / c.o.after)), c]).sort((a, b) => a[0] - b[0]);
  const [dist, best] = scored[0];
  if (dist <= Math.log(FIT)) out.innerHTML = `<p>${esc(L.fits(said))}</p>` + fitHtml(best);
  else {
    const t = span(best.o.after, S.lang);
    const closest = S.lang === "zh" ? `${L.names[best.id]}（${t}）` : `${L.names[best.id]} (${t})`;
    out.innerHTML = `<p>${esc(L.none(said, closest))}</p>` + fitHtml(best);
  }
}

function build() {
  const L = tx();
  const form = S.box.querySelector(".symptom-form");
  const keep = form ? { amount: form.elements.amount.value, unit: form.elements.unit.value, saw: form.elements.saw.checked } : { amount: "", unit: "1", saw: false };
  S.box.innerHTML =
    `<p>${esc(L.hint)}</p><form class="symptom-form">` +
    `<label>${esc(L.amount)} <input type="number" name="amount" min="0" step="any" inputmode="decimal" value="${esc(keep.amount)}"></label>` +
    `<select name="unit" aria-label="${esc(L.amount)}">${L.units.map(([v, t]) => `<option value="${v}"${v === keep.unit ? " selected" : ""}>${esc(t)}</option>`).join("")}</select>` +
    `<label><input type="checkbox" name="saw"${keep.saw ? " checked" : ""}> ${esc(L.never)}</label></form>` +
    `<div class="symptom-answer" role="status" aria-live="polite"></div>`;
  answer();
}

export function setLang(lang) {
  if (!S || lang === S.lang || !T[lang]) return;
  S.lang = lang;
  build();
}

export async function mount(box, { tools, lang, onLang, explore } = {}) {
  if (S) return;
  if (!document.getElementById("symptom-css")) {
    const style = document.createElement("style");
    style.id = "symptom-css";
    style.textContent = CSS;
    document.head.append(style);
  }
  S = { box, lang: typeof lang === "function" ? lang() : "zh", cands: null };
  build();
  box.addEventListener("submit", (e) => e.preventDefault());
  box.addEventListener("input", (e) => {
    if (e.target.name === "amount" && e.target.value) box.querySelector('[name="saw"]').checked = false;
    answer();
  });
  // (Not on the duration's change, which fires as a reader clicks a button
  // of the answer: redrawn then, the button would miss its click.)
  box.addEventListener("change", (e) => e.target.name !== "amount" && answer());
  box.addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (!b) return;
    if (b.dataset.section) location.hash = `#s=${b.dataset.section}`;
    else if (b.dataset.case && explore) explore(b.dataset.case, b.dataset.preset);
  });
  if (typeof onLang === "function") onLang(setLang);
  const t = await tools();
  S.cands = candidates(t);
  box.dataset.ready = "1";
  answer();
}
