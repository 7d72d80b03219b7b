//! What one member can read (issue 14): the epoch keys sealed to them,
//! opened from the boxes the fold keeps, and the texts those keys open.
//!
//! Views read every [`Text`] through a [`Keyring`]: clear text as it is,
//! sealed text opened when this member holds its epoch's key, and
//! otherwise [`SEALED_NOTICE`]. Nothing here changes the state; a text
//! that fails to open is shown as sealed, never an error.

use crate::body::{Body, DisplayName, ProposalKind, SealedName, Text};
use crate::governance::council_voters;
use crate::seal::{EncryptionKey, EncryptionSecret, EpochKey, KeyBox, SealedText, Slot};
use crate::state::{Committee, State};
use crate::types::{Hash, PublicKey};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// What a view shows in place of a text this member cannot open.
pub const SEALED_NOTICE: &str = "sealed: you are not in this committee";

/// The epoch keys one member can open, by committee and epoch.
#[derive(Clone, Debug, Default)]
pub struct Keyring {
    keys: BTreeMap<(Hash, Hash), EpochKey>,
}

impl Keyring {
    /// A keyring that opens nothing: a reader with no member key (a
    /// visitor, a tool) sees clear text only.
    pub fn none() -> Keyring {
        Keyring::default()
    }

    /// The keys sealed to `member` in `state` that one of `secrets` (their
    /// current and earlier X25519 secrets) opens.
    pub fn open(state: &State, member: &PublicKey, secrets: &[EncryptionSecret]) -> Keyring {
        let mut keys = BTreeMap::new();
        for committee in state.committees.values() {
            for (epoch, key) in open_committee(committee, member, secrets) {
                keys.insert((committee.id, epoch), key);
            }
        }
        Keyring { keys }
    }

    /// The key of `committee`'s `epoch`, if this member holds it.
    pub fn epoch_key(&self, committee: &Hash, epoch: &Hash) -> Option<&EpochKey> {
        self.keys.get(&(*committee, *epoch))
    }

    /// True if this member holds some key of `committee`.
    pub fn reads(&self, committee: &Hash) -> bool {
        self.keys.keys().any(|(c, _)| c == committee)
    }

    /// The words of `text` in `slot`: clear text as is, sealed text if
    /// this member opens it, else `None`.
    pub fn read<'a>(&self, text: &'a Text, slot: &Slot) -> Option<Cow<'a, str>> {
        match text {
            Text::Plain(plain) => Some(Cow::Borrowed(plain)),
            Text::Sealed(sealed) => {
                let key = self.epoch_key(&slot.committee, &sealed.epoch)?;
                sealed.open(key, slot).map(Cow::Owned)
            }
        }
    }

    /// The display name of `member` as this member reads it: a clear name
    /// as is; a sealed one if this member holds the epoch of one of the
    /// committees it is sealed to (they share a committee) and it opens
    /// to a well-formed name; else `None`, and views show the key.
    pub fn name<'a>(&self, state: &'a State, member: &PublicKey) -> Option<Cow<'a, str>> {
        match &state.profiles.get(member)?.name {
            DisplayName::Plain(name) => Some(Cow::Borrowed(name)),
            // Each name this reader opens: a member who seals different
            // names to different committees is shown with all of them,
            // so a reader of both sees the discrepancy.
            DisplayName::Sealed(names) => {
                let mut opened: Vec<String> = Vec::new();
                for name in names.iter().filter_map(|s| self.open_name(s, member)) {
                    if !opened.contains(&name) {
                        opened.push(name);
                    }
                }
                (!opened.is_empty()).then(|| Cow::Owned(opened.join(" / ")))
            }
        }
    }

    /// `sealed`, `member`'s name in one committee, opened, if this keyring
    /// holds its epoch and the words are a name as a clear profile's must
    /// be (no control characters that could rewrite a terminal or a page).
    fn open_name(&self, sealed: &SealedName, member: &PublicKey) -> Option<String> {
        let key = self.epoch_key(&sealed.committee, &sealed.name.epoch)?;
        let padded = sealed
            .name
            .open(key, &display_name(sealed.committee, *member))?;
        let name = padded.trim_end_matches('\0').to_string();
        crate::validate::check_body(&Body::Profile { name: name.clone() })
            .is_ok()
            .then_some(name)
    }

    /// The words of `text` in `slot`, or [`SEALED_NOTICE`].
    pub fn show<'a>(&self, text: &'a Text, slot: &Slot) -> Cow<'a, str> {
        self.read(text, slot)
            .unwrap_or(Cow::Borrowed(SEALED_NOTICE))
    }
}

