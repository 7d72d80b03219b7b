//! `kenes demand`, `kenes platform`, `kenes report`, `kenes situation`:
//! what committees demand and what they do.

use crate::cli::{
    CategoryArg, DemandCommand, GroupingArg, ReportCommand, ReportKindArg, StatusArg,
};
use crate::context::{Context, now_ms, resolve_id};
use crate::error::user;
use crate::output::emit;
use anyhow::Result;
use kenes_core::body::{DemandCategory, ReportKind, ReportStatus};
use kenes_core::platform::{Grouping, day_of};
use kenes_core::{Body, Hash, State};
use kenes_web::model;
use kenes_web::model::lower;
use serde_json::json;

/// Finds a record by id prefix among every committee's `records`:
/// `(committee, id)`. `what` names it in errors.
fn find_in<'a, T: 'a>(
    state: &'a State,
    text: &str,
    what: &str,
    records: impl Fn(&'a kenes_core::Committee) -> &'a std::collections::BTreeMap<Hash, T>,
) -> Result<(Hash, Hash)> {
    let pairs: Vec<(Hash, Hash)> = state
        .committees
        .values()
        .flat_map(|c| records(c).keys().map(move |id| (c.id, *id)))
        .collect();
    let id = resolve_id(text, pairs.iter().map(|(_, id)| *id), what)?;
    Ok(pairs
        .into_iter()
        .find(|(_, r)| *r == id)
        .unwrap_or((Hash::ZERO, id)))
}

/// Finds a demand by id prefix: `(origin committee, demand)`.
pub fn find_demand(state: &State, text: &str) -> Result<(Hash, Hash)> {
    find_in(state, text, "demand", |c| &c.demands)
}

fn find_report(state: &State, text: &str) -> Result<(Hash, Hash)> {
    find_in(state, text, "report", |c| &c.reports)
}

pub fn demand(ctx: &Context, cmd: DemandCommand) -> Result<()> {
    match cmd {
        DemandCommand::Put {
            committee,
            title,
            category,
            text,
        } => {
            let mut store = ctx.open()?;
            let committee = super::committee::committee_id(&store, &committee)?;
            let category = match category {
                CategoryArg::Wages => DemandCategory::Wages,
                CategoryArg::Jobs => DemandCategory::Jobs,
                CategoryArg::Conditions => DemandCategory::Conditions,
                CategoryArg::UnionRights => DemandCategory::UnionRights,
                CategoryArg::Social => DemandCategory::Social,
                CategoryArg::Political => DemandCategory::Political,
                CategoryArg::Other => DemandCategory::Other,
            };
            let body = Body::Demand {
                committee,
                category,
                title: title.trim().into(),
                text,
            };
            kenes_core::validate::check_body(&body).map_err(|e| user(e.to_string()))?;
            let op = ctx.author(&mut store, body)?;
            emit(ctx.json, &json!({ "id": op.id.to_hex() }), || {
                format!("put forward \"{}\"\nid: {}", title.trim(), op.id)
            });
        }
        DemandCommand::Support { demand } => {
            let mut store = ctx.open()?;
            let (committee, demand) = find_demand(store.engine().state(), &demand)?;
            let op = ctx.author(&mut store, Body::Support { committee, demand })?;
            emit(ctx.json, &json!({ "op": op.id.to_hex() }), || {
                format!("you support {}", demand.short())
            });
        }
        DemandCommand::List => {
            let view = ctx.read()?;
            let state = &view.state;
            let rows = model::demands(state);
            emit(ctx.json, &rows, || {
                if rows.is_empty() {
                    return "no demands yet".into();
                }
                rows.iter()
                    .map(|r| {
                        format!(
                            "{}  {:<12} {}  (from {}; adopted by {})",
                            &r["id"].as_str().unwrap_or("")[..8],
                            r["category"].as_str().unwrap_or(""),
                            r["title"].as_str().unwrap_or(""),
                            r["origin_name"].as_str().unwrap_or(""),
                            r["adopted_by"].as_array().map_or(0, Vec::len)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

pub fn platform(ctx: &Context, council: Option<&str>) -> Result<()> {
    let view = ctx.read()?;
    let state = &view.state;
    let council = council
        .map(|c| resolve_id(c, state.committees.keys().copied(), "council"))
        .transpose()?;
    if let Some(k) = &council
        && !state.committees[k].kind.is_council()
    {
        return Err(user(format!(
            "{} is not a council",
            state.committees[k].name
        )));
    }
    let list = kenes_core::platform::platform(state, council.as_ref());
    let name = |c: &Hash| {
        state
            .committees
            .get(c)
            .map_or_else(|| c.short(), |c| c.name.clone())
    };
    let rows = model::platform(state, council.as_ref());
    emit(ctx.json, &rows, || {
        if list.is_empty() {
            return "the platform is empty: no counted committee has adopted a demand".into();
        }
        let title = council.map_or_else(
            || "Federation platform".to_string(),
            |k| format!("Platform of {}", name(&k)),
        );
        let mut lines = vec![title];
        for (i, e) in list.iter().enumerate() {
            lines.push(format!(
                "{:>3}. {} [{}]\n     {} committees, {} members, {} supporters; from {}{}",
                i + 1,
                e.title,
                lower(e.category),
                e.adopting.len(),
                e.members,
                e.supporters,
                name(&e.origin),
                if e.merged.is_empty() {
                    String::new()
                } else {
                    format!("; {} merged in", e.merged.len())
                }
            ));
        }
        lines.join("\n")
    });
    Ok(())
}

/// Reads `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (UTC) as ms since the epoch.
fn parse_time(text: &str) -> Result<u64> {
    let bad = || {
        user(format!(
            "'{text}' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)"
        ))
    };
    let (date, clock) = text.split_once('T').unwrap_or((text, "00:00"));
    let parts: Vec<i64> = date
        .split('-')
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_>>()?;
    let [y, m, d] = parts[..] else {
        return Err(bad());
    };
    let (h, min) = clock.split_once(':').ok_or_else(bad)?;
    let (h, min): (i64, i64) = (
        h.parse().map_err(|_| bad())?,
        min.parse().map_err(|_| bad())?,
    );
    if !(1970..=9999).contains(&y)
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
        || !(0..24).contains(&h)
        || !(0..60).contains(&min)
    {
        return Err(bad());
    }
    // Howard Hinnant's days-from-civil.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let ms = (days * 86_400 + h * 3_600 + min * 60) * 1_000;
    let ms = u64::try_from(ms).map_err(|_| bad())?;
    if day_of(ms) != date {
        return Err(bad());
    }
    Ok(ms)
}

fn status_of(arg: StatusArg) -> ReportStatus {
    match arg {
        StatusArg::Planned => ReportStatus::Planned,
        StatusArg::Active => ReportStatus::Active,
        StatusArg::Suspended => ReportStatus::Suspended,
        StatusArg::Ended => ReportStatus::Ended,
    }
}

pub fn report(ctx: &Context, cmd: ReportCommand) -> Result<()> {
    match cmd {
        ReportCommand::New {
            committee,
            kind,
            status,
            area,
            participants,
            starts,
            text,
            committee_only,
        } => {
            let mut store = ctx.open()?;
            let committee = super::committee::committee_id(&store, &committee)?;
            let kind = match kind {
                ReportKindArg::Strike => ReportKind::Strike,
                ReportKindArg::Rally => ReportKind::Rally,
                ReportKindArg::Picket => ReportKind::Picket,
                ReportKindArg::Meeting => ReportKind::Meeting,
                ReportKindArg::Incident => ReportKind::Incident,
            };
            let starts_at = starts
                .as_deref()
                .map(parse_time)
                .transpose()?
                .unwrap_or_else(now_ms);
            let body = Body::Report {
                committee,
                kind,
                status: status_of(status),
                area: area.trim().into(),
                participants,
                starts_at,
                text: text.into(),
            };
            kenes_core::validate::check_body(&body).map_err(|e| user(e.to_string()))?;
            let reach = if committee_only {
                kenes_store::author::Reach::Committee
            } else {
                kenes_store::author::Reach::Default
            };
            let op = ctx.author_reaching(&mut store, body, reach)?;
            emit(ctx.json, &json!({ "id": op.id.to_hex() }), || {
                format!("reported {}\nid: {}", lower(kind), op.id)
            });
        }
        ReportCommand::Update {
            report,
            status,
            participants,
            text,
        } => {
            let mut store = ctx.open()?;
            let (committee, report) = find_report(store.engine().state(), &report)?;
            let current =
                store.engine().state().committees[&committee].reports[&report].participants;
            let body = Body::UpdateReport {
                committee,
                report,
                status: status_of(status),
                participants: participants.unwrap_or(current),
                text: text.into(),
            };
            kenes_core::validate::check_body(&body).map_err(|e| user(e.to_string()))?;
            let op = ctx.author(&mut store, body)?;
            emit(ctx.json, &json!({ "op": op.id.to_hex() }), || {
                format!("updated {}", report.short())
            });
        }
        ReportCommand::List => {
            let store = ctx.open()?;
            let state = store.engine().state();
            let mut all: Vec<(
                Hash,
                &kenes_core::Committee,
                &kenes_core::platform::ReportRecord,
            )> = state
                .committees
                .values()
                .map(|c| &**c)
                .flat_map(|c| c.reports.iter().map(move |(id, r)| (*id, c, &**r)))
                .collect();
            all.sort_by_key(|(id, _, r)| (std::cmp::Reverse(r.starts_at), *id));
            let rows = model::reports(state, &ctx.keyring(state));
            emit(ctx.json, &rows, || {
                if all.is_empty() {
                    return "no reports yet".into();
                }
                all.iter()
                    .map(|(id, c, r)| {
                        format!(
                            "{}  {}  {:<8} {:<9} {:>6}  {}  ({})",
                            id.short(),
                            day_of(r.starts_at),
                            lower(r.kind),
                            lower(r.status),
                            r.participants,
                            r.area,
                            c.name
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

pub fn situation(ctx: &Context, by: GroupingArg) -> Result<()> {
    let view = ctx.read()?;
    let grouping = match by {
        GroupingArg::Area => Grouping::Area,
        GroupingArg::Industry => Grouping::Industry,
        GroupingArg::Day => Grouping::Day,
    };
    let rows = kenes_core::platform::situation(&view.state, grouping);
    emit(ctx.json, &rows, || {
        if rows.is_empty() {
            return "no reports yet".into();
        }
        let mut lines = vec![format!(
            "{:<44} {:>8} {:>12} {:>10} {:>8}",
            lower(by),
            "strikes",
            "participants",
            "committees",
            "reports"
        )];
        for r in &rows {
            lines.push(format!(
                "{:<44} {:>8} {:>12} {:>10} {:>8}",
                r.key, r.active_strikes, r.participants, r.committees, r.reports
            ));
        }
        lines.join("\n")
    });
    Ok(())
}
