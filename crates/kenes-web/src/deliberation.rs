//! Deliberation as JSON (issue 15, DESIGN §9): what can be discussed, a
//! page of a thread, a committee's discussions and announcements. Shared
//! by the HTTP API (`/api/thread/ID`), the pages and the CLI's `kenes
//! thread --json`, so every reader sees the same fields.
//!
//! Texts are read from the signed ops, never from the state, through the
//! reader's [`Keyring`] (issue 14): clear text as is, sealed text opened
//! when the reader holds its epoch's key, and otherwise
//! [`kenes_core::keyring::SEALED_NOTICE`], never an error. As for
//! proposals, `"sealed": true` says a post's title or text is sealed to
//! its committee, and `"readable": false` that this reader could not
//! open it.

use kenes_core::body::Body;
use kenes_core::discussion::{self, PostKind, PostView};
use kenes_core::governance::ProposalRecord;
use kenes_core::keyring::{self, Keyring};
use kenes_core::{Committee, Engine, Hash, State};
use serde_json::{Value, json};

/// Most posts one page of a thread shows.
pub const PAGE: usize = 50;

/// What a post, comment or listing is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// A committee: its discussions.
    Committee,
    /// A proposal.
    Proposal,
    /// A demand.
    Demand,
    /// An action report.
    Report,
    /// A post: thread, comment, suggestion or announcement.
    Post(PostKind),
}

impl TargetKind {
    /// Its wire name.
    pub fn label(&self) -> &'static str {
        match self {
            TargetKind::Committee => "committee",
            TargetKind::Proposal => "proposal",
            TargetKind::Demand => "demand",
            TargetKind::Report => "report",
            TargetKind::Post(kind) => post_label(kind),
        }
    }
}

/// A post kind's wire name.
pub fn post_label(kind: &PostKind) -> &'static str {
    match kind {
        PostKind::Thread => "thread",
        PostKind::Comment { .. } => "comment",
        PostKind::Suggestion { .. } => "suggestion",
        PostKind::Announcement => "announcement",
    }
}

/// Something that can be discussed, where it lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// Its id.
    pub id: Hash,
    /// Its committee.
    pub committee: Hash,
    /// What it is.
    pub kind: TargetKind,
}

/// Every committee, proposal, demand, report and post of the federation.
pub fn targets(state: &State) -> Vec<Target> {
    let mut out = Vec::new();
    for c in state.committees.values() {
        let at = |id: &Hash, kind| Target {
            id: *id,
            committee: c.id,
            kind,
        };
        out.push(at(&c.id, TargetKind::Committee));
        out.extend(c.proposals.keys().map(|p| at(p, TargetKind::Proposal)));
        out.extend(c.demands.keys().map(|d| at(d, TargetKind::Demand)));
        out.extend(c.reports.keys().map(|r| at(r, TargetKind::Report)));
        out.extend(
            c.discussion
                .posts
                .iter()
                .map(|(id, p)| at(id, TargetKind::Post(p.kind))),
        );
    }
    out
}

/// The target with exactly this id.
pub fn target(state: &State, id: &Hash) -> Option<Target> {
    if state.committees.contains_key(id) {
        return Some(Target {
            id: *id,
            committee: *id,
            kind: TargetKind::Committee,
        });
    }
    state.committees.values().find_map(|c| {
        let kind = if c.proposals.contains_key(id) {
            TargetKind::Proposal
        } else if c.demands.contains_key(id) {
            TargetKind::Demand
        } else if c.reports.contains_key(id) {
            TargetKind::Report
        } else {
            TargetKind::Post(c.discussion.posts.get(id)?.kind)
        };
        Some(Target {
            id: *id,
            committee: c.id,
            kind,
        })
    })
}

/// A text of an op as a reader sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    /// The words, or [`kenes_core::keyring::SEALED_NOTICE`].
    pub text: String,
    /// True when it is sealed to its committee (opened or not).
    pub sealed: bool,
    /// False when it is sealed and the reader could not open it.
    pub readable: bool,
}

impl Shown {
    fn of(
        keyring: &Keyring,
        text: &kenes_core::body::Text,
        slot: &kenes_core::seal::Slot,
    ) -> Shown {
        let sealed = text.sealed().is_some();
        match keyring.read(text, slot) {
            Some(words) => Shown {
                text: words.into_owned(),
                sealed,
                readable: true,
            },
            None => Shown {
                text: keyring::SEALED_NOTICE.to_string(),
                sealed,
                readable: false,
            },
        }
    }
}

