//! Colours and rules of the diagrams, and the page's palette: the one place
//! a colour is written. A diagram reads `--tcl-*` custom properties when a
//! page sets them (the explainer does, from [`page_palette`], so its theme
//! toggle recolours both) and falls back to its own `--d-*` copy of the same
//! palette, light or dark after `prefers-color-scheme`, when it stands alone.

use std::fmt::Write;
use std::sync::OnceLock;

/// (name, light, dark). The first seven colour the diagrams; the page also
/// uses `panel` and `line`.
const PALETTE: [(&str, &str, &str); 9] = [
    ("fg", "#1b1f24", "#e6e9ed"),
    ("bg", "#fff", "#111418"),
    ("muted", "#5b6570", "#9aa4ae"),
    ("accent", "#0b62d6", "#6aa8ff"),
    ("danger", "#c62828", "#ff6b6b"),
    ("ok", "#1b7f3b", "#5fd38a"),
    ("warn", "#a05a00", "#f0b35a"),
    ("panel", "#f4f6f8", "#1a1f25"),
    ("line", "#d5dbe1", "#333b44"),
];
const IN_DIAGRAM: usize = 7;

// The CJK faces, named once for every stack (FONTS, ZH_FONTS, `mono!`).
macro_rules! cjk_faces {
    () => {
        "PingFang SC,Microsoft YaHei,Noto Sans CJK SC,WenQuanYi Micro Hei,WenQuanYi Zen Hei"
    };
}

/// The font stack: the system's UI face, then a CJK face for each platform
/// (named, so the browser does not search every system font for each run of
/// Chinese): macOS and iOS, Windows, most Linux distributions, older Linux.
///
/// Only names that some reader's system has and that no earlier name
/// covers: each name a browser does not find costs it a font lookup for
/// every size and weight on the page. `system-ui` (Chrome 56, Safari 11,
/// Firefox 92, Edge 79: web-features' "font-family-system") is what
/// `-apple-system` and 'Segoe UI' used to name; 'Hiragino Sans GB' served
/// macOS before PingFang SC (OS X 10.11); 'Source Han Sans SC' is the
/// typeface Linux distributions install as 'Noto Sans CJK SC'. With the
/// four gone (and 'SFMono-Regular' from the monospace stack, RULES),
/// Chromium's first load of the page made 178 font lookups instead of 257
/// (`FontCache::GetFontPlatformData` in its trace).
pub(crate) const FONTS: &str = concat!("system-ui,", cjk_faces!(), ",sans-serif");

/// The same faces for Chinese (`:lang(zh)`: the page in Chinese, and a
/// diagram drawn in Chinese wherever it is shown), the CJK face first: each
/// CJK face draws Latin letters and digits too, so a line that mixes both
/// is set in one face instead of two. Every face at every size and weight
/// is a font the browser asks the system for (on Linux, Chromium's
/// renderer asks its browser process and waits: the trace's
/// `GetWebFontRenderStyleForStrike`): Chromium 156's first load of the
/// page in Chinese asked 30 times instead of 39 with one face instead of
/// two, and 22 times with fewer sizes and styles (RULES: the hosts' names
/// in the faults' 12 px bold, the notes and a skipped stretch's words
/// upright at the axis's 10.5 px; web/style.css: the decision tree's
/// heading in the page's 16 px bold, `code` at 14.4 px in text and labels
/// alike). The README has bench-web's figures.
pub(crate) const ZH_FONTS: &str = concat!(cjk_faces!(), ",system-ui,sans-serif");

/// `--{prefix}-{name}:{colour};` for each colour of the first `n`.
fn vars(o: &mut String, prefix: &str, n: usize, dark: bool) {
    for (name, light, dk) in &PALETTE[..n] {
        let _ = write!(o, "--{prefix}-{name}:{};", if dark { dk } else { light });
    }
}

