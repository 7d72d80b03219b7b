//! Engine words in the page's language: op kinds, rejection and void
//! reasons, tally failures, and the reasons an action was refused. Each
//! maps to a Fluent message (`op-…`, `reject-…`, `failure-…`,
//! `problem-…`, `error-…`) whose id comes from the variant's name, so a
//! new variant without a translation shows up as missing in the tests.

use crate::actions::{ActionError, Problem};
use crate::i18n::Lang;
use kenes_core::tally::Failure;
use kenes_core::{Outcome, RejectReason};
use kenes_store::author::{AuthorError, MAX_PARTICIPANTS};
use kenes_store::keyfile::KeyError;

/// `NotEnoughVouches { .. }` as `not-enough-vouches`.
pub fn kebab(value: &impl std::fmt::Debug) -> String {
    let debug = format!("{value:?}");
    let name = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("");
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An op kind (`Body::label`), e.g. "create-committee".
pub fn op_kind(t: &Lang, label: &str) -> String {
    t.t(&format!("op-{label}"))
}

/// Why the engine rejects an op.
pub fn reject(t: &Lang, reason: &RejectReason) -> String {
    match reason {
        RejectReason::NotEnoughVouches { have, need } => t.ta(
            "reject-not-enough-vouches",
            &[("have", (*have).into()), ("need", (*need).into())],
        ),
        other => t.t(&format!("reject-{}", kebab(other))),
    }
}

/// Why a proposal failed.
pub fn failure(t: &Lang, f: Failure) -> String {
    t.t(&format!("failure-{}", kebab(&f)))
}

/// An op's outcome in a word or a sentence.
pub fn outcome(t: &Lang, o: &Outcome) -> String {
    match o {
        Outcome::Applied => t.t("outcome-applied"),
        Outcome::Rejected(reason) => format!("{}: {}", t.t("outcome-rejected"), reject(t, reason)),
        Outcome::Void(_) => t.t("outcome-void"),
        Outcome::Unknown => t.t("outcome-unknown"),
    }
}

/// A field's name as the form labels it.
fn field(t: &Lang, name: &str) -> String {
    t.t(&format!("field-{name}"))
}

/// What is wrong with a request's fields.
pub fn problem(t: &Lang, p: &Problem) -> String {
    match p {
        Problem::Required(f) => t.ta("problem-required", &[("field", field(t, f).into())]),
        Problem::NotAnId(f) => t.ta("problem-not-an-id", &[("field", field(t, f).into())]),
        Problem::NotAKey(f) => t.ta("problem-not-a-key", &[("field", field(t, f).into())]),
        Problem::NotANumber(f) => t.ta("problem-not-a-number", &[("field", field(t, f).into())]),
        Problem::TooLarge { field: f, max } => t.ta(
            "problem-too-large",
            &[("field", field(t, f).into()), ("max", (*max).into())],
        ),
        Problem::TooLong { field: f, max } => t.ta(
            "problem-too-long",
            &[
                ("field", field(t, f).into()),
                ("max", (*max).into()),
                ("letters", (*max / 2).into()),
            ],
        ),
        Problem::TooSmall { field: f, min } => t.ta(
            "problem-too-small",
            &[("field", field(t, f).into()), ("min", (*min).into())],
        ),
        Problem::NotARatio(f) => t.ta("problem-not-a-ratio", &[("field", field(t, f).into())]),
        Problem::CouncilScope => t.t("problem-council-scope"),
        Problem::Malformed(f) => t.ta("problem-malformed", &[("field", field(t, f).into())]),
        Problem::NotOneOf {
            field: f,
            value,
            options,
        } => t.ta(
            "problem-not-one-of",
            &[
                ("field", field(t, f).into()),
                ("value", value.as_str().into()),
                ("options", options.as_str().into()),
            ],
        ),
        Problem::NotAnAction(a) => t.ta("problem-not-an-action", &[("value", a.as_str().into())]),
        Problem::Body(detail) => t.ta("problem-body", &[("detail", detail.as_str().into())]),
        Problem::BadTicket(_) => t.t("problem-bad-ticket"),
    }
}

/// Why an action was refused or failed, in the page's language.
pub fn action_error(t: &Lang, e: &ActionError) -> String {
    match e {
        ActionError::Invalid(p) => problem(t, p),
        ActionError::Locked => t.t("error-locked"),
        ActionError::NotFound(what) => t.t(&format!("error-no-{what}")),
        ActionError::Unavailable => t.t("error-unavailable"),
        ActionError::Author(a) => match a {
            AuthorError::Rejected(reason) => {
                t.ta("error-refused", &[("reason", reject(t, reason).into())])
            }
            AuthorError::TooManyParticipants { participants } => t.ta(
                "error-too-many-participants",
                &[
                    ("n", (*participants).into()),
                    ("max", MAX_PARTICIPANTS.into()),
                ],
            ),
            AuthorError::Dropped {
                reason: kenes_core::engine::DropReason::NoStanding,
            } => t.t("error-no-standing"),
            AuthorError::NeverSigns(_) => t.t("error-never-signs"),
            AuthorError::CannotSeal => t.t("error-cannot-seal"),
            AuthorError::EmptyCommitteeOnly => t.t("error-empty-committee-only"),
            AuthorError::Behind { .. } => t.t("error-behind"),
            other => t.ta("error-machine", &[("detail", other.to_string().into())]),
        },
        ActionError::Key(KeyError::WrongPassphrase) => t.t("error-wrong-passphrase"),
        ActionError::Key(KeyError::NeedPassphrase) => t.t("error-need-passphrase"),
        ActionError::OwnerOnly => t.t("hub-error-owner-only"),
        other => t.ta("error-machine", &[("detail", other.to_string().into())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, LANGUAGES, MISSING};

    /// Every variant the UI may show, so a new one without a message fails.
    fn reasons() -> Vec<RejectReason> {
        use RejectReason::*;
        vec![
            GenesisOnly,
            NotFederationMember,
            NoSuchCommittee,
            NotMember,
            AlreadyMember,
            AlreadyVouched,
            NotEnoughVouches { have: 1, need: 2 },
            NoSuchProposal,
            SubjectNotMember,
            WrongBallot,
            TooEarly,
            NotACouncil,
            NotAffiliated,
            CandidateNotMember,
            NotSeated,
            NoAffiliationRequest,
            AlreadyAffiliated,
            NoSuchDemand,
            AlreadyAdopted,
            AlreadySupported,
            NoSuchReport,
            CouncilMembershipIsBySeats,
            ProposalClosed,
            BlockOutsideConsensus,
            AffiliationCycle,
        ]
    }

    #[test]
    fn variant_names_become_message_ids() {
        assert_eq!(
            kebab(&RejectReason::NotEnoughVouches { have: 1, need: 2 }),
            "not-enough-vouches"
        );
        assert_eq!(kebab(&Failure::NoQuorum), "no-quorum");
    }

    #[test]
    fn every_reason_failure_and_op_kind_reads_in_every_language() {
        let i18n = I18n::load();
        let labels = [
            kenes_core::Body::CreateFederation { name: "x".into() }.label(),
            kenes_core::Body::Profile { name: "x".into() }.label(),
            "create-committee",
            "vouch",
            "join",
            "leave",
            "propose",
            "vote",
            "close",
            "demand",
            "support",
            "report",
            "update-report",
            "unknown",
        ];
        for (code, _) in LANGUAGES {
            let t = i18n.get(code);
            for r in reasons() {
                let text = reject(t, &r);
                assert!(!text.contains(MISSING), "{code}: {r:?}");
            }
            for f in [
                Failure::NoQuorum,
                Failure::NoVotes,
                Failure::Threshold,
                Failure::NoAbsoluteMajority,
                Failure::Blocked,
                Failure::RemovedProposer,
            ] {
                assert!(!failure(t, f).contains(MISSING), "{code}: {f:?}");
            }
            for label in labels {
                assert!(!op_kind(t, label).contains(MISSING), "{code}: {label}");
            }
            let problems = [
                Problem::Required("title"),
                Problem::NotAnId("committee"),
                Problem::NotAKey("pubkey"),
                Problem::NotANumber("participants"),
                Problem::TooLarge {
                    field: "participants",
                    max: 1_000_000,
                },
                Problem::TooLong {
                    field: "title",
                    max: 200,
                },
                Problem::Malformed("area"),
                Problem::TooSmall {
                    field: "vouches_required",
                    min: 1,
                },
                Problem::NotARatio("quorum"),
                Problem::CouncilScope,
                Problem::NotOneOf {
                    field: "status",
                    value: "x".into(),
                    options: "a, b".into(),
                },
                Problem::NotAnAction("x".into()),
                Problem::Body("x".into()),
                Problem::BadTicket("x".into()),
            ];
            for p in &problems {
                let text = problem(t, p);
                assert!(!text.contains(MISSING), "{code}: {p:?}: {text}");
            }
            for e in [
                ActionError::Locked,
                ActionError::NotFound("committee"),
                ActionError::NotFound("proposal"),
                ActionError::NotFound("demand"),
                ActionError::NotFound("report"),
                ActionError::Unavailable,
                ActionError::Author(AuthorError::TooManyParticipants {
                    participants: 4_000_000_000,
                }),
                ActionError::Key(KeyError::WrongPassphrase),
            ] {
                let text = action_error(t, &e);
                assert!(!text.contains(MISSING), "{code}: {e:?}: {text}");
            }
        }
    }
}
