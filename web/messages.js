// What the page says about a reader's input, and the few words of the
// simulator's output it shows as they are, in the page's language (zh or
// en). The embed (embed.js) bundles it; the explainer (app.js) fetches it
// the first time it has something to say (a refused value, the inspector),
// and hands it to the explorer. It imports nothing (an import shared with
// the first load would become a chunk of its own there): the unit words
// come in as `unitText` (units.js).
//
// The simulator's errors come as values with a `kind` (tcpsim-wasm's
// `failure`: unknown, malformed, range, conflict), for a conflict the rule
// it breaks (`conflict`), and the parameter named; the sentence is written
// here from the parameter's spec, so a Chinese page never shows the
// simulator's English one.

const HOSTS = { client: "客户端", server: "服务端", attacker: "第三方", middlebox: "中间设备" };

// A host's name as the diagrams write it (tcpsim-diagram's host_word).
export const hostName = (h, lang) => (lang === "zh" && HOSTS[h]) || h;

// A value from a link can be a megabyte long: it is quoted cut, with its
// length.
export function short(v, lang) {
  const s = String(v);
  if (s.length <= 40) return s;
  return `${s.slice(0, 40)}…` + (lang === "zh" ? `（共 ${s.length} 个字符）` : ` (${s.length} characters)`);
}

// The sentence for a failed simulation `res` ({kind, conflict, param,
// error}) of a scenario whose parameters are `specs`, tried with `values`.
export function paramMessage(res, specs, values, lang, unitText) {
  const zh = lang === "zh";
  const spec = specs.find((p) => p.name === res.param);
  const range = (p) => (p.unit === "bool" ? (zh ? "0 或 1" : "0 or 1") : `${p.min}…${p.max}${unitText(p.unit, lang)}`);
  const name = short(res.param, lang);
  const v = short(values?.[res.param] ?? "", lang);
  if (res.kind === "unknown" || (res.param && !spec)) {
    const allowed = specs.map((p) => p.name).join(", ");
    return zh ? `这个场景没有参数 ${name}；可用的有：${allowed}` : `this scenario has no parameter ${name}; it takes: ${allowed}`;
  }
  if (res.kind === "range" && spec) {
    return zh ? `${name} = ${v} 超出范围，允许 ${range(spec)}` : `${name} = ${v} is out of range; allowed: ${range(spec)}`;
  }
  if (res.kind === "malformed" && spec) {
    return spec.unit === "bool"
      ? zh
        ? `${name} 的值“${v}”不是开关值，允许 1/0、true/false、on/off、yes/no`
        : `${name}: '${v}' is not a switch value; allowed: 1/0, true/false, on/off, yes/no`
      : zh
        ? `${name} 的值“${v}”不是整数，允许 ${range(spec)}`
        : `${name}: '${v}' is not a whole number; allowed: ${range(spec)}`;
  }
  // tcpsim's Params::validate, by the rule the wasm names (`conflict`,
  // tcpsim's ParamError::rule): read_bytes sizes the client's recv(), and
  // the client reads only with read_every_ms or resume_at; the RTO's floor
  // is not above its ceiling.
  if (res.conflict === "read_bytes_without_reader") {
    return zh
      ? `read_bytes = ${v} 是客户端每次 recv() 的大小，但客户端从不读取：read_every_ms 和 resume_at 都是 0；请设置 read_every_ms（按固定速率读取）或 resume_at（何时重新开始读取），或者让 read_bytes 保持 0`
      : `read_bytes = ${v} sets the size of the client's recv(), but the client never reads: read_every_ms and resume_at are both 0; set read_every_ms (a reader at a steady rate) or resume_at (when it reads again), or leave read_bytes at 0`;
  }
  if (res.conflict === "rto_min_above_max") {
    const max = short(values?.tcp_rto_max ?? "", lang);
    return zh ? `tcp_rto_min（${v} 毫秒）不能大于 tcp_rto_max（${max} 毫秒）` : `tcp_rto_min (${v} ms) must not exceed tcp_rto_max (${max} ms)`;
  }
  // Nothing a reader's input can cause (a bug): the simulator's words, cut.
  return short(res.error, lang);
}

export function unknownScenario(id, lang) {
  return lang === "zh" ? `没有“${short(id, lang)}”这个场景` : `there is no scenario '${short(id, lang)}'`;
}

// A query parameter `k` whose value is not one of `allowed`.
export function badChoice(k, v, allowed, lang) {
  return lang === "zh" ? `${k}=${short(v, lang)}（只能是 ${allowed.join("、")}）` : `${k}=${short(v, lang)} (allowed: ${allowed.join(", ")})`;
}

// The comment lines of the ss view (tcpsim's ss::Snapshot::text) in the
// page's language; ss's own output stays as ss prints it.
export function ssText(text, lang) {
  if (lang !== "zh") return text;
  return text
    .replace(/^# at (\S+) s$/m, "# 第 $1 秒")
    .replace(/^# (\S+): ss -tnoi$/gm, (_, h) => `# ${hostName(h, lang)}：ss -tnoi`)
    .replace(/^\(host down: no kernel to ask\)$/gm, "（主机已宕机：没有内核可以询问）")
    .replace(/^\(no connection\)$/gm, "（没有连接）");
}
