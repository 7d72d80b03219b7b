//! The raw command line, as clap parses it. Nothing here touches disk;
//! [`crate::commands`] turns these arguments into actions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// kenes: committees and councils of workers and residents, offline-first
/// and peer-to-peer.
#[derive(Parser, Debug)]
#[command(name = "kenes", version, about, long_about = None)]
pub struct Cli {
    /// Data directory (default: $KENES_DATA_DIR, then the platform's data
    /// directory).
    #[arg(long, global = true, env = "KENES_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Which federation to use when the data directory holds several (full
    /// id or a unique prefix).
    #[arg(long, global = true, value_name = "ID")]
    pub federation: Option<String>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// This device's member identity.
    #[command(subcommand)]
    Id(IdCommand),
    /// Create or list federations.
    #[command(subcommand)]
    Federation(FederationCommand),
    /// Create, list and show committees.
    #[command(subcommand)]
    Committee(CommitteeCommand),
    /// Vouch for a candidate to join a committee you belong to. A vouch also
    /// lets the candidate sync and read the federation as you see it.
    Vouch {
        /// Committee id (or a unique prefix).
        committee: String,
        /// The candidate's public key (64 hex digits).
        pubkey: String,
    },
    /// Join a committee that has vouched for you.
    Join {
        /// Committee id (or a unique prefix).
        committee: String,
    },
    /// Leave a committee.
    Leave {
        /// Committee id (or a unique prefix).
        committee: String,
    },
    /// Change your display name: kept in your key file and sealed to each
    /// committee you are in, so only those who share one with you read it.
    Profile {
        /// New display name.
        #[arg(long)]
        name: String,
    },
    /// Put a question to a committee you belong to.
    Propose(ProposeArgs),
    /// Vote on a proposal: yes, no, abstain or block; on an election, a
    /// ranking with --rank. The latest vote counts.
    Vote {
        /// Proposal id (or a unique prefix).
        proposal: String,
        /// Your ballot on a decision.
        #[arg(value_enum, required_unless_present = "rank")]
        choice: Option<ChoiceArg>,
        /// Your ranking on an election: candidates' public keys (or unique
        /// prefixes), best first, separated by commas.
        #[arg(long, value_delimiter = ',', conflicts_with = "choice")]
        rank: Vec<String>,
    },
    /// List councils with their affiliated committees and seats.
    #[command(subcommand)]
    Council(CouncilCommand),
    /// Show the seats of a council: who sits for which committee, with what
    /// weight.
    Seats {
        /// Council id (or a unique prefix).
        council: String,
    },
    /// Close a proposal: its effect applies if it passed. Anyone may close
    /// after the closing time; the proposer at any time.
    Close {
        /// Proposal id (or a unique prefix).
        proposal: String,
    },
    /// List or show proposals with their tallies.
    #[command(subcommand)]
    Proposal(ProposalCommand),
    /// Put forward, support and list demands.
    #[command(subcommand)]
    Demand(DemandCommand),
    /// The joint platform: demands ranked by adopting committees, members
    /// they represent, and personal support.
    Platform {
        /// Only this council's platform (its affiliated committees).
        #[arg(long)]
        council: Option<String>,
    },
    /// Report strikes, rallies, pickets, meetings and incidents.
    #[command(subcommand)]
    Report(ReportCommand),
    /// The situation: active strikes, participants and committees.
    Situation {
        /// How to group it.
        #[arg(long, value_enum, default_value = "area")]
        by: GroupingArg,
    },
    /// Open a discussion thread in a committee (or council) you act in.
    Discuss {
        /// Committee id (or a unique prefix).
        committee: String,
        /// A short title.
        #[arg(long)]
        title: String,
        /// The opening text.
        #[arg(long)]
        text: String,
    },
    /// Comment on a proposal, demand, report or thread, or reply to a
    /// comment.
    Comment {
        /// Its id (or a unique prefix).
        target: String,
        /// The comment.
        #[arg(long)]
        text: String,
    },
    /// Show the discussion under a proposal, demand, report or post, or a
    /// committee's threads and announcements, 50 posts a page.
    Thread {
        /// Its id (or a unique prefix).
        target: String,
        /// Which page, from 1.
        #[arg(long, default_value_t = 1)]
        page: usize,
    },
    /// Announce something urgent to every member of a committee: it stays
    /// pinned on their boards until read.
    Announce {
        /// Committee id (or a unique prefix).
        committee: String,
        /// The announcement.
        #[arg(long)]
        text: String,
    },
    /// Change the wording of your own post; earlier wordings stay visible.
    Edit {
        /// Post id (or a unique prefix).
        post: String,
        /// The new wording.
        #[arg(long)]
        text: String,
    },
    /// Withdraw your own post.
    Retract {
        /// Post id (or a unique prefix).
        post: String,
    },
    /// Suggest a better wording for an open proposal.
    Suggest {
        /// Proposal id (or a unique prefix).
        proposal: String,
        /// The suggested wording.
        #[arg(long)]
        text: String,
    },
    /// Revise the text of your own open proposal. Ballots already cast
    /// stay as they are, and the proposal shows it was revised after votes.
    Revise {
        /// Proposal id (or a unique prefix).
        proposal: String,
        /// The new text.
        #[arg(long)]
        text: String,
    },
    /// Propose that the committee hide a post (a thread, comment,
    /// suggestion or announcement): hidden once the proposal passes.
    Hide {
        /// Post id (or a unique prefix).
        post: String,
        /// Why, for the members who vote on it.
        #[arg(long, default_value = "")]
        text: String,
        /// Voting time in hours.
        #[arg(long, default_value_t = 24)]
        hours: u64,
    },
    /// Run this node until stopped: the web UI on 127.0.0.1:7878 (its URL,
    /// with the session token, is printed and written to `web-url` in the
    /// data directory), and sync with members over QUIC (the ticket is
    /// printed and written to `sync-ticket`).
    Serve(ServeArgs),
    /// Print the ticket of the node running on this data directory.
    Ticket {
        /// Also draw it as a QR code in the terminal.
        #[arg(long)]
        qr: bool,
    },
    /// Peers `kenes serve` syncs with every 30 seconds and after local
    /// changes.
    #[command(subcommand)]
    Peers(PeersCommand),
    /// Run one sync session with the node of TICKET. A first contact
    /// (nothing of its federation here yet) receives the federation whole
    /// once you were vouched for, or keeps nothing.
    Sync {
        /// The other node's ticket (`kenes1…`).
        ticket: String,
        /// Socket address to bind this side to.
        #[arg(long, default_value = "0.0.0.0:0")]
        bind: std::net::SocketAddr,
    },
    /// Write a bundle of ops to FILE: everything, or what a peer lacks.
    /// It is sealed to the federation's members (those with standing who
    /// published an encryption key, and you): a courier sees its size only.
    Export {
        /// Bundle file to write.
        file: PathBuf,
        /// The recipient's frontier file: export only what they lack.
        #[arg(long = "for", value_name = "FRONTIER_FILE")]
        for_frontier: Option<PathBuf>,
        /// Write it unsealed: for a newcomer who holds only a key and is
        /// not a member yet (anyone holding the file reads every op).
        #[arg(long)]
        clear: bool,
    },
    /// Write this node's frontier (DAG heads) to FILE, for a peer's
    /// export; sealed like a bundle.
    Frontier {
        /// Frontier file to write.
        file: PathBuf,
        /// Write it unsealed.
        #[arg(long)]
        clear: bool,
    },
    /// Read a bundle: verify every op and ingest it.
    Import {
        /// Bundle file to read.
        file: PathBuf,
    },
    /// Show the state, or its canonical digest.
    State {
        /// Print only the canonical state digest.
        #[arg(long)]
        digest: bool,
    },
    /// Show every op in fold order with its outcome.
    Log,
    /// Show what authors unknown here parked in the pending set (ops
    /// waiting for parents); `--clear-unknown` drops those ops.
    Pending {
        /// Drop every pending op of an author with no accepted op here.
        #[arg(long)]
        clear_unknown: bool,
    },
    /// Show what needs attention: rejected ops and why, ops voided by a
    /// fork or a removal (and which), forked members, ops that arrived
    /// late, outcomes that changed after closing.
    #[command(alias = "rejections")]
    Alerts,
    /// Build the January 2022 scenario in a fresh data directory and
    /// summarise it.
    Demo {
        /// Print the summary and exit instead of serving the web UI.
        #[arg(long)]
        no_serve: bool,
        /// The language of the scenario's texts (committees, councils,
        /// demands, proposals, reports).
        #[arg(long, value_enum, default_value = "en")]
        lang: crate::demo::DemoLang,
        /// Where to serve the node (sync on loopback by default: the demo
        /// is for this machine).
        #[command(flatten)]
        serve: DemoServeArgs,
    },
    /// Measure performance against its limits.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Write a signed static site of the joint platform, the public
    /// statements and the situation, for people outside the federation
    /// (no member names; see the README for which keys appear); or, with
    /// --cosign, check one against this node and add your signature.
    Publish(PublishArgs),
    /// Check a publication (folder or single file): every file against the
    /// signed manifest, the signatures, each statement's proof; when this
    /// data directory holds the federation, also that the signers are
    /// members and each item matches this node's state. Exit 1 on the
    /// first failure.
    VerifyPublication {
        /// The publication's folder, or its single HTML file.
        path: PathBuf,
        /// Require a signature by this public key (repeat, or separate
        /// keys by commas).
        #[arg(long, value_delimiter = ',', value_name = "KEY")]
        signer: Vec<String>,
    },
}

