//! Deliberation (DESIGN §9): the posts of a committee (threads, comments,
//! suggestions, announcements) and the edits and retractions of them, as
//! the fold keeps them, and the tree a view reads from them.
//!
//! The fold keeps only the structure of each post (author, lamport, what it
//! answers), never its text: the text stays in the signed op, read through
//! [`crate::body::Text`], so that sealing it later changes one type and the
//! state never holds it. Committees are checkpointed every few hundred ops,
//! and a committee that posts 100,000 comments must not copy them at every
//! checkpoint: [`Chunked`] shares frozen chunks between checkpoints.

use crate::body::{Body, Text};
use crate::types::{Hash, PublicKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// What a post is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PostKind {
    /// A discussion thread opened in the committee.
    Thread,
    /// A comment on a proposal, demand, report or post of the committee.
    Comment {
        /// What it answers.
        target: Hash,
    },
    /// A suggested wording for a proposal.
    Suggestion {
        /// The proposal.
        proposal: Hash,
    },
    /// An announcement to every member.
    Announcement,
}

impl PostKind {
    /// What the post hangs under in a tree: a comment's target, a
    /// suggestion's proposal; threads and announcements are roots.
    pub fn parent(&self) -> Option<Hash> {
        match self {
            PostKind::Comment { target } => Some(*target),
            PostKind::Suggestion { proposal } => Some(*proposal),
            PostKind::Thread | PostKind::Announcement => None,
        }
    }
}

/// A post as the fold keeps it: its id is the key it is stored under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    /// Who wrote it.
    pub author: PublicKey,
    /// Its op's lamport: with the id, its place in the fold order.
    pub lamport: u64,
    /// Thread, comment, suggestion or announcement.
    pub kind: PostKind,
}

/// An edit or retraction of a post, kept under the id of its op.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostChange {
    /// The post it changes.
    pub post: Hash,
    /// Its op's lamport.
    pub lamport: u64,
    /// True for a retraction, false for an edit.
    pub retract: bool,
}

/// Entries a chunk holds before it is frozen and shared.
const CHUNK: usize = 512;

/// A map from op ids to small records that grows by insertion only, stored
/// as frozen chunks shared by every clone plus one small mutable tail.
/// Cloning it (a checkpoint) costs the tail and one pointer per chunk;
/// chunks merge like a binary counter, so there are O(log n) of them and a
/// lookup reads each once. It compares, prints and serialises as the
/// plain sorted map it stands for, so its layout never reaches a digest.
#[derive(Clone)]
pub struct Chunked<V> {
    frozen: Vec<Arc<BTreeMap<Hash, V>>>,
    tail: BTreeMap<Hash, V>,
}

impl<V> Default for Chunked<V> {
    fn default() -> Self {
        Chunked {
            frozen: Vec::new(),
            tail: BTreeMap::new(),
        }
    }
}

impl<V: Clone> Chunked<V> {
    /// The record of `id`.
    pub fn get(&self, id: &Hash) -> Option<&V> {
        self.tail
            .get(id)
            .or_else(|| self.frozen.iter().rev().find_map(|c| c.get(id)))
    }

    /// True if `id` is kept.
    pub fn contains(&self, id: &Hash) -> bool {
        self.get(id).is_some()
    }

    /// Keeps `value` under `id`, unless `id` is kept already (an op's
    /// effect applies once).
    pub fn insert(&mut self, id: Hash, value: V) {
        if self.contains(&id) {
            return;
        }
        self.tail.insert(id, value);
        if self.tail.len() >= CHUNK {
            self.frozen.push(Arc::new(std::mem::take(&mut self.tail)));
            while let [.., below, top] = self.frozen.as_slice()
                && below.len() <= top.len()
            {
                let mut merged: BTreeMap<Hash, V> = (**below).clone();
                merged.extend(top.iter().map(|(k, v)| (*k, v.clone())));
                self.frozen.truncate(self.frozen.len() - 2);
                self.frozen.push(Arc::new(merged));
            }
        }
    }

    /// How many records.
    pub fn len(&self) -> usize {
        self.tail.len() + self.frozen.iter().map(|c| c.len()).sum::<usize>()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.tail.is_empty() && self.frozen.iter().all(|c| c.is_empty())
    }

    /// Every record, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&Hash, &V)> {
        self.frozen
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.tail.iter())
    }

    /// Every record in id order.
    pub fn sorted(&self) -> BTreeMap<&Hash, &V> {
        self.iter().collect()
    }
}

