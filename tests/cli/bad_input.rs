//! The bad-input table: wrong flags, dates, ids, text, keys and files across every
//! command. Each row must give its documented exit code and exactly one readable line on
//! stderr that quotes no entry text and no key material, and must leave the journal
//! byte-for-byte as it was.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::support::{TestEnv, assert_one_error_line};

const CANARY: &str = "CANARY-BADINPUT-c4f1";

/// Where a row's journal comes from.
#[derive(Clone, Copy)]
enum Setup {
    /// A journal with two entries (one action) unlocked by `--passphrase-file`.
    Normal,
    /// No journal at all.
    Missing,
    /// The database file cut in half.
    Truncated,
    /// The database file replaced by random bytes.
    Garbage,
    /// A database from a newer candour (higher user_version).
    Newer,
    /// The journal directory and database made read-only.
    ReadOnly,
}

struct Row {
    name: &'static str,
    setup: Setup,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    code: i32,
}

fn row(name: &'static str, code: i32, args: &[&str]) -> Row {
    Row {
        name,
        setup: Setup::Normal,
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        stdin: None,
        code,
    }
}

impl Row {
    fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Row {
        self.stdin = Some(bytes.into());
        self
    }
    fn setup(mut self, setup: Setup) -> Row {
        self.setup = setup;
        self
    }
}

