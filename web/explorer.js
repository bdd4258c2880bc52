// "Detect it faster" (检测得更快): the section that answers "my client hung
// for 15 minutes after a failover: why, and what do I set?". The reader
// picks a case (idle, data in flight, connecting, or a peer that is up but
// stopped reading) and a starting point (Linux's
// defaults or a common stack's documented ones), changes the settings, and
// sees the simulated timeline, the detection time, and code that sets those
// values.
//
// A chunk of its own, fetched by app.js when the section comes near the
// viewport or its button is pressed:
//   mount(section, {sim, lang: () => "zh" | "en", onLang})
//   setLang(lang)
// `sim` is the tools module's simulate and scenarios (this file never
// imports the glue, so the first load stays as it is; the tools build has
// the windowed model that `peer-hung`, the stopped-reading case, needs); `onLang(fn)`, if given, is how the page calls
// `fn(lang)` on a language switch. Nothing here is shared with app.js: an
// import the two had in common would become a chunk of the first load.
//
// Like the scenario sections: each change is simulated once (debounced, 60
// ms), the run is kept and drawn in either language without simulating
// again, a bad value shows the simulator's error beside its field, and a
// field left invalid goes back to the value drawn.
import { CASES, CASE_ORDER, KNOBS, PRESETS, paramOf } from "./explorer-data.js";
import { snippets } from "./explorer-code.js";

