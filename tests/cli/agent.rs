//! The unlock agent: `unlock`, `lock`, expiry, and what it exposes.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use crate::support::TestEnv;

const CANARY: &str = "CANARY-AGENT-77c1";

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn socket(env: &TestEnv) -> Option<std::path::PathBuf> {
    let dir = env.runtime.join("candour");
    std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(".sock"))
        })
}

struct Locked<'a>(&'a TestEnv);

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let _ = self.0.run(&["lock"], None);
    }
}

#[test]
fn unlock_lets_reads_skip_the_passphrase_until_lock() {
    let env = TestEnv::new();
    env.add(&format!("Agent test {CANARY}."));
    env.fails(&["list"], 3);
    let out = env.run(
        &[
            "unlock",
            "--for",
            "2m",
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
        ],
        None,
    );
    let _guard = Locked(&env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !printed.contains("AGE-SECRET-KEY"),
        "key material printed: {printed}"
    );

    let path = socket(&env).expect("the agent's socket");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);

    let listed = env.ok(&["list", "--json"]);
    assert!(listed.contains(CANARY));
    let verbose = env.run(&["list", "-v"], None);
    let verbose = String::from_utf8_lossy(&verbose.stderr);
    assert!(verbose.contains("agent"), "{verbose}");
    assert!(!verbose.contains("AGE-SECRET-KEY"));

    let out = env.ok(&["lock"]);
    assert!(out.contains("Locked"), "{out}");
    env.fails(&["list"], 3);
    assert!(socket(&env).is_none(), "the socket outlived lock");
    env.assert_no_plaintext(CANARY);
}

#[test]
fn the_agent_ends_itself_when_its_time_is_up() {
    let env = TestEnv::new();
    env.add("Short-lived unlock.");
    env.ok(&[
        "unlock",
        "--for",
        "2s",
        "--passphrase-file",
        env.passphrase_file.to_str().unwrap(),
    ]);
    let _guard = Locked(&env);
    env.ok(&["list"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while socket(&env).is_some() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(socket(&env).is_none(), "the agent did not expire");
    env.fails(&["list"], 3);
}

#[test]
fn a_stale_agent_after_rekey_is_not_used() {
    let env = TestEnv::new();
    env.add("Rekey while unlocked.");
    env.ok(&[
        "unlock",
        "--passphrase-file",
        env.passphrase_file.to_str().unwrap(),
    ]);
    let _guard = Locked(&env);
    env.read(&["rekey", "--json"]);
    // rekey stops the agent; reading now needs the passphrase again.
    env.fails(&["list"], 3);
}

#[test]
fn unlock_refuses_bad_durations_and_wrong_passphrases() {
    let env = TestEnv::new();
    for bad in ["0s", "forever", "13h"] {
        env.fails(
            &[
                "unlock",
                "--for",
                bad,
                "--passphrase-file",
                env.passphrase_file.to_str().unwrap(),
            ],
            2,
        );
    }
    let wrong = env.root().join("wrong");
    std::fs::write(&wrong, "not the passphrase\n").unwrap();
    env.fails(&["unlock", "--passphrase-file", wrong.to_str().unwrap()], 3);
    assert!(socket(&env).is_none());
    let out = env.ok(&["lock"]);
    assert!(out.contains("Nothing to lock"), "{out}");
}