/// Every epoch of `committee` whose key was sealed to `member` and opens
/// with one of `secrets`.
fn open_committee(
    committee: &Committee,
    member: &PublicKey,
    secrets: &[EncryptionSecret],
) -> Vec<(Hash, EpochKey)> {
    committee
        .epochs
        .iter()
        .filter_map(|(id, epoch)| {
            let boxes = epoch.boxes.get(member)?;
            boxes.iter().find_map(|sealed| {
                secrets
                    .iter()
                    .find_map(|secret| EpochKey::open(&committee.id, sealed, secret))
                    .map(|key| (*id, key))
            })
        })
        .collect()
}

/// The slot of a proposal's title.
pub fn proposal_title(committee: Hash, proposer: PublicKey) -> Slot {
    Slot {
        committee,
        author: proposer,
        field: Slot::PROPOSAL_TITLE,
    }
}

/// The slot of a proposal's text (as proposed or as revised by its
/// proposer).
pub fn proposal_text(committee: Hash, proposer: PublicKey) -> Slot {
    Slot {
        committee,
        author: proposer,
        field: Slot::PROPOSAL_TEXT,
    }
}

/// The slot of a discussion post's text (or of an edit of it).
pub fn post_text(committee: Hash, author: PublicKey) -> Slot {
    Slot {
        committee,
        author,
        field: Slot::POST_TEXT,
    }
}

/// The slot of an action report's text (or an update's), by its author.
pub fn report_text(committee: Hash, author: PublicKey) -> Slot {
    Slot {
        committee,
        author,
        field: Slot::REPORT_TEXT,
    }
}

/// The slot of a discussion thread's title.
pub fn thread_title(committee: Hash, author: PublicKey) -> Slot {
    Slot {
        committee,
        author,
        field: Slot::THREAD_TITLE,
    }
}

/// `name` padded with NUL bytes to a multiple of
/// [`crate::validate::NAME_PAD_BYTES`], as it is sealed: the ciphertext's
/// size says only which band of 32 bytes the name falls in. A name holds
/// no control character, so the padding is stripped unambiguously.
pub fn padded_name(name: &str) -> String {
    let pad = crate::validate::NAME_PAD_BYTES;
    let len = name.len().max(1).div_ceil(pad) * pad;
    let mut padded = name.to_string();
    padded.extend(std::iter::repeat_n('\0', len - name.len()));
    padded
}

/// The slot of `member`'s display name sealed to `committee`.
pub fn display_name(committee: Hash, member: PublicKey) -> Slot {
    Slot {
        committee,
        author: member,
        field: Slot::DISPLAY_NAME,
    }
}

/// The text of a post, an edit of one or a revision of a proposal, read
/// from the op that carries it (its author `author`), with the slot it is
/// sealed in: what a discussion view opens.
pub fn post_text_of(body: &Body, author: PublicKey) -> Option<(&Text, Slot)> {
    let committee = body.committee()?;
    match body {
        Body::Revise { text, .. } => Some((text, proposal_text(committee, author))),
        _ => crate::discussion::text_of(body).map(|text| (text, post_text(committee, author))),
    }
}

/// Who content sealed to `committee` is for now: its members (for a
/// council, its seated delegates, or its convenor before any seat), less
/// anyone who forked (their key may be in other hands).
pub fn readers(state: &State, committee: &Committee) -> BTreeSet<PublicKey> {
    let all: BTreeSet<PublicKey> = if committee.kind.is_council() {
        council_voters(state, committee).into_keys().collect()
    } else {
        committee.members.clone()
    };
    all.into_iter()
        .filter(|k| !state.forks.contains_key(k))
        .collect()
}

