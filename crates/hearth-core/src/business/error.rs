//! Errors of the business registry.

use std::path::PathBuf;

use thiserror::Error;

use crate::store::StoreError;

#[derive(Debug, Error)]
pub enum BusinessError {
    #[error("no business named or with id {0:?}; `hearth business list` shows them")]
    NotFound(String),
    #[error("no business yet: create one with `hearth business new NAME` or `hearth demo seed`")]
    NoneYet,
    #[error("a business named {0:?} already exists")]
    NameTaken(String),
    #[error("invalid business name {0:?}: use 1 to 100 characters, not only spaces")]
    InvalidName(String),
    #[error("cannot find the data folder: set HEARTH_DATA_DIR or HOME")]
    NoDataDir,
    #[error("cannot {action} {path}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the business registry {path} is damaged; fix or remove it (the business files are untouched)")]
    BadRegistry {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path} is not a Hearth business backup")]
    NotABackup {
        path: PathBuf,
        #[source]
        source: StoreError,
    },
    #[error("the data folder must be an absolute path (it was {0:?})")]
    NotAbsolute(PathBuf),
    #[error("{0} is the data folder already")]
    SameFolder(PathBuf),
    #[error("{0} holds businesses already: choose it without copying, or choose an empty folder")]
    FolderHasBusinesses(PathBuf),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BusinessError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> BusinessError {
        let path = path.into();
        move |source| BusinessError::Io {
            action,
            path,
            source,
        }
    }
}
