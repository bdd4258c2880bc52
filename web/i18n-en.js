// English texts for the page. The Chinese originals are the page's own
// markup (index.html), so readers without JavaScript get them; switching
// language swaps the elements marked data-i18n. This module is loaded only
// when a reader asks for English (most readers of the Chinese article never
// download it).
const li = (xs) => xs.map((x) => `<li>${x}</li>`).join("");

export const EN = {
  brand: "TCP Crash Lab",
  switches: "Display settings",
  theme: "Dark / light",
  h1: "When the peer dies, what happens to the TCP connection?",
  intro:
    "<p>Everything a TCP connection is (sequence numbers, timers, buffers) is kept by the <b>kernel</b>; the process only holds a file descriptor. So “the peer died” has two very different meanings: when a <b>process</b> crashes its kernel lives on and closes the connection properly on its behalf; when a <b>host</b> crashes the kernel is gone too, and nobody tells the other side anything.</p>" +
    "<p>In the second case the server's socket stays ESTABLISHED: a half-open connection. Only three things end it: keepalive probes, the retransmission timeout, or a RST from the peer once it has rebooted. Every diagram below is computed on the spot by the simulator running in your browser, with Linux's defaults and rules; change a parameter and it is redrawn.</p>",
  "tree.h": "First, which case is it?",
  tree:
    "<li>The peer's <b>process</b> crashed (killed, segfault), its host is fine → <a href=\"#s=process-crash\">its kernel closes for it</a></li>" +
    "<li>The peer's <b>host</b> crashed (power loss, kernel panic)<ul>" +
    "<li>The server still sends data<ul>" +
    "<li>the peer does not come back → <a href=\"#s=host-crash-data-no-reboot\">retransmit until giving up (ETIMEDOUT)</a></li>" +
    "<li>the peer reboots → <a href=\"#s=host-crash-reboot-no-listener\">a retransmission meets a RST</a>; the same with a listener on the old port → <a href=\"#s=host-crash-reboot-listener\">still RST</a></li></ul></li>" +
    "<li>The server sends nothing<ul>" +
    "<li>keepalive on → <a href=\"#s=keepalive-peer-dead\">a few probes, then give up (ETIMEDOUT)</a></li>" +
    "<li>keepalive off → <a href=\"#s=host-crash-idle\">ESTABLISHED forever</a></li></ul></li>" +
    "<li>The rebooted peer connects again: from a new port → <a href=\"#s=syn-established-new-port\">old and new side by side</a>; from the same port → <a href=\"#s=syn-established-same-port\">challenge ACK</a></li></ul></li>" +
    "<li>The peer is fine, the connection is just idle → <a href=\"#s=keepalive-peer-alive\">keepalive gets an answer</a></li>" +
    "<li>A third party wants the connection closed → <a href=\"#s=kill-from-outside\">forged SYN and RST</a></li>",
  footer:
    "The diagrams come from a deterministic simulator written in Rust (compiled to WebAssembly); its rules are taken from RFC 9293, RFC 5961 and the Linux sources. This page loads nothing from third parties.",

  "process-crash.title": "The client process is killed: its kernel closes the connection",
  "process-crash.steps": li([
    "Connection state lives in the kernel, not in the process. When the process is killed with <code>SIGKILL</code>, the kernel closes every descriptor it held, just as if the process had called <code>close()</code>.",
    "With nothing unread in its receive queue, the client's kernel sends <b>FIN</b> and enters FIN_WAIT_1. The server's kernel ACKs it and the server's <code>recv()</code> returns 0 (EOF).",
    "The server's process then calls <code>close()</code>: its FIN goes out, the client's kernel ACKs it and waits in TIME_WAIT. The whole close happens without the client process.",
    "If the server closes the moment it reads EOF (<code>close_delay_ms</code> = 0), its delayed ACK rides on its FIN, and the four-way close shows as three segments, as real captures often do.",
    "Variant <code>unread_data</code> = 1: data the client never read turns the FIN into a <b>RST</b> (RFC 1122 4.2.2.13); the server's <code>recv()</code> fails with ECONNRESET.",
    "Variant <code>server_writes</code> = 1: the server ignores EOF and writes. The first <code>send()</code> succeeds, the client's kernel answers RST, the next <code>send()</code> fails with EPIPE.",
  ]),
  "host-crash-idle.title": "The client host crashes on an idle connection without keepalive: the server never notices",
  "host-crash-idle.steps": li([
    "A host that loses power or panics sends nothing on its way down: no FIN, no RST.",
    "The server sends no data and has no <code>SO_KEEPALIVE</code>, so its kernel never sends a single segment that could find out.",
    "The server's socket stays <b>ESTABLISHED</b> and its process stays blocked in <code>recv()</code> until it is restarted: a half-open connection.",
    "ESTABLISHED is only what the local kernel believes; it proves nothing about the peer. Turn <code>so_keepalive</code> on and this becomes “keepalive, peer dead”.",
  ]),
  "keepalive-peer-alive.title": "Keepalive with a live peer",
  "keepalive-peer-alive.steps": li([
    "The server's socket has <code>SO_KEEPALIVE</code>. After <code>tcp_keepalive_time</code> of silence (7200 s by default) the kernel sends a probe: a zero-length ACK whose sequence number is SND.UNA − 1.",
    "That number lies outside the client's receive window, so the client's kernel answers, as RFC 9293 requires, with an ACK restating its SND.NXT and RCV.NXT.",
    "The answer restarts the idle clock; the next probe comes another 7200 s later. Neither application notices anything.",
    "The socket options <code>TCP_KEEPIDLE</code>, <code>TCP_KEEPINTVL</code> and <code>TCP_KEEPCNT</code> override these sysctls for one connection.",
  ]),
  "keepalive-peer-dead.title": "Keepalive when the client host has died",
  "keepalive-peer-dead.steps": li([
    "The client host dies while the connection is idle. 7200 s after the last segment it received, the server's kernel sends a first probe into the void.",
    "It probes again every <code>tcp_keepalive_intvl</code> (75 s), <code>tcp_keepalive_probes</code> (9) times in all.",
    "One interval after the last probe the kernel gives up: it sends a RST (which nobody receives) and hands <b>ETIMEDOUT</b> to the application. With the defaults: 7200 + 9 × 75 = 7875 s.",
    "A real kernel's timer wheel rounds long timers up, so captured times can be a little later (by up to about an eighth).",
  ]),
  "host-crash-data-no-reboot.title": "The client host dies while the server sends: retransmit until giving up",
  "host-crash-data-no-reboot.steps": li([
    "After the client host dies, the server writes 100 bytes. They leave; the ACK never comes.",
    "First a tail loss probe (TLP): the last segment again after about 2 × SRTT, but no later than the RTO would fire.",
    "Then retransmission timeouts: the RTO is at least SRTT + 200 ms (<code>tcp_rto_min</code>), doubles every time, and stops growing at 120 s (<code>tcp_rto_max</code>).",
    "<code>tcp_retries2</code> = 15 does not mean “15 retransmissions”: <code>tcp_model_timeout</code> turns it into a time budget, 924.6 s from the first timeout retransmission. At the first RTO expiry past the budget the kernel gives up and <code>recv()</code> fails with <b>ETIMEDOUT</b>; no RST is sent.",
    "Raise <code>rtt_ms</code> or <code>tcp_rto_min</code>: the number of retransmissions changes, the give-up time is still set by the clock.",
  ]),
  "host-crash-reboot-no-listener.title": "The client host reboots: a retransmission meets a RST",
  "host-crash-reboot-no-listener.steps": li([
    "The client host dies; the server retransmits its data again and again.",
    "The client soon reboots, but its new kernel has no record of the connection and nothing listens on port 40000.",
    "The first retransmission to arrive after the reboot is answered with a <b>RST</b> (RFC 9293 3.10.7.1), whose sequence number is the segment's acknowledgment number.",
    "That is exactly the server's RCV.NXT, so the RST is accepted: the connection is reset and the server's application gets <b>ECONNRESET</b>.",
  ]),
  "host-crash-reboot-listener.title": "A process listens on the old port after the reboot: still RST",
  "host-crash-reboot-listener.steps": li([
    "As before, except that after the reboot a process on the client listens on its old port 40000.",
    "A listening socket only takes SYNs. An old connection's data segment, which carries ACK, is not for it, and the kernel answers with a <b>RST</b> just the same (RFC 9293 3.10.7.2).",
    "In short: once one side has rebooted, any segment of the old connection earns a RST.",
  ]),
  "syn-established-new-port.title": "The rebooted client reconnects from a new port: old and new side by side",
  "syn-established-new-port.steps": li([
    "After rebooting, the client connects from a new port, 40001. The four-tuple differs, so this is a brand-new connection and the handshake completes normally.",
    "The old connection is still ESTABLISHED on the server, next to the new one.",
    "Only when the server writes on the old connection (or a keepalive probe reaches the peer) does the client's kernel answer with RST and the old connection end with ECONNRESET. If neither happens, it stays forever.",
  ]),
  "syn-established-same-port.title": "The rebooted client reconnects from the same port: challenge ACK",
  "syn-established-same-port.steps": li([
    "The rebooted client happens to connect from port 40000 again: the same four-tuple as the server's old connection.",
    "An established connection that receives a SYN neither resets nor answers SYN-ACK: Linux sends a <b>challenge ACK</b> (RFC 5961 4.2) carrying the old connection's numbers, at most one per <code>tcp_invalid_ratelimit</code> (500 ms) per socket.",
    "The client, in SYN_SENT, finds that ACK unacceptable and answers with a RST whose sequence number is the ACK's number; Linux also cuts the SYN retransmission timer to its minimum (two jiffies), so the SYN goes out again almost at once.",
    "The server accepts the exactly-numbered RST and drops the old connection (its <code>recv()</code> gets ECONNRESET); the SYN that follows opens a fresh connection.",
  ]),
  "kill-from-outside.title": "A third party closes a connection from outside",
  "kill-from-outside.steps": li([
    "The third party is not an endpoint, but it can forge segments and see those sent to the client (for example, it runs on the client's host).",
    "It sends a SYN with the client's four-tuple. The server answers with a challenge ACK that carries the current SND.NXT and RCV.NXT.",
    "The third party reads that ACK's acknowledgment number and forges a RST whose sequence number is exactly the server's RCV.NXT. The server accepts it: the connection is reset and the application gets ECONNRESET.",
    "The client knows nothing of it; its end is still ESTABLISHED. Some operations tools close connections from outside this way.",
  ]),
};
