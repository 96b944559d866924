//! The `$VISUAL`/`$EDITOR` session: the only place that spawns an editor.
//!
//! The text has to exist as a file while the editor runs; this module keeps that file
//! as private as it can and as short-lived as it can:
//! - it lives in a private directory (`$XDG_RUNTIME_DIR/candour`, usually a RAM-backed
//!   tmpfs, else `<tmp>/candour-<uid>`), mode 0700, checked to belong to the user;
//! - it is created 0600 with a random name;
//! - afterwards, on success and on every error path, its bytes are overwritten with
//!   zeros, synced, and the file removed;
//! - vim/neovim are started without swap, backup, undo or viminfo files; nano without
//!   backups. Other editors may keep their own copies: see the README.

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use zeroize::Zeroizing;

use super::context::EnvSnapshot;
use super::error::CliError;
use crate::journal::MAX_TEXT_BYTES;
use crate::paths;

/// The private directory that holds the editor's temporary file.
pub fn private_dir(env: &EnvSnapshot) -> PathBuf {
    match &env.runtime_dir {
        Some(runtime) => runtime.join("candour"),
        None => {
            std::env::temp_dir().join(format!("candour-{}", rustix::process::getuid().as_raw()))
        }
    }
}

/// Opens `initial` in the user's editor and returns the edited text.
pub fn edit(env: &EnvSnapshot, initial: &str) -> Result<Zeroizing<String>, CliError> {
    let command = env.editor.clone().unwrap_or_else(|| "vi".to_owned());
    let mut words = shell_words::split(&command)
        .map_err(|_| CliError::Editor(format!("cannot parse the editor command {command:?}")))?;
    if words.is_empty() {
        return Err(CliError::Editor(
            "the editor command is empty; set VISUAL or EDITOR".into(),
        ));
    }
    let program = words.remove(0);

    let dir = private_dir(env);
    ensure_private_dir(&dir)?;
    let file = tempfile::Builder::new()
        .prefix("entry-")
        .suffix(".md")
        .permissions(fs::Permissions::from_mode(0o600))
        .tempfile_in(&dir)
        .map_err(|e| {
            CliError::Editor(format!(
                "cannot create a private temp file in {}: {e}",
                dir.display()
            ))
        })?;
    let guard = Scrub(file.path().to_owned());
    fs::write(&guard.0, initial.as_bytes())
        .map_err(|e| CliError::Editor(format!("cannot write the temp file: {e}")))?;

    let mut cmd = Command::new(&program);
    cmd.args(hardening_flags(&program))
        .args(&words)
        .arg(&guard.0);
    let status = cmd.status().map_err(|e| {
        CliError::Editor(format!(
            "cannot start the editor {program:?}: {e}; set VISUAL or EDITOR"
        ))
    })?;
    if !status.success() {
        return Err(CliError::Editor(format!(
            "the editor {program:?} exited with {status}; nothing was saved"
        )));
    }
    // Read by path: many editors save by writing a new file and renaming it over ours.
    let text = read_limited(&guard.0)?;
    drop(guard);
    drop(file);
    Ok(text)
}

fn read_limited(path: &Path) -> Result<Zeroizing<String>, CliError> {
    let mut bytes = Zeroizing::new(Vec::new());
    fs::File::open(path)
        .and_then(|f| f.take(MAX_TEXT_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| CliError::Editor(format!("cannot read back the edited text: {e}")))?;
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(CliError::Usage(format!(
            "the edited text is larger than the {MAX_TEXT_BYTES}-byte limit; nothing was saved"
        )));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        CliError::Usage("the edited text is not valid UTF-8; nothing was saved".into())
    })?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// Options that stop well-known editors from writing copies of the text elsewhere.
fn hardening_flags(program: &str) -> Vec<&'static str> {
    let name = Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(program);
    match name {
        "vi" | "vim" | "nvim" | "gvim" | "mvim" | "view" => vec![
            "-n",
            "-i",
            "NONE",
            "--cmd",
            "set nobackup nowritebackup noundofile noswapfile viminfo= shada=",
        ],
        "nano" => vec!["--nohelp", "--restricted"],
        _ => Vec::new(),
    }
}

/// Creates the private directory or checks that an existing one is ours and closed.
fn ensure_private_dir(dir: &Path) -> Result<(), CliError> {
    paths::ensure_private_dir(dir).map_err(|e| {
        CliError::Editor(format!(
            "cannot use the private directory {}: {e}",
            dir.display()
        ))
    })
}

/// Overwrites and removes the temp file when dropped, whatever happened.
struct Scrub(PathBuf);

impl Drop for Scrub {
    fn drop(&mut self) {
        let _ = overwrite(&self.0);
        let _ = fs::remove_file(&self.0);
    }
}

fn overwrite(path: &Path) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).open(path)?;
    let len = file.metadata()?.len();
    file.seek(SeekFrom::Start(0))?;
    let zeros = [0u8; 8192];
    let mut left = len;
    while left > 0 {
        let n = usize::try_from(left.min(zeros.len() as u64)).unwrap_or(zeros.len());
        file.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    file.sync_all()
}
