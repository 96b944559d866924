//! Crash safety: SIGKILL at random moments during an import, a rekey and a purge.
//!
//! After every kill the database must pass `PRAGMA integrity_check`, the operation must
//! be all-or-nothing, and the journal must open with its key and every entry decrypt
//! (`candour verify`). These tests take a minute or so, so they are `#[ignore]`d in the
//! everyday `cargo test` and run by `tests/heavy.sh`, which `.ci/run` calls.
#![allow(clippy::print_stdout)] // the seeds and kill counts are the report

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{JrnlEntry, TestEnv, write_jrnl_export};

const KILLS: usize = 20;
const ENTRIES: usize = 2000;

/// A jrnl export of `ENTRIES` entries, half of them from 2015.
fn write_import_file(path: &Path) {
    write_jrnl_export(
        path,
        (0..ENTRIES).map(|i| JrnlEntry {
            title: format!("Entry {i}."),
            body: format!(
                "The family of patient {i} offered me a voucher; I said I would ask my manager. {}",
                "More detail. ".repeat(i % 7)
            ),
            date: format!(
                "{}-01-{:02}",
                if i % 2 == 0 { 2015 } else { 2026 },
                i % 28 + 1
            ),
            time: "10:00",
        }),
    );
}

fn count(env: &TestEnv) -> usize {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
        .unwrap();
    usize::try_from(n).unwrap()
}