/// The op `me` should author so that sealing keeps up with the state
/// (docs/DESIGN.md "Sealing"), if any. The caller authors it, folds it,
/// reopens its keyring and asks again, until none is left.
/// - Publish `my_key` if the state holds another (or none) for `me`.
/// - In each committee `me` reads for (or only in `only`) whose readers
///   have all published a key, start a new epoch sealed to them when there
///   is no epoch yet, or when the current one is held by someone who is no
///   longer a reader (left, removed, unseated, forked), or is not held by
///   a reader (a new member: they read from the new epoch on, not what was
///   sealed before they joined), or when `me` cannot open it.
///
/// Concurrent new epochs are harmless: the fold makes the one that sorts
/// last current, and each stays readable by those it was sealed to.
pub fn next_key_op(
    state: &State,
    keyring: &Keyring,
    me: &PublicKey,
    my_key: &EncryptionKey,
    only: Option<&Hash>,
) -> Option<Body> {
    if state.encryption_keys.get(me).map(|p| &p.key) != Some(my_key) {
        return Some(Body::EncryptionKey { key: *my_key });
    }
    let committees = state
        .committees
        .values()
        .filter(|c| only.is_none_or(|only| *only == c.id));
    committees.into_iter().find_map(|committee| {
        let readers = readers(state, committee);
        if !readers.contains(me) {
            return None;
        }
        let keyed: BTreeMap<PublicKey, EncryptionKey> = readers
            .iter()
            .filter_map(|r| Some((*r, state.encryption_keys.get(r)?.key)))
            .collect();
        // Nothing is sealed to a committee with a reader who has no key
        // (see [`Keyring::seal`]), so it needs no epoch either; nor to one
        // whose readers' boxes do not fit in one op: a `Rekey` that large
        // would be refused and every act there would fail with it.
        if keyed.len() < readers.len() || keyed.len() > MAX_SEALED_READERS {
            return None;
        }
        let key = EpochKey::generate();
        let stale = match committee.current_epoch() {
            None => true,
            Some((id, epoch)) => {
                epoch.boxes.keys().any(|holder| !readers.contains(holder))
                    || keyring.epoch_key(&committee.id, id).is_none()
                    // A published key nothing can be sealed to (a
                    // low-order point) must not make every member rekey
                    // at every turn.
                    || keyed.iter().any(|(r, k)| {
                        !epoch.boxes.contains_key(r) && key.seal_to(&committee.id, *r, k).is_some()
                    })
            }
        };
        if !stale {
            return None;
        }
        let boxes = seal_to_all(&key, &committee.id, &keyed);
        (!boxes.is_empty()).then_some(Body::Rekey {
            committee: committee.id,
            boxes,
        })
    })
}

/// The most readers one `Rekey` seals to: each box is about 115 bytes
/// encoded, so this many fit in [`crate::op::MAX_OP_BYTES`] with room for
/// the op's other fields. A larger committee writes clear (it has no
/// epoch its every reader holds, see [`Keyring::seal`]) until epochs span
/// several ops.
pub const MAX_SEALED_READERS: usize = 500;

/// `key` sealed to each member of `to`, in member order (the one canonical
/// order); members whose published key is unusable are left out.
fn seal_to_all(
    key: &EpochKey,
    committee: &Hash,
    to: &BTreeMap<PublicKey, EncryptionKey>,
) -> Vec<KeyBox> {
    to.iter()
        .filter_map(|(member, enc)| key.seal_to(committee, *member, enc))
        .take(crate::validate::MAX_LIST)
        .collect()
}

