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
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", error::one_line(&e));
            ExitCode::from(error::exit_code(&e))
        }
    }
}
