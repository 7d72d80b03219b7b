//! Translations: every string the UI shows comes from a Fluent file in
//! `i18n/` (English, Russian, Kazakh), embedded in the binary.
//!
//! The language is the `kenes_lang` cookie (set by the switch), else the
//! first supported language in `Accept-Language`, else English.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use intl_memoizer::concurrent::IntlLangMemoizer;
use std::collections::BTreeSet;

/// The languages the UI speaks, with the name each has for itself.
pub const LANGUAGES: [(&str, &str); 3] = [("en", "English"), ("ru", "Русский"), ("kk", "Қазақша")];

const SOURCES: [(&str, &str); 3] = [
    ("en", include_str!("../i18n/en.ftl")),
    ("ru", include_str!("../i18n/ru.ftl")),
    ("kk", include_str!("../i18n/kk.ftl")),
];

/// What a missing message renders as: visible, so tests catch it.
pub const MISSING: &str = "⟦missing⟧";

/// `n` with its digits in groups of three, joined by `separator`.
pub fn group_digits(n: u64, separator: &str) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * separator.len());
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    out
}

/// The thousands separator of each language: a comma in English, a
/// no-break space in Russian and Kazakh (CLDR), so a figure never breaks
/// across lines.
fn thousands_separator(code: &str) -> &'static str {
    match code {
        "en" => ",",
        _ => "\u{a0}",
    }
}

/// Fluent formats numbers without grouping; these format whole numbers
/// in each language's way (one function per language: the hook is a plain
/// `fn`).
fn number_formatter(code: &str) -> fn(&FluentValue, &IntlLangMemoizer) -> Option<String> {
    fn whole(value: &FluentValue) -> Option<u64> {
        match value {
            FluentValue::Number(n)
                if n.value >= 0.0 && n.value.fract() == 0.0 && n.value < 1e15 =>
            {
                Some(n.value as u64)
            }
            _ => None,
        }
    }
    fn en(value: &FluentValue, _: &IntlLangMemoizer) -> Option<String> {
        whole(value).map(|n| group_digits(n, thousands_separator("en")))
    }
    fn other(value: &FluentValue, _: &IntlLangMemoizer) -> Option<String> {
        whole(value).map(|n| group_digits(n, thousands_separator("ru")))
    }
    if code == "en" { en } else { other }
}

/// One language's bundle.
pub struct Lang {
    /// Its code: `en`, `ru` or `kk`.
    pub code: &'static str,
    bundle: FluentBundle<FluentResource>,
}

impl Lang {
    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with named arguments.
    pub fn ta(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        self.format(id, Some(&fa))
    }

    /// A whole number written the way this language groups digits.
    pub fn num(&self, n: impl Into<u64>) -> String {
        group_digits(n.into(), thousands_separator(self.code))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return format!("{MISSING}{id}");
        };
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// The ids of every message in this language.
    pub fn ids(&self) -> BTreeSet<String> {
        let source = SOURCES
            .iter()
            .find(|(c, _)| *c == self.code)
            .map_or("", |(_, s)| s);
        source
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" ="))
            .map(|(id, _)| id.trim())
            .map(str::to_string)
            .collect()
    }
}

/// All languages.
pub struct I18n {
    langs: Vec<Lang>,
}

impl I18n {
    /// Parses the embedded files. They are part of the binary, so a
    /// syntax error in them is a bug that every test run shows at once.
    pub fn load() -> I18n {
        let langs = SOURCES
            .iter()
            .map(|(code, source)| {
                let resource = FluentResource::try_new((*source).to_string()).unwrap_or_else(
                    |(resource, errors)| {
                        tracing::error!("translation file {code} has errors: {errors:?}");
                        resource
                    },
                );
                let id: unic_langid::LanguageIdentifier = code.parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // No Unicode isolation marks: the output is HTML, where
                // they only get in the way of copying text.
                bundle.set_use_isolating(false);
                bundle.set_formatter(Some(number_formatter(code)));
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!("translation file {code} repeats messages: {errors:?}");
                }
                Lang { code, bundle }
            })
            .collect();
        I18n { langs }
    }

    /// The language with `code`, or English.
    pub fn get(&self, code: &str) -> &Lang {
        self.langs
            .iter()
            .find(|l| l.code == code)
            .unwrap_or(&self.langs[0])
    }

    /// Chooses the language from the cookie value and `Accept-Language`.
    pub fn negotiate(&self, cookie: Option<&str>, accept: Option<&str>) -> &Lang {
        if let Some(code) = cookie
            && self.langs.iter().any(|l| l.code == code)
        {
            return self.get(code);
        }
        for range in accept.unwrap_or("").split(',') {
            let tag = range
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = self.langs.iter().find(|l| l.code == primary) {
                return lang;
            }
        }
        self.get("en")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message() {
        let i18n = I18n::load();
        let english = i18n.get("en").ids();
        assert!(english.len() > 50, "{english:?}");
        for (code, _) in LANGUAGES {
            let lang = i18n.get(code);
            assert_eq!(lang.code, code);
            assert_eq!(lang.ids(), english, "{code} differs from en");
            for id in &english {
                let text = lang.ta(
                    id,
                    &[
                        ("n", 2.into()),
                        ("name", "x".into()),
                        ("seats", 1.into()),
                        ("when", "x".into()),
                        ("count", 3.into()),
                    ],
                );
                assert!(!text.contains(MISSING), "{code}: {id}");
            }
        }
    }

    #[test]
    fn translation_files_parse_without_errors() {
        for (code, source) in SOURCES {
            assert!(
                FluentResource::try_new(source.to_string()).is_ok(),
                "{code}.ftl has syntax errors"
            );
        }
    }

    #[test]
    fn negotiation_prefers_the_cookie_then_accept_language() {
        let i18n = I18n::load();
        assert_eq!(i18n.negotiate(Some("kk"), Some("ru")).code, "kk");
        assert_eq!(
            i18n.negotiate(None, Some("de-DE, ru-RU;q=0.8, en;q=0.5"))
                .code,
            "ru"
        );
        assert_eq!(i18n.negotiate(Some("xx"), Some("fr")).code, "en");
        assert_eq!(i18n.negotiate(None, None).code, "en");
    }

    #[test]
    fn figures_are_grouped_for_each_language_and_never_break() {
        let i18n = I18n::load();
        assert_eq!(i18n.get("en").num(65_800u64), "65,800");
        assert_eq!(i18n.get("ru").num(65_800u64), "65\u{a0}800");
        assert_eq!(i18n.get("kk").num(1_000_000u64), "1\u{a0}000\u{a0}000");
        assert_eq!(i18n.get("en").num(999u64), "999");
        assert_eq!(
            i18n.get("en").ta("people", &[("n", 14_500.into())]),
            "14,500 people"
        );
        assert!(
            i18n.get("ru")
                .ta("people", &[("n", 14_500.into())])
                .contains("14\u{a0}500")
        );
    }

    #[test]
    fn plurals_follow_each_language() {
        let i18n = I18n::load();
        let ru = i18n.get("ru");
        assert_ne!(
            ru.ta("members-count", &[("n", 1.into())]),
            ru.ta("members-count", &[("n", 5.into())])
        );
    }
}
