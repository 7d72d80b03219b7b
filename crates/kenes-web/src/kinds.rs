//! The proposal and committee kinds by their wire names, and the parts of
//! a body that depend on the state: the policy a change of rules starts
//! from, and the title a structural proposal gets when none is given.
//!
//! The CLI (`kenes propose`, `kenes committee create`) and the UI's forms
//! and `/api/act` build their bodies with these, so a proposal means the
//! same whichever way it was made.

use kenes_core::body::{CommitteeKind, CouncilScope, Policy, ProposalKind, Ratio};
use kenes_core::{Hash, PublicKey, State};

/// Every proposal kind's wire name (`kind=` in a form or JSON), in the
/// order the UI's menu lists them. Each has a form at
/// `/committee/{id}/propose?kind=NAME` and a label `pform-NAME`.
pub const PROPOSAL_KINDS: [&str; 11] = [
    "decision",
    "statement",
    "policy",
    "remove",
    "affiliate",
    "accept",
    "elect",
    "recall",
    "mandate",
    "adopt",
    "merge",
];

/// Every committee kind's wire name, as `kind=` of `create_committee`.
pub const COMMITTEE_KINDS: [&str; 4] = ["territorial", "production", "council", "advisory"];

/// What a change of rules changes; what it leaves out stays as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyChanges {
    /// Distinct vouches a candidate needs.
    pub vouches_required: Option<u32>,
    /// The share of the electorate that must take part.
    pub quorum: Option<Ratio>,
    /// Whether a single block fails an ordinary decision.
    pub consensus: Option<bool>,
}

impl PolicyChanges {
    /// `current` with these changes.
    pub fn apply(&self, current: &Policy) -> Policy {
        let mut policy = current.clone();
        if let Some(v) = self.vouches_required {
            policy.vouches_required = v;
        }
        if let Some(q) = self.quorum {
            policy.quorum = q;
        }
        if let Some(c) = self.consensus {
            policy.consensus = c;
        }
        policy
    }
}

/// Why a quorum is not a fraction.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RatioError {
    /// Not two whole numbers around a slash.
    #[error("must look like 1/2")]
    Shape,
    /// Below 0 or above 1.
    #[error("must be between 0 and 1")]
    Range,
}

/// A quorum written as `N/D`, a fraction between 0 and 1.
pub fn parse_ratio(text: &str) -> Result<Ratio, RatioError> {
    let (n, d) = text.trim().split_once('/').ok_or(RatioError::Shape)?;
    let ratio = Ratio(
        n.trim().parse().map_err(|_| RatioError::Shape)?,
        d.trim().parse().map_err(|_| RatioError::Shape)?,
    );
    if !ratio.is_fraction() {
        return Err(RatioError::Range);
    }
    Ok(ratio)
}

/// Why the fields of a new committee do not make a kind.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum KindError {
    /// Not one of [`COMMITTEE_KINDS`].
    #[error("not a committee kind")]
    Unknown,
    /// A field this kind needs is missing or blank.
    #[error("'{0}' is required")]
    Missing(&'static str),
    /// A council given both an area and an industry, or neither.
    #[error("a council covers an area or an industry: give exactly one")]
    CouncilScope,
}

/// The committee kind named `kind`, from its fields (blank means absent).
pub fn committee_kind(
    kind: &str,
    area: &str,
    enterprise: &str,
    site: &str,
    industry: &str,
) -> Result<CommitteeKind, KindError> {
    let need = |value: &str, name: &'static str| {
        let value = value.trim();
        if value.is_empty() {
            Err(KindError::Missing(name))
        } else {
            Ok(value.to_string())
        }
    };
    Ok(match kind {
        "territorial" => CommitteeKind::Territorial {
            area: need(area, "area")?,
        },
        "production" => CommitteeKind::Production {
            enterprise: need(enterprise, "enterprise")?,
            site: site.trim().to_string(),
            industry: need(industry, "industry")?,
            area: need(area, "area")?,
        },
        "council" => match (area.trim().is_empty(), industry.trim().is_empty()) {
            (false, true) => CommitteeKind::Council {
                scope: CouncilScope::Area(area.trim().to_string()),
            },
            (true, false) => CommitteeKind::Council {
                scope: CouncilScope::Industry(industry.trim().to_string()),
            },
            _ => return Err(KindError::CouncilScope),
        },
        "advisory" => CommitteeKind::Advisory,
        _ => return Err(KindError::Unknown),
    })
}

