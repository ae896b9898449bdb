//! Validated domain values. Everything that enters the store from a user, a file or a
//! provider passes through here first, so the store only ever sees normalized data.

pub mod duplicates;
mod error;
mod identity;
mod records;

pub use error::DomainError;
pub use identity::{normalize_email, normalize_identity, normalize_phone, parse_region, Region};
pub use records::{ContactChanges, NewContact, NewDeal, NewInteraction, NewOrder, NewTask};
