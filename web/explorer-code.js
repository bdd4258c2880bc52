// The explorer's code snippets: code that sets exactly the values drawn, in
// C, Go, Python, Java and Node.js, and the sysctl lines. Units as each API
// takes them: TCP_KEEPIDLE and TCP_KEEPINTVL in seconds, TCP_USER_TIMEOUT in
// milliseconds, Node's initialDelay in milliseconds, Go in time.Duration.
// A socket option of 0 means "not set": the snippet leaves it alone and the
// sysctl applies (which is what the simulator draws for 0).
//
// snippets(caseId, v, lang, sys) -> [{id, label, code, note}]
// (caseId: idle, data, connect, or reading: the peer stopped reading, where
// only TCP_USER_TIMEOUT ends the connection; every snippet shows how to set
// it, even while it is 0.)
//   v: the drawn values of the case (numbers), by setting (explorer-data.js)
//   sys: the system's keepalive values {tcp_keepalive_time, ..._intvl, ..._probes}

const W = {
  zh: {
    callC: "在 connect() 之前对套接字调用，或者对 accept() 返回的套接字调用。",
    callPy: "在 connect() 之前调用，或者对 accept() 返回的套接字调用。",
    callJava: "在 connect() 之前调用，或者对 ServerSocket.accept() 返回的 Socket 调用。JDK 11+。",
    sec: " 秒",
    ms: " 毫秒",
    probes: " 个探测",
    secWord: "秒",
    msWord: "毫秒",
    unitSep: "，单位",
    notSet: (opt, sysctl, val, unit) => `${opt} 不设置：用系统的 net.ipv4.${sysctl}（${val}${unit.trim()}）`,
    keepOff: "SO_KEEPALIVE 关闭：空闲连接上不发任何探测",
    utNotSet: "TCP_USER_TIMEOUT 不设置（0）",
    utNotSetData: "TCP_USER_TIMEOUT 不设置（0）：重传多久由整机的 net.ipv4.tcp_retries2 决定，见 sysctl 一栏",
    utNotSetConnect: "TCP_USER_TIMEOUT 不设置（0）：建连多久放弃由 SYN 重传次数决定",
    utNotSetReading: "TCP_USER_TIMEOUT 不设置（0）：对端不再读取时，零窗口探测一直有回应，连接永远不会结束。要让内核放弃，给它一个毫秒数，比如 20 秒：",
    kaSilent: "保活在这种情形下不发探测：有数据排队时，保活定时器到期只会重新定时",
    utReading: "TCP_USER_TIMEOUT：从第一个零窗口探测算起（Linux 5.11 起），单位毫秒",
    javaWriteBlocked:
      "setSoTimeout 只限制读，管不了因为发送缓冲区满而阻塞的写。能结束这样的写的只有应用自己：另一个线程到期时调用 s.close()，阻塞在写上的线程会抛出 SocketException。",
    nodeDrain: (ms) => `退而求其次的做法：write() 返回 false（缓冲区满了）以后，最多等 ${ms} 毫秒的 'drain'，等不到就 destroy()`,
    sysRetriesReading: "tcp_retries2 在这种情形下不会用完（有回应的零窗口探测把计数清零），它只限制探测间隔翻倍的次数。",
    syncnt: "TCP_SYNCNT：这个套接字自己的 tcp_syn_retries",
    synLinear: (n) => `tcp_syn_linear_timeouts（${n}）只能通过内核参数设置，见 sysctl 一栏`,
    goVersion: "需要 Go 1.23+（net.KeepAliveConfig）。",
    goNeg: (opt, sysctl, val) => `${opt}：负数表示不设置，用系统的 ${sysctl}（${val}）`,
    goKeepOff: "负数：不开 SO_KEEPALIVE",
    goControl: "net 包没有 TCP_USER_TIMEOUT 字段：在 connect() 之前用 Control 直接设置",
    goNothing: "这个场景下没有要按套接字设置的选项",
    javaNoUt: (ms) => `TCP_USER_TIMEOUT（${ms} 毫秒）：JDK 没有这个选项，jdk.net.ExtendedSocketOptions 里与超时有关的只有 TCP_KEEPIDLE、TCP_KEEPINTERVAL、TCP_KEEPCOUNT。`,
    javaSoTimeout: "退而求其次的做法：在应用层给读操作设上限。read() 等满这么久会抛出 SocketTimeoutException，连接本身不会关闭，也不管数据有没有被确认。",
    javaConnect: "Java 设不了 TCP_USER_TIMEOUT 和 TCP_SYNCNT；connect 的第二个参数是应用层的超时（毫秒），效果相近。",
    javaConnectNone: "SYN 重传次数只能通过内核参数设置，见 sysctl 一栏。",
    javaKeepOff: "SO_KEEPALIVE 关闭（Socket 的初始值）",
    nodeIdle: (ms, s) => `initialDelay 单位是毫秒：${ms} 毫秒，即 TCP_KEEPIDLE = ${s} 秒`,
    nodeIdleDefault: "不传 initialDelay（或小于 1000 毫秒，即 0 秒）：libuv 设不上 TCP_KEEPIDLE（1.47 及更早 setsockopt 返回 EINVAL，1.48 起直接返回），也不设间隔和次数，所以用系统的 tcp_keepalive_time、tcp_keepalive_intvl、tcp_keepalive_probes",
    nodeSysOnly: (intvl, cnt) => `不传 initialDelay 时间隔和次数都是系统的：这里的 ${intvl} × ${cnt} 无法这样设置`,
    nodeFixed: (intvl, cnt) =>
      `给了 initialDelay 时，Node.js 自己把 TCP_KEEPINTVL 设成 1 秒、TCP_KEEPCNT 设成 10，setKeepAlive(enable, initialDelay) 改不了：这里的 ${intvl} × ${cnt} 无法用它设置`,
    nodeFixedOk: "Node.js 自己把 TCP_KEEPINTVL 设成 1 秒、TCP_KEEPCNT 设成 10，正好是这里的值",
    nodeNoUt: (ms) => `TCP_USER_TIMEOUT（${ms} 毫秒）：Node.js 没有这个选项`,
    nodeKeepOff: "SO_KEEPALIVE 关闭（Node.js 的默认）",
    nodeTimeoutData: "退而求其次的做法：空闲定时器，连接上这么久没有任何收发就触发 'timeout'，需要自己 destroy()；它不管数据有没有被确认",
    nodeTimeoutConnect: "应用层的超时：这么久还没连上就放弃（'timeout' 事件不会自己关闭连接）",
    nodeConnectNone: "SYN 重传次数只能通过内核参数设置，见 sysctl 一栏",
    sysHead: "整机生效：所有没有自己设置这些套接字选项的连接。按网络命名空间生效：在容器里要在容器的命名空间里设置。",
    sysKeepalive: "保活参数只对开了 SO_KEEPALIVE 的套接字起作用；SO_KEEPALIVE 本身没有对应的内核参数，只能由程序打开。",
    sysUt: "TCP_USER_TIMEOUT 没有对应的内核参数，只能按套接字设置。",
    sysLinear: "tcp_syn_linear_timeouts 从 Linux 6.5 起才有。",
    sysPersist: "要在重启后保留：把同样的行去掉 “sysctl -w ” 写进 /etc/sysctl.d/90-tcp-timeouts.conf。",
    sysNothing: "这个场景下的值都是套接字选项，没有要改的内核参数。",
    notes: {
      java: "Java 没有 TCP_USER_TIMEOUT 选项（jdk.net.ExtendedSocketOptions 里与超时有关的只有保活的三个）：有数据在途时只能靠系统的 tcp_retries2，或者在应用层给读操作设超时。",
      node: "Node.js 的 setKeepAlive(enable, initialDelay) 只能设空闲时间（TCP_KEEPIDLE，initialDelay 不小于 1000 毫秒时），这时探测间隔和次数固定为 1 秒和 10 次；不给 initialDelay 则三者都用系统的。也没有 TCP_USER_TIMEOUT 选项。",
      go: "Go 的 KeepAliveConfig 里 0 表示 Go 自己的默认值（15 秒、15 秒、9 次），负数才表示不设置、用系统的。",
      javaReading: "Java 没有 TCP_USER_TIMEOUT 选项：对端不再读取时，阻塞的写既不会因为保活也不会因为 tcp_retries2 结束，只能由应用自己关闭套接字。",
    },
  },
  en: {
    callC: "Call it on the socket before connect(), or on the socket accept() returned.",
    callPy: "Call it before connect(), or on the socket accept() returned.",
    callJava: "Call it before connect(), or on the Socket ServerSocket.accept() returned. JDK 11+.",
    sec: " s",
    ms: " ms",
    probes: " probes",
    secWord: "seconds",
    msWord: "milliseconds",
    unitSep: ", ",
    notSet: (opt, sysctl, val, unit) => `${opt} not set: the system's net.ipv4.${sysctl} (${val}${unit}) applies`,
    keepOff: "SO_KEEPALIVE off: no probes on an idle connection",
    utNotSet: "TCP_USER_TIMEOUT not set (0)",
    utNotSetData: "TCP_USER_TIMEOUT not set (0): the system-wide net.ipv4.tcp_retries2 decides how long retransmission goes on; see sysctl",
    utNotSetConnect: "TCP_USER_TIMEOUT not set (0): the SYN retry counts decide when connect() gives up",
    utNotSetReading: "TCP_USER_TIMEOUT not set (0): with a peer that stopped reading, the zero-window probes are answered and the connection never ends. To make the kernel give up, give it milliseconds, 20 s say:",
    kaSilent: "keepalive sends no probes in this case: while data is queued the keepalive timer only re-arms itself",
    utReading: "TCP_USER_TIMEOUT, counted from the first zero-window probe (Linux 5.11+), in milliseconds",
    javaWriteBlocked:
      "setSoTimeout limits reads only, not a write blocked on a full send buffer. Only the application can end such a write: another thread calls s.close() at its deadline, and the thread blocked in the write gets a SocketException.",
    nodeDrain: (ms) => `The nearest thing: once write() returns false (the buffer is full), wait at most ${ms} ms for 'drain', then destroy()`,
    sysRetriesReading: "tcp_retries2 is never spent in this case (answered zero-window probes reset the count); it only caps how many times the probe interval doubles.",
    syncnt: "TCP_SYNCNT: this socket's own tcp_syn_retries",
    synLinear: (n) => `tcp_syn_linear_timeouts (${n}) is a sysctl only; see sysctl`,
    goVersion: "Go 1.23+ (net.KeepAliveConfig).",
    goNeg: (opt, sysctl, val) => `${opt}: negative = not set, the system's ${sysctl} (${val})`,
    goKeepOff: "negative: SO_KEEPALIVE off",
    goControl: "package net has no TCP_USER_TIMEOUT field: Control sets it before connect()",
    goNothing: "nothing to set per socket in this case",
    javaNoUt: (ms) => `TCP_USER_TIMEOUT (${ms} ms): the JDK has no such option; jdk.net.ExtendedSocketOptions' only timeout-related options are TCP_KEEPIDLE, TCP_KEEPINTERVAL and TCP_KEEPCOUNT.`,
    javaSoTimeout: "The nearest thing, in the application: a limit on reads. read() throws SocketTimeoutException after waiting this long; the connection stays open, and acknowledgements play no part.",
    javaConnect: "Java cannot set TCP_USER_TIMEOUT or TCP_SYNCNT; connect's second argument is an application-level timeout (ms) with a similar effect.",
    javaConnectNone: "The SYN retry counts can only be set system-wide; see sysctl.",
    javaKeepOff: "SO_KEEPALIVE off (a Socket's initial value)",
    nodeIdle: (ms, s) => `initialDelay is in milliseconds: ${ms} ms, so TCP_KEEPIDLE = ${s} s`,
    nodeIdleDefault: "no initialDelay (or under 1000 ms, i.e. 0 s): libuv cannot set TCP_KEEPIDLE (setsockopt returns EINVAL in libuv ≤ 1.47; 1.48+ returns before it) and sets no interval or count, so the system's tcp_keepalive_time, tcp_keepalive_intvl and tcp_keepalive_probes apply",
    nodeSysOnly: (intvl, cnt) => `without an initialDelay the interval and count are the system's: the ${intvl} × ${cnt} above cannot be had this way`,
    nodeFixed: (intvl, cnt) =>
      `with an initialDelay, Node.js itself sets TCP_KEEPINTVL to 1 s and TCP_KEEPCNT to 10, and setKeepAlive(enable, initialDelay) cannot change them: the ${intvl} × ${cnt} above cannot be had this way`,
    nodeFixedOk: "Node.js itself sets TCP_KEEPINTVL to 1 s and TCP_KEEPCNT to 10, the values above",
    nodeNoUt: (ms) => `TCP_USER_TIMEOUT (${ms} ms): Node.js has no such option`,
    nodeKeepOff: "SO_KEEPALIVE off (Node.js's default)",
    nodeTimeoutData: "The nearest thing: an idle timer; 'timeout' fires after this long without any traffic and you destroy() the socket yourself; acknowledgements play no part",
    nodeTimeoutConnect: "An application-level timeout: give up if not connected by then ('timeout' does not close the socket by itself)",
    nodeConnectNone: "The SYN retry counts can only be set system-wide; see sysctl",
    sysHead: "System-wide: every connection that does not set these socket options itself. Per network namespace: in a container, set them in the container's namespace.",
    sysKeepalive: "The keepalive values only apply to sockets with SO_KEEPALIVE on; SO_KEEPALIVE itself has no sysctl, only the program can turn it on.",
    sysUt: "TCP_USER_TIMEOUT has no sysctl; it is set per socket only.",
    sysLinear: "tcp_syn_linear_timeouts exists from Linux 6.5.",
    sysPersist: "To keep them across reboots: the same lines without “sysctl -w ” in /etc/sysctl.d/90-tcp-timeouts.conf.",
    sysNothing: "The values in this case are socket options: no sysctl to change.",
    notes: {
      java: "Java has no TCP_USER_TIMEOUT option (the three keepalive options are jdk.net.ExtendedSocketOptions' only timeout-related ones): with data in flight, only the system's tcp_retries2 or a read timeout in the application helps.",
      node: "Node.js's setKeepAlive(enable, initialDelay) only sets the idle time (TCP_KEEPIDLE, with an initialDelay of 1000 ms or more), and then the interval and count are fixed at 1 s and 10; with no initialDelay all three are the system's. There is no TCP_USER_TIMEOUT option.",
      go: "In Go's KeepAliveConfig, 0 means Go's own default (15 s, 15 s, 9); a negative value means not set, the system's.",
      javaReading: "Java has no TCP_USER_TIMEOUT option: with a peer that stopped reading, neither keepalive nor tcp_retries2 ends a blocked write; only the application closing the socket does.",
    },
  },
};

