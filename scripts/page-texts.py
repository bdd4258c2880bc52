#!/usr/bin/env python3
"""Write the page's scenario texts from the catalogue.

Usage: page-texts.py OUT_DIR CATALOGUE_ZH.json CATALOGUE_EN.json CSS_FILE

The catalogues are `tcpsim catalog --lang zh|en` (crates/tcpsim/src/scenarios/
and params.rs: the one source of every scenario's title and steps and every
parameter's label and help). This writes, in OUT_DIR:

- index.html: each scenario's <section>, in Chinese, with its title and the
  pre-rendered diagram, in place of the marker comment; its steps (6.9 KB
  gzipped for the thirteen, the first load's largest text) are a link to
  steps.html in their place;
- steps-zh.js and steps.html: the Chinese steps of every scenario, as a
  module the page fetches when a scenario section comes near the viewport,
  and as a page of their own for readers without JavaScript (and search
  engines), which each section's link points into;
- texts-zh.js: the Chinese titles and parameter labels (the embed imports
  both, TEXTS; the page's module only the labels, PARAMS: its Chinese
  titles are in its sections; the steps are steps-zh.js);
- texts-windowed.js: the labels of the parameters only the windowed
  scenarios (WINDOWED) take, and their Chinese steps, out of the first
  load: the page draws those sections with the tools module (the first-load
  wasm is built without tcpsim's `windowed` feature) and fetches these texts
  with it;
- texts-en.js: the English titles, steps and parameter labels, imported by
  the English chunk, which the page fetches when a reader switches language;
- rules.js: each segment reason's source (an RFC section, a Linux
  function) in both languages, fetched when a reader first inspects a
  segment;
- diagram-css.js: the diagrams' rules (line 2 of `tcpsim css`), fetched when a
  reader saves a diagram as an SVG file, which must carry them;
- article.js and article.html: the body of index.html's long "对照原文"
  section, taken out of the first load (a module the page fetches when the
  section comes near the viewport) and kept whole on a page of its own for
  readers without JavaScript, which index.html links to in its place.

The wasm carries none of these texts (tcpsim is built without its `texts`
feature for the browser).
"""
import html
import json
import os
import re
import sys

MARKER = re.compile(r"[ \t]*<!-- scenario sections:.*?-->\n", re.S)
ARTICLE = re.compile(r'(<section class="article" id="article"[^>]*>\s*<h2[^>]*>.*?</h2>)(.*?)(\s*</section>)', re.S)
STUB = (
    '\n      <div class="article-body" data-lazy="article"><p><a href="article.html" data-i18n="article.more">'
    "逐条对照原文（单独页面）</a></p></div>"
)
# The scenarios of tcpsim's `windowed` feature, which the first-load wasm
# leaves out (crates/tcpsim/Cargo.toml); the page draws them on demand.
WINDOWED = ("peer-hung", "host-crash-bulk")
CSP = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')


def article_page(index_html, body):
    """The article section alone, for readers without JavaScript."""
    csp = CSP.search(index_html)
    body = body.replace('href="#', 'href="index.html#')
    return f"""<!doctype html>
<html lang="zh-CN" data-theme="auto">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  {csp.group(0) if csp else ""}
  <title>对照原文 · TCP 崩溃实验室</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="style.css">
</head>
<body>
  <header class="top"><p class="brand"><a href="index.html">TCP 崩溃实验室</a></p></header>
  <main>
    <section class="article" id="article">
      <h2>对照原文</h2>{body}
    </section>
  </main>
</body>
</html>
"""


def plain(text):
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def section(s):
    sid = html.escape(s["id"], quote=True)
    alt = html.escape(plain(s["title"]) + "：时序图", quote=True)
    return f"""    <section class="scenario" id="{sid}" data-scenario="{sid}">
      <h2><a class="anchor" href="#s={sid}" aria-hidden="true" tabindex="-1">#</a> <span class="title">{s["title"]}</span></h2>
      <details class="explain" open><summary data-i18n="explain">经过</summary><ol class="steps" data-lazy="steps">
        <li><a href="steps.html#{sid}">经过（单独页面）</a></li>
      </ol></details>
      <figure class="diagram">
        <noscript><img src="prerendered/{sid}.zh.svg" alt="{alt}" loading="lazy" width="760"></noscript>
      </figure>
      <div class="live" hidden></div>
    </section>
"""


def steps_page(index_html, scenarios):
    """Every scenario's steps, for readers without JavaScript."""
    csp = CSP.search(index_html)
    body = "".join(
        f"""    <section class="scenario" id="{html.escape(s["id"], quote=True)}">
      <h2><a href="index.html#s={html.escape(s["id"], quote=True)}">{s["title"]}</a></h2>
      <ol class="steps">
"""
        + "\n".join(f"        <li>{t}</li>" for t in s["steps"])
        + """
      </ol>
    </section>
"""
        for s in scenarios
    )
    return f"""<!doctype html>
<html lang="zh-CN" data-theme="auto">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  {csp.group(0) if csp else ""}
  <title>经过 · TCP 崩溃实验室</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="style.css">
</head>
<body>
  <header class="top"><p class="brand"><a href="index.html">TCP 崩溃实验室</a></p></header>
  <main>
{body}  </main>
</body>
</html>
"""


