//! Which data folder Hearth uses: `HEARTH_DATA_DIR` when set, else the folder chosen in
//! Settings (kept in a one-line file in the config folder, outside any data folder), else
//! the OS data folder.

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use hearth_types::DataDirSource;

use super::{BusinessError, DATA_DIR_ENV};

/// The environment variable that overrides the config folder (`~/.config/hearth`).
pub const CONFIG_DIR_ENV: &str = "HEARTH_CONFIG_DIR";
const CHOICE_FILE: &str = "data-dir";

/// The data folder and why it is that one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub dir: PathBuf,
    pub source: DataDirSource,
}

/// The config folder: `HEARTH_CONFIG_DIR`, else the OS one.
pub fn config_dir() -> Option<PathBuf> {
    std::env::var_os(CONFIG_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("", "", "hearth").map(|d| d.config_dir().to_owned())
        })
}

/// The data folder to use now.
pub fn locate() -> Result<Location, BusinessError> {
    let chosen = match config_dir() {
        Some(config) => read_choice(&config)?,
        None => None,
    };
    locate_from(std::env::var_os(DATA_DIR_ENV), chosen, default_data_dir())
}

/// The OS data folder (`~/.local/share/hearth` on Linux).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "hearth").map(|d| d.data_dir().to_owned())
}

/// The rule itself: the environment, else the choice, else the default.
fn locate_from(
    env: Option<OsString>,
    chosen: Option<PathBuf>,
    default: Option<PathBuf>,
) -> Result<Location, BusinessError> {
    if let Some(dir) = env.filter(|d| !d.is_empty()) {
        return Ok(Location {
            dir: dir.into(),
            source: DataDirSource::Env,
        });
    }
    if let Some(dir) = chosen {
        return Ok(Location {
            dir,
            source: DataDirSource::Chosen,
        });
    }
    default
        .map(|dir| Location {
            dir,
            source: DataDirSource::Default,
        })
        .ok_or(BusinessError::NoDataDir)
}

/// The folder chosen in Settings, if any.
pub fn chosen_data_dir() -> Result<Option<PathBuf>, BusinessError> {
    match config_dir() {
        Some(config) => read_choice(&config),
        None => Ok(None),
    }
}

fn read_choice(config: &Path) -> Result<Option<PathBuf>, BusinessError> {
    let path = config.join(CHOICE_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => {
            let line = text.trim();
            Ok((!line.is_empty()).then(|| PathBuf::from(line)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(BusinessError::Io {
            action: "read",
            path,
            source,
        }),
    }
}

/// Makes `dir` (absolute; created if missing) the data folder from the next start.
pub fn choose_data_dir(dir: &Path) -> Result<(), BusinessError> {
    let config = config_dir().ok_or(BusinessError::NoDataDir)?;
    write_choice(&config, dir)
}

fn write_choice(config: &Path, dir: &Path) -> Result<(), BusinessError> {
    check_folder(dir)?;
    fs::create_dir_all(config).map_err(BusinessError::io("create", config))?;
    let path = config.join(CHOICE_FILE);
    let tmp = config.join(format!("{CHOICE_FILE}.tmp"));
    let mut out = fs::File::create(&tmp).map_err(BusinessError::io("write", &tmp))?;
    writeln!(out, "{}", dir.display()).map_err(BusinessError::io("write", &tmp))?;
    out.sync_all().map_err(BusinessError::io("write", &tmp))?;
    fs::rename(&tmp, &path).map_err(BusinessError::io("write", &path))
}

/// A data folder must be an absolute path to a folder that exists or can be made.
pub(super) fn check_folder(dir: &Path) -> Result<(), BusinessError> {
    if !dir.is_absolute() || dir.to_str().is_some_and(|s| s.contains('\n')) {
        return Err(BusinessError::NotAbsolute(dir.to_owned()));
    }
    fs::create_dir_all(dir).map_err(BusinessError::io("create", dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_then_the_choice_then_the_default() {
        let default = PathBuf::from("/home/a/.local/share/hearth");
        let chosen = PathBuf::from("/mnt/sync/hearth");
        let env = Some(OsString::from("/tmp/h"));
        let l = locate_from(env, Some(chosen.clone()), Some(default.clone())).unwrap();
        assert_eq!((l.dir, l.source), ("/tmp/h".into(), DataDirSource::Env));
        let empty = Some(OsString::new());
        let l = locate_from(empty, Some(chosen.clone()), Some(default.clone())).unwrap();
        assert_eq!((l.dir, l.source), (chosen, DataDirSource::Chosen));
        let l = locate_from(None, None, Some(default.clone())).unwrap();
        assert_eq!((l.dir, l.source), (default, DataDirSource::Default));
        assert!(locate_from(None, None, None).is_err());
    }

    #[test]
    fn a_choice_is_written_whole_and_read_back() {
        let config = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("new place");
        assert_eq!(read_choice(config.path()).unwrap(), None);
        write_choice(config.path(), &dir).unwrap();
        assert!(dir.is_dir(), "the folder is made");
        assert_eq!(read_choice(config.path()).unwrap(), Some(dir));
        let err = write_choice(config.path(), Path::new("relative/dir")).unwrap_err();
        assert!(matches!(err, BusinessError::NotAbsolute(_)), "{err}");
    }
}
