// The English interface strings (the Chinese ones are in i18n.js).
export const UI_EN = {
    play: "Play",
    pause: "Pause",
    step: "Step",
    back: "Back",
    scrub: "Timeline",
    params: "Parameters",
    reset: "Defaults",
    svg: "Download SVG",
    png: "Save as image (PNG)",
    defaults: "default parameters",
    spoofed: " (as H)",
    pcap: "Download pcap (opens in Wireshark)",
    sh: "Script to reproduce it on your Linux (needs root)",
    embed: "Embed this diagram",
    embedHelp: "Paste this into a blog post: it embeds the diagram as you see it (scenario, changed parameters, language, theme); the second snippet lets the iframe fit its content.",
    table: "Text version (segment by segment)",
    inspector: "Segment details",
    inspectHint: "Click a segment, or reach it with Tab, to see its details.",
    ssAt: "ss -tnoi on each host just after this segment left (T), as Linux 6.18 prints it",
    time: "Time",
    dir: "Direction",
    flags: "Flags",
    seq: "Seq",
    ack: "Ack",
    len: "Length",
    why: "Why",
    rule: "Source",
    resend: "sent again (N)",
    lost: "lost",
    arrived: "arrived",
    badHash: "Some parameters in the link were invalid; using defaults instead: ",
    unknownScenario: "unknown scenario",
    fatal: "Something went wrong; the simulator cannot run: ",
    of: "/",
    step0: "all segments",
    on: "on",
    linux: "Compare with a real Linux capture",
    linuxNote: "The same scenario run on a real Linux kernel (network namespaces, captured on the server's interface, timers scaled down), drawn by the same renderer:",
    recorded: "recorded",
    pcapOne: "Download this capture (pcap)",
    noCapture: "This scenario has no recording yet.",
};

