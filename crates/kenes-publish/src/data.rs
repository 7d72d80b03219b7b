//! What a publication says: the joint platform, the public statements with
//! their proofs, and the situation, as the JSON files `platform.json`,
//! `statements.json` and `situation.json` (DESIGN §8).
//!
//! The platform and situation files hold exactly what `kenes platform
//! --json` and `kenes situation --json` print. Nothing here names a member
//! or holds a member key, except the authors of a statement's proposal and
//! close ops, inside those ops (dropped with `redact_signers`).

use crate::PublishError;
use crate::manifest::{Layout, Unsigned};
use kenes_core::body::ProposalKind;
use kenes_core::governance::ProposalStatus;
use kenes_core::platform::{Grouping, day_of, situation};
use kenes_core::{Body, Engine, Hash, Op, State};
use kenes_web::model;
use serde::{Deserialize, Serialize};

/// The languages a publication may use, as the UI speaks them.
pub const LANGUAGES: [&str; 3] = ["en", "ru", "kk"];

/// What to publish.
#[derive(Clone, Debug)]
pub struct Options {
    /// Only this council: its platform, and the statements of the council
    /// and its affiliated committees.
    pub council: Option<Hash>,
    /// The page languages, the first one the default (`index.html`).
    pub languages: Vec<String>,
    /// Leave out the statements' proofs, so no key but the manifest
    /// signers' appears.
    pub redact_signers: bool,
    /// One HTML file instead of a folder.
    pub layout: Layout,
    /// When (ms since the epoch).
    pub published_at: u64,
}

/// A statement's proof: the canonical bytes of its proposal op and of the
/// first counting close that passed it, in hex. No vote is included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// The `Propose` op.
    pub proposal: String,
    /// The `Close` op.
    pub close: String,
}

/// The tally at the first counting close, as `kenes proposal show` prints
/// it (weights as decimal strings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Yes weight.
    pub yes: String,
    /// No weight.
    pub no: String,
    /// Abstentions.
    pub abstain: String,
    /// Blocks.
    pub block: String,
    /// The electorate's weight.
    pub electorate: String,
    /// True: only passed statements are published.
    pub passed: bool,
}

/// A public statement a committee or council adopted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The proposal's id (its op id).
    pub id: String,
    /// Title, in the language it was written in.
    pub title: String,
    /// Text.
    pub text: String,
    /// The adopting committee's id.
    pub committee: String,
    /// Its name.
    pub committee_name: String,
    /// Its kind: territorial, production, council or advisory.
    pub committee_kind: String,
    /// The close op's id.
    pub close: String,
    /// The close op's time (its author's clock, ms since the epoch).
    pub adopted_at: u64,
    /// That time's UTC day.
    pub adopted_day: String,
    /// The tally.
    pub tally: Tally,
    /// Quorum, as `n/d`.
    pub quorum: String,
    /// `ordinary` or `strong`.
    pub threshold: String,
    /// The proof, unless the publication withholds signers' keys.
    pub proof: Option<Proof>,
}

/// One demand of the platform, as `kenes platform --json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformRow {
    /// Place, from 1.
    pub rank: usize,
    /// The demand's id.
    pub demand: String,
    /// Its title.
    pub title: String,
    /// Its category.
    pub category: String,
    /// The committee that put it forward.
    pub origin: String,
    /// That committee's name.
    pub origin_name: String,
    /// Duplicates merged into it.
    pub merged: Vec<String>,
    /// How many counted committees adopted it.
    pub committees: usize,
    /// Their names.
    pub adopting: Vec<String>,
    /// Members of those committees, each once.
    pub members: usize,
    /// Personal supporters.
    pub supporters: usize,
}

/// One row of the situation, as `kenes situation --json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SituationRow {
    /// Area, industry or day.
    pub key: String,
    /// Active strikes.
    pub active_strikes: usize,
    /// Participants in active actions.
    pub participants: u64,
    /// Committees with an active action.
    pub committees: usize,
    /// Reports of any status.
    pub reports: usize,
}

/// `situation.json`: the same rows grouped three ways.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Situation {
    /// By every level of the area path.
    pub by_area: Vec<SituationRow>,
    /// By the day actions start (UTC).
    pub by_day: Vec<SituationRow>,
    /// By industry.
    pub by_industry: Vec<SituationRow>,
}

