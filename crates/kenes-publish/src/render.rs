//! The publication's HTML: one page per language, `verify.html`, or one
//! self-contained file (DESIGN §8).
//!
//! Every page is a pure function of the manifest's header and the three
//! data files, so a verifier re-renders the pages and compares bytes: what
//! a reader sees is exactly what was signed. Pages need no script; a strict
//! Content-Security-Policy allows only their own inline style (and, on
//! `verify.html`, its own inline script), and nothing from the network.

use crate::data::{self, Data, PlatformRow, SituationRow, Statement};
use crate::manifest::{Manifest, Publication, VERIFY_PAGE, page_name};
use base64::Engine as _;
use fluent_bundle::FluentValue;
use kenes_web::i18n::{I18n, LANGUAGES, Lang};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::BTreeMap;

const STYLE: &str = include_str!("../assets/publication.css");
const SCRIPT: &str = include_str!("../assets/verify.js");
/// Where a single file embeds its parts.
const EMBED_OPEN: &str = r#"<script type="application/json" id="kenes-publication">"#;
const EMBED_CLOSE: &str = "</script>";

/// The parts a single file embeds, as JSON strings.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Embedded {
    /// `manifest.json`'s text.
    pub manifest: String,
    /// `signatures.json`'s text.
    pub signatures: String,
    /// The data files' texts.
    pub files: BTreeMap<String, String>,
}

/// The data files of `files`, parsed.
pub fn data_of(files: &BTreeMap<String, Vec<u8>>) -> Result<Data, String> {
    let get = |name: &str| files.get(name).map_or(&[][..], Vec::as_slice);
    data::parse(
        get(data::PLATFORM),
        get(data::STATEMENTS),
        get(data::SITUATION),
    )
}

/// `'sha256-…'` of an inline script or style, for the CSP.
fn csp_hash(text: &str) -> String {
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn csp(script: bool) -> String {
    let script = if script {
        format!(" script-src {};", csp_hash(SCRIPT))
    } else {
        String::new()
    };
    format!(
        "default-src 'none'; style-src {};{script} img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE)
    )
}

struct T<'a>(&'a Lang);

impl T<'_> {
    fn t(&self, id: &str) -> String {
        self.0.t(id)
    }
    fn n(&self, id: &str, n: usize) -> String {
        self.0.ta(id, &[("n", FluentValue::from(n))])
    }
    fn a(&self, id: &str, args: &[(&str, &str)]) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = args
            .iter()
            .map(|(k, v)| (*k, FluentValue::from(*v)))
            .collect();
        self.0.ta(id, &args)
    }
}

fn head(title: &str, script: bool) -> Markup {
    html! {
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        meta http-equiv="Content-Security-Policy" content=(csp(script));
        meta name="referrer" content="no-referrer";
        title { (title) }
        style { (PreEscaped(STYLE)) }
    }
}

fn language_name(code: &str) -> &'static str {
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, name)| name)
}

fn day(ms: u64) -> String {
    kenes_core::platform::day_of(ms)
}

/// The header every page shows: federation, date, scope.
fn masthead(t: &T, m: &Manifest) -> Markup {
    html! {
        h1 { (m.federation_name) }
        p.subtitle { (t.t("publish-subtitle")) }
        p.meta {
            (t.a("publish-published", &[("date", &day(m.published_at))]))
            @if let Some(name) = &m.council_name {
                " · " (t.a("publish-scope-council", &[("name", name)]))
            }
        }
    }
}

fn statement(t: &T, s: &Statement) -> Markup {
    let body = t.t(&format!("publish-body-{}", s.committee_kind));
    let adopted = t.a(
        "publish-adopted",
        &[
            ("body", &format!("{} ({body})", s.committee_name)),
            ("date", &s.adopted_day),
        ],
    );
    let tally = t.a(
        "publish-tally",
        &[
            ("yes", &s.tally.yes),
            ("no", &s.tally.no),
            ("abstain", &s.tally.abstain),
            ("block", &s.tally.block),
            ("electorate", &s.tally.electorate),
        ],
    );
    let short = |id: &str| id.chars().take(16).collect::<String>();
    html! {
        article.statement {
            h3 { (s.title) }
            p.meta { (adopted) }
            @if !s.text.is_empty() { div.text { (s.text) } }
            p.tally { (tally) }
            p.proof {
                @if s.proof.is_some() {
                    (t.a("publish-proof", &[("proposal", &short(&s.id)), ("close", &short(&s.close))]))
                } @else {
                    (t.t("publish-no-proof"))
                }
            }
        }
    }
}

