//! The test harness: a temporary journal, a hermetic environment, the real binary.
//!
//! Every command runs with `CANDOUR_HOME`, `HOME` and the XDG directories inside the
//! test's own temp dir, with no editor, no passphrase in the environment, no colour and
//! UTC, so tests never touch the developer's real journal and never hang on a prompt.
#![allow(dead_code)] // each test module uses a different part of the harness

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

pub mod pty;

use assert_cmd::Command;
use tempfile::TempDir;

/// The passphrase every test journal is created with.
pub const PASSPHRASE: &str = "correct horse battery staple";

/// The scrypt work factor for test journals: fast, but the real KDF.
pub const WORK_FACTOR: &str = "4";

/// A temp dir holding one journal and everything else a run may touch.
pub struct TestEnv {
    tmp: TempDir,
    /// The journal directory (`CANDOUR_HOME`).
    pub journal: PathBuf,
    /// `XDG_RUNTIME_DIR`: where the editor's temp file lives.
    pub runtime: PathBuf,
    /// A file holding [`PASSPHRASE`].
    pub passphrase_file: PathBuf,
    /// The recovery key written by `init`.
    pub recovery_file: PathBuf,
    /// Extra environment for every command.
    extra_env: Vec<(String, String)>,
    /// Every canary string seen in a command's arguments or input so far: after each
    /// command, none may appear in the journal or the editor's temp area.
    canaries: std::cell::RefCell<Vec<String>>,
}

impl TestEnv {
    /// An environment with no journal yet.
    pub fn empty() -> TestEnv {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path();
        let runtime = root.join("runtime");
        fs::create_dir_all(&runtime).unwrap();
        fs::set_permissions(&runtime, fs::Permissions::from_mode(0o700)).unwrap();
        let secrets = root.join("secrets");
        fs::create_dir_all(&secrets).unwrap();
        let passphrase_file = secrets.join("passphrase");
        fs::write(&passphrase_file, format!("{PASSPHRASE}\n")).unwrap();
        TestEnv {
            journal: root.join("journal"),
            runtime,
            passphrase_file,
            recovery_file: secrets.join("recovery.txt"),
            extra_env: Vec::new(),
            canaries: std::cell::RefCell::new(Vec::new()),
            tmp,
        }
    }

    /// An environment with a fresh journal (recovery key in [`TestEnv::recovery_file`]).
    pub fn new() -> TestEnv {
        let env = TestEnv::empty();
        env.ok(&[
            "init",
            "--kdf-work-factor",
            WORK_FACTOR,
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
            "--recovery-key-file",
            env.recovery_file.to_str().unwrap(),
        ]);
        env
    }

    /// The temp root (for test-specific files).
    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    /// The journal database.
    pub fn db(&self) -> PathBuf {
        self.journal.join("journal.db")
    }

