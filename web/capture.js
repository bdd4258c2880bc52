// "Explain your own capture" (分析你自己的抓包): a chunk of its own, with the
// analyser (crates/tcpsim-analyse-wasm, in web/capture-worker.js), fetched
// the first time a reader picks or drops a file in the section; app.js
// passes the file. The file is read in the browser, in a Web Worker, slice
// by slice (nothing is uploaded); the page shows a progress bar, then the
// connection list, then for the connection a reader picks the diagram (the
// analyser's trace drawn by tcpsim-diagram, in the page's language), the
// diagnosis, and an inspector with each segment's fields and its reason in
// words. Its texts (both languages) and its styles are here, not in the
// first load.

const T = {
  zh: {
    reading: "正在读取",
    summary: (s) =>
      `共 ${s.packets} 个报文，其中 ${s.segments} 个 TCP 报文段，${s.connections} 条连接，时长 ${s.duration.toFixed(3)} 秒。`,
    skipped: "未使用的报文：",
    skip: { not_ip: "不是 IP", not_tcp: "不是 TCP", fragment: "IP 分片", tcp_header_cut: "TCP 头被截断", malformed: "无法解析", link_type: "链路类型不支持", duplicate: "重复抓到" },
    warning: "注意：",
    error: "无法读取这个文件：",
    errorNote: "（原因是分析器给出的英文说明）",
    none: "这个抓包里没有 TCP 连接。",
    list: "连接：选一条查看它的时序图",
    cols: ["#", "客户端", "服务端", "开始（秒）", "最后（秒）", "报文（客户端 / 服务端）", "结束方式"],
    filter: "筛选（地址或端口）",
    ending: "结束方式",
    colon: "：",
    all: "全部",
    shown: (a, b, m) => (b - a < m ? `显示第 ${a + 1}–${b} 条，共 ${m} 条符合条件。` : `共 ${m} 条。`),
    prev: "上一页",
    next: "下一页",
    explaining: (i) => `正在分析连接 #${i}…`,
    filtering: "正在筛选…",
    conn: (c) => `连接 #${c.index}：${ep(c.client)} → ${ep(c.server)}`,
    inferred: "每个报文的原因、两端的状态和应用得到的结果都是从报文推断的：抓包里只有报文，没有应用的调用。",
    seen: "所见：",
    readingHead: (n) => (n > 1 ? "解读（可能性从高到低）：" : "解读："),
    inspector: "报文详情",
    hint: "点击或用 Tab 键选中一个报文查看详情。",
    side: { client: "客户端", server: "服务端" },
    ends: {
      closed: () => "双向 FIN，正常关闭",
      half_closed: (b) => `只有${b}发了 FIN`,
      reset: (b) => `${b}发了 RST`,
      unanswered: (b) => `疑似半开：${b}最后的报文没有回应`,
      open: () => "抓包结束时仍未关闭",
    },
    endNames: { closed: "正常关闭", half_closed: "单向 FIN", reset: "RST", unanswered: "疑似半开", open: "仍未关闭" },
    f: { time: "时间", dir: "方向", flags: "标志", seq: "序号", ack: "确认号", len: "长度", why: "原因", rule: "依据", resend: "第 N 次重发" },
    beside: "和模拟对照",
    besidePick: "对照的场景",
    besideNone: "（不对照）",
    besideNote: "选一个场景，它那一节现在画着的模拟图（用那一节里设置的参数）就显示在抓包下面。用某一节“在你的 Linux 上复现”的脚本录下的抓包，文件名里带着场景名，会自动选上它。",
    besideFrom: (title) => `模拟：${title}，参数是它那一节里现在设置的。`,
    notDrawn: "这一节的图还没画出来，",
    openSection: "打开这一节",
  },
  en: {
    reading: "Reading",
    summary: (s) =>
      `${s.packets} packets, ${s.segments} TCP segments, ${s.connections} connections over ${s.duration.toFixed(3)} s.`,
    skipped: "Packets not used: ",
    skip: { not_ip: "not IP", not_tcp: "not TCP", fragment: "IP fragments", tcp_header_cut: "TCP header cut short", malformed: "malformed", link_type: "link type not supported", duplicate: "captured twice" },
    warning: "Note: ",
    error: "This file cannot be read: ",
    errorNote: "",
    none: "This capture holds no TCP connection.",
    list: "Connections: pick one to see its diagram",
    cols: ["#", "Client", "Server", "First (s)", "Last (s)", "Packets (client / server)", "How it ended"],
    filter: "Filter (address or port)",
    ending: "How it ended",
    colon: ": ",
    all: "all",
    shown: (a, b, m) => (b - a < m ? `Showing ${a + 1}–${b} of ${m} matching.` : `${m} in all.`),
    prev: "Previous page",
    next: "Next page",
    explaining: (i) => `Explaining connection #${i}…`,
    filtering: "Filtering…",
    conn: (c) => `Connection #${c.index}: ${ep(c.client)} → ${ep(c.server)}`,
    inferred: "Each segment's reason, both sides' states and what the applications learned are inferred from the segments: a capture holds segments, not the applications' calls.",
    seen: "Seen: ",
    readingHead: (n) => (n > 1 ? "Readings, most likely first:" : "Reading:"),
    inspector: "Segment",
    hint: "Click a segment, or select it with Tab, to see its fields.",
    side: { client: "client", server: "server" },
    ends: {
      closed: () => "FIN both ways",
      half_closed: (b) => `FIN from the ${b} only`,
      reset: (b) => `RST from the ${b}`,
      unanswered: (b) => `half-open? the ${b}'s last segments went unanswered`,
      open: () => "still open at the end",
    },
    endNames: { closed: "closed", half_closed: "FIN one way", reset: "RST", unanswered: "half-open?", open: "still open" },
    f: { time: "time", dir: "direction", flags: "flags", seq: "seq", ack: "ack", len: "length", why: "why", rule: "rule", resend: "resent N times before" },
    beside: "Beside a simulation",
    besidePick: "Scenario to compare with",
    besideNone: "(none)",
    besideNote: "Pick a scenario, and the simulation its section draws now (with the parameters set there) is shown under the capture. A capture recorded by a section's reproduction script carries the scenario in its file name, and that scenario is picked for you.",
    besideFrom: (title) => `Simulated: ${title}, with the parameters its section has now.`,
    notDrawn: "That section's diagram is not drawn yet: ",
    openSection: "open the section",
  },
};