fn demand(t: &T, row: &PlatformRow) -> Markup {
    html! {
        li {
            span.title { (row.title) }
            " " span.tag { (t.t(&format!("publish-cat-{}", row.category))) }
            p.meta {
                (t.n("publish-committees", row.committees)) " · "
                (t.n("publish-members", row.members)) " · "
                (t.n("publish-supporters", row.supporters))
            }
            p.meta { (t.a("publish-put-forward", &[("name", &row.origin_name)])) }
            @if !row.adopting.is_empty() {
                details {
                    summary { (t.n("publish-adopting", row.adopting.len())) }
                    p.list { (row.adopting.join(", ")) }
                }
            }
        }
    }
}

fn table(t: &T, column: &str, rows: &[SituationRow], indent: bool) -> Markup {
    html! {
        div.scroll {
            table {
                thead { tr {
                    th { (t.t(column)) }
                    th.num { (t.t("publish-col-strikes")) }
                    th.num { (t.t("publish-col-participants")) }
                    th.num { (t.t("publish-col-committees")) }
                    th.num { (t.t("publish-col-reports")) }
                } }
                tbody {
                    @for r in rows {
                        @let depth = if indent { r.key.matches('/').count() } else { 0 };
                        @let label = if indent { r.key.rsplit('/').next().unwrap_or(&r.key).to_string() }
                            else if r.key == "(territorial)" { t.t("publish-territorial") }
                            else { r.key.clone() };
                        tr {
                            td class=(format!("d{}", depth.min(4))) { (label) }
                            td.num { (r.active_strikes) }
                            td.num { (r.participants) }
                            td.num { (r.committees) }
                            td.num { (r.reports) }
                        }
                    }
                }
            }
        }
    }
}

fn situation(t: &T, s: &data::Situation) -> Markup {
    // Area rows nest (a region includes its towns), so totals come from
    // the industry rows, as on the UI's board.
    let strikes: usize = s.by_industry.iter().map(|r| r.active_strikes).sum();
    let people: u64 = s.by_industry.iter().map(|r| r.participants).sum();
    html! {
        @if s.by_area.is_empty() {
            p { (t.t("publish-no-reports")) }
        } @else {
            div.figures {
                div { strong { (strikes) } span { (t.t("publish-active-strikes")) } }
                div { strong { (people) } span { (t.t("publish-participants")) } }
            }
            h3 { (t.t("publish-by-day")) }
            (table(t, "publish-col-day", &s.by_day, false))
            h3 { (t.t("publish-by-area")) }
            (table(t, "publish-col-area", &s.by_area, true))
            h3 { (t.t("publish-by-industry")) }
            (table(t, "publish-col-industry", &s.by_industry, false))
        }
    }
}

/// One language's content: statements, platform, situation.
fn content(t: &T, data: &Data) -> Markup {
    html! {
        section {
            h2 { (t.t("publish-statements")) }
            @if data.statements.is_empty() { p { (t.t("publish-no-statements")) } }
            @for s in &data.statements { (statement(t, s)) }
        }
        section {
            h2 { (t.t("publish-platform")) }
            @if data.platform.is_empty() { p { (t.t("publish-platform-empty")) } }
            @else { ol.platform { @for row in &data.platform { (demand(t, row)) } } }
        }
        section {
            h2 { (t.t("publish-situation")) }
            (situation(t, &data.situation))
        }
    }
}

fn explanation(t: &T, single: bool) -> Markup {
    html! {
        p { (t.t(if single { "publish-signed-single" } else { "publish-signed" })) }
        p.small { (t.t("publish-what-proves")) }
    }
}

