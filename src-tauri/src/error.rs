//! Core errors become the UI's `CommandError` by kind.

use hearth_core::{BusinessError, StoreError};
use hearth_types::CommandError;

pub fn from_store(e: StoreError) -> CommandError {
    let message = e.to_string();
    let error = match e {
        StoreError::NotFound { .. } | StoreError::Missing { .. } => CommandError::NotFound(message),
        StoreError::Invalid(_) | StoreError::IdentityTaken { .. } | StoreError::Exists { .. } => {
            CommandError::BadInput(message)
        }
        StoreError::Locked { .. }
        | StoreError::Corrupt { .. }
        | StoreError::SchemaTooNew { .. } => CommandError::Database(message),
        _ => CommandError::Internal(message),
    };
    if let CommandError::Database(message) | CommandError::Internal(message) = &error {
        // Not the user's doing: keep it in the log as well as on the screen.
        tracing::warn!(error = %message, "a database call failed");
    }
    error
}

pub fn from_business(e: BusinessError) -> CommandError {
    let message = e.to_string();
    match e {
        BusinessError::Store(e) => from_store(e),
        BusinessError::NotFound(_) => CommandError::NotFound(message),
        BusinessError::NoneYet => CommandError::NoBusiness(message),
        BusinessError::NameTaken(_)
        | BusinessError::InvalidName(_)
        | BusinessError::NotAbsolute(_)
        | BusinessError::SameFolder(_)
        | BusinessError::FolderHasBusinesses(_) => CommandError::BadInput(message),
        BusinessError::NotABackup { .. } => CommandError::Database(message),
        _ => CommandError::Internal(message),
    }
}

pub fn from_mail(e: hearth_core::mail::MailError) -> CommandError {
    use hearth_core::mail::MailError;
    let message = e.to_string();
    match e {
        MailError::Store(e) => from_store(e),
        MailError::InvalidAccount(_) | MailError::Compose(_) => CommandError::BadInput(message),
        MailError::NoSmtp { .. } | MailError::NoSendingAccount => CommandError::BadInput(message),
        _ => CommandError::Remote(message),
    }
}

pub fn from_provider(e: hearth_core::providers::ProviderError) -> CommandError {
    use hearth_core::providers::ProviderError;
    let message = e.to_string();
    match e {
        ProviderError::Store(e) => from_store(e),
        ProviderError::NotConfigured { .. }
        | ProviderError::InvalidSettings { .. }
        | ProviderError::OptedOut { .. }
        | ProviderError::Invalid(_) => CommandError::BadInput(message),
        _ => CommandError::Remote(message),
    }
}
