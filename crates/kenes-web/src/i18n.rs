//! Translations: every string the UI shows comes from a Fluent file in
//! `i18n/` (English, Russian, Kazakh), embedded in the binary.
//!
//! The language is the `kenes_lang` cookie (set by the switch), else the
//! first supported language in `Accept-Language`, else English.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
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
    fn plurals_follow_each_language() {
        let i18n = I18n::load();
        let ru = i18n.get("ru");
        assert_ne!(
            ru.ta("members-count", &[("n", 1.into())]),
            ru.ta("members-count", &[("n", 5.into())])
        );
    }
}
