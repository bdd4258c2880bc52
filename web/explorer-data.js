// What the "detect it faster" explorer knows that the simulator does not:
// the three cases and the settings a reader can change. The presets (what
// common stacks set, with sources, versions and how each was verified) have
// one source, crates/tcpsim-cli/src/presets.rs: `tcpsim presets --format
// json` prints it, and scripts/build-web.sh writes it into
// explorer-presets.js, re-exported here. tests/presets/run.sh traces the
// real software and fails when a preset disagrees.
//
// Imported by explorer.js only (a chunk of its own): nothing here may be
// imported by app.js, or it would become part of the first load.

// The case: what the connection was doing when the peer's host died (or,
// in the last, that the peer is up but stopped reading), the scenario that
// draws it, and whose socket is "yours" in that diagram. `peer-hung` needs
// the windowed model, which only the tools module has (the first-load wasm
// is built without it): the explorer simulates with the tools module, which
// app.js fetches with the explorer's chunk.
export const CASES = {
  idle: {
    scenario: "keepalive-peer-dead",
    you: "server",
    knobs: ["so_keepalive", "tcp_keepidle", "tcp_keepintvl", "tcp_keepcnt", "user_timeout"],
  },
  data: {
    scenario: "host-crash-data-no-reboot",
    you: "server",
    knobs: ["user_timeout", "tcp_retries2"],
  },
  connect: {
    scenario: "connect-dead-host",
    you: "client",
    knobs: ["user_timeout", "tcp_syn_retries", "tcp_syn_linear_timeouts"],
  },
  reading: {
    scenario: "peer-hung",
    you: "server",
    knobs: ["so_keepalive", "tcp_keepidle", "tcp_keepintvl", "tcp_keepcnt", "user_timeout", "tcp_retries2"],
  },
};
export const CASE_ORDER = ["idle", "data", "connect", "reading"];

// The settings. `name` is what the reader sets (a socket option or a
// sysctl); `sysctl` names the system-wide value a socket option falls back
// to when it is 0 (not set).
export const KNOBS = {
  so_keepalive: { name: "SO_KEEPALIVE", kind: "bool", level: "socket" },
  tcp_keepidle: { name: "TCP_KEEPIDLE", unit: "s", level: "socket", sysctl: "tcp_keepalive_time" },
  tcp_keepintvl: { name: "TCP_KEEPINTVL", unit: "s", level: "socket", sysctl: "tcp_keepalive_intvl" },
  tcp_keepcnt: { name: "TCP_KEEPCNT", unit: "count", level: "socket", sysctl: "tcp_keepalive_probes" },
  user_timeout: { name: "TCP_USER_TIMEOUT", unit: "ms", level: "socket" },
  tcp_retries2: { name: "net.ipv4.tcp_retries2", unit: "count", level: "sysctl" },
  tcp_syn_retries: { name: "net.ipv4.tcp_syn_retries", unit: "count", level: "sysctl" },
  tcp_syn_linear_timeouts: { name: "net.ipv4.tcp_syn_linear_timeouts", unit: "count", level: "sysctl" },
};

// The simulator's parameter for a setting in a case: TCP_USER_TIMEOUT is on
// the server's socket, except on the client's when connecting.
export function paramOf(caseId, knob) {
  if (knob === "user_timeout") return caseId === "connect" ? "client_tcp_user_timeout" : "tcp_user_timeout";
  return knob;
}

// The presets, generated at build time from `tcpsim presets --format json`:
// [{id, name: {zh, en}, values: {idle, data, connect, reading}, versions,
// sources: [{text, href}], note, verified, verification: {zh, en}, idleNote,
// readingNote}].
export { PRESETS } from "./explorer-presets.js";