/// The text of post, edit or revision `id` as `keyring`'s member reads
/// it, if this node holds the op.
pub fn shown_text(engine: &Engine, keyring: &Keyring, id: &Hash) -> Option<Shown> {
    let op = engine.op_by_id(id)?;
    let fields = &op.fields;
    let (text, slot) = keyring::post_text_of(&fields.body, fields.author)?;
    Some(Shown::of(keyring, text, &slot))
}

/// The text of op `id` as `keyring`'s member reads it (sealed text they
/// cannot open reads [`kenes_core::keyring::SEALED_NOTICE`]), if this
/// node holds it.
pub fn text_of_op(engine: &Engine, keyring: &Keyring, id: &Hash) -> Option<String> {
    shown_text(engine, keyring, id).map(|s| s.text)
}

/// A thread's title as `keyring`'s member reads it, from its op.
pub fn shown_title(engine: &Engine, keyring: &Keyring, id: &Hash) -> Option<Shown> {
    let op = engine.op_by_id(id)?;
    let fields = &op.fields;
    match &fields.body {
        Body::OpenThread {
            committee, title, ..
        } => Some(Shown::of(
            keyring,
            title,
            &keyring::thread_title(*committee, fields.author),
        )),
        _ => None,
    }
}

/// A thread's title as `keyring`'s member reads it, from its op.
pub fn thread_title(engine: &Engine, keyring: &Keyring, id: &Hash) -> Option<String> {
    shown_title(engine, keyring, id).map(|s| s.text)
}

/// One post as JSON: who, when, its current text (none when retracted or
/// hidden), and its wording history. `"sealed": true` when its title or
/// current text is sealed, `"readable": false` when `keyring`'s member
/// cannot open them.
pub fn post(engine: &Engine, state: &State, keyring: &Keyring, view: &PostView) -> Value {
    let author = view.post.author;
    let time = engine.op_by_id(&view.id).map(|op| op.fields.time);
    let shown = view.retracted.is_none() && !view.hidden;
    let current = shown
        .then(|| shown_text(engine, keyring, &view.current_text_op()))
        .flatten();
    let title = shown_title(engine, keyring, &view.id);
    let sealed = current.iter().chain(&title).any(|s| s.sealed);
    let readable = current.iter().chain(&title).all(|s| s.readable);
    json!({
        "id": view.id.to_hex(),
        "kind": post_label(&view.post.kind),
        "parent": view.post.kind.parent().map(|p| p.to_hex()),
        "author": author.to_hex(),
        "author_name": keyring.name(state, &author),
        "lamport": view.post.lamport,
        "time": time,
        "depth": view.depth,
        "replies": view.descendants,
        "title": title.map(|s| s.text),
        "text": current.map(|s| s.text),
        "sealed": sealed,
        "readable": readable,
        "edits": view.edits.len(),
        "history": if shown {
            std::iter::once(view.id)
                .chain(view.edits.iter().map(|(_, e)| *e))
                .map(|e| {
                    let wording = shown_text(engine, keyring, &e);
                    json!({
                        "op": e.to_hex(),
                        "sealed": wording.as_ref().is_some_and(|s| s.sealed),
                        "readable": wording.as_ref().is_none_or(|s| s.readable),
                        "text": wording.map(|s| s.text),
                    })
                })
                .collect::<Vec<_>>()
        } else {
            Vec::new()
        },
        "retracted": view.retracted.is_some(),
        "hidden": view.hidden,
    })
}

/// The posts under `root` in tree order (see `discussion::tree`).
pub fn tree(committee: &Committee, root: &Hash) -> Vec<PostView> {
    discussion::tree(&committee.discussion, &committee.hidden, root)
}

/// A proposal's revisions and the revision each counted ballot had seen.
pub fn revisions(
    engine: &Engine,
    state: &State,
    keyring: &Keyring,
    proposal: &Hash,
    record: &ProposalRecord,
) -> Value {
    let ballots = discussion::ballots_seen(engine, engine.voided(), proposal, &record.revisions);
    json!({
        "revisions": record.revisions.iter().map(|(_, id)| id.to_hex()).collect::<Vec<_>>(),
        "revised_after_votes": discussion::revised_after_votes(&ballots, record.revisions.len()),
        "ballots": ballots.iter().map(|(voter, b)| json!({
            "voter": voter.to_hex(),
            "voter_name": keyring.name(state, voter),
            "revision_seen": b.revision,
        })).collect::<Vec<_>>(),
    })
}

