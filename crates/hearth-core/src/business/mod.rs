//! The business registry: which businesses exist and which one is current.
//!
//! Each business is its own SQLite file under `<data>/businesses/`. The registry itself is
//! a small JSON file, `<data>/registry.json`, rewritten atomically under a file lock so
//! the CLI and the app can both change it. `<data>` is `HEARTH_DATA_DIR` when set, else
//! the OS data folder (`~/.local/share/hearth` on Linux). Deleting moves the files to
//! `<data>/trash/`, never unlinks them.

mod error;
pub mod location;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use hearth_types::{AppStatus, BackupFile, Business};
use serde::{Deserialize, Serialize};

pub use error::BusinessError;

use crate::now_ms;
use crate::store::Store;

/// The environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "HEARTH_DATA_DIR";

const REGISTRY_FILE: &str = "registry.json";
const LOCK_FILE: &str = "registry.lock";
const BUSINESS_DIR: &str = "businesses";
const TRASH_DIR: &str = "trash";
const MAX_NAME: usize = 100;

#[derive(Debug, Default, Serialize, Deserialize)]
struct RegistryFile {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    businesses: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    id: String,
    name: String,
    /// File name inside `businesses/`.
    file: String,
    created_at: i64,
}

/// The list of businesses in one data folder.
#[derive(Debug, Clone)]
pub struct Registry {
    dir: PathBuf,
}

impl Registry {
    /// The registry in `HEARTH_DATA_DIR`, else in the folder chosen in Settings, else in
    /// the OS data folder (see [`location`]).
    pub fn from_env() -> Result<Registry, BusinessError> {
        location::locate().map(|l| Registry::at(l.dir))
    }