const T = {
  zh: {
    legendCase: "1. 出事时（对端主机宕机，或者对端不再读取），连接处在什么状态？",
    cases: {
      idle: ["连接空闲", "对端主机宕机时，两边都没有数据要发（比如连接池里闲着的连接）。"],
      data: ["有数据在途", "你的应用刚发出请求或查询，对端主机已经不在了，没有人确认。"],
      connect: ["正在建连", "connect() 连向一台已经宕机的主机（比如故障切换后还在连旧主库的地址）。"],
      reading: ["对端不再读取", "对端主机和进程都还在，但进程不再读（死锁、长时间 GC、被 SIGSTOP 暂停），你的应用还在往这条连接里写。"],
    },
    yours: {
      idle: "你的应用的套接字是图中的“服务端”：对端主机宕机后还活着的那一端。握手完成以后，两端的保活和重传规则完全一样，所以如果你的应用是主动连过去的一方（比如连数据库的客户端），把图中的“服务端”当成它就行。",
      data: "你的应用的套接字是图中的“服务端”：对端主机宕机后，它写入数据，然后一直等确认。握手完成以后两端规则完全一样，所以如果你的应用是主动连过去的一方（比如连数据库的客户端），把图中的“服务端”当成它就行。",
      connect: "你的应用的套接字是图中的“客户端”：它正在调用 connect()，而对端主机已经不在了。",
      reading: "你的应用的套接字是图中的“服务端”：它一直在写，对端的接收窗口关上以后，send() 阻塞。握手完成以后两端规则完全一样，所以如果你的应用是主动连过去的一方（比如连数据库的客户端），把图中的“服务端”当成它就行。",
    },
    scenarioLink: "这个场景的完整图解",
    legendPreset: "2. 从哪里开始？",
    presetHint: "选一个起点，它的值会填进下面的设置；每一项旁边是资料来源。",
    sources: "来源：",
    legendKnobs: "3. 你的套接字选项和内核参数",
    socket: "套接字选项",
    sysctl: "内核参数（sysctl）",
    on: "开启",
    help: {
      so_keepalive: () => "开启 TCP 保活：连接空闲时定期发探测",
      tcp_keepidle: (sys) => `连接空闲多久后发第一个探测，单位秒；0 表示不设置，用系统的 tcp_keepalive_time（${sys.tcp_keepalive_time} 秒）`,
      tcp_keepintvl: (sys) => `两个探测之间隔多久，单位秒；0 表示用系统的 tcp_keepalive_intvl（${sys.tcp_keepalive_intvl} 秒）`,
      tcp_keepcnt: (sys) => `连续几个探测没有回应就放弃；0 表示用系统的 tcp_keepalive_probes（${sys.tcp_keepalive_probes}）`,
      user_timeout: () => "已发出的数据或保活探测最多可以多久得不到确认，单位毫秒；0 表示不设置",
      user_timeout_connect: () => "从第一个 SYN 算起，建连最多等多久，单位毫秒；0 表示不设置",
      user_timeout_reading: () => "从第一个零窗口探测算起，最多探测多久，单位毫秒（Linux 5.11 起）；0 表示不设置",
      tcp_retries2_reading: () => "连续多少个零窗口探测没有回应就放弃（有回应的探测把计数清零），也是探测间隔翻倍次数的上限",
      tcp_retries2: () => "重传预算，内核把它换算成一段时间（见下文）",
      tcp_syn_retries: () => "SYN 重传次数上限（另加下面的线性重传次数）；单个套接字可以用 TCP_SYNCNT 覆盖",
      tcp_syn_linear_timeouts: () => "前几次 SYN 重传固定间隔 1 秒，之后才开始翻倍（Linux 6.5 起）",
    },
    unused: {
      idle: "这里用不上 tcp_retries2：空闲连接上没有要重传的数据。",
      data: "这里用不上保活（SO_KEEPALIVE、TCP_KEEPIDLE、TCP_KEEPINTVL、TCP_KEEPCNT）：只要还有数据没被确认，保活定时器就不发探测，连接归重传定时器管。",
      connect: "这里用不上保活和 tcp_retries2：连接还没建立，管事的是 SYN 重传。",
      reading: "这些设置里，能让连接结束的只有 TCP_USER_TIMEOUT：有数据排队时保活定时器不发探测，tcp_retries2 只数没有回应的零窗口探测，而这里对端内核一直在回应。",
    },
    ka: {
      off: "SO_KEEPALIVE 没开：空闲连接上内核一个报文也不发，所以永远发现不了对端已经不在，连接一直停在 ESTABLISHED。单独设置 TCP_USER_TIMEOUT 也没用：它只盯着已经发出、却没被确认的数据或保活探测，而这里什么都没发。",
      count: (x) =>
        `没有设置 TCP_USER_TIMEOUT：保活在连续 TCP_KEEPCNT 个探测都没有回应之后放弃，也就是最后一次收到对端报文之后 TCP_KEEPIDLE + TCP_KEEPCNT × TCP_KEEPINTVL = ${x.idle} + ${x.cnt} × ${x.intvl} = ${x.total} 秒；然后内核发出一个 RST，recv() 返回 ETIMEDOUT。`,
      ut: (x) =>
        `设置了 TCP_USER_TIMEOUT，TCP_KEEPCNT 就不起作用了：保活定时器每次到期时，只要已经发出过至少一个探测，并且距离最后一次收到对端报文已经满 TCP_USER_TIMEOUT（${x.ut}），连接就被放弃。所以连接在第一个不早于 TCP_USER_TIMEOUT 的保活定时器到期时被放弃：这里是最后一次收到报文之后 ${x.idle} + ${x.k} × ${x.intvl} = ${x.total} 秒，一共发出 ${x.k} 个探测。TCP_USER_TIMEOUT 比 TCP_KEEPIDLE 还短时，照样要等第一个探测发出、再过一个间隔；比 TCP_KEEPIDLE + TCP_KEEPCNT × TCP_KEEPINTVL 还长时，探测会超过 TCP_KEEPCNT 个继续发下去。`,
    },
    rt: {
      count: (x) =>
        `没有设置 TCP_USER_TIMEOUT：内核按 tcp_retries2 决定何时放弃。这个值不是“重传几次”：内核把它换算成一段时间（假设重传超时从 200 毫秒起每次翻倍、最多 ${x.rtoMax} 秒），tcp_retries2 = ${x.r} 折合 ${x.budget} 秒，从第一次超时重传算起；时间用完之后，下一次重传定时器到期时连接被放弃，recv() 返回 ETIMEDOUT。默认的 15 就是这样变成一刻钟以上的。`,
      ut: (x) =>
        `设置了 TCP_USER_TIMEOUT，它就取代了 tcp_retries2 的时间预算：从第一次超时重传算起满 ${x.ut}，数据仍然没有被确认，连接就被放弃（重传定时器会被截短，正好在那一刻到期）。这时改 tcp_retries2 不会有任何变化。`,
    },
    syn: {
      count: (x) =>
        `没有设置 TCP_USER_TIMEOUT：SYN 重传满 tcp_syn_retries + tcp_syn_linear_timeouts = ${x.a} + ${x.b} = ${x.n} 次仍然没有回应，connect() 就放弃；前 ${x.b + 1} 次重传各在上一个 SYN 之后 1 秒发出（初始的 1 秒超时，加上 ${x.b} 次线性重传），之后每次翻倍。另有一个按 tcp_syn_retries 换算的时间预算（${x.budget} 秒，从第一个 SYN 算起），两者谁先到算谁。`,
      ut: (x) =>
        `设置了 TCP_USER_TIMEOUT，它也管建连：从第一个 SYN 算起满 ${x.ut} 还没连上，connect() 就返回 ETIMEDOUT（重传定时器会被截短，正好在那一刻到期）；如果 SYN 重传次数先用完，则更早放弃。`,
    },
    rd: {
      none: (x) =>
        `没有设置 TCP_USER_TIMEOUT：窗口关上以后，服务端的坚持定时器发出零窗口探测，客户端内核一直在回应（这次模拟到 ${x.end}：${x.probes} 个探测，${x.answers} 个回应）。每个回应都把未回应的计数清零，所以 tcp_retries2 = ${x.r} 永远用不完，它只限制探测间隔翻倍的次数。没有任何调用返回：send() 一直阻塞，连接一直停在 ESTABLISHED。`,
      ka: (x) =>
        x.idleEnough
          ? `SO_KEEPALIVE 开着，TCP_KEEPIDLE = ${x.idle} 秒。这次模拟里对端最长 ${x.gap} 没有报文到达，比 TCP_KEEPIDLE 还长，保活探测却是 ${x.ka} 个：保活定时器每次到期都看到有数据在排队（Linux tcp_keepalive_timer：有数据在途或发送队列不空，就只重新定时），一个探测也不发。`
          : `SO_KEEPALIVE 开着，这次模拟里保活探测 ${x.ka} 个。一来对端对零窗口探测的回应也是收到的报文，最长隔 ${x.gap} 就有一个，连接从来没有空闲到 TCP_KEEPIDLE = ${x.idle} 秒；二来即使空闲够了，保活定时器到期时看到有数据在排队（Linux tcp_keepalive_timer：有数据在途或发送队列不空，就只重新定时），也不发探测。`,
      ut: (x) =>
        `设置了 TCP_USER_TIMEOUT（${x.ut}）：从第一个零窗口探测算起（icsk_probes_tstamp）满这个时长，即使探测一直有回应，内核也放弃连接（坚持定时器会被截短，在那一刻到期）。${x.at ? `这次模拟：第一个探测在 ${x.first}，放弃在 ${x.at}，相隔 ${x.gap}；阻塞的 send() 返回它已经拷贝的字节数，下一次 send() 返回 ETIMEDOUT。` : ""}这是 Linux 5.11 起的行为（2021 年的修复 “tcp: fix TCP_USER_TIMEOUT with zero window”）；更早的内核按没有回应的探测个数估算时间，而回应会把它清零，所以 TCP_USER_TIMEOUT 在这里不起作用。`,
    },
    neverReading: (end) => `没有任何调用返回：零窗口探测有回应，send() 一直阻塞（模拟到 ${end}为止）`,
    probeGap: (g) => `，即第一个零窗口探测之后 ${g}`,
    detect: "检测时间",
    from: { fault: "从对端主机宕机算起", write: "从你的应用写入数据算起", call: "从调用 connect() 算起" },
    returns: (call, result) => `${call}() 返回 ${result}`,
    never: "永远发现不了",
    neverQuiet: "内核再也没有定时器要到期，连接一直停在 ESTABLISHED",
    neverCap: "模拟结束时还没有发现",
    capLabel: "按公式约",
    capFrom: { idle: "从最后一次收到对端报文算起", data: "从第一次超时重传算起", connect: "从第一个 SYN 算起", reading: "从第一个零窗口探测算起" },
    capHow: (from, end) => `${from}；模拟在 ${end} 处达到事件上限，图画到这里就停了，还没到放弃的时刻`,
    capNone: (end) => `模拟在 ${end} 处达到事件上限，图画到这里就停了，这时还没有发现`,
    capHeadline: (end) => `图画到 ${end} 就停了：模拟达到了事件上限，这时连接还没被放弃。上面的检测时间是按公式算出的。`,
    codeH: "设置这些值的代码",
    codeTabs: "编程语言",
    copy: "复制",
    copied: "已复制到剪贴板。",
    selected: "无法直接写入剪贴板，已选中全部代码，请按 Ctrl+C（macOS 上按 ⌘C）复制。",
    simError: "模拟器报错：",
    msAs: (s) => `即 ${s}`,
    compare: (a, b) => `Linux 默认值：${a} → 你的设置：${b}`,
    compareSame: (a) => `与 Linux 默认值相同：${a}`,
    compareTitle: "检测得更快：Linux 默认值与你的设置",
    base: "Linux 默认值",
    yourSettings: "你的设置",
    shareLink: "分享链接",
    sharePng: "保存对比图 (PNG)",
    gap: (g) => `下面的检测时间从宕机算起，而对端最后一个报文比宕机早 ${g} 到达。`,
  },
  en: {
    legendCase: "1. What was the connection doing when the peer died, or stopped reading?",
    cases: {
      idle: ["Idle", "neither side had anything to send when the peer's host died (say, a pooled connection waiting for work)."],
      data: ["Data in flight", "your application had just sent a request or a query, and the peer's host is gone: nobody acknowledges it."],
      connect: ["Connecting", "connect() to a host that is down (say, the old primary's address after a failover)."],
      reading: ["Peer stopped reading", "the peer's host and process are up, but the process no longer reads (a deadlock, a long GC pause, SIGSTOP) while your application keeps writing to it."],
    },
    yours: {
      idle: "Your application's socket is the one drawn as the server: the end still alive after the peer's host died. Once the handshake is done, both ends follow the same keepalive and retransmission rules, so if your application is the one that connected (a database client, say), read the diagram's “server” as your application.",
      data: "Your application's socket is the one drawn as the server: after the peer's host died it writes, then waits for an acknowledgement. Once the handshake is done both ends follow the same rules, so if your application is the one that connected (a database client, say), read the diagram's “server” as your application.",
      connect: "Your application's socket is the one drawn as the client: it is calling connect(), and the peer's host is gone.",
      reading: "Your application's socket is the one drawn as the server: it keeps writing, and once the peer's receive window has closed its send() blocks. Once the handshake is done both ends follow the same rules, so if your application is the one that connected (a database client, say), read the diagram's “server” as your application.",
    },
    scenarioLink: "This scenario, explained step by step",
    legendPreset: "2. Where do you start?",
    presetHint: "Pick a starting point: its values go into the settings below; its sources are beside it.",
    sources: "Sources: ",
    legendKnobs: "3. Your socket options and kernel settings",
    socket: "socket option",
    sysctl: "kernel setting (sysctl)",
    on: "on",
    help: {
      so_keepalive: () => "turn TCP keepalive on: probes while the connection is idle",
      tcp_keepidle: (sys) => `idle time before the first probe, in seconds; 0 = not set, the system's tcp_keepalive_time (${sys.tcp_keepalive_time} s)`,
      tcp_keepintvl: (sys) => `time between probes, in seconds; 0 = the system's tcp_keepalive_intvl (${sys.tcp_keepalive_intvl} s)`,
      tcp_keepcnt: (sys) => `unanswered probes in a row before giving up; 0 = the system's tcp_keepalive_probes (${sys.tcp_keepalive_probes})`,
      user_timeout: () => "how long sent data or keepalive probes may go unacknowledged, in milliseconds; 0 = not set",
      user_timeout_connect: () => "how long connect() may take, counted from the first SYN, in milliseconds; 0 = not set",
      user_timeout_reading: () => "how long zero-window probing may go on, counted from the first probe, in milliseconds (Linux 5.11+); 0 = not set",
      tcp_retries2_reading: () => "unanswered zero-window probes in a row before giving up (an answered probe resets the count); also how many times the probe interval may double",
      tcp_retries2: () => "the retransmission budget, which the kernel turns into a time (see below)",
      tcp_syn_retries: () => "SYN retransmissions (plus the linear ones below); TCP_SYNCNT overrides it for one socket",
      tcp_syn_linear_timeouts: () => "the first SYN retransmissions come at a fixed 1 s before doubling starts (Linux 6.5+)",
    },
    unused: {
      idle: "tcp_retries2 plays no part here: an idle connection has nothing to retransmit.",
      data: "Keepalive (SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT) plays no part here: while data is unacknowledged the keepalive timer sends no probes; the retransmission timer owns the connection.",
      connect: "Neither keepalive nor tcp_retries2 plays a part here: the connection is not up yet; SYN retransmission decides.",
      reading: "Of these settings only TCP_USER_TIMEOUT can end the connection: while data is queued the keepalive timer sends no probes, and tcp_retries2 counts only unanswered zero-window probes, while here the peer's kernel keeps answering them.",
    },
    ka: {
      off: "SO_KEEPALIVE is off: on an idle connection the kernel sends nothing at all, so it never finds out that the peer is gone, and the socket stays ESTABLISHED. TCP_USER_TIMEOUT alone does not help: it only watches data or keepalive probes that were sent and not acknowledged, and nothing is sent here.",
      count: (x) =>
        `TCP_USER_TIMEOUT is not set: keepalive gives up after TCP_KEEPCNT unanswered probes in a row, that is TCP_KEEPIDLE + TCP_KEEPCNT × TCP_KEEPINTVL = ${x.idle} + ${x.cnt} × ${x.intvl} = ${x.total} s after the last segment received from the peer; the kernel then sends a RST and recv() returns ETIMEDOUT.`,
      ut: (x) =>
        `TCP_USER_TIMEOUT is set, so TCP_KEEPCNT no longer counts: each time the keepalive timer fires, the connection is dropped if at least one probe is out and TCP_USER_TIMEOUT (${x.ut}) has passed since the last segment received from the peer. It dies at the first keepalive timer at or after TCP_USER_TIMEOUT: here ${x.idle} + ${x.k} × ${x.intvl} = ${x.total} s after the last segment received, after ${x.k} probe${x.k === 1 ? "" : "s"}. A TCP_USER_TIMEOUT shorter than TCP_KEEPIDLE still waits for one probe and one interval; one longer than TCP_KEEPIDLE + TCP_KEEPCNT × TCP_KEEPINTVL keeps probing past TCP_KEEPCNT.`,
    },
    rt: {
      count: (x) =>
        `TCP_USER_TIMEOUT is not set, so tcp_retries2 decides when to give up. It does not mean “retransmit this many times”: the kernel turns it into a time (assuming timeouts that start at 200 ms and double up to ${x.rtoMax} s), ${x.budget} s for tcp_retries2 = ${x.r}, counted from the first timeout retransmission; the first retransmission timer to fire after that drops the connection and recv() returns ETIMEDOUT. That is how the default 15 becomes more than a quarter of an hour.`,
      ut: (x) =>
        `TCP_USER_TIMEOUT is set, and it replaces tcp_retries2's time budget: once the data is still unacknowledged ${x.ut} after the first timeout retransmission, the connection is dropped (the retransmission timer is shortened to fire right then). Changing tcp_retries2 then changes nothing.`,
    },
    syn: {
      count: (x) =>
        `TCP_USER_TIMEOUT is not set: connect() gives up once tcp_syn_retries + tcp_syn_linear_timeouts = ${x.a} + ${x.b} = ${x.n} SYN retransmissions have gone unanswered; the first ${x.b + 1} each come 1 s after the SYN before them (the initial 1 s timeout, then ${x.b} linear ones), then the wait doubles. There is also a time budget derived from tcp_syn_retries (${x.budget} s from the first SYN); whichever runs out first ends it.`,
      ut: (x) =>
        `TCP_USER_TIMEOUT is set, and it bounds the handshake too: if the connection is not up ${x.ut} after the first SYN, connect() returns ETIMEDOUT (the retransmission timer is shortened to fire right then); if the SYN retransmissions run out first, it gives up sooner.`,
    },
    rd: {
      none: (x) =>
        `TCP_USER_TIMEOUT is not set: once the window has closed, the server's persist timer sends zero-window probes and the client's kernel keeps answering them (this run goes on to ${x.end}: ${x.probes} probes, ${x.answers} answers). Each answer resets the count of unanswered probes, so tcp_retries2 = ${x.r} is never spent; it only caps how many times the probe interval doubles. No call returns: send() stays blocked and the connection stays ESTABLISHED.`,
      ka: (x) =>
        x.idleEnough
          ? `SO_KEEPALIVE is on, with TCP_KEEPIDLE = ${x.idle} s. In this run the peer sent nothing for up to ${x.gap}, longer than TCP_KEEPIDLE, yet there ${x.ka === 1 ? "was 1 keepalive probe" : `were ${x.ka} keepalive probes`}: each time the keepalive timer fired it found data queued (Linux tcp_keepalive_timer: data in flight or a non-empty send queue, and it only re-arms itself), so it sent no probe.`
          : `SO_KEEPALIVE is on, and this run has ${x.ka} keepalive probe${x.ka === 1 ? "" : "s"}. For one, the peer's answers to the zero-window probes are segments received too, at most ${x.gap} apart, so the connection is never idle for TCP_KEEPIDLE = ${x.idle} s; for another, even when it is, the keepalive timer finds data queued (Linux tcp_keepalive_timer: data in flight or a non-empty send queue, and it only re-arms itself) and sends no probe.`,
      ut: (x) =>
        `TCP_USER_TIMEOUT is set (${x.ut}): once that long has passed since the first zero-window probe (icsk_probes_tstamp), the kernel gives up, answered probes or not (the persist timer is shortened to fire right then).${x.at ? ` In this run the first probe left at ${x.first} and the connection was dropped at ${x.at}, ${x.gap} later; the blocked send() returns the bytes it had copied and the next send() fails with ETIMEDOUT.` : ""} That is so since Linux 5.11 (the 2021 fix “tcp: fix TCP_USER_TIMEOUT with zero window”); earlier kernels estimated the time from the count of unanswered probes, which answers reset, so TCP_USER_TIMEOUT did nothing here.`,
    },
    neverReading: (end) => `no call returns: the zero-window probes are answered and send() stays blocked (simulated up to ${end})`,
    probeGap: (g) => `, ${g} after the first zero-window probe`,
    detect: "Detected after",
    from: { fault: "counted from the peer's host crash", write: "counted from your application's write", call: "counted from the connect() call" },
    returns: (call, result) => `${call}() returns ${result}`,
    never: "Never detected",
    neverQuiet: "the kernel has no timer left to fire; the socket stays ESTABLISHED",
    neverCap: "not detected by the end of the simulated run",
    capLabel: "By the formula, about",
    capFrom: { idle: "counted from the last segment received from the peer", data: "counted from the first timeout retransmission", connect: "counted from the first SYN", reading: "counted from the first zero-window probe" },
    capHow: (from, end) => `${from}; the simulation reached its event cap at ${end} and the drawing stops there, before the give-up`,
    capNone: (end) => `the simulation reached its event cap at ${end} and the drawing stops there, before anything was detected`,
    capHeadline: (end) => `The drawing stops at ${end}: the simulation reached its event cap before the connection was dropped. The detection time above is computed from the formula.`,
    codeH: "Code that sets these values",
    codeTabs: "Languages",
    copy: "Copy",
    copied: "Copied to the clipboard.",
    selected: "The clipboard could not be written: the whole snippet is selected, press Ctrl+C (⌘C on macOS) to copy it.",
    simError: "The simulator says: ",
    msAs: (s) => `that is ${s}`,
    compare: (a, b) => `Linux defaults: ${a} → your settings: ${b}`,
    compareSame: (a) => `The same as Linux's defaults: ${a}`,
    compareTitle: "Detect it faster: Linux's defaults against your settings",
    base: "Linux defaults",
    yourSettings: "Your settings",
    shareLink: "Share link",
    sharePng: "Save the comparison (PNG)",
    gap: (g) => `The detection time below counts from the crash; the peer's last segment arrived ${g} before it.`,
  },
};