/// Runs `args`, kills it with SIGKILL after `after` (if still running); true if killed.
fn run_and_kill(env: &TestEnv, args: &[&str], after: Duration) -> bool {
    let mut child = env
        .std_cmd(env!("CARGO_BIN_EXE_candour"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let killed = child.try_wait().unwrap().is_none();
    child.kill().ok(); // SIGKILL
    child.wait().unwrap();
    killed
}

fn timed(env: &TestEnv, args: &[&str]) -> Duration {
    let start = Instant::now();
    env.ok(args);
    start.elapsed()
}

/// The journal is sound and every entry decrypts, with the passphrase.
fn assert_sound(env: &TestEnv) {
    env.assert_integrity();
    env.read(&["verify"]);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// A journal holding the `ENTRIES` of the import file (imported without tagging).
fn template() -> TestEnv {
    let template = TestEnv::new();
    let file = template.root().join("import.json");
    write_import_file(&file);
    let file = file.to_str().unwrap().to_owned();
    template.ok(&["import", "--format", "jrnl-json", "--no-auto-tag", &file]);
    template
}

/// A fresh environment whose journal is a copy of `template`'s.
fn copy_of(template: &TestEnv) -> TestEnv {
    let env = TestEnv::new();
    std::fs::remove_dir_all(&env.journal).unwrap();
    copy_dir(&template.journal, &env.journal);
    env
}

fn seed() -> u64 {
    let seed = std::env::var("CANDOUR_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    println!("crash seed: {seed} (set CANDOUR_CRASH_SEED to repeat)");
    seed
}

/// Runs `attempt` until `KILLS` runs have been killed mid-way. Each attempt gets its
/// run number and a random moment in the first 95% of the operation's usual duration;
/// it returns whether its process was still running when killed (a fast run may
/// finish first, which proves nothing, so it does not count).
fn until_enough_kills(
    what: &str,
    full: Duration,
    rng: &mut fastrand::Rng,
    mut attempt: impl FnMut(usize, Duration) -> bool,
) {
    let (mut killed, mut runs) = (0, 0);
    while killed < KILLS {
        assert!(
            runs < KILLS * 3,
            "{what}: only {killed} of {runs} runs were still going when killed"
        );
        killed += usize::from(attempt(runs, full.mul_f64(rng.f64() * 0.95)));
        runs += 1;
    }
    println!("{what}: killed mid-way {killed} times in {runs} runs, all sound");
}

#[test]
#[ignore = "heavy: run by tests/heavy.sh"]
fn killing_an_import_leaves_all_or_nothing() {
    let mut rng = fastrand::Rng::with_seed(seed());
    let probe = TestEnv::new();
    let file = probe.root().join("import.json");
    write_import_file(&file);
    let file = file.to_str().unwrap().to_owned();
    // Without tagging, which runs before anything is written and would only make each
    // run longer (the unoptimised test build tags slowly): the kills land in the
    // sealing and the transaction, where a crash could do harm.
    let import = ["import", "--format", "jrnl-json", "--no-auto-tag", &file];
    let full = timed(&probe, &import);
    assert_eq!(count(&probe), ENTRIES);
    until_enough_kills("import", full, &mut rng, |_, after| {
        let env = TestEnv::new();
        let killed = run_and_kill(&env, &import, after);
        let n = count(&env);
        assert!(n == 0 || n == ENTRIES, "a killed import left {n} entries");
        assert_sound(&env);
        // Importing again completes what was cut short, adding nothing twice.
        env.ok(&import);
        assert_eq!(count(&env), ENTRIES);
        killed
    });
}

#[test]
#[ignore = "heavy: run by tests/heavy.sh"]
fn killing_a_rekey_leaves_the_old_or_the_new_key() {
    let mut rng = fastrand::Rng::with_seed(seed());
    let template = template();
    let old_blobs = template.blobs();
    let probe = copy_of(&template);
    let full = timed(
        &probe,
        &[
            "rekey",
            "--json",
            "--passphrase-file",
            probe.passphrase_file.to_str().unwrap(),
        ],
    );
    until_enough_kills("rekey", full, &mut rng, |i, after| {
        let env = copy_of(&template);
        std::fs::copy(&template.recovery_file, &env.recovery_file).unwrap();
        let new_recovery = env.root().join(format!("new-recovery-{i}.txt"));
        let killed = run_and_kill(
            &env,
            &[
                "rekey",
                "--recovery-key-file",
                new_recovery.to_str().unwrap(),
                "--passphrase-file",
                env.passphrase_file.to_str().unwrap(),
            ],
            after,
        );
        assert_sound(&env);
        // Either nothing changed (the old recovery key opens it and the blobs are the
        // old ones) or everything did (the new recovery key opens it).
        let blobs = env.blobs();
        let unchanged = blobs == old_blobs;
        let old_key_opens = env
            .run(
                &["verify", "--identity", env.recovery_file.to_str().unwrap()],
                None,
            )
            .status
            .success();
        if unchanged {
            assert!(
                old_key_opens,
                "the old blobs no longer open with the old key"
            );
        } else {
            assert!(
                !old_key_opens,
                "a mix: some blobs changed but the old key still opens"
            );
            assert!(
                blobs.iter().zip(&old_blobs).all(|(a, b)| a.1 != b.1),
                "only some blobs were re-encrypted"
            );
            env.ok(&["verify", "--identity", new_recovery.to_str().unwrap()]);
        }
        killed
    });
}

#[test]
#[ignore = "heavy: run by tests/heavy.sh"]
fn killing_a_purge_leaves_all_or_nothing() {
    let mut rng = fastrand::Rng::with_seed(seed());
    let template = template();
    let probe = copy_of(&template);
    let full = timed(&probe, &["purge", "--older-than", "3y", "--yes"]);
    assert_eq!(count(&probe), ENTRIES / 2);
    until_enough_kills("purge", full, &mut rng, |_, after| {
        let env = copy_of(&template);
        let killed = run_and_kill(&env, &["purge", "--older-than", "3y", "--yes"], after);
        let n = count(&env);
        assert!(
            n == ENTRIES || n == ENTRIES / 2,
            "a killed purge left {n} entries"
        );
        assert_sound(&env);
        killed
    });
}

#[test]
#[ignore = "heavy: run by tests/heavy.sh"]
fn two_processes_adding_300_entries_each_lose_nothing() {
    let env = TestEnv::new();
    let writer = |who: &'static str| {
        let mut cmd = env.std_cmd("sh");
        cmd.arg("-c").arg(format!(
            // --no-auto-tag: tagging happens before the write, so without it the two
            // writers meet in the database more often, which is what is tested.
            "i=0; while [ $i -lt 300 ]; do \"$0\" add --no-auto-tag \"{who} entry $i\" >/dev/null 2>>\"$1\" || exit 1; i=$((i+1)); done"
        ));
        cmd.arg(env!("CARGO_BIN_EXE_candour"));
        cmd.arg(env.root().join(format!("{who}.err")));
        cmd.spawn().unwrap()
    };
    let (mut a, mut b) = (writer("alpha"), writer("beta"));
    assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
    for who in ["alpha", "beta"] {
        let errors = std::fs::read_to_string(env.root().join(format!("{who}.err"))).unwrap();
        assert!(!errors.contains("locked"), "{who}: {errors}");
        assert!(!errors.contains("error"), "{who}: {errors}");
    }
    assert_eq!(count(&env), 600);
    assert_sound(&env);
}
