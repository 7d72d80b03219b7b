//! `kenes discuss`, `comment`, `thread`, `announce`, `edit`, `retract`,
//! `suggest`, `revise`: deliberation (issue 15, DESIGN §9).
//!
//! Targets are given by id or unique prefix among every committee,
//! proposal, demand, report and post of the federation; the op is posted
//! in the target's committee.

use crate::context::{Context, resolve_id};
use crate::error::user;
use crate::output::emit;
use anyhow::Result;
use kenes_core::body::Text;
use kenes_core::{Body, State};
use kenes_web::deliberation::{self, Target, TargetKind};
use serde_json::{Value, json};

/// The discussable thing `text` names (id or unique prefix).
fn find(state: &State, text: &str, what: &str) -> Result<Target> {
    let all = deliberation::targets(state);
    let id = resolve_id(text, all.iter().map(|t| t.id), what)?;
    all.into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| user(format!("no {what} with id {text}")))
}

/// Refuses bad text before authoring anything, with the core's rules.
fn checked(body: Body) -> Result<Body> {
    kenes_core::validate::check_body(&body).map_err(|e| user(e.to_string()))?;
    Ok(body)
}

/// Authors `body` and prints its id.
fn post(ctx: &Context, store: &mut kenes_store::Store, body: Body, done: &str) -> Result<()> {
    let op = ctx.author(store, checked(body)?)?;
    emit(ctx.json, &json!({ "id": op.id.to_hex() }), || {
        format!("{done}\nid: {}", op.id)
    });
    Ok(())
}

/// `kenes discuss COMMITTEE --title T --text X`: opens a thread.
pub fn discuss(ctx: &Context, committee: &str, title: &str, text: &str) -> Result<()> {
    let mut store = ctx.open()?;
    let committee = super::committee::committee_id(&store, committee)?;
    let body = Body::OpenThread {
        committee,
        title: title.trim().into(),
        text: Text::plain(text),
    };
    post(
        ctx,
        &mut store,
        body,
        &format!("opened \"{}\"", title.trim()),
    )
}

/// `kenes announce COMMITTEE --text X`: an announcement to every member.
pub fn announce(ctx: &Context, committee: &str, text: &str) -> Result<()> {
    let mut store = ctx.open()?;
    let committee = super::committee::committee_id(&store, committee)?;
    let body = Body::Announce {
        committee,
        text: Text::plain(text),
    };
    post(ctx, &mut store, body, "announced")
}

/// `kenes comment TARGET --text X`: a comment on a proposal, demand,
/// report or thread, or a reply to a post.
pub fn comment(ctx: &Context, target: &str, text: &str) -> Result<()> {
    let mut store = ctx.open()?;
    let target = find(
        store.engine().state(),
        target,
        "proposal, demand, report or post",
    )?;
    if target.kind == TargetKind::Committee {
        return Err(user(
            "a committee is discussed in threads: use `kenes discuss COMMITTEE`",
        ));
    }
    let body = Body::Comment {
        committee: target.committee,
        target: target.id,
        text: Text::plain(text),
    };
    post(ctx, &mut store, body, "commented")
}

/// The post `text` names, with its committee.
fn find_post(state: &State, text: &str) -> Result<Target> {
    let target = find(state, text, "post")?;
    match target.kind {
        TargetKind::Post(_) => Ok(target),
        _ => Err(user(format!("{} is not a post", target.id.short()))),
    }
}

/// The proposal `text` names, with its committee.
fn find_proposal(state: &State, text: &str) -> Result<Target> {
    let target = find(state, text, "proposal")?;
    match target.kind {
        TargetKind::Proposal => Ok(target),
        _ => Err(user(format!("{} is not a proposal", target.id.short()))),
    }
}

/// `kenes edit POST --text X`: a new wording of one's own post.
pub fn edit(ctx: &Context, post_id: &str, text: &str) -> Result<()> {
    let mut store = ctx.open()?;
    let target = find_post(store.engine().state(), post_id)?;
    let body = Body::EditPost {
        committee: target.committee,
        post: target.id,
        text: Text::plain(text),
    };
    post(ctx, &mut store, body, "edited")
}

/// `kenes retract POST`: withdraws one's own post.
pub fn retract(ctx: &Context, post_id: &str) -> Result<()> {
    let mut store = ctx.open()?;
    let target = find_post(store.engine().state(), post_id)?;
    let body = Body::RetractPost {
        committee: target.committee,
        post: target.id,
    };
    post(ctx, &mut store, body, "retracted")
}

/// `kenes suggest PROPOSAL --text X` and `kenes revise PROPOSAL --text X`.
pub fn suggest_or_revise(ctx: &Context, proposal: &str, text: &str, revise: bool) -> Result<()> {
    let mut store = ctx.open()?;
    let target = find_proposal(store.engine().state(), proposal)?;
    let (committee, proposal, text) = (target.committee, target.id, Text::plain(text));
    let (body, done) = if revise {
        let body = Body::Revise {
            committee,
            proposal,
            text,
        };
        (body, "revised")
    } else {
        let body = Body::Suggest {
            committee,
            proposal,
            text,
        };
        (body, "suggested")
    };
    post(ctx, &mut store, body, done)
}