/// The title of a proposal of `kind` when its author gave none: what it
/// does, with the names it acts on as they are now. Titles are stored in
/// the op, so they stay in the language they were written in (English
/// here, as the CLI has always written them).
pub fn default_title(state: &State, kind: &ProposalKind) -> String {
    let name = |id: &Hash| {
        state
            .committees
            .get(id)
            .map_or_else(|| id.short(), |c| c.name.clone())
    };
    // Only a removal's or a recall's title names a member, and it stays in
    // the clear for the whole federation (issue 14): it names them by key,
    // never by a display name that may be sealed to their committees.
    let who = |k: &PublicKey| k.short();
    let demand = |id: &Hash| {
        state
            .committees
            .values()
            .find_map(|c| c.demands.get(id))
            .map_or_else(|| id.short(), |d| d.title.clone())
    };
    let title = match kind {
        ProposalKind::Affiliate { council } => format!("Affiliate to {}", name(council)),
        ProposalKind::AcceptAffiliation { committee } => format!("Accept {}", name(committee)),
        ProposalKind::Election { council, seats, .. } => {
            format!("Elect {seats} delegate(s) to {}", name(council))
        }
        ProposalKind::Recall { council, delegate } => {
            format!("Recall {} from {}", who(delegate), name(council))
        }
        ProposalKind::RemoveMember { member } => format!("Remove {}", who(member)),
        ProposalKind::Mandate { choice, .. } => {
            format!("Mandate: vote {}", format!("{choice:?}").to_lowercase())
        }
        ProposalKind::AdoptDemand { demand: d } => format!("Adopt: {}", demand(d)),
        ProposalKind::MergeDemands { from, into } => {
            format!("Merge {} into {}", demand(from), demand(into))
        }
        other => other.label().to_string(),
    };
    fit(title, kenes_core::validate::MAX_NAME_BYTES)
}

/// `text` cut to at most `max` bytes at a character boundary (two long
/// names in a default title must not make the op malformed).
fn fit(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quorum_is_a_fraction_between_zero_and_one() {
        assert_eq!(parse_ratio(" 2 / 3 "), Ok(Ratio(2, 3)));
        assert_eq!(parse_ratio("1/1"), Ok(Ratio(1, 1)));
        assert_eq!(parse_ratio("half"), Err(RatioError::Shape));
        assert_eq!(parse_ratio("-1/2"), Err(RatioError::Shape));
        assert_eq!(parse_ratio("3/2"), Err(RatioError::Range));
        assert_eq!(parse_ratio("1/0"), Err(RatioError::Range));
    }

    #[test]
    fn a_default_title_fits_in_a_title() {
        let long = fit("ж".repeat(150), 201);
        assert_eq!(long.len(), 200);
        assert_eq!(fit("short".into(), 200), "short");
    }

    #[test]
    fn a_change_of_rules_keeps_what_it_does_not_name() {
        let current = Policy::default();
        let changed = PolicyChanges {
            quorum: Some(Ratio(2, 3)),
            ..PolicyChanges::default()
        }
        .apply(&current);
        assert_eq!(changed.quorum, Ratio(2, 3));
        assert_eq!(changed.vouches_required, current.vouches_required);
        assert_eq!(changed.consensus, current.consensus);
    }

    #[test]
    fn each_committee_kind_needs_its_own_fields() {
        assert_eq!(
            committee_kind("territorial", "", "x", "", "x"),
            Err(KindError::Missing("area"))
        );
        assert_eq!(
            committee_kind("production", "A/B", "Ozenmunaigas", "", ""),
            Err(KindError::Missing("industry"))
        );
        assert_eq!(
            committee_kind("council", "A", "", "", "oil"),
            Err(KindError::CouncilScope)
        );
        assert_eq!(
            committee_kind("council", "", "", "", " oil "),
            Ok(CommitteeKind::Council {
                scope: CouncilScope::Industry("oil".into())
            })
        );
        assert_eq!(
            committee_kind("advisory", "", "", "", ""),
            Ok(CommitteeKind::Advisory)
        );
        assert_eq!(
            committee_kind("guild", "", "", "", ""),
            Err(KindError::Unknown)
        );
    }
}