/// The folder's pages: one per language, and `verify.html`.
pub fn folder_pages(m: &Manifest, data: &Data) -> BTreeMap<String, Vec<u8>> {
    let i18n = I18n::load();
    let mut pages = BTreeMap::new();
    for lang in &m.languages {
        let t = T(i18n.get(lang));
        let page = html! {
            (DOCTYPE)
            html lang=(lang) {
                head { (head(&m.federation_name, false)) }
                body {
                    header {
                        (masthead(&t, m))
                        @if m.languages.len() > 1 {
                            nav aria-label=(t.t("publish-languages")) {
                                @for other in &m.languages {
                                    @if other == lang { strong { (language_name(other)) } }
                                    @else { a href=(page_name(m, other)) hreflang=(other) { (language_name(other)) } }
                                    " "
                                }
                            }
                        }
                    }
                    main { (content(&t, data)) }
                    footer {
                        (explanation(&t, false))
                        p {
                            a href=(VERIFY_PAGE) { (t.t("publish-verify")) }
                            " · " (t.t("publish-data")) ": "
                            a href=(data::STATEMENTS) { (data::STATEMENTS) } ", "
                            a href=(data::PLATFORM) { (data::PLATFORM) } ", "
                            a href=(data::SITUATION) { (data::SITUATION) } ", "
                            a href="manifest.json" { "manifest.json" } ", "
                            a href="signatures.json" { "signatures.json" }
                        }
                    }
                }
            }
        };
        pages.insert(page_name(m, lang), page.into_string().into_bytes());
    }
    let first = m.languages.first().map_or("en", String::as_str);
    pages.insert(
        VERIFY_PAGE.into(),
        verify_page(&T(i18n.get(first)), first).into_bytes(),
    );
    pages
}

/// `verify.html`: checks signatures (Ed25519) and file hashes (BLAKE3) of
/// chosen files in the browser, by a script written for kenes, with no
/// network access.
fn verify_page(t: &T, lang: &str) -> String {
    let messages = [
        "ok",
        "bad",
        "file-ok",
        "file-bad",
        "file-missing",
        "all-ok",
        "failed",
        "no-manifest",
    ];
    let mut attrs = String::new();
    for m in messages {
        let text = maud::html! { (t.t(&format!("publish-verify-{m}"))) }.into_string();
        attrs.push_str(&format!(" data-{m}=\"{}\"", text.replace('"', "&quot;")));
    }
    let page = html! {
        (DOCTYPE)
        html lang=(lang) {
            head { (head(&t.t("publish-verify-title"), true)) }
            (PreEscaped(format!("<body{attrs}>")))
            header { h1 { (t.t("publish-verify-title")) } }
            main {
                p { (t.t("publish-verify-explain")) }
                p {
                    label for="files" { (t.t("publish-verify-choose")) } " "
                    input id="files" type="file" multiple;
                }
                div id="result" aria-live="polite" {}
                p.small { (t.t("publish-verify-note")) }
            }
            script { (PreEscaped(SCRIPT)) }
            (PreEscaped("</body>"))
        }
    };
    page.into_string()
}

/// The single HTML file: every language's content, the signers, and the
/// manifest, signatures and data files embedded as JSON.
pub fn single_file(p: &Publication, data: &Data) -> Vec<u8> {
    let i18n = I18n::load();
    let m = &p.manifest;
    let first = m.languages.first().map_or("en", String::as_str);
    let t0 = T(i18n.get(first));
    let embedded = Embedded {
        manifest: String::from_utf8_lossy(&p.manifest_bytes).into_owned(),
        signatures: String::from_utf8_lossy(&p.signatures_bytes()).into_owned(),
        files: p
            .files
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect(),
    };
    // No '<' inside the script element, so nothing can close it early.
    let json = serde_json::to_string(&embedded)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let page = html! {
        (DOCTYPE)
        html lang=(first) {
            head { (head(&m.federation_name, false)) }
            body {
                @if m.languages.len() > 1 {
                    nav aria-label=(t0.t("publish-languages")) {
                        @for lang in &m.languages {
                            a href=(format!("#{lang}")) hreflang=(lang) { (language_name(lang)) } " "
                        }
                    }
                }
                @for lang in &m.languages {
                    @let t = T(i18n.get(lang));
                    div.language id=(lang) lang=(lang) {
                        header { (masthead(&t, m)) }
                        main { (content(&t, data)) }
                        footer { (explanation(&t, true)) }
                    }
                }
                footer {
                    h2 { (t0.t("publish-signers")) }
                    ul.keys { @for k in p.signer_keys() { li { code { (k) } } } }
                }
                (PreEscaped(EMBED_OPEN)) (PreEscaped(json)) (PreEscaped(EMBED_CLOSE))
            }
        }
    };
    page.into_string().into_bytes()
}

/// The embedded JSON of a single file, if it has one.
pub fn embedded(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find(EMBED_OPEN)? + EMBED_OPEN.len();
    let len = text[start..].find(EMBED_CLOSE)?;
    Some(&text[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_script_and_style_cannot_end_their_elements_early() {
        // An inline `</script>` would cut the script short (and its CSP
        // hash would no longer match what runs).
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!SCRIPT.contains("<!--"));
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
    }
}
