//! What the shell holds between commands: the registry and the open business.

use hearth_core::{Registry, Store};
use hearth_types::Business;
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
