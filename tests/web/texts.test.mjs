// Every page text in both languages: the interface strings (Chinese in
// i18n.js, English in i18n-en.js, fetched on demand) have the same keys, and every element of index.html
// marked for translation has its English text (i18n-en.js). The scenario
// and parameter texts have one source in Rust, whose tests check both
// languages; the build writes them into the page (scripts/page-texts.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { UI } from "../../web/i18n.js";
import { EN, UI_EN } from "../../web/i18n-en.js";

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web");

test("the interface strings have the same keys in both languages, none empty", () => {
  assert.equal(UI.en, undefined, "the English strings are not in the first load");
  const both = { zh: UI.zh, en: UI_EN };
  assert.deepEqual(Object.keys(both.zh).sort(), Object.keys(both.en).sort());
  for (const lang of ["zh", "en"]) {
    for (const [k, v] of Object.entries(both[lang])) assert.ok(String(v).trim(), `${lang}.${k} is empty`);
  }
});

test("every element marked for translation in index.html has its English text", () => {
  // (With the markup the build adds: the article section's link,
  // scripts/page-texts.py.)
  const html =
    fs.readFileSync(path.join(web, "index.html"), "utf8") + fs.readFileSync(path.join(web, "../scripts/page-texts.py"), "utf8");
  const keys = [...html.matchAll(/data-i18n(?:-aria)?="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(keys.length > 5, "index.html marks its texts");
  for (const k of keys) assert.ok(EN[k] && EN[k].trim(), `no English for data-i18n="${k}"`);
  for (const k of Object.keys(EN)) assert.ok(keys.includes(k), `English text "${k}" has no element in index.html`);
});