impl<V: Clone + PartialEq> PartialEq for Chunked<V> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.sorted() == other.sorted()
    }
}

impl<V: Clone + Eq> Eq for Chunked<V> {}

impl<V: Clone + fmt::Debug> fmt::Debug for Chunked<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.sorted()).finish()
    }
}

impl<V: Clone + Serialize> Serialize for Chunked<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.sorted().serialize(serializer)
    }
}

impl<'de, V: Clone + Deserialize<'de>> Deserialize<'de> for Chunked<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let all = BTreeMap::<Hash, V>::deserialize(deserializer)?;
        Ok(Chunked {
            frozen: vec![Arc::new(all)],
            tail: BTreeMap::new(),
        })
    }
}

/// A committee's deliberation as the fold keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discussion {
    /// Posts by id.
    pub posts: Chunked<Post>,
    /// Edits and retractions by the id of their op.
    pub changes: Chunked<PostChange>,
}

impl Discussion {
    /// Folds in an applied op of this committee that posts or changes a
    /// post; anything else is left alone.
    pub fn apply(&mut self, id: Hash, author: PublicKey, lamport: u64, body: &Body) {
        let kind = match body {
            Body::OpenThread { .. } => PostKind::Thread,
            Body::Comment { target, .. } => PostKind::Comment { target: *target },
            Body::Suggest { proposal, .. } => PostKind::Suggestion {
                proposal: *proposal,
            },
            Body::Announce { .. } => PostKind::Announcement,
            Body::EditPost { post, .. } | Body::RetractPost { post, .. } => {
                let retract = matches!(body, Body::RetractPost { .. });
                self.changes.insert(
                    id,
                    PostChange {
                        post: *post,
                        lamport,
                        retract,
                    },
                );
                return;
            }
            _ => return,
        };
        self.posts.insert(
            id,
            Post {
                author,
                lamport,
                kind,
            },
        );
    }
}

/// The text of a post or change, read from its op: what a view shows.
pub fn text_of(body: &Body) -> Option<&Text> {
    match body {
        Body::OpenThread { text, .. }
        | Body::Comment { text, .. }
        | Body::EditPost { text, .. }
        | Body::Suggest { text, .. }
        | Body::Revise { text, .. }
        | Body::Announce { text, .. } => Some(text),
        _ => None,
    }
}

/// One post in a view: where it stands and what happened to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostView {
    /// Its id.
    pub id: Hash,
    /// The post.
    pub post: Post,
    /// Its edits in fold order, `(lamport, edit op id)`; the last is the
    /// current wording, the post's own op the first.
    pub edits: Vec<(u64, Hash)>,
    /// The first retraction in fold order, if any.
    pub retracted: Option<(u64, Hash)>,
    /// Hidden by a passed decision of the committee.
    pub hidden: bool,
    /// How deep in the tree under the root asked for (its children are 1).
    pub depth: u32,
    /// Replies under it, at any depth.
    pub descendants: u32,
}

impl PostView {
    /// The op whose text is the post's current wording: its last edit, or
    /// itself.
    pub fn current_text_op(&self) -> Hash {
        self.edits.last().map_or(self.id, |(_, e)| *e)
    }
}

/// Every post under `root` (a proposal, demand, report or post) in the
/// committee, depth first, siblings in fold order `(lamport, id)`: the same
/// tree on every replica that holds the same ops. `hidden` are the posts a
/// passed decision hid. One pass over the committee's posts and changes.
pub fn tree(
    discussion: &Discussion,
    hidden: &std::collections::BTreeSet<Hash>,
    root: &Hash,
) -> Vec<PostView> {
    let mut children: BTreeMap<Hash, Vec<(u64, Hash)>> = BTreeMap::new();
    for (id, post) in discussion.posts.iter() {
        if let Some(parent) = post.kind.parent() {
            children
                .entry(parent)
                .or_default()
                .push((post.lamport, *id));
        }
    }
    let mut changes: BTreeMap<Hash, Vec<(u64, Hash, bool)>> = BTreeMap::new();
    for (id, change) in discussion.changes.iter() {
        changes
            .entry(change.post)
            .or_default()
            .push((change.lamport, *id, change.retract));
    }
    let mut out = Vec::new();
    let mut stack: Vec<(Hash, u32)> = Vec::new();
    let mut push_children = |stack: &mut Vec<(Hash, u32)>, of: &Hash, depth: u32| {
        if let Some(list) = children.get_mut(of) {
            list.sort_unstable();
            for (_, id) in list.iter().rev() {
                stack.push((*id, depth));
            }
        }
    };
    push_children(&mut stack, root, 1);
    while let Some((id, depth)) = stack.pop() {
        let Some(post) = discussion.posts.get(&id) else {
            continue;
        };
        out.push(view_of(id, *post, &changes, hidden, depth));
        push_children(&mut stack, &id, depth + 1);
    }
    // Descendant counts, from the end: a post's subtree follows it.
    let mut open: Vec<usize> = Vec::new();
    for i in 0..out.len() {
        while let Some(&top) = open.last() {
            if out[top].depth >= out[i].depth {
                open.pop();
            } else {
                break;
            }
        }
        for &a in &open {
            out[a].descendants += 1;
        }
        open.push(i);
    }
    out
}