/// One page of the discussion of `target`: the root (for a post, the post
/// itself), then at most [`PAGE`] posts under it from `offset` on, in
/// tree order. For a committee: its threads and announcements, newest
/// first.
pub fn page(
    engine: &Engine,
    state: &State,
    keyring: &Keyring,
    target: &Target,
    offset: usize,
) -> Value {
    let Some(committee) = state.committees.get(&target.committee) else {
        return Value::Null;
    };
    if target.kind == TargetKind::Committee {
        return discussions(engine, state, keyring, committee, offset);
    }
    let all = tree(committee, &target.id);
    let total = all.len();
    let posts: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(PAGE)
        .map(|v| post(engine, state, keyring, v))
        .collect();
    let root = match target.kind {
        TargetKind::Post(_) => {
            root_post(committee, &target.id).map(|v| post(engine, state, keyring, &v))
        }
        _ => None,
    };
    let revision = match target.kind {
        TargetKind::Proposal => committee
            .proposals
            .get(&target.id)
            .map(|r| revisions(engine, state, keyring, &target.id, r)),
        _ => None,
    };
    json!({
        "target": target.id.to_hex(),
        "target_kind": target.kind.label(),
        "committee": committee.id.to_hex(),
        "committee_name": committee.name,
        "root": root,
        "revision": revision,
        "total": total,
        "offset": offset,
        "limit": PAGE,
        "posts": posts,
    })
}

/// The post `id` itself, as the head of its own page.
pub fn root_post(committee: &Committee, id: &Hash) -> Option<PostView> {
    discussion::post_view(&committee.discussion, &committee.hidden, id)
}

/// A committee's threads and announcements, newest first, one page.
pub fn discussions(
    engine: &Engine,
    state: &State,
    keyring: &Keyring,
    committee: &Committee,
    offset: usize,
) -> Value {
    let counts = discussion::reply_counts(&committee.discussion);
    let listed = |kind: PostKind, offset: usize| -> (usize, Vec<Value>) {
        let roots = discussion::roots(&committee.discussion, kind);
        let total = roots.len();
        let rows = roots
            .iter()
            .rev()
            .skip(offset)
            .take(PAGE)
            .filter_map(|(_, id)| root_post(committee, id))
            .map(|mut v| {
                v.descendants = counts.get(&v.id).copied().unwrap_or(0);
                post(engine, state, keyring, &v)
            })
            .collect();
        (total, rows)
    };
    let (threads_total, threads) = listed(PostKind::Thread, offset);
    let (announcements_total, announcements) = listed(PostKind::Announcement, 0);
    json!({
        "target": committee.id.to_hex(),
        "target_kind": "committee",
        "committee": committee.id.to_hex(),
        "committee_name": committee.name,
        "total": threads_total,
        "offset": offset,
        "limit": PAGE,
        "threads": threads,
        "announcements_total": announcements_total,
        "announcements": announcements,
    })
}

/// A deliberation action from a form or `/api/act` (`action` is
/// `discuss`, `comment`, `edit_post`, `retract_post`, `suggest`, `revise`
/// or `announce`), parsed from untrusted name/value pairs.
#[derive(Debug, PartialEq)]
pub enum Request {
    /// Open a thread in `committee`.
    Discuss {
        /// The committee.
        committee: Hash,
        /// Its title.
        title: String,
        /// Its opening text.
        text: String,
    },
    /// Comment on `target` (a proposal, demand, report or post).
    Comment {
        /// What it answers.
        target: Hash,
        /// The comment.
        text: String,
    },
    /// A new wording of one's own `post`.
    Edit {
        /// The post.
        post: Hash,
        /// The wording.
        text: String,
    },
    /// Withdraw one's own `post`.
    Retract {
        /// The post.
        post: Hash,
    },
    /// Suggest a wording for `proposal`.
    Suggest {
        /// The proposal.
        proposal: Hash,
        /// The wording.
        text: String,
    },
    /// The proposer's new text of `proposal`.
    Revise {
        /// The proposal.
        proposal: Hash,
        /// The text.
        text: String,
    },
    /// Announce to `committee`.
    Announce {
        /// The committee.
        committee: Hash,
        /// The announcement.
        text: String,
    },
    /// Propose that the committee hide `post` (a `HidePost` decision).
    Hide {
        /// The post.
        post: Hash,
        /// Why, for the members who vote on it.
        text: String,
        /// Voting time in hours.
        hours: u64,
    },
}

/// Longest voting time a hiding proposal may ask for, in hours.
pub const MAX_HIDE_HOURS: u64 = 24 * 30;