/// Arguments of `kenes publish`.
#[derive(Args, Debug)]
pub struct PublishArgs {
    /// The folder to write (absent or empty); with --single-file, the HTML
    /// file to write; with --cosign, the publication to sign.
    pub path: PathBuf,
    /// Only this council: its platform, and the statements of the council
    /// and its affiliated committees.
    #[arg(long, value_name = "ID")]
    pub council: Option<String>,
    /// Page languages, the first the default: en, ru, kk.
    #[arg(long, value_delimiter = ',', default_value = "en,ru,kk")]
    pub lang: Vec<String>,
    /// One self-contained HTML file instead of a folder.
    #[arg(long)]
    pub single_file: bool,
    /// Leave out the statements' signed proposal and close ops, so that no
    /// key but the publication's signers' appears (less proof, more
    /// safety).
    #[arg(long)]
    pub redact_signers: bool,
    /// Check the publication at PATH against this node, then add your
    /// signature to it.
    #[arg(long, conflicts_with_all = ["council", "single_file", "redact_signers"])]
    pub cosign: bool,
}

/// Where `kenes serve` listens.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Socket address to bind the sync endpoint to.
    #[arg(long, default_value = "0.0.0.0:0")]
    pub bind: std::net::SocketAddr,
    /// Socket address of the web UI [default: 127.0.0.1:7878; with --hub,
    /// 0.0.0.0:7878, every interface]. Without --hub keep it on loopback:
    /// the UI acts as your member.
    #[arg(long)]
    pub web: Option<std::net::SocketAddr>,
    /// Do not serve the web UI.
    #[arg(long)]
    pub no_web: bool,
    /// Serve as the meeting's hub: phones on this machine's network that
    /// scan the hub's QR code (its URL is printed and written to `hub-url`)
    /// sign up and take part as themselves. See "Running a meeting".
    #[arg(long, conflicts_with = "no_web")]
    pub hub: bool,
    /// How long a member's sign-in on the hub lasts, in hours (1 to 168).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..=168))]
    pub session_hours: u64,
    /// Serve the hub over HTTPS, with a certificate it makes and keeps in
    /// the data directory (`hub/tls-cert.pem`); its SHA-256 fingerprint is
    /// shown beside the QR code for members to check.
    #[arg(long, requires = "hub")]
    pub tls: bool,
    /// Announce this node and find others of its federation on the LAN by
    /// mDNS. Off by default: it tells the LAN that a kenes node runs here.
    #[arg(long)]
    pub mdns: bool,
}