impl Keyring {
    /// `body` as `author` should author it: a proposal's title and text
    /// (and a revision of its text) and every discussion text (a thread's
    /// title and opening text, comments, edits, suggestions,
    /// announcements) sealed to the committee's current epoch when this
    /// keyring holds its key and every reader holds that epoch;
    /// everything else unchanged.
    ///
    /// Clear, because the federation must read them: demands, reports and
    /// public statements (a `Statement { public: true }` proposal). A
    /// removal's or a recall's title is sealed like any other: a typed
    /// one may give a name or reasons; its subject's key stays clear.
    pub fn seal(&self, state: &State, author: &PublicKey, body: Body) -> Body {
        if !body.carries_committee_text() {
            return body;
        }
        let Some((c, epoch, key)) = self.sealing_key(state, &body) else {
            return body;
        };
        let seal = |text: Text, slot: Slot| match text {
            Text::Plain(plain) => Text::Sealed(SealedText::seal(key, epoch, &slot, &plain)),
            sealed => sealed,
        };
        match body {
            Body::Propose {
                committee,
                kind,
                title,
                text,
                closes_at,
            } => Body::Propose {
                // A removal's or a recall's title too: a typed one may
                // give a name or reasons (the subject's key is clear).
                title: seal(title, proposal_title(c, *author)),
                text: seal(text, proposal_text(c, *author)),
                committee,
                kind,
                closes_at,
            },
            Body::Revise {
                committee,
                proposal,
                text,
            } if !committee_proposal_is_public(state, &committee, &proposal) => Body::Revise {
                committee,
                proposal,
                text: seal(text, proposal_text(c, *author)),
            },
            Body::OpenThread {
                committee,
                title,
                text,
            } => Body::OpenThread {
                committee,
                title: seal(title, thread_title(c, *author)),
                text: seal(text, post_text(c, *author)),
            },
            Body::Comment {
                committee,
                target,
                text,
            } => Body::Comment {
                committee,
                target,
                text: seal(text, post_text(c, *author)),
            },
            Body::EditPost {
                committee,
                post,
                text,
            } => Body::EditPost {
                committee,
                post,
                text: seal(text, post_text(c, *author)),
            },
            Body::Suggest {
                committee,
                proposal,
                text,
            } => Body::Suggest {
                committee,
                proposal,
                text: seal(text, post_text(c, *author)),
            },
            Body::Announce { committee, text } => Body::Announce {
                committee,
                text: seal(text, post_text(c, *author)),
            },
            other => other,
        }
    }
}

impl Keyring {
    /// The committee of `body`, its current epoch and its key, when this
    /// keyring holds it and every reader of the committee holds that
    /// epoch: sealing to a committee some of whose readers have published
    /// no key (an older build, a member who has not acted since) would
    /// shut them out of their own committee, so its texts stay clear
    /// until every reader has one.
    fn sealing_key(&self, state: &State, body: &Body) -> Option<(Hash, Hash, &EpochKey)> {
        let committee = body.committee().and_then(|c| state.committees.get(&c))?;
        self.committee_sealing_key(state, committee, &readers(state, committee))
    }

    /// [`Keyring::sealing_key`] of `committee`, whose readers are `readers`.
    fn committee_sealing_key(
        &self,
        state: &State,
        committee: &Committee,
        readers: &BTreeSet<PublicKey>,
    ) -> Option<(Hash, Hash, &EpochKey)> {
        if readers
            .iter()
            .any(|r| !state.encryption_keys.contains_key(r))
        {
            return None;
        }
        let (epoch, sealed_to) = committee.current_epoch()?;
        if readers.iter().any(|r| !sealed_to.boxes.contains_key(r)) {
            return None;
        }
        let key = self.epoch_key(&committee.id, epoch)?;
        Some((committee.id, *epoch, key))
    }