// ---- state -------------------------------------------------------------------

let S = null;
const tx = () => T[S.lang] || T.zh;

const esc = (v) =>
  String(v).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// A duration in words, as the renderer writes it (tcpsim-diagram's
// span_text): 340 ms, 20.4 s, 15 min 45 s, 2 h 11 min.
function span(secs, lang) {
  const s = Math.max(0, secs);
  const zh = lang === "zh";
  if (s < 1) {
    const ms = String(Number((s * 1000).toFixed(3)));
    return zh ? `${ms} 毫秒` : `${ms} ms`;
  }
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

const num = (x) => Number(x);
const trim = (x) => String(Number(x.toFixed(3)));

// The scenario's parameter specs ({name, unit, min, max, default}), from the
// catalogue the page already has in the wasm.
function specsOf(sim) {
  const out = {};
  for (const s of sim.scenarios()) out[s.id] = Object.fromEntries(s.params.map((p) => [p.name, p]));
  return out;
}

function sysDefaults() {
  const p = S.specs[CASES.idle.scenario] || {};
  const d = (name, fallback) => (p[name] ? Number(p[name].default) : fallback);
  return {
    tcp_keepalive_time: d("tcp_keepalive_time", 7200),
    tcp_keepalive_intvl: d("tcp_keepalive_intvl", 75),
    tcp_keepalive_probes: d("tcp_keepalive_probes", 9),
  };
}

// Keepalive as the kernel will run it for these values: the effective idle,
// interval and count, and, with TCP_USER_TIMEOUT, after how many probes it
// gives up (tcb.rs keepalive_step: at the first keepalive timer at or after
// the user timeout, counted from the last segment received, once a probe is
// out).
function keepalivePlan(v) {
  const sys = sysDefaults();
  const idle = num(v.tcp_keepidle) || sys.tcp_keepalive_time;
  const intvl = num(v.tcp_keepintvl) || sys.tcp_keepalive_intvl;
  const cnt = num(v.tcp_keepcnt) || sys.tcp_keepalive_probes;
  const ut = num(v.user_timeout) / 1000;
  const k = ut > 0 ? Math.max(1, Math.ceil((ut - idle) / intvl)) : cnt;
  return { idle, intvl, cnt, ut, k, total: idle + k * intvl, span: idle + cnt * intvl };
}

// What is sent to the simulator for a case: exactly the scenario's own
// parameters for the settings shown. One more for the idle case: the
// scenario watches until keepalive's TCP_KEEPCNT would have given up
// (crates/tcpsim/src/scenarios/keepalive.rs), so with a TCP_USER_TIMEOUT that
// outlasts it the run needs a longer watch (observe_s) to reach the end.
function simParams(caseId, values) {
  const out = {};
  for (const k of CASES[caseId].knobs) out[paramOf(caseId, k)] = String(values[k]);
  if (caseId === "idle" && num(values.so_keepalive) === 1 && num(values.user_timeout) > 0) {
    const plan = keepalivePlan(values);
    if (Number.isFinite(plan.total) && plan.total > plan.span) {
      const spec = S.specs[CASES.idle.scenario].observe_s;
      const crash = Number(S.specs[CASES.idle.scenario].crash_at.default);
      const want = Math.ceil(plan.total - plan.span) + crash + Number(spec.default);
      out.observe_s = String(Math.min(Number(spec.max), want));
    }
  }
  return out;
}

// ---- building the form ----------------------------------------------------------

function knobRow(caseId, knob) {
  const L = tx();
  const k = KNOBS[knob];
  const param = paramOf(caseId, knob);
  const spec = S.specs[CASES[caseId].scenario][param];
  const id = `xp-${knob}`;
  const v = S.values[caseId][knob];
  const helpKey = (knob === "user_timeout" || knob === "tcp_retries2") && (caseId === "connect" || caseId === "reading") && L.help[`${knob}_${caseId}`] ? `${knob}_${caseId}` : knob;
  const help = L.help[helpKey](sysDefaults());
  const level = k.level === "socket" ? L.socket : L.sysctl;
  const range = k.kind === "bool" ? "" : ` · ${spec.min}…${spec.max}`;
  const input =
    k.kind === "bool"
      ? `<input id="${id}" name="${knob}" type="checkbox" aria-describedby="${id}-help ${id}-err"${num(v) === 1 ? " checked" : ""}> <span class="explorer-on">${esc(L.on)}</span>`
      : `<input id="${id}" name="${knob}" type="number" min="${spec.min}" max="${spec.max}" step="1" inputmode="numeric" aria-describedby="${id}-help ${id}-err" value="${esc(v)}">` +
        (knob === "user_timeout" ? ` <output class="explorer-as" for="${id}"></output>` : "");
  return (
    `<div class="explorer-param" data-knob="${knob}">` +
    `<label for="${id}"><code>${esc(k.name)}</code> <span class="explorer-level">${esc(level)}</span></label>` +
    `<span class="explorer-input">${input}</span>` +
    `<small id="${id}-help" class="explorer-help">${esc(help)}${esc(range)}</small>` +
    `<span id="${id}-err" class="explorer-error" role="alert" hidden></span></div>`
  );
}

function links(p) {
  return p.sources.map((s) => `<a href="${esc(s.href)}" rel="noopener noreferrer">${esc(s.text)}</a>`).join(" · ");
}

function build() {
  const L = tx();
  const c = S.caseId;
  const sep = S.lang === "zh" ? "：" : ": ";
  const cases = CASE_ORDER.map((id) => {
    const [title, desc] = L.cases[id];
    return (
      `<div class="explorer-choice"><input type="radio" name="xp-case" id="xp-case-${id}" value="${id}"${id === c ? " checked" : ""}>` +
      `<label for="xp-case-${id}"><b>${esc(title)}</b>${sep}${esc(desc)}</label></div>`
    );
  });
  const presets = PRESETS.map(
    (p) =>
      `<div class="explorer-choice"><input type="radio" name="xp-preset" id="xp-preset-${p.id}" value="${p.id}"${p.id === S.presetId ? " checked" : ""}>` +
      `<label for="xp-preset-${p.id}">${esc(p.name[S.lang])}</label> <span class="explorer-sources">${esc(L.sources)}${links(p)}` +
      `<br><span class="explorer-verified" data-verified="${p.verified ? "1" : "0"}">${esc(p.verification[S.lang])}</span></span></div>`,
  );
  const knobs = CASES[c].knobs.map((k) => knobRow(c, k)).join("");
  S.box.innerHTML =
    `<form class="explorer-form" novalidate>` +
    `<fieldset class="explorer-cases"><legend>${esc(L.legendCase)}</legend>${cases.join("")}` +
    `<p class="explorer-yours">${esc(L.yours[c])} <a href="#s=${CASES[c].scenario}">${esc(L.scenarioLink)}</a></p></fieldset>` +
    `<fieldset class="explorer-presets"><legend>${esc(L.legendPreset)}</legend><p class="explorer-hint">${esc(L.presetHint)}</p>${presets.join("")}` +
    `<p class="explorer-note" aria-live="polite"></p></fieldset>` +
    `<fieldset class="explorer-knobs"><legend>${esc(L.legendKnobs)}</legend><div class="explorer-params">${knobs}</div>` +
    `<p class="explorer-unused">${esc(L.unused[c])}</p><p class="explorer-interplay" aria-live="polite"></p></fieldset>` +
    `</form>` +
    `<div class="explorer-result">` +
    `<p class="explorer-detect" aria-live="polite"></p>` +
    `<p class="explorer-compare"></p>` +
    `<p class="headline"></p>` +
    `<div class="explorer-sim-error" role="alert" hidden></div>` +
    `<p class="cap-note" role="note" hidden></p>` +
    `<div class="explorer-diagram live-diagram"></div></div>` +
    `<div class="explorer-code"><h3>${esc(L.codeH)}</h3><div class="explorer-tabs" role="tablist" aria-label="${esc(L.codeTabs)}"></div><div class="explorer-panels"></div></div>`;
  showPresetNote();
  for (const k of CASES[c].knobs) showAs(k);
}

const $ = (sel) => S.box.querySelector(sel);

function showPresetNote() {
  const p = PRESETS.find((x) => x.id === S.presetId);
  $(".explorer-note").textContent = p ? `${p.note[S.lang]}${S.lang === "zh" ? "版本：" : " Versions: "}${p.versions[S.lang]}${S.lang === "zh" ? "。" : "."}` : "";
}

// "= 20 s" beside TCP_USER_TIMEOUT, for the value in the field.
function showAs(knob) {
  if (knob !== "user_timeout") return;
  const out = $(".explorer-as");
  const ms = Number(S.values[S.caseId].user_timeout);
  out.textContent = Number.isFinite(ms) && ms > 0 ? tx().msAs(span(ms / 1000, S.lang)) : "";
}

// ---- simulating and drawing -------------------------------------------------

function simulate() {
  const c = S.caseId;
  const params = simParams(c, S.values[c]);
  let res;
  try {
    res = S.sim.simulate(CASES[c].scenario, params);
  } catch (e) {
    // A Rust panic (a bug): its message, as the page's error box shows it.
    res = { ok: false, error: String(globalThis.__tcpsimPanic || e), param: null };
  }
  clearErrors();
  if (!res.ok) {
    S.tried = params;
    showError(res);
    return false;
  }
  if (S.run) S.run.free();
  S.run = res.run;
  S.trace = res.run.trace();
  S.drawnCase = c;
  S.drawnParams = params;
  S.drawn[c] = { ...S.values[c] };
  performance.mark("explorer-drawn");
  show();
  return true;
}

function knobOfParam(param) {
  if (param === "tcp_user_timeout" || param === "client_tcp_user_timeout") return "user_timeout";
  return KNOBS[param] ? param : null;
}

function showError(res) {
  const knob = res.param ? knobOfParam(res.param) : null;
  const input = knob ? S.box.querySelector(`[name="${knob}"]`) : null;
  // In the page's language (app.js hands over its wording, messages.js's
  // paramMessage), the simulator's English sentence only without it.
  const specs = Object.values(S.specs[CASES[S.caseId].scenario] || {});
  const text = S.words && res.kind ? S.words(res, specs, S.tried, S.lang) : res.error;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    const msg = input.closest(".explorer-param").querySelector(".explorer-error");
    msg.textContent = text;
    msg.hidden = false;
  } else {
    const box = $(".explorer-sim-error");
    box.textContent = tx().simError + text;
    box.hidden = false;
  }
}

