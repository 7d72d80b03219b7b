//! Authoring an op as this device's member, safely.
//!
//! Order (DESIGN §3): the op is persisted in the database before the key
//! file records it, and nothing is exported before it is persisted. A
//! database behind the key file's record refuses to author, because
//! authoring there would fork the member's identity.

use crate::Store;
use crate::db::StoreError;
use crate::keyfile::{KeyError, KeyFile};
use kenes_core::body::Text;
use kenes_core::engine::DropReason;
use kenes_core::keyring::{Keyring, next_key_op, next_profile_op, updates_committee_only_report};
use kenes_core::keys::is_small_order;
use kenes_core::seal::EncryptionSecret;
use kenes_core::{Body, Hash, Op, PublicKey, RejectReason, SecretKey, Verify};
use std::path::Path;

/// Why an op was not authored.
#[derive(Debug, thiserror::Error)]
pub enum AuthorError {
    /// The database lacks the member's last op that the key file records.
    #[error(
        "this database is behind your key file (your last op here is seq {seq}, {id}): authoring now would fork your identity; import a bundle that holds it first"
    )]
    Behind {
        /// The recorded sequence number.
        seq: u64,
        /// The recorded op, shortened.
        id: String,
    },
    /// The engine would reject the op in the current state.
    #[error("refused: {0}")]
    Rejected(RejectReason),
    /// The engine would drop the op (for a reason of standing or size).
    #[error("refused: {reason}{hint}", hint = if matches!(reason, DropReason::NoStanding) { ": a member must vouch for you, and you must import their bundle" } else { "" })]
    Dropped {
        /// Why.
        reason: DropReason,
    },
    /// The body names a key that can never sign (a small-order point).
    #[error("refused: {0} is not a key anyone can sign with (a small-order or invalid point)")]
    NeverSigns(String),
    /// A report's participants above [`MAX_PARTICIPANTS`]: a bound of
    /// authoring only (the fold accepts any `u32`, so ops authored before
    /// the bound, or elsewhere, stay valid and views flag them instead).
    #[error("refused: {participants} participants is more than one report may claim (at most {max})", max = MAX_PARTICIPANTS)]
    TooManyParticipants {
        /// The figure given.
        participants: u32,
    },
    /// A text meant for the committee only could not be sealed to it.
    #[error(
        "refused: this committee cannot seal yet (a member has published no encryption key, or it has more than 500 readers); marked committee only, the text would be readable by the whole federation"
    )]
    CannotSeal,
    /// A report marked committee only with no text: its later updates
    /// follow the first text's reach, so an empty first text would leave
    /// them readable by the whole federation.
    #[error(
        "refused: a report marked committee only needs a text (what the committee alone should read); its updates follow it"
    )]
    EmptyCommitteeOnly,
    /// The key file could not be read or written.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The database failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AuthorError {
    fn from(e: StoreError) -> AuthorError {
        AuthorError::Store(e)
    }
}

impl AuthorError {
    /// Whether the error is the user's to fix (as opposed to a failure of
    /// this machine).
    pub fn is_user_error(&self) -> bool {
        match self {
            AuthorError::Behind { .. }
            | AuthorError::Rejected(_)
            | AuthorError::Dropped { .. }
            | AuthorError::NeverSigns(_)
            | AuthorError::CannotSeal
            | AuthorError::EmptyCommitteeOnly
            | AuthorError::TooManyParticipants { .. } => true,
            AuthorError::Store(e) => e.is_user_error(),
            AuthorError::Key(_) => false,
        }
    }
}

/// Authors `body` with `key` in `store`'s federation at time `now_ms`:
/// refuses if the database is behind the key file at `key_path` or the op
/// would be rejected, persists the op, then records it in the key file.
pub fn author(
    store: &mut Store,
    key_path: &Path,
    key: &SecretKey,
    body: Body,
    now_ms: u64,
) -> Result<Op, AuthorError> {
    let me = key.public();
    let federation: Hash = store.federation();
    if let Some(named) = never_signs(&body) {
        return Err(AuthorError::NeverSigns(named.short()));
    }
    if let Some(participants) = reported_participants(&body)
        && participants > MAX_PARTICIPANTS
    {
        return Err(AuthorError::TooManyParticipants { participants });
    }
    // Under the database's write lock, after loading what other processes
    // wrote: check, author and persist as one transaction (issue 12).
    let op = store.locked(|store| {
        let key_file = KeyFile::load(key_path)?;
        if let Some(last) = key_file.last(&federation) {
            let (next, _) = store.engine().next_position(&me);
            if !store.engine().contains(&last.id) || next <= last.seq {
                return Err(AuthorError::Behind {
                    seq: last.seq,
                    id: last.id.short(),
                });
            }
        }
        if !matches!(body, Body::CreateFederation { .. })
            && let Err(reason) = store.check(me, &body)
        {
            return Err(AuthorError::Rejected(reason));
        }
        let op = store.engine().author(key, body, now_ms);
        let report = store.ingest(std::slice::from_ref(&op.bytes), Verify::Signatures)?;
        if let Some((_, reason)) = report.dropped.first() {
            return Err(AuthorError::Dropped {
                reason: reason.clone(),
            });
        }
        Ok(op)
    })?;
    KeyFile::record_last(key_path, federation, op.fields.seq, op.id)?;
    Ok(op)
}