fn view_of(
    id: Hash,
    post: Post,
    changes: &BTreeMap<Hash, Vec<(u64, Hash, bool)>>,
    hidden: &std::collections::BTreeSet<Hash>,
    depth: u32,
) -> PostView {
    let mut edits: Vec<(u64, Hash)> = Vec::new();
    let mut retracted: Option<(u64, Hash)> = None;
    if let Some(list) = changes.get(&id) {
        let mut list = list.clone();
        list.sort_unstable();
        for (lamport, change, retract) in list {
            if retract {
                retracted = retracted.or(Some((lamport, change)));
            } else {
                edits.push((lamport, change));
            }
        }
    }
    PostView {
        id,
        post,
        edits,
        retracted,
        hidden: hidden.contains(&id),
        depth,
        descendants: 0,
    }
}

/// The post `id` alone, with its edits and retraction (depth 0): the head
/// of its own page. One pass over the committee's changes.
pub fn post_view(
    discussion: &Discussion,
    hidden: &std::collections::BTreeSet<Hash>,
    id: &Hash,
) -> Option<PostView> {
    let post = *discussion.posts.get(id)?;
    let mut changes: BTreeMap<Hash, Vec<(u64, Hash, bool)>> = BTreeMap::new();
    for (change_id, change) in discussion.changes.iter() {
        if change.post == *id {
            changes
                .entry(*id)
                .or_default()
                .push((change.lamport, *change_id, change.retract));
        }
    }
    Some(view_of(*id, post, &changes, hidden, 0))
}

/// How many posts hang, at any depth, under each item that has any: one
/// pass, with each post's top ancestor remembered.
pub fn reply_counts(discussion: &Discussion) -> BTreeMap<Hash, u32> {
    let parent_of = |id: &Hash| discussion.posts.get(id).and_then(|p| p.kind.parent());
    let mut top: std::collections::HashMap<Hash, Hash> = std::collections::HashMap::new();
    let mut counts: BTreeMap<Hash, u32> = BTreeMap::new();
    for (id, post) in discussion.posts.iter() {
        let Some(first) = post.kind.parent() else {
            continue;
        };
        // Walk up to the first ancestor whose top is known, or the root.
        let mut path = vec![*id];
        let mut at = first;
        let root = loop {
            if let Some(t) = top.get(&at) {
                break *t;
            }
            match parent_of(&at) {
                Some(up) if path.len() <= discussion.posts.len() => {
                    path.push(at);
                    at = up;
                }
                _ => break at,
            }
        };
        for p in path {
            top.insert(p, root);
        }
        *counts.entry(root).or_default() += 1;
    }
    counts
}

/// The committee's root posts of one kind (threads or announcements), in
/// fold order `(lamport, id)`.
pub fn roots(discussion: &Discussion, kind: PostKind) -> Vec<(u64, Hash)> {
    let mut out: Vec<(u64, Hash)> = discussion
        .posts
        .iter()
        .filter(|(_, p)| p.kind == kind)
        .map(|(id, p)| (p.lamport, *id))
        .collect();
    out.sort_unstable();
    out
}

/// A counted ballot and the revision of the text its voter had seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenBallot {
    /// The ballot.
    pub ballot: crate::body::Ballot,
    /// Revisions of the proposal in the vote's past: 0 is the original text.
    pub revision: u32,
}