function clearErrors() {
  for (const i of S.box.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
  for (const m of S.box.querySelectorAll(".explorer-error")) m.hidden = true;
  $(".explorer-sim-error").hidden = true;
}

// Everything drawn from the current run, in the current language.
function show() {
  if (!S.run) return;
  const L = tx();
  const { svg, headline, cap } = S.run.render(S.lang);
  const diagram = $(".explorer-diagram");
  diagram.innerHTML = svg;
  // The stopped-reading case draws windows of data as bundle arrows: a
  // click opens one into its segments (bundles.js, the chunk the windowed
  // sections use).
  if (diagram.querySelector(".bundle")) import("./bundles.js").then(({ wire }) => wire(diagram));
  // The same scenario's section draws the same diagram further down: this
  // copy's ids (its title and description, which aria-labelledby names)
  // get a prefix so they stay unique, and it is marked as the explorer's,
  // not as a scenario section's diagram (svg[data-scenario]).
  const el = diagram.querySelector("svg");
  // Its own width, for the phone rule (style.css: 1.16 of it, sideways scroll).
  if (el) diagram.style.setProperty("--vbw", el.viewBox.baseVal.width);
  if (el) {
    for (const x of el.querySelectorAll("[id]")) x.id = `xp-${x.id}`;
    const by = el.getAttribute("aria-labelledby");
    if (by) el.setAttribute("aria-labelledby", by.split(/\s+/).map((i) => `xp-${i}`).join(" "));
    el.removeAttribute("data-scenario");
  }
  diagram.dataset.scenario = CASES[S.drawnCase].scenario;
  diagram.dataset.params = Object.entries(S.drawnParams)
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  $(".headline").textContent = headline;
  const capBox = $(".cap-note");
  capBox.textContent = cap || "";
  capBox.hidden = !cap;
  // The detection time: when your application learns, from trace.outcome.
  const o = S.trace.outcome.find((x) => x.host === CASES[S.drawnCase].you);
  const detect = $(".explorer-detect");
  // A peer that stopped reading: the figures of the zero-window probing,
  // read off the run, and what the preset's software does beyond TCP there.
  const rd = S.drawnCase === "reading" ? readingFacts() : null;
  const preset = PRESETS.find((x) => x.id === S.presetId);
  const rdNote = rd && preset && preset.readingNote ? ` ${preset.readingNote[S.lang]}` : "";
  delete detect.dataset.probeGap;
  if (o) {
    delete detect.dataset.formula;
    detect.dataset.after = String(o.after);
    detect.dataset.result = o.result;
    // TCP_USER_TIMEOUT counts from the first zero-window probe: say how
    // long after it the call returned.
    const gap = rd && rd.first != null ? o.at - rd.first : null;
    if (gap != null) detect.dataset.probeGap = String(Number(gap.toFixed(6)));
    detect.innerHTML =
      `<span class="explorer-detect-label">${esc(L.detect)}</span> <strong>${esc(span(o.after, S.lang))}</strong> ` +
      `<span class="explorer-detect-how">${esc(`${L.from[o.from] || o.from}${gap != null ? L.probeGap(span(gap, S.lang)) : ""}${S.lang === "zh" ? "；" : "; "}${L.returns(o.call, o.result)}${rd ? (S.lang === "zh" ? "。" : ".") : ""}${rdNote}`)}</span>`;
  } else if (S.trace.stop === "event_limit" && !(rd && num(S.drawn.reading.user_timeout) === 0)) {
    // Cut short at the run's bounds (scenarios/mod.rs): not "never", but a
    // drawing that stopped; the time comes from the formula in words below.
    const secs = formulaTime();
    const end = span(S.trace.end_at, S.lang);
    detect.dataset.after = "cap";
    detect.dataset.result = "";
    detect.dataset.formula = secs == null ? "" : String(secs);
    detect.innerHTML =
      secs == null
        ? `<span class="explorer-detect-how">${esc(L.capNone(end))}</span>`
        : `<span class="explorer-detect-label">${esc(L.capLabel)}</span> <strong>${esc(span(secs, S.lang))}</strong> ` +
          `<span class="explorer-detect-how">${esc(L.capHow(L.capFrom[S.drawnCase], end))}</span>`;
    $(".headline").textContent = L.capHeadline(end);
  } else {
    detect.dataset.after = "never";
    detect.dataset.result = "";
    delete detect.dataset.formula;
    // A peer that stopped reading: no call returns (not "late": never).
    const why = rd ? L.neverReading(span(S.trace.end_at, S.lang)) : S.trace.stop === "quiet" ? L.neverQuiet : L.neverCap;
    // A preset whose software writes on an idle connection by itself (gRPC's
    // PING) says so here, beside the number: its `idleNote`.
    const p = S.drawnCase === "idle" && preset;
    const own = p && p.idleNote ? ` ${p.idleNote[S.lang]}` : rdNote;
    detect.innerHTML = `<strong>${esc(L.never)}</strong> <span class="explorer-detect-how">${esc(why + own)}</span>`;
  }
  $(".explorer-interplay").textContent = interplay();
  showCode();
  showCompare();
}

// ---- before and after: Linux's defaults against the reader's settings -------

// The same case run with Linux's defaults (kept per case: it does not
// change), and when the application learns there; null when it never does.
function baseline(c) {
  S.base = S.base || {};
  if (!S.base[c]) {
    const linux = PRESETS.find((x) => x.id === "linux").values[c];
    const res = S.sim.simulate(CASES[c].scenario, simParams(c, Object.fromEntries(Object.entries(linux).map(([k, v]) => [k, String(v)]))));
    if (!res.ok) return null;
    const trace = res.run.trace();
    const o = trace.outcome.find((x) => x.host === CASES[c].you);
    S.base[c] = { run: res.run, after: o ? o.after : null };
  }
  return S.base[c];
}

function detectText(after) {
  return after == null ? tx().never : span(after, S.lang);
}

// The reader's settings as a link: #detect-faster&case=…&preset=…&KNOB=…
// (every knob of the case), which mount() reads back.
function shareHash() {
  const c = S.drawnCase;
  const q = [`case=${c}`, `preset=${encodeURIComponent(S.presetId)}`];
  for (const [k, v] of Object.entries(S.drawn[c])) q.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  if (S.lang !== "zh") q.push(`lang=${S.lang}`);
  return "#detect-faster&" + q.join("&");
}

function showCompare() {
  const box = $(".explorer-compare");
  const c = S.drawnCase;
  const base = baseline(c);
  if (!box || !base) return;
  const L = tx();
  const o = S.trace.outcome.find((x) => x.host === CASES[c].you);
  const yours = o ? o.after : null;
  const a = detectText(base.after);
  const b = detectText(yours);
  box.dataset.before = base.after == null ? "never" : String(base.after);
  box.dataset.after = yours == null ? "never" : String(yours);
  const href = new URL(shareHash(), location.href).href;
  box.innerHTML =
    `<span class="explorer-compare-text">${esc(a === b ? L.compareSame(a) : L.compare(a, b))}</span> ` +
    `<a class="explorer-share" href="${esc(href)}">${esc(L.shareLink)}</a> ` +
    `<button type="button" class="explorer-png">${esc(L.sharePng)}</button>`;
}

// Both diagrams side by side (or one above the other) in one PNG, with the
// two times, the settings and the link (web/share.js, on demand).
async function savePng() {
  const c = S.drawnCase;
  const base = baseline(c);
  if (!base || !S.run) return;
  const L = tx();
  const [m, { CSS: css }] = await Promise.all([import("./share.js"), import("./diagram-css.js")]);
  const o = S.trace.outcome.find((x) => x.host === CASES[c].you);
  const a = detectText(base.after);
  const b = detectText(o ? o.after : null);
  const blob = await m.png({
    panels: [
      { svg: base.run.render(S.lang).svg, caption: `${L.base}: ${a}` },
      { svg: S.run.render(S.lang).svg, caption: `${L.yourSettings}: ${b}` },
    ],
    css,
    title: L.compareTitle,
    headline: `${a} → ${b}`,
    params: Object.entries(S.drawn[c])
      .map(([k, v]) => `${k}=${v}`)
      .join("  "),
    link: new URL(shareHash(), location.href).href,
    root: document.documentElement,
  });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `detect-faster-${c}.png`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// A link made by shareHash(): its case, preset and knobs (each checked by
// the simulation that follows, like a typed value).
function readShareHash() {
  const raw = location.hash;
  if (!raw.startsWith("#detect-faster&")) return;
  const q = {};
  for (const part of raw.slice("#detect-faster&".length).split("&")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    try {
      q[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1));
    } catch {}
  }
  if (CASES[q.case]) S.caseId = q.case;
  if (PRESETS.some((x) => x.id === q.preset)) applyPreset(q.preset);
  for (const k of CASES[S.caseId].knobs) if (k in q) S.values[S.caseId][k] = q[k];
}

// The stopped-reading case, read off the run: when the server's first
// zero-window probe left (null before the window closes), how many probes
// it sent, how many segments the client's kernel sent from then on (its
// answers: it neither reads nor writes), how many keepalive probes went
// out, and where the run ends.
function readingFacts() {
  const you = CASES.reading.you;
  const pk = S.trace.packets;
  const probes = pk.filter((p) => p.src === you && p.why === "zero_window_probe");
  const first = probes.length ? probes[0].sent_at : null;
  return {
    first,
    probes: probes.length,
    answers: first == null ? 0 : pk.filter((p) => p.src !== you && p.sent_at >= first).length,
    ka: pk.filter((p) => p.src === you && p.why === "keepalive_probe").length,
    end: S.trace.end_at,
    quiet: quietest(pk, you, S.trace.end_at),
  };
}

// The longest time `you` went without a segment from the peer (keepalive's
// idle time: Linux counts it from the last segment received), up to `end`.
function quietest(pk, you, end) {
  const at = pk.filter((p) => p.dst === you && p.arrived_at != null).map((p) => p.arrived_at);
  let last = 0;
  let most = 0;
  for (const a of [...at.sort((x, y) => x - y), end]) {
    most = Math.max(most, a - last);
    last = a;
  }
  return most;
}

// When the kernel gives up by the formula the interplay text gives, in
// seconds from its own starting point (see capFrom), for the values drawn;
// null when there is no formula to give (no keepalive on an idle connection,
// or a connect() bounded by the SYN count alone).
function formulaTime() {
  const v = S.drawn[S.drawnCase];
  const ut = num(v.user_timeout) / 1000;
  if (S.drawnCase === "idle") return num(v.so_keepalive) === 1 ? keepalivePlan(v).total : null;
  if (S.drawnCase === "data") {
    if (ut > 0) return ut;
    const spec = S.specs[CASES.data.scenario];
    const rtoMax = spec.tcp_rto_max ? Number(spec.tcp_rto_max.default) / 1000 : 120;
    return modelTimeout(num(v.tcp_retries2), 0.2, rtoMax);
  }
  return ut > 0 ? ut : null;
}

// The interplay of the settings, in words, for the values drawn.
function interplay() {
  const L = tx();
  const v = S.drawn[S.drawnCase];
  const sec = (x) => trim(x);
  if (S.drawnCase === "idle") {
    if (num(v.so_keepalive) !== 1) return L.ka.off;
    const p = keepalivePlan(v);
    const words = p.ut > 0 ? L.ka.ut({ ...p, ut: span(p.ut, S.lang), total: sec(p.total) }) : L.ka.count({ ...p, total: sec(p.total) });
    // The formula counts from the last segment received, the figure from
    // the crash: say how far apart the two are in this run.
    const crash = S.trace.events.find((e) => e.type === "fault" && e.fault === "host_crash");
    const last = S.trace.packets.filter((x) => x.dst === CASES.idle.you && x.arrived_at != null && crash && x.arrived_at <= crash.at).pop();
    const gap = crash && last ? crash.at - last.arrived_at : 0;
    return gap >= 0.5 ? `${words}${S.lang === "zh" ? "" : " "}${L.gap(span(gap, S.lang))}` : words;
  }
  if (S.drawnCase === "data") {
    if (num(v.user_timeout) > 0) return L.rt.ut({ ut: span(num(v.user_timeout) / 1000, S.lang) });
    const spec = S.specs[CASES.data.scenario];
    const rtoMax = spec.tcp_rto_max ? Number(spec.tcp_rto_max.default) / 1000 : 120;
    const r = num(v.tcp_retries2);
    return L.rt.count({ r, rtoMax, budget: sec(modelTimeout(r, 0.2, rtoMax)) });
  }
  if (S.drawnCase === "reading") return readingWords(L, v);
  if (num(v.user_timeout) > 0) return L.syn.ut({ ut: span(num(v.user_timeout) / 1000, S.lang) });
  const a = num(v.tcp_syn_retries);
  const b = num(v.tcp_syn_linear_timeouts);
  return L.syn.count({ a, b, n: a + b, budget: sec(modelTimeout(a, 1, 120)) });
}

// A peer that stopped reading, in words, with the figures of this run.
function readingWords(L, v) {
  const f = readingFacts();
  const o = S.trace.outcome.find((x) => x.host === CASES.reading.you);
  const t = (x) => span(x, S.lang);
  const ut = num(v.user_timeout);
  if (ut > 0) {
    const at = o && f.first != null ? o.at : null;
    return L.rd.ut({ ut: t(ut / 1000), first: f.first != null ? t(f.first) : "", at: at != null ? t(at) : null, gap: at != null ? t(at - f.first) : "" });
  }
  const words = L.rd.none({ end: t(f.end), probes: f.probes, answers: f.answers, r: num(v.tcp_retries2) });
  if (num(v.so_keepalive) !== 1) return words;
  const p = keepalivePlan(v);
  const ka = L.rd.ka({ idleEnough: f.quiet >= p.idle, gap: t(f.quiet), idle: p.idle, ka: f.ka });
  return `${words}${S.lang === "zh" ? "" : " "}${ka}`;
}

// ---- code -------------------------------------------------------------------

function showCode() {
  const L = tx();
  const v = Object.fromEntries(Object.entries(S.drawn[S.drawnCase]).map(([k, x]) => [k, num(x)]));
  const list = snippets(S.drawnCase, v, S.lang, sysDefaults());
  if (!list.some((s) => s.id === S.tab)) S.tab = list[0].id;
  const tabs = $(".explorer-tabs");
  const panels = $(".explorer-panels");
  tabs.innerHTML = list
    .map(
      (s) =>
        `<button type="button" role="tab" id="xp-tab-${s.id}" aria-controls="xp-panel-${s.id}" aria-selected="${s.id === S.tab}" tabindex="${s.id === S.tab ? 0 : -1}" data-tab="${s.id}">${esc(s.label)}</button>`,
    )
    .join("");
  panels.innerHTML = list
    .map(
      (s) =>
        `<div class="explorer-panel" role="tabpanel" id="xp-panel-${s.id}" aria-labelledby="xp-tab-${s.id}" data-lang="${s.id}"${s.id === S.tab ? "" : " hidden"}>` +
        `<pre tabindex="0"><code></code></pre>` +
        `<p class="explorer-copy-row"><button type="button" class="explorer-copy">${esc(L.copy)} ${esc(s.label)}</button> <span class="explorer-copied" role="status"></span></p>` +
        (s.note ? `<p class="explorer-code-note">${esc(s.note)}</p>` : "") +
        `</div>`,
    )
    .join("");
  list.forEach((s) => {
    panels.querySelector(`#xp-panel-${s.id} code`).textContent = s.code;
  });
}

function selectTab(id, focus) {
  S.tab = id;
  for (const b of S.box.querySelectorAll('[role="tab"]')) {
    const on = b.dataset.tab === id;
    b.setAttribute("aria-selected", String(on));
    b.tabIndex = on ? 0 : -1;
    if (on && focus) b.focus();
  }
  for (const p of S.box.querySelectorAll('[role="tabpanel"]')) p.hidden = p.dataset.lang !== id;
}

async function copy(panel) {
  const L = tx();
  const code = panel.querySelector("code").textContent;
  const status = panel.querySelector(".explorer-copied");
  try {
    await navigator.clipboard.writeText(code);
    status.textContent = L.copied;
  } catch {
    // No clipboard (an insecure context, a refused permission): select the
    // snippet so that the reader's own copy command takes it.
    const range = document.createRange();
    range.selectNodeContents(panel.querySelector("pre"));
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    panel.querySelector("pre").focus();
    status.textContent = L.selected;
  }
}

// ---- events -----------------------------------------------------------------

function applyPreset(id) {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) return;
  S.presetId = id;
  for (const c of CASE_ORDER) S.values[c] = Object.fromEntries(Object.entries(p.values[c]).map(([k, x]) => [k, String(x)]));
}

