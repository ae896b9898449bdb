//! # hearth-provider-sim: loopback stand-ins for Vapi and Telnyx
//!
//! The real provider APIs cannot be reached from development or CI machines, so Hearth's
//! provider clients are tested, benchmarked and demoed against this: one axum server on
//! 127.0.0.1 that answers both APIs in the shapes `shared/providers.md` records, awkward
//! parts included — Vapi's unpaged, unordered `GET /call` with a 1000 cap, Telnyx's MDRs
//! without bodies, bodies that vanish after 10 days, string money, silently empty results for
//! misshapen filters, STOP blocks, unknown fields. Where the contract marks something
//! UNCONFIRMED the sim picks one reading and says so in the module that implements it.
//!
//! ## Shape
//! - [`Sim`] ([`sim`]): start on a free port, base URLs, the sim's own ids, mutations for
//!   incremental-sync tests, fault injection; inspection (records as served, sent bodies,
//!   the request log) in `inspect`.
//! - [`SimConfig`] ([`config`]): seed, record counts, time span, keys. Records are placed
//!   against the real clock, because clients poll with `now - 5s` windows.
//! - `vapi` and `telnyx`: one module per provider, each with its store (generation and
//!   mutation), its JSON rendering, its handlers and its error bodies.
//! - [`Fault`] / [`Route`] ([`fault`]) and the `gate` middleware: queued failures (429,
//!   5xx, slow, truncated, malformed, HTML, dropped or hung after processing).
//! - [`run_dev`] ([`dev`]): the long-running sim behind `hearth dev provider-sim`.
//!
//! ## Rules
//! - Everything random comes from one seeded ChaCha RNG: the same config and the same
//!   requests give the same data and the same answers.
//! - Library code: no printing, no panics on input; logs through `tracing`.

pub mod config;
mod conn;
pub mod dev;
pub mod fault;
mod gate;
mod inspect;
mod pool;
pub mod sim;
mod state;
mod telnyx;
mod text;
mod time;
mod vapi;

pub use config::SimConfig;
pub use dev::{run_dev, run_dev_until, DEV_TICK};
pub use fault::{Fault, Route};
pub use sim::Sim;
pub use state::RequestLog;
