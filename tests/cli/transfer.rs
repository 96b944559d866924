//! Exports (summary, manager brief, NMC account, HTML, JSON), redaction, the encrypted
//! hand-off, and imports (our JSON, jrnl).

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::str::FromStr;

use crate::support::{JrnlEntry, TestEnv, write_jrnl_export};

const NOW: &str = "2026-11-25T12:00:00Z";

fn env() -> TestEnv {
    let mut env = TestEnv::new();
    env.set_env("CANDOUR_NOW", NOW);
    env
}

fn pass(env: &TestEnv) -> String {
    env.passphrase_file.to_str().unwrap().to_owned()
}

fn add(env: &TestEnv, at: &str, tag: &str, text: &str) -> String {
    let out = env.ok(&[
        "add",
        "--json",
        "--no-auto-tag",
        "--at",
        at,
        "--tag",
        tag,
        text,
    ]);
    serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"].to_string()
}

/// A journal with a shared contact dilemma full of identifiers, a private gift entry,
/// and a reflection with private feelings.
fn populated() -> TestEnv {
    let env = env();
    let contact = add(
        &env,
        "2026-11-20 14:00",
        "personal-contact",
        "Mrs Okafor's son gave me his number, 07700 900123, and his email sam.okafor@example.com. NHS number 943 476 5919, bed 12.",
    );
    env.read(&[
        "reflect",
        &contact,
        "--section",
        "so-what",
        "--text",
        "Keeping it would serve me, not him.",
    ]);
    env.read(&[
        "reflect",
        &contact,
        "--section",
        "feelings",
        "--text",
        "PRIVATE-FEELING flattered and uneasy.",
    ]);
    env.read(&[
        "record",
        &contact,
        "--initiated-by",
        "family",
        "--what-i-did",
        "Said I could not keep it.",
    ]);
    env.ok(&[
        "action",
        "add",
        &contact,
        "Return the number via the ward manager",
        "--due",
        "2026-11-27",
    ]);
    add(
        &env,
        "2026-11-21 10:00",
        "gifts-hospitality",
        "PRIVATE-ENTRY chocolates for the team.",
    );
    env
}

#[test]
fn the_supervision_summary_is_redacted_and_honours_share_levels() {
    let env = populated();
    env.read(&["names", "add", "Okafor"]);
    let md = env.read(&["export"]);
    assert!(md.starts_with("# Supervision summary"), "{md}");
    for heading in [
        "## Agenda",
        "Situations in brief",
        "Feelings shared",
        "crossing or violation",
        "Standards and policy",
        "| Category | Situations |",
    ] {
        assert!(md.contains(heading), "missing {heading}");
    }
    for secret in [
        "07700 900123",
        "sam.okafor@example.com",
        "943 476 5919",
        "Okafor",
        "bed 12",
    ] {
        assert!(!md.contains(secret), "{secret} leaked into the summary");
    }
    assert!(md.contains("[phone]") && md.contains("[email]") && md.contains("[NHS number]"));
    assert!(
        md.contains("Keeping it would serve me"),
        "shared reflection sections appear"
    );
    assert!(
        !md.contains("PRIVATE-FEELING"),
        "feelings stay private unless shared"
    );
    assert!(
        !md.contains("PRIVATE-ENTRY"),
        "a reflect-route entry is private by default"
    );
    assert!(
        md.contains("Return the number via the ward manager"),
        "open actions appear"
    );
    // Sharing feelings and the entry changes that.
    env.read(&["reflect", "1", "--section", "feelings", "--share"]);
    env.read(&["share", "2", "supervision"]);
    let md = env.read(&["export"]);
    assert!(md.contains("PRIVATE-FEELING"));
    assert!(md.contains("PRIVATE-ENTRY"));
}