function wire() {
  const box = S.box;
  // Enter in a field submits nothing: every change is drawn as it is typed.
  box.addEventListener("submit", (e) => e.preventDefault());
  box.addEventListener("input", (e) => {
    const t = e.target;
    if (!t.name || !KNOBS[t.name]) return;
    S.values[S.caseId][t.name] = t.type === "checkbox" ? (t.checked ? "1" : "0") : t.value;
    showAs(t.name);
    clearTimeout(S.debounce);
    S.debounce = setTimeout(simulate, 60);
  });
  box.addEventListener("change", (e) => {
    const t = e.target;
    if (t.name === "xp-case") {
      clearTimeout(S.debounce);
      if (S.drawn[S.caseId]) S.values[S.caseId] = { ...S.drawn[S.caseId] };
      S.caseId = t.value;
      rebuild("xp-case-" + t.value);
      return;
    }
    if (t.name === "xp-preset") {
      clearTimeout(S.debounce);
      applyPreset(t.value);
      rebuild("xp-preset-" + t.value);
      return;
    }
    // A value left invalid goes back to the one drawn (its message stays):
    // the controls always show what the diagram was drawn with.
    if (!t.name || !KNOBS[t.name] || t.getAttribute("aria-invalid") !== "true") return;
    const drawn = S.drawn[S.caseId];
    if (!drawn) return;
    clearTimeout(S.debounce);
    if (t.type === "checkbox") t.checked = num(drawn[t.name]) === 1;
    else t.value = String(drawn[t.name]);
    S.values[S.caseId] = { ...drawn };
    showAs(t.name);
    t.removeAttribute("aria-invalid");
  });
  box.addEventListener("click", (e) => {
    const t = e.target.closest ? e.target.closest("button") : null;
    if (!t) return;
    if (t.getAttribute("role") === "tab") selectTab(t.dataset.tab, false);
    else if (t.classList.contains("explorer-copy")) copy(t.closest(".explorer-panel"));
    else if (t.classList.contains("explorer-png")) savePng().catch((err) => showError({ error: String(err) }));
  });
  box.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t.getAttribute("role") !== "tab") return;
    const tabs = [...box.querySelectorAll('[role="tab"]')];
    const i = tabs.indexOf(t);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    selectTab(tabs[(next + tabs.length) % tabs.length].dataset.tab, true);
  });
}

