//! The board's figures, counted once from the reports: strikes apart from
//! rallies (and pickets and meetings), per area, industry and day, with
//! implausible figures flagged and left out of every sum.
//!
//! A report claiming more than [`MAX_PARTICIPANTS`] people cannot have
//! been authored here (the bound is checked at authoring), but the fold
//! accepts any `u32` from older or other clients: such a report still
//! counts as a report, its people do not.

use kenes_core::body::{CommitteeKind, CouncilScope, ReportKind, ReportStatus};
use kenes_core::platform::{ReportRecord, day_of};
use kenes_core::{Committee, Hash, State};
use kenes_store::author::MAX_PARTICIPANTS;
use std::collections::BTreeMap;

/// Counts for one area, industry or day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Strikes.
    pub strikes: usize,
    /// People on those strikes.
    pub strikers: u64,
    /// Rallies, pickets and meetings.
    pub rallies: usize,
    /// People at those.
    pub at_rallies: u64,
    /// Reports of any kind and status.
    pub reports: usize,
}

impl Tally {
    /// People in all, strikes and rallies.
    pub fn people(&self) -> u64 {
        self.strikers + self.at_rallies
    }

    /// Whether anything is going on.
    pub fn is_active(&self) -> bool {
        self.strikes + self.rallies > 0
    }

    fn add(&mut self, r: &ReportRecord, counted: bool) {
        self.reports += 1;
        if !counted {
            return;
        }
        let people = if is_plausible(r) {
            u64::from(r.participants)
        } else {
            0
        };
        match r.kind {
            ReportKind::Strike => {
                self.strikes += 1;
                self.strikers += people;
            }
            ReportKind::Rally | ReportKind::Picket | ReportKind::Meeting => {
                self.rallies += 1;
                self.at_rallies += people;
            }
            ReportKind::Incident => {}
        }
    }
}

/// Whether a report's figure may be summed.
pub fn is_plausible(r: &ReportRecord) -> bool {
    r.participants <= MAX_PARTICIPANTS
}

/// A report with its committee.
pub struct Filed<'a> {
    /// The committee that filed it.
    pub committee: &'a Committee,
    /// Its id.
    pub id: Hash,
    /// The report.
    pub report: &'a ReportRecord,
}

impl Filed<'_> {
    /// When it last changed: its last update, or its start.
    pub fn updated_at(&self) -> u64 {
        self.report
            .history
            .last()
            .map_or(self.report.starts_at, |u| u.time.max(self.report.starts_at))
    }
}

/// Everything the board shows, counted.
pub struct Figures<'a> {
    /// Actions active now, in the whole federation.
    pub now: Tally,
    /// Active now, by exact area path.
    pub by_area: BTreeMap<String, Tally>,
    /// Active now, by industry (territorial committees under "").
    pub by_industry: BTreeMap<String, Tally>,
    /// Begun on each day (UTC), whatever their status now.
    pub by_day: BTreeMap<String, Tally>,
    /// Every report, most recently changed first.
    pub reports: Vec<Filed<'a>>,
    /// Reports whose figure is implausible.
    pub flagged: Vec<usize>,
}

fn industry(c: &Committee) -> String {
    match &c.kind {
        CommitteeKind::Production { industry, .. } => industry.clone(),
        CommitteeKind::Council {
            scope: CouncilScope::Industry(i),
        } => i.clone(),
        _ => String::new(),
    }
}

/// Counts the state's reports.
pub fn count(state: &State) -> Figures<'_> {
    let mut reports: Vec<Filed> = state
        .committees
        .values()
        .flat_map(|c| {
            c.reports.iter().map(move |(id, r)| Filed {
                committee: c,
                id: *id,
                report: r,
            })
        })
        .collect();
    reports.sort_by_key(|f| (std::cmp::Reverse(f.updated_at()), f.id));
    let mut figures = Figures {
        now: Tally::default(),
        by_area: BTreeMap::new(),
        by_industry: BTreeMap::new(),
        by_day: BTreeMap::new(),
        flagged: Vec::new(),
        reports: Vec::new(),
    };
    for (i, f) in reports.iter().enumerate() {
        let r = f.report;
        let active = r.status == ReportStatus::Active;
        figures.now.add(r, active);
        figures
            .by_area
            .entry(r.area.clone())
            .or_default()
            .add(r, active);
        figures
            .by_industry
            .entry(industry(f.committee))
            .or_default()
            .add(r, active);
        figures
            .by_day
            .entry(day_of(r.starts_at))
            .or_default()
            .add(r, r.status != ReportStatus::Planned);
        if !is_plausible(r) {
            figures.flagged.push(i);
        }
    }
    figures.reports = reports;
    figures
}