/// The actions [`parse`] reads.
pub const ACTIONS: [&str; 8] = [
    "discuss",
    "comment",
    "edit_post",
    "retract_post",
    "suggest",
    "revise",
    "announce",
    "hide_post",
];

/// Reads `action`'s fields from `pairs`. Texts keep their line breaks
/// (only surrounding blanks are trimmed) and are bounded as the op
/// bounds them.
pub fn parse(action: &str, pairs: &[(String, String)]) -> Result<Request, crate::actions::Problem> {
    use crate::actions::Problem;
    use kenes_core::validate::{MAX_NAME_BYTES, MAX_TEXT_BYTES};
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    };
    let text = |name: &'static str, max: usize| -> Result<String, Problem> {
        let value = get(name);
        if value.is_empty() {
            return Err(Problem::Required(name));
        }
        if value.len() > max {
            return Err(Problem::TooLong { field: name, max });
        }
        Ok(value.to_string())
    };
    let id = |name: &'static str| -> Result<Hash, Problem> {
        let value = get(name);
        if value.is_empty() {
            return Err(Problem::Required(name));
        }
        value.parse().map_err(|_| Problem::NotAnId(name))
    };
    Ok(match action {
        "discuss" => Request::Discuss {
            committee: id("committee")?,
            title: text("title", MAX_NAME_BYTES)?,
            text: text("text", MAX_TEXT_BYTES)?,
        },
        "comment" => Request::Comment {
            target: id("target")?,
            text: text("text", MAX_TEXT_BYTES)?,
        },
        "edit_post" => Request::Edit {
            post: id("post")?,
            text: text("text", MAX_TEXT_BYTES)?,
        },
        "retract_post" => Request::Retract { post: id("post")? },
        "suggest" => Request::Suggest {
            proposal: id("proposal")?,
            text: text("text", MAX_TEXT_BYTES)?,
        },
        "revise" => Request::Revise {
            proposal: id("proposal")?,
            text: text("text", MAX_TEXT_BYTES)?,
        },
        "announce" => Request::Announce {
            committee: id("committee")?,
            text: text("text", MAX_TEXT_BYTES)?,
        },
        "hide_post" => Request::Hide {
            post: id("post")?,
            text: {
                let reason = get("text");
                if reason.len() > MAX_TEXT_BYTES {
                    return Err(Problem::TooLong {
                        field: "text",
                        max: MAX_TEXT_BYTES,
                    });
                }
                reason.to_string()
            },
            hours: match get("hours") {
                "" => 24,
                h => h
                    .parse()
                    .ok()
                    .filter(|h| (1..=MAX_HIDE_HOURS).contains(h))
                    .ok_or(Problem::NotANumber("hours"))?,
            },
        },
        other => return Err(Problem::NotAnAction(other.to_string())),
    })
}

/// The `HidePost` proposal hiding `post` of `committee`, with a title
/// saying whose post it is.
pub fn hide_body(state: &State, committee: Hash, post: Hash, text: String, closes_at: u64) -> Body {
    let author = state
        .committees
        .get(&committee)
        .and_then(|c| c.discussion.posts.get(&post))
        // By key: a display name may be sealed to committees this title
        // is not (issue 14).
        .map(|p| p.author.short())
        .unwrap_or_default();
    let title: String = format!("Hide a post by {author} ({})", post.short())
        .chars()
        .take(100)
        .collect();
    Body::Propose {
        committee,
        kind: kenes_core::body::ProposalKind::HidePost { post },
        title: title.into(),
        text: text.into(),
        closes_at,
    }
}