    /// A report or report update with its text sealed to its committee
    /// ("committee only", issue 14): counts, areas, dates, status and
    /// participants stay clear, for the fold and the situation. `None` if
    /// it cannot be sealed now (no epoch every reader holds, or this
    /// keyring lacks it): the caller refuses rather than publish clear
    /// what was meant for the committee. An empty text stays empty.
    pub fn seal_report(&self, state: &State, author: &PublicKey, body: Body) -> Option<Body> {
        let (c, epoch, key) = self.sealing_key(state, &body)?;
        let seal = |text: Text| match text {
            Text::Plain(plain) if !plain.is_empty() => Text::Sealed(SealedText::seal(
                key,
                epoch,
                &report_text(c, *author),
                &plain,
            )),
            other => other,
        };
        match body {
            Body::Report {
                committee,
                kind,
                status,
                area,
                participants,
                starts_at,
                text,
            } => Some(Body::Report {
                committee,
                kind,
                status,
                area,
                participants,
                starts_at,
                text: seal(text),
            }),
            Body::UpdateReport {
                committee,
                report,
                status,
                participants,
                text,
            } => Some(Body::UpdateReport {
                committee,
                report,
                status,
                participants,
                text: seal(text),
            }),
            _ => None,
        }
    }
}

/// True when `body` updates a report marked "committee only": its text is
/// sealed too, whoever writes it.
pub fn updates_committee_only_report(state: &State, body: &Body) -> bool {
    match body {
        Body::UpdateReport {
            committee, report, ..
        } => state
            .committees
            .get(committee)
            .and_then(|c| c.reports.get(report))
            .is_some_and(|r| r.committee_only()),
        _ => false,
    }
}

fn committee_proposal_is_public(state: &State, committee: &Hash, proposal: &Hash) -> bool {
    state
        .committees
        .get(committee)
        .and_then(|c| c.proposals.get(proposal))
        .is_some_and(|p| matches!(p.kind, ProposalKind::Statement { public: true }))
}

/// The most committees one display name is sealed to: a sealed name of the
/// longest kind takes about 320 bytes, so this many fit in one op with
/// room to spare. A member of more committees names themselves to the
/// first this many, in committee order.
pub const MAX_SEALED_NAMES: usize = 150;

/// The profile `me` should author now so that every committee they read
/// for reads their display name `name` (docs/DESIGN.md "Member display
/// names"), if any: a [`Body::SealedProfile`] with `name` sealed to the
/// current epoch of each committee `me` reads for that can be sealed to
/// (see [`Keyring::seal`]), when their profile is clear or missing, says
/// another name, or leaves one of those committees out or sealed to an
/// epoch one of its readers does not hold (a new member). `None` when it
/// is up to date, or when `me` reads for no committee that can be sealed
/// to: a candidate, or a member who left every committee, publishes no
/// name at all, since there is nobody to seal it to.
///
/// The caller first starts the epochs the state calls for
/// ([`next_key_op`]), so that a committee with a new member has one they
/// hold.
pub fn next_profile_op(
    state: &State,
    keyring: &Keyring,
    me: &PublicKey,
    name: &str,
) -> Option<Body> {
    let mut wanted = Vec::new();
    for committee in state.committees.values() {
        let readers = readers(state, committee);
        if !readers.contains(me) {
            continue;
        }
        if let Some(sealing) = keyring.committee_sealing_key(state, committee, &readers) {
            wanted.push((committee, readers, sealing));
        }
        if wanted.len() == MAX_SEALED_NAMES {
            break;
        }
    }
    if wanted.is_empty() {
        return None;
    }
    let published = match state.profiles.get(me).map(|p| &p.name) {
        Some(DisplayName::Sealed(names)) => names.as_slice(),
        _ => &[],
    };
    let up_to_date = wanted.iter().all(|(committee, readers, _)| {
        published
            .iter()
            .find(|sealed| sealed.committee == committee.id)
            .is_some_and(|sealed| {
                committee
                    .epochs
                    .get(&sealed.name.epoch)
                    .is_some_and(|epoch| readers.iter().all(|r| epoch.boxes.contains_key(r)))
                    && keyring.open_name(sealed, me).as_deref() == Some(name)
            })
    });
    if up_to_date {
        return None;
    }
    let names = wanted
        .into_iter()
        .map(|(committee, _, (c, epoch, key))| SealedName {
            committee: committee.id,
            name: SealedText::seal(key, epoch, &display_name(c, *me), &padded_name(name)),
        })
        .collect();
    Some(Body::SealedProfile { names })
}