/// The most participants one report (or update) may claim when authored
/// here: more people than took part in any action of January 2022 many
/// times over, and few enough that a typo of extra zeros is caught.
pub const MAX_PARTICIPANTS: u32 = 1_000_000;

/// The participants a report or a report update claims.
pub fn reported_participants(body: &Body) -> Option<u32> {
    match body {
        Body::Report { participants, .. } | Body::UpdateReport { participants, .. } => {
            Some(*participants)
        }
        _ => None,
    }
}

/// The key a body names that can never author an op (a small-order point,
/// or bytes that are no point): vouching for it, or electing it, could
/// never be followed by any act of theirs (issue 12).
pub fn never_signs(body: &Body) -> Option<PublicKey> {
    match body {
        Body::Vouch { candidate, .. } => Some(*candidate),
        _ => None,
    }
    .filter(is_small_order)
}

/// Founds a federation named `name` in `data` with `key` as its founder:
/// the genesis op is made in memory and the database is created holding
/// it, whole (a kill at any point leaves no federation or this one), then
/// the key file records it. The founder's display name is not published
/// here: it goes out sealed to their first committee when they create it
/// ([`keep_name_up`]). The CLI's `federation create` and the web UI's
/// onboarding both found through here.
pub fn found(
    data: &crate::datadir::DataDir,
    key: &SecretKey,
    name: &str,
    now_ms: u64,
) -> Result<Hash, AuthorError> {
    let genesis = kenes_core::op::genesis(key, name, now_ms);
    kenes_core::validate::check_stateless(&genesis.bytes)
        .map_err(|e| StoreError::BadGenesis(e.to_string()))?;
    data.create(genesis.id, &[genesis.bytes.as_slice()])?;
    KeyFile::record_last(&data.key_file(), genesis.id, genesis.fields.seq, genesis.id)?;
    Ok(genesis.id)
}

/// Authors `body` as [`author`] does, sealed (issue 14): first the key ops
/// the state calls for ([`upkeep`]: this member's published key, and, when
/// `body` carries text of a committee, that committee's epoch), then `body`
/// with its committee texts sealed to the committee's current epoch
/// ([`kenes_core::keyring::Keyring::seal`]). So a rotation a removal,
/// leave, fork or join calls for happens before the next text is sealed.
/// `secrets` are the member's X25519 secrets, newest last.
pub fn author_sealed(
    store: &mut Store,
    key_path: &Path,
    key: &SecretKey,
    secrets: &[EncryptionSecret],
    body: Body,
    now_ms: u64,
) -> Result<Op, AuthorError> {
    author_reaching(store, key_path, key, secrets, body, Reach::Default, now_ms)
}

/// Who a text is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// As the rule of issue 14 says: committee texts sealed to the
    /// committee, what the federation must read clear (a report's text
    /// among them, unless it updates a report marked committee only).
    Default,
    /// A report's text (or an update's) marked "committee only": sealed
    /// to the committee, or refused ([`AuthorError::CannotSeal`]) if it
    /// cannot be; its counts, area, dates and status stay clear.
    Committee,
}

/// [`author_sealed`], with a report's text sealed to its committee when
/// `reach` is [`Reach::Committee`] or the report it updates was marked
/// committee only.
pub fn author_reaching(
    store: &mut Store,
    key_path: &Path,
    key: &SecretKey,
    secrets: &[EncryptionSecret],
    body: Body,
    reach: Reach,
    now_ms: u64,
) -> Result<Op, AuthorError> {
    // A refused act changes nothing: judge it before publishing a key or
    // starting an epoch for it (`author` judges it again, under the lock).
    if !matches!(body, Body::CreateFederation { .. }) {
        store
            .check(key.public(), &body)
            .map_err(AuthorError::Rejected)?;
    }
    let committee_only =
        reach == Reach::Committee || updates_committee_only_report(store.engine().state(), &body);
    if reach == Reach::Committee
        && matches!(&body, Body::Report { text: Text::Plain(text), .. } if text.trim().is_empty())
    {
        return Err(AuthorError::EmptyCommitteeOnly);
    }
    if committee_only {
        let committee = body.committee().ok_or(AuthorError::CannotSeal)?;
        upkeep(store, key_path, key, secrets, Some(&committee), now_ms)?;
        let me = key.public();
        let sealed = {
            let state = store.engine().state();
            Keyring::open(state, &me, secrets).seal_report(state, &me, body)
        }
        .ok_or(AuthorError::CannotSeal)?;
        let op = author(store, key_path, key, sealed, now_ms)?;
        name_after_act(store, key_path, key, secrets, now_ms);
        return Ok(op);
    }
    match body
        .carries_committee_text()
        .then(|| body.committee())
        .flatten()
    {
        Some(committee) => {
            upkeep(store, key_path, key, secrets, Some(&committee), now_ms)?;
        }
        None => publish_key(store, key_path, key, secrets, now_ms)?,
    }
    let me = key.public();
    let sealed = {
        let state = store.engine().state();
        Keyring::open(state, &me, secrets).seal(state, &me, body)
    };
    let op = author(store, key_path, key, sealed, now_ms)?;
    name_after_act(store, key_path, key, secrets, now_ms);
    Ok(op)
}