    /// Adds an environment variable to every later command.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.extra_env.push((key.to_owned(), value.to_owned()));
    }

    /// The binary with a hermetic environment.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd(env!("CARGO_BIN_EXE_candour")))
    }

    /// Any program with the same hermetic environment.
    pub fn std_cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        let root = self.tmp.path();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", root.join("home"))
            .env("XDG_DATA_HOME", root.join("xdg-data"))
            .env("XDG_CONFIG_HOME", root.join("xdg-config"))
            .env("XDG_RUNTIME_DIR", &self.runtime)
            .env("TMPDIR", root.join("tmp"))
            .env("CANDOUR_HOME", &self.journal)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env("TZ", "UTC")
            .env("LANG", "C.UTF-8")
            .current_dir(root);
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs with `args` and `stdin` (empty when `None`).
    pub fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        {
            let mut canaries = self.canaries.borrow_mut();
            for text in args
                .iter()
                .map(|a| (*a).to_owned())
                .chain(stdin.map(|s| String::from_utf8_lossy(s).into_owned()))
            {
                for canary in find_canaries(&text) {
                    if !canaries.contains(&canary) {
                        canaries.push(canary);
                    }
                }
            }
        }
        let mut cmd = self.cmd();
        cmd.args(args);
        cmd.write_stdin(stdin.unwrap_or_default().to_vec());
        let out = cmd.output().expect("run candour");
        // The canary check after every command of the whole suite.
        let canaries = self.canaries.borrow();
        if !canaries.is_empty() {
            let files = self.stored_files();
            for canary in canaries.iter() {
                assert_absent(&files, canary, args);
            }
        }
        out
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_stdin(args, None)
    }

    /// Runs with stdin and asserts success; returns stdout.
    pub fn ok_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "candour {args:?} failed with {:?}\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs a reading command unlocked with the passphrase file; returns stdout.
    pub fn read(&self, args: &[&str]) -> String {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--passphrase-file", self.passphrase_file.to_str().unwrap()]);
        self.ok(&all)
    }

    /// Same as [`TestEnv::read`] with `--json`, parsed.
    pub fn read_json(&self, args: &[&str]) -> serde_json::Value {
        let mut all: Vec<&str> = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.read(&all)).expect("valid JSON on stdout")
    }

    /// Runs and asserts the exit code and that stderr is exactly one line; returns it.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        self.fails_stdin(args, None, code)
    }

    /// As [`TestEnv::fails`], with stdin.
    pub fn fails_stdin(&self, args: &[&str], stdin: Option<&[u8]>, code: i32) -> String {
        let out = self.run(args, stdin);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "candour {args:?}: expected exit {code}\nstdout: {}\nstderr: {stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_one_error_line(&stderr);
        stderr
    }

    /// Adds an entry and returns its id.
    pub fn add(&self, text: &str) -> i64 {
        let out = self.ok(&["add", "--json", text]);
        let value: serde_json::Value = serde_json::from_str(&out).expect("add --json");
        value["id"].as_i64().expect("id")
    }

    /// Every file under the journal dir and the editor's runtime dir, with contents.
    pub fn stored_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        for dir in [&self.journal, &self.runtime] {
            collect_files(dir, &mut files);
        }
        files
    }

    /// Asserts `canary` appears in no file of the journal or editor temp area, in any
    /// common encoding (raw, lower/upper case, UTF-16).
    pub fn assert_no_plaintext(&self, canary: &str) {
        let needles: Vec<Vec<u8>> = vec![
            canary.as_bytes().to_vec(),
            canary.to_lowercase().into_bytes(),
            canary.to_uppercase().into_bytes(),
            canary.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        ];
        let files = self.stored_files();
        assert!(!files.is_empty(), "no files to scan");
        for (path, bytes) in files {
            for needle in &needles {
                assert!(
                    !contains(&bytes, needle),
                    "plaintext canary found in {}",
                    path.display()
                );
            }
        }
    }

    /// Opens the database read-only and asserts SQLite's integrity check passes.
    pub fn assert_integrity(&self) {
        let conn = rusqlite::Connection::open_with_flags(
            self.db(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open db");
        let result: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(result, "ok");
    }

    /// A hash of every byte of the journal directory (to prove a failed command changed
    /// nothing).
    pub fn fingerprint(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        collect_files(&self.journal, &mut files);
        files.retain(|(p, _)| !p.to_string_lossy().ends_with("-shm"));
        files
    }

    /// The recovery key written by `init`, as an age identity (for decrypting without
    /// candour).
    pub fn recovery_identity(&self) -> age::x25519::Identity {
        let text = fs::read_to_string(&self.recovery_file).expect("recovery key file");
        let line = text
            .lines()
            .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
            .expect("a key line");
        line.parse().expect("a valid identity")
    }

    /// Raw ciphertext blobs by id, straight from SQLite.
    pub fn blobs(&self) -> Vec<(i64, Vec<u8>)> {
        let conn = rusqlite::Connection::open(self.db()).expect("open db");
        let mut stmt = conn
            .prepare("SELECT id, ciphertext FROM entries ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// Runs SQL against the database directly (for tampering tests).
    pub fn sql(&self, statement: &str) {
        let conn = rusqlite::Connection::open(self.db()).expect("open db");
        conn.execute_batch(statement).expect("sql");
    }

    /// Writes an executable script into the temp dir and returns its path.
    pub fn script(&self, name: &str, body: &str) -> PathBuf {
        let path = self.root().join(name);
        let mut file = fs::File::create(&path).unwrap();
        writeln!(file, "#!/bin/sh\n{body}").unwrap();
        drop(file);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        path
    }
}

/// Asserts a command's stderr is one readable error line (no panic, no backtrace).
pub fn assert_one_error_line(stderr: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected exactly one stderr line, got:\n{stderr}"
    );
    assert!(
        lines[0].starts_with("error: "),
        "not an error line: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(
        !stderr.contains("RUST_BACKTRACE"),
        "backtrace hint: {stderr}"
    );
}

fn collect_files(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else if let Ok(bytes) = fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
}

/// Asserts `canary` (raw, lower, upper case, UTF-16) is in none of `files`.
fn assert_absent(files: &[(PathBuf, Vec<u8>)], canary: &str, after: &[&str]) {
    let needles: Vec<Vec<u8>> = vec![
        canary.as_bytes().to_vec(),
        canary.to_lowercase().into_bytes(),
        canary.to_uppercase().into_bytes(),
        canary.encode_utf16().flat_map(u16::to_le_bytes).collect(),
    ];
    for (path, bytes) in files {
        for needle in &needles {
            assert!(
                !contains(bytes, needle),
                "plaintext canary {canary} found in {} after `candour {}`",
                path.display(),
                after.first().copied().unwrap_or("")
            );
        }
    }
}

/// The canary strings (`CANARY-…`) in a text.
fn find_canaries(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("CANARY") {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(tail.len());
        if end > "CANARY".len() + 2 {
            found.push(tail[..end].to_owned());
        }
        rest = &tail["CANARY".len()..];
    }
    found
}

/// True when `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// One entry as jrnl 4's JSON export writes it.
pub struct JrnlEntry {
    pub title: String,
    pub body: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`.
    pub time: &'static str,
}

/// Writes a jrnl JSON export of `entries` to `path`, for `import --format jrnl-json`.
pub fn write_jrnl_export(path: &Path, entries: impl IntoIterator<Item = JrnlEntry>) {
    let entries: Vec<serde_json::Value> = entries
        .into_iter()
        .map(|e| {
            serde_json::json!({
                "title": e.title,
                "body": e.body,
                "date": e.date,
                "time": e.time,
                "tags": [],
                "starred": false,
            })
        })
        .collect();
    let file = serde_json::json!({ "tags": {}, "entries": entries });
    fs::write(path, serde_json::to_vec(&file).expect("json")).expect("write the jrnl export");
}
