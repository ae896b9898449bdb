//! What the shell holds between commands: the registry and the open business.

use hearth_core::{Registry, Store};
use hearth_types::{Business, CommandError};
use tokio::sync::RwLock;

pub struct AppState {
    pub registry: Registry,
    pub open: RwLock<Option<(Business, Store)>>,
}

impl AppState {
    /// Opens the current business, if there is one. A business that fails to open is
    /// logged and left closed: the UI then offers the first-start choice and shows why.
    pub async fn load(registry: Registry) -> AppState {
        let open = match registry.open(None).await {
            Ok(open) => Some(open),
            Err(hearth_core::BusinessError::NoneYet) => None,
            Err(e) => {
                tracing::warn!(error = %e, "cannot open the current business");
                None
            }
        };
        AppState {
            registry,
            open: RwLock::new(open),
        }
    }
}

impl AppState {
    /// The open business's store (a cheap clone of its pool).
    pub async fn store(&self) -> Result<Store, CommandError> {
        self.open
            .read()
            .await
            .as_ref()
            .map(|(_, store)| store.clone())
            .ok_or_else(|| CommandError::NoBusiness("no business is open".into()))
    }
}