    /// The registry in `dir` (created on first write).
    pub fn at(dir: impl Into<PathBuf>) -> Registry {
        Registry { dir: dir.into() }
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    /// Every business, in the order they were created.
    pub fn list(&self) -> Result<Vec<Business>, BusinessError> {
        let file = self.load()?;
        Ok(file
            .businesses
            .iter()
            .map(|e| self.to_business(e, &file))
            .collect())
    }

    /// The businesses and the current one, for the app's first screen.
    pub fn status(&self) -> Result<AppStatus, BusinessError> {
        let businesses = self.list()?;
        let current = businesses.iter().find(|b| b.current).cloned();
        Ok(AppStatus {
            businesses,
            current,
        })
    }

    /// A business by id or by name (case-insensitive).
    pub fn find(&self, key: &str) -> Result<Business, BusinessError> {
        let file = self.load()?;
        let entry = find_entry(&file, key)?;
        Ok(self.to_business(entry, &file))
    }

    /// The current business, if any.
    pub fn current(&self) -> Result<Option<Business>, BusinessError> {
        Ok(self.status()?.current)
    }

    /// Creates an empty business; the first one becomes current.
    pub async fn create(&self, name: &str) -> Result<(Business, Store), BusinessError> {
        let name = check_name(name)?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        let file_name = format!("{id}.sqlite");
        let path = self.business_dir()?.join(&file_name);
        ensure_name_free(&self.load()?, &name, None)?;
        let store = Store::create(&path).await?;
        let business = match self.register(&id, name, file_name) {
            Ok(business) => business,
            Err(e) => {
                // Lost a race for the name: take the new file back.
                store.close().await;
                remove_db_files(&path);
                return Err(e);
            }
        };
        tracing::info!(id = %business.id, name = %business.name, "created business");
        Ok((business, store))
    }

    /// Opens a business by id or name, or the current one when `key` is `None`.
    pub async fn open(&self, key: Option<&str>) -> Result<(Business, Store), BusinessError> {
        let business = match key {
            Some(key) => self.find(key)?,
            None => self.current()?.ok_or(BusinessError::NoneYet)?,
        };
        let store = Store::open(Path::new(&business.path)).await?;
        Ok((business, store))
    }

    /// Makes a business the one opened by default.
    pub fn set_current(&self, key: &str) -> Result<Business, BusinessError> {
        let _lock = self.lock()?;
        let mut file = self.load()?;
        let id = find_entry(&file, key)?.id.clone();
        file.current = Some(id.clone());
        self.save(&file)?;
        Ok(self.to_business(find_entry(&file, &id)?, &file))
    }

    /// Renames a business; the file keeps its name.
    pub fn rename(&self, key: &str, new_name: &str) -> Result<Business, BusinessError> {
        let new_name = check_name(new_name)?;
        let _lock = self.lock()?;
        let mut file = self.load()?;
        let id = find_entry(&file, key)?.id.clone();
        ensure_name_free(&file, &new_name, Some(&id))?;
        if let Some(entry) = file.businesses.iter_mut().find(|e| e.id == id) {
            entry.name = new_name;
        }
        self.save(&file)?;
        Ok(self.to_business(find_entry(&file, &id)?, &file))
    }

    /// Moves a business's files to the trash folder and forgets it; returns where it went.
    pub fn delete(&self, key: &str) -> Result<PathBuf, BusinessError> {
        let _lock = self.lock()?;
        let mut file = self.load()?;
        let entry = find_entry(&file, key)?.clone();
        let trash = self.dir.join(TRASH_DIR);
        fs::create_dir_all(&trash).map_err(BusinessError::io("create", &trash))?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
        let dest = trash.join(format!("{stamp}-{}", entry.file));
        let src = self.dir.join(BUSINESS_DIR).join(&entry.file);
        // The WAL and shared-memory files travel with the database, WAL first so that a
        // crash in between leaves at worst a checkpointed-later copy, never a lost write.
        for suffix in ["-wal", "-shm", ""] {
            let from = PathBuf::from(format!("{}{suffix}", src.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", dest.display()));
                fs::rename(&from, &to).map_err(BusinessError::io("move to trash", &from))?;
            }
        }
        file.businesses.retain(|e| e.id != entry.id);
        if file.current.as_deref() == Some(entry.id.as_str()) {
            file.current = file.businesses.first().map(|e| e.id.clone());
        }
        self.save(&file)?;
        tracing::info!(id = %entry.id, trash = %dest.display(), "deleted business");
        Ok(dest)
    }

    /// Where a backup of `business` made now goes by default:
    /// `<data>/backups/<name>-<UTC time>.sqlite` (the folder is created).
    pub fn default_backup_path(&self, business: &Business) -> Result<PathBuf, BusinessError> {
        let dir = self.dir.join("backups");
        fs::create_dir_all(&dir).map_err(BusinessError::io("create", &dir))?;
        let name: String = business
            .name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
        Ok(dir.join(format!("{}-{stamp}.sqlite", name.trim_matches('-'))))
    }

    /// The backups in `<data>/backups/`, newest first.
    pub fn backups(&self) -> Result<Vec<BackupFile>, BusinessError> {
        let dir = self.dir.join("backups");
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(BusinessError::io("read", &dir)(e)),
        };
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(BusinessError::io("read", &dir))?;
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("sqlite") {
                continue;
            }
            let meta = entry.metadata().map_err(BusinessError::io("read", &path))?;
            let modified_at = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_millis() as i64);
            found.push(BackupFile {
                file_name: entry.file_name().to_string_lossy().into_owned(),
                path: path.to_string_lossy().into_owned(),
                bytes: meta.len(),
                modified_at,
            });
        }
        found.sort_by(|a, b| (b.modified_at, &b.file_name).cmp(&(a.modified_at, &a.file_name)));
        Ok(found)
    }

    /// Copies every business (an online backup of each, so open ones copy consistently)
    /// and the list of them into another data folder, which must hold no business yet.
    /// Returns how many were copied; this folder is left as it was.
    pub async fn copy_to(&self, dest: &Path) -> Result<usize, BusinessError> {
        location::check_folder(dest)?;
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        };
        if same(&self.dir, dest) {
            return Err(BusinessError::SameFolder(dest.to_owned()));
        }
        let target = Registry::at(dest);
        let _target_lock = target.lock()?;
        if !target.load()?.businesses.is_empty() {
            return Err(BusinessError::FolderHasBusinesses(dest.to_owned()));
        }
        let file = self.load()?;
        let businesses = target.business_dir()?;
        for entry in &file.businesses {
            let store = Store::open(&self.dir.join(BUSINESS_DIR).join(&entry.file)).await?;
            let copied = store.backup_to(&businesses.join(&entry.file)).await;
            store.close().await;
            copied?;
        }
        target.save(&file)?;
        tracing::info!(to = %dest.display(), count = file.businesses.len(), "copied the data folder");
        Ok(file.businesses.len())
    }

    /// Writes an online backup of a business to `dest`.
    pub async fn backup(&self, key: Option<&str>, dest: &Path) -> Result<Business, BusinessError> {
        if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(BusinessError::io("create", parent))?;
        }
        let (business, store) = self.open(key).await?;
        store.backup_to(dest).await?;
        store.close().await;
        Ok(business)
    }

    /// Registers a copy of a backup file as a new business. The file is checked (it must be a
    /// Hearth database this build can open, and pass an integrity check) before it is
    /// listed; on any failure nothing is registered and the copy is removed.
    pub async fn restore(
        &self,
        backup: &Path,
        name: Option<&str>,
    ) -> Result<Business, BusinessError> {
        if !backup.is_file() {
            return Err(BusinessError::Io {
                action: "read",
                path: backup.to_owned(),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            });
        }
        let default_name = backup
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Restored business".to_owned());
        let name = check_name(name.unwrap_or(&default_name))?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        let file_name = format!("{id}.sqlite");
        let path = self.business_dir()?.join(&file_name);
        fs::copy(backup, &path).map_err(BusinessError::io("copy", backup))?;
        let checked = async {
            let store = Store::open(&path).await?;
            store.integrity_check().await?;
            store.close().await;
            Ok::<(), crate::StoreError>(())
        }
        .await;
        if let Err(source) = checked {
            for suffix in ["", "-wal", "-shm"] {
                let _ = fs::remove_file(format!("{}{suffix}", path.display()));
            }
            return Err(BusinessError::NotABackup {
                path: backup.to_owned(),
                source,
            });
        }
        self.register(&id, name, file_name)
            .inspect_err(|_| remove_db_files(&path))
    }

    /// Lists a business file under `name` (which must be free); the first becomes current.
    fn register(
        &self,
        id: &str,
        name: String,
        file_name: String,
    ) -> Result<Business, BusinessError> {
        let _lock = self.lock()?;
        let mut file = self.load()?;
        ensure_name_free(&file, &name, None)?;
        file.businesses.push(Entry {
            id: id.to_owned(),
            name,
            file: file_name,
            created_at: now_ms(),
        });
        if file.current.is_none() {
            file.current = Some(id.to_owned());
        }
        self.save(&file)?;
        Ok(self.to_business(find_entry(&file, id)?, &file))
    }

    fn business_dir(&self) -> Result<PathBuf, BusinessError> {
        let dir = self.dir.join(BUSINESS_DIR);
        fs::create_dir_all(&dir).map_err(BusinessError::io("create", &dir))?;
        Ok(dir)
    }

    fn to_business(&self, entry: &Entry, file: &RegistryFile) -> Business {
        Business {
            id: entry.id.clone(),
            name: entry.name.clone(),
            path: self
                .dir
                .join(BUSINESS_DIR)
                .join(&entry.file)
                .to_string_lossy()
                .into_owned(),
            created_at: entry.created_at,
            current: file.current.as_deref() == Some(entry.id.as_str()),
        }
    }

    fn load(&self) -> Result<RegistryFile, BusinessError> {
        let path = self.dir.join(REGISTRY_FILE);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|source| BusinessError::BadRegistry { path, source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RegistryFile::default()),
            Err(source) => Err(BusinessError::Io {
                action: "read",
                path,
                source,
            }),
        }
    }

    /// Writes to a temporary file, syncs it and renames it over the old one.
    fn save(&self, file: &RegistryFile) -> Result<(), BusinessError> {
        let path = self.dir.join(REGISTRY_FILE);
        let tmp = self.dir.join(format!("{REGISTRY_FILE}.tmp"));
        let json =
            serde_json::to_vec_pretty(file).map_err(|source| BusinessError::BadRegistry {
                path: path.clone(),
                source,
            })?;
        let mut out = fs::File::create(&tmp).map_err(BusinessError::io("write", &tmp))?;
        out.write_all(&json)
            .map_err(BusinessError::io("write", &tmp))?;
        out.sync_all().map_err(BusinessError::io("write", &tmp))?;
        fs::rename(&tmp, &path).map_err(BusinessError::io("write", &path))
    }

    /// An exclusive lock on the registry for one read-modify-write.
    fn lock(&self) -> Result<fs::File, BusinessError> {
        fs::create_dir_all(&self.dir).map_err(BusinessError::io("create", &self.dir))?;
        let path = self.dir.join(LOCK_FILE);
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(BusinessError::io("open", &path))?;
        lock.lock().map_err(BusinessError::io("lock", &path))?;
        Ok(lock)
    }
}