// After a change of case or preset: the form for the case, one simulation,
// focus back on the radio button the reader used.
function rebuild(focusId) {
  build();
  simulate();
  const f = focusId && document.getElementById(focusId);
  if (f) f.focus();
}

// ---- the module's API -------------------------------------------------------

// The explorer's own styles come with it (its chunk is fetched on demand);
// the section's frame is in style.css.
const CSS = `.explorer fieldset{border:1px solid var(--tcl-line);border-radius:8px;margin:1rem 0;padding:0.5rem 1rem 0.8rem}.explorer legend{font-weight:600;padding:0 0.3rem}.explorer .explorer-choice{display:grid;grid-template-columns:auto minmax(0,1fr);align-items:baseline;gap:0 0.5rem;margin:0.3rem 0}.explorer .explorer-choice .explorer-sources{grid-column:2}.explorer .explorer-sources,.explorer .explorer-hint,.explorer .explorer-help,.explorer .explorer-level,.explorer .explorer-as,.explorer .explorer-detect-how{color:var(--tcl-muted);font-size:0.88rem}.explorer .explorer-note,.explorer .explorer-yours,.explorer .explorer-unused,.explorer .explorer-code-note{font-size:0.92rem}.explorer .explorer-interplay{margin:0.6rem 0 0;padding:0.5rem 0.75rem;border-left:4px solid var(--tcl-warn);background:var(--tcl-panel)}.explorer .explorer-params{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:0.6rem 1rem}.explorer .explorer-param{display:flex;flex-direction:column}.explorer .explorer-param label{font-size:0.92rem}.explorer .explorer-input input[type="number"]{font:inherit;color:var(--tcl-fg);background:var(--tcl-bg);border:1px solid var(--tcl-line);border-radius:4px;padding:0.15rem 0.4rem;width:11rem}.explorer .explorer-input input[type="checkbox"]{width:1.2rem;height:1.2rem;vertical-align:middle}.explorer input[aria-invalid="true"]{border-color:var(--tcl-danger);outline:2px solid var(--tcl-danger)}.explorer .explorer-error,.explorer .explorer-sim-error{color:var(--tcl-danger);font-size:0.9rem}.explorer .explorer-detect{margin:0.5rem 0;font-size:1.15rem}.explorer .explorer-detect strong{font-size:1.4rem;color:var(--tcl-accent)}.explorer .explorer-diagram{margin:0.5rem 0 1rem}.explorer .explorer-tabs{display:flex;flex-wrap:wrap;gap:0.3rem}.explorer [role="tab"][aria-selected="true"]{border-color:var(--tcl-accent);background:var(--tcl-bg);font-weight:600}.explorer .explorer-panel pre{margin:0.5rem 0;padding:0.6rem 0.8rem;overflow-x:auto;background:var(--tcl-panel);border:1px solid var(--tcl-line);border-radius:6px;font-size:0.85rem;line-height:1.45}.explorer .explorer-copy-row{margin:0.3rem 0}.explorer .explorer-copied{color:var(--tcl-muted);font-size:0.88rem}.explorer .explorer-compare{margin:0.3rem 0 0.6rem;font-weight:600}@media (max-width:640px){.explorer-diagram{overflow-x:auto}.explorer-diagram>svg{max-width:none!important;width:calc(var(--vbw,760)*1.16px);height:auto}}`;

