//! The app's general settings (data folder, phone region, mail check interval) and the
//! backups a business can be restored from.

use serde::{Deserialize, Serialize};

/// Where the data folder's path comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataDirSource {
    /// The `HEARTH_DATA_DIR` environment variable (it wins over a choice in Settings).
    Env,
    /// A folder chosen in Settings (or with `hearth business folder`).
    Chosen,
    /// The OS default (`~/.local/share/hearth` on Linux).
    Default,
}

/// The general settings as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneralSettings {
    /// The data folder in use.
    pub data_dir: String,
    pub data_dir_source: DataDirSource,
    /// A folder chosen for the next start, when it differs from the one in use.
    pub next_data_dir: Option<String>,
    /// The region for phone numbers written without a country code ("US", "GB", ...).
    pub default_region: String,
    /// How often mail is checked when the server has no IDLE news (seconds).
    pub mail_poll_secs: u64,
}

/// The general settings a user can change for the open business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetGeneral {
    pub default_region: String,
    pub mail_poll_secs: u64,
}

/// Move the data to another folder (or start using one that has businesses already).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeDataDir {
    /// An absolute path.
    pub path: String,
    /// Copy this folder's businesses there first (refused if it has businesses already).
    pub copy: bool,
}

/// A backup file that can be restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupFile {
    pub path: String,
    pub file_name: String,
    pub bytes: u64,
    /// When it was written (ms since the epoch).
    pub modified_at: i64,
}

/// Restore a backup as a new business and open it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreBackup {
    pub path: String,
    /// The new business's name; the file's name when empty.
    pub name: Option<String>,
}
