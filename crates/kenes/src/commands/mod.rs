//! One function per subcommand, over the library crates.

mod actions;
pub mod committee;
mod discuss;
mod governance;
mod identity;
mod inspect;
pub mod net;
mod publish;
mod transfer;

use crate::cli::{Cli, Command};
use crate::context::Context;
use anyhow::Result;
use kenes_store::datadir::DataDir;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let demo = matches!(cli.command, Command::Demo { .. });
    let root = match cli.data_dir {
        Some(dir) => dir,
        // The demo needs a fresh directory of its own.
        None if demo => {
            std::env::temp_dir().join(format!("kenes-demo-{}", crate::context::now_ms()))
        }
        None => dirs::data_dir().map(|d| d.join("kenes")).ok_or_else(|| {
            crate::error::user("no data directory: give --data-dir or set KENES_DATA_DIR")
        })?,
    };
    let data = DataDir::new(root);
    // The key file's passphrase also opens the databases when they are
    // encrypted (issue 14): read commands need it too.
    data.set_passphrase(
        std::env::var(crate::context::PASSPHRASE_VAR)
            .ok()
            .as_deref(),
    );
    let ctx = Context {
        data,
        federation: cli.federation,
        json: cli.json,
    };
    match cli.command {
        Command::Id(cmd) => identity::id(&ctx, cmd),
        Command::Profile { name } => identity::profile(&ctx, &name),
        Command::Federation(cmd) => identity::federation(&ctx, cmd),
        Command::Committee(cmd) => committee::committee(&ctx, cmd),
        Command::Vouch { committee, pubkey } => committee::vouch(&ctx, &committee, &pubkey),
        Command::Join { committee } => committee::join(&ctx, &committee),
        Command::Leave { committee } => committee::leave(&ctx, &committee),
        Command::Propose(args) => governance::propose(&ctx, args),
        Command::Vote {
            proposal,
            choice,
            rank,
        } => governance::vote(&ctx, &proposal, choice, &rank),
        Command::Seats { council } => governance::seats(&ctx, &council),
        Command::Council(crate::cli::CouncilCommand::List) => governance::councils(&ctx),
        Command::Close { proposal } => governance::close(&ctx, &proposal),
        Command::Proposal(cmd) => governance::proposal(&ctx, cmd),
        Command::Demand(cmd) => actions::demand(&ctx, cmd),
        Command::Platform { council } => actions::platform(&ctx, council.as_deref()),
        Command::Report(cmd) => actions::report(&ctx, cmd),
        Command::Situation { by } => actions::situation(&ctx, by),
        Command::Discuss {
            committee,
            title,
            text,
        } => discuss::discuss(&ctx, &committee, &title, &text),
        Command::Comment { target, text } => discuss::comment(&ctx, &target, &text),
        Command::Thread { target, page } => discuss::thread(&ctx, &target, page),
        Command::Announce { committee, text } => discuss::announce(&ctx, &committee, &text),
        Command::Edit { post, text } => discuss::edit(&ctx, &post, &text),
        Command::Retract { post } => discuss::retract(&ctx, &post),
        Command::Suggest { proposal, text } => {
            discuss::suggest_or_revise(&ctx, &proposal, &text, false)
        }
        Command::Revise { proposal, text } => {
            discuss::suggest_or_revise(&ctx, &proposal, &text, true)
        }
        Command::Hide { post, text, hours } => discuss::hide(&ctx, &post, &text, hours),
        Command::Serve(args) => {
            let default_web = if args.hub {
                "0.0.0.0:7878"
            } else {
                "127.0.0.1:7878"
            };
            let web = args
                .web
                .unwrap_or_else(|| default_web.parse().expect("a socket address"));
            let hub = args.hub.then(|| net::HubOptions {
                lifetime: std::time::Duration::from_secs(args.session_hours * 3600),
                tls: args.tls,
            });
            net::serve_with(
                &ctx,
                args.bind,
                (!args.no_web).then_some(web),
                args.mdns,
                hub,
            )
        }
        Command::Ticket { qr } => net::ticket(&ctx, qr),
        Command::Peers(cmd) => net::peers(&ctx, cmd),
        Command::Sync { ticket, bind } => net::sync(&ctx, &ticket, bind),
        Command::Export {
            file,
            for_frontier,
            clear,
        } => transfer::export(&ctx, &file, for_frontier.as_deref(), clear),
        Command::Frontier { file, clear } => transfer::frontier(&ctx, &file, clear),
        Command::Import { file } => transfer::import(&ctx, &file),
        Command::State { digest } => inspect::state(&ctx, digest),
        Command::Log => inspect::log(&ctx),
        Command::Pending { clear_unknown } => inspect::pending(&ctx, clear_unknown),
        Command::Alerts => inspect::alerts(&ctx),
        Command::Bench(cmd) => crate::bench::run(&ctx, cmd),
        Command::Publish(args) => publish::publish(&ctx, args),
        Command::VerifyPublication { path, signer } => {
            publish::verify_publication(&ctx, &path, &signer)
        }
        Command::Demo {
            no_serve,
            serve,
            lang,
        } => crate::demo::run(&ctx, (!no_serve).then_some((serve.bind, serve.web)), lang),
    }
}