/// [`keep_name_up`] after an act that is already stored: a failure there
/// is logged, never reported as the act's, which would invite a retry and
/// a second proposal or vote. The next act tries again.
fn name_after_act(
    store: &mut Store,
    key_path: &Path,
    key: &SecretKey,
    secrets: &[EncryptionSecret],
    now_ms: u64,
) {
    if let Err(e) = keep_name_up(store, key_path, key, secrets, now_ms) {
        tracing::warn!("the act is stored; sealing the display name failed: {e}");
    }
}

/// Keeps this member's display name (the key file's) readable, sealed, by
/// every committee they read for (issue 14): starts the epochs the state
/// calls for ([`upkeep`]), then authors a sealed profile if theirs is
/// missing, clear, names someone else or leaves out a reader
/// ([`kenes_core::keyring::next_profile_op`]). Runs after every act, so a
/// join or a new committee names its author at once, and a rotation is
/// followed by the member's next act. A candidate, in no committee yet,
/// publishes no name: there is nobody to seal it to.
pub fn keep_name_up(
    store: &mut Store,
    key_path: &Path,
    key: &SecretKey,
    secrets: &[EncryptionSecret],
    now_ms: u64,
) -> Result<Option<Op>, AuthorError> {
    let name = KeyFile::load(key_path)?.name;
    let name = name.trim();
    // A key file from an older build or edited by hand may hold a name no
    // profile may carry: publish nothing rather than re-seal at every act
    // a name its readers would refuse.
    if kenes_core::validate::check_body(&Body::Profile { name: name.into() }).is_err() {
        return Ok(None);
    }
    upkeep(store, key_path, key, secrets, None, now_ms)?;
    let me = key.public();
    let next = {
        let state = store.engine().state();
        let keyring = Keyring::open(state, &me, secrets);
        next_profile_op(state, &keyring, &me, name)
    };
    let Some(body) = next else { return Ok(None) };
    match author(store, key_path, key, body, now_ms) {
        Ok(op) => Ok(Some(op)),
        // Without standing (not synced in yet) there is nothing to name.
        Err(AuthorError::Dropped { .. } | AuthorError::Rejected(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Publishes this member's newest encryption key if the state holds
/// another or none, so that others can seal to them.
fn publish_key(
    store: &mut Store,
    key_path: &Path,
    key: &SecretKey,
    secrets: &[EncryptionSecret],
    now_ms: u64,
) -> Result<(), AuthorError> {
    let Some(newest) = secrets.last().map(EncryptionSecret::public) else {
        return Ok(());
    };
    let published = store.engine().state().encryption_keys.get(&key.public());
    if published.is_some_and(|p| p.key == newest) {
        return Ok(());
    }
    match author(
        store,
        key_path,
        key,
        Body::EncryptionKey { key: newest },
        now_ms,
    ) {
        // Without standing yet (a candidate not synced in) there is
        // nothing to publish to.
        Ok(_) | Err(AuthorError::Dropped { .. } | AuthorError::Rejected(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Authors, one by one, the key ops this member should issue now
/// ([`kenes_core::keyring::next_key_op`]): publish their encryption key,
/// and in `only` (or every committee they read for) start a new epoch
/// where there is none, a holder of the current one left, was removed or
/// forked, or a new member holds none. Returns them.
pub fn upkeep(
    store: &mut Store,
    key_path: &Path,
    key: &SecretKey,
    secrets: &[EncryptionSecret],
    only: Option<&Hash>,
    now_ms: u64,
) -> Result<Vec<Op>, AuthorError> {
    let me = key.public();
    let Some(newest) = secrets.last() else {
        return Ok(Vec::new());
    };
    let mine = newest.public();
    let mut authored = Vec::new();
    // Each op changes what the next needs; a bound keeps a surprise (an
    // op refused for a reason not foreseen) from looping.
    let bound = 2 + 2 * store.engine().state().committees.len();
    for _ in 0..bound {
        let next = {
            let state = store.engine().state();
            let keyring = Keyring::open(state, &me, secrets);
            next_key_op(state, &keyring, &me, &mine, only)
        };
        let Some(body) = next else { break };
        match author(store, key_path, key, body, now_ms) {
            Ok(op) => authored.push(op),
            // Without standing (a candidate not yet synced in) there is
            // nothing to keep up yet.
            Err(AuthorError::Dropped { .. } | AuthorError::Rejected(_)) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(authored)
}
