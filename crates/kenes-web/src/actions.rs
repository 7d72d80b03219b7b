//! Everything the UI may change, as one enum parsed from untrusted input
//! (a form's fields or a JSON object, both seen as name/value pairs), and
//! applied by authoring an op as this device's member.
//!
//! Parsing checks shape only; whether the member may do it is the engine's
//! `check`, run again by [`kenes_store::author::author`] before anything is
//! written. Bad input never reaches the store.

use kenes_core::body::{Ballot, DemandCategory, ProposalKind, ReportKind, ReportStatus};
use kenes_core::tally::Choice;
use kenes_core::{Body, Hash, PublicKey};
use kenes_store::author::AuthorError;
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
    /// Put a question to `committee`.
    Propose {
        committee: Hash,
        kind: ProposalKind,
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
    /// Report an action.
    Report {
        committee: Hash,
        kind: ReportKind,
        status: ReportStatus,
        area: String,
        participants: u32,
        text: String,
    },
    /// Update a report: its status and participants now.
    UpdateReport {
        report: Hash,
        status: ReportStatus,
        participants: Option<u32>,
        text: String,
    },
    /// Add a peer by ticket.
    AddPeer { ticket: Ticket },
    /// Unlock the member key.
    Unlock { passphrase: String },
}

/// Why an action was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// The request is malformed.
    #[error("{0}")]
    Invalid(String),
    /// The key is locked.
    #[error("the member key is locked: enter the passphrase first")]
    Locked,
    /// No such thing.
    #[error("no {0} with that id here")]
    NotFound(&'static str),
    /// Authoring refused or failed.
    #[error(transparent)]
    Author(#[from] AuthorError),
    /// The peer list failed.
    #[error(transparent)]
    Peers(#[from] PeersError),
    /// The key file could not be read or the passphrase is wrong.
    #[error(transparent)]
    Key(#[from] kenes_store::keyfile::KeyError),
}

impl ActionError {
    /// Whether the requester can fix it (4xx) or the machine failed (5xx).
    pub fn is_client_error(&self) -> bool {
        match self {
            ActionError::Author(e) => e.is_user_error(),
            ActionError::Key(kenes_store::keyfile::KeyError::Io(_)) => false,
            ActionError::Peers(PeersError::Io(_)) => false,
            _ => true,
        }
    }
}

fn invalid(text: impl Into<String>) -> ActionError {
    ActionError::Invalid(text.into())
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

    fn text(&self, name: &str) -> Result<String, ActionError> {
        let value = self.get(name).map(str::trim).unwrap_or("");
        if value.is_empty() {
            return Err(invalid(format!("'{name}' is required")));
        }
        Ok(value.to_string())
    }

    fn optional_text(&self, name: &str) -> String {
        self.get(name).map(str::trim).unwrap_or("").to_string()
    }

    fn hash(&self, name: &str) -> Result<Hash, ActionError> {
        let text = self.text(name)?;
        text.parse()
            .map_err(|_| invalid(format!("'{name}' is not an id (64 hex digits)")))
    }

    fn key(text: &str, name: &str) -> Result<PublicKey, ActionError> {
        text.trim()
            .parse()
            .map_err(|_| invalid(format!("'{name}' is not a public key (64 hex digits)")))
    }

    fn number<T: std::str::FromStr>(
        &self,
        name: &str,
        default: Option<T>,
    ) -> Result<T, ActionError> {
        match (
            self.get(name).map(str::trim).filter(|v| !v.is_empty()),
            default,
        ) {
            (Some(v), _) => v
                .parse()
                .map_err(|_| invalid(format!("'{name}' is not a number in range"))),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(invalid(format!("'{name}' is required"))),
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

/// The value named `text` in `table`; `what` names the kind in errors.
fn named<T: Copy>(table: &[(&str, T)], text: &str, what: &str) -> Result<T, ActionError> {
    table
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = table.iter().map(|(name, _)| *name).collect();
            invalid(format!("'{text}' is not a {what}: {}", names.join(", ")))
        })
}

fn choice(text: &str) -> Result<Choice, ActionError> {
    match text {
        "yes" => Ok(Choice::Yes),
        "no" => Ok(Choice::No),
        "abstain" => Ok(Choice::Abstain),
        "block" => Ok(Choice::Block),
        other => Err(invalid(format!(
            "'{other}' is not a choice: yes, no, abstain or block"
        ))),
    }
}

impl Action {
    /// Parses `action` and its fields.
    pub fn parse(pairs: &[(String, String)]) -> Result<Action, ActionError> {
        let f = Fields(pairs);
        let action = f.text("action")?;
        Ok(match action.as_str() {
            "vouch" => Action::Vouch {
                committee: f.hash("committee")?,
                pubkey: Fields::key(&f.text("pubkey")?, "pubkey")?,
            },
            "join" => Action::Join {
                committee: f.hash("committee")?,
            },
            "leave" => Action::Leave {
                committee: f.hash("committee")?,
            },
            "propose" => {
                let kind = match f.get("kind").unwrap_or("decision") {
                    "decision" => ProposalKind::Decision,
                    "statement" => ProposalKind::Statement {
                        public: f.get("public").is_some(),
                    },
                    "election" => ProposalKind::Election {
                        council: f.hash("council")?,
                        seats: f.number("seats", Some(1))?,
                        candidates: f
                            .all("candidate")
                            .into_iter()
                            .map(|k| Fields::key(k, "candidate"))
                            .collect::<Result<_, _>>()?,
                    },
                    other => {
                        return Err(invalid(format!(
                            "'{other}' is not a proposal kind the UI offers: decision, statement or election"
                        )));
                    }
                };
                let hours: u64 = f.number("hours", Some(24))?;
                if hours > 24 * 365 {
                    return Err(invalid("'hours' must be at most a year"));
                }
                Action::Propose {
                    committee: f.hash("committee")?,
                    kind,
                    title: f.text("title")?,
                    text: f.optional_text("text"),
                    hours,
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
                    Ballot::Choice(choice(&f.text("choice")?)?)
                };
                Action::Vote { proposal, ballot }
            }
            "close" => Action::Close {
                proposal: f.hash("proposal")?,
            },
            "demand" => {
                let category = named(
                    &DEMAND_CATEGORIES,
                    f.get("category").unwrap_or("other"),
                    "demand category",
                )?;
                Action::Demand {
                    committee: f.hash("committee")?,
                    category,
                    title: f.text("title")?,
                    text: f.optional_text("text"),
                }
            }
            "support" => Action::Support {
                demand: f.hash("demand")?,
            },
            "report" => {
                let kind = named(&REPORT_KINDS, f.get("kind").unwrap_or(""), "report kind")?;
                Action::Report {
                    committee: f.hash("committee")?,
                    kind,
                    status: named(
                        &REPORT_STATUSES,
                        f.get("status").unwrap_or("active"),
                        "report status",
                    )?,
                    area: f.text("area")?,
                    participants: f.number("participants", Some(0))?,
                    text: f.optional_text("text"),
                }
            }
            "update_report" => Action::UpdateReport {
                report: f.hash("report")?,
                status: named(
                    &REPORT_STATUSES,
                    f.get("status").unwrap_or(""),
                    "report status",
                )?,
                participants: match f.get("participants").map(str::trim) {
                    None | Some("") => None,
                    Some(_) => Some(f.number("participants", None)?),
                },
                text: f.optional_text("text"),
            },
            "add_peer" => Action::AddPeer {
                ticket: Ticket::from_text(&f.text("ticket")?)
                    .map_err(|e| invalid(e.to_string()))?,
            },
            "unlock" => Action::Unlock {
                passphrase: f.get("passphrase").unwrap_or("").to_string(),
            },
            other => return Err(invalid(format!("'{other}' is not an action"))),
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
            Action::Propose {
                committee,
                kind,
                title,
                text,
                hours,
            } => Body::Propose {
                committee: committee_exists(&committee)?,
                kind,
                title,
                text,
                closes_at: now_ms.saturating_add(hours * 3_600_000),
            },
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
            } => Body::Report {
                committee: committee_exists(&committee)?,
                kind,
                status,
                area,
                participants,
                starts_at: now_ms,
                text,
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
                    text,
                }
            }
            Action::AddPeer { .. } | Action::Unlock { .. } => return Err(invalid("not an op")),
        };
        kenes_core::validate::check_body(&body).map_err(|e| invalid(e.to_string()))?;
        Ok(body)
    }

    /// Applies the action on `node`: returns the authored op's id, if any.
    pub fn apply(self, node: &Node, now_ms: u64) -> Result<Option<Hash>, ActionError> {
        match self {
            Action::AddPeer { ticket } => {
                let mut book = PeerBook::load(node.data.root())?;
                if book.add(ticket.to_text(), ticket.federation.to_hex()) {
                    book.save()?;
                }
                node.changed();
                Ok(None)
            }
            Action::Unlock { passphrase } => {
                let file = kenes_store::keyfile::KeyFile::load(&node.data.key_file())?;
                let key = file.unlock(Some(&passphrase))?;
                node.unlock(key);
                Ok(None)
            }
            action => {
                let key = node.member_key().ok_or(ActionError::Locked)?;
                let mut store = node
                    .store
                    .lock()
                    .map_err(|_| invalid("the store is unavailable"))?;
                let body = action.body(store.engine().state(), now_ms)?;
                let op = kenes_store::author::author(
                    &mut store,
                    &node.data.key_file(),
                    &key,
                    body,
                    now_ms,
                )?;
                drop(store);
                node.changed();
                Ok(Some(op.id))
            }
        }
    }
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
                "not a number",
            ),
        ];
        for (fields, expected) in cases {
            let err = Action::parse(&pairs(fields)).unwrap_err().to_string();
            assert!(err.contains(expected), "{err} lacks {expected}");
        }
    }
}
