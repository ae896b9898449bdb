//! `hearth business ...`

use std::path::PathBuf;

use clap::Subcommand;
use hearth_core::Registry;
use hearth_types::Business;

use crate::{dates, output, Ctx};

#[derive(Debug, Subcommand)]
pub enum BusinessCmd {
    /// Create an empty business (the first one becomes current).
    New {
        name: String,
        /// Default region for phone numbers written without +country code.
        #[arg(long, default_value = "US")]
        region: String,
        /// Make it the current business.
        #[arg(long = "use")]
        make_current: bool,
    },
    /// List businesses; * marks the current one.
    List,
    /// Make a business the current one.
    Use { business: String },
    /// Rename a business.
    Rename { business: String, new_name: String },
    /// Move a business's file to the trash folder.
    Delete { business: String },
    /// Write an online backup of the business (`--business` or the current one) to FILE.
    Backup { file: PathBuf },
    /// Add a business from a backup file.
    Restore {
        file: PathBuf,
        #[arg(long)]
        name: Option<String>,
    },
    /// List the backups in the data folder's backups/, newest first.
    Backups,
    /// Show the data folder and where it comes from; with FOLDER, use that one from the
    /// next start (HEARTH_DATA_DIR, when set, still wins).
    Folder {
        folder: Option<PathBuf>,
        /// Copy every business there first (the folder must hold none).
        #[arg(long)]
        copy: bool,
    },
}

pub async fn run(ctx: &Ctx, cmd: BusinessCmd) -> anyhow::Result<()> {
    let registry = Registry::from_env()?;
    match cmd {
        BusinessCmd::New {
            name,
            region,
            make_current,
        } => {
            // Check the region before anything is created.
            hearth_core::domain::parse_region(&region)?;
            let (business, store) = registry.create(&name).await?;
            store.set_default_region(&region).await?;
            store.close().await;
            let business = if make_current {
                registry.set_current(&business.id)?
            } else {
                business
            };
            show_one(ctx, &business, "created")
        }
        BusinessCmd::List => {
            let list = registry.list()?;
            if ctx.json {
                return output::json(&list);
            }
            if list.is_empty() {
                outln!("no businesses yet: `hearth business new NAME` or `hearth demo seed`");
            }
            for b in &list {
                let mark = if b.current { "*" } else { " " };
                outln!(
                    "{mark} {}  {}  created {}",
                    b.id,
                    b.name,
                    dates::show(b.created_at)
                );
            }
            Ok(())
        }
        BusinessCmd::Use { business } => show_one(ctx, &registry.set_current(&business)?, "using"),
        BusinessCmd::Rename { business, new_name } => {
            show_one(ctx, &registry.rename(&business, &new_name)?, "renamed")
        }
        BusinessCmd::Delete { business } => {
            let trashed = registry.delete(&business)?;
            if ctx.json {
                output::json(&serde_json::json!({ "deleted": business, "trash": trashed }))
            } else {
                outln!("moved {business} to {}", trashed.display());
                Ok(())
            }
        }
        BusinessCmd::Backup { file } => {
            let business = registry.backup(ctx.business.as_deref(), &file).await?;
            if ctx.json {
                output::json(&serde_json::json!({ "business": business, "backup": file }))
            } else {
                outln!("backed up {} to {}", business.name, file.display());
                Ok(())
            }
        }
        BusinessCmd::Restore { file, name } => show_one(
            ctx,
            &registry.restore(&file, name.as_deref()).await?,
            "restored",
        ),
        BusinessCmd::Backups => {
            let list = registry.backups()?;
            if ctx.json {
                return output::json(&list);
            }
            if list.is_empty() {
                outln!(
                    "no backups in {}",
                    registry.data_dir().join("backups").display()
                );
            }
            for b in &list {
                outln!(
                    "{}  {:>10} bytes  {}",
                    dates::show(b.modified_at),
                    b.bytes,
                    b.path
                );
            }
            Ok(())
        }
        BusinessCmd::Folder { folder, copy } => {
            use hearth_core::business::location;
            if let Some(folder) = &folder {
                if copy {
                    let n = registry.copy_to(folder).await?;
                    if !ctx.json {
                        let noun = if n == 1 { "business" } else { "businesses" };
                        outln!("copied {n} {noun} to {}", folder.display());
                    }
                }
                location::choose_data_dir(folder)?;
            }
            let located = location::locate()?;
            let source = match located.source {
                hearth_types::DataDirSource::Env => "HEARTH_DATA_DIR",
                hearth_types::DataDirSource::Chosen => "chosen",
                hearth_types::DataDirSource::Default => "default",
            };
            if ctx.json {
                return output::json(&serde_json::json!({
                    "data_dir": located.dir,
                    "source": located.source,
                }));
            }
            outln!("{} ({source})", located.dir.display());
            Ok(())
        }
    }
}

fn show_one(ctx: &Ctx, business: &Business, verb: &str) -> anyhow::Result<()> {
    if ctx.json {
        output::json(business)
    } else {
        outln!("{verb} {} ({})", business.name, business.id);
        Ok(())
    }
}
