//! Demands, the joint platform, action reports and the situation board.
//!
//! The records live in their committees' state (a demand in the committee
//! that put it forward, adoptions in the adopting committees, merges in the
//! councils that decided them, reports in the reporting committee), so their
//! effects stay local to one committee like every other effect. The
//! platform and the situation are views derived from the state on request.

use crate::body::{
    CommitteeKind, CouncilScope, DemandCategory, ProposalKind, ReportKind, ReportStatus,
};
use crate::governance::ProposalStatus;
use crate::state::State;
use crate::types::{Hash, PublicKey};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A demand as its committee of origin holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandRecord {
    /// What it is about.
    pub category: DemandCategory,
    /// The demand.
    pub title: String,
    /// Details.
    pub text: String,
    /// Who put it forward.
    pub author: PublicKey,
    /// Members who support it personally.
    pub supporters: BTreeSet<PublicKey>,
}

/// One step in a report's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportUpdate {
    /// `(lamport, id)` of the op.
    pub at: (u64, Hash),
    /// The op's own time.
    pub time: u64,
    /// Status from then on.
    pub status: ReportStatus,
    /// Participants from then on.
    pub participants: u32,
    /// Who said it (the op's author): a sealed text is bound to them.
    pub author: PublicKey,
    /// What was said: clear, or sealed to the committee ("committee
    /// only"); the fold keeps it unread.
    pub text: crate::body::Text,
}

impl ReportRecord {
    /// True when the report was marked "committee only": its own text is
    /// sealed to the committee, and so are updates authored here.
    pub fn committee_only(&self) -> bool {
        self.history
            .first()
            .is_some_and(|u| u.text.sealed().is_some())
    }
}

/// An action report and its history, in fold order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRecord {
    /// Strike, rally...
    pub kind: ReportKind,
    /// Where.
    pub area: String,
    /// When it starts.
    pub starts_at: u64,
    /// Who reported it.
    pub author: PublicKey,
    /// Latest status.
    pub status: ReportStatus,
    /// Latest participants.
    pub participants: u32,
    /// Every update, the report itself first.
    pub history: Vec<ReportUpdate>,
}

/// One line of a platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlatformEntry {
    /// The demand the others were merged into.
    pub demand: Hash,
    /// Its title.
    pub title: String,
    /// Its category.
    pub category: DemandCategory,
    /// The committee that put it forward.
    pub origin: Hash,
    /// Demands merged into it, in the order the merges were decided.
    pub merged: Vec<Hash>,
    /// Counted committees that adopted it (or a demand merged into it).
    pub adopting: BTreeSet<Hash>,
    /// Members of those committees, each person once.
    pub members: usize,
    /// Personal supporters.
    pub supporters: usize,
}

/// The merges decided by `councils`, in the order of their first close,
/// skipping any that would close a cycle: `from → into`.
pub fn merges(state: &State, councils: &[Hash]) -> BTreeMap<Hash, Hash> {
    let mut decided: Vec<((u64, Hash), Hash, Hash)> = Vec::new();
    for k in councils {
        let Some(council) = state.committees.get(k) else {
            continue;
        };
        for record in council.proposals.values() {
            if let (ProposalKind::MergeDemands { from, into }, ProposalStatus::Closed(closing)) =
                (&record.kind, &record.status)
                && closing.result.passed()
            {
                decided.push((closing.first, *from, *into));
            }
        }
    }
    decided.sort();
    let mut map = BTreeMap::new();
    for (_, from, into) in decided {
        if !would_cycle(&map, from, into) {
            map.insert(from, into);
        }
    }
    map
}

/// True if adding `from → into` to `merges` would make a cycle, or `from`
/// is already merged.
pub fn would_cycle(merges: &BTreeMap<Hash, Hash>, from: Hash, into: Hash) -> bool {
    if merges.contains_key(&from) {
        return true;
    }
    let mut at = into;
    for _ in 0..=merges.len() {
        if at == from {
            return true;
        }
        match merges.get(&at) {
            Some(next) => at = *next,
            None => return false,
        }
    }
    true
}

fn root(merges: &BTreeMap<Hash, Hash>, demand: Hash) -> Hash {
    let mut at = demand;
    for _ in 0..=merges.len() {
        match merges.get(&at) {
            Some(next) => at = *next,
            None => break,
        }
    }
    at
}

