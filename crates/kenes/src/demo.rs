//! `kenes demo`: the January 2022 scenario of `shared/context/README.md`,
//! built in a fresh data directory through the same op bodies and fold as
//! real use (nothing is written around them).
//!
//! Places, enterprises and the order of events follow the statement; the
//! people are invented. Every member has a key of their own; the founder's
//! key is the data directory's key file, so the user can act in the demo.
//!
//! Two committees seal what they write (issue 14): their members publish
//! encryption keys, each committee starts an epoch, and a proposal and a
//! thread in each are sealed to it. The summary shows those texts as two
//! members read them, one of each committee; the web UI decrypts as the
//! founder. (A demo member's X25519 secret is derived from their signing
//! key, so the scenario needs to keep one key per member only; real keys
//! are independent.)

use crate::context::Context;
use crate::error::user;
use crate::output::{emit, progress};
use anyhow::{Result, ensure};
use kenes_core::body::{
    Ballot, CommitteeKind, CouncilScope, DemandCategory, Policy, ProposalKind, ReportKind,
    ReportStatus,
};
use kenes_core::governance::ProposalStatus;
use kenes_core::keyring::{Keyring, next_key_op, next_profile_op};
use kenes_core::platform::{Grouping, day_of, platform, situation};
use kenes_core::rng::SplitMix64;
use kenes_core::seal::EncryptionSecret;
use kenes_core::tally::Choice;
use kenes_core::{Body, Engine, Hash, PublicKey, SecretKey, Verify};
use kenes_store::Store;
use kenes_store::keyfile::KeyFile;
use serde_json::json;
use std::net::SocketAddr;
pub use texts::DemoLang;

mod texts;

/// 1 January 2022, 00:00 UTC.
const NEW_YEAR: u64 = 1_640_995_200_000;
const HOUR: u64 = 3_600_000;
const DAY: u64 = 24 * HOUR;
const MEMBERS_PER_COMMITTEE: usize = 10;

const FIRST: &[&str] = &[
    "Aigerim", "Nurlan", "Gulnar", "Yerlan", "Dana", "Serik", "Aizhan", "Bolat", "Madina",
    "Kairat", "Zhanar", "Daulet", "Saule", "Arman", "Aliya", "Marat", "Dinara", "Askar", "Ainur",
    "Ruslan", "Kamila", "Timur",
];
const LAST: &[&str] = &[
    "Abenova",
    "Bekov",
    "Dzhaksybekova",
    "Yesimov",
    "Karimova",
    "Mukanov",
    "Nurlanova",
    "Ospanov",
    "Sadykova",
    "Tulegenov",
    "Utebayeva",
    "Zhakupov",
    "Amanova",
    "Baimukhanov",
];

/// A committee of the scenario: name, kind, and the councils it joins.
#[derive(Clone)]
struct Plan {
    name: String,
    kind: CommitteeKind,
    councils: &'static [&'static str],
}

fn production(
    name: &'static str,
    enterprise: &str,
    industry: &str,
    area: &str,
    councils: &'static [&'static str],
) -> Plan {
    Plan {
        name: name.into(),
        kind: CommitteeKind::Production {
            enterprise: enterprise.into(),
            site: String::new(),
            industry: industry.into(),
            area: area.into(),
        },
        councils,
    }
}

