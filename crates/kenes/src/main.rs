//! The `kenes` binary: a thin layer over the library crates. [`cli`] holds
//! the raw arguments, [`commands`] turns them into actions.

mod bench;
mod cli;
mod commands;
mod context;
mod demo;
mod error;
mod output;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // A usage error is a user error: one line, exit 1.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("error: invalid arguments");
            eprintln!("{first} (see kenes --help)");
            return ExitCode::from(1);
        }
    };
    log_to_stderr();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", error::one_line(&e));
            ExitCode::from(error::exit_code(&e))
        }
    }
}

/// The node's events (sessions, refusals) go to stderr: kenes' own at info
/// level, its dependencies' only when they warn. `RUST_LOG`-style tuning is
/// not needed for a tool people run by hand.
fn log_to_stderr() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let filter = Targets::new()
        .with_default(LevelFilter::WARN)
        .with_target("kenes", LevelFilter::INFO)
        .with_target("kenes_sync", LevelFilter::INFO)
        .with_target("kenes_web", LevelFilter::INFO);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(false)
                .without_time(),
        )
        .with(filter)
        .try_init();
}
