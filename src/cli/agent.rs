//! The unlock agent: a small background process that holds one journal's key in memory
//! for a while, so that reading commands do not ask for the passphrase each time.
//!
//! Design (rbw is the model):
//! - `candour unlock` unlocks as usual, then starts `candour agent-serve` (a hidden
//!   subcommand of the same binary) and hands it the journal key through a pipe, never
//!   through arguments or the environment.
//! - The agent detaches (new session), refuses core dumps and ptrace by other processes
//!   (`PR_SET_DUMPABLE` 0), tries to lock the key's memory against swapping, and listens
//!   on a Unix socket, mode 0600, in a private 0700 directory
//!   (`$XDG_RUNTIME_DIR/candour`, else `/tmp/candour-<uid>`), one socket per journal.
//! - It answers only peers with its own user id (checked with `SO_PEERCRED`), ends
//!   itself when its time is up or on `candour lock`, removes its socket, and the key
//!   is zeroised when it exits.
//! - Clients send no secret. A key received from a socket is only used after checking
//!   that it belongs to the journal, so a fake agent cannot make candour use another key.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::context::EnvSnapshot;
use super::error::{CliError, usage};
use crate::paths;

/// How long a client waits for the agent before giving up on it.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(2);
/// How often the agent checks whether its time is up.
const TICK: Duration = Duration::from_millis(100);
/// The longest an agent may hold a key.
pub const MAX_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// The private directory that holds agent sockets.
pub fn runtime_dir(env: &EnvSnapshot) -> PathBuf {
    super::editor::private_dir(env)
}

/// The agent socket for the journal in `journal_dir`.
pub fn socket_path(env: &EnvSnapshot, journal_dir: &Path) -> PathBuf {
    let canonical = fs::canonicalize(journal_dir).unwrap_or_else(|_| journal_dir.to_owned());
    // FNV-1a: a short stable name per journal (not a secret, the directory is private).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in canonical.as_os_str().as_encoded_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    runtime_dir(env).join(format!("agent-{hash:016x}.sock"))
}

/// Asks a running agent for the key; `None` when there is no agent (or it does not
/// answer in time).
pub fn fetch(env: &EnvSnapshot, journal_dir: &Path) -> Option<SecretString> {
    let mut stream = connect(&socket_path(env, journal_dir))?;
    stream.write_all(b"key\n").ok()?;
    let mut reply = Zeroizing::new(Vec::new());
    stream.take(4096).read_to_end(&mut reply).ok()?;
    let text = std::str::from_utf8(&reply).ok()?.trim();
    (!text.is_empty()).then(|| SecretString::from(text.to_owned()))
}

/// Tells a running agent to forget the key and exit. True if one was running.
pub fn stop(env: &EnvSnapshot, journal_dir: &Path) -> bool {
    let path = socket_path(env, journal_dir);
    let Some(mut stream) = connect(&path) else {
        // A socket nobody answers is left over from a killed agent.
        let _ = fs::remove_file(&path);
        return false;
    };
    if stream.write_all(b"lock\n").is_err() {
        return false;
    }
    let mut reply = String::new();
    let _ = stream.take(64).read_to_string(&mut reply);
    // Wait briefly for it to remove its socket, so a following command sees no agent.
    let deadline = Instant::now() + CLIENT_TIMEOUT;
    while path.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    reply.trim() == "ok"
}

