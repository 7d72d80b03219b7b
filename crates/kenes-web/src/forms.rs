//! The pages of the per-kind forms (issue 13): `/committee/{id}/propose`
//! and `/committees/new`, each with `?kind=` choosing the form. They only
//! render ([`crate::views::forms`]); the forms post to `/act`.

use crate::server::{App, Failure, html_page, parse_id};
use crate::views;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use std::collections::HashMap;
use std::sync::Arc;

/// The `kind` query parameter, or blank.
fn kind(params: &HashMap<String, String>) -> String {
    params.get("kind").cloned().unwrap_or_default()
}

/// The page's own path with its `?kind=`, so a refused form's "go back"
/// returns to the same form.
fn with_kind(uri: &Uri, kind: &str) -> Uri {
    let plain = !kind.is_empty()
        && kind.len() <= 32
        && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
    let path = if plain {
        format!("{}?kind={kind}", uri.path())
    } else {
        uri.path().to_string()
    };
    path.parse().unwrap_or_else(|_| uri.clone())
}

/// `/committee/{id}/propose?kind=KIND`.
pub(crate) async fn propose(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let kind = kind(&params);
    let page_uri = with_kind(&uri, &kind);
    html_page(&app, &headers, &page_uri, |p, s| {
        let id = parse_id(&id)?;
        let state = s.engine().state();
        let c = state
            .committees
            .get(&id)
            .ok_or_else(|| Failure::not_found("committee"))?;
        Ok(views::forms::propose(p, state, c, &kind))
    })
}

/// `/committees/new?kind=KIND`.
pub(crate) async fn new_committee(
    State(app): State<Arc<App>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let kind = kind(&params);
    let page_uri = with_kind(&uri, &kind);
    html_page(&app, &headers, &page_uri, |p, s| {
        Ok(views::forms::new_committee(p, s.engine().state(), &kind))
    })
}
