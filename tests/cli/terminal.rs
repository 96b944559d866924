//! Prompts that only appear on a terminal: the passphrase prompt, the offer to create a
//! journal on first `add`, delete's confirmation.

use crate::support::pty::{self, Pty};
use crate::support::{PASSPHRASE, TestEnv};

#[test]
fn the_passphrase_is_asked_on_the_terminal_without_echo() {
    if !pty::available() {
        eprintln!("skipped: `script` is not installed");
        return;
    }
    let env = TestEnv::new();
    env.add("Only readable after the prompt.");
    let mut term = Pty::spawn(&env, &["list"]);
    term.expect("Passphrase for the journal");
    term.send(&format!("{PASSPHRASE}\n"));
    term.expect("Only readable after the prompt.");
    let (code, output) = term.finish();
    assert_eq!(code, Some(0), "{output}");
    assert!(
        !output.contains(PASSPHRASE),
        "the passphrase was echoed:\n{output}"
    );
}

#[test]
fn a_wrong_passphrase_on_the_terminal_can_be_retried_then_fails_with_3() {
    if !pty::available() {
        return;
    }
    let env = TestEnv::new();
    let mut term = Pty::spawn(&env, &["list"]);
    for _ in 0..3 {
        term.expect("Passphrase for the journal");
        term.send("not the right one\n");
    }
    let (code, output) = term.finish();
    assert_eq!(code, Some(3), "{output}");
    assert!(output.contains("try again"));
}

#[test]
fn the_first_add_on_a_terminal_offers_to_create_the_journal() {
    if !pty::available() {
        return;
    }
    let env = TestEnv::empty();
    let mut term = Pty::spawn(&env, &["add", "First entry, through the offer."]);
    term.expect("Create one now?");
    term.send("y");
    term.expect("Choose a passphrase");
    term.send("a new long passphrase\n");
    term.expect("again");
    term.send("a new long passphrase\n");
    term.expect("Added entry 1");
    let (code, output) = term.finish();
    assert_eq!(code, Some(0), "{output}");
    let key = output
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("AGE-SECRET-KEY-1")
                .map(|k| format!("AGE-SECRET-KEY-1{k}"))
        })
        .expect("recovery key shown");
    let key_file = env.root().join("key.txt");
    std::fs::write(&key_file, key).unwrap();
    let listed = env.ok(&["list", "--identity", key_file.to_str().unwrap()]);
    assert!(listed.contains("First entry, through the offer."));
}

#[test]
fn declining_the_offer_adds_nothing() {
    if !pty::available() {
        return;
    }
    let env = TestEnv::empty();
    let mut term = Pty::spawn(&env, &["add", "Not now."]);
    term.expect("Create one now?");
    term.send("n");
    let (code, _) = term.finish();
    assert_eq!(code, Some(1));
    assert!(!env.db().exists());
}

#[test]
fn delete_asks_and_a_no_keeps_the_entry() {
    if !pty::available() {
        return;
    }
    let env = TestEnv::new();
    env.add("Keep me.");
    let mut term = Pty::spawn(&env, &["delete", "1"]);
    term.expect("Delete entry 1 for good?");
    term.send("n");
    let (code, _) = term.finish();
    assert_eq!(code, Some(1));
    assert!(env.read(&["list"]).contains("Keep me."));
    let mut term = Pty::spawn(&env, &["delete", "1"]);
    term.expect("Delete entry 1 for good?");
    term.send("y");
    let (code, _) = term.finish();
    assert_eq!(code, Some(0));
    assert!(!env.read(&["list"]).contains("Keep me."));
}
