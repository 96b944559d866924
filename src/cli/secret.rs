//! Where passphrases and keys come from, in the order DESIGN fixes:
//! `--identity FILE`, `--passphrase-file FILE`, `CANDOUR_PASSPHRASE`, then the unlock
//! agent if `candour unlock` started one, then a no-echo prompt on the terminal. With no terminal and no other source the answer is a clear
//! error (exit 3), never a hang waiting on a pipe.

use std::fs;
use std::io::Read;
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::context::Context;
use super::error::{CliError, usage};
use crate::error::Error;
use crate::journal::Journal;
use crate::vault::{JournalKey, Unlock, VaultError};

/// Passphrase and key files are tiny; refuse to read a large file by mistake.
const MAX_SECRET_FILE: u64 = 64 * 1024;

/// The shortest passphrase accepted for a new journal or a new passphrase.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// How many times the terminal prompt asks again after a wrong passphrase.
const PROMPT_ATTEMPTS: usize = 3;

/// Unlocks the journal key from the first available source.
pub fn unlock(ctx: &mut Context, journal: &Journal) -> Result<JournalKey, CliError> {
    if let Some(path) = ctx.global.identity.clone() {
        ctx.ui.verbose("unlocking with the identity file");
        let text = read_secret_file(&path, "identity file")?;
        return Ok(journal.unlock(&Unlock::Identity(text))?);
    }
    if let Some(path) = ctx.global.passphrase_file.clone() {
        ctx.ui.verbose("unlocking with the passphrase file");
        let passphrase = first_line(&read_secret_file(&path, "passphrase file")?);
        return Ok(journal.unlock(&Unlock::Passphrase(passphrase))?);
    }
    if let Some(passphrase) = &ctx.env.passphrase {
        ctx.ui.verbose("unlocking with CANDOUR_PASSPHRASE");
        return Ok(journal.unlock(&Unlock::Passphrase(passphrase.clone()))?);
    }
    if let Some(identity) = super::agent::fetch(&ctx.env, journal.dir()) {
        // The agent's key is checked against the journal like any identity; one that
        // does not fit (a stale agent after a rekey) is ignored.
        if let Ok(key) = journal.unlock(&Unlock::Identity(identity)) {
            ctx.ui.verbose("unlocked by the agent (candour unlock)");
            return Ok(key);
        }
        ctx.ui
            .verbose("the agent holds a key that does not fit this journal; ignored");
    }
    if !ctx.env.stdin_tty {
        return Err(CliError::NoUnlockSource);
    }
    let prompt = format!(
        "Passphrase for the journal at {}: ",
        journal.dir().display()
    );
    for attempt in 1..=PROMPT_ATTEMPTS {
        let passphrase = prompt_hidden(&prompt)?;
        match journal.unlock(&Unlock::Passphrase(passphrase)) {
            Err(Error::Vault(VaultError::WrongPassphrase)) if attempt < PROMPT_ATTEMPTS => {
                ctx.ui.warn("wrong passphrase, try again");
            }
            other => return Ok(other?),
        }
    }
    Err(Error::Vault(VaultError::WrongPassphrase).into())
}

/// The passphrase given by `--passphrase-file` or `CANDOUR_PASSPHRASE`, if any (not
/// when `--identity` is the unlock source).
pub fn given_passphrase(ctx: &Context) -> Result<Option<SecretString>, CliError> {
    if ctx.global.identity.is_some() {
        return Ok(None);
    }
    if let Some(path) = &ctx.global.passphrase_file {
        return Ok(Some(first_line(&read_secret_file(
            path,
            "passphrase file",
        )?)));
    }
    Ok(ctx.env.passphrase.clone())
}

/// A new passphrase for `init`: `--passphrase-file`, `CANDOUR_PASSPHRASE`, or typed
/// twice on the terminal.
pub fn new_passphrase_for_init(ctx: &Context) -> Result<SecretString, CliError> {
    if let Some(path) = &ctx.global.passphrase_file {
        return checked(first_line(&read_secret_file(path, "passphrase file")?));
    }
    if let Some(passphrase) = &ctx.env.passphrase {
        return checked(passphrase.clone());
    }
    prompt_twice(ctx, "Choose a passphrase for the new journal")
}

/// A new passphrase for `passwd`: `--new-passphrase-file`, or typed twice.
pub fn new_passphrase_for_change(
    ctx: &Context,
    file: Option<&Path>,
) -> Result<SecretString, CliError> {
    if let Some(path) = file {
        return checked(first_line(&read_secret_file(path, "new passphrase file")?));
    }
    prompt_twice(ctx, "Choose the new passphrase")
}

fn prompt_twice(ctx: &Context, what: &str) -> Result<SecretString, CliError> {
    if !ctx.env.stdin_tty {
        return Err(usage(
            "no passphrase given and standard input is not a terminal; pass --passphrase-file FILE or set CANDOUR_PASSPHRASE",
        ));
    }
    let first = checked(prompt_hidden(&format!(
        "{what} (at least {MIN_PASSPHRASE_CHARS} characters): "
    ))?)?;
    let second = prompt_hidden("Type it again: ")?;
    if !constant_time_eq(
        first.expose_secret().as_bytes(),
        second.expose_secret().as_bytes(),
    ) {
        return Err(usage("the two passphrases differ; nothing was changed"));
    }
    Ok(first)
}

fn checked(passphrase: SecretString) -> Result<SecretString, CliError> {
    if passphrase.expose_secret().chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(usage(format!(
            "the passphrase is too short; use at least {MIN_PASSPHRASE_CHARS} characters (a few words is best)"
        )));
    }
    Ok(passphrase)
}

fn prompt_hidden(prompt: &str) -> Result<SecretString, CliError> {
    let typed = Zeroizing::new(rpassword::prompt_password(prompt)?);
    Ok(SecretString::from(typed.as_str().to_owned()))
}

/// Reads a small secret file.
pub fn read_secret_file(path: &Path, what: &'static str) -> Result<SecretString, CliError> {
    let fail = |source| CliError::ReadFile {
        what,
        path: path.display().to_string(),
        source,
    };
    let file = fs::File::open(path).map_err(fail)?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_SECRET_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() as u64 > MAX_SECRET_FILE {
        return Err(usage(format!(
            "the {what} {} is too large to be a key or passphrase",
            path.display()
        )));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| usage(format!("the {what} {} is not UTF-8 text", path.display())))?;
    Ok(SecretString::from(text.to_owned()))
}

/// The first line, without its line ending (a passphrase may contain spaces).
fn first_line(text: &SecretString) -> SecretString {
    let line = text.expose_secret().lines().next().unwrap_or("");
    SecretString::from(line.trim_end_matches('\r').to_owned())
}

/// Compares without leaking, through timing, where two secrets first differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_line_of_a_passphrase_file_counts() {
        let text = SecretString::from("correct horse battery\r\nsecond line\n".to_owned());
        assert_eq!(first_line(&text).expose_secret(), "correct horse battery");
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(checked(SecretString::from("short".to_owned())).is_err());
        assert!(checked(SecretString::from("long enough".to_owned())).is_ok());
    }

    #[test]
    fn constant_time_comparison_is_correct() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