/// Where `kenes demo` serves.
#[derive(Args, Debug, Clone)]
pub struct DemoServeArgs {
    /// Socket address to bind the sync endpoint to.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub bind: std::net::SocketAddr,
    /// Socket address of the web UI.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub web: std::net::SocketAddr,
}

/// `kenes id …`
#[derive(Subcommand, Debug)]
pub enum IdCommand {
    /// Create this device's member key. With $KENES_PASSPHRASE set, the
    /// key is encrypted with it.
    New {
        /// Your display name (a pseudonym is wise).
        #[arg(long)]
        name: String,
    },
    /// Show this device's public key and name.
    Show,
}

/// `kenes federation …`
#[derive(Subcommand, Debug)]
pub enum FederationCommand {
    /// Found a new federation; you become its first member.
    Create {
        /// Its name.
        #[arg(long)]
        name: String,
    },
    /// List the federations in the data directory.
    List,
}

/// The kind of committee to create.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindArg {
    /// District, city or region.
    Territorial,
    /// Workplace or enterprise.
    Production,
    /// Council of delegates (give --area or --industry as its scope).
    Council,
    /// Advisory body, e.g. a council of elders.
    Advisory,
}

/// Arguments of `kenes committee create`.
#[derive(Args, Debug)]
pub struct CreateCommitteeArgs {
    /// Its kind.
    #[arg(long, value_enum)]
    pub kind: KindArg,
    /// Its name.
    #[arg(long)]
    pub name: String,
    /// Area path, e.g. Kazakhstan/Mangystau/Zhanaozen.
    #[arg(long)]
    pub area: Option<String>,
    /// Enterprise (production committees).
    #[arg(long)]
    pub enterprise: Option<String>,
    /// Site within the enterprise (production committees).
    #[arg(long)]
    pub site: Option<String>,
    /// Industry (production committees, or an industry council's scope).
    #[arg(long)]
    pub industry: Option<String>,
    /// Distinct vouches a candidate needs to join (default 2).
    #[arg(long, value_name = "K")]
    pub vouches_required: Option<u32>,
}

