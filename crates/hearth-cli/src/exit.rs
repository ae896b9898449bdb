//! Errors become one message on stderr (with its causes) and an exit code by kind.

use std::process::ExitCode;

use hearth_core::domain::DomainError;
use hearth_core::{BusinessError, StoreError};

pub const BAD_INPUT: u8 = 2;
pub const NOT_FOUND: u8 = 3;
pub const DATABASE: u8 = 4;
pub const REMOTE: u8 = 5;

/// Bad input found by the CLI itself (dates, cursors, ...).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn report(err: &anyhow::Error) -> ExitCode {
    // The reader of our output went away (`hearth sentiment < in | head`): not a failure.
    let reader_gone = err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if reader_gone {
        return ExitCode::SUCCESS;
    }
    let message = err.to_string();
    eprintln!("error: {message}");
    // A cause the message already quotes is not repeated.
    let mut said = message;
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !said.contains(&text) {
            eprintln!("  caused by: {text}");
            said.push_str(&text);
        }
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
        if let Some(e) = cause.downcast_ref::<hearth_core::campaigns::CampaignError>() {
            use hearth_core::campaigns::CampaignError;
            return match e {
                CampaignError::Invalid(_) | CampaignError::WrongState { .. } => BAD_INPUT,
                CampaignError::Store(e) => store_code(e).unwrap_or(DATABASE),
                CampaignError::Mail(e) => mail_code(e),
                CampaignError::Provider(e) => provider_code(e),
            };
        }
        if let Some(e) = cause.downcast_ref::<hearth_core::mail::MailError>() {
            return mail_code(e);
        }
        if let Some(e) = cause.downcast_ref::<hearth_core::providers::ProviderError>() {
            return provider_code(e);
        }
        if let Some(e) = cause.downcast_ref::<hearth_core::analytics::ltv::LtvError>() {
            use hearth_core::analytics::ltv::LtvError;
            return match e {
                LtvError::NoOrders { .. } | LtvError::NoOrdersInCurrency { .. } => NOT_FOUND,
                LtvError::Store(e) => store_code(e).unwrap_or(1),
                _ => 1,
            };
        }
        if let Some(hearth_core::analytics::intel::AnalysisError::Store(e)) = cause.downcast_ref() {
            return store_code(e).unwrap_or(DATABASE);
        }
        if cause.is::<hearth_notify::NotifyError>() {
            return REMOTE;
        }
        if let Some(e) = cause.downcast_ref::<hearth_core::imports::ImportError>() {
            return import_code(e);
        }
        if cause.is::<hearth_core::secrets::SecretError>() {
            return REMOTE;
        }
        let code = match cause.downcast_ref::<BusinessError>() {
            Some(e) => business_code(e),
            None => cause.downcast_ref::<StoreError>().and_then(store_code),
        };
        if let Some(code) = code {
            return code;
        }
    }
    1
}

fn mail_code(e: &hearth_core::mail::MailError) -> u8 {
    use hearth_core::mail::MailError;
    match e {
        MailError::InvalidAccount(_) | MailError::Compose(_) => BAD_INPUT,
        MailError::Store(e) => store_code(e).unwrap_or(1),
        _ => REMOTE,
    }
}

fn provider_code(e: &hearth_core::providers::ProviderError) -> u8 {
    use hearth_core::providers::ProviderError;
    match e {
        ProviderError::NotConfigured { .. }
        | ProviderError::InvalidSettings { .. }
        | ProviderError::OptedOut { .. }
        | ProviderError::Invalid(_) => BAD_INPUT,
        ProviderError::Store(e) => store_code(e).unwrap_or(1),
        _ => REMOTE,
    }
}

fn import_code(e: &hearth_core::imports::ImportError) -> u8 {
    use hearth_core::imports::ImportError;
    match e {
        ImportError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            NOT_FOUND
        }
        ImportError::Read { .. } => 1,
        ImportError::Store(e) => store_code(e).unwrap_or(1),
        _ => BAD_INPUT,
    }
}

fn business_code(e: &BusinessError) -> Option<u8> {
    match e {
        BusinessError::NotFound(_) | BusinessError::NoneYet => Some(NOT_FOUND),
        BusinessError::NameTaken(_)
        | BusinessError::InvalidName(_)
        | BusinessError::NotAbsolute(_)
        | BusinessError::SameFolder(_)
        | BusinessError::FolderHasBusinesses(_) => Some(BAD_INPUT),
        BusinessError::NotABackup { .. } => Some(DATABASE),
        // Transparent: its source chain skips the store error itself.
        BusinessError::Store(e) => store_code(e),
        _ => None,
    }
}

fn store_code(e: &StoreError) -> Option<u8> {
    match e {
        StoreError::NotFound { .. } | StoreError::Missing { .. } => Some(NOT_FOUND),
        StoreError::Invalid(_) | StoreError::IdentityTaken { .. } | StoreError::Exists { .. } => {
            Some(BAD_INPUT)
        }
        StoreError::Locked { .. }
        | StoreError::Corrupt { .. }
        | StoreError::SchemaTooNew { .. } => Some(DATABASE),
        e if e.is_locked() => Some(DATABASE),
        _ => None,
    }
}
