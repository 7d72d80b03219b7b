//! kenes-web: the local web app and JSON API of a running node.
//!
//! - Server-rendered HTML ([`views`], maud) with one small embedded script
//!   for live updates; every asset is in the binary, so it works offline.
//! - [`security`]: session token, CSRF token, Host/Origin checks.
//! - [`i18n`]: English, Russian and Kazakh from Fluent files.
//! - [`actions`]: the changes a member can make, parsed from untrusted
//!   input and authored through the store's guarded path.
//! - [`kinds`]: proposal and committee kinds by wire name, and what of a
//!   body depends on the state; shared with the CLI.
//! - [`model`]: the JSON shapes, shared with the CLI's `--json`;
//!   [`deliberation`]: threads, comments and announcements as JSON.
//! - [`attention`]: what needs this member (`/api/attention`, the board's
//!   first section); [`explain`]: engine reasons in the page's language;
//!   [`geo`]: the offline map's data.
//! - [`onboarding`]: the UI on a data directory without a key or a
//!   federation yet (create an identity, found or join), and `/me`.
//!
//! - [`hub`]: `kenes serve --hub`, one laptop serving many members'
//!   phones, each signed in as themselves; [`tls`]: its HTTPS (`--tls`).
//!
//! The UI acts as the device's member: it needs the member key, unlocked
//! from the key file (with the passphrase entered in the UI when the file
//! is encrypted).
#![deny(missing_docs)]

pub mod actions;
pub mod attention;
pub mod deliberation;
pub mod explain;
mod forms;
pub mod geo;
pub mod hub;
pub mod i18n;
pub mod kinds;
pub mod model;
pub mod onboarding;
pub mod scan;
pub mod security;
mod server;
pub mod tls;
pub mod views;

pub use server::{App, WEB_URL_FILE, router, serve, serve_router};