/// `kenes committee …`
#[derive(Subcommand, Debug)]
pub enum CommitteeCommand {
    /// Create a committee; you become its first member (a council's
    /// convenor).
    Create(CreateCommitteeArgs),
    /// List committees.
    List,
    /// Show one committee.
    Show {
        /// Committee id (or a unique prefix).
        id: String,
    },
}

/// `kenes peers …`
#[derive(Subcommand, Debug)]
pub enum PeersCommand {
    /// Remember a peer by its ticket.
    Add {
        /// The peer's ticket (`kenes1…`).
        ticket: String,
    },
    /// List known peers and their last sync.
    List,
}

/// `kenes council …`
#[derive(Subcommand, Debug)]
pub enum CouncilCommand {
    /// Every council: scope, affiliated committees, seats.
    List,
}

/// A ballot on a decision.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChoiceArg {
    /// In favour.
    Yes,
    /// Against.
    No,
    /// Counts for turnout only.
    Abstain,
    /// Blocks the decision in a committee that decides by consensus.
    Block,
}

/// Arguments of `kenes propose`.
#[derive(Args, Debug)]
pub struct ProposeArgs {
    /// Committee id (or a unique prefix).
    pub committee: String,
    /// A short title (default: one made from the kind).
    #[arg(long)]
    pub title: Option<String>,
    /// The full text.
    #[arg(long, default_value = "")]
    pub text: String,
    /// Minutes until voting ends (default: one day).
    #[arg(long, default_value_t = 1440)]
    pub closes_in: u64,
    /// What kind of question.
    #[command(subcommand)]
    pub kind: ProposalKindArg,
}

