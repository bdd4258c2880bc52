//! Sequence diagrams drawn from tcpsim traces: an SVG for the page and the
//! CLI, a plain-text diagram for the terminal, and an HTML table as the text
//! alternative. Pure functions of a [`tcpsim::Trace`]: nothing here is drawn
//! by hand, nothing reads a clock or a file.

#[cfg(feature = "bundles")]
pub mod bundle;
mod layout;
#[cfg(feature = "embedded-style")]
mod style;
mod svg;
mod table;
mod text;
mod words;

#[cfg(feature = "embedded-style")]
pub use style::{page_palette, stylesheet};
pub use svg::{esc, summary, svg, SvgOptions};
pub use table::table_html;
pub use text::text;
pub use words::{
    app_text, cap_short, cap_text, duration_text, fault_text, fixed, headline, kernel_text,
    span_text, state_text, timer_text, trim_num, unit_text, why_text, Lang,
};