HEADER = "// Generated by scripts/page-texts.py (from the tcpsim CLI). Do not edit.\n"


def module(catalogue, with_steps, skip_params=(), split=False):
    texts = {
        "titles": {s["id"]: s["title"] for s in catalogue["scenarios"]},
        "params": {p["name"]: [p["label"], p["help"]] for s in catalogue["scenarios"] for p in s["params"] if p["name"] not in skip_params},
    }
    if with_steps:
        texts["steps"] = {s["id"]: s["steps"] for s in catalogue["scenarios"]}
    dump = lambda x: json.dumps(x, ensure_ascii=False, separators=(",", ":"))
    if split:
        # TITLES and PARAMS apart, so that a bundle importing only PARAMS
        # (the page, which reads the Chinese titles from its own sections)
        # leaves the titles out; TEXTS (the embed's) has both.
        return HEADER + f"export const TITLES = {dump(texts['titles'])};\nexport const PARAMS = {dump(texts['params'])};\nexport const TEXTS = {{ titles: TITLES, params: PARAMS }};\n"
    return HEADER + f"export const TEXTS = {dump(texts)};\n"


def main():
    out, zh_path, en_path, css_path = sys.argv[1:5]
    with open(zh_path, encoding="utf-8") as f:
        zh = json.load(f)
    with open(en_path, encoding="utf-8") as f:
        en = json.load(f)
    if [s["id"] for s in zh["scenarios"]] != [s["id"] for s in en["scenarios"]]:
        sys.exit("page-texts: the two catalogues list different scenarios")
    index = os.path.join(out, "index.html")
    with open(index, encoding="utf-8") as f:
        page = f.read()
    if not MARKER.search(page):
        sys.exit(f"page-texts: no '<!-- scenario sections: ... -->' marker in {index}")
    page = MARKER.sub(lambda _: "".join(section(s) for s in zh["scenarios"]), page, count=1)
    art = ARTICLE.search(page)
    if not art:
        sys.exit(f"page-texts: no <section class=\"article\" id=\"article\"> with an <h2> in {index}")
    body = art.group(2)
    with open(os.path.join(out, "article.js"), "w", encoding="utf-8") as f:
        f.write(HEADER + f"export const HTML = {json.dumps(body.strip(), ensure_ascii=False)};\n")
    with open(os.path.join(out, "article.html"), "w", encoding="utf-8") as f:
        f.write(article_page(page, body))
    page = page[: art.start(2)] + STUB + page[art.end(2) :]
    with open(os.path.join(out, "steps.html"), "w", encoding="utf-8") as f:
        f.write(steps_page(page, zh["scenarios"]))
    with open(os.path.join(out, "steps-zh.js"), "w", encoding="utf-8") as f:
        steps = {s["id"]: s["steps"] for s in zh["scenarios"]}
        f.write(HEADER + f"export const STEPS = {json.dumps(steps, ensure_ascii=False, separators=(',', ':'))};\n")
    with open(index, "w", encoding="utf-8") as f:
        f.write(page)
    ids = [s["id"] for s in zh["scenarios"]]
    if not set(WINDOWED) <= set(ids):
        sys.exit(f"page-texts: the catalogue lacks a windowed scenario ({', '.join(WINDOWED)})")
    others = {p["name"] for s in zh["scenarios"] if s["id"] not in WINDOWED for p in s["params"]}
    windowed = [s for s in zh["scenarios"] if s["id"] in WINDOWED]
    only = {p["name"] for s in windowed for p in s["params"]} - others
    with open(os.path.join(out, "texts-zh.js"), "w", encoding="utf-8") as f:
        f.write(module(zh, with_steps=False, skip_params=only, split=True))
    later = {
        "steps": {s["id"]: s["steps"] for s in windowed},
        "params": {p["name"]: [p["label"], p["help"]] for s in windowed for p in s["params"] if p["name"] in only},
    }
    with open(os.path.join(out, "texts-windowed.js"), "w", encoding="utf-8") as f:
        f.write(HEADER + f"export const TEXTS = {json.dumps(later, ensure_ascii=False, separators=(',', ':'))};\n")
    with open(os.path.join(out, "texts-en.js"), "w", encoding="utf-8") as f:
        f.write(module(en, with_steps=True))
    rules = {lang: {r["id"]: r["rule"] for r in c["reasons"]} for lang, c in (("zh", zh), ("en", en))}
    with open(os.path.join(out, "rules.js"), "w", encoding="utf-8") as f:
        f.write(HEADER + f"export const RULES = {json.dumps(rules, ensure_ascii=False, separators=(',', ':'))};\n")
    with open(css_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if len(lines) != 2:
        sys.exit(f"page-texts: {css_path} is not `tcpsim css` (two lines)")
    with open(os.path.join(out, "diagram-css.js"), "w", encoding="utf-8") as f:
        f.write(HEADER + f"export const CSS = {json.dumps(lines[1])};\n")


if __name__ == "__main__":
    main()