fn connect(path: &Path) -> Option<UnixStream> {
    let stream = UnixStream::connect(path).ok()?;
    stream.set_read_timeout(Some(CLIENT_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(CLIENT_TIMEOUT)).ok()?;
    Some(stream)
}

/// Starts an agent for `journal_dir` holding `identity` for `lifetime`; returns once it
/// listens.
pub fn spawn(
    env: &EnvSnapshot,
    journal_dir: &Path,
    identity: &SecretString,
    lifetime: Duration,
) -> Result<PathBuf, CliError> {
    let socket = socket_path(env, journal_dir);
    let exe = std::env::current_exe()
        .map_err(|e| CliError::Agent(format!("cannot find the candour program: {e}")))?;
    let mut child = Command::new(exe)
        .arg("--journal")
        .arg(journal_dir)
        .arg("agent-serve")
        .arg("--seconds")
        .arg(lifetime.as_secs().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| CliError::Agent(format!("cannot start the agent: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(identity.expose_secret().as_bytes())
            .map_err(|e| CliError::Agent(format!("cannot hand the key to the agent: {e}")))?;
    }
    let mut ready = String::new();
    if let Some(stdout) = child.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut ready);
    }
    if ready.trim() != "ready" {
        let _ = child.kill();
        let _ = child.wait();
        return Err(CliError::Agent(format!(
            "the agent did not start{}",
            if ready.trim().is_empty() {
                String::new()
            } else {
                format!(": {}", ready.trim())
            }
        )));
    }
    Ok(socket)
}

/// The agent itself (`candour agent-serve`): reads the key from stdin, listens until
/// its time is up or it is told to lock.
pub fn serve(env: &EnvSnapshot, journal_dir: &Path, lifetime: Duration) -> Result<(), CliError> {
    // Nobody else, not even a process of the same user, may read our memory or dump it.
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
    let mut raw = Zeroizing::new(Vec::new());
    std::io::stdin().take(4096).read_to_end(&mut raw)?;
    let identity = SecretString::from(
        std::str::from_utf8(&raw)
            .map_err(|_| usage("the agent was given something that is not a key"))?
            .trim()
            .to_owned(),
    );
    drop(raw);
    let _memory_lock = region::lock(
        identity.expose_secret().as_ptr(),
        identity.expose_secret().len().max(1),
    );
    let dir = runtime_dir(env);
    ensure_private_dir(&dir)?;
    let socket = socket_path(env, journal_dir);
    // A previous agent for this journal is replaced.
    stop(env, journal_dir);
    let _ = fs::remove_file(&socket);
    let listener = UnixListener::bind(&socket)
        .map_err(|e| CliError::Agent(format!("cannot listen on {}: {e}", socket.display())))?;
    fs::set_permissions(&socket, fs::Permissions::from_mode(0o600))?;
    let _cleanup = RemoveOnDrop(socket);
    listener.set_nonblocking(true)?;
    // Detach from the terminal's session so closing it does not end the agent.
    let _ = rustix::process::setsid();
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "ready")?;
        out.flush()?;
    }
    let deadline = Instant::now() + lifetime.min(MAX_LIFETIME);
    let me = rustix::process::getuid();
    while Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                let same_user =
                    rustix::net::sockopt::socket_peercred(&stream).is_ok_and(|cred| cred.uid == me);
                if same_user && answer(stream, &identity) == Request::Lock {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(TICK),
            Err(_) => std::thread::sleep(TICK),
        }
    }
    Ok(())
}

#[derive(PartialEq, Eq)]
enum Request {
    Key,
    Lock,
    Other,
}

fn answer(stream: UnixStream, identity: &SecretString) -> Request {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(CLIENT_TIMEOUT));
    let _ = stream.set_write_timeout(Some(CLIENT_TIMEOUT));
    let mut line = String::new();
    let mut reader = BufReader::new(stream.take(64));
    if reader.read_line(&mut line).is_err() {
        return Request::Other;
    }
    let mut stream = reader.into_inner().into_inner();
    match line.trim() {
        "key" => {
            let _ = stream.write_all(identity.expose_secret().as_bytes());
            Request::Key
        }
        "lock" => {
            let _ = stream.write_all(b"ok\n");
            Request::Lock
        }
        _ => Request::Other,
    }
}

/// Parses `--for` durations: `90s`, `15m`, `2h`, `1d` (a bare number means minutes).
pub fn parse_lifetime(text: &str) -> Result<Duration, CliError> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let bad = || {
        usage(format!(
            "--for {text:?} is not a duration; use for example 90s, 15m, 2h (at most 12h)"
        ))
    };
    let n: u64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit.trim() {
        "s" | "sec" | "secs" | "second" | "seconds" => n,
        "" | "m" | "min" | "mins" | "minute" | "minutes" => n.saturating_mul(60),
        "h" | "hour" | "hours" => n.saturating_mul(3600),
        "d" | "day" | "days" => n.saturating_mul(86_400),
        _ => return Err(bad()),
    };
    let lifetime = Duration::from_secs(seconds);
    if seconds == 0 || lifetime > MAX_LIFETIME {
        return Err(bad());
    }
    Ok(lifetime)
}

fn ensure_private_dir(dir: &Path) -> Result<(), CliError> {
    paths::ensure_private_dir(dir).map_err(|e| CliError::Agent(e.to_string()))
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_parse_with_units_and_refuse_nonsense() {
        assert_eq!(parse_lifetime("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_lifetime("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_lifetime("15").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_lifetime("2h").unwrap(), Duration::from_secs(7200));
        for bad in ["", "0s", "m", "15x", "-5m", "13h", "99999999999999999999d"] {
            assert!(parse_lifetime(bad).is_err(), "{bad}");
        }
    }
}