/// The platform of `council` (its affiliated committees and itself), or of
/// the whole federation (committees affiliated to at least one council,
/// plus the founder's committees), ranked by adopting committees, then
/// represented members, then personal supporters.
pub fn platform(state: &State, council: Option<&Hash>) -> Vec<PlatformEntry> {
    let councils: Vec<Hash> = match council {
        Some(k) => vec![*k],
        None => state
            .committees
            .values()
            .filter(|c| c.kind.is_council())
            .map(|c| c.id)
            .collect(),
    };
    let counted: BTreeSet<Hash> = match council {
        Some(k) => state
            .committees
            .get(k)
            .map(|c| c.affiliates.iter().copied().chain([*k]).collect())
            .unwrap_or_default(),
        None => {
            let founder = state.federation.as_ref().map(|f| f.founder);
            state
                .committees
                .values()
                .filter(|c| {
                    Some(c.creator) == founder
                        || councils.iter().any(|k| {
                            state
                                .committees
                                .get(k)
                                .is_some_and(|k| k.affiliates.contains(&c.id))
                        })
                })
                .map(|c| c.id)
                .collect()
        }
    };
    let merges = merges(state, &councils);
    let mut entries: BTreeMap<Hash, PlatformEntry> = BTreeMap::new();
    let mut supporters: BTreeMap<Hash, BTreeSet<PublicKey>> = BTreeMap::new();
    for origin in state.committees.values() {
        for (id, record) in &origin.demands {
            let top = root(&merges, *id);
            let top_record = state
                .committees
                .values()
                .find_map(|c| c.demands.get(&top).map(|r| (c.id, r)));
            let (top_origin, top_record) = top_record.unwrap_or((origin.id, record));
            let entry = entries.entry(top).or_insert_with(|| PlatformEntry {
                demand: top,
                title: top_record.title.clone(),
                category: top_record.category,
                origin: top_origin,
                merged: Vec::new(),
                adopting: BTreeSet::new(),
                members: 0,
                supporters: 0,
            });
            if *id != top {
                entry.merged.push(*id);
            }
            for c in state
                .committees
                .values()
                .filter(|c| counted.contains(&c.id) && c.adopted.contains(id))
            {
                entry.adopting.insert(c.id);
            }
            supporters
                .entry(top)
                .or_default()
                .extend(record.supporters.iter().copied());
        }
    }
    let mut list: Vec<PlatformEntry> = entries
        .into_values()
        .filter(|e| !e.adopting.is_empty())
        .map(|mut e| {
            let people: BTreeSet<&PublicKey> = e
                .adopting
                .iter()
                .filter_map(|c| state.committees.get(c))
                .flat_map(|c| c.members.iter())
                .collect();
            e.members = people.len();
            e.supporters = supporters.get(&e.demand).map_or(0, BTreeSet::len);
            e
        })
        .collect();
    list.sort_by(|a, b| {
        (b.adopting.len(), b.members, b.supporters, a.demand).cmp(&(
            a.adopting.len(),
            a.members,
            a.supporters,
            b.demand,
        ))
    });
    list
}

/// How to group the situation board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// By every level of the area path.
    Area,
    /// By the reporting committee's industry.
    Industry,
    /// By the day the action starts (UTC).
    Day,
}

/// One row of the situation board.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SituationRow {
    /// The area, industry or day.
    pub key: String,
    /// Strikes whose latest status is active.
    pub active_strikes: usize,
    /// Participants in actions whose latest status is active.
    pub participants: u64,
    /// Committees with an active action.
    pub committees: usize,
    /// Reports of any status.
    pub reports: usize,
}

/// The civil date (UTC) of `ms` since the epoch, as `YYYY-MM-DD`.
pub fn day_of(ms: u64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = (ms / 86_400_000) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The situation: reports grouped by area, industry or day.
pub fn situation(state: &State, grouping: Grouping) -> Vec<SituationRow> {
    let mut rows: BTreeMap<String, (SituationRow, BTreeSet<Hash>)> = BTreeMap::new();
    for committee in state.committees.values() {
        let industry = match &committee.kind {
            CommitteeKind::Production { industry, .. } => industry.clone(),
            CommitteeKind::Council {
                scope: CouncilScope::Industry(i),
            } => i.clone(),
            _ => "(territorial)".into(),
        };
        for report in committee.reports.values() {
            let keys: Vec<String> = match grouping {
                Grouping::Area => {
                    let parts: Vec<&str> = report.area.split('/').collect();
                    (1..=parts.len()).map(|n| parts[..n].join("/")).collect()
                }
                Grouping::Industry => vec![industry.clone()],
                Grouping::Day => vec![day_of(report.starts_at)],
            };
            let active = report.status == ReportStatus::Active;
            for key in keys {
                let (row, committees) = rows.entry(key.clone()).or_insert_with(|| {
                    (
                        SituationRow {
                            key,
                            ..SituationRow::default()
                        },
                        BTreeSet::new(),
                    )
                });
                row.reports += 1;
                if active {
                    row.participants += u64::from(report.participants);
                    committees.insert(committee.id);
                    if report.kind == ReportKind::Strike {
                        row.active_strikes += 1;
                    }
                }
            }
        }
    }
    rows.into_values()
        .map(|(mut row, committees)| {
            row.committees = committees.len();
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_civil_dates() {
        assert_eq!(day_of(0), "1970-01-01");
        // 2 January 2022, 10:00 UTC.
        assert_eq!(day_of(1_641_117_600_000), "2022-01-02");
        assert_eq!(day_of(951_782_400_000), "2000-02-29");
    }

    #[test]
    fn merges_never_cycle() {
        let (a, b, c) = (Hash([1; 32]), Hash([2; 32]), Hash([3; 32]));
        let mut m = BTreeMap::new();
        assert!(!would_cycle(&m, a, b));
        m.insert(a, b);
        assert!(would_cycle(&m, b, a));
        m.insert(b, c);
        assert!(would_cycle(&m, c, a));
        assert!(would_cycle(&m, a, c), "a is already merged");
        assert_eq!(root(&m, a), c);
    }
}