#[test]
fn no_redact_is_explicit_and_warns() {
    let env = populated();
    let out = env.run(
        &["export", "--no-redact", "--passphrase-file", &pass(&env)],
        None,
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("07700 900123"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: --no-redact"));
}

#[test]
fn the_manager_version_is_factual_and_short() {
    let env = populated();
    let md = env.read(&["export", "--for", "manager"]);
    assert!(md.starts_with("# Summary for a line-manager conversation"));
    assert!(md.contains("**What happened:**"));
    assert!(md.contains("**Started by:** a relative or carer"));
    assert!(md.contains("**To declare or record:**"));
    assert!(md.contains("**Actions asked for:**"));
    assert!(!md.contains("Agenda"));
    assert!(!md.contains("PRIVATE-FEELING"));
    assert!(!md.contains("07700 900123"));
}

#[test]
fn the_nmc_reflective_account_has_the_form_headings_and_code_themes() {
    let env = populated();
    let md = env.read(&["export", "--template", "nmc-reflective-account", "1"]);
    for heading in [
        "What was the nature of the CPD activity",
        "What did you learn",
        "How did you change or improve your practice",
        "How is this relevant to the Code?",
    ] {
        assert!(md.contains(heading), "missing {heading}");
    }
    for theme in [
        "Prioritise people",
        "Practise effectively",
        "Preserve safety",
        "Promote professionalism and trust",
    ] {
        assert!(md.contains(theme));
    }
    assert!(md.contains("- [x]"), "at least one theme is ticked");
    assert!(md.contains("Keeping it would serve me"));
    assert!(!md.contains("07700 900123") && !md.contains("Okafor's"));
    env.fails(
        &[
            "export",
            "--template",
            "nmc-reflective-account",
            "--passphrase-file",
            &pass(&env),
        ],
        2,
    );
}

#[test]
fn html_is_one_self_contained_page_with_a_chart() {
    let env = populated();
    let out_file = env.root().join("summary.html");
    env.read(&[
        "export",
        "--format",
        "html",
        "--output",
        out_file.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&out_file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg") && html.contains("Situations per category"));
    assert!(html.contains("@page") && html.contains("A4"));
    assert!(html.contains("Content-Security-Policy"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert!(!html.contains("07700 900123"));
    let mode = std::fs::metadata(&out_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn user_text_cannot_inject_html_or_markdown() {
    let env = env();
    let id = add(
        &env,
        "2026-11-20",
        "personal-contact",
        "<script>alert(1)</script> [click](http://evil.example) # heading",
    );
    env.read(&["share", &id, "supervision"]);
    let out_file = env.root().join("s.html");
    env.read(&[
        "export",
        "--format",
        "html",
        "--output",
        out_file.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&out_file).unwrap();
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;"));
    assert!(!html.contains("href=\"http://evil.example\""));
}

#[test]
fn the_full_json_export_round_trips_into_another_journal() {
    let env = populated();
    env.read(&["mark", "1", "to-discuss", "--note", "bring to supervision"]);
    env.read(&[
        "session",
        "add",
        "--with",
        "supervisor",
        "--on",
        "2026-11-23",
        "--note",
        "Agreed next steps.",
        "1",
    ]);
    let first = env.root().join("first.json");
    env.read(&[
        "export",
        "--format",
        "json",
        "--all",
        "--no-redact",
        "--output",
        first.to_str().unwrap(),
    ]);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&first).unwrap()).unwrap();
    assert_eq!(doc["format"], "candour-export");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["complete"], true);
    assert_eq!(doc["entries"].as_array().unwrap().len(), 2);
    assert_eq!(doc["actions"].as_array().unwrap().len(), 1);
    assert_eq!(doc["sessions"].as_array().unwrap().len(), 1);
    // Every field the schema requires is present.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/export.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for field in schema["required"].as_array().unwrap() {
        assert!(!doc[field.as_str().unwrap()].is_null(), "missing {field}");
    }
    for (list, def) in [
        ("entries", "entry"),
        ("actions", "action"),
        ("sessions", "session"),
    ] {
        for field in schema["$defs"][def]["required"].as_array().unwrap() {
            assert!(
                !doc[list][0][field.as_str().unwrap()].is_null(),
                "{list}: missing {field}"
            );
        }
    }

    let other = TestEnv::new();
    let out = other.ok(&["import", first.to_str().unwrap()]);
    assert!(out.contains("Imported 2 entries"), "{out}");
    let again = other.ok(&["import", first.to_str().unwrap()]);
    assert!(
        again.contains("Imported 0 entries (2 already present)"),
        "{again}"
    );
    let second = other.root().join("second.json");
    other.read(&[
        "export",
        "--format",
        "json",
        "--all",
        "--no-redact",
        "--output",
        second.to_str().unwrap(),
    ]);
    let doc2: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&second).unwrap()).unwrap();
    // Lossless: everything but the export time and the journal-local ids is identical.
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("exported_at");
        v.as_object_mut().unwrap().remove("to");
        for list in ["entries", "actions", "sessions"] {
            for item in v[list].as_array_mut().unwrap() {
                item.as_object_mut().unwrap().remove("id");
            }
        }
        v
    };
    assert_eq!(strip(doc), strip(doc2));
    other.assert_integrity();
}

#[test]
fn a_redacted_json_export_is_marked_and_has_no_identifiers() {
    let env = populated();
    // An automatically tagged entry, so evidence spans are exported too.
    env.add("Patient A gave me his personal number 07700 900123 and said to text him.");
    let json = env.read(&["export", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["redacted"], true);
    assert_eq!(doc["complete"], false);
    assert!(!json.contains("07700 900123"));
    assert!(
        !json.contains("PRIVATE-FEELING"),
        "private sections are not exported for an audience"
    );
    for entry in doc["entries"].as_array().unwrap() {
        let text = entry["text"].as_str().unwrap();
        for tag in entry["tags"].as_array().unwrap() {
            for e in tag["evidence"].as_array().into_iter().flatten() {
                let (s, t) = (
                    usize::try_from(e["start"].as_u64().unwrap()).unwrap(),
                    usize::try_from(e["end"].as_u64().unwrap()).unwrap(),
                );
                assert_eq!(&text[s..t], e["text"].as_str().unwrap());
            }
        }
    }
}

#[test]
fn the_encrypted_hand_off_opens_with_the_supervisors_key() {
    let env = populated();
    let supervisor = age::x25519::Identity::generate();
    let recipient = supervisor.to_public().to_string();
    let out_file = env.root().join("summary.md.age");
    env.read(&[
        "export",
        "--encrypt-to",
        &recipient,
        "--output",
        out_file.to_str().unwrap(),
    ]);
    let blob = std::fs::read(&out_file).unwrap();
    assert!(blob.starts_with(b"age-encryption.org/v1"));
    let mut text = String::new();
    age::Decryptor::new(&blob[..])
        .unwrap()
        .decrypt(std::iter::once(&supervisor as &dyn age::Identity))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.starts_with("# Supervision summary"));
    assert!(!text.contains("07700 900123"));
    // A recipients file with comments, and armored output.
    let other = age::x25519::Identity::generate();
    let file = env.root().join("recipients.txt");
    std::fs::write(
        &file,
        format!("# my supervisor\n{recipient}\n\n{}\n", other.to_public()),
    )
    .unwrap();
    let armored = env.read(&[
        "export",
        "--encrypt-to-file",
        file.to_str().unwrap(),
        "--armor",
    ]);
    assert!(armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    let reader = age::armor::ArmoredReader::new(armored.as_bytes());
    let mut text = String::new();
    age::Decryptor::new(reader)
        .unwrap()
        .decrypt(std::iter::once(&other as &dyn age::Identity))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains("Supervision summary"));
    let _ = age::x25519::Recipient::from_str(&recipient).unwrap();
}

#[test]
fn export_rejects_bad_requests_and_leaves_no_partial_file() {
    let env = populated();
    let p = pass(&env);
    let out_file = env.root().join("out.md");
    env.fails(
        &[
            "export",
            "--encrypt-to",
            "age1notakey",
            "--output",
            out_file.to_str().unwrap(),
            "--passphrase-file",
            &p,
        ],
        2,
    );
    env.fails(
        &[
            "export",
            "--encrypt-to-file",
            "/no/such/file",
            "--passphrase-file",
            &p,
        ],
        2,
    );
    env.fails(
        &[
            "export",
            "--output",
            "/no/such/dir/out.md",
            "--passphrase-file",
            &p,
        ],
        2,
    );
    env.fails(&["export", "--format", "pdf", "--passphrase-file", &p], 2);
    env.fails(&["export", "--for", "everyone", "--passphrase-file", &p], 2);
    env.fails(
        &[
            "export",
            "--all",
            "--since",
            "last-supervision",
            "--passphrase-file",
            &p,
        ],
        2,
    );
    env.fails(&["export", "99", "--passphrase-file", &p], 4);
    assert!(!out_file.exists());
    let leftovers: Vec<_> = std::fs::read_dir(env.root())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_jrnl_fixture_imports_with_titles_dates_stars_and_tags() {
    let env = env();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jrnl/jrnl-4.6-export.json");
    let out = env.ok(&["import", "--format", "jrnl-json", fixture.to_str().unwrap()]);
    assert!(out.contains("Imported 5 entries"), "{out}");
    let again = env.ok(&["import", "--format", "jrnl-json", fixture.to_str().unwrap()]);
    assert!(
        again.contains("Imported 0 entries (5 already present)"),
        "{again}"
    );
    let v = env.read_json(&["list"]);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 5);
    let quiet = entries
        .iter()
        .find(|e| e["title"] == "Quiet shift.")
        .unwrap();
    let full = env.read_json(&["show", &quiet["id"].to_string()]);
    assert_eq!(
        full["text"],
        "Quiet shift. Nothing to report, just tired after a run of nights. @wellbeing"
    );
    assert!(
        full["occurred_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-02T17:45:00")
    );
    assert_eq!(
        env.read_json(&["export", "--format", "json", "--all", "--no-redact"])["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["starred"] == true)
            .count(),
        1
    );
    assert!(
        full["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["category"] == "wellbeing" && t["source"] == "manual")
    );
    // The contact entry is tagged automatically.
    let contact = entries
        .iter()
        .find(|e| {
            e["title"]
                .as_str()
                .unwrap()
                .starts_with("A long-stay patient")
        })
        .unwrap();
    assert!(
        contact["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "personal-contact"),
        "{contact}"
    );
    env.assert_integrity();
}

#[test]
fn broken_import_files_change_nothing() {
    let env = populated();
    let before = env.fingerprint();
    let cases: [(&str, &[u8]); 6] = [
        ("garbage", b"this is not json at all"),
        ("truncated", b"{\"format\":\"candour-export\",\"version\":1,\"entries\":[{\"id\":1"),
        ("wrong-shape", b"{\"format\":\"candour-export\",\"version\":1,\"exported_at\":\"2026-01-01T00:00:00Z\",\"entries\":[{\"text\":5}]}"),
        ("newer", b"{\"format\":\"candour-export\",\"version\":99,\"exported_at\":\"2026-01-01T00:00:00Z\",\"entries\":[]}"),
        ("other-format", b"{\"format\":\"something-else\",\"version\":1,\"exported_at\":\"2026-01-01T00:00:00Z\"}"),
        ("binary", &[0xff, 0xfe, 0x00, 0x01]),
    ];
    for (name, bytes) in cases {
        let file = env.root().join(format!("{name}.json"));
        std::fs::write(&file, bytes).unwrap();
        let err = env.fails(&["import", file.to_str().unwrap()], 2);
        assert!(
            err.contains("nothing was imported") || err.contains("UTF-8"),
            "{name}: {err}"
        );
        env.fails(
            &["import", "--format", "jrnl-json", file.to_str().unwrap()],
            2,
        );
    }
    env.fails(&["import", "/no/such/file.json"], 2);
    env.fails(&["import", "--format", "csv", "x.json"], 2);
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn import_errors_never_quote_the_file() {
    let env = env();
    let file = env.root().join("leaky.json");
    std::fs::write(&file, "{\"format\":\"candour-export\",\"version\":1,\"exported_at\":\"2026-01-01T00:00:00Z\",\"entries\":[{\"id\":\"CANARY-IMPORT-SECRET\"}]}").unwrap();
    let err = env.fails(&["import", file.to_str().unwrap()], 2);
    assert!(!err.contains("CANARY-IMPORT-SECRET"), "{err}");
}

#[test]
fn exports_and_imports_leave_no_plaintext_in_the_journal() {
    let env = populated();
    env.add("CANARY-TRANSFER-9 patient gave me his number.");
    let file = env.root().join("all.json");
    env.read(&[
        "export",
        "--format",
        "json",
        "--all",
        "--no-redact",
        "--output",
        file.to_str().unwrap(),
    ]);
    env.read(&["export", "--format", "html", "--all"]);
    let other = TestEnv::new();
    other.ok(&["import", file.to_str().unwrap()]);
    env.assert_no_plaintext("CANARY-TRANSFER-9");
    other.assert_no_plaintext("CANARY-TRANSFER-9");
    other.assert_integrity();
}

#[test]
fn a_long_summary_written_in_passes_matches_the_same_entries_chosen_by_id() {
    // 600 entries: the second pass renders them a few hundred at a time, so numbering,
    // page structure and the opening sections must come out exactly as when the whole
    // document is built at once (which is how entries chosen by id are exported).
    let env = env();
    let file = env.root().join("many.json");
    write_jrnl_export(
        &file,
        (0..600).map(|i| {
            let text = [
                "The daughter gave me a voucher after the visit and I said I would ask my manager.",
                "A patient asked for my personal number because he is moving to another ward.",
                "A former client sent me a friend request on Facebook.",
                "I told a worried mum about my own son's diagnosis.",
            ][i % 4];
            JrnlEntry {
                title: format!("Situation {i}."),
                body: format!("{text} Mrs Jones was there; call 07700 900{:03}.", i % 1000),
                date: format!("2026-{:02}-{:02}", i % 10 + 1, i % 28 + 1),
                time: "09:30",
            }
        }),
    );
    env.ok(&["import", "--format", "jrnl-json", file.to_str().unwrap()]);
    let ids: Vec<String> = (1..=600).map(|i| i.to_string()).collect();
    for audience in ["supervision", "manager"] {
        for format in ["md", "html"] {
            let whole = env.read(&["export", "--all", "--for", audience, "--format", format]);
            let mut by_id = vec!["export", "--for", audience, "--format", format];
            by_id.extend(ids.iter().map(String::as_str));
            let chosen = env.read(&by_id);
            assert!(
                whole.contains("600."),
                "{audience} {format}: the last entry is numbered"
            );
            assert!(
                !whole.contains("07700"),
                "{audience} {format}: phone numbers redacted"
            );
            assert!(
                whole == chosen,
                "{audience} {format}: the two documents differ"
            );
        }
    }
}