export function mount(section, { sim, lang, onLang, words } = {}) {
  if (!document.getElementById("explorer-css")) {
    const style = document.createElement("style");
    style.id = "explorer-css";
    style.textContent = CSS;
    document.head.append(style);
  }
  if (S) return;
  const t0 = performance.now();
  const box = section.querySelector(".explorer-mount") || section;
  S = {
    sim,
    box,
    lang: typeof lang === "function" ? lang() : lang || "zh",
    specs: specsOf(sim),
    caseId: "data",
    presetId: "linux",
    values: {},
    drawn: {},
    drawnCase: null,
    drawnParams: null,
    run: null,
    trace: null,
    debounce: null,
    tab: "c",
    words,
    tried: null,
  };
  applyPreset("linux");
  readShareHash();
  box.classList.add("explorer-app");
  wire();
  build();
  simulate();
  section.dataset.mounted = "1";
  performance.measure("explorer-mount", { start: t0, end: performance.now() });
  if (typeof onLang === "function") onLang(setLang);
}

// Follow the page's language: the words change, the run stays.
export function setLang(lang) {
  if (!S || lang === S.lang || !T[lang]) return;
  S.lang = lang;
  build();
  if (S.drawnCase === S.caseId && S.run) {
    // Fields as typed, errors cleared: the run shown is unchanged.
    show();
  }
}

// Open on a case and a preset (the symptom finder's "open it in the
// explorer"): the same as a reader picking both, drawn once.
export function select(caseId, presetId) {
  if (!S || !CASES[caseId]) return;
  clearTimeout(S.debounce);
  S.caseId = caseId;
  if (PRESETS.some((p) => p.id === presetId)) applyPreset(presetId);
  rebuild("xp-preset-" + S.presetId);
}
