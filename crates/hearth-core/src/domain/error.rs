//! Errors of domain validation: bad input, said plainly.

use thiserror::Error;

/// A value that cannot be accepted as it is.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DomainError {
    #[error("invalid email address {0:?}: expected something like name@example.com")]
    InvalidEmail(String),
    #[error("invalid phone number {input:?} for default region {region}: {reason}")]
    InvalidPhone {
        input: String,
        region: String,
        reason: String,
    },
    #[error("unknown phone region {0:?}: expected a two-letter country code such as US or GB")]
    InvalidRegion(String),
    #[error(
        "unknown time zone {0:?}: expected an IANA name such as Europe/London or America/New_York"
    )]
    InvalidTimeZone(String),
    #[error("contact {0} cannot be merged into itself")]
    SameContact(i64),
    #[error("merge {0} was already undone")]
    AlreadyUndone(i64),
    #[error("invalid handle {0:?}: it must not be empty")]
    InvalidHandle(String),
    #[error("a contact needs a name or at least one email or phone")]
    EmptyContact,
    #[error("invalid date range: since ({since}) must be before until ({until})")]
    BadRange { since: i64, until: i64 },
    #[error("time {0} ms is outside the years 1831 to 2109 that Hearth stores")]
    TimeOutOfRange(i64),
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{what} must be from {min} to {max} (not {value})")]
    OutOfRange {
        what: &'static str,
        value: u64,
        min: u64,
        max: u64,
    },
}