// Rows drawn at once: a capture can hold tens of thousands of connections.
const ROWS = 200;

const CSS = `
.capture-own progress{width:100%;max-width:30rem}
.capture-own .capture-error{color:var(--tcl-danger)}
.capture-own .capture-tools{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.5rem 0}
.capture-own .capture-tools input,.capture-own .capture-tools select{font:inherit;color:var(--tcl-fg);background:var(--tcl-bg);border:1px solid var(--tcl-line);border-radius:4px;padding:.1rem .4rem}
.capture-own .capture-table{max-height:26rem;overflow:auto;border:1px solid var(--tcl-line);border-radius:8px}
.capture-own table{border-collapse:collapse;font-size:.85rem;width:100%}
.capture-own th,.capture-own td{border-bottom:1px solid var(--tcl-line);padding:.15rem .4rem;text-align:left;white-space:nowrap}
.capture-own th{position:sticky;top:0;background:var(--tcl-panel)}
.capture-own td.num{text-align:right;font-variant-numeric:tabular-nums}
.capture-own tr[aria-selected=true] td{background:var(--tcl-panel)}
.capture-own tbody tr{cursor:pointer}
.capture-own .capture-note{color:var(--tcl-muted);font-size:.9rem}
.capture-own.dragging{outline:3px dashed var(--tcl-accent);outline-offset:4px}
.capture-own .capture-beside{margin-top:1rem}
`;