/// The table. `{pass}` is replaced by the passphrase file, `{root}` by the temp dir.
fn table() -> Vec<Row> {
    let big = vec![b'a'; 20 * 1024 * 1024];
    vec![
        // Flags and commands.
        row("unknown command", 2, &["frobnicate"]),
        row("unknown flag", 2, &["list", "--bogus"]),
        row("flag missing its value", 2, &["list", "-n"]),
        row(
            "count not a number",
            2,
            &["list", "-n", "abc", "--passphrase-file", "{pass}"],
        ),
        row(
            "negative count",
            2,
            &["list", "-n", "-5", "--passphrase-file", "{pass}"],
        ),
        row("conflicting -q and -v", 2, &["list", "-q", "-v"]),
        // Text.
        row("add empty text", 2, &["add", ""]),
        row("add whitespace only", 2, &["add", "   \t  "]),
        row("add empty stdin", 2, &["add"]).stdin(""),
        row("add non-UTF-8 stdin", 2, &["add"]).stdin(vec![0x66, 0xff, 0xfe, 0x80, 0x41]),
        row("add a 20 MB entry", 2, &["add"]).stdin(big),
        row("classify empty", 2, &["classify", ""]),
        row(
            "edit to empty text",
            2,
            &["edit", "1", "--text", " ", "--passphrase-file", "{pass}"],
        ),
        row(
            "names add empty",
            2,
            &["names", "add", "", "--passphrase-file", "{pass}"],
        ),
        // Dates.
        row(
            "impossible --at",
            2,
            &["add", "--at", "31st Febtember", "Something happened."],
        ),
        row("empty --at", 2, &["add", "--at", "", "Something happened."]),
        row(
            "month 13 in --from",
            2,
            &[
                "list",
                "--from",
                "2026-13-40",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "words in --to",
            2,
            &[
                "list",
                "--to",
                "when pigs fly",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "bad --due",
            2,
            &["action", "add", "1", "Follow up", "--due", "someday maybe"],
        ),
        row(
            "bad --since",
            2,
            &[
                "review",
                "--since",
                "last-never",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "bad session date",
            2,
            &[
                "session",
                "add",
                "--with",
                "supervisor",
                "--on",
                "the 45th",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        // Unknown ids, categories, statuses, levels.
        row(
            "show unknown id",
            4,
            &["show", "999", "--passphrase-file", "{pass}"],
        ),
        row(
            "show id not a number",
            2,
            &["show", "abc", "--passphrase-file", "{pass}"],
        ),
        row(
            "edit unknown id",
            4,
            &["edit", "999", "--text", "x", "--passphrase-file", "{pass}"],
        ),
        row("delete unknown id", 4, &["delete", "999", "--yes"]),
        row("delete without --yes and no terminal", 2, &["delete", "1"]),
        row(
            "add unknown category",
            2,
            &["add", "--tag", "astrology", "Something happened."],
        ),
        row(
            "list unknown category",
            2,
            &[
                "list",
                "--category",
                "astrology",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "tag unknown category",
            2,
            &[
                "tag",
                "1",
                "--add",
                "astrology",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "mark unknown status",
            2,
            &[
                "mark",
                "1",
                "pending-forever",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "mark unknown id",
            4,
            &["mark", "999", "discussed", "--passphrase-file", "{pass}"],
        ),
        row(
            "share unknown level",
            2,
            &["share", "1", "everyone", "--passphrase-file", "{pass}"],
        ),
        row(
            "reflect unknown model",
            2,
            &[
                "reflect",
                "1",
                "--model",
                "freud",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "reflect unknown section",
            2,
            &[
                "reflect",
                "1",
                "--section",
                "nope",
                "--text",
                "x",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "action on unknown entry",
            4,
            &["action", "add", "999", "Follow up"],
        ),
        row(
            "done unknown action",
            4,
            &["action", "done", "999", "--passphrase-file", "{pass}"],
        ),
        row(
            "session with nobody",
            2,
            &[
                "session",
                "add",
                "--with",
                "nobody",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "prompts for nobody",
            2,
            &[
                "prompts",
                "1",
                "--for",
                "nobody",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "review unknown route",
            2,
            &[
                "review",
                "--route",
                "carrier-pigeon",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        // Export and import.
        row(
            "export unknown format",
            2,
            &["export", "--format", "pdf", "--passphrase-file", "{pass}"],
        ),
        row(
            "export to a bad recipient",
            2,
            &[
                "export",
                "--encrypt-to",
                "age1notakey",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row(
            "export recipients file missing",
            2,
            &[
                "export",
                "--encrypt-to-file",
                "{root}/nope.txt",
                "--passphrase-file",
                "{pass}",
            ],
        ),
        row("import missing file", 2, &["import", "{root}/nope.json"]),
        row(
            "import broken jrnl file",
            2,
            &["import", "--format", "jrnl-json", "{root}/broken.json"],
        ),
        row(
            "import garbage candour file",
            2,
            &["import", "{root}/garbage.json"],
        ),
        row(
            "import non-UTF-8 file",
            2,
            &["import", "{root}/binary.json"],
        ),
        // Keys and unlocking.
        row(
            "wrong passphrase",
            3,
            &["list", "--passphrase-file", "{root}/wrong-pass"],
        ),
        row("no terminal and no passphrase", 3, &["list"]),
        row(
            "identity file that is not a key",
            3,
            &["list", "--identity", "{root}/wrong-pass"],
        ),
        row(
            "identity of another journal",
            3,
            &["list", "--identity", "{root}/other-key.txt"],
        ),
        row(
            "passphrase file missing",
            2,
            &["list", "--passphrase-file", "{root}/nope"],
        ),
        row(
            "passwd without a terminal",
            2,
            &["passwd", "--passphrase-file", "{pass}"],
        ),
        // Taxonomy.
        row(
            "invalid custom taxonomy",
            2,
            &[
                "classify",
                "--taxonomy",
                "{root}/bad-taxonomy.toml",
                "A gift.",
            ],
        ),
        row(
            "missing custom taxonomy",
            2,
            &["classify", "--taxonomy", "{root}/nope.toml", "A gift."],
        ),
        // Maintenance.
        row(
            "purge age nonsense",
            2,
            &["purge", "--older-than", "5q", "--yes"],
        ),
        row(
            "purge without --yes and no terminal",
            2,
            &["purge", "--older-than", "3y"],
        ),
        row(
            "unlock forever",
            2,
            &["unlock", "--for", "forever", "--passphrase-file", "{pass}"],
        ),
        row(
            "backup over the journal itself",
            2,
            &["backup", "{journal}"],
        ),
        // Broken journals.
        row(
            "missing journal: list",
            4,
            &["list", "--passphrase-file", "{pass}"],
        )
        .setup(Setup::Missing),
        row(
            "missing journal: show",
            4,
            &["show", "1", "--passphrase-file", "{pass}"],
        )
        .setup(Setup::Missing),
        row(
            "missing journal: add, no terminal",
            4,
            &["add", "Something happened."],
        )
        .setup(Setup::Missing),
        row(
            "truncated database",
            5,
            &["list", "--passphrase-file", "{pass}"],
        )
        .setup(Setup::Truncated),
        row(
            "truncated database: add",
            5,
            &["add", "Something happened."],
        )
        .setup(Setup::Truncated),
        row(
            "garbage database",
            5,
            &["list", "--passphrase-file", "{pass}"],
        )
        .setup(Setup::Garbage),
        row(
            "garbage database: verify",
            5,
            &["verify", "--passphrase-file", "{pass}"],
        )
        .setup(Setup::Garbage),
        row(
            "newer database",
            1,
            &["list", "--passphrase-file", "{pass}"],
        )
        .setup(Setup::Newer),
        row("newer database: add", 1, &["add", "Something happened."]).setup(Setup::Newer),
        row("read-only journal: add", 1, &["add", "Something happened."]).setup(Setup::ReadOnly),
    ]
}

fn prepare(setup: Setup) -> TestEnv {
    if let Setup::Missing = setup {
        let env = TestEnv::empty();
        prepare_files(&env);
        return env;
    }
    let env = TestEnv::new();
    env.add(&format!("The family pressed {CANARY} into my hand."));
    env.add("A former patient sent me a friend request.");
    env.ok(&["add", "--at", "2019-01-01", "An old note from years ago."]);
    env.ok(&["action", "add", "1", "Ask about the gifts policy"]);
    prepare_files(&env);
    match setup {
        Setup::Normal | Setup::Missing => {}
        Setup::Truncated => {
            let bytes = fs::read(env.db()).unwrap();
            fs::write(env.db(), &bytes[..bytes.len() / 2]).unwrap();
        }
        Setup::Garbage => {
            let mut rng = fastrand::Rng::with_seed(7);
            let bytes: Vec<u8> = (0..65536).map(|_| rng.u8(..)).collect();
            fs::write(env.db(), bytes).unwrap();
        }
        Setup::Newer => env.sql("PRAGMA user_version = 999"),
        Setup::ReadOnly => {
            fs::set_permissions(env.db(), fs::Permissions::from_mode(0o400)).unwrap();
            fs::set_permissions(&env.journal, fs::Permissions::from_mode(0o500)).unwrap();
        }
    }
    env
}

fn prepare_files(env: &TestEnv) {
    let root = env.root();
    fs::write(root.join("wrong-pass"), "not the passphrase\n").unwrap();
    fs::write(
        root.join("broken.json"),
        "{\"tags\": {}, \"entries\": [{\"title\": ",
    )
    .unwrap();
    fs::write(root.join("garbage.json"), "this is not json at all").unwrap();
    fs::write(root.join("binary.json"), [0xff_u8, 0xfe, 0x00, 0x81]).unwrap();
    fs::write(
        root.join("bad-taxonomy.toml"),
        "version = 1\nname = \"broken\"\n[[category]]\nid = \"x\"\n",
    )
    .unwrap();
    let other = TestEnv::new();
    fs::copy(&other.recovery_file, root.join("other-key.txt")).unwrap();
}

fn expand(arg: &str, env: &TestEnv) -> String {
    arg.replace("{pass}", env.passphrase_file.to_str().unwrap())
        .replace("{root}", env.root().to_str().unwrap())
        .replace("{journal}", env.journal.to_str().unwrap())
}

#[test]
fn every_bad_input_gets_its_exit_code_one_line_and_changes_nothing() {
    let rows = table();
    assert!(rows.len() >= 40, "only {} rows", rows.len());
    let mut failures = Vec::new();
    let mut tried = 0;
    // Permissions do not stop root, so the read-only row means nothing there.
    let root_user = rustix::process::getuid().is_root();
    for row in &rows {
        if root_user && matches!(row.setup, Setup::ReadOnly) {
            println!("skipped as root: {}", row.name);
            continue;
        }
        tried += 1;
        let env = prepare(row.setup);
        let keys: Vec<String> = [env.recovery_file.clone(), env.root().join("other-key.txt")]
            .iter()
            .filter_map(|p| fs::read_to_string(p).ok())
            .flat_map(|text| {
                text.lines()
                    .filter(|l| l.starts_with("AGE-SECRET-KEY-1"))
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        let before = env.fingerprint();
        let args: Vec<String> = row.args.iter().map(|a| expand(a, &env)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = env.run(&args, row.stdin.as_deref());
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let code = out.status.code();
        if code != Some(row.code) {
            failures.push(format!(
                "{}: exit {code:?}, expected {} ({stderr})",
                row.name, row.code
            ));
            continue;
        }
        let one_line = std::panic::catch_unwind(|| assert_one_error_line(&stderr));
        if one_line.is_err() {
            failures.push(format!("{}: not one error line: {stderr:?}", row.name));
        }
        let secrets = [CANARY, "correct horse battery staple", "not the passphrase"];
        for secret in secrets.iter().map(|s| (*s).to_owned()).chain(keys) {
            if stderr.contains(&secret) {
                failures.push(format!("{}: stderr shows {secret:?}", row.name));
            }
        }
        if let Setup::ReadOnly = row.setup {
            fs::set_permissions(&env.journal, fs::Permissions::from_mode(0o700)).unwrap();
        }
        if before != env.fingerprint() {
            failures.push(format!("{}: the journal changed", row.name));
        }
    }
    println!("bad-input rows tried: {tried} of {}", rows.len());
    assert!(tried >= 40, "only {tried} rows tried");
    assert!(
        failures.is_empty(),
        "{} of {tried} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