/// Each voter's latest ballot on `proposal` that is not void (the one the
/// tally counts), with the revision its voter had seen: how many of the
/// proposal's `revisions` are in the vote's past (DESIGN §9). Revisions
/// never move a ballot; a ballot whose revision is below
/// `revisions.len()` was cast on an earlier text.
pub fn ballots_seen<D: crate::layers::Dag + ?Sized>(
    dag: &D,
    voided: &BTreeMap<u32, crate::outcome::VoidReason>,
    proposal: &Hash,
    revisions: &[(u64, Hash)],
) -> BTreeMap<PublicKey, SeenBallot> {
    let revision_ords: Vec<u32> = revisions
        .iter()
        .filter_map(|(_, id)| dag.ordinal(id))
        .collect();
    let mut latest: BTreeMap<PublicKey, ((u64, Hash), u32)> = BTreeMap::new();
    for &v in dag.votes_of(proposal) {
        if voided.contains_key(&v) {
            continue;
        }
        let op = dag.op(v);
        let position = (op.fields.seq, op.id);
        if latest
            .get(&op.fields.author)
            .is_none_or(|(p, _)| *p < position)
        {
            latest.insert(op.fields.author, (position, v));
        }
    }
    latest
        .into_iter()
        .filter_map(|(voter, (_, v))| {
            let Body::Vote { ballot, .. } = &dag.op(v).fields.body else {
                return None;
            };
            let seen = revision_ords.iter().filter(|&&r| dag.in_past(r, v)).count();
            Some((
                voter,
                SeenBallot {
                    ballot: ballot.clone(),
                    revision: u32::try_from(seen).unwrap_or(u32::MAX),
                },
            ))
        })
        .collect()
}

/// True if some counted ballot was cast on an earlier text than the
/// current one: the proposal is flagged "revised after votes".
pub fn revised_after_votes(ballots: &BTreeMap<PublicKey, SeenBallot>, revisions: usize) -> bool {
    ballots.values().any(|b| (b.revision as usize) < revisions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(i: u32) -> Hash {
        Hash::of(&i.to_le_bytes())
    }

    #[test]
    fn chunked_map_equals_the_plain_map_whatever_its_layout() {
        let mut a: Chunked<u32> = Chunked::default();
        let mut b: Chunked<u32> = Chunked::default();
        for i in 0..3000 {
            a.insert(h(i), i);
        }
        for i in (0..3000).rev() {
            b.insert(h(i), i);
        }
        assert_eq!(a.len(), 3000);
        assert!(a.frozen.len() <= 12, "chunks merge: {}", a.frozen.len());
        assert_eq!(a, b);
        assert_eq!(
            postcard::to_allocvec(&a).unwrap(),
            postcard::to_allocvec(&b).unwrap()
        );
        for i in 0..3000 {
            assert_eq!(a.get(&h(i)), Some(&i));
        }
        let back: Chunked<u32> = postcard::from_bytes(&postcard::to_allocvec(&a).unwrap()).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn a_record_is_kept_once() {
        let mut a: Chunked<u32> = Chunked::default();
        a.insert(h(1), 1);
        a.insert(h(1), 2);
        assert_eq!(a.get(&h(1)), Some(&1));
        assert_eq!(a.len(), 1);
    }

    #[test]
    fn a_clone_shares_frozen_chunks() {
        let mut a: Chunked<u32> = Chunked::default();
        for i in 0..(4 * CHUNK as u32) {
            a.insert(h(i), i);
        }
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.frozen[0], &b.frozen[0]));
    }

    #[test]
    fn tree_orders_siblings_by_lamport_then_id_and_nests_replies() {
        let author = PublicKey([1; 32]);
        let root = h(0);
        let mut d = Discussion::default();
        let post = |lamport, kind| Post {
            author,
            lamport,
            kind,
        };
        d.posts
            .insert(h(1), post(5, PostKind::Comment { target: root }));
        d.posts
            .insert(h(2), post(3, PostKind::Comment { target: root }));
        d.posts
            .insert(h(3), post(9, PostKind::Comment { target: h(2) }));
        d.changes.insert(
            h(4),
            PostChange {
                post: h(3),
                lamport: 10,
                retract: true,
            },
        );
        let t = tree(&d, &std::collections::BTreeSet::from([h(1)]), &root);
        let ids: Vec<(Hash, u32)> = t.iter().map(|p| (p.id, p.depth)).collect();
        assert_eq!(ids, vec![(h(2), 1), (h(3), 2), (h(1), 1)]);
        assert_eq!(t[0].descendants, 1);
        assert_eq!(t[1].retracted, Some((10, h(4))));
        assert!(t[2].hidden);
    }
}
