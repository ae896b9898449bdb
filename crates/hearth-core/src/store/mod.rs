//! The store: the only module that speaks SQL.
//!
//! [`Store`] wraps a connection pool to one business file. It is opened in exactly one
//! place ([`Store::connect`]) with WAL, foreign keys, a busy timeout and
//! `synchronous=NORMAL`, and runs the embedded, append-only migrations from `migrations/`.
//! A file whose schema is newer than this build refuses to open, untouched; a file that is
//! not a Hearth database is reported as such rather than "migrated".

mod backup;
mod campaigns;
mod charts;
mod contacts;
mod cursors;
mod error;
mod import_orders;
mod inbox;
mod intel;
mod interactions;
mod mail;
mod mail_batch;
mod merge;
mod orders;
mod outbox;
mod profile;
mod providers;
mod settings;
mod sql;
mod tags;
mod timeline;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use campaigns::{
    CampaignRow, Candidate, DueRecipient, NewSend, OpenSend, RecipientReply, RecipientUpdate,
};
pub use contacts::{ContactFilter, ContactMatch};
pub use error::StoreError;
pub use import_orders::{ContactCounts, OrderCounts, OrderImportCounts};
pub use intel::{IntelRow, Previous, RawFacts, RawInteraction};
pub use interactions::{ScoringRow, UpsertReport};
pub use mail::{FolderState, IncomingMail, MailBatchReport, EMAIL_SOURCE};
pub use outbox::{OutboxItem, SendOutcome};
pub use providers::{
    OptOut, PhoneParty, ProviderAccount, ProviderBatch, ProviderBatchReport, ProviderRecord,
};
pub use settings::{MAIL_POLL_DEFAULT, MAIL_POLL_RANGE};
pub use tags::normalize_tag;
pub(crate) use timeline::TIME_RANGE;
pub use timeline::{TimelineQuery, DEFAULT_PAGE, MAX_PAGE};

use crate::domain::Region;

/// The schema, embedded at build time.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// How long a writer waits for another writer before reporting the file as locked.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open business database. Cheap to clone; clones share the pool.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
    path: PathBuf,
    region: Arc<RwLock<Region>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    OpenExisting,
}

