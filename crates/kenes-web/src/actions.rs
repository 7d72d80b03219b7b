//! Everything the UI may change, as one enum parsed from untrusted input
//! (a form's fields or a JSON object, both seen as name/value pairs), and
//! applied by authoring an op as this device's member.
//!
//! Parsing checks shape only; whether the member may do it is the engine's
//! `check`, run again by [`kenes_store::author::author`] before anything is
//! written. Bad input never reaches the store.

use crate::kinds::{COMMITTEE_KINDS, KindError, PROPOSAL_KINDS, PolicyChanges};
use kenes_core::body::{
    Ballot, CommitteeKind, DemandCategory, Policy, ProposalKind, ReportKind, ReportStatus,
};
use kenes_core::tally::Choice;
use kenes_core::{Body, Hash, PublicKey};
use kenes_store::author::{AuthorError, MAX_PARTICIPANTS};
use kenes_store::peers::{PeerBook, PeersError};
use kenes_sync::net::Ticket;
use kenes_sync::node::Node;

/// A request to change something. Each field has the name of the form
/// field (or JSON key) that carries it, and the meaning of the op body
/// field it becomes.
#[derive(Debug, PartialEq)]
#[allow(missing_docs)]
pub enum Action {
    /// Vouch for `pubkey` in `committee`.
    Vouch { committee: Hash, pubkey: PublicKey },
    /// Join `committee`.
    Join { committee: Hash },
    /// Leave `committee`.
    Leave { committee: Hash },
    /// Create a committee of `kind`; `vouches_required` or the default.
    CreateCommittee {
        name: String,
        kind: CommitteeKind,
        vouches_required: Option<u32>,
    },
    /// Put a question to `committee`. A blank title becomes the kind's
    /// default ([`crate::kinds::default_title`]).
    Propose {
        committee: Hash,
        kind: KindRequest,
        title: String,
        text: String,
        hours: u64,
    },
    /// Vote on `proposal`.
    Vote { proposal: Hash, ballot: Ballot },
    /// Close `proposal`.
    Close { proposal: Hash },
    /// Put a demand forward.
    Demand {
        committee: Hash,
        category: DemandCategory,
        title: String,
        text: String,
    },
    /// Support a demand.
    Support { demand: Hash },
    /// Report an action; its text sealed to the committee when
    /// `committee_only` (the form's `reach` is `committee`).
    Report {
        committee: Hash,
        kind: ReportKind,
        status: ReportStatus,
        area: String,
        participants: u32,
        text: String,
        committee_only: bool,
    },
    /// Update a report: its status and participants now.
    UpdateReport {
        report: Hash,
        status: ReportStatus,
        participants: Option<u32>,
        text: String,
    },
    /// A deliberation action (issue 15): thread, comment, edit,
    /// retraction, suggestion, revision or announcement.
    Deliberate(crate::deliberation::Request),
    /// Add a peer by ticket.
    AddPeer { ticket: Ticket },
    /// Unlock the member key.
    Unlock { passphrase: String },
    /// Mark the alerts shown under "Needs you" as seen.
    MarkSeen,
    /// Set my display name.
    Profile { name: String },
}

/// The kind of a proposal as asked for: complete, or a change of rules
/// that keeps what it does not name of the committee's policy (known only
/// when the action is applied to the state).
#[derive(Debug, PartialEq)]
pub enum KindRequest {
    /// Any kind but a change of rules.
    Kind(ProposalKind),
    /// A change of rules.
    Policy(PolicyChanges),
}