/// `kenes hide POST [--text WHY] [--hours N]`: proposes a `HidePost`
/// decision in the post's committee.
pub fn hide(ctx: &Context, post_id: &str, text: &str, hours: u64) -> Result<()> {
    if !(1..=deliberation::MAX_HIDE_HOURS).contains(&hours) {
        return Err(user(format!(
            "--hours must be from 1 to {}",
            deliberation::MAX_HIDE_HOURS
        )));
    }
    let mut store = ctx.open()?;
    let target = find_post(store.engine().state(), post_id)?;
    let closes_at = crate::context::now_ms().saturating_add(hours * 3_600_000);
    let body = deliberation::hide_body(
        store.engine().state(),
        target.committee,
        target.id,
        text.trim().to_string(),
        closes_at,
    );
    post(
        ctx,
        &mut store,
        body,
        "proposed to hide it; the committee votes",
    )
}

/// `kenes thread TARGET [--page N]`: the tree under a proposal, demand,
/// report or post, or a committee's threads and announcements.
pub fn thread(ctx: &Context, target: &str, page: usize) -> Result<()> {
    let store = ctx.open()?;
    let engine = store.engine();
    let state = engine.state();
    let target = find(state, target, "committee, proposal, demand, report or post")?;
    let offset = page.saturating_sub(1).saturating_mul(deliberation::PAGE);
    let value = deliberation::page(engine, state, &ctx.keyring(state), &target, offset);
    emit(ctx.json, &value, || render(&value));
    Ok(())
}

fn short(v: &Value) -> &str {
    v.as_str().map_or("", |s| &s[..s.len().min(8)])
}

/// One post as indented lines.
fn render_post(p: &Value, indent: usize) -> String {
    let pad = "  ".repeat(indent);
    let who = p["author_name"]
        .as_str()
        .map_or_else(|| short(&p["author"]).to_string(), str::to_string);
    let mut head = format!(
        "{pad}{}  {} {}",
        short(&p["id"]),
        p["kind"].as_str().unwrap_or(""),
        who
    );
    if let Some(title) = p["title"].as_str() {
        head.push_str(&format!(": {title}"));
    }
    if p["edits"].as_u64().unwrap_or(0) > 0 {
        head.push_str(" (edited)");
    }
    let body = if p["hidden"].as_bool() == Some(true) {
        "[hidden by a decision of the committee]".to_string()
    } else if p["retracted"].as_bool() == Some(true) {
        "[retracted by its author]".to_string()
    } else {
        p["text"]
            .as_str()
            .unwrap_or("[text not readable here]")
            .to_string()
    };
    let lines: Vec<String> = body.lines().map(|l| format!("{pad}  {l}")).collect();
    format!("{head}\n{}", lines.join("\n"))
}

fn render(v: &Value) -> String {
    let mut out: Vec<String> = Vec::new();
    let total = v["total"].as_u64().unwrap_or(0);
    let offset = v["offset"].as_u64().unwrap_or(0);
    let limit = v["limit"].as_u64().unwrap_or(1).max(1);
    if v["target_kind"] == "committee" {
        out.push(format!(
            "discussions of {}",
            v["committee_name"].as_str().unwrap_or("")
        ));
        for a in v["announcements"].as_array().into_iter().flatten() {
            out.push(render_post(a, 0));
        }
        for t in v["threads"].as_array().into_iter().flatten() {
            out.push(format!(
                "{}\n  {} replies",
                render_post(t, 0),
                t["replies"].as_u64().unwrap_or(0)
            ));
        }
        if total == 0 && v["announcements"].as_array().is_none_or(Vec::is_empty) {
            out.push("no threads yet: open one with `kenes discuss`".into());
        }
    } else {
        if !v["root"].is_null() {
            out.push(render_post(&v["root"], 0));
        }
        if let Some(r) = v["revision"].as_object() {
            let n = r["revisions"].as_array().map_or(0, Vec::len);
            if n > 0 {
                out.push(format!("revised {n} time(s)"));
            }
            if r["revised_after_votes"].as_bool() == Some(true) {
                out.push(
                    "revised after votes: some counted ballots were cast on an earlier text".into(),
                );
            }
        }
        for p in v["posts"].as_array().into_iter().flatten() {
            let depth = p["depth"].as_u64().unwrap_or(1) as usize;
            out.push(render_post(p, depth));
        }
        if total == 0 {
            out.push("no comments yet".into());
        }
    }
    let pages = total.div_ceil(limit);
    if pages > 1 {
        out.push(format!("page {} of {pages} (--page N)", offset / limit + 1));
    }
    out.join("\n")
}
