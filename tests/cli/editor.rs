//! The editor flow: a fake `$EDITOR` script stands in for the user.
//!
//! The script records the path it was given and a copy of what it found there, then
//! writes new text. Afterwards the temp file must be gone, it must have lived in the
//! private runtime dir, and no file in the temp area may hold the text.

use std::os::unix::fs::PermissionsExt;

use crate::support::TestEnv;

const CANARY: &str = "CANARY-EDITOR-7f3a";

/// An editor that records its argument, its file's mode, and what it was shown.
fn fake_editor(env: &TestEnv, new_text: &str) -> std::path::PathBuf {
    let record = env.root().join("editor-record");
    let shown = env.root().join("editor-shown");
    env.script(
        "fake-editor",
        &format!(
            "echo \"$1\" > '{record}'\nstat -c %a \"$1\" >> '{record}'\ncat \"$1\" > '{shown}'\nprintf '%s' '{new_text}' > \"$1\"",
            record = record.display(),
            shown = shown.display(),
        ),
    )
}

fn recorded(env: &TestEnv) -> (std::path::PathBuf, String) {
    let text = std::fs::read_to_string(env.root().join("editor-record")).unwrap();
    let mut lines = text.lines();
    (
        lines.next().unwrap().into(),
        lines.next().unwrap().to_owned(),
    )
}

#[test]
fn add_through_the_editor_leaves_no_temp_file() {
    let mut env = TestEnv::new();
    let editor = fake_editor(&env, &format!("Written in the editor: {CANARY}."));
    env.set_env("EDITOR", editor.to_str().unwrap());
    env.ok(&["add", "--editor"]);
    let (path, mode) = recorded(&env);
    assert!(
        path.starts_with(&env.runtime),
        "temp file outside the private dir: {}",
        path.display()
    );
    assert_eq!(mode, "600");
    assert!(!path.exists(), "the editor's temp file was left behind");
    let dir_mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
    let v = env.read_json(&["show", "1"]);
    assert_eq!(v["text"], format!("Written in the editor: {CANARY}."));
    env.assert_no_plaintext(CANARY);
    env.assert_integrity();
}

#[test]
fn visual_wins_over_editor() {
    let mut env = TestEnv::new();
    let editor = fake_editor(&env, "From VISUAL.");
    env.set_env("EDITOR", "/nonexistent/editor");
    env.set_env("VISUAL", editor.to_str().unwrap());
    env.ok(&["add", "-e"]);
    assert_eq!(env.read_json(&["show", "1"])["text"], "From VISUAL.");
}

#[test]
fn edit_shows_the_current_text_and_scrubs_the_file() {
    let mut env = TestEnv::new();
    env.add(&format!("Original text with {CANARY} inside."));
    let editor = fake_editor(&env, "Rewritten without the marker.");
    env.set_env("EDITOR", editor.to_str().unwrap());
    env.read(&["edit", "1", "--editor"]);
    let shown = std::fs::read_to_string(env.root().join("editor-shown")).unwrap();
    assert_eq!(shown, format!("Original text with {CANARY} inside."));
    std::fs::remove_file(env.root().join("editor-shown")).unwrap();
    let (path, _) = recorded(&env);
    assert!(!path.exists());
    let v = env.read_json(&["show", "1"]);
    assert_eq!(v["text"], "Rewritten without the marker.");
    assert_eq!(v["edited_at"].as_array().unwrap().len(), 1);
    env.assert_no_plaintext(CANARY);
}

#[test]
fn a_failing_editor_saves_nothing_and_still_scrubs() {
    let mut env = TestEnv::new();
    let record = env.root().join("editor-record");
    let editor = env.script(
        "failing-editor",
        &format!(
            "echo \"$1\" > '{}'\nprintf '{CANARY}' > \"$1\"\nexit 3",
            record.display()
        ),
    );
    env.set_env("EDITOR", editor.to_str().unwrap());
    let before = env.fingerprint();
    let err = env.fails(&["add", "--editor"], 1);
    assert!(err.contains("exited"), "{err}");
    let path = std::fs::read_to_string(&record).unwrap();
    assert!(!std::path::Path::new(path.trim()).exists());
    assert_eq!(env.fingerprint(), before);
    env.assert_no_plaintext(CANARY);
}

#[test]
fn an_editor_that_saves_nothing_adds_nothing() {
    let mut env = TestEnv::new();
    let editor = env.script("empty-editor", "true");
    env.set_env("EDITOR", editor.to_str().unwrap());
    let before = env.fingerprint();
    env.fails(&["add", "--editor"], 2);
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn a_missing_editor_is_a_clear_error() {
    let mut env = TestEnv::new();
    env.set_env("EDITOR", "/nonexistent/editor --wait");
    let err = env.fails(&["add", "--editor"], 1);
    assert!(err.contains("cannot start the editor"), "{err}");
}