/// The kind of a proposal.
#[derive(Subcommand, Debug)]
pub enum ProposalKindArg {
    /// A plain decision (more than half of yes + no).
    Decision,
    /// Adopt the text as a statement of the committee.
    Statement {
        /// It may be published outside the federation.
        #[arg(long)]
        public: bool,
    },
    /// Change the committee's policy (needs two thirds and an absolute
    /// majority). Unset options keep their current value.
    Policy {
        /// Distinct vouches a candidate needs.
        #[arg(long)]
        vouches_required: Option<u32>,
        /// Quorum as N/D, e.g. 1/2.
        #[arg(long)]
        quorum: Option<String>,
        /// Decide by consensus (a block fails ordinary decisions).
        #[arg(long)]
        consensus: Option<bool>,
    },
    /// Remove a member (needs two thirds and an absolute majority; the
    /// member does not vote).
    Remove {
        /// The member's public key.
        member: String,
    },
    /// Ask to affiliate this committee to a council.
    Affiliate {
        /// Council id (or a unique prefix).
        council: String,
    },
    /// (In a council) accept a committee's affiliation request.
    Accept {
        /// The requesting committee's id (or a unique prefix).
        committee: String,
    },
    /// Elect delegates to a council (ranked ballots, Schulze); replaces this
    /// committee's seats there.
    Elect {
        /// Council id (or a unique prefix).
        #[arg(long)]
        council: String,
        /// How many delegates.
        #[arg(long, default_value_t = 1)]
        seats: u32,
        /// Candidates' public keys (or unique prefixes), comma-separated;
        /// they must be members.
        #[arg(long, value_delimiter = ',', required = true)]
        candidates: Vec<String>,
    },
    /// Recall a delegate this committee seated in a council.
    Recall {
        /// Council id (or a unique prefix).
        #[arg(long)]
        council: String,
        /// The delegate's public key (or a unique prefix).
        #[arg(long)]
        delegate: String,
    },
    /// Adopt a demand (another committee's) as this committee's own.
    Adopt {
        /// Demand id (or a unique prefix).
        demand: String,
    },
    /// (In a council) merge a duplicate demand into another.
    Merge {
        /// The duplicate.
        #[arg(long)]
        from: String,
        /// The demand it joins.
        #[arg(long)]
        into: String,
    },
    /// Instruct this committee's delegates how to vote on a council
    /// proposal.
    Mandate {
        /// The council proposal's id (or a unique prefix).
        #[arg(long)]
        proposal: String,
        /// How they must vote.
        #[arg(long, value_enum)]
        choice: ChoiceArg,
    },
}

/// `kenes proposal …`
#[derive(Subcommand, Debug)]
pub enum ProposalCommand {
    /// List proposals, newest last.
    List {
        /// Only this committee's.
        #[arg(long)]
        committee: Option<String>,
    },
    /// Show one proposal with its tally and ballots.
    Show {
        /// Proposal id (or a unique prefix).
        id: String,
    },
}

/// A demand's category.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CategoryArg {
    /// Pay.
    Wages,
    /// Jobs and "optimisation" (lay-offs).
    Jobs,
    /// Working conditions.
    Conditions,
    /// Trade-union rights, the right to strike.
    UnionRights,
    /// Pensions, prices, housing.
    Social,
    /// Political demands.
    Political,
    /// Anything else.
    Other,
}

/// `kenes demand …`
#[derive(Subcommand, Debug)]
pub enum DemandCommand {
    /// Put forward a demand in your committee's name.
    Put {
        /// Committee id (or a unique prefix).
        committee: String,
        /// The demand.
        #[arg(long)]
        title: String,
        /// Its category.
        #[arg(long, value_enum)]
        category: CategoryArg,
        /// Details.
        #[arg(long, default_value = "")]
        text: String,
    },
    /// Add your personal support to a demand.
    Support {
        /// Demand id (or a unique prefix).
        demand: String,
    },
    /// List every demand with where it came from.
    List,
}

/// An action report's kind.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportKindArg {
    /// A strike.
    Strike,
    /// A rally.
    Rally,
    /// A picket.
    Picket,
    /// A meeting.
    Meeting,
    /// An incident.
    Incident,
}

/// An action's status.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusArg {
    /// Called, not begun.
    Planned,
    /// Going on.
    Active,
    /// Paused.
    Suspended,
    /// Over.
    Ended,
}

/// `kenes report …`
#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Report an action in your committee's name.
    New {
        /// Committee id (or a unique prefix).
        committee: String,
        /// What kind of action.
        #[arg(long, value_enum)]
        kind: ReportKindArg,
        /// Its status.
        #[arg(long, value_enum, default_value = "active")]
        status: StatusArg,
        /// Where, as an area path.
        #[arg(long)]
        area: String,
        /// How many take part (at most 1,000,000: a larger figure is a typo).
        #[arg(long, default_value_t = 0, value_parser = participants)]
        participants: u32,
        /// When it starts, as YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC); default now.
        #[arg(long)]
        starts: Option<String>,
        /// What happens.
        #[arg(long, default_value = "")]
        text: String,
        /// Seal the text to the committee: only its members read it (the
        /// kind, status, area, date and participants stay readable by the
        /// whole federation). Updates of the report are sealed too.
        #[arg(long)]
        committee_only: bool,
    },
    /// Give a reported action a new status.
    Update {
        /// Report id (or a unique prefix).
        report: String,
        /// The new status.
        #[arg(long, value_enum)]
        status: StatusArg,
        /// How many take part now (default: unchanged; at most 1,000,000).
        #[arg(long, value_parser = participants)]
        participants: Option<u32>,
        /// What changed.
        #[arg(long, default_value = "")]
        text: String,
    },
    /// List reports, newest first.
    List,
}