fn territorial(name: &'static str, area: &str, councils: &'static [&'static str]) -> Plan {
    Plan {
        name: name.into(),
        kind: CommitteeKind::Territorial { area: area.into() },
        councils,
    }
}

const OIL: &str = "oil and gas";
const MINING: &str = "mining and metallurgy";
const MANGYSTAU: &str = "Mangystau regional council";
const ATYRAU: &str = "Atyrau regional council";
const KARAGANDA: &str = "Karaganda regional council";
const OIL_COUNCIL: &str = "Oil and gas workers' council";
const MINING_COUNCIL: &str = "Mining and metallurgy workers' council";

fn plans() -> Vec<Plan> {
    vec![
        production(
            "Ozenmunaigas oil workers",
            "Ozenmunaigas",
            OIL,
            "Kazakhstan/Mangystau/Zhanaozen",
            &[MANGYSTAU, OIL_COUNCIL],
        ),
        production(
            "Karazhanbasmunai oil workers",
            "Karazhanbasmunai",
            OIL,
            "Kazakhstan/Mangystau/Aktau",
            &[MANGYSTAU, OIL_COUNCIL],
        ),
        production(
            "Mangistaumunaigas oilfield workers",
            "Mangistaumunaigas",
            OIL,
            "Kazakhstan/Mangystau/Zhetybai",
            &[MANGYSTAU, OIL_COUNCIL],
        ),
        production(
            "Tengizchevroil contractors",
            "Tengizchevroil",
            OIL,
            "Kazakhstan/Atyrau/Tengiz",
            &[ATYRAU, OIL_COUNCIL],
        ),
        production(
            "Embamunaigas workers",
            "Embamunaigas",
            OIL,
            "Kazakhstan/Atyrau",
            &[ATYRAU, OIL_COUNCIL],
        ),
        production(
            "Aktobe oil workers",
            "CNPC-Aktobemunaigas",
            OIL,
            "Kazakhstan/Aktobe",
            &[OIL_COUNCIL],
        ),
        production(
            "Karachaganak workers",
            "Karachaganak Petroleum",
            OIL,
            "Kazakhstan/West Kazakhstan/Aksai",
            &[OIL_COUNCIL],
        ),
        production(
            "Kyzylorda oil workers",
            "PetroKazakhstan",
            OIL,
            "Kazakhstan/Kyzylorda",
            &[OIL_COUNCIL],
        ),
        production(
            "ArcelorMittal Temirtau miners",
            "ArcelorMittal Temirtau",
            MINING,
            "Kazakhstan/Karaganda/Temirtau",
            &[KARAGANDA, MINING_COUNCIL],
        ),
        production(
            "ArcelorMittal Temirtau steelworkers",
            "ArcelorMittal Temirtau",
            MINING,
            "Kazakhstan/Karaganda/Temirtau",
            &[KARAGANDA, MINING_COUNCIL],
        ),
        production(
            "Kazakhmys copper smelters",
            "Kazakhmys",
            MINING,
            "Kazakhstan/Karaganda/Balkhash",
            &[KARAGANDA, MINING_COUNCIL],
        ),
        production(
            "Kazakhmys Zhezkazgan miners",
            "Kazakhmys",
            MINING,
            "Kazakhstan/Karaganda/Zhezkazgan",
            &[KARAGANDA, MINING_COUNCIL],
        ),
        production(
            "Ekibastuz coal miners",
            "Bogatyr Komir",
            MINING,
            "Kazakhstan/Pavlodar/Ekibastuz",
            &[MINING_COUNCIL],
        ),
        territorial(
            "Zhanaozen residents",
            "Kazakhstan/Mangystau/Zhanaozen",
            &[MANGYSTAU],
        ),
        territorial(
            "Aktau residents",
            "Kazakhstan/Mangystau/Aktau",
            &[MANGYSTAU],
        ),
        territorial("Atyrau residents", "Kazakhstan/Atyrau", &[ATYRAU]),
        territorial("Uralsk residents", "Kazakhstan/West Kazakhstan/Uralsk", &[]),
        territorial("Aktobe residents", "Kazakhstan/Aktobe", &[]),
        territorial("Kyzylorda residents", "Kazakhstan/Kyzylorda", &[]),
        territorial("Taraz residents", "Kazakhstan/Zhambyl/Taraz", &[]),
        territorial(
            "Taldykorgan residents",
            "Kazakhstan/Almaty Region/Taldykorgan",
            &[],
        ),
        territorial("Turkistan residents", "Kazakhstan/Turkistan", &[]),
        territorial("Shymkent residents", "Kazakhstan/Shymkent", &[]),
        territorial("Ekibastuz residents", "Kazakhstan/Pavlodar/Ekibastuz", &[]),
        territorial("Almaty residents", "Kazakhstan/Almaty", &[]),
        territorial("Karaganda residents", "Kazakhstan/Karaganda", &[KARAGANDA]),
        territorial(
            "Petropavlovsk residents",
            "Kazakhstan/North Kazakhstan/Petropavlovsk",
            &[],
        ),
        territorial("Pavlodar residents", "Kazakhstan/Pavlodar", &[]),
        territorial(
            "Ust-Kamenogorsk residents",
            "Kazakhstan/East Kazakhstan/Ust-Kamenogorsk",
            &[],
        ),
        territorial("Semey residents", "Kazakhstan/East Kazakhstan/Semey", &[]),
        Plan {
            name: "Zhanaozen council of elders".into(),
            kind: CommitteeKind::Advisory,
            councils: &[],
        },
    ]
}

fn councils() -> Vec<(&'static str, CouncilScope)> {
    vec![
        (MANGYSTAU, CouncilScope::Area("Kazakhstan/Mangystau".into())),
        (ATYRAU, CouncilScope::Area("Kazakhstan/Atyrau".into())),
        (KARAGANDA, CouncilScope::Area("Kazakhstan/Karaganda".into())),
        (OIL_COUNCIL, CouncilScope::Industry(OIL.into())),
        (MINING_COUNCIL, CouncilScope::Industry(MINING.into())),
    ]
}

/// Authors the scenario's ops on one replica.
struct Scenario {
    engine: Engine,
    keys: Vec<SecretKey>,
    ops: Vec<Vec<u8>>,
    clock: u64,
    rng: SplitMix64,
    bar: indicatif::ProgressBar,
    lang: DemoLang,
}

impl Scenario {
    fn act(&mut self, who: usize, body: Body) -> Result<Hash> {
        self.clock += 20_000;
        let body = self.lang.body(body);
        let op = self.engine.author(&self.keys[who], body, self.clock);
        let report = self
            .engine
            .ingest(std::slice::from_ref(&op.bytes), Verify::Trusted);
        ensure!(
            report.accepted.len() == 1,
            "demo op was not accepted: {:?}",
            report.dropped
        );
        let outcome = self.engine.outcome_at(report.accepted[0]);
        ensure!(
            outcome.is_applied(),
            "demo op {} was {}",
            op.fields.body.label(),
            outcome.describe()
        );
        self.ops.push(op.bytes);
        self.bar.set_position(self.ops.len() as u64);
        Ok(op.id)
    }

    fn key(&self, who: usize) -> PublicKey {
        self.keys[who].public()
    }

    fn members(&self, committee: &Hash) -> Vec<usize> {
        let c = &self.engine.state().committees[committee];
        (0..self.keys.len())
            .filter(|i| c.members.contains(&self.keys[*i].public()))
            .collect()
    }

    /// Vouches `who` into `committee` by as many members as needed; joins.
    fn admit(&mut self, committee: Hash, who: usize) -> Result<()> {
        let need = self.engine.state().committees[&committee].vouches_needed() as usize;
        for voucher in self.members(&committee).into_iter().take(need) {
            let candidate = self.key(who);
            self.act(
                voucher,
                Body::Vouch {
                    committee,
                    candidate,
                },
            )?;
        }
        // Vouched, the candidate has standing and names themselves.
        if !self.engine.state().profiles.contains_key(&self.key(who)) {
            self.act(who, Body::Profile { name: name(who) })?;
        }
        self.act(who, Body::Join { committee })?;
        Ok(())
    }

    /// Proposes, lets `voters` vote (ballot chosen by `ballot`), closes.
    fn decide(
        &mut self,
        committee: Hash,
        proposer: usize,
        kind: ProposalKind,
        title: &str,
        voters: &[usize],
        ballot: impl Fn(usize, &mut SplitMix64) -> Ballot,
    ) -> Result<Hash> {
        // Each act takes 20 s of scenario time: big electorates (the scaled
        // benchmark federation) get the time their votes take.
        let closes_at = self.clock + HOUR.max((voters.len() as u64 + 2) * 20_000);
        let proposal = self.act(
            proposer,
            Body::Propose {
                committee,
                kind,
                title: title.into(),
                text: String::new().into(),
                closes_at,
            },
        )?;
        for &v in voters {
            let b = ballot(v, &mut self.rng);
            self.act(
                v,
                Body::Vote {
                    committee,
                    proposal,
                    ballot: b,
                },
            )?;
        }
        self.clock = self.clock.max(closes_at);
        self.act(
            proposer,
            Body::Close {
                committee,
                proposal,
            },
        )?;
        Ok(proposal)
    }

    /// A decision most members support.
    fn pass(&mut self, committee: Hash, kind: ProposalKind, title: &str) -> Result<Hash> {
        let voters = self.voters(&committee);
        let proposer = voters[0];
        // One member in five votes against, one in seven abstains.
        let p = self.decide(committee, proposer, kind, title, &voters, |v, _| {
            Ballot::Choice(match v {
                v if v % 5 == 4 => Choice::No,
                v if v % 7 == 6 => Choice::Abstain,
                _ => Choice::Yes,
            })
        })?;
        let record = &self.engine.state().committees[&committee].proposals[&p];
        let outcome = match &record.status {
            ProposalStatus::Closed(c) => c.result.failure,
            ProposalStatus::Open => None,
        };
        ensure!(
            outcome.is_none(),
            "demo proposal \"{title}\" failed: {outcome:?}"
        );
        Ok(p)
    }

    /// Who may vote in `committee` now: members, or a council's delegates.
    fn voters(&self, committee: &Hash) -> Vec<usize> {
        let state = self.engine.state();
        let c = &state.committees[committee];
        let keys = if c.kind.is_council() {
            kenes_core::governance::council_voters(state, c)
                .into_keys()
                .collect::<Vec<_>>()
        } else {
            c.members.iter().copied().collect()
        };
        (0..self.keys.len())
            .filter(|i| keys.contains(&self.keys[*i].public()))
            .collect()
    }
}

/// A demo member's X25519 secret, derived from their signing key (see the
/// module's documentation).
fn demo_secret(key: &SecretKey) -> EncryptionSecret {
    let mut input = b"kenes demo 2026-12 encryption secret".to_vec();
    input.extend_from_slice(&key.to_bytes());
    EncryptionSecret::from_bytes(Hash::of(&input).0)
}

/// A member the summary shows sealed texts as: their key and secret, and
/// the committee they are in.
pub struct Viewer {
    /// Their display name.
    pub name: String,
    /// Their key.
    pub key: PublicKey,
    /// Their encryption secret.
    pub secret: EncryptionSecret,
    /// Their sealing committee.
    pub committee: Hash,
}

impl Scenario {
    /// `body`, its texts translated, authored by `who` with its committee
    /// texts sealed as the authoring path seals them.
    fn act_sealed(&mut self, who: usize, body: Body) -> Result<Hash> {
        let body = self.lang.body(body);
        let me = self.key(who);
        let state = self.engine.state();
        let body =
            Keyring::open(state, &me, &[demo_secret(&self.keys[who])]).seal(state, &me, body);
        self.act(who, body)
    }

    /// Issue 14 in the scenario: the members of `committees` publish
    /// their encryption keys, one member of each starts its epoch, and
    /// each seals a proposal and a thread with a reply to it. Returns a
    /// member of each committee who is in no other of them.
    fn seal(&mut self, committees: &[(Hash, [&str; 4])]) -> Result<Vec<Viewer>> {
        let mut keyed = std::collections::BTreeSet::new();
        for (c, _) in committees {
            for who in self.members(c) {
                if keyed.insert(who) {
                    let key = demo_secret(&self.keys[who]).public();
                    self.act(who, Body::EncryptionKey { key })?;
                }
            }
        }
        let mut viewers = Vec::new();
        for (c, [title, text, thread, reply]) in committees {
            let members = self.members(c);
            let (first, second) = (members[0], members[1]);
            loop {
                let state = self.engine.state();
                let me = self.key(first);
                let secret = demo_secret(&self.keys[first]);
                let keyring = Keyring::open(state, &me, std::slice::from_ref(&secret));
                match next_key_op(state, &keyring, &me, &secret.public(), Some(c)) {
                    Some(body) => self.act(first, body)?,
                    None => break,
                };
            }
            let lang = self.lang;
            let tr = |s: &str| lang.tr(s);
            let body = Body::Propose {
                committee: *c,
                kind: ProposalKind::Decision,
                title: tr(title).into(),
                text: tr(text).into(),
                closes_at: NEW_YEAR + 10 * DAY,
            };
            self.act_sealed(second, body)?;
            let body = Body::OpenThread {
                committee: *c,
                title: tr(thread).into(),
                text: tr(text).into(),
            };
            let opened = self.act_sealed(first, body)?;
            let body = Body::Comment {
                committee: *c,
                target: opened,
                text: tr(reply).into(),
            };
            self.act_sealed(second, body)?;
            let others: Vec<Hash> = committees
                .iter()
                .map(|(o, _)| *o)
                .filter(|o| o != c)
                .collect();
            let state = self.engine.state();
            let alone = members.into_iter().find(|m| {
                let key = self.keys[*m].public();
                others
                    .iter()
                    .all(|o| !state.committees[o].members.contains(&key))
            });
            if let Some(who) = alone {
                viewers.push(Viewer {
                    name: name(who),
                    key: self.key(who),
                    secret: demo_secret(&self.keys[who]),
                    committee: *c,
                });
            }
        }
        // Their members' names, sealed to these committees: from now on
        // only those who share one with them read who they are.
        for who in keyed {
            let (me, secret) = (self.key(who), demo_secret(&self.keys[who]));
            let state = self.engine.state();
            let keyring = Keyring::open(state, &me, std::slice::from_ref(&secret));
            if let Some(body) = next_profile_op(state, &keyring, &me, &name(who)) {
                self.act(who, body)?;
            }
        }
        Ok(viewers)
    }
}

fn name(i: usize) -> String {
    format!(
        "{} {}",
        FIRST[i % FIRST.len()],
        LAST[(i / FIRST.len() + i) % LAST.len()]
    )
}

/// Builds the scenario; returns the founder's key and every op. `scale`
/// copies of the committees (the copies numbered in their names, with
/// their own members) make a bigger federation for benchmarks; 1 is the
/// scenario itself.
pub fn build(bar: indicatif::ProgressBar, scale: usize) -> Result<(SecretKey, Vec<Vec<u8>>)> {
    build_in(bar, scale, DemoLang::En)
}

/// [`build`] with the texts in `lang`.
pub fn build_in(
    bar: indicatif::ProgressBar,
    scale: usize,
    lang: DemoLang,
) -> Result<(SecretKey, Vec<Vec<u8>>)> {
    let (founder, ops, _) = build_viewed(bar, scale, lang)?;
    Ok((founder, ops))
}

/// [`build_in`], with the members the summary shows sealed texts as.
fn build_viewed(
    bar: indicatif::ProgressBar,
    scale: usize,
    lang: DemoLang,
) -> Result<(SecretKey, Vec<Vec<u8>>, Vec<Viewer>)> {
    let base = plans();
    let mut plans = base.clone();
    for copy in 2..=scale {
        plans.extend(base.iter().cloned().map(|mut plan| {
            plan.name = format!("{} ({copy})", plan.name);
            plan
        }));
    }
    let people = 1 + plans.len() * MEMBERS_PER_COMMITTEE;
    let keys: Vec<SecretKey> = (0..people).map(|_| SecretKey::generate()).collect();
    let genesis = kenes_core::op::genesis(&keys[0], &lang.tr("Kazakhstan, January 2022"), NEW_YEAR);
    let mut engine = Engine::new(genesis.id);
    engine.ingest(std::slice::from_ref(&genesis.bytes), Verify::Trusted);
    let mut s = Scenario {
        engine,
        keys,
        ops: vec![genesis.bytes],
        clock: NEW_YEAR,
        rng: SplitMix64(2022),
        bar,
        lang,
    };
    s.act(0, Body::Profile { name: name(0) })?;
    // The founder's committee first; its members found the others.
    let policy = Policy {
        vouches_required: 2,
        ..Policy::default()
    };
    let mut committees: Vec<Hash> = Vec::new();
    // Organisers join the founders' committee of their copy; the first
    // organiser of each copy joins the scenario's own.
    let home = |i: usize| {
        if i.is_multiple_of(base.len()) {
            0
        } else {
            i - i % base.len()
        }
    };
    for (i, plan) in plans.iter().enumerate() {
        let organiser = 1 + i * MEMBERS_PER_COMMITTEE;
        if i > 0 {
            s.admit(committees[home(i)], organiser)?;
        }
        let founder_of_it = if i == 0 { 0 } else { organiser };
        let id = s.act(
            founder_of_it,
            Body::CreateCommittee {
                name: plan.name.clone(),
                kind: plan.kind.clone(),
                policy: policy.clone(),
            },
        )?;
        committees.push(id);
    }
    for (i, c) in committees.clone().into_iter().enumerate() {
        let organiser = 1 + i * MEMBERS_PER_COMMITTEE;
        let first = if i == 0 { organiser } else { organiser + 1 };
        for who in first..organiser + MEMBERS_PER_COMMITTEE {
            s.admit(c, who)?;
        }
    }
    // Councils, convened by the founder, and affiliations.
    let mut council_ids: Vec<(&str, Hash)> = Vec::new();
    for (title, scope) in councils() {
        let id = s.act(
            0,
            Body::CreateCommittee {
                name: title.into(),
                kind: CommitteeKind::Council { scope },
                policy: Policy::default(),
            },
        )?;
        council_ids.push((title, id));
    }
    let council = |name: &str| {
        council_ids
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| *id)
    };
    for (i, plan) in plans.iter().enumerate() {
        for k in plan.councils.iter().filter_map(|n| council(n)) {
            s.pass(
                committees[i],
                ProposalKind::Affiliate { council: k },
                "Affiliate to the council",
            )?;
            s.decide(
                k,
                0,
                ProposalKind::AcceptAffiliation {
                    committee: committees[i],
                },
                "Accept affiliation",
                &[0],
                |_, _| Ballot::Choice(Choice::Yes),
            )?;
        }
    }
    // Elections: each affiliated committee seats two delegates (Schulze).
    for (i, plan) in plans.iter().enumerate() {
        for k in plan.councils.iter().filter_map(|n| council(n)) {
            let members = s.members(&committees[i]);
            let candidates: Vec<PublicKey> = members.iter().take(4).map(|m| s.key(*m)).collect();
            let ranked = candidates.clone();
            let p = s.decide(
                committees[i],
                members[0],
                ProposalKind::Election {
                    council: k,
                    seats: 2,
                    candidates: candidates.clone(),
                },
                "Elect two delegates",
                &members,
                move |_, rng| {
                    let mut r = ranked.clone();
                    for j in (1..r.len()).rev() {
                        r.swap(j, rng.below(j + 1));
                    }
                    Ballot::Ranking(r)
                },
            )?;
            let record = &s.engine.state().committees[&committees[i]].proposals[&p];
            ensure!(
                matches!(&record.status, ProposalStatus::Closed(c) if c.result.elected.len() == 2),
                "demo election failed"
            );
        }
    }
    // The Temirtau miners recall one of their delegates to the mining council.
    let miners = committees[8];
    let mining = council(MINING_COUNCIL).ok_or_else(|| user("no mining council"))?;
    let delegate = *s.engine.state().committees[&mining].seats[&miners]
        .iter()
        .next()
        .ok_or_else(|| user("no delegate"))?;
    let voters: Vec<usize> = s
        .members(&miners)
        .into_iter()
        .filter(|m| s.key(*m) != delegate)
        .collect();
    let recall = s.decide(
        miners,
        voters[0],
        ProposalKind::Recall {
            council: mining,
            delegate,
        },
        "Recall our delegate: he negotiated with management alone",
        &voters,
        |_, _| Ballot::Choice(Choice::Yes),
    )?;
    ensure!(
        matches!(&s.engine.state().committees[&miners].proposals[&recall].status, ProposalStatus::Closed(c) if c.result.passed()),
        "demo recall failed"
    );
    // The statement's demands, put forward in Zhanaozen and Tengiz.
    let clock_demands = NEW_YEAR + DAY + 12 * HOUR;
    s.clock = s.clock.max(clock_demands);
    let oz = committees[0];
    let demands = [
        (DemandCategory::Wages, "A 100% wage rise"),
        (
            DemandCategory::Jobs,
            "Cancel the results of \"optimisation\": reinstate laid-off workers",
        ),
        (DemandCategory::Conditions, "Better working conditions"),
        (DemandCategory::UnionRights, "Free trade-union activity"),
        (DemandCategory::Social, "A lower retirement age"),
        (DemandCategory::UnionRights, "The right to strike"),
        (
            DemandCategory::Social,
            "Return the price of liquefied gas to 60 tenge",
        ),
        (
            DemandCategory::Political,
            "Mining and large-scale industry under the control of workers' collectives",
        ),
    ];
    let mut demand_ids = Vec::new();
    for (category, title) in demands {
        let author = s.members(&oz)[1];
        demand_ids.push(s.act(
            author,
            Body::Demand {
                committee: oz,
                category,
                title: title.into(),
                text: String::new(),
            },
        )?);
    }
    let tengiz = committees[3];
    let author = s.members(&tengiz)[0];
    let duplicate = s.act(
        author,
        Body::Demand {
            committee: tengiz,
            category: DemandCategory::Wages,
            title: "Double our wages".into(),
            text: String::new(),
        },
    )?;
    // Adoption across committees: every committee adopts some demands.
    for (i, c) in committees.iter().enumerate().skip(1) {
        for (j, d) in demand_ids.iter().enumerate() {
            if (i + j) % 3 != 0 || j == 0 {
                s.pass(
                    *c,
                    ProposalKind::AdoptDemand { demand: *d },
                    "Adopt the demand",
                )?;
            }
        }
    }
    let oil = council(OIL_COUNCIL).ok_or_else(|| user("no oil council"))?;
    s.pass(
        oil,
        ProposalKind::MergeDemands {
            from: duplicate,
            into: demand_ids[0],
        },
        "Merge the duplicate wage demand",
    )?;
    // Some personal support.
    for who in (1..s.keys.len()).step_by(7) {
        let d = demand_ids[who % demand_ids.len()];
        s.act(
            who,
            Body::Support {
                committee: oz,
                demand: d,
            },
        )?;
    }
    // Reports, 2 to 6 January, in the statement's order.
    let at = |day: u64, hour: u64| NEW_YEAR + (day - 1) * DAY + hour * HOUR;
    let report = |s: &mut Scenario,
                  c: usize,
                  kind: ReportKind,
                  status: ReportStatus,
                  area: &str,
                  participants: u32,
                  starts: u64,
                  text: &str|
     -> Result<Hash> {
        s.clock = s.clock.max(starts);
        let who = s.members(&committees[c])[0];
        s.act(
            who,
            Body::Report {
                committee: committees[c],
                kind,
                status,
                area: area.into(),
                participants,
                starts_at: starts,
                text: text.into(),
            },
        )
    };
    use ReportKind::{Incident, Rally, Strike};
    use ReportStatus::{Active, Ended, Suspended};
    let zh = report(
        &mut s,
        13,
        Rally,
        Active,
        "Kazakhstan/Mangystau/Zhanaozen",
        3_000,
        at(2, 9),
        "The price of liquefied gas has doubled: residents and oil workers rally in the square",
    )?;
    let oz_strike = report(
        &mut s,
        0,
        Strike,
        Active,
        "Kazakhstan/Mangystau/Zhanaozen",
        4_000,
        at(2, 14),
        "Ozenmunaigas workers stop work; rallies put forward our own demands",
    )?;
    report(
        &mut s,
        1,
        Strike,
        Active,
        "Kazakhstan/Mangystau/Aktau",
        2_500,
        at(3, 8),
        "General strike across Mangystau",
    )?;
    report(
        &mut s,
        2,
        Strike,
        Active,
        "Kazakhstan/Mangystau/Zhetybai",
        1_200,
        at(3, 9),
        "Oilfields of Zhetybai join the general strike",
    )?;
    report(
        &mut s,
        14,
        Rally,
        Active,
        "Kazakhstan/Mangystau/Aktau",
        10_000,
        at(3, 12),
        "Aktau square occupied",
    )?;
    report(
        &mut s,
        4,
        Strike,
        Active,
        "Kazakhstan/Atyrau",
        1_500,
        at(3, 15),
        "The strike spreads to Atyrau",
    )?;
    report(
        &mut s,
        3,
        Strike,
        Active,
        "Kazakhstan/Atyrau/Tengiz",
        8_000,
        at(4, 7),
        "Tengizchevroil oil workers walk out",
    )?;
    for (c, area, n) in [
        (5, "Kazakhstan/Aktobe", 1_800),
        (6, "Kazakhstan/West Kazakhstan/Aksai", 900),
        (7, "Kazakhstan/Kyzylorda", 700),
    ] {
        report(
            &mut s,
            c,
            Strike,
            Active,
            area,
            n,
            at(4, 10),
            "Oil workers strike in support of Mangystau",
        )?;
    }
    report(
        &mut s,
        8,
        Strike,
        Active,
        "Kazakhstan/Karaganda/Temirtau",
        2_000,
        at(4, 11),
        "ArcelorMittal Temirtau miners down tools",
    )?;
    report(
        &mut s,
        10,
        Strike,
        Active,
        "Kazakhstan/Karaganda/Balkhash",
        1_100,
        at(4, 12),
        "Kazakhmys copper smelters strike",
    )?;
    report(
        &mut s,
        11,
        Strike,
        Active,
        "Kazakhstan/Karaganda/Zhezkazgan",
        1_400,
        at(4, 12),
        "Kazakhmys miners strike: in practice a general strike of the mining industry",
    )?;
    let mut almaty = Hash::ZERO;
    for (c, area, n) in [
        (15, "Kazakhstan/Atyrau", 5_000),
        (16, "Kazakhstan/West Kazakhstan/Uralsk", 2_000),
        (17, "Kazakhstan/Aktobe", 3_000),
        (18, "Kazakhstan/Kyzylorda", 1_500),
        (19, "Kazakhstan/Zhambyl/Taraz", 1_000),
        (20, "Kazakhstan/Almaty Region/Taldykorgan", 800),
        (21, "Kazakhstan/Turkistan", 600),
        (22, "Kazakhstan/Shymkent", 2_500),
        (23, "Kazakhstan/Pavlodar/Ekibastuz", 700),
        (24, "Kazakhstan/Almaty", 15_000),
    ] {
        let id = report(
            &mut s,
            c,
            Rally,
            Active,
            area,
            n,
            at(4, 17),
            "Open-ended rally",
        )?;
        if c == 24 {
            almaty = id;
        }
    }
    for (c, area, n) in [
        (26, "Kazakhstan/North Kazakhstan/Petropavlovsk", 900),
        (27, "Kazakhstan/Pavlodar", 1_200),
        (28, "Kazakhstan/East Kazakhstan/Ust-Kamenogorsk", 800),
        (29, "Kazakhstan/East Kazakhstan/Semey", 700),
    ] {
        report(
            &mut s,
            c,
            Rally,
            Active,
            area,
            n,
            at(5, 11),
            "Open-ended rally",
        )?;
    }
    report(
        &mut s,
        24,
        Incident,
        Ended,
        "Kazakhstan",
        0,
        at(5, 16),
        "The internet is shut down nationwide; a state of emergency is declared",
    )?;
    s.clock = s.clock.max(at(6, 9));
    let who = s.members(&committees[24])[0];
    s.act(
        who,
        Body::UpdateReport {
            committee: committees[24],
            report: almaty,
            status: Suspended,
            participants: 0,
            text: "Troops in the city; the rally disperses".into(),
        },
    )?;
    let who = s.members(&committees[0])[0];
    s.act(
        who,
        Body::UpdateReport {
            committee: committees[0],
            report: oz_strike,
            status: Active,
            participants: 6_000,
            text: "Still on strike; the council of elders supports the demands".into(),
        },
    )?;
    let who = s.members(&committees[13])[0];
    s.act(
        who,
        Body::UpdateReport {
            committee: committees[13],
            report: zh,
            status: Active,
            participants: 8_000,
            text: "The rally continues".into(),
        },
    )?;
    // The elders' statement.
    let elders = committees[30];
    s.pass(
        elders,
        ProposalKind::Statement { public: true },
        "The elders of Zhanaozen stand with the strikers: the demands are just",
    )?;
    waiting_for_the_founder(&mut s, committees[0])?;
    // The founder's committee and its neighbour at Karazhanbas seal.
    let viewers = s.seal(&[
        (
            committees[0],
            [
                "Hold the gate on Monday night",
                "Two shifts at the main gate from 22:00; the night shift brings water",
                "Who keeps watch at the main gate?",
                "Our brigade takes the first shift",
            ],
        ),
        (
            committees[1],
            [
                "Send a delegation to Zhanaozen",
                "Five of us drive to the square on Tuesday morning",
                "Cars for the delegation",
                "I can take four people",
            ],
        ),
    ])?;
    let founder = s.keys[0].clone();
    Ok((founder, s.ops, viewers))
}

