//! Errors of the store: each says what failed and keeps the database error as its source.

use std::path::PathBuf;

use thiserror::Error;

use crate::domain::DomainError;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database file {path} does not exist")]
    Missing { path: PathBuf },
    #[error("database file {path} is locked by another program; close it and try again")]
    Locked {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("database file {path} is not a Hearth database or is corrupt")]
    Corrupt {
        path: PathBuf,
        #[source]
        source: Option<sqlx::Error>,
    },
    #[error(
        "database file {path} was written by a newer Hearth (schema {found}, this build knows up \
         to {known}); update Hearth to open it"
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot migrate database file {path}")]
    Migrate {
        path: PathBuf,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("cannot open database file {path}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("{path} already exists; choose another name")]
    Exists { path: PathBuf },
    #[error("{what} not found: {key}")]
    NotFound { what: &'static str, key: String },
    #[error("{kind} {value} already belongs to contact {contact_id}")]
    IdentityTaken {
        kind: &'static str,
        value: String,
        contact_id: i64,
    },
    #[error(transparent)]
    Invalid(#[from] DomainError),
    #[error("invalid JSON in column {column} of row {id}")]
    BadJson {
        column: &'static str,
        id: i64,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot encode {what} as JSON")]
    Encode {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("unknown value in column {column}: {source}")]
    BadEnum {
        column: &'static str,
        #[source]
        source: hearth_types::ParseEnumError,
    },
    /// SQLite's own words are part of the message: a status panel or a log line shows one
    /// message, and "database is locked" is the part a person can act on.
    #[error("database error while trying to {action}: {source}")]
    Query {
        action: &'static str,
        #[source]
        source: sqlx::Error,
    },
}

impl StoreError {
    /// Wraps a query error with what was being done.
    pub(crate) fn query(action: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |source| StoreError::Query { action, source }
    }

    /// Whether the error was SQLite saying the file is busy or locked.
    pub fn is_locked(&self) -> bool {
        match self {
            StoreError::Locked { .. } => true,
            StoreError::Query { source, .. } | StoreError::Open { source, .. } => is_busy(source),
            _ => false,
        }
    }
}

/// SQLITE_BUSY (5) and SQLITE_LOCKED (6), including extended codes.
pub(crate) fn is_busy(err: &sqlx::Error) -> bool {
    sqlite_code(err).is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// SQLITE_CORRUPT (11) and SQLITE_NOTADB (26).
pub(crate) fn is_corrupt(err: &sqlx::Error) -> bool {
    sqlite_code(err).is_some_and(|code| matches!(code & 0xff, 11 | 26))
}

fn sqlite_code(err: &sqlx::Error) -> Option<i64> {
    match err {
        sqlx::Error::Database(db) => db.code().and_then(|c| c.parse().ok()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_error_says_what_was_being_done_and_what_sqlite_said() {
        let e = StoreError::query("reconcile the outbox")(sqlx::Error::RowNotFound);
        assert_eq!(
            e.to_string(),
            format!(
                "database error while trying to reconcile the outbox: {}",
                sqlx::Error::RowNotFound
            )
        );
    }
}