// English texts for the page. The Chinese originals are the page's own
// markup (index.html), so readers without JavaScript get them; switching
// language swaps the elements marked data-i18n. This module is loaded only
// when a reader asks for English (most readers of the Chinese article never
// download it).
export const EN = {
  brand: "TCP Crash Lab",
  switches: "Display settings",
  theme: "Dark / light",
  h1: "When the peer dies, what happens to the TCP connection?",
  intro:
    "<p>Everything a TCP connection is (sequence numbers, timers, buffers) is kept by the <b>kernel</b>; the process only holds a file descriptor. So “the peer died” has two very different meanings: when a <b>process</b> crashes its kernel lives on and closes the connection for it (a FIN, or a RST if data was left unread); when a <b>host</b> crashes the kernel is gone too, and nobody tells the other side anything.</p>" +
    "<p>In the second case the server's socket stays ESTABLISHED: a <b>half-open</b> connection (one end is gone, the other still believes in it; not the half-open entries of a SYN queue). TCP itself ends it in three ways: keepalive probes (with SO_KEEPALIVE on), the retransmission timeout (when there is data to send), or a RST from the peer once it has rebooted. In real systems, though, the application usually notices first, through its own read timeout or heartbeat. The TCP_USER_TIMEOUT socket option (when data is in flight or keepalive is on), <code>ss -K</code> on a host that holds the connection, and the third party further down end it too.</p>" +
    "<p>Every diagram below is computed on the spot by the simulator running in your browser, with Linux's defaults and rules; change a parameter and it is redrawn. The page started from xiaolincoding's article “TCP 连接，一端断电和进程崩溃有什么区别？” (“One end of a TCP connection loses power, or its process crashes: what is the difference?”); the last section, <a href=\"#article\">The article, claim by claim</a>, checks what it says.</p>",
  "tree.h": "First, which case is it?",
  // The first screen, the table of contents, the symptom finder (pagefast).
  skip: "Skip to the content",
  toc: "Contents",
  "hero.a": "Process crash: the kernel lives on and closes the connection",
  "hero.b": "Host crash: the kernel is gone too, the peer hears nothing",
  "hero.go": "<a href=\"#detect-faster\">Want your application to notice sooner? Try the explorer</a> · <a href=\"#symptom\">Start from the symptom</a>",
  "symptom.h": "Start from the symptom: how long did the connection hang?",
  explain: "What happens, step by step",
  tree:
    "<li>The peer's <b>process</b> crashed (killed, segfault), its host is fine → <a href=\"#s=process-crash\">its kernel closes for it</a></li>" +
    "<li>The peer's <b>host</b> crashed (power loss, kernel panic)<ul>" +
    "<li>The server still sends data<ul>" +
    "<li>the peer does not come back → <a href=\"#s=host-crash-data-no-reboot\">retransmit until giving up (ETIMEDOUT; EHOSTUNREACH on the same LAN)</a></li>" +
    "<li>the peer reboots → <a href=\"#s=host-crash-reboot-no-listener\">a retransmission meets a RST</a>; the same with a listener on the old port → <a href=\"#s=host-crash-reboot-listener\">still RST</a></li>" +
    "<li>a whole window of data was in flight → <a href=\"#s=host-crash-bulk\">a probe of the last segment, RTOs of the head only, the same give-up time</a></li></ul></li>" +
    "<li>The server sends nothing<ul>" +
    "<li>keepalive on → <a href=\"#s=keepalive-peer-dead\">a few probes, then give up (ETIMEDOUT)</a></li>" +
    "<li>keepalive off → <a href=\"#s=host-crash-idle\">ESTABLISHED forever</a></li></ul></li>" +
    "<li>The rebooted peer connects again: from a new port → <a href=\"#s=syn-established-new-port\">old and new side by side</a>; from the same port → <a href=\"#s=syn-established-same-port\">challenge ACK</a></li></ul></li>" +
    "<li>The peer's host and process are up, but the process stopped reading (deadlock, GC pause, SIGSTOP) → <a href=\"#s=peer-hung\">the window closes, zero-window probes are answered, nobody's call returns</a>; with TCP_USER_TIMEOUT → <a href=\"#s=peer-hung&amp;tcp_user_timeout=5000\">send() gets ETIMEDOUT</a></li>" +
    "<li>Neither end died: something in between did<ul>" +
    "<li>a NAT, load balancer or firewall forgot the idle connection → <a href=\"#s=middlebox-idle-timeout\">the next write is dropped or reset</a></li>" +
    "<li>the network was down for a while and came back → <a href=\"#s=partition-heals\">retransmissions back off, the connection survives</a></li></ul></li>" +
    "<li>The connection is not even up yet and the peer's host is gone → <a href=\"#s=connect-dead-host\">SYN after SYN, connect() times out</a>; on the same LAN → <a href=\"#s=connect-dead-host&amp;same_lan=1\">EHOSTUNREACH after 3 s</a></li>" +
    "<li>The peer is fine, the connection is just idle → <a href=\"#s=keepalive-peer-alive\">keepalive gets an answer</a></li>" +
    "<li>A third party wants the connection closed → <a href=\"#s=kill-from-outside\">forged SYN and RST</a></li>" +
    "<li>You want your application to notice a dead peer sooner → <a href=\"#detect-faster\">detect it faster: the explorer</a></li>" +
    "<li>Which of the article's claims hold, and which do not → <a href=\"#article\">the article, claim by claim</a></li>",
  "article.h": "The article, claim by claim",
  "article.more": "The article, claim by claim (a page of its own)",
  "article.intro":
    "<p>The scenarios on this page come from xiaolincoding's article “<a href=\"https://xiaolincoding.com/network/3_tcp/tcp_down_and_crash.html\">TCP 连接，一端断电和进程崩溃有什么区别？</a>” (“One end of a TCP connection loses power, or its process crashes: what is the difference?”). We worked from a copy reposted elsewhere: its body is taken from the original with some paragraphs left out, among them the explanation of <code>tcp_retries2</code> and the reminder that keepalive needs <code>SO_KEEPALIVE</code>; at its end the reposter added a section of their own, “an established TCP connection receives a SYN: what happens?”, whose source we could not find (xiaolincoding has an article on the same question: “<a href=\"https://xiaolincoding.com/network/3_tcp/challenge_ack.html\">已建立连接的 TCP，收到 SYN 会发生什么？</a>”).</p>" +
    "<p>Below, each of the article's claims in our own words, with our verdict after checking it against the Linux sources (<b>accurate</b>, <b>imprecise</b> or <b>wrong</b>), and links to the scenario and parameters that show it.</p>",
  "article.keepalive":
    "<h3>Keepalive</h3><ul>" +
    "<li>The article says that when a connection carries no data for long enough, the kernel sends keepalive probes, and a healthy peer answers, which restarts the keepalive clock. <b>Accurate</b>, provided the application turned <code>SO_KEEPALIVE</code> on for the socket (it is off by default; the original says so, the repost left it out), and by default the first probe comes after 7200 s of silence. See <a href=\"#s=keepalive-peer-alive\">keepalive with a live peer</a>.</li>" +
    "<li>The article says that when the peer host has crashed or cannot be reached, the probes go unanswered, and after several of them, as many as the probe count, TCP reports the connection dead. <b>Accurate</b>, with the numbers to add: by default 9 probes 75 s apart, so the kernel gives up 7875 s (2 h 11 min) after the last segment it received, and the timer wheel's rounding makes it a little later still (up to a little over 2 min at HZ=250; 2 h 12 min in the default diagram); Linux also sends a RST as it gives up, and the application gets ETIMEDOUT. See <a href=\"#s=keepalive-peer-dead\">keepalive when the client host has died</a>, or <a href=\"#s=keepalive-peer-dead&amp;tcp_keepalive_probes=3\">3 probes only</a>, or <a href=\"#s=keepalive-peer-dead&amp;tcp_keepalive_time=60&amp;tcp_keepalive_intvl=10&amp;tcp_keepalive_probes=3\">60 s idle, 10 s apart, 3 probes</a>. If the peer host has rebooted, the very first probe earns a RST: there are no “several” unanswered probes.</li></ul>",
  "article.host":
    "<h3>Host crash (no data, no keepalive)</h3><ul>" +
    "<li>The article says that when the client host crashes, the server cannot tell, and its connection stays ESTABLISHED until the server's process is restarted. <b>Accurate</b>. The application's own timeout or heartbeat may find out first; and as soon as the server writes, this becomes the “data in flight” case below. See <a href=\"#s=host-crash-idle\">the client host crashes on an idle connection without keepalive</a>.</li>" +
    "<li>The article says that one end being ESTABLISHED does not mean the other end's connection is still fine. <b>Accurate</b>. It can happen with both ends alive, too: a NAT, load balancer or firewall in between quietly forgets an idle connection while both ends stay ESTABLISHED; see <a href=\"#s=middlebox-idle-timeout\">a middlebox forgets an idle connection</a>.</li></ul>",
  "article.process":
    "<h3>Process crash</h3><ul>" +
    "<li>The article says that connection state is kept by the kernel, so when a process crashes the kernel reclaims its connections, sends a FIN and completes the rest of the close itself, without the process. <b>Imprecise</b>, in four ways:<ul>" +
    "<li>The socket is closed only if that was its last reference; if a forked child still has it open, or the descriptor was passed to another process, the connection stays open.</li>" +
    "<li>With unread data in the receive queue the kernel sends a RST, not a FIN (RFC 2525 2.17; Linux <code>__tcp_close</code>), and the peer gets ECONNRESET: see <a href=\"#s=process-crash&amp;unread_data=1\">unread data</a>. A socket with <code>SO_LINGER</code> set to {1, 0} also closes with a RST.</li>" +
    "<li>The second half of the close waits for the peer's application to call <code>close()</code>. If it never does, the peer stays in CLOSE_WAIT, and the killed side's orphaned socket lingers in FIN_WAIT_2 for at most <code>tcp_fin_timeout</code> (60 s by default). A peer that closes the moment it reads EOF often shows only three segments in a capture: see <a href=\"#s=process-crash&amp;close_delay_ms=0\">closing at once</a>.</li>" +
    "<li>A peer that keeps writing after EOF: the first write succeeds and draws a RST; the next fails with EPIPE, and the process also gets SIGPIPE, which kills it by default unless it ignores the signal or writes with <code>MSG_NOSIGNAL</code>. See <a href=\"#s=process-crash&amp;server_writes=1\">the server keeps writing</a>.</li></ul>" +
    "See <a href=\"#s=process-crash\">the client process is killed</a>.</li></ul>",
  "article.data":
    "<h3>Data in flight</h3><ul>" +
    "<li>The article says that once the client host is down, the server's segments get no answer, and after a while the retransmission timeout fires. <b>Accurate</b>. In detail: the first resend is usually a tail loss probe (TLP): with one segment in flight it goes out 2 × SRTT plus the RTO floor after the write, but no later than the RTO would fire, and only on connections that negotiated SACK; then the RTO starts at SRTT + 200 ms and doubles up to 120 s. See <a href=\"#s=host-crash-data-no-reboot\">retransmit until giving up</a>.</li>" +
    "<li>The article says that when the rebooted client receives a retransmission and no process is bound to its port, its kernel answers with a RST that resets the connection. <b>Accurate</b> (RFC 9293 3.10.7.1); the server's application gets ECONNRESET. The RST waits for the server's next retransmission, which can come up to one RTO ceiling (120 s) after the reboot. See <a href=\"#s=host-crash-reboot-no-listener\">a retransmission meets a RST</a>, or <a href=\"#s=host-crash-reboot-no-listener&amp;reboot_s=200\">a reboot that takes 200 s</a>.</li>" +
    "<li>The article says that when a process is bound to that port, the kernel cannot find the old connection's socket structure and answers with a RST all the same. <b>Accurate, with two cases</b>: a socket that is bound but not listening takes no part in the lookup, so there really is no socket (RFC 9293 3.10.7.1); when a process listens on that port, the lookup does find the listening socket, and the RST comes because in LISTEN any segment carrying an ACK is answered with a RST (RFC 9293 3.10.7.2; Linux <code>tcp_rcv_state_process</code>). See <a href=\"#s=host-crash-reboot-listener\">a listener on the old port</a>.</li>" +
    "<li>The article says that whenever one side has rebooted, any segment of the old connection it receives is answered with a RST. <b>Accurate</b>, except for a RST itself (a RST is never answered with a RST); a keepalive probe earns a RST too.</li>" +
    "<li>The article says that when the client never comes back, the server gives up once the <b>number</b> of retransmissions reaches a threshold, and the kernel tells the application through the socket. <b>Imprecise</b>: the threshold is a time, not a count. <code>tcp_model_timeout</code> turns <code>tcp_retries2</code> (15 by default) into 924.6 s, counted from the first timeout retransmission, and the kernel gives up at the first RTO expiry past that: 15 min 45 s after the write by that arithmetic, and with the timer wheel rounding each RTO up (a 120 s timer fires about 0.8 s late each time) 15 min 56 s in the default diagram. The application gets ETIMEDOUT, and no RST is sent. With the defaults there happen to be exactly 15 timeout retransmissions (plus one tail loss probe), so “a count” looks right; with a 200 ms round-trip time there are only 14, and the give-up comes later (16 min 43 s after the write in the diagram). See <a href=\"#s=host-crash-data-no-reboot\">the defaults</a>, <a href=\"#s=host-crash-data-no-reboot&amp;rtt_ms=200\">rtt_ms = 200</a>, <a href=\"#s=host-crash-data-no-reboot&amp;tcp_retries2=5\">tcp_retries2 = 5</a>. Also, if the dead host was on the server's own LAN, failed ARP resolution produces ICMP host-unreachable errors, and the application finally gets EHOSTUNREACH.</li></ul>",
  "article.syn":
    "<h3>An established connection receives a SYN (the reposter's addition)</h3><ul>" +
    "<li>The article says that if the rebooted client uses a new source port, that is simply a new connection; if the server has data to send on the old one, the client's kernel answers with a RST that ends it. <b>Accurate</b>. See <a href=\"#s=syn-established-new-port\">old and new side by side</a>.</li>" +
    "<li>The article says that with a new source port and no data from the server, keepalive starts after a while and ends the old connection once several probes go unanswered. <b>Wrong</b>. First, there are probes only if the server turned <code>SO_KEEPALIVE</code> on; otherwise the old connection stays forever (<a href=\"#s=syn-established-new-port&amp;server_writes=0\">no write, no keepalive</a>). Second, the rebooted host is up, so it answers the very first probe with a RST: the application gets ECONNRESET, not an ETIMEDOUT after several silent probes (<a href=\"#s=syn-established-new-port&amp;server_writes=0&amp;so_keepalive=1\">no write, keepalive on</a>).</li>" +
    "<li>The article says that if the client reconnects from the same source port, the server answers with an ACK carrying the right sequence and acknowledgment numbers, and the client, finding them wrong, answers with a RST that ends the connection. <b>Accurate, but incomplete</b>. That ACK is RFC 5961 4.2's challenge ACK (Linux since 3.6; older kernels reset the connection on an in-window SYN). After its RST the client sends its SYN again and the new connection opens: two jiffies later since Linux 5.6, one second later before. Challenge ACKs are rate-limited: at most one per <code>tcp_invalid_ratelimit</code> (500 ms by default) per socket, and <code>tcp_challenge_ack_limit</code>, host-wide at 100 per second in 3.6, 1000 with randomness from 4.7 (CVE-2016-5696), and per network namespace since 6.0, with a default of INT_MAX. See <a href=\"#s=syn-established-same-port\">challenge ACK</a>.</li>" +
    "<li>The article says that tools which close a TCP connection from outside the client program use this trick. <b>Imprecise</b>. killcx does: it forges a SYN, reads the numbers off the challenge ACK, and forges two RSTs, one to each end; see <a href=\"#s=kill-from-outside\">a third party closes a connection from outside</a>. But since Linux 4.5, <code>ss -K</code> on a host that holds the connection destroys the socket directly, with no forged segment at all (the kernel needs CONFIG_INET_DIAG_DESTROY, the caller CAP_NET_ADMIN).</li></ul>",
  "article.summary":
    "<h3>The summary</h3><ul>" +
    "<li>The article says that when the client process crashes, its kernel sends a FIN and closes with the server in four steps. <b>Imprecise</b>, for the reasons under “Process crash” above: the last reference, unread data, SO_LINGER, and whether the peer closes all change the outcome.</li>" +
    "<li>The article says that when the client host crashes there is no close at all; if the server sends data, it disconnects once the total retransmission time reaches a threshold computed from <code>tcp_retries2</code>. <b>Accurate</b>. This speaks of a time, unlike the body's “count”; this is the right one. The summary leaves out the rebooted peer, though: then the server gets a RST, and its application ECONNRESET.</li>" +
    "<li>The article says that if the server sends nothing, keepalive (when on) finds the peer dead and disconnects, and without keepalive the connection stays ESTABLISHED forever. <b>Accurate</b>, for a peer that never comes back; a rebooted peer answers the first probe with a RST.</li>" +
    "<li>The article ends by saying that TCP has thought of every failure. <b>Wrong</b>, or at least overstated. With no keepalive and no data, TCP never finds out that the peer is gone (as the article itself says); when it does, it takes over 2 h 11 min (keepalive) or nearly 16 min (retransmissions) by default; and when a middlebox quietly drops the connection, neither end knows. Applications need their own timeouts or heartbeats, or TCP_USER_TIMEOUT and shorter keepalive settings.</li></ul>",
  "article.silent":
    "<h3>Where the article is silent</h3><ul>" +
    "<li>The peer's host and process are both up, but the process no longer reads (a deadlock, a long GC pause, SIGSTOP). The article covers power loss and process crashes, not this, yet it is a common way for a connection to hang: the peer's kernel keeps acknowledging, its receive window shrinks to 0, the server's <code>send()</code> blocks; every zero-window probe is answered, so <code>tcp_retries2</code> is never spent, and keepalive sends nothing while data is queued. Only TCP_USER_TIMEOUT (which bounds zero-window probing since Linux 5.11) or the application's own timeout ends it. See <a href=\"#s=peer-hung\">the peer's process hangs and stops reading</a>, and <a href=\"#s=peer-hung&amp;tcp_user_timeout=5000\">with TCP_USER_TIMEOUT at 5 s</a>.</li>" +
    "<li>A whole window of data is in flight when the host dies. The article does not say whether the amount in flight changes the outcome when it discusses retransmission: it does not. The tail loss probe resends the last segment, every timeout after it resends only the head, and the give-up time is still the one <code>tcp_retries2</code> stands for, as with a single segment. See <a href=\"#s=host-crash-bulk\">a window of data in flight when the host dies</a>.</li></ul>",
  "capture.h": "Explain your own capture",
  "capture.intro":
    "Pick a pcap or pcapng capture file, or drop it here: the file is read in your browser and sent nowhere. Pick a connection to see its diagram, each segment's reason and a diagnosis.",
  "capture.pick": "Choose a capture file",
  "explorer.h": "Detect it faster: how long until your application knows the peer is gone?",
  "explorer.intro":
    "<p>After a failover your client hung for 15 minutes before it saw an error: why, and what should you set? Pick what the connection was doing and a starting point, change the settings, and see the simulated diagram, the detection time and code to copy.</p>",
  "explorer.open": "Open the explorer",
  footer:
    "The diagrams come from a deterministic simulator written in Rust (compiled to WebAssembly); its rules are taken from RFC 9293, RFC 5961 and other specifications and from the Linux sources, and compared with captures recorded on Linux 6.18 (see “Compare with a real Linux capture” in each section). This page loads nothing from third parties.",
};