const KEEP = [
  // [setting, option, sysctl, unit, C variable, Java option]
  ["tcp_keepidle", "TCP_KEEPIDLE", "tcp_keepalive_time", "sec", "idle", "TCP_KEEPIDLE"],
  ["tcp_keepintvl", "TCP_KEEPINTVL", "tcp_keepalive_intvl", "sec", "intvl", "TCP_KEEPINTERVAL"],
  ["tcp_keepcnt", "TCP_KEEPCNT", "tcp_keepalive_probes", "probes", "cnt", "TCP_KEEPCOUNT"],
];

// The comment for a TCP_USER_TIMEOUT of 0 (not set), per case.
const utNote = (c, w) => ({ data: w.utNotSetData, connect: w.utNotSetConnect, reading: w.utNotSetReading })[c] || w.utNotSet;
// The cases whose socket options include keepalive's.
const keeps = (c) => c === "idle" || c === "reading";

// Lines of a comment block in each language's syntax.
const block = (prefix, text) => text.split("\n").map((l) => prefix + l);

function codeC(c, v, w, sys) {
  const decls = [];
  const calls = [];
  const notes = [];
  const decl = (text, comment) => decls.push(`${text.padEnd(31)} /* ${comment} */`);
  const set = (level, opt, name) => calls.push(`setsockopt(fd, ${level}, ${opt}, &${name}, sizeof ${name})`);
  if (keeps(c)) {
    decl(`int keepalive = ${v.so_keepalive ? 1 : 0};`, "SO_KEEPALIVE");
    set("SOL_SOCKET", "SO_KEEPALIVE", "keepalive");
    for (const [k, opt, sysctl, unit, name] of KEEP) {
      if (v[k] > 0) {
        decl(`int ${name} = ${v[k]};`, unit === "sec" ? `${opt}${w.unitSep}${w.secWord}` : opt);
        set("IPPROTO_TCP", opt, name);
      } else notes.push(w.notSet(opt, sysctl, sys[sysctl], w[unit]));
    }
  }
  if (c === "reading" && v.so_keepalive) notes.push(w.kaSilent);
  if (v.user_timeout > 0) {
    decl(`unsigned int user_timeout = ${v.user_timeout};`, c === "reading" ? w.utReading : `TCP_USER_TIMEOUT${w.unitSep}${w.msWord}`);
    set("IPPROTO_TCP", "TCP_USER_TIMEOUT", "user_timeout");
  } else if (c === "reading") {
    notes.push(`${w.utNotSetReading}\n    unsigned int user_timeout = 20000;\n    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);`);
  } else notes.push(utNote(c, w));
  if (c === "connect") {
    decl(`int syn_retries = ${v.tcp_syn_retries};`, w.syncnt);
    set("IPPROTO_TCP", "TCP_SYNCNT", "syn_retries");
    notes.push(w.synLinear(v.tcp_syn_linear_timeouts));
  }
  if (!calls.length) return notes.map((n) => `/* ${n} */`).join("\n");
  const out = ["#include <netinet/in.h>", "#include <netinet/tcp.h>", "#include <sys/socket.h>", ""];
  out.push(`/* ${w.callC} */`, "int set_timeouts(int fd)", "{");
  for (const d of decls) out.push("    " + d);
  for (const n of notes) out.push(`    /* ${n} */`);
  out.push("");
  for (const call of calls) out.push(`    if (${call} == -1)`, "        return -1;");
  out.push("    return 0;", "}");
  return out.join("\n");
}

