//! Errors of imports: a file that cannot be read at all, options that make no sense, or a
//! file read whole and refused, with every problem in it.

use std::path::PathBuf;

use thiserror::Error;

use super::Rejection;
use crate::store::StoreError;

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not readable as CSV")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("{path} is not valid JSON")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path} holds no orders: {reason}")]
    NoOrders { path: PathBuf, reason: String },
    #[error("invalid {option} {value:?}: expected {expected}")]
    InvalidOption {
        option: &'static str,
        value: String,
        expected: String,
    },
    /// The file was read whole and has problems; nothing was written.
    #[error("{0}")]
    Rejected(Rejection),
    #[error(transparent)]
    Store(#[from] StoreError),
}