const ep = (e) => (e.ip.includes(":") ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`);

function h(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  e.append(...kids);
  return e;
}

function fmt(t) {
  return `${Number(t.toFixed(6))} s`;
}

// The scenario a capture was recorded for, from its file name: a section's
// reproduction script writes tcpsim-ID-DATE-TIME.pcap, the kernel
// recordings are ID.pcap or ID-VARIANT.pcap. The longest scenario id the
// name starts with (followed by "-" or "."), or "".
export function scenarioOf(fileName, ids) {
  const base = String(fileName || "").replace(/^.*[\\/]/, "").replace(/^tcpsim-/, "");
  let best = "";
  for (const id of ids) {
    if (id.length > best.length && base.startsWith(id) && /^[-.]/.test(base.slice(id.length))) best = id;
  }
  return best;
}

// The page's language, from <html lang> (app.js sets it).
const lang = () => (document.documentElement.lang.startsWith("en") ? "en" : "zh");

export function mount(section) {
  const S = {
    worker: null,
    list: null, // {total, connections (first page), stats, skipped, warning}
    rows: null, // the page shown: {matching, from, connections}
    query: { text: "", end: "", from: 0 }, // what the rows answer
    asked: 0, // the last query's id
    pending: null, // a query waiting for the one in flight
    chosen: null, // index shown
    explained: null, // the worker's answer for it
    trace: null,
    rules: null,
    shown: null, // segment in the inspector
    failed: null, // the error shown, if any
    fileName: "",
    beside: null, // the scenario shown beside the capture ("" for none)
  };
  const t = () => T[lang()];
  const style = document.createElement("style");
  style.textContent = CSS;
  document.head.append(style);

  const status = h("div", { class: "capture-status", role: "status", hidden: true });
  const error = h("p", { class: "capture-error", role: "alert", hidden: true });
  const listBox = h("div", { class: "capture-list", hidden: true });
  const connBox = h("div", { class: "capture-conn", hidden: true });
  section.append(status, error, listBox, connBox);

  // Drag feedback (app.js already accepts the drop).
  section.addEventListener("dragenter", () => section.classList.add("dragging"));
  section.addEventListener("dragleave", (e) => {
    if (!section.contains(e.relatedTarget)) section.classList.remove("dragging");
  });
  section.addEventListener("drop", () => section.classList.remove("dragging"));

  function worker() {
    if (S.worker) return S.worker;
    S.worker = new Worker(new URL("./capture-worker.js", import.meta.url), { type: "module" });
    S.worker.onmessage = (e) => receive(e.data);
    S.worker.onerror = (e) => fail(e.message || String(e));
    return S.worker;
  }

  function fail(msg) {
    S.failed = msg;
    status.hidden = true;
    listBox.hidden = true;
    connBox.hidden = true;
    error.textContent = notCapture(msg) || t().error + msg + t().errorNote;
    error.hidden = false;
  }

  // A file that is not a capture at all (the analyser's NotACapture and
  // Empty errors, which name its first bytes in hex) gets a sentence in the
  // page's language: what it looks like, and what to pick instead.
  function notCapture(msg) {
    const zh = document.documentElement.lang !== "en";
    if (/^the file is empty/.test(msg)) return zh ? "这个文件是空的。请选择 tcpdump -w 或 Wireshark 保存的 pcap / pcapng 抓包文件。" : "This file is empty. Pick a pcap or pcapng capture, as tcpdump -w or Wireshark saves it.";
    if (!/^not a pcap or pcapng capture/.test(msg)) return null;
    const LOOKS = [
      [/gzip/, "gzip 压缩文件：请先解压", "a gzip file: decompress it first"],
      [/zstd/, "zstd 压缩文件：请先解压", "a zstd file: decompress it first"],
      [/zip archive/, "zip 压缩包：请先解出其中的抓包", "a zip archive: extract the capture first"],
      [/JSON/, "JSON 文本（tests/kernel 的录制文件请用 tcpsim capture 画）", "JSON text (a tests/kernel recording is drawn by tcpsim capture)"],
      [/pcapng header too short/, "一个不完整的 pcapng 文件（文件头太短）", "a pcapng file cut short (its header is incomplete)"],
      [/XML or HTML/, "XML 或 HTML 文本（可能是下载时存成了网页）", "XML or HTML text (perhaps a web page saved instead of the file)"],
      [/plain text/, "纯文本（tcpdump 打印出来的文字读不回抓包；请用 -w 写入文件）", "plain text (tcpdump's printed output cannot be read back; write the capture with -w)"],
      [/ETL or NetMon/, "Windows 的 ETL 或 NetMon 文件：请先用 etl2pcapng 或 Wireshark 转成 pcapng", "a Windows ETL or NetMon file: convert it with etl2pcapng or Wireshark first"],
    ];
    const l = LOOKS.find(([re]) => re.test(msg));
    const what = l ? (zh ? l[1] : l[2]) : null;
    return zh
      ? `这不是抓包文件${what ? `，看起来是${what}` : ""}。请选择 tcpdump -w 或 Wireshark 保存的 pcap / pcapng 文件。`
      : `This is not a capture file${what ? `; it looks like ${what}` : ""}. Pick a pcap or pcapng file, as tcpdump -w or Wireshark saves it.`;
  }

  function receive(m) {
    if (m.type === "progress") showProgress(m.fraction);
    else if (m.type === "error") fail(m.error);
    else if (m.type === "list") {
      S.list = m;
      S.rows = { matching: m.total, from: 0, connections: m.connections };
      S.query = { text: "", end: "", from: 0 };
      status.hidden = true;
      drawList();
      // (The worker's wasm memory, for scripts/bench-capture.mjs.)
      performance.mark("capture-listed", { detail: { wasmMemory: m.memory } });
      performance.measure("capture-list", "capture-picked", "capture-listed");
      section.dataset.listed = String(m.total);
    } else if (m.type === "rows") {
      // Only the answer to the last query is drawn; a query typed while
      // one was in flight goes now.
      if (m.id === S.asked) {
        clearTimeout(S.queryTimer);
        S.rows = m;
        if (S.drawRows) S.drawRows();
        performance.mark("capture-rows", { detail: { id: m.id } });
      }
      S.inFlight = false;
      if (S.pending) {
        const q = S.pending;
        S.pending = null;
        ask(q);
      }
    } else if (m.type === "explained") {
      if (m.index !== S.chosen) return;
      clearTimeout(S.explainTimer);
      status.hidden = true;
      if (!m.ok) return fail(m.error);
      S.explained = m;
      S.trace = JSON.parse(m.trace);
      drawConnection();
    }
  }

  function showProgress(fraction) {
    const pct = Math.round((fraction || 0) * 100);
    status.replaceChildren(h("label", {}, `${t().reading} `, h("progress", { max: "100", value: String(pct) }), ` ${pct}%`));
    status.hidden = false;
  }

  // A query to the worker (filter text, ending, first row); one at a time,
  // the latest waiting.
  function ask(q) {
    S.query = q;
    if (S.inFlight) {
      S.pending = q;
      return;
    }
    S.inFlight = true;
    S.asked += 1;
    // Millions of connections take the worker a while: say so.
    clearTimeout(S.queryTimer);
    S.queryTimer = setTimeout(() => {
      if (S.shownEl) S.shownEl.textContent = t().filtering;
    }, 300);
    worker().postMessage({ type: "query", id: S.asked, text: q.text, end: q.end, from: q.from });
  }

  function drawList() {
    const { stats, warning, total } = S.list;
    const L = t();
    const parts = [h("p", { text: L.summary(stats) })];
    const skipped = Object.entries(stats.skipped).filter(([, n]) => n > 0);
    if (skipped.length) parts.push(h("p", { class: "capture-note", text: L.skipped + skipped.map(([k, n]) => `${L.skip[k] || k} ${n}`).join(lang() === "zh" ? "，" : ", ") }));
    if (warning) parts.push(h("p", { class: "capture-note", text: L.warning + warning }));
    if (!total) {
      parts.push(h("p", { text: L.none }));
      listBox.replaceChildren(...parts);
      listBox.hidden = false;
      connBox.hidden = true;
      return;
    }
    const filter = h("input", { type: "search", class: "capture-filter", "aria-label": L.filter, placeholder: L.filter });
    filter.value = S.query.text;
    const ending = h("select", { class: "capture-ending", "aria-label": L.ending });
    ending.append(h("option", { value: "", text: L.ending + L.colon + L.all }));
    for (const [k, name] of Object.entries(L.endNames)) ending.append(h("option", { value: k, text: name }));
    ending.value = S.query.end;
    const shown = h("span", { class: "capture-note", "aria-live": "polite" });
    S.shownEl = shown;
    const prev = h("button", { type: "button", class: "capture-prev", text: L.prev });
    const next = h("button", { type: "button", class: "capture-next", text: L.next });
    const tbody = h("tbody");
    const table = h("table", {}, h("caption", { class: "visually-hidden", text: L.list }), h("thead", {}, h("tr", {}, ...L.cols.map((c) => h("th", { scope: "col", text: c })))), tbody);
    // The rows the worker sent for the current query.
    S.drawRows = () => {
      const r = S.rows;
      tbody.replaceChildren(...r.connections.map(row));
      shown.textContent = L.shown(r.from, r.from + r.connections.length, r.matching);
      prev.disabled = r.from === 0;
      next.disabled = r.from + r.connections.length >= r.matching;
      prev.hidden = next.hidden = r.matching <= ROWS;
    };
    const requery = (from) => ask({ text: filter.value.trim(), end: ending.value, from });
    filter.addEventListener("input", () => requery(0));
    ending.addEventListener("change", () => requery(0));
    prev.addEventListener("click", () => requery(Math.max(0, S.query.from - ROWS)));
    next.addEventListener("click", () => requery(S.query.from + ROWS));
    tbody.addEventListener("click", (e) => {
      const tr = e.target.closest("tr[data-index]");
      if (tr) choose(Number(tr.dataset.index));
    });
    tbody.addEventListener("keydown", (e) => {
      const tr = e.target.closest("tr[data-index]");
      if (tr && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        choose(Number(tr.dataset.index));
      }
    });
    S.drawRows();
    parts.push(h("h3", { text: L.list }), h("div", { class: "capture-tools" }, filter, ending, shown, prev, next), h("div", { class: "capture-table" }, table));
    listBox.replaceChildren(...parts);
    listBox.hidden = false;
  }

  function row(c) {
    const L = t();
    const by = c.end_by ? L.side[c.end_by] : "";
    return h(
      "tr",
      { "data-index": String(c.index), tabindex: "0", "aria-selected": String(c.index === S.chosen) },
      h("td", { class: "num", text: String(c.index) }),
      h("td", { text: ep(c.client) }),
      h("td", { text: ep(c.server) }),
      h("td", { class: "num", text: c.first_at.toFixed(3) }),
      h("td", { class: "num", text: c.last_at.toFixed(3) }),
      h("td", { class: "num", text: `${c.packets_from_client} / ${c.packets_from_server}` }),
      h("td", { text: (L.ends[c.end] || (() => c.end))(by) }),
    );
  }

  function choose(index) {
    S.chosen = index;
    S.explained = null;
    S.shown = null;
    for (const tr of listBox.querySelectorAll("tr[data-index]")) tr.setAttribute("aria-selected", String(Number(tr.dataset.index) === index));
    // A connection of millions of segments takes a while: say so after a
    // moment (not for the quick ones, which would flicker).
    clearTimeout(S.explainTimer);
    S.explainTimer = setTimeout(() => {
      status.replaceChildren(h("span", { text: t().explaining(index) }));
      status.hidden = false;
    }, 300);
    worker().postMessage({ type: "explain", index, lang: lang() });
  }

  function drawConnection() {
    const L = t();
    const m = S.explained;
    const c = m.connection;
    const figure = h("figure", { class: "live-diagram capture-diagram" });
    figure.innerHTML = m.svg;
    const body = h("dl", { class: "inspector-body" }, h("dd", { text: L.hint }));
    connBox.replaceChildren(
      h("h3", { text: L.conn(c) }),
      diagnosisBlock(m),
      h("p", { class: "capture-note", text: L.inferred }),
      ...(m.window ? [h("p", { class: "cap-note capture-window", role: "note", text: m.window.note })] : []),
      h("div", { class: "stage" }, figure, h("aside", { class: "inspector", "aria-live": "polite" }, h("h3", { text: L.inspector }), body)),
      besideBlock(),
    );
    connBox.hidden = false;
    if (S.shown != null) inspect(S.shown);
  }

  // The diagnosis: the facts seen, then the readings, most likely first
  // (the analyser's lists in the language it was explained in).
  function diagnosisBlock(m) {
    const L = t();
    const d = m.diagnosis, lg = m.lang || lang();
    const facts = d.facts && d.facts[lg], readings = d.readings && d.readings[lg];
    if (!facts || !readings) return h("p", { class: "headline capture-diagnosis", text: d.text });
    return h(
      "div",
      { class: "capture-diagnosis" },
      h("p", { class: "headline capture-facts", text: L.seen + facts.join(lg === "zh" ? "；" : "; ") }),
      h("p", { class: "capture-readings-head", text: L.readingHead(readings.length) }),
      h("ol", { class: "capture-readings" }, ...readings.map((r) => h("li", { text: r }))),
    );
  }

  // The simulation of a scenario under the capture: the diagram its section
  // draws now (a copy, not a second simulation), with its headline.
  function besideBlock() {
    const L = t();
    const sections = [...document.querySelectorAll("section.scenario[id]")];
    const pick = h("select", { class: "capture-beside-pick", "aria-label": L.besidePick });
    pick.append(h("option", { value: "", text: L.besideNone }));
    for (const sec of sections) pick.append(h("option", { value: sec.id, text: titleOf(sec) }));
    if (S.beside == null) S.beside = scenarioOf(S.fileName, sections.map((x) => x.id));
    pick.value = S.beside;
    const box = h("div", { class: "capture-sim" });
    const draw = () => {
      S.beside = pick.value;
      box.replaceChildren(...simulated(S.beside));
    };
    pick.addEventListener("change", draw);
    draw();
    return h("div", { class: "capture-beside" }, h("h3", { text: L.beside }), h("p", { class: "capture-note", text: L.besideNote }), h("label", {}, `${L.besidePick}${L.colon}`, pick), box);
  }

  function titleOf(sec) {
    const h2 = sec.querySelector("h2");
    return h2 ? h2.textContent.trim() : sec.id;
  }

  function simulated(id) {
    const sec = id && document.getElementById(id);
    if (!sec) return [];
    const L = t();
    const svg = sec.querySelector(".live-diagram svg") || sec.querySelector("figure.diagram svg");
    const link = h("a", { href: `#s=${id}`, text: L.openSection });
    if (!svg) return [h("p", { class: "capture-note" }, L.notDrawn, link)];
    const copy = svg.cloneNode(true);
    // Its segments are not the capture's: the inspector ignores them.
    for (const g of copy.querySelectorAll("[data-packet]")) {
      g.removeAttribute("data-packet");
      g.removeAttribute("tabindex");
    }
    const headline = sec.querySelector(".headline");
    const fig = h("figure", { class: "live-diagram capture-sim-diagram", "data-scenario": id });
    fig.append(copy);
    return [h("p", { class: "capture-note" }, L.besideFrom(titleOf(sec)), " ", link), ...(headline && headline.textContent ? [h("p", { class: "headline", text: headline.textContent })] : []), fig];
  }

  function inspect(i) {
    const p = S.trace && S.trace.packets[i];
    if (!p) return;
    S.shown = i;
    const L = t();
    const words = S.explained.whyTexts[p.why];
    const rows = [
      [L.f.time, fmt(p.sent_at)],
      [L.f.dir, `${p.src}${p.spoofed_as ? ` (as ${p.spoofed_as})` : ""} → ${p.dst}   ${p.sport} → ${p.dport}`],
      [L.f.flags, p.flags.join(" ")],
      [L.f.seq, `${p.seq} (${p.abs_seq})`],
      [L.f.ack, p.ack == null ? "—" : `${p.ack} (${p.abs_ack})`],
      [L.f.len, String(p.len)],
      [L.f.why, (words ? `${words} (${p.why})` : p.why) + (p.resend ? ` · ${L.f.resend.replace("N", p.resend)}` : "")],
      [L.f.rule, S.rules ? S.rules[lang()][p.why] || "" : "…"],
    ];
    const body = connBox.querySelector(".inspector-body");
    body.replaceChildren(...rows.flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })]));
    for (const g of connBox.querySelectorAll(".capture-diagram [data-packet]")) g.classList.toggle("current", Number(g.dataset.packet) === i);
    if (!S.rules)
      import("./rules.js").then(
        (r) => {
          S.rules = r.RULES;
          if (S.shown === i) inspect(i);
        },
        () => {},
      );
  }

  connBox.addEventListener("click", (e) => {
    const g = e.target.closest && e.target.closest("[data-packet]");
    if (g) inspect(Number(g.dataset.packet));
  });
  connBox.addEventListener("focusin", (e) => {
    const g = e.target.closest && e.target.closest("[data-packet]");
    if (g) inspect(Number(g.dataset.packet));
  });

  new MutationObserver(() => {
    if (S.list) drawList();
    // The diagram and the diagnosis in the new language: the worker
    // draws them again (the capture stays read).
    if (S.chosen != null) worker().postMessage({ type: "explain", index: S.chosen, lang: lang() });
    if (S.failed != null) fail(S.failed);
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });

  section.dataset.mounted = "1";
  return {
    open(file) {
      // A fresh worker for each file: one still reading stops here.
      if (S.worker) S.worker.terminate();
      S.worker = null;
      S.failed = null;
      S.list = null;
      S.rows = null;
      S.inFlight = false;
      S.pending = null;
      clearTimeout(S.explainTimer);
      S.chosen = null;
      S.explained = null;
      S.shown = null;
      S.fileName = file.name || "";
      S.beside = null;
      error.hidden = true;
      listBox.hidden = true;
      connBox.hidden = true;
      showProgress(0);
      worker().postMessage({ type: "read", file });
    },
  };
}
