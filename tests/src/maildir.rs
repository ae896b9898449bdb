//! Writing straight into the test account's Maildir, behind Dovecot's back, the way a local
//! delivery agent does: 10,000 messages in a fraction of a second on tmpfs, where IMAP
//! APPEND would take many seconds.
//!
//! Layout is Maildir++ (Dovecot's default for `maildir:`): INBOX is the root (`cur/ new/
//! tmp/`), every other folder is `.Name/` beside it, with the hierarchy separator `.`
//! (`"Archive/2024"` and `"Archive.2024"` both mean `.Archive.2024/`).
//!
//! Each message is written to `tmp/` and renamed into `new/`, owned by the user Dovecot
//! serves mail as (it refuses to run mail processes as root, so as root we hand files to
//! `nobody`). Names are `SECS.MUSECSPpidQn.hearth-e2e` with a strictly increasing time part:
//! Dovecot sorts new files by that time when it assigns UIDs, so UIDs follow delivery order.
//! INTERNALDATE is the file's mtime: [`Maildir::deliver_at`] sets it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{chown, fchown, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};

/// The test account's mail store.
pub(crate) struct Maildir {
    pub(crate) root: PathBuf,
    /// (uid, gid) to hand every file and folder to.
    owner: (u32, u32),
    /// (last time part in µs, sequence) of the last delivered name.
    last: Mutex<(u128, u64)>,
}

impl Maildir {
    /// Creates the INBOX at `root`.
    pub(crate) fn create(root: PathBuf, owner: (u32, u32)) -> Result<Maildir> {
        let maildir = Maildir {
            root,
            owner,
            last: Mutex::new((0, 0)),
        };
        maildir.make_dir(&maildir.root.clone())?;
        maildir.folder_dir("INBOX", true)?;
        Ok(maildir)
    }

    fn make_dir(&self, dir: &Path) -> Result<()> {
        if !dir.is_dir() {
            std::fs::create_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let (uid, gid) = self.owner;
        chown(dir, Some(uid), Some(gid))
            .with_context(|| format!("cannot chown {}", dir.display()))?;
        Ok(())
    }

    /// The directory of `folder`, created (with `cur/ new/ tmp/`) when `create` is set.
    pub(crate) fn folder_dir(&self, folder: &str, create: bool) -> Result<PathBuf> {
        let dir = if folder.eq_ignore_ascii_case("INBOX") {
            self.root.clone()
        } else {
            if folder.is_empty() || folder.starts_with(['.', '/']) || folder.contains("..") {
                bail!("bad folder name {folder:?}");
            }
            self.root.join(format!(".{}", folder.replace('/', ".")))
        };
        if create {
            self.make_dir(&dir)?;
            for sub in ["cur", "new", "tmp"] {
                self.make_dir(&dir.join(sub))?;
            }
        }
        Ok(dir)
    }

    /// A unique file name whose time part is strictly greater than the previous one's.
    fn next_name(&self) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_micros())
            .unwrap_or_default();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        last.0 = now.max(last.0 + 1);
        last.1 += 1;
        format!(
            "{}.M{:06}P{}Q{}.hearth-e2e",
            last.0 / 1_000_000,
            last.0 % 1_000_000,
            std::process::id(),
            last.1
        )
    }

    fn write_one(&self, dir: &Path, raw: &[u8], mtime: Option<SystemTime>) -> Result<()> {
        let name = self.next_name();
        let tmp = dir.join("tmp").join(&name);
        let mut file: File = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        file.write_all(raw)?;
        let (uid, gid) = self.owner;
        fchown(&file, Some(uid), Some(gid))?;
        if let Some(mtime) = mtime {
            file.set_modified(mtime)?;
        }
        drop(file);
        std::fs::rename(&tmp, dir.join("new").join(&name))
            .with_context(|| format!("cannot move {name} into new/"))?;
        Ok(())
    }

    /// Delivers messages into `folder` (created if missing); returns how many.
    pub(crate) fn deliver_many<I, M>(
        &self,
        folder: &str,
        messages: I,
        mtime: Option<SystemTime>,
    ) -> Result<usize>
    where
        I: IntoIterator<Item = M>,
        M: AsRef<[u8]>,
    {
        let dir = self.folder_dir(folder, true)?;
        let mut count = 0;
        for raw in messages {
            self.write_one(&dir, raw.as_ref(), mtime)?;
            count += 1;
        }
        Ok(count)
    }

    /// Removes Dovecot's UID list and indexes of `folder`; see
    /// [`crate::MailServer::reset_uidvalidity`].
    pub(crate) fn forget_uids(&self, folder: &str) -> Result<()> {
        let dir = self.folder_dir(folder, false)?;
        if !dir.is_dir() {
            bail!("no folder {folder:?} at {}", dir.display());
        }
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name == "dovecot-uidlist" || name.starts_with("dovecot.index") {
                std::fs::remove_file(entry.path())
                    .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            }
        }
        Ok(())
    }
}