/// Everything the pages show, parsed back from the JSON files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Data {
    /// The platform.
    pub platform: Vec<PlatformRow>,
    /// The statements.
    pub statements: Vec<Statement>,
    /// The situation.
    pub situation: Situation,
}

/// The data files' names.
pub const PLATFORM: &str = "platform.json";
/// See [`PLATFORM`].
pub const STATEMENTS: &str = "statements.json";
/// See [`PLATFORM`].
pub const SITUATION: &str = "situation.json";

fn pretty(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The public statements in scope, oldest first, each with its proof
/// unless `redact`.
pub fn statements(engine: &Engine, scope: Option<&Hash>, redact: bool) -> Vec<Statement> {
    let state = engine.state();
    let mut out = Vec::new();
    for c in state
        .committees
        .values()
        .filter(|c| in_scope(state, scope, &c.id))
    {
        for (id, statement) in c.statements.iter().filter(|(_, s)| s.public) {
            let Some(record) = c.proposals.get(id) else {
                continue;
            };
            let ProposalStatus::Closed(closing) = &record.status else {
                continue;
            };
            let (Some(proposal), Some(close)) = (engine.entry(id), engine.entry(&closing.first.1))
            else {
                continue;
            };
            // Public statements are authored in the clear; one sealed all
            // the same is its committee's, never published.
            let (Some(title), Some(text)) = (statement.title.readable(), statement.text.readable())
            else {
                continue;
            };
            let r = model::result(&closing.result);
            let field = |k: &str| r[k].as_str().unwrap_or("0").to_string();
            let e = &record.electorate;
            out.push(Statement {
                id: id.to_hex(),
                title: title.to_string(),
                text: text.to_string(),
                committee: c.id.to_hex(),
                committee_name: c.name.clone(),
                committee_kind: c.kind.label().into(),
                close: close.id.to_hex(),
                adopted_at: engine.decoded(close).fields.time,
                adopted_day: day_of(engine.decoded(close).fields.time),
                tally: Tally {
                    yes: field("yes"),
                    no: field("no"),
                    abstain: field("abstain"),
                    block: field("block"),
                    electorate: field("electorate"),
                    passed: closing.result.passed(),
                },
                quorum: format!("{}/{}", e.quorum.0, e.quorum.1),
                threshold: model::lower(e.threshold),
                proof: (!redact).then(|| Proof {
                    proposal: hex::encode(engine.bytes_of(proposal)),
                    close: hex::encode(engine.bytes_of(close)),
                }),
            });
        }
    }
    out.sort_by(|a, b| (a.adopted_at, &a.id).cmp(&(b.adopted_at, &b.id)));
    out
}

/// True if committee `id` is in the publication's scope: everything, or
/// the council and the committees it accepted.
fn in_scope(state: &State, scope: Option<&Hash>, id: &Hash) -> bool {
    match scope {
        None => true,
        Some(council) => {
            council == id
                || state
                    .committees
                    .get(council)
                    .is_some_and(|k| k.affiliates.contains(id))
        }
    }
}

/// `platform.json`: the platform of the federation or of `council`, as
/// `kenes platform --json` prints it.
pub fn platform_json(state: &State, council: Option<&Hash>) -> Vec<u8> {
    pretty(&model::platform(state, council))
}

/// `situation.json`: the federation's situation by area, day and
/// industry, each as `kenes situation --by … --json` prints it. Report
/// texts are left out: reports cannot be marked public yet.
pub fn situation_json(state: &State) -> Vec<u8> {
    let by = |g| {
        situation(state, g)
            .into_iter()
            .map(|r| SituationRow {
                key: r.key,
                active_strikes: r.active_strikes,
                participants: r.participants,
                committees: r.committees,
                reports: r.reports,
            })
            .collect()
    };
    pretty(&Situation {
        by_area: by(Grouping::Area),
        by_day: by(Grouping::Day),
        by_industry: by(Grouping::Industry),
    })
}

/// Builds the unsigned publication of `engine`'s federation.
pub fn build(engine: &Engine, options: &Options) -> Result<Unsigned, PublishError> {
    check_languages(&options.languages)?;
    let state = engine.state();
    let federation = state
        .federation
        .as_ref()
        .ok_or(PublishError::NoFederation)?;
    let council = match &options.council {
        Some(id) => match state.committees.get(id) {
            Some(c) if c.kind.is_council() => Some((id.to_hex(), c.name.clone())),
            Some(c) => return Err(PublishError::NotACouncil(c.name.clone())),
            None => return Err(PublishError::NotACouncil(id.to_hex())),
        },
        None => None,
    };
    let files = vec![
        (
            PLATFORM.to_string(),
            platform_json(state, options.council.as_ref()),
        ),
        (
            STATEMENTS.to_string(),
            pretty(&statements(
                engine,
                options.council.as_ref(),
                options.redact_signers,
            )),
        ),
        (SITUATION.to_string(), situation_json(state)),
    ];
    let manifest = crate::manifest::Manifest {
        format: crate::manifest::FORMAT.into(),
        generator: crate::manifest::generator(),
        federation: federation.id.to_hex(),
        federation_name: federation.name.clone(),
        published_at: options.published_at,
        council: council.as_ref().map(|c| c.0.clone()),
        council_name: council.map(|c| c.1),
        languages: options.languages.clone(),
        redacted: options.redact_signers,
        layout: options.layout,
        files: Vec::new(),
    };
    Unsigned::new(manifest, files.into_iter().collect())
}

/// Each language known, each once, at least one.
pub fn check_languages(languages: &[String]) -> Result<(), PublishError> {
    for l in languages {
        if !LANGUAGES.contains(&l.as_str()) {
            return Err(PublishError::UnknownLanguage(l.clone()));
        }
    }
    let mut unique = languages.to_vec();
    unique.sort();
    unique.dedup();
    if languages.is_empty() || unique.len() != languages.len() {
        return Err(PublishError::Languages);
    }
    Ok(())
}

/// Parses the three data files (hostile input: any error is returned).
pub fn parse(platform: &[u8], statements: &[u8], situation: &[u8]) -> Result<Data, String> {
    Ok(Data {
        platform: typed(PLATFORM, platform)?,
        statements: typed(STATEMENTS, statements)?,
        situation: typed(SITUATION, situation)?,
    })
}

fn typed<T: serde::de::DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("{name} does not parse: {e}"))
}

