//! What one member can read (issue 14): the epoch keys sealed to them,
//! opened from the boxes the fold keeps, and the texts those keys open.
//!
//! Views read every [`Text`] through a [`Keyring`]: clear text as it is,
//! sealed text opened when this member holds its epoch's key, and
//! otherwise [`SEALED_NOTICE`]. Nothing here changes the state; a text
//! that fails to open is shown as sealed, never an error.

use crate::body::{Body, ProposalKind, Text};
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

/// The ops `me` should author so that sealing keeps up with the state
/// (docs/DESIGN.md "Sealing"), one at a time: the caller authors the first,
/// folds it, reopens its keyring and asks again, until none is left.
/// - publish `my_key` if the state holds another (or none) for `me`;
/// - in each committee `me` reads for: a new epoch if there is none, if
///   someone who holds the current epoch's key is no longer a reader (left,
///   removed, unseated, forked), or if `me` cannot open the current epoch;
/// - else share the current epoch with readers who have published a key
///   but hold no box of it (a new member).
pub fn next_key_op(
    state: &State,
    keyring: &Keyring,
    me: &PublicKey,
    my_key: &EncryptionKey,
) -> Option<Body> {
    if state.encryption_keys.get(me).map(|p| &p.key) != Some(my_key) {
        return Some(Body::EncryptionKey { key: *my_key });
    }
    for committee in state.committees.values() {
        let readers = readers(state, committee);
        if !readers.contains(me) {
            continue;
        }
        let keyed: BTreeMap<PublicKey, EncryptionKey> = readers
            .iter()
            .filter_map(|r| Some((*r, state.encryption_keys.get(r)?.key)))
            .collect();
        let current = committee.current_epoch();
        let stale = match current {
            None => true,
            Some((id, epoch)) => {
                epoch.boxes.keys().any(|holder| !readers.contains(holder))
                    || keyring.epoch_key(&committee.id, id).is_none()
            }
        };
        if stale {
            let key = EpochKey::generate();
            let boxes = seal_to_all(&key, &committee.id, &keyed);
            if !boxes.is_empty() {
                return Some(Body::Rekey {
                    committee: committee.id,
                    boxes,
                });
            }
            continue;
        }
        let Some((id, epoch)) = current else {
            continue;
        };
        let missing: BTreeMap<PublicKey, EncryptionKey> = keyed
            .into_iter()
            .filter(|(r, _)| !epoch.boxes.contains_key(r))
            .collect();
        if let Some(key) = keyring.epoch_key(&committee.id, id)
            && !missing.is_empty()
        {
            let boxes = seal_to_all(key, &committee.id, &missing);
            if !boxes.is_empty() {
                return Some(Body::ShareEpoch {
                    committee: committee.id,
                    epoch: *id,
                    boxes,
                });
            }
        }
    }
    None
}

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
    /// `body` as `author` should author it: the texts that are the
    /// committee's own (proposal titles and texts, discussion) sealed to
    /// the committee's current epoch when this keyring holds its key, the
    /// rest unchanged. What the federation must read stays clear: demands,
    /// reports, and public statements (a `Statement { public: true }`
    /// proposal).
    pub fn seal(&self, state: &State, author: &PublicKey, body: Body) -> Body {
        let Some(committee) = body.committee().and_then(|c| state.committees.get(&c)) else {
            return body;
        };
        let Some((epoch, _)) = committee.current_epoch() else {
            return body;
        };
        let Some(key) = self.epoch_key(&committee.id, epoch) else {
            return body;
        };
        let (c, epoch) = (committee.id, *epoch);
        let seal = |text: Text, slot: Slot| match text {
            Text::Plain(plain) => Text::Sealed(SealedText::seal(key, epoch, &slot, &plain)),
            sealed => sealed,
        };
        let post = post_text(c, *author);
        match body {
            Body::Propose {
                committee,
                kind,
                title,
                text,
                closes_at,
            } if !matches!(kind, ProposalKind::Statement { public: true }) => Body::Propose {
                committee,
                kind,
                title: seal(title, proposal_title(c, *author)),
                text: seal(text, proposal_text(c, *author)),
                closes_at,
            },
            Body::Revise {
                committee,
                proposal,
                text,
            } => {
                // A public statement's text stays clear when revised.
                let public = committee_proposal_is_public(state, &committee, &proposal);
                Body::Revise {
                    committee,
                    proposal,
                    text: if public {
                        text
                    } else {
                        seal(text, proposal_text(c, *author))
                    },
                }
            }
            Body::OpenThread {
                committee,
                title,
                text,
            } => Body::OpenThread {
                committee,
                title,
                text: seal(text, post),
            },
            Body::Comment {
                committee,
                target,
                text,
            } => Body::Comment {
                committee,
                target,
                text: seal(text, post),
            },
            Body::EditPost {
                committee,
                post: edited,
                text,
            } => Body::EditPost {
                committee,
                post: edited,
                text: seal(text, post),
            },
            Body::Suggest {
                committee,
                proposal,
                text,
            } => Body::Suggest {
                committee,
                proposal,
                text: seal(text, post),
            },
            Body::Announce { committee, text } => Body::Announce {
                committee,
                text: seal(text, post),
            },
            other => other,
        }
    }
}

fn committee_proposal_is_public(state: &State, committee: &Hash, proposal: &Hash) -> bool {
    state
        .committees
        .get(committee)
        .and_then(|c| c.proposals.get(proposal))
        .is_some_and(|p| matches!(p.kind, ProposalKind::Statement { public: true }))
}