impl Store {
    /// Opens an existing business file, migrating it to this build's schema.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        Store::connect(path, Mode::OpenExisting).await
    }

    /// Creates (or opens) a business file at `path`.
    pub async fn create(path: &Path) -> Result<Store, StoreError> {
        Store::connect(path, Mode::Create).await
    }

    /// A private in-memory database, for tests and throwaway work.
    pub async fn open_in_memory() -> Result<Store, StoreError> {
        let path = PathBuf::from(":memory:");
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?
            .foreign_keys(true);
        // One connection that never expires: each in-memory connection is its own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        Store::finish_open(pool, path).await
    }

    async fn connect(path: &Path, mode: Mode) -> Result<Store, StoreError> {
        if mode == Mode::OpenExisting && !path.is_file() {
            return Err(StoreError::Missing {
                path: path.to_owned(),
            });
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(mode == Mode::Create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma("temp_store", "memory")
            // 8 MB of pages per connection: the OS caches the file as well, and a desktop
            // app holding 4 × 32 MB for a big business was measured at +300 MB resident.
            .pragma("cache_size", "-8000");
        // A local file cannot drop a connection the way a network can: skip the ping that
        // sqlx otherwise sends before handing out each connection (a thread round trip).
        // Connections left idle for 30 s close, and their page caches with them.
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .idle_timeout(std::time::Duration::from_secs(30))
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|source| classify_open_error(path, source))?;
        Store::finish_open(pool, path.to_owned()).await
    }

    async fn finish_open(pool: SqlitePool, path: PathBuf) -> Result<Store, StoreError> {
        check_schema(&pool, &path).await?;
        MIGRATOR.run(&pool).await.map_err(|source| match source {
            sqlx::migrate::MigrateError::Execute(e) if error::is_busy(&e) => StoreError::Locked {
                path: path.clone(),
                source: e,
            },
            source => StoreError::Migrate {
                path: path.clone(),
                source,
            },
        })?;
        let store = Store {
            pool,
            path,
            region: Arc::default(),
        };
        let region = store.load_default_region().await?;
        store.cache_region(region);
        Ok(store)
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the pool, checkpointing the WAL into the main file.
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// The business's default phone region, used to normalize numbers without `+`.
    pub fn region(&self) -> Region {
        *self
            .region
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cache_region(&self, region: Region) {
        *self
            .region
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = region;
    }

    /// Runs SQLite's full integrity check; `Ok(())` when the answer is "ok".
    pub async fn integrity_check(&self) -> Result<(), StoreError> {
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("check integrity"))?;
        if rows.len() == 1 && rows[0] == "ok" {
            Ok(())
        } else {
            tracing::warn!(path = %self.path.display(), problems = ?rows, "integrity check failed");
            Err(StoreError::Corrupt {
                path: self.path.clone(),
                source: None,
            })
        }
    }
}

/// Refuses a file written by a newer build, and a SQLite file that is not Hearth's.
async fn check_schema(pool: &SqlitePool, path: &Path) -> Result<(), StoreError> {
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(pool)
            .await
            .map_err(|source| classify_open_error(path, source))?;
    if tables.is_empty() {
        return Ok(());
    }
    if !tables.iter().any(|t| t == "_sqlx_migrations") {
        return Err(StoreError::Corrupt {
            path: path.to_owned(),
            source: None,
        });
    }
    let found: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(pool)
        .await
        .map_err(|source| classify_open_error(path, source))?;
    let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    match found {
        Some(found) if found > known => Err(StoreError::SchemaTooNew {
            path: path.to_owned(),
            found,
            known,
        }),
        _ => Ok(()),
    }
}

fn classify_open_error(path: &Path, source: sqlx::Error) -> StoreError {
    let path = path.to_owned();
    if error::is_busy(&source) {
        StoreError::Locked { path, source }
    } else if error::is_corrupt(&source) {
        StoreError::Corrupt {
            path,
            source: Some(source),
        }
    } else {
        StoreError::Open { path, source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_fresh_file_gets_the_schema_and_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.sqlite");
        let store = Store::create(&path).await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(fk, 1);
        store.integrity_check().await.unwrap();
    }

    #[tokio::test]
    async fn opening_a_missing_file_does_not_create_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.sqlite");
        let err = Store::open(&path).await.unwrap_err();
        assert!(matches!(err, StoreError::Missing { .. }), "{err}");
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn a_file_that_is_not_a_database_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.sqlite");
        let junk = b"this is not SQLite at all, just some text that a user renamed".repeat(100);
        std::fs::write(&path, &junk).unwrap();
        let err = Store::open(&path).await.unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
        assert_eq!(std::fs::read(&path).unwrap(), junk);
    }

    #[tokio::test]
    async fn a_foreign_sqlite_file_is_not_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.sqlite");
        let other = Store::create(&dir.path().join("seed.sqlite"))
            .await
            .unwrap();
        sqlx::query("VACUUM INTO ?")
            .bind(path.to_str().unwrap())
            .execute(&other.pool)
            .await
            .unwrap();
        // Make it someone else's: drop our bookkeeping table.
        let foreign = Store::open(&path).await.unwrap();
        sqlx::query("DROP TABLE _sqlx_migrations")
            .execute(&foreign.pool)
            .await
            .unwrap();
        foreign.close().await;
        let err = Store::open(&path).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Corrupt { source: None, .. }),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_newer_schema_refuses_to_open_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.sqlite");
        let store = Store::create(&path).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99991231000000, 'from the future', 1, x'00', 0)",
        )
        .execute(&store.pool)
        .await
        .unwrap();
        store.close().await;
        let err = Store::open(&path).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::SchemaTooNew {
                    found: 99991231000000,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("newer Hearth"));
        // Nothing was migrated or rolled back: the bookkeeping is as the newer build left it.
        use sqlx::Connection;
        let options = SqliteConnectOptions::new().filename(&path).read_only(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        let versions: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let ours: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
        assert_eq!(versions, [ours, vec![99991231000000]].concat());
    }
}