/// A report's participants: a whole number up to the authoring bound.
fn participants(text: &str) -> Result<u32, String> {
    let max = kenes_store::author::MAX_PARTICIPANTS;
    match text.trim().parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!("expected a whole number from 0 to {max}")),
    }
}

/// How to group the situation.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupingArg {
    /// By area, at every level of the area path.
    Area,
    /// By industry.
    Industry,
    /// By day.
    Day,
}

/// `kenes bench …`
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// End-to-end ingest against the signature-verification limit.
    Ingest {
        /// Number of ops to build and ingest.
        #[arg(long, default_value_t = 200_000)]
        ops: usize,
        /// Number of late ops merged into the full state.
        #[arg(long, default_value_t = 10_000)]
        late: usize,
    },
    /// Reconciliation, kenes against the negentropy crate, in memory.
    Sync {
        /// Items on each side.
        #[arg(long, default_value_t = 1_000_000)]
        items: usize,
        /// Differences between the sides (half only on each side).
        #[arg(long, default_value_t = 1_000)]
        diff: usize,
    },
    /// Web UI render times over loopback, on the demo federation scaled up.
    Web {
        /// Copies of the demo's committees (40: over 1,000 committees and
        /// 12,000 members).
        #[arg(long, default_value_t = 40)]
        scale: usize,
        /// Requests per page.
        #[arg(long, default_value_t = 200)]
        requests: usize,
        /// Comments in the long thread of the founder's committee.
        #[arg(long, default_value_t = 10_000)]
        comments: usize,
    },
    /// Strong removal at scale: evaluation from scratch, late ops one at a
    /// time, and one late removal after a partition.
    Removal {
        /// Ops in the federation.
        #[arg(long, default_value_t = 200_000)]
        ops: usize,
        /// Removals, one in 30 concurrent with thousands of ops.
        #[arg(long, default_value_t = 300)]
        removals: usize,
        /// Ops in the partition before the late removal.
        #[arg(long, default_value_t = 10_000)]
        late: usize,
    },
    /// National scale: a federation built on disk as a stream, ingested,
    /// re-folded and merged, each figure next to issue 18's goal.
    Scale {
        /// Ops in the federation (at least what it takes for every member
        /// to join a committee: about three per member).
        #[arg(long, default_value_t = 100_000)]
        ops: usize,
        /// Members, in committees of 20.
        #[arg(long, default_value_t = 10_000)]
        members: usize,
        /// Late ops from a partition, merged into the full state.
        #[arg(long, default_value_t = 10_000)]
        late: usize,
        /// Builds everything in this new directory and leaves it there
        /// (the bundles `main.bundle` and `late.bundle`, and the data
        /// directory `data`), for profiling; by default a temporary one.
        #[arg(long)]
        keep: Option<std::path::PathBuf>,
    },
    /// Loads a federation's database as a writing command does (replaying
    /// its op log) and prints the time and this process's peak RSS as
    /// JSON: `bench ingest` runs it on its result, so that the figure is
    /// the loaded engine's alone.
    #[command(hide = true)]
    Load {
        /// The database file.
        #[arg(long)]
        db: std::path::PathBuf,
    },
    /// Runs this binary with the given arguments and prints its time and
    /// peak RSS as JSON: benches measure commands through it, so that the
    /// bench's own memory is not counted as the command's.
    #[command(hide = true)]
    Child {
        /// The command's arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Counting: a Schulze election and a weighted council decision.
    Tally {
        /// Ballots in the election of 10 candidates.
        #[arg(long, default_value_t = 100_000)]
        ballots: usize,
        /// Seats in the council decision.
        #[arg(long, default_value_t = 1_000)]
        seats: usize,
    },
}