/// What is wrong with a request's fields. Each has an English text (for
/// the JSON API and logs) and a message in every language, `problem-…`
/// (see [`crate::explain`]).
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum Problem {
    /// A field that must be given is missing or blank.
    #[error("'{0}' is required")]
    Required(&'static str),
    /// Not 64 hex digits.
    #[error("'{0}' is not an id (64 hex digits)")]
    NotAnId(&'static str),
    /// Not a public key.
    #[error("'{0}' is not a public key (64 hex digits)")]
    NotAKey(&'static str),
    /// Not a whole number (or negative).
    #[error("'{0}' is not a whole number")]
    NotANumber(&'static str),
    /// A number below its bound.
    #[error("'{field}' must be at least {min}")]
    TooSmall {
        /// The field.
        field: &'static str,
        /// Its bound.
        min: u64,
    },
    /// Not a fraction between 0 and 1 such as 1/2.
    #[error("'{0}' must be a fraction between 0 and 1, such as 1/2")]
    NotARatio(&'static str),
    /// A council given both an area and an industry, or neither.
    #[error("a council covers an area or an industry: give exactly one")]
    CouncilScope,
    /// A number above its bound.
    #[error("'{field}' must be at most {max}")]
    TooLarge {
        /// The field.
        field: &'static str,
        /// Its bound.
        max: u64,
    },
    /// A text longer than the op allows, in UTF-8 bytes.
    #[error("'{field}' is too long: at most {max} bytes (a Cyrillic letter takes two)")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its bound in bytes.
        max: usize,
    },
    /// A text with control characters, or an area path with an empty part.
    #[error("'{0}' is not well formed (no control characters; area parts separated by /)")]
    Malformed(&'static str),
    /// A value outside its list.
    #[error("'{value}' is not a {field}: {options}")]
    NotOneOf {
        /// The field.
        field: &'static str,
        /// What was sent.
        value: String,
        /// The values allowed.
        options: String,
    },
    /// An unknown action.
    #[error("'{0}' is not an action")]
    NotAnAction(String),
    /// The body breaks a rule of op bodies.
    #[error("the op would be malformed: {0}")]
    Body(String),
    /// A sync ticket that does not parse.
    #[error("not a ticket: {0}")]
    BadTicket(String),
}

/// Why an action was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// The request is malformed.
    #[error(transparent)]
    Invalid(#[from] Problem),
    /// The key is locked.
    #[error("the member key is locked: enter the passphrase first")]
    Locked,
    /// No such thing.
    #[error("no {0} with that id here")]
    NotFound(&'static str),
    /// The store's lock is poisoned: a machine failure.
    #[error("the store is unavailable")]
    Unavailable,
    /// Authoring refused or failed.
    #[error(transparent)]
    Author(#[from] AuthorError),
    /// The peer list failed.
    #[error(transparent)]
    Peers(#[from] PeersError),
    /// What was seen could not be recorded.
    #[error("cannot record the alerts as seen: {0}")]
    Seen(std::io::Error),
    /// The key file could not be read or the passphrase is wrong.
    #[error(transparent)]
    Key(#[from] kenes_store::keyfile::KeyError),
    /// A hub member's session asked for what only the node's owner does
    /// (add a peer, unlock the node's key).
    #[error("only the hub's owner can do that")]
    OwnerOnly,
}

/// Who signs for a hub member's session: their key and their X25519
/// secrets, unmasked for this one action, and their key file on the hub
/// (which records their last op, as the device's key file does).
pub struct Signer {
    /// The member's secret key.
    pub key: kenes_core::SecretKey,
    /// Their encryption secrets, oldest first (issue 14): the authoring
    /// path publishes the newest and seals with the epochs they open.
    pub secrets: Vec<kenes_core::seal::EncryptionSecret>,
    /// Their key file.
    pub key_file: std::path::PathBuf,
}

impl ActionError {
    /// Whether the requester can fix it (4xx) or the machine failed (5xx).
    pub fn is_client_error(&self) -> bool {
        match self {
            ActionError::Author(e) => e.is_user_error(),
            ActionError::Key(kenes_store::keyfile::KeyError::Io(_)) => false,
            ActionError::Peers(PeersError::Io(_)) => false,
            ActionError::Unavailable | ActionError::Seen(_) => false,
            _ => true,
        }
    }
}

/// Name/value pairs with helpers that explain what is wrong.
struct Fields<'a>(&'a [(String, String)]);

impl Fields<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A required text of at most `max` bytes.
    fn text(&self, name: &'static str, max: usize) -> Result<String, Problem> {
        let value = self.optional_text(name, max)?;
        if value.is_empty() {
            return Err(Problem::Required(name));
        }
        Ok(value)
    }

    fn optional_text(&self, name: &'static str, max: usize) -> Result<String, Problem> {
        let value = self.get(name).map(str::trim).unwrap_or("");
        if value.len() > max {
            return Err(Problem::TooLong { field: name, max });
        }
        Ok(value.to_string())
    }

    fn hash(&self, name: &'static str) -> Result<Hash, Problem> {
        let text = self.text(name, 200)?;
        text.parse().map_err(|_| Problem::NotAnId(name))
    }

    fn key(text: &str, name: &'static str) -> Result<PublicKey, Problem> {
        text.trim().parse().map_err(|_| Problem::NotAKey(name))
    }

    /// The required public key in field `name`.
    fn required_key(&self, name: &'static str) -> Result<PublicKey, Problem> {
        Fields::key(&self.text(name, 200)?, name)
    }

    /// A yes/no field (a checkbox sends `on`, JSON `true` or `false`), or
    /// `None` when absent or blank.
    fn flag(&self, name: &'static str) -> Result<Option<bool>, Problem> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(None),
            Some("on" | "true" | "yes" | "1") => Ok(Some(true)),
            Some("off" | "false" | "no" | "0") => Ok(Some(false)),
            Some(other) => Err(Problem::NotOneOf {
                field: name,
                value: other.to_string(),
                options: "yes, no".into(),
            }),
        }
    }

    /// A whole number from `min` to `max`, or `None` when absent or blank.
    fn optional_number(
        &self,
        name: &'static str,
        min: u64,
        max: u64,
    ) -> Result<Option<u32>, Problem> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(None),
            Some(_) => {
                let n: u32 = self.number(name, None, max)?;
                if u64::from(n) < min {
                    return Err(Problem::TooSmall { field: name, min });
                }
                Ok(Some(n))
            }
        }
    }

    /// A whole number up to `max`, or `default` when absent.
    fn number<T: TryFrom<u64>>(
        &self,
        name: &'static str,
        default: Option<T>,
        max: u64,
    ) -> Result<T, Problem> {
        match (
            self.get(name).map(str::trim).filter(|v| !v.is_empty()),
            default,
        ) {
            (Some(v), _) => {
                let n: u64 = v.parse().map_err(|_| {
                    // All digits but too big for u64 is still "too large".
                    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                        Problem::TooLarge { field: name, max }
                    } else {
                        Problem::NotANumber(name)
                    }
                })?;
                if n > max {
                    return Err(Problem::TooLarge { field: name, max });
                }
                T::try_from(n).map_err(|_| Problem::TooLarge { field: name, max })
            }
            (None, Some(d)) => Ok(d),
            (None, None) => Err(Problem::Required(name)),
        }
    }
}

/// Wire names of report kinds, statuses and demand categories: what forms
/// and JSON send, and what their translation keys end with. One table
/// each, read by the parser here and by the views.
pub const REPORT_KINDS: [(&str, ReportKind); 5] = [
    ("strike", ReportKind::Strike),
    ("rally", ReportKind::Rally),
    ("picket", ReportKind::Picket),
    ("meeting", ReportKind::Meeting),
    ("incident", ReportKind::Incident),
];
/// See [`REPORT_KINDS`].
pub const REPORT_STATUSES: [(&str, ReportStatus); 4] = [
    ("active", ReportStatus::Active),
    ("planned", ReportStatus::Planned),
    ("suspended", ReportStatus::Suspended),
    ("ended", ReportStatus::Ended),
];
/// See [`REPORT_KINDS`].
pub const DEMAND_CATEGORIES: [(&str, DemandCategory); 7] = [
    ("wages", DemandCategory::Wages),
    ("jobs", DemandCategory::Jobs),
    ("conditions", DemandCategory::Conditions),
    ("unionrights", DemandCategory::UnionRights),
    ("social", DemandCategory::Social),
    ("political", DemandCategory::Political),
    ("other", DemandCategory::Other),
];

/// The value named `text` in `table`; `field` names the field in errors.
fn named<T: Copy>(table: &[(&str, T)], text: &str, field: &'static str) -> Result<T, Problem> {
    table
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = table.iter().map(|(name, _)| *name).collect();
            Problem::NotOneOf {
                field,
                value: text.to_string(),
                options: names.join(", "),
            }
        })
}

/// Ballot choices by wire name.
const CHOICES: [(&str, Choice); 4] = [
    ("yes", Choice::Yes),
    ("no", Choice::No),
    ("abstain", Choice::Abstain),
    ("block", Choice::Block),
];

/// The most vouches a committee's rules may ask of a candidate.
pub const MAX_VOUCHES: u64 = 100;

/// The kind of a `propose` action from its `kind` field (a decision when
/// absent) and the fields that kind needs; others are ignored.
fn proposal_kind(f: &Fields) -> Result<KindRequest, Problem> {
    let kind = f
        .get("kind")
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .unwrap_or("decision");
    Ok(KindRequest::Kind(match kind {
        "decision" => ProposalKind::Decision,
        "statement" => ProposalKind::Statement {
            public: f.flag("public")?.unwrap_or(false),
        },
        "policy" => {
            let quorum = match f.optional_text("quorum", 32)? {
                q if q.is_empty() => None,
                q => Some(crate::kinds::parse_ratio(&q).map_err(|_| Problem::NotARatio("quorum"))?),
            };
            let changes = PolicyChanges {
                vouches_required: f.optional_number("vouches_required", 1, MAX_VOUCHES)?,
                quorum,
                consensus: f.flag("consensus")?,
            };
            if changes == PolicyChanges::default() {
                return Err(Problem::Required("vouches_required"));
            }
            return Ok(KindRequest::Policy(changes));
        }
        "remove" => ProposalKind::RemoveMember {
            member: f.required_key("member")?,
        },
        "affiliate" => ProposalKind::Affiliate {
            council: f.hash("council")?,
        },
        "accept" => ProposalKind::AcceptAffiliation {
            committee: f.hash("applicant")?,
        },
        // "election" is what the committee page's form sent before there
        // was a form per kind.
        "elect" | "election" => ProposalKind::Election {
            council: f.hash("council")?,
            seats: f.optional_number("seats", 1, MAX_SEATS)?.unwrap_or(1),
            candidates: f
                .all("candidate")
                .into_iter()
                .map(|k| Fields::key(k, "candidate"))
                .collect::<Result<_, _>>()?,
        },
        "recall" => {
            // The form offers seats (council and delegate in one choice);
            // JSON may name them apart.
            let (council, delegate) = match f.get("seat").map(str::trim) {
                Some(seat) if !seat.is_empty() => {
                    let (council, delegate) =
                        seat.split_once(':').ok_or(Problem::NotAnId("seat"))?;
                    (
                        council.parse().map_err(|_| Problem::NotAnId("seat"))?,
                        Fields::key(delegate, "seat")?,
                    )
                }
                _ => (f.hash("council")?, f.required_key("delegate")?),
            };
            ProposalKind::Recall { council, delegate }
        }
        "mandate" => ProposalKind::Mandate {
            council_proposal: f.hash("council_proposal")?,
            choice: named(&CHOICES, &f.text("choice", 64)?, "choice")?,
        },
        "adopt" => ProposalKind::AdoptDemand {
            demand: f.hash("demand")?,
        },
        "merge" => ProposalKind::MergeDemands {
            from: f.hash("from")?,
            into: f.hash("into")?,
        },
        other => {
            return Err(Problem::NotOneOf {
                field: "kind",
                value: other.to_string(),
                options: PROPOSAL_KINDS.join(", "),
            });
        }
    }))
}

/// The longest voting time a form may ask for: a year.
pub const MAX_HOURS: u64 = 24 * 365;
/// The most seats an election may fill from the UI.
pub const MAX_SEATS: u64 = 50;

impl Action {
    /// Parses `action` and its fields. Texts are bounded in bytes as the
    /// op bounds them, and participants by the authoring bound, so the
    /// message names the field and its limit.
    pub fn parse(pairs: &[(String, String)]) -> Result<Action, ActionError> {
        use kenes_core::validate::{MAX_FIELD_BYTES, MAX_NAME_BYTES, MAX_TEXT_BYTES};
        let f = Fields(pairs);
        let action = f.text("action", 64)?;
        Ok(match action.as_str() {
            "vouch" => Action::Vouch {
                committee: f.hash("committee")?,
                pubkey: Fields::key(&f.text("pubkey", 200)?, "pubkey")?,
            },
            "join" => Action::Join {
                committee: f.hash("committee")?,
            },
            "leave" => Action::Leave {
                committee: f.hash("committee")?,
            },
            "create_committee" => {
                let name = f.text("name", MAX_NAME_BYTES)?;
                let wanted = f.text("kind", 64)?;
                let kind = crate::kinds::committee_kind(
                    &wanted,
                    &f.optional_text("area", MAX_FIELD_BYTES)?,
                    &f.optional_text("enterprise", MAX_FIELD_BYTES)?,
                    &f.optional_text("site", MAX_FIELD_BYTES)?,
                    &f.optional_text("industry", MAX_FIELD_BYTES)?,
                )
                .map_err(|e| match e {
                    KindError::Unknown => Problem::NotOneOf {
                        field: "kind",
                        value: wanted.clone(),
                        options: COMMITTEE_KINDS.join(", "),
                    },
                    KindError::Missing(field) => Problem::Required(field),
                    KindError::CouncilScope => Problem::CouncilScope,
                })?;
                Action::CreateCommittee {
                    name,
                    kind,
                    vouches_required: f.optional_number("vouches_required", 1, MAX_VOUCHES)?,
                }
            }
            "propose" => {
                let committee = f.hash("committee")?;
                let kind = proposal_kind(&f)?;
                let title = f.optional_text("title", MAX_NAME_BYTES)?;
                // A decision or statement is its title; other kinds say
                // what they do, and get a title from it when none is given.
                let needs_title = matches!(
                    kind,
                    KindRequest::Kind(ProposalKind::Decision | ProposalKind::Statement { .. })
                );
                if title.is_empty() && needs_title {
                    return Err(Problem::Required("title").into());
                }
                Action::Propose {
                    committee,
                    kind,
                    title,
                    text: f.optional_text("text", MAX_TEXT_BYTES)?,
                    hours: f.number("hours", Some(24), MAX_HOURS)?,
                }
            }
            "vote" => {
                let proposal = f.hash("proposal")?;
                let ranks = f.all("rank");
                let ballot = if !ranks.is_empty() {
                    let ranking: Vec<PublicKey> = ranks
                        .into_iter()
                        .map(|k| Fields::key(k, "rank"))
                        .collect::<Result<_, _>>()?;
                    Ballot::Ranking(ranking)
                } else {
                    Ballot::Choice(named(&CHOICES, &f.text("choice", 64)?, "choice")?)
                };
                Action::Vote { proposal, ballot }
            }
            "close" => Action::Close {
                proposal: f.hash("proposal")?,
            },
            "demand" => Action::Demand {
                committee: f.hash("committee")?,
                category: named(
                    &DEMAND_CATEGORIES,
                    f.get("category").unwrap_or("other"),
                    "category",
                )?,
                title: f.text("title", MAX_NAME_BYTES)?,
                text: f.optional_text("text", MAX_TEXT_BYTES)?,
            },
            "support" => Action::Support {
                demand: f.hash("demand")?,
            },
            "report" => Action::Report {
                committee: f.hash("committee")?,
                kind: named(&REPORT_KINDS, f.get("kind").unwrap_or(""), "kind")?,
                status: named(
                    &REPORT_STATUSES,
                    f.get("status").unwrap_or("active"),
                    "status",
                )?,
                area: f.text("area", MAX_FIELD_BYTES)?,
                participants: f.number("participants", Some(0), MAX_PARTICIPANTS.into())?,
                text: f.optional_text("text", MAX_TEXT_BYTES)?,
                committee_only: named(
                    &[("federation", false), ("committee", true)],
                    match f.get("reach").map(str::trim) {
                        None | Some("") => "federation",
                        Some(reach) => reach,
                    },
                    "reach",
                )?,
            },
            "update_report" => Action::UpdateReport {
                report: f.hash("report")?,
                status: named(&REPORT_STATUSES, f.get("status").unwrap_or(""), "status")?,
                participants: match f.get("participants").map(str::trim) {
                    None | Some("") => None,
                    Some(_) => Some(f.number("participants", None, MAX_PARTICIPANTS.into())?),
                },
                text: f.optional_text("text", MAX_TEXT_BYTES)?,
            },
            "add_peer" => Action::AddPeer {
                ticket: Ticket::from_text(&f.text("ticket", 4096)?)
                    .map_err(|e| Problem::BadTicket(e.to_string()))?,
            },
            "unlock" => Action::Unlock {
                passphrase: f.get("passphrase").unwrap_or("").to_string(),
            },
            "mark_seen" => Action::MarkSeen,
            "profile" => Action::Profile {
                name: f.text("name", MAX_NAME_BYTES)?,
            },
            name if crate::deliberation::ACTIONS.contains(&name) => {
                Action::Deliberate(crate::deliberation::parse(name, pairs)?)
            }
            other => return Err(Problem::NotAnAction(other.to_string()).into()),
        })
    }

    /// The body this action authors, given the state (to find the
    /// committee of a proposal or demand) and the time.
    fn body(self, state: &kenes_core::State, now_ms: u64) -> Result<Body, ActionError> {
        let proposal_home = |id: &Hash| {
            crate::model::committee_of_proposal(state, id)
                .map(|c| c.id)
                .ok_or(ActionError::NotFound("proposal"))
        };
        let committee_exists = |id: &Hash| {
            if state.committees.contains_key(id) {
                Ok(*id)
            } else {
                Err(ActionError::NotFound("committee"))
            }
        };
        let body = match self {
            Action::Vouch { committee, pubkey } => Body::Vouch {
                committee: committee_exists(&committee)?,
                candidate: pubkey,
            },
            Action::Join { committee } => Body::Join {
                committee: committee_exists(&committee)?,
            },
            Action::Leave { committee } => Body::Leave {
                committee: committee_exists(&committee)?,
            },
            Action::CreateCommittee {
                name,
                kind,
                vouches_required,
            } => Body::CreateCommittee {
                name,
                kind,
                policy: Policy {
                    vouches_required: vouches_required
                        .unwrap_or(Policy::default().vouches_required),
                    ..Policy::default()
                },
            },
            Action::Propose {
                committee,
                kind,
                title,
                text,
                hours,
            } => {
                let home = state
                    .committees
                    .get(&committee)
                    .ok_or(ActionError::NotFound("committee"))?;
                let kind = match kind {
                    KindRequest::Kind(kind) => kind,
                    KindRequest::Policy(changes) => ProposalKind::PolicyChange {
                        policy: changes.apply(&home.policy),
                    },
                };
                let title = if title.is_empty() {
                    crate::kinds::default_title(state, &kind)
                } else {
                    title
                };
                Body::Propose {
                    committee,
                    kind,
                    title: title.into(),
                    text: text.into(),
                    closes_at: now_ms.saturating_add(hours * 3_600_000),
                }
            }
            Action::Vote { proposal, ballot } => Body::Vote {
                committee: proposal_home(&proposal)?,
                proposal,
                ballot,
            },
            Action::Close { proposal } => Body::Close {
                committee: proposal_home(&proposal)?,
                proposal,
            },
            Action::Demand {
                committee,
                category,
                title,
                text,
            } => Body::Demand {
                committee: committee_exists(&committee)?,
                category,
                title,
                text,
            },
            Action::Support { demand } => {
                let origin = state
                    .committees
                    .values()
                    .find(|c| c.demands.contains_key(&demand))
                    .map(|c| c.id)
                    .ok_or(ActionError::NotFound("demand"))?;
                Body::Support {
                    committee: origin,
                    demand,
                }
            }
            Action::Report {
                committee,
                kind,
                status,
                area,
                participants,
                text,
                committee_only: _,
            } => Body::Report {
                committee: committee_exists(&committee)?,
                kind,
                status,
                area,
                participants,
                starts_at: now_ms,
                text: text.into(),
            },
            Action::UpdateReport {
                report,
                status,
                participants,
                text,
            } => {
                let (committee, record) = state
                    .committees
                    .values()
                    .find_map(|c| c.reports.get(&report).map(|r| (c.id, r)))
                    .ok_or(ActionError::NotFound("report"))?;
                Body::UpdateReport {
                    committee,
                    report,
                    status,
                    participants: participants.unwrap_or(record.participants),
                    text: text.into(),
                }
            }
            // Set through the key file and sealed (see `rename`).
            Action::Profile { name } => Body::Profile { name },
            Action::Deliberate(request) => request.body(state, now_ms)?,
            Action::AddPeer { .. } | Action::Unlock { .. } | Action::MarkSeen => {
                unreachable!("applied without an op")
            }
        };
        kenes_core::validate::check_body(&body).map_err(|e| match e {
            kenes_core::validate::StatelessError::BadField(field) => Problem::Malformed(field),
            other => Problem::Body(other.to_string()),
        })?;
        Ok(body)
    }

    /// Applies the action on `node`: returns the authored op's id, if any.
    pub fn apply(self, node: &Node, now_ms: u64) -> Result<Option<Hash>, ActionError> {
        self.apply_as(node, None, now_ms)
    }

    /// Applies the action as `signer` when given (a hub member's session,
    /// see [`crate::hub`]), else as this device's member. A hub member
    /// changes only what their own ops say: the node's peers, its key and
    /// the device's "seen" mark stay the owner's.
    pub fn apply_as(
        self,
        node: &Node,
        signer: Option<&Signer>,
        now_ms: u64,
    ) -> Result<Option<Hash>, ActionError> {
        if let Some(signer) = signer {
            return match self {
                Action::AddPeer { .. } | Action::Unlock { .. } => Err(ActionError::OwnerOnly),
                // The "seen" mark is the device's: a member's board keeps
                // showing what needs them.
                Action::MarkSeen => Ok(None),
                action => {
                    action.author(node, &signer.key, &signer.secrets, &signer.key_file, now_ms)
                }
            };
        }
        match self {
            Action::AddPeer { ticket } => {
                let mut book = PeerBook::load(node.data.root())?;
                if book.add(ticket.to_text(), ticket.federation.to_hex()) {
                    book.save()?;
                }
                node.changed();
                Ok(None)
            }
            Action::MarkSeen => {
                let upto = node
                    .lock_store()
                    .map_err(|_| ActionError::Unavailable)?
                    .engine()
                    .len();
                crate::attention::mark_seen(node.data.root(), upto).map_err(ActionError::Seen)?;
                Ok(None)
            }
            Action::Unlock { passphrase } => {
                let file = kenes_store::keyfile::KeyFile::load(&node.data.key_file())?;
                let key = file.unlock(Some(&passphrase))?;
                let secrets = kenes_store::keyfile::KeyFile::encryption_secrets_or_new(
                    &node.data.key_file(),
                    Some(&passphrase),
                )?;
                node.unlock_secrets(secrets);
                node.unlock(key);
                Ok(None)
            }
            action => {
                let key = node.member_key().ok_or(ActionError::Locked)?;
                let secrets = node.encryption_secrets();
                action.author(node, &key, &secrets, &node.data.key_file(), now_ms)
            }
        }
    }

    /// Authors the action's op with `key` and the member's encryption
    /// `secrets` (sealing as issue 14 says), whose key file is `key_file`.
    fn author(
        self,
        node: &Node,
        key: &kenes_core::SecretKey,
        secrets: &[kenes_core::seal::EncryptionSecret],
        key_file: &std::path::Path,
        now_ms: u64,
    ) -> Result<Option<Hash>, ActionError> {
        if let Action::Profile { name } = &self {
            return rename(node, key, secrets, key_file, name, now_ms);
        }
        let reach = match &self {
            Action::Report {
                committee_only: true,
                ..
            } => kenes_store::author::Reach::Committee,
            _ => kenes_store::author::Reach::Default,
        };
        let mut store = node.lock_store().map_err(|_| ActionError::Unavailable)?;
        let body = self.body(store.engine().state(), now_ms)?;
        let op = kenes_store::author::author_reaching(
            &mut store, key_file, key, secrets, body, reach, now_ms,
        )?;
        drop(store);
        node.changed();
        Ok(Some(op.id))
    }
}

/// Sets the member's display name in their key file, then publishes it
/// sealed to their committees (issue 14), if they read for any: a
/// candidate's name waits in the key file until they join.
fn rename(
    node: &Node,
    key: &kenes_core::SecretKey,
    secrets: &[kenes_core::seal::EncryptionSecret],
    key_file: &std::path::Path,
    name: &str,
    now_ms: u64,
) -> Result<Option<Hash>, ActionError> {
    kenes_core::validate::check_body(&Body::Profile { name: name.into() })
        .map_err(|_| Problem::Malformed("name"))?;
    kenes_store::keyfile::KeyFile::rename(key_file, name.trim())?;
    let mut store = node.lock_store().map_err(|_| ActionError::Unavailable)?;
    let op = kenes_store::author::keep_name_up(&mut store, key_file, key, secrets, now_ms)?;
    drop(store);
    node.changed();
    Ok(op.map(|op| op.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_a_vote_and_a_ranking() {
        let id = "ab".repeat(32);
        let vote = Action::parse(&pairs(&[
            ("action", "vote"),
            ("proposal", &id),
            ("choice", "yes"),
        ]))
        .unwrap();
        assert!(matches!(
            vote,
            Action::Vote {
                ballot: Ballot::Choice(Choice::Yes),
                ..
            }
        ));
        let key = "cd".repeat(32);
        let rank = Action::parse(&pairs(&[
            ("action", "vote"),
            ("proposal", &id),
            ("rank", &key),
            ("rank", ""),
        ]))
        .unwrap();
        assert!(matches!(rank, Action::Vote { ballot: Ballot::Ranking(r), .. } if r.len() == 1));
    }

    #[test]
    fn participants_are_bounded_and_titles_measured_in_bytes_at_parsing() {
        let committee = "ab".repeat(32);
        let report = |participants: &str| {
            Action::parse(&pairs(&[
                ("action", "report"),
                ("committee", &committee),
                ("kind", "strike"),
                ("area", "Kazakhstan/Mangystau"),
                ("participants", participants),
            ]))
        };
        assert!(report("1000000").is_ok());
        for too_many in ["1000001", "4000000000", "99999999999999999999999"] {
            let err = report(too_many).unwrap_err();
            assert!(
                matches!(
                    err,
                    ActionError::Invalid(Problem::TooLarge {
                        field: "participants",
                        max: 1_000_000
                    })
                ),
                "{too_many}: {err:?}"
            );
        }
        // 101 Cyrillic letters are 202 bytes: over the op's 200.
        let title = "ж".repeat(101);
        let err = Action::parse(&pairs(&[
            ("action", "propose"),
            ("committee", &committee),
            ("title", &title),
        ]))
        .unwrap_err();
        assert!(
            matches!(
                err,
                ActionError::Invalid(Problem::TooLong {
                    field: "title",
                    max: 200
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_report_is_for_the_federation_unless_the_form_says_committee_only() {
        let committee = "ab".repeat(32);
        let report = |reach: Option<&str>| {
            let mut fields = vec![
                ("action", "report"),
                ("committee", committee.as_str()),
                ("kind", "meeting"),
                ("area", "Kazakhstan/Mangystau/Zhanaozen"),
            ];
            if let Some(reach) = reach {
                fields.push(("reach", reach));
            }
            Action::parse(&pairs(&fields))
        };
        for (reach, only) in [
            (None, false),
            (Some(""), false),
            (Some("federation"), false),
            (Some("committee"), true),
        ] {
            assert!(
                matches!(report(reach), Ok(Action::Report { committee_only, .. }) if committee_only == only),
                "{reach:?}"
            );
        }
        assert!(matches!(
            report(Some("everyone")),
            Err(ActionError::Invalid(Problem::NotOneOf {
                field: "reach",
                ..
            }))
        ));
    }

    #[test]
    fn explains_bad_input() {
        let cases: [(&[(&str, &str)], &str); 5] = [
            (&[], "'action' is required"),
            (&[("action", "explode")], "not an action"),
            (&[("action", "join"), ("committee", "xyz")], "not an id"),
            (
                &[
                    ("action", "vote"),
                    ("proposal", &"ab".repeat(32)),
                    ("choice", "maybe"),
                ],
                "not a choice",
            ),
            (
                &[
                    ("action", "propose"),
                    ("committee", &"ab".repeat(32)),
                    ("title", "t"),
                    ("hours", "-3"),
                ],
                "not a whole number",
            ),
        ];
        for (fields, expected) in cases {
            let err = Action::parse(&pairs(fields)).unwrap_err().to_string();
            assert!(err.contains(expected), "{err} lacks {expected}");
        }
    }
}
