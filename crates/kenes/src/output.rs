//! Printing results: plain text for people, JSON for scripts.
//!
//! Everything goes through [`line`]: when whoever reads stdout has gone
//! (`kenes log | head -1`), kenes ends quietly with exit 0, as ripgrep does,
//! instead of panicking (issue 12).

use serde::Serialize;
use std::io::Write;

/// Prints `text` and a newline on stdout. A closed pipe ends the process
/// quietly; other write failures are reported on stderr (exit 2).
pub fn line(text: impl std::fmt::Display) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(2);
    }
}

/// Prints `value` as JSON when `json` is set, else prints `text()`.
pub fn emit<T: Serialize>(json: bool, value: &T, text: impl FnOnce() -> String) {
    if json {
        line(serde_json::to_string_pretty(value).unwrap_or_default());
    } else {
        let text = text();
        if !text.is_empty() {
            line(text);
        }
    }
}

/// A progress bar on stderr for `len` steps; hidden when stderr is not a
/// terminal.
pub fn progress(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg:>10} [{bar:40}] {pos}/{len} ops ({per_sec}, {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}