/// What the board's "Needs you" shows the user (the founder): an open
/// decision in their committee they have not voted on, and a candidate
/// with one vouch of the two needed.
fn waiting_for_the_founder(s: &mut Scenario, home: Hash) -> Result<()> {
    let members = s.members(&home);
    let proposer = members[1];
    s.act(
        proposer,
        Body::Propose {
            committee: home,
            kind: ProposalKind::Decision,
            title: "Join the general strike from Monday".into(),
            text: String::new().into(),
            closes_at: NEW_YEAR + 10 * DAY,
        },
    )?;
    // A member of the next committee asks to join this one too.
    let candidate = 1 + MEMBERS_PER_COMMITTEE + 2;
    let candidate = s.key(candidate);
    s.act(
        members[2],
        Body::Vouch {
            committee: home,
            candidate,
        },
    )?;
    Ok(())
}

/// Runs `kenes demo`.
pub fn run(ctx: &Context, serve: Option<(SocketAddr, SocketAddr)>, lang: DemoLang) -> Result<()> {
    if ctx.data.key_file().exists() || !ctx.data.federations()?.is_empty() {
        return Err(user(format!(
            "{} is not a fresh data directory: give `kenes --data-dir NEW_DIR demo`",
            ctx.data.root().display()
        )));
    }
    let bar = progress(0, "building");
    bar.set_length(4_300);
    let (founder, ops, viewers) = build_viewed(bar.clone(), 1, lang)?;
    bar.finish_and_clear();
    let federation = kenes_core::Op::decode(&ops[0])
        .map(|g| g.id)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut store = Store::create_empty(&ctx.data.database(&federation), federation)?;
    let bar = progress(ops.len() as u64, "storing");
    store.ingest_stream(&ops, 4096, Verify::Signatures, |_, _, n| bar.inc(n as u64))?;
    bar.finish_and_clear();
    let mut key_file =
        KeyFile::with_encryption(&founder, &demo_secret(&founder), "Aigerim Abenova", None)?;
    if let Some((seq, id)) = store
        .engine()
        .entries()
        .iter()
        .filter(|e| store.engine().author_of(e) == founder.public())
        .map(|e| (e.seq(), e.id))
        .max()
    {
        key_file.record(federation, seq, id);
    }
    key_file.save(&ctx.data.key_file())?;
    summary(ctx, &store, &viewers, serve.is_some())?;
    drop(store);
    match serve {
        Some((bind, web)) => crate::commands::net::serve(ctx, bind, Some(web), false),
        None => Ok(()),
    }
}