/// What a statement's proof establishes on its own: both ops decode, are
/// signed by their authors (ZIP-215, no small-order key), belong to
/// `federation`, the proposal is a public statement with the item's
/// committee, title and text, and the close names that proposal and comes
/// after it. Returns the two ops.
pub fn check_proof(statement: &Statement, federation: &Hash) -> Result<(Op, Op), String> {
    let Some(proof) = &statement.proof else {
        return Err("it has no proof".into());
    };
    let op = |what: &str, text: &str| -> Result<Op, String> {
        let bytes = hex::decode(text).map_err(|_| format!("the {what} op is not hex"))?;
        let op = Op::decode(&bytes).map_err(|e| format!("the {what} op: {e}"))?;
        let author = &op.fields.author;
        if kenes_core::keys::is_small_order(author)
            || !kenes_core::keys::verify(author, op.signed_message(), &op.sig)
        {
            return Err(format!("the {what} op's signature is not valid"));
        }
        if op.fields.federation != *federation {
            return Err(format!("the {what} op belongs to another federation"));
        }
        Ok(op)
    };
    let proposal = op("proposal", &proof.proposal)?;
    let close = op("close", &proof.close)?;
    if proposal.id.to_hex() != statement.id {
        return Err("the proposal op's id is not the statement's id".into());
    }
    if close.id.to_hex() != statement.close {
        return Err("the close op's id is not the statement's close".into());
    }
    let Body::Propose {
        committee,
        kind,
        title,
        text,
        ..
    } = &proposal.fields.body
    else {
        return Err("the proposal op is not a proposal".into());
    };
    if *kind != (ProposalKind::Statement { public: true }) {
        return Err("the proposal is not a public statement".into());
    }
    if committee.to_hex() != statement.committee {
        return Err("the proposal belongs to another committee".into());
    }
    if title.readable() != Some(statement.title.as_str())
        || text.readable() != Some(statement.text.as_str())
    {
        return Err("the statement's title or text differs from the signed proposal".into());
    }
    match &close.fields.body {
        Body::Close {
            committee: c,
            proposal: p,
        } if c == committee && *p == proposal.id => {}
        _ => return Err("the close op does not close this proposal".into()),
    }
    if close.fields.lamport <= proposal.fields.lamport {
        return Err("the close op does not come after the proposal".into());
    }
    if close.fields.time != statement.adopted_at
        || day_of(close.fields.time) != statement.adopted_day
    {
        return Err("the adoption date is not the close op's".into());
    }
    Ok((proposal, close))
}