function goDuration(s) {
  if (s % 3600 === 0) return `${s / 3600} * time.Hour`;
  if (s % 60 === 0) return `${s / 60} * time.Minute`;
  return `${s} * time.Second`;
}

function codeGo(c, v, w, sys) {
  let usesTime = false;
  const fields = [];
  const sockopts = [];
  if (keeps(c)) {
    if (v.so_keepalive) {
      const kv = [];
      for (const [k, opt, sysctl] of KEEP) {
        const field = { tcp_keepidle: "Idle", tcp_keepintvl: "Interval", tcp_keepcnt: "Count" }[k];
        if (v[k] > 0) {
          const val = k === "tcp_keepcnt" ? String(v[k]) : goDuration(v[k]);
          if (k !== "tcp_keepcnt") usesTime = true;
          kv.push([field, val, opt]);
        } else kv.push([field, "-1", w.goNeg(opt, sysctl, sys[sysctl])]);
      }
      const width = Math.max(...kv.map(([f]) => f.length)) + 1;
      const vwidth = Math.max(...kv.map(([, val]) => val.length)) + 1;
      fields.push("KeepAliveConfig: net.KeepAliveConfig{");
      fields.push(`\tEnable:${" ".repeat(width - 6)}true,`);
      for (const [f, val, cm] of kv) fields.push(`\t${f}:${" ".repeat(width - f.length)}${val},${" ".repeat(vwidth - val.length)}// ${cm}`);
      fields.push("},");
    } else {
      fields.push(`KeepAlive: -1, // ${w.goKeepOff}`);
    }
  }
  if (v.user_timeout > 0) sockopts.push(["TCP_USER_TIMEOUT", v.user_timeout, c === "reading" ? w.utReading : w.msWord]);
  if (c === "connect") sockopts.push(["TCP_SYNCNT", v.tcp_syn_retries, w.syncnt]);
  const comments = [];
  if (c === "reading" && v.so_keepalive) comments.push(w.kaSilent);
  if (v.user_timeout === 0) comments.push(utNote(c, w));
  if (v.user_timeout === 0 && c === "reading") comments.push("Control: c.Control(func(fd uintptr) { unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, 20000) })");
  if (c === "connect") comments.push(w.synLinear(v.tcp_syn_linear_timeouts));
  if (sockopts.length) {
    fields.push(`// ${w.goControl}`);
    fields.push("Control: func(network, address string, c syscall.RawConn) error {");
    fields.push("\tvar serr error");
    fields.push("\terr := c.Control(func(fd uintptr) {");
    sockopts.forEach(([opt, val, cm], i) => {
      const line = `serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.${opt}, ${val}) // ${cm}`;
      if (i === 0) fields.push("\t\t" + line);
      else fields.push("\t\tif serr == nil {", "\t\t\t" + line, "\t\t}");
    });
    fields.push("\t})", "\tif err != nil {", "\t\treturn err", "\t}", "\treturn serr", "},");
  }
  if (!fields.length) return comments.map((x) => `// ${x}`).join("\n");
  const imports = ["\t\"net\""];
  if (sockopts.length) imports.push('\t"syscall"');
  if (usesTime) imports.push('\t"time"');
  if (sockopts.length) imports.push("", '\t"golang.org/x/sys/unix"');
  const out = ["import (", ...imports, ")", ""];
  if (keeps(c) && v.so_keepalive) out.push(`// ${w.goVersion}`);
  out.push("func dial(addr string) (net.Conn, error) {");
  for (const x of comments) out.push(`\t// ${x}`);
  out.push("\td := net.Dialer{");
  for (const f of fields) out.push("\t\t" + f);
  out.push("\t}", '\treturn d.Dial("tcp", addr)', "}");
  return out.join("\n");
}

