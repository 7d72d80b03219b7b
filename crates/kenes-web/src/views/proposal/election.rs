//! An election's count as people can check it: the candidates in Schulze
//! order with how many others each beats, and the pairwise table (how much
//! weight ranked the row's candidate above the column's), from each
//! voter's latest ballot.
//!
//! The order is recomputed here with `kenes_core::tally::schulze`; its
//! tie-break hashes the counted ballots' ids, which the page does not
//! have, so the elected named by the fold's result come first, in its
//! order, and a tie among the rest may be listed differently.

use crate::views::{Page, member};
use kenes_core::body::{Ballot, ProposalKind};
use kenes_core::governance::{ProposalRecord, ProposalResult};
use kenes_core::tally::schulze;
use kenes_core::{Engine, Hash, PublicKey};
use maud::{Markup, html};
use std::collections::BTreeMap;

/// Weighted rankings of the electorate's voters, best first.
fn ballots(engine: &Engine, id: &Hash, record: &ProposalRecord) -> Vec<(u128, Vec<PublicKey>)> {
    engine
        .latest_ballots(id)
        .into_iter()
        .filter_map(|(voter, ballot)| match ballot {
            Ballot::Ranking(r) => Some((*record.electorate.voters.get(&voter)?, r)),
            Ballot::Choice(_) => None,
        })
        .collect()
}

/// `d[a][b]`: weight of ballots ranking `a` above `b` (unranked come
/// after every ranked candidate, equal among themselves).
fn pairwise(
    candidates: &[PublicKey],
    ballots: &[(u128, Vec<PublicKey>)],
) -> BTreeMap<(PublicKey, PublicKey), u128> {
    let mut d = BTreeMap::new();
    for (weight, ranking) in ballots {
        let position = |k: &PublicKey| ranking.iter().position(|x| x == k).unwrap_or(usize::MAX);
        for a in candidates {
            for b in candidates {
                if a != b && position(a) < position(b) {
                    *d.entry((*a, *b)).or_insert(0) += weight;
                }
            }
        }
    }
    d
}

/// The ranking and the pairwise table.
pub fn render(
    p: &Page,
    engine: &Engine,
    id: &Hash,
    record: &ProposalRecord,
    result: &ProposalResult,
) -> Markup {
    let ProposalKind::Election {
        candidates, seats, ..
    } = &record.kind
    else {
        return html! {};
    };
    let state = engine.state();
    let ballots = ballots(engine, id, record);
    let ranked = schulze(candidates, &ballots, &[], *seats as usize);
    let wins: BTreeMap<PublicKey, usize> = ranked
        .order
        .iter()
        .copied()
        .zip(ranked.wins.iter().copied())
        .collect();
    let mut order: Vec<PublicKey> = result.elected.clone();
    order.extend(ranked.order.iter().filter(|k| !result.elected.contains(k)));
    let d = pairwise(&order, &ballots);
    let others = order.len().saturating_sub(1);
    html! {
        h3 { (p.t("ranking")) }
        p.sub { (p.ta("ballots-counted", &[("n", ballots.len().into())])) }
        ol.ranking {
            @for k in &order {
                li class=(if result.elected.contains(k) { "elected" } else { "" }) {
                    (member(p, state, k))
                    " " small { (p.ta("beats", &[("n", wins.get(k).copied().unwrap_or(0).into()), ("of", others.into())])) }
                    @if result.elected.contains(k) { " " strong { (p.t("elected")) } }
                }
            }
        }
        @if order.len() > 1 {
            h3 #pairwise-h { (p.t("pairwise")) }
            p.sub { (p.t("pairwise-explain")) }
            div.scroll {
                table.pairwise aria-labelledby="pairwise-h" {
                    thead { tr {
                        th scope="col" { span.visually-hidden { (p.t("candidate")) } }
                        @for (i, _) in order.iter().enumerate() { th scope="col" class="num" { (i + 1) } }
                    } }
                    tbody {
                        @for (i, a) in order.iter().enumerate() { tr {
                            th scope="row" { (i + 1) ". " (p.name(state, a).as_deref().unwrap_or("?")) }
                            @for b in &order {
                                @if a == b { td.num { "—" } }
                                @else {
                                    @let (for_a, for_b) = (d.get(&(*a, *b)).copied().unwrap_or(0), d.get(&(*b, *a)).copied().unwrap_or(0));
                                    td.num class=(if for_a > for_b { "wins" } else { "" }) { (for_a) }
                                }
                            }
                        } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pairwise;
    use kenes_core::PublicKey;

    fn key(n: u8) -> PublicKey {
        kenes_core::SecretKey::from_bytes([n; 32]).public()
    }

    #[test]
    fn the_pairwise_table_counts_unranked_candidates_last() {
        let (a, b, c) = (key(1), key(2), key(3));
        let d = pairwise(&[a, b, c], &[(2, vec![b, a]), (1, vec![a])]);
        assert_eq!(d.get(&(a, b)), Some(&1));
        assert_eq!(d.get(&(b, a)), Some(&2));
        assert_eq!(d.get(&(a, c)), Some(&3));
        assert_eq!(d.get(&(b, c)), Some(&2));
        assert_eq!(d.get(&(c, a)), None);
    }
}
