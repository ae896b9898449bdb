//! Errors become one message on stderr (with its causes) and an exit code by kind.

use std::process::ExitCode;

use hearth_core::domain::DomainError;
use hearth_core::{BusinessError, StoreError};

pub const BAD_INPUT: u8 = 2;
pub const NOT_FOUND: u8 = 3;
pub const DATABASE: u8 = 4;

/// Bad input found by the CLI itself (dates, cursors, ...).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn report(err: &anyhow::Error) -> ExitCode {
    eprintln!("error: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    ExitCode::from(code(err))
}

fn code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.is::<BadInput>()
            || cause.is::<DomainError>()
            || cause.is::<hearth_types::ParseEnumError>()
        {
            return BAD_INPUT;
        }
        if let Some(e) = cause.downcast_ref::<BusinessError>() {
            match e {
                BusinessError::NotFound(_) | BusinessError::NoneYet => return NOT_FOUND,
                BusinessError::NameTaken(_) | BusinessError::InvalidName(_) => return BAD_INPUT,
                BusinessError::NotABackup { .. } => return DATABASE,
                _ => {}
            }
        }
        if let Some(e) = cause.downcast_ref::<StoreError>() {
            match e {
                StoreError::NotFound { .. } | StoreError::Missing { .. } => return NOT_FOUND,
                StoreError::Invalid(_) | StoreError::IdentityTaken { .. } | StoreError::Exists { .. } => {
                    return BAD_INPUT
                }
                StoreError::Locked { .. }
                | StoreError::Corrupt { .. }
                | StoreError::SchemaTooNew { .. } => return DATABASE,
                e if e.is_locked() => return DATABASE,
                _ => {}
            }
        }
    }
    1
}
