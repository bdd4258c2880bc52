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
    "<li>Neither end died: something in between did<ul>" +
    "<li>a NAT, load balancer or firewall forgot the idle connection → <a href=\"#s=middlebox-idle-timeout\">the next write is dropped or reset</a></li>" +
    "<li>the network was down for a while and came back → <a href=\"#s=partition-heals\">retransmissions back off, the connection survives</a></li></ul></li>" +
    "<li>The connection is not even up yet and the peer's host is gone → <a href=\"#s=connect-dead-host\">SYN after SYN, connect() times out</a></li>" +
    "<li>The peer is fine, the connection is just idle → <a href=\"#s=keepalive-peer-alive\">keepalive gets an answer</a></li>" +
    "<li>A third party wants the connection closed → <a href=\"#s=kill-from-outside\">forged SYN and RST</a></li>",
  "explorer.h": "Detect it faster: how long until your application knows the peer is gone?",
  "explorer.intro":
    "<p>After a failover your client hung for 15 minutes before it saw an error: why, and what should you set? Pick what the connection was doing and a starting point, change the settings, and see the simulated diagram, the detection time and code to copy.</p>",
  "explorer.open": "Open the explorer",
  footer:
    "The diagrams come from a deterministic simulator written in Rust (compiled to WebAssembly); its rules are taken from RFC 9293, RFC 5961 and the Linux sources. This page loads nothing from third parties.",

};
