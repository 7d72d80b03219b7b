//! Areas as a tree (country, region, city), active first, each level
//! collapsible, with the figures of everything under it. It stands beside
//! the map and holds every area, the ones the map cannot place too.

use super::figures::Tally;
use super::tally_line;
use crate::views::Page;
use maud::{Markup, html};
use std::collections::BTreeMap;

/// One level of an area path and everything under it.
#[derive(Default)]
struct Node {
    path: String,
    total: Tally,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn add(&mut self, tally: &Tally) {
        let t = &mut self.total;
        t.strikes += tally.strikes;
        t.strikers += tally.strikers;
        t.rallies += tally.rallies;
        t.at_rallies += tally.at_rallies;
        t.reports += tally.reports;
    }

    /// Children, active first (most people, then most actions), then by
    /// name.
    fn sorted(&self) -> Vec<(&String, &Node)> {
        let mut list: Vec<_> = self.children.iter().collect();
        list.sort_by_key(|(name, n)| {
            (
                !n.total.is_active(),
                std::cmp::Reverse(n.total.people()),
                std::cmp::Reverse(n.total.strikes + n.total.rallies),
                name.to_lowercase(),
            )
        });
        list
    }
}

fn tree(by_area: &BTreeMap<String, Tally>) -> Node {
    let mut root = Node::default();
    for (area, tally) in by_area {
        let mut node = &mut root;
        let mut path = String::new();
        for part in area.split('/') {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(part);
            node = node.children.entry(part.to_string()).or_default();
            node.path.clone_from(&path);
            node.add(tally);
        }
    }
    root
}

fn branch(p: &Page, name: &str, node: &Node, depth: usize) -> Markup {
    let on_map = crate::geo::atlas().locate(&node.path).is_some();
    let label = html! {
        span.area-name { (name) }
        " " (tally_line(p, &node.total))
        @if !on_map && depth > 0 { " " small.off-map { (p.t("not-on-map")) } }
    };
    html! {
        li data-area=(node.path) class=(if node.total.is_active() { "active" } else { "quiet" }) {
            @if node.children.is_empty() {
                (label)
            } @else {
                details open[node.total.is_active() && depth < 2] {
                    summary { (label) }
                    ul { @for (child, n) in node.sorted() { (branch(p, child, n, depth + 1)) } }
                }
            }
        }
    }
}

/// The tree of areas.
pub fn render(p: &Page, by_area: &BTreeMap<String, Tally>) -> Markup {
    let root = tree(by_area);
    html! {
        ul.tree.areas {
            @for (name, node) in root.sorted() { (branch(p, name, node, 0)) }
        }
    }
}