/// The sealed proposals of `state` as each of `viewers` reads them.
fn sealed_views(state: &kenes_core::State, viewers: &[Viewer]) -> Vec<serde_json::Value> {
    let sealed: Vec<(
        &kenes_core::Committee,
        &kenes_core::governance::ProposalRecord,
    )> = state
        .committees
        .values()
        .map(|c| &**c)
        .flat_map(|c| c.proposals.values().map(move |p| (c, p)))
        .filter(|(_, p)| p.title.sealed().is_some())
        .collect();
    viewers
        .iter()
        .map(|v| {
            let keyring = Keyring::open(state, &v.key, std::slice::from_ref(&v.secret));
            json!({
                "member": v.name,
                "public_key": v.key.to_hex(),
                "committee": state.committees.get(&v.committee).map(|c| c.name.clone()),
                "reads": sealed.iter().map(|(c, p)| json!({
                    "committee": c.name,
                    "title": keyring.show(&p.title, &kenes_core::keyring::proposal_title(c.id, p.proposer)),
                    "readable": keyring.reads(&c.id),
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn summary(ctx: &Context, store: &Store, viewers: &[Viewer], serving: bool) -> Result<()> {
    let state = store.engine().state();
    let views = sealed_views(state, viewers);
    let count = |label: &str| {
        state
            .committees
            .values()
            .filter(|c| c.kind.label() == label)
            .count()
    };
    let members: std::collections::BTreeSet<&PublicKey> = state
        .committees
        .values()
        .flat_map(|c| c.members.iter())
        .collect();
    let seats: usize = state
        .committees
        .values()
        .filter(|c| c.kind.is_council())
        .map(|c| c.seats.values().map(|s| s.len()).sum::<usize>())
        .sum();
    let proposals: Vec<&kenes_core::governance::ProposalRecord> = state
        .committees
        .values()
        .flat_map(|c| c.proposals.values())
        .collect();
    let passed = proposals
        .iter()
        .filter(|p| matches!(&p.status, ProposalStatus::Closed(c) if c.result.passed()))
        .count();
    let elections = proposals
        .iter()
        .filter(|p| matches!(p.kind, ProposalKind::Election { .. }))
        .count();
    let recalls = proposals
        .iter()
        .filter(|p| {
            matches!(p.kind, ProposalKind::Recall { .. })
                && matches!(&p.status, ProposalStatus::Closed(c) if c.result.passed())
        })
        .count();
    let merges: usize = state.committees.values().map(|c| c.merges.len()).sum();
    let reports: Vec<&kenes_core::platform::ReportRecord> = state
        .committees
        .values()
        .flat_map(|c| c.reports.values().map(|r| &**r))
        .collect();
    let days: std::collections::BTreeSet<String> =
        reports.iter().map(|r| day_of(r.starts_at)).collect();
    let top = platform(state, None);
    let by_area = situation(state, Grouping::Area);
    let value = json!({
        "data_dir": ctx.data.root().display().to_string(),
        "federation": store.federation().to_hex(),
        "ops": store.engine().len(),
        "committees": state.committees.len(),
        "production": count("production"),
        "territorial": count("territorial"),
        "councils": count("council"),
        "advisory": count("advisory"),
        "members": members.len(),
        "seats": seats,
        "proposals": proposals.len(),
        "passed": passed,
        "elections": elections,
        "recalls": recalls,
        "demands": state.committees.values().map(|c| c.demands.len()).sum::<usize>(),
        "merges": merges,
        "platform": top.iter().map(|e| json!({ "title": e.title, "committees": e.adopting.len(), "members": e.members })).collect::<Vec<_>>(),
        "reports": reports.len(),
        "report_days": days,
        "active_strikes": by_area.iter().find(|r| r.key == "Kazakhstan").map_or(0, |r| r.active_strikes),
        "sealed_views": views,
        "digest": store.engine().digest().to_hex(),
    });
    emit(ctx.json, &value, || {
        let dir = ctx.data.root().display();
        let mut lines = vec![
            format!("The January 2022 scenario is in {dir}"),
            format!(
                "{} ops; {} committees ({} production, {} territorial, {} advisory) and {} councils; {} members",
                store.engine().len(),
                state.committees.len(),
                count("production"),
                count("territorial"),
                count("advisory"),
                count("council"),
                members.len()
            ),
            format!(
                "{seats} council seats from {elections} elections; {recalls} recall; {passed} of {} proposals passed",
                proposals.len()
            ),
            format!(
                "{} reports from {} to {}",
                reports.len(),
                days.first().map_or("", String::as_str),
                days.last().map_or("", String::as_str)
            ),
            String::new(),
            "Federation platform:".into(),
        ];
        for (i, e) in top.iter().take(5).enumerate() {
            lines.push(format!(
                "  {}. {} ({} committees, {} members)",
                i + 1,
                e.title,
                e.adopting.len(),
                e.members
            ));
        }
        lines.push(String::new());
        lines.push(
            "Sealed to their committees (issue 14), the same proposals as two members read them:"
                .into(),
        );
        for v in &views {
            lines.push(format!(
                "  {} ({}):",
                v["member"].as_str().unwrap_or(""),
                v["committee"].as_str().unwrap_or("")
            ));
            for r in v["reads"].as_array().into_iter().flatten() {
                lines.push(format!(
                    "    {}: {}",
                    r["committee"].as_str().unwrap_or(""),
                    r["title"].as_str().unwrap_or("")
                ));
            }
        }
        lines.push(String::new());
        lines.push(format!(
            "Explore it:  kenes --data-dir {dir} situation --by day"
        ));
        lines.push(format!("             kenes --data-dir {dir} platform"));
        lines.push(format!(
            "             kenes --data-dir {dir} committee list"
        ));
        if serving {
            lines.push(String::new());
            lines.push("Serving it now: open the web UI at the URL below (Ctrl-C stops).".into());
        }
        lines.join("\n")
    });
    Ok(())
}