// Monospace (segment labels, application calls): Safari's name for SF Mono
// (13.1 and later), macOS, Windows, then the browser's own; the page's
// `code` says the same (web/style.css). 'SFMono-Regular' is left out: SF
// Mono is not a font macOS installs for applications. Then the CJK faces,
// for the Chinese words in a segment's label: without them the browser
// asks the system for a face for each such character (on Linux, Chromium's
// `FallbackFontForCharacter`, fontconfig sorting every font it has): ten
// of those at the first load in Chinese, none with them.
//
// The notes and a skipped stretch's words stand upright, in grey: a CJK
// face has no italic (the browser would slant its glyphs), and the notes'
// 10.5 px is then the axis's too: fewer fonts to ask for (ZH_FONTS).
// The monospace stack (as above), the CJK faces last.
macro_rules! mono {
    () => {
        concat!("ui-monospace,Menlo,Consolas,monospace,", cjk_faces!())
    };
}
const RULES: &str = concat!(
    "\
.tcl text{fill:var(--tcl-fg,var(--d-fg))}\
.tcl .bg{fill:var(--tcl-bg,var(--d-bg))}\
.tcl .host{font-weight:700}\
.tcl .lifeline{stroke:var(--tcl-muted,var(--d-muted));stroke-width:2}\
.tcl .lifeline.down{stroke-dasharray:3 5;opacity:.45}\
.tcl .axis text{text-anchor:end;fill:var(--tcl-muted,var(--d-muted));font-size:10.5px;font-variant-numeric:tabular-nums}\
.tcl .axis path{stroke:var(--tcl-muted,var(--d-muted));opacity:.25}\
.tcl .break rect{fill:var(--tcl-muted,var(--d-muted));opacity:.1}\
.tcl .break path{stroke:var(--tcl-muted,var(--d-muted));fill:none;stroke-dasharray:2 3}\
.tcl .break text{fill:var(--tcl-muted,var(--d-muted));font-size:10.5px}\
.tcl .pkt{cursor:pointer}\
.tcl .pkt .ln{stroke:var(--tcl-accent,var(--d-accent));stroke-width:1.6;fill:none}\
.tcl .pkt .hd{fill:var(--tcl-accent,var(--d-accent))}\
.tcl .pkt .hit{stroke:transparent;stroke-width:12;fill:none}\
.tcl .pkt text{text-anchor:middle;font:11px ",
    mono!(),
    ";paint-order:stroke;stroke:var(--tcl-bg,var(--d-bg));stroke-width:3px;stroke-linejoin:round}\
.tcl .pkt .why{font-family:inherit;fill:var(--tcl-muted,var(--d-muted))}\
.tcl .pkt.rst .ln{stroke:var(--tcl-danger,var(--d-danger))}.tcl .pkt.rst .hd{fill:var(--tcl-danger,var(--d-danger))}\
.tcl .pkt.probe .ln,.tcl .pkt.retx .ln{stroke:var(--tcl-warn,var(--d-warn))}.tcl .pkt.probe .hd,.tcl .pkt.retx .hd{fill:var(--tcl-warn,var(--d-warn))}\
.tcl .pkt.forged .ln{stroke-dasharray:6 3}\
.tcl .pkt.lost .ln{stroke-dasharray:5 3}\
.tcl .pkt .x{stroke:var(--tcl-danger,var(--d-danger));stroke-width:2.4}\
.tcl .pkt.dim{opacity:.12}\
.tcl .pkt.current .ln,.tcl .pkt:focus .ln,.tcl .pkt:hover .ln{stroke-width:3.4}\
.tcl .pkt:focus{outline:none}.tcl .pkt:focus text{text-decoration:underline}\
.tcl .state{font-size:10.5px;font-weight:600;fill:var(--tcl-ok,var(--d-ok))}\
.tcl .app{font:11px ",
    mono!(),
    ";fill:var(--tcl-accent,var(--d-accent))}\
.tcl .app.err{fill:var(--tcl-danger,var(--d-danger));font-weight:700}\
.tcl .fault{font-weight:700;fill:var(--tcl-danger,var(--d-danger))}\
.tcl .fault.ok{fill:var(--tcl-ok,var(--d-ok))}\
.tcl .faultbar{stroke:var(--tcl-danger,var(--d-danger));stroke-width:3}\
.tcl .note{font-size:10.5px;fill:var(--tcl-muted,var(--d-muted))}\
.tcl .timer path{stroke:var(--tcl-muted,var(--d-muted));fill:none;stroke-width:1.2}\
.tcl .timer text{font-size:9.5px;fill:var(--tcl-muted,var(--d-muted))}\
.tcl .state,.tcl .app,.tcl .fault,.tcl .note,.tcl .timer text{paint-order:stroke;stroke:var(--tcl-bg,var(--d-bg));stroke-width:3px;stroke-linejoin:round}"
);

/// The rules every diagram needs (colours as custom properties that a page
/// may override with `--tcl-*`). A standalone SVG embeds them; a page that
/// inlines diagrams drawn with `style: false` links them once.
pub fn stylesheet() -> &'static str {
    static SHEET: OnceLock<String> = OnceLock::new();
    SHEET.get_or_init(|| {
        let mut o = String::from(".tcl{");
        vars(&mut o, "d", IN_DIAGRAM, false);
        let _ = write!(
            o,
            "font-family:{FONTS};font-size:12px}}.tcl:lang(zh){{font-family:{ZH_FONTS}}}"
        );
        o.push_str("@media (prefers-color-scheme:dark){.tcl{");
        vars(&mut o, "d", IN_DIAGRAM, true);
        o.truncate(o.len() - 1);
        o.push_str("}}");
        o.push_str(RULES);
        o
    })
}

/// The page's colours as `--tcl-*` on `:root` (and its font stack as
/// `--tcl-font`): light, dark when the reader's system asks for it and the
/// page's theme is `auto`, dark when the toggle says so.
pub fn page_palette() -> String {
    let mut o = String::from(":root{");
    vars(&mut o, "tcl", PALETTE.len(), false);
    let _ = write!(o, "--tcl-font:{FONTS};");
    let _ = write!(
        o,
        "color-scheme:light dark}}:root:lang(zh){{--tcl-font:{ZH_FONTS}}}"
    );
    o.push_str("@media (prefers-color-scheme:dark){:root[data-theme=\"auto\"]{");
    vars(&mut o, "tcl", PALETTE.len(), true);
    o.push_str("}}:root[data-theme=\"dark\"]{");
    vars(&mut o, "tcl", PALETTE.len(), true);
    o.push_str("color-scheme:dark}:root[data-theme=\"light\"]{color-scheme:light}");
    o
}