/// Removes a database file with its WAL and shared-memory files.
fn remove_db_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn check_name(name: &str) -> Result<String, BusinessError> {
    let trimmed = name.trim();
    if trimmed.is_empty()
        || trimmed.chars().count() > MAX_NAME
        || trimmed.contains(char::is_control)
    {
        return Err(BusinessError::InvalidName(name.to_owned()));
    }
    Ok(trimmed.to_owned())
}

fn find_entry<'a>(file: &'a RegistryFile, key: &str) -> Result<&'a Entry, BusinessError> {
    let key = key.trim();
    file.businesses
        .iter()
        .find(|e| e.id == key)
        .or_else(|| {
            file.businesses
                .iter()
                .find(|e| e.name.eq_ignore_ascii_case(key))
        })
        .or_else(|| {
            file.businesses
                .iter()
                .find(|e| e.name.to_lowercase() == key.to_lowercase())
        })
        .ok_or_else(|| BusinessError::NotFound(key.to_owned()))
}

fn ensure_name_free(
    file: &RegistryFile,
    name: &str,
    except_id: Option<&str>,
) -> Result<(), BusinessError> {
    let taken = file
        .businesses
        .iter()
        .any(|e| Some(e.id.as_str()) != except_id && e.name.to_lowercase() == name.to_lowercase());
    if taken {
        Err(BusinessError::NameTaken(name.to_owned()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn create_list_use_rename_delete() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::at(dir.path());
        assert!(registry.status().unwrap().current.is_none());
        let (a, _store) = registry.create("Acme Plumbing").await.unwrap();
        let (b, _store) = registry.create("Bolt Electric").await.unwrap();
        assert!(
            a.current && !b.current,
            "the first business becomes current"
        );
        assert!(matches!(
            registry.create(" acme plumbing ").await,
            Err(BusinessError::NameTaken(_))
        ));
        assert!(matches!(
            registry.create("  ").await,
            Err(BusinessError::InvalidName(_))
        ));

        assert!(registry.set_current("bolt electric").unwrap().current);
        assert_eq!(registry.current().unwrap().unwrap().id, b.id);
        let renamed = registry.rename(&b.id, "Bolt & Sons").unwrap();
        assert_eq!(renamed.name, "Bolt & Sons");
        assert!(matches!(
            registry.rename(&a.id, "bolt & sons"),
            Err(BusinessError::NameTaken(_))
        ));

        let trashed = registry.delete("Bolt & Sons").unwrap();
        assert!(trashed.exists());
        assert!(!Path::new(&b.path).exists());
        let left = registry.list().unwrap();
        assert_eq!(left.len(), 1);
        assert!(left[0].current, "current moves to a remaining business");
        assert!(matches!(
            registry.find("Bolt & Sons"),
            Err(BusinessError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn backup_and_restore_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::at(dir.path().join("data"));
        let (_, store) = registry.create("Cafe").await.unwrap();
        store.set_setting("probe", "kept").await.unwrap();
        let dest = dir.path().join("cafe-backup.sqlite");
        registry.backup(None, &dest).await.unwrap();
        let restored = registry
            .restore(&dest, Some("Cafe restored"))
            .await
            .unwrap();
        let (_, copy) = registry.open(Some(&restored.id)).await.unwrap();
        assert_eq!(
            copy.setting("probe").await.unwrap().as_deref(),
            Some("kept")
        );
    }

    #[tokio::test]
    async fn default_backups_land_in_the_backups_folder_and_restore() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::at(dir.path());
        let (business, store) = registry.create("Lee's Bakery & Co").await.unwrap();
        let path = registry.default_backup_path(&business).unwrap();
        assert!(path.starts_with(dir.path().join("backups")));
        assert!(path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("Lee-s-Bakery---Co-"));
        store.backup_to(&path).await.unwrap();
        registry.restore(&path, Some("Bakery copy")).await.unwrap();
    }

    #[tokio::test]
    async fn backups_are_listed_newest_first_and_junk_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::at(dir.path());
        assert!(registry.backups().unwrap().is_empty(), "no folder yet");
        let (business, store) = registry.create("Cafe").await.unwrap();
        let first = registry.default_backup_path(&business).unwrap();
        store.backup_to(&first).await.unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let second = registry.default_backup_path(&business).unwrap();
        store.backup_to(&second).await.unwrap();
        fs::write(dir.path().join("backups/notes.txt"), "not a backup").unwrap();
        let listed = registry.backups().unwrap();
        let paths: Vec<&str> = listed.iter().map(|b| b.path.as_str()).collect();
        assert_eq!(
            paths,
            [second.to_str().unwrap(), first.to_str().unwrap()],
            "newest first, .sqlite only"
        );
        assert!(listed[0].bytes > 0);
    }

    #[tokio::test]
    async fn copying_the_data_folder_takes_every_business_and_the_current_one() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::at(dir.path().join("old"));
        let (_, cafe) = registry.create("Cafe").await.unwrap();
        cafe.set_default_region("GB").await.unwrap();
        let (bakery, _) = registry.create("Bakery").await.unwrap();
        registry.set_current(&bakery.id).unwrap();
        let dest = dir.path().join("new");
        assert_eq!(registry.copy_to(&dest).await.unwrap(), 2);

        let copy = Registry::at(&dest);
        let names: Vec<String> = copy.list().unwrap().into_iter().map(|b| b.name).collect();
        assert_eq!(names, ["Cafe", "Bakery"]);
        assert_eq!(copy.current().unwrap().unwrap().name, "Bakery");
        let (_, cafe_copy) = copy.open(Some("Cafe")).await.unwrap();
        assert_eq!(cafe_copy.region().code(), "GB", "the data came along");
        assert!(cafe_copy.path().starts_with(&dest));
        // The old folder is untouched, and a folder with businesses is not overwritten.
        assert_eq!(registry.list().unwrap().len(), 2);
        let again = registry.copy_to(&dest).await.unwrap_err();
        assert!(
            matches!(again, BusinessError::FolderHasBusinesses(_)),
            "{again}"
        );
        let same = registry.copy_to(&dir.path().join("old")).await.unwrap_err();
        assert!(matches!(same, BusinessError::SameFolder(_)), "{same}");
        let relative = registry.copy_to(Path::new("elsewhere")).await.unwrap_err();
        assert!(
            matches!(relative, BusinessError::NotAbsolute(_)),
            "{relative}"
        );
    }

    #[tokio::test]
    async fn restoring_junk_registers_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::at(dir.path().join("data"));
        let junk = dir.path().join("junk.sqlite");
        fs::write(&junk, vec![b'x'; 8192]).unwrap();
        let err = registry.restore(&junk, None).await.unwrap_err();
        assert!(matches!(err, BusinessError::NotABackup { .. }), "{err}");
        assert!(registry.list().unwrap().is_empty());
        let leftovers = fs::read_dir(dir.path().join("data").join(BUSINESS_DIR))
            .unwrap()
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn a_damaged_registry_is_reported_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(REGISTRY_FILE), b"{ not json").unwrap();
        let registry = Registry::at(dir.path());
        assert!(matches!(
            registry.list(),
            Err(BusinessError::BadRegistry { .. })
        ));
        assert!(matches!(
            registry.set_current("x"),
            Err(BusinessError::BadRegistry { .. })
        ));
        assert_eq!(
            fs::read(dir.path().join(REGISTRY_FILE)).unwrap(),
            b"{ not json"
        );
    }
}
