//! One module per command group; each opens what it needs through `hearth-core`.

pub mod analytics;
pub mod business;
pub mod campaign;
pub mod contact;
pub mod demo;
pub mod dev;
pub mod import;
pub mod inbox;
pub mod intel;
pub mod mail;
pub mod providers;
pub mod timeline;

use hearth_core::{Registry, Store};

use crate::Ctx;

/// Opens the business named by `--business`, or the current one.
pub async fn open_store(ctx: &Ctx) -> anyhow::Result<Store> {
    let registry = Registry::from_env()?;
    let (_, store) = registry.open(ctx.business.as_deref()).await?;
    Ok(store)
}
