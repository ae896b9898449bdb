//! # hearth-core: the UI-free heart of Hearth
//!
//! Hearth is a local-first CRM: every business is one SQLite file on the owner's machine, and
//! every customer interaction (mail, SMS, calls, voice-AI calls, orders, notes) lands on one
//! unified timeline in that file. This crate is everything except the faces: the desktop
//! shell (`src-tauri/`) and the CLI (`crates/hearth-cli`) are thin layers that call it.
//!
//! ## Architecture
//! - [`domain`]: validated values the rest of the core trades in — normalized identities
//!   (lower-cased email, E.164 phone through the `phonenumber` crate), new contacts and
//!   interactions. The shared enums and DTOs come from `hearth-types`.
//! - [`store`]: the only module with SQL. [`store::Store`] opens a business file in one place
//!   (WAL, foreign keys, busy timeout, `synchronous=NORMAL`), runs the embedded append-only
//!   migrations, refuses files from a newer Hearth, and exposes typed async methods. Static
//!   SQL is compile-time checked (`query!`, `.sqlx/` committed); dynamic filters are bound
//!   through `QueryBuilder`. Full-text search is FTS5, kept in step by triggers.
//! - [`analytics`]: pure models over the store's numbers: BG/NBD and Gamma-Gamma lifetime
//!   value (P(alive), expected purchases, 12-month CLV), verified against `lifetimes`.
//! - [`business`]: the registry of businesses (a JSON file in the OS data dir, or
//!   `HEARTH_DATA_DIR`): create, list, open, rename, delete to trash, backup and restore.
//! - [`mail`]: any IMAP server synced by UID batches (async-imap over rustls), messages read
//!   with mail-parser into deduplicated, threaded interactions linked to contacts, SMTP
//!   replies (lettre) through the durable outbox, and [`mail::job::MailJob`], the background
//!   component (IDLE watcher, poll, backoff, pause) the app runs. HTML is sanitized for
//!   display (ammonia).
//! - [`providers`]: VAPI voice-AI calls and Telnyx texts, call records and opt-outs, polled
//!   by cursor into the timeline (window bisection for VAPI's unpaged list, overlapping
//!   pages for Telnyx), one retry policy, sends through the outbox that never re-send
//!   blindly, and [`providers::job::ProviderJob`], the poller the app runs.
//! - [`secrets`]: the `SecretStore` trait; passwords live in the OS keyring only.
//! - [`imports`]: order files (CSV with recognized or mapped columns, JSON shaped like the
//!   OpenCart order sync) checked whole (exact money per ISO 4217 exponent, documented date
//!   forms, statuses) and imported all or nothing, with every bad row reported.
//! - [`events`]: `CoreEvent`s (sync progress, errors, outbox changes) for whoever listens.
//! - [`demo`]: a deterministic, realistic demo business that also scales to 100k contacts /
//!   1M interactions for benchmarks.
//!
//! ## Rules this crate keeps
//! - No UI dependency (no tauri, yew, clap, indicatif): CI checks it with `cargo tree`.
//! - Library code never prints or exits; it logs with `tracing` and returns typed errors
//!   (one `thiserror` enum per subsystem, with `#[source]` kept).
//! - Times are UTC milliseconds; money is integer minor or micro units.

pub mod analytics;
pub mod business;
pub mod campaigns;
pub mod demo;
pub mod domain;
pub mod events;
pub mod imports;
pub mod mail;
pub mod outbox;
pub mod periodic;
pub mod providers;
pub mod secrets;
pub mod store;

pub use business::{BusinessError, Registry};
pub use store::{Store, StoreError};

/// The current time in UTC milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