function codePython(c, v, w, sys) {
  const lines = [];
  const notes = [];
  if (keeps(c)) {
    lines.push(`s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, ${v.so_keepalive ? 1 : 0})`);
    for (const [k, opt, sysctl, unit] of KEEP) {
      if (v[k] > 0) lines.push(`s.setsockopt(socket.IPPROTO_TCP, socket.${opt}, ${v[k]})${unit === "sec" ? `  # ${w.secWord}` : ""}`);
      else notes.push(w.notSet(opt, sysctl, sys[sysctl], w[unit]));
    }
  }
  if (c === "reading" && v.so_keepalive) notes.push(w.kaSilent);
  if (v.user_timeout > 0) lines.push(`s.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, ${v.user_timeout})  # ${c === "reading" ? w.utReading : w.msWord}`);
  else if (c === "reading") notes.push(w.utNotSetReading, "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 20000)");
  else notes.push(utNote(c, w));
  if (c === "connect") {
    lines.push(`s.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, ${v.tcp_syn_retries})  # ${w.syncnt}`);
    notes.push(w.synLinear(v.tcp_syn_linear_timeouts));
  }
  if (!lines.length) return notes.map((n) => `# ${n}`).join("\n");
  const out = ["import socket", "", "", "def set_timeouts(s: socket.socket) -> None:", `    # ${w.callPy}`];
  for (const n of notes) out.push(`    # ${n}`);
  for (const l of lines) out.push("    " + l);
  return out.join("\n");
}

function codeJava(c, v, w, sys) {
  const body = [];
  const imports = new Set(["java.io.IOException", "java.net.Socket"]);
  if (keeps(c)) {
    if (v.so_keepalive) body.push("s.setKeepAlive(true); // SO_KEEPALIVE");
    else body.push(`s.setKeepAlive(false); // ${w.javaKeepOff}`);
    for (const [k, opt, sysctl, unit, , jopt] of KEEP) {
      if (v[k] > 0) {
        imports.add("jdk.net.ExtendedSocketOptions");
        body.push(`s.setOption(ExtendedSocketOptions.${jopt}, ${v[k]});${unit === "sec" ? ` // ${w.secWord}` : ""}`);
      } else body.push(`// ${w.notSet(opt, sysctl, sys[sysctl], w[unit])}`);
    }
    if (c === "reading" && v.so_keepalive) body.push(`// ${w.kaSilent}`);
    if (v.user_timeout > 0) body.push(...block("// ", w.javaNoUt(v.user_timeout)));
    if (c === "reading") body.push(...block("// ", w.javaWriteBlocked));
  }
  if (c === "data") {
    if (v.user_timeout > 0) {
      body.push(...block("// ", w.javaNoUt(v.user_timeout)));
      body.push(...block("// ", w.javaSoTimeout));
      body.push(`s.setSoTimeout(${v.user_timeout});`);
    } else body.push(`// ${w.utNotSetData}`);
  }
  let method;
  if (c === "connect") {
    imports.add("java.net.InetSocketAddress");
    const connect = [`// ${w.javaConnectNone}`];
    if (v.user_timeout > 0) {
      connect.unshift(...block("// ", w.javaConnect));
      connect.push(`s.connect(new InetSocketAddress(host, port), ${v.user_timeout});`);
    } else connect.push("s.connect(new InetSocketAddress(host, port));");
    method = ["static Socket connect(String host, int port) throws IOException {", "    Socket s = new Socket();", ...connect.map((l) => "    " + l), "    return s;", "}"];
  } else {
    method = [`// ${w.callJava}`, "static void apply(Socket s) throws IOException {", ...body.map((l) => "    " + l), "}"];
  }
  const out = [...[...imports].sort().map((i) => `import ${i};`), "", "final class Timeouts {"];
  for (const l of method) out.push("    " + l);
  out.push("}");
  return out.join("\n");
}

function codeNode(c, v, w) {
  const body = [];
  if (c === "connect") {
    if (v.user_timeout > 0) {
      body.push(`// ${w.nodeTimeoutConnect}`);
      body.push(`const socket = net.connect({ host, port, timeout: ${v.user_timeout} });`);
      body.push('socket.once("timeout", () => socket.destroy(new Error("connect timed out")));');
      body.push('socket.once("connect", () => socket.setTimeout(0));');
    } else body.push("const socket = net.connect({ host, port });");
    body.push(`// ${w.nodeConnectNone}`);
  } else {
    body.push("const socket = net.connect({ host, port });");
    if (keeps(c)) {
      if (v.so_keepalive) {
        const intvl = v.tcp_keepintvl;
        const cnt = v.tcp_keepcnt;
        if (v.tcp_keepidle > 0) {
          // libuv sets TCP_KEEPINTVL 1 and TCP_KEEPCNT 10 only with an idle time of 1 s or more.
          body.push(`socket.setKeepAlive(true, ${v.tcp_keepidle * 1000}); // ${w.nodeIdle(v.tcp_keepidle * 1000, v.tcp_keepidle)}`);
          if (intvl === 1 && cnt === 10) body.push(`// ${w.nodeFixedOk}`);
          else body.push(`// ${w.nodeFixed(intvl || "TCP_KEEPINTVL", cnt || "TCP_KEEPCNT")}`);
        } else {
          body.push(`socket.setKeepAlive(true); // ${w.nodeIdleDefault}`);
          if (intvl > 0 || cnt > 0) body.push(`// ${w.nodeSysOnly(intvl || "TCP_KEEPINTVL", cnt || "TCP_KEEPCNT")}`);
        }
      } else body.push(`socket.setKeepAlive(false); // ${w.nodeKeepOff}`);
      if (c === "reading" && v.so_keepalive) body.push(`// ${w.kaSilent}`);
      if (v.user_timeout > 0) body.push(`// ${w.nodeNoUt(v.user_timeout)}`);
    } else if (v.user_timeout > 0) {
      body.push(`// ${w.nodeNoUt(v.user_timeout)}`);
      body.push(`// ${w.nodeTimeoutData}`);
      body.push(`socket.setTimeout(${v.user_timeout});`);
      body.push('socket.on("timeout", () => socket.destroy(new Error("no traffic")));');
    } else body.push(`// ${w.utNotSetData}`);
  }
  const out = ['const net = require("node:net");', "", "function connect(host, port) {", ...body.map((l) => "  " + l), "  return socket;", "}"];
  // A peer that stopped reading: a deadline for 'drain', in the application.
  if (c === "reading" && v.user_timeout > 0) {
    out.push(
      "",
      `// ${w.nodeDrain(v.user_timeout)}`,
      "function send(socket, data) {",
      "  if (socket.write(data)) return;",
      `  const timer = setTimeout(() => socket.destroy(new Error("peer stopped reading")), ${v.user_timeout});`,
      '  socket.once("drain", () => clearTimeout(timer));',
      "}",
    );
  }
  return out.join("\n");
}

function codeSysctl(c, v, w, sys) {
  const lines = [];
  const notes = [w.sysHead];
  if (c === "idle") {
    for (const [k, , sysctl] of KEEP) lines.push(`sysctl -w net.ipv4.${sysctl}=${v[k] > 0 ? v[k] : sys[sysctl]}`);
    notes.push(w.sysKeepalive);
  } else if (c === "data") {
    lines.push(`sysctl -w net.ipv4.tcp_retries2=${v.tcp_retries2}`);
  } else if (c === "reading") {
    lines.push(`sysctl -w net.ipv4.tcp_retries2=${v.tcp_retries2}`);
    notes.push(w.sysRetriesReading);
  } else {
    lines.push(`sysctl -w net.ipv4.tcp_syn_retries=${v.tcp_syn_retries}`);
    lines.push(`sysctl -w net.ipv4.tcp_syn_linear_timeouts=${v.tcp_syn_linear_timeouts}`);
    notes.push(w.sysLinear);
  }
  notes.push(w.sysUt, w.sysPersist);
  return [...notes.flatMap((n) => block("# ", n)), ...lines].join("\n");
}

export function snippets(caseId, v, lang, sys) {
  const w = W[lang] || W.zh;
  return [
    { id: "c", label: "C", code: codeC(caseId, v, w, sys) },
    { id: "go", label: "Go", code: codeGo(caseId, v, w, sys), note: keeps(caseId) ? w.notes.go : null },
    { id: "python", label: "Python", code: codePython(caseId, v, w, sys) },
    { id: "java", label: "Java", code: codeJava(caseId, v, w, sys), note: caseId === "reading" ? w.notes.javaReading : w.notes.java },
    { id: "node", label: "Node.js", code: codeNode(caseId, v, w, sys), note: w.notes.node },
    { id: "sysctl", label: "sysctl", code: codeSysctl(caseId, v, w, sys) },
  ];
}