impl Request {
    /// The body it authors: the committee is the target's, found in
    /// `state`; an id that names nothing discussable is not found.
    pub fn body(self, state: &State, now_ms: u64) -> Result<Body, crate::actions::ActionError> {
        use crate::actions::ActionError;
        use kenes_core::body::Text;
        let find = |id: &Hash, what: &'static str, fits: fn(TargetKind) -> bool| {
            target(state, id)
                .filter(|t| fits(t.kind))
                .ok_or(ActionError::NotFound(what))
        };
        let committee = |id: &Hash| find(id, "committee", |k| k == TargetKind::Committee);
        let proposal = |id: &Hash| find(id, "proposal", |k| k == TargetKind::Proposal);
        let post = |id: &Hash| find(id, "post", |k| matches!(k, TargetKind::Post(_)));
        Ok(match self {
            Request::Discuss {
                committee: c,
                title,
                text,
            } => Body::OpenThread {
                committee: committee(&c)?.id,
                title: Text::plain(title),
                text: Text::plain(text),
            },
            Request::Comment { target: t, text } => {
                let found = find(&t, "post", |k| k != TargetKind::Committee)?;
                Body::Comment {
                    committee: found.committee,
                    target: found.id,
                    text: Text::plain(text),
                }
            }
            Request::Edit { post: id, text } => Body::EditPost {
                committee: post(&id)?.committee,
                post: id,
                text: Text::plain(text),
            },
            Request::Retract { post: id } => Body::RetractPost {
                committee: post(&id)?.committee,
                post: id,
            },
            Request::Suggest { proposal: id, text } => Body::Suggest {
                committee: proposal(&id)?.committee,
                proposal: id,
                text: Text::plain(text),
            },
            Request::Revise { proposal: id, text } => Body::Revise {
                committee: proposal(&id)?.committee,
                proposal: id,
                text: Text::plain(text),
            },
            Request::Announce { committee: c, text } => Body::Announce {
                committee: committee(&c)?.id,
                text: Text::plain(text),
            },
            Request::Hide {
                post: id,
                text,
                hours,
            } => hide_body(
                state,
                post(&id)?.committee,
                id,
                text,
                now_ms.saturating_add(hours * 3_600_000),
            ),
        })
    }
}

/// The directory in the data directory holding which announcements each
/// member has read on this node, one file per member key (the device's
/// member, or a hub member's session): read state is local, never an op.
pub const READ_DIR: &str = "announcements-read";

fn read_file(root: &std::path::Path, member: &kenes_core::PublicKey) -> std::path::PathBuf {
    root.join(READ_DIR).join(member.to_hex())
}

/// The announcements `member` has read on this node. Lines that are not
/// ids are ignored.
pub fn read_announcements(
    root: &std::path::Path,
    member: &kenes_core::PublicKey,
) -> std::collections::BTreeSet<Hash> {
    std::fs::read_to_string(read_file(root, member))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

/// Records that `member` read announcement `id` (written to a temporary
/// file and renamed, so a crash leaves the old list or the new one).
pub fn mark_read(
    root: &std::path::Path,
    member: &kenes_core::PublicKey,
    id: &Hash,
) -> std::io::Result<()> {
    let mut read = read_announcements(root, member);
    if !read.insert(*id) {
        return Ok(());
    }
    std::fs::create_dir_all(root.join(READ_DIR))?;
    let path = read_file(root, member);
    let tmp = path.with_extension("tmp");
    let text: String = read.iter().map(|h| format!("{}\n", h.to_hex())).collect();
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, path)
}

/// Announcements of committees where `me` may act, not written by `me`,
/// not retracted or hidden, and not in `read`: newest first, as
/// `(announcement, committee)`.
pub fn unread_announcements(
    engine: &Engine,
    me: &kenes_core::PublicKey,
    read: &std::collections::BTreeSet<Hash>,
) -> Vec<(Hash, Hash)> {
    let state = engine.state();
    let mut out: Vec<(u64, Hash, Hash)> = Vec::new();
    for c in state.committees.values() {
        if !kenes_core::governance::Electorate::may_act(state, c, me) {
            continue;
        }
        let retracted: std::collections::BTreeSet<Hash> = c
            .discussion
            .changes
            .iter()
            .filter(|(_, ch)| ch.retract)
            .map(|(_, ch)| ch.post)
            .collect();
        for (id, post) in c.discussion.posts.iter() {
            if post.kind == PostKind::Announcement
                && post.author != *me
                && !read.contains(id)
                && !retracted.contains(id)
                && !c.hidden.contains(id)
            {
                out.push((post.lamport, *id, c.id));
            }
        }
    }
    out.sort_unstable_by(|a, b| b.cmp(a));
    out.into_iter().map(|(_, id, c)| (id, c)).collect()
}

/// An unread announcement as JSON, for `/api/attention`.
pub fn announcement_json(engine: &Engine, keyring: &Keyring, id: &Hash, committee: &Hash) -> Value {
    let state = engine.state();
    let entry = engine.entry(id);
    let author = entry.map(|e| engine.author_of(e));
    let text = shown_text(engine, keyring, id);
    json!({
        "id": id.to_hex(),
        "committee": committee.to_hex(),
        "committee_name": crate::model::committee_name(state, committee),
        "author": author.map(|a| a.to_hex()),
        "author_name": author.and_then(|a| keyring.name(state, &a)),
        "time": entry.map(|e| engine.decoded(e).fields.time),
        "sealed": text.as_ref().is_some_and(|s| s.sealed),
        "readable": text.as_ref().is_none_or(|s| s.readable),
        "text": text.map(|s| s.text),
    })
}
