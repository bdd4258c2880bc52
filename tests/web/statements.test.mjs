// Statements corrected after they were checked against their sources
// (issue 18), in both languages: each correction is present and the wrong
// wording gone, in the page's own texts (index.html for Chinese, i18n-en.js
// for English) and the explorer's (explorer.js, explorer-code.js). The
// presets themselves are tested through `tcpsim presets` (crates/tcpsim-cli/
// tests/presets.rs, tests/web/explorer.test.mjs, tests/presets/run.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EN } from "../../web/i18n-en.js";

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web");
const read = (f) => fs.readFileSync(path.join(web, f), "utf8");
const zh = read("index.html");
const en = JSON.stringify(EN);
const explorer = read("explorer.js");
const code = read("explorer-code.js");

test("TCP_USER_TIMEOUT alone ends no idle half-open connection", () => {
  assert.match(zh, /TCP_USER_TIMEOUT（在有数据在途或开了保活时）/);
  assert.match(en, /TCP_USER_TIMEOUT socket option \(when data is in flight or keepalive is on\)/);
  assert.match(zh, /以及对端重启后回应的 RST。/);
});

test("the article map's bound item: a bound socket that is not listening matches no lookup", () => {
  assert.match(zh, /只绑定、没有监听的套接字不参与查找，这时确实是找不到套接字/);
  assert.match(en, /a socket that is bound but not listening takes no part in the lookup, so there really is no socket/);
  assert.doesNotMatch(zh, /结论准确，理由不够准确/);
  assert.doesNotMatch(en, /Right conclusion, imprecise reason/);
});

test("tcp_challenge_ack_limit is per network namespace since 6.0, INT_MAX by default", () => {
  assert.match(zh, /6\.0 起按网络命名空间计数，默认 INT_MAX/);
  assert.match(en, /per network namespace since 6\.0, with a default of INT_MAX/);
  assert.doesNotMatch(zh, /6\.0 起默认关闭/);
  assert.doesNotMatch(en, /off by default since 6\.0/);
});

test("SYN retransmissions: the first b+1 come 1 s apart", () => {
  assert.match(explorer, /前 \$\{x\.b \+ 1\} 次重传各在上一个 SYN 之后 1 秒发出/);
  assert.match(explorer, /the first \$\{x\.b \+ 1\} each come 1 s after the SYN before them/);
  assert.doesNotMatch(explorer, /the first \$\{x\.b\} come 1 s apart/);
});

test("the explorer at its event cap says the drawing stopped and gives the formula's time", () => {
  assert.match(explorer, /模拟在 \$\{end\} 处达到事件上限，图画到这里就停了/);
  assert.match(explorer, /the simulation reached its event cap at \$\{end\} and the drawing stops there/);
});

test("Java and Node.js snippets say what the JDK and libuv really do", () => {
  assert.doesNotMatch(code, /ExtendedSocketOptions 只有保活的三个|only has the three keepalive ones/);
  assert.match(code, /its only timeout-related options|only timeout-related options are/);
  assert.match(code, /setsockopt returns EINVAL in libuv ≤ 1\.47; 1\.48\+ returns before it/);
  assert.doesNotMatch(code, /the docs say the value is left unchanged/);
});

test("Chinese wording: 定时器, and the suggested phrasings", () => {
  for (const f of ["index.html", "i18n.js", "explorer.js", "explorer-code.js"]) assert.doesNotMatch(read(f), /计时器/, f);
  assert.match(zh, /被杀一方的孤儿套接字最多在 FIN_WAIT_2 停留/);
  assert.match(zh, /最多晚两分多钟/);
  assert.match(zh, /在写入 15 分 56 秒后得到 ETIMEDOUT/);
  assert.match(code, /退而求其次的做法/);
  assert.match(code, /只能通过内核参数设置/);
  assert.match(code, /无法用它设置/);
  assert.match(code, /要在重启后保留/);
  assert.match(explorer, /的保活定时器到期时被放弃/);
});
