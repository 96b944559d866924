//! Every file name candour uses, in one place.
//!
//! A journal is a directory (mode 0700) holding one SQLite database (mode 0600) and the
//! WAL/SHM files SQLite keeps beside it. Nothing else is written there except backups the
//! user asks for by name.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The database inside a journal directory.
pub fn db_path(dir: &Path) -> PathBuf {
    dir.join("journal.db")
}

/// The files SQLite may keep next to the database.
pub fn db_sidecars(dir: &Path) -> [PathBuf; 2] {
    [dir.join("journal.db-wal"), dir.join("journal.db-shm")]
}

/// The optional per-journal configuration file (plain TOML, holds no entry text).
pub fn config_path(dir: &Path) -> PathBuf {
    dir.join("config.toml")
}

/// Creates `dir` (and parents) as a private directory, then tightens its mode.
///
/// The mode is set again after creation because `DirBuilder::mode` is filtered through
/// the umask and an existing directory keeps whatever mode it had.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

/// Creates `dir` as a private directory and checks that it really is one: a directory
/// (not a symlink), owned by this user, with no access for group or others. A shared
/// temp dir could hold one planted by someone else.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    create_private_dir(dir)?;
    let meta = fs::symlink_metadata(dir)?;
    let ours = meta.uid() == rustix::process::getuid().as_raw();
    if !meta.is_dir() || !ours || meta.mode() & 0o077 != 0 {
        return Err(io::Error::other(format!(
            "{} is not a private directory owned by you; remove it and try again",
            dir.display()
        )));
    }
    Ok(())
}

/// Sets a file to owner read/write only, ignoring files that do not exist.
pub fn make_private_file(path: &Path) -> io::Result<()> {
    match fs::set_permissions(path, fs::Permissions::from_mode(0o600)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}
