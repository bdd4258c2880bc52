//! Words for readers, in the two languages the project speaks. Every text
//! a reader sees is a [`Text`]: both languages side by side in one place,
//! so neither can be forgotten (a test checks that none is empty).

/// A reader's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh`, `zh-CN`, `zh-Hans` or `en` (any case).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" => Some(Lang::Zh),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The BCP 47 tag for `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// One text in both languages. Page texts may carry a little inline HTML
/// (`<code>`, `<b>`, `<a href="#s=...">`); [`plain`] strips it for a terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub zh: &'static str,
    pub en: &'static str,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

/// A [`Text`] from its two languages. Without the `texts` feature (the
/// browser build: the page carries its texts itself, written there at build
/// time from the same source) both are empty, and the strings stay out of
/// the binary.
#[cfg(feature = "texts")]
macro_rules! text {
    ($zh:literal, $en:literal $(,)?) => {
        $crate::text::Text { zh: $zh, en: $en }
    };
}
#[cfg(not(feature = "texts"))]
macro_rules! text {
    ($zh:literal, $en:literal $(,)?) => {
        $crate::text::Text { zh: "", en: "" }
    };
}
pub(crate) use text;

/// A page text without its tags and with `&lt;`, `&gt;`, `&amp;` undone.
pub fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_strips_tags_and_entities() {
        assert_eq!(
            plain("<code>SO_KEEPALIVE</code> &amp; <b>RST</b> &lt;SEQ&gt;"),
            "SO_KEEPALIVE & RST <SEQ>"
        );
    }

    #[test]
    fn languages_parse_and_name_themselves() {
        assert_eq!(Lang::parse(" ZH-cn "), Some(Lang::Zh));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::En.code(), "en");
    }
}
