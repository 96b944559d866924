//! `list` and `show`: reading back, filters, JSON, damaged entries.

use crate::support::TestEnv;

fn journal_with_three() -> TestEnv {
    let mut env = TestEnv::new();
    env.set_env("CANDOUR_NOW", "2026-11-25T12:00:00Z");
    env.ok(&[
        "add",
        "--at",
        "2026-11-20 09:00",
        "Oldest: a card from a family.",
    ]);
    env.ok(&[
        "add",
        "--at",
        "2026-11-22 09:00",
        "Middle: patient asked for my MOBILE number.",
    ]);
    env.ok(&[
        "add",
        "--at",
        "2026-11-24 09:00",
        "Newest: colleague posted about a patient.",
    ]);
    env
}

fn titles(v: &serde_json::Value) -> Vec<String> {
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn list_is_newest_first_and_limited() {
    let env = journal_with_three();
    let v = env.read_json(&["list"]);
    assert_eq!(
        titles(&v),
        [
            "Newest: colleague posted about a patient.",
            "Middle: patient asked for my MOBILE number.",
            "Oldest: a card from a family."
        ]
    );
    let v = env.read_json(&["list", "-n", "2"]);
    assert_eq!(titles(&v).len(), 2);
    assert!(titles(&v)[0].starts_with("Newest"));
}

#[test]
fn list_json_has_the_contract_fields() {
    let env = journal_with_three();
    let v = env.read_json(&["list", "-n", "1"]);
    let e = &v["entries"][0];
    for field in [
        "id",
        "uuid",
        "occurred_at",
        "title",
        "categories",
        "route",
        "status",
    ] {
        assert!(!e[field].is_null(), "missing {field} in {e}");
    }
    assert_eq!(e["occurred_at"], "2026-11-24T09:00:00+00:00");
    assert!(chrono::DateTime::parse_from_rfc3339(e["occurred_at"].as_str().unwrap()).is_ok());
}

#[test]
fn list_filters_by_dates_inclusive_of_whole_days() {
    let env = journal_with_three();
    let v = env.read_json(&["list", "--from", "2026-11-21", "--to", "2026-11-22"]);
    assert_eq!(titles(&v), ["Middle: patient asked for my MOBILE number."]);
    let v = env.read_json(&["list", "--to", "2026-11-20"]);
    assert_eq!(titles(&v), ["Oldest: a card from a family."]);
}

#[test]
fn list_contains_ignores_case_over_title_and_body() {
    let env = journal_with_three();
    let v = env.read_json(&["list", "--contains", "mobile"]);
    assert_eq!(titles(&v), ["Middle: patient asked for my MOBILE number."]);
    env.ok(&["add", "Title only. The body mentions a Voucher."]);
    let v = env.read_json(&["list", "--contains", "VOUCHER"]);
    assert_eq!(titles(&v), ["Title only."]);
    let v = env.read_json(&["list", "--contains", "nothing like this"]);
    assert!(titles(&v).is_empty());
}

#[test]
fn list_human_output_is_a_table() {
    let env = journal_with_three();
    let out = env.read(&["list"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].contains("ID") && lines[0].contains("TITLE"));
    assert!(lines[1].contains("2026-11-24 09:00"));
}

#[test]
fn an_empty_journal_lists_nothing_politely() {
    let env = TestEnv::new();
    let out = env.run(
        &[
            "list",
            "--passphrase-file",
            env.passphrase_file.to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "No entries.");
    assert_eq!(
        env.read_json(&["list"])["entries"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn show_prints_the_whole_entry() {
    let env = journal_with_three();
    let out = env.read(&["show", "2"]);
    assert!(out.contains("Entry 2"));
    assert!(out.contains("Middle: patient asked for my MOBILE number."));
    let v = env.read_json(&["show", "2"]);
    assert_eq!(v["id"], 2);
    assert_eq!(v["text"], "Middle: patient asked for my MOBILE number.");
    assert_eq!(v["history"][0]["status"], "new");
}

#[test]
fn terminal_escapes_in_entries_are_neutralised_on_output() {
    let env = TestEnv::new();
    env.add("Looks harmless\u{1b}[2J\u{202e}reversed");
    let out = env.read(&["show", "1"]);
    assert!(!out.contains('\u{1b}'));
    assert!(!out.contains('\u{202e}'));
    // JSON keeps the exact text (escaped by JSON itself).
    assert_eq!(
        env.read_json(&["show", "1"])["text"],
        "Looks harmless\u{1b}[2J\u{202e}reversed"
    );
}

#[test]
fn list_piped_into_a_closed_reader_exits_quietly() {
    let env = TestEnv::new();
    // More output than a pipe buffer holds, so the writer really meets a closed pipe.
    let long_title = "word ".repeat(100);
    for i in 0..200 {
        env.add(&format!("Entry {i} {long_title}."));
    }
    let shell = format!(
        "'{}' list --json --passphrase-file '{}' | head -c 10 >/dev/null; exit ${{PIPESTATUS[0]}}",
        env!("CARGO_BIN_EXE_candour"),
        env.passphrase_file.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &shell])
        .env("CANDOUR_HOME", &env.journal)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
