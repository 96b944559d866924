//! Tagging through the CLI: `classify`, auto-tags on `add`, `tag`, `categories`,
//! `list --category`, and custom taxonomies.

use crate::support::TestEnv;

/// The motivating case from DOMAIN.md, in a practitioner's words.
const SEED: &str = "A long-stay patient gave me his personal number as I'm transferring to another \
hospital next week. He said he sees me as a friend and wants to keep in touch.";

fn classify(env: &TestEnv, text: &str) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["classify", "--json", text])).unwrap()
}

/// A JSON array of strings, as strings.
fn strings(v: &serde_json::Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_seed_case_is_contact_friendship_and_ending_for_the_line_manager() {
    let env = TestEnv::empty();
    let v = classify(&env, SEED);
    let mut found = ids(&v);
    found.sort();
    assert_eq!(
        found,
        [
            "after-care-contact",
            "dual-relationship",
            "personal-contact"
        ]
    );
    assert_eq!(v["route"], "line-manager");
    assert_eq!(v["escalate"], true);
    assert!(!v["escalate_reasons"].as_array().unwrap().is_empty());
}

#[test]
fn classify_json_has_exactly_the_contract_shape() {
    let env = TestEnv::empty();
    let v = classify(&env, SEED);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["categories", "route", "escalate", "escalate_reasons"]
    );
    let mut last = f64::INFINITY;
    for c in v["categories"].as_array().unwrap() {
        let keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "name", "confidence", "evidence"]);
        let confidence = c["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&confidence));
        assert!(confidence <= last, "sorted by confidence, highest first");
        last = confidence;
        for e in c["evidence"].as_array().unwrap() {
            assert!(
                SEED.contains(e.as_str().unwrap()),
                "evidence is a substring of the input"
            );
        }
    }
}

#[test]
fn escalate_is_true_exactly_for_line_manager_and_escalate() {
    let env = TestEnv::empty();
    for text in [
        SEED,
        "The team got a box of chocolates from a family.",
        "Busy shift, the rota is a mess and the hoist is broken.",
        "I saw a resident's son hit her and take money from her purse.",
    ] {
        let v = classify(&env, text);
        let route = v["route"].as_str().unwrap();
        let expected = route == "line-manager" || route == "escalate";
        assert_eq!(v["escalate"], expected, "{text}: {v}");
        if !expected {
            assert!(v["escalate_reasons"].as_array().unwrap().is_empty());
        }
    }
}

#[test]
fn classify_reads_stdin_and_needs_no_journal() {
    let env = TestEnv::empty();
    let out = env.ok_stdin(&["classify", "--json"], Some(SEED.as_bytes()));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(ids(&v).contains(&"personal-contact".to_owned()));
    assert!(!env.journal.exists(), "classify stores nothing");
}

#[test]
fn classify_human_output_shows_evidence_route_and_why() {
    let env = TestEnv::empty();
    let out = env.ok(&["classify", SEED]);
    assert!(out.contains("personal-contact"));
    assert!(
        out.contains("\u{201c}gave me his personal number\u{201d}"),
        "{out}"
    );
    assert!(out.contains("Route: line-manager"));
}

#[test]
fn the_learned_lexicon_finds_what_no_cue_names_and_a_taxonomy_can_turn_it_off() {
    let env = TestEnv::empty();
    // No cue phrase for gifts is here; the lexicon learned the words from examples.
    let text = "His wife keeps leaving boxes of biscuits and a card at the nurses' station \
                for me personally.";
    let v = classify(&env, text);
    let gifts = v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "gifts-hospitality")
        .unwrap_or_else(|| panic!("gifts-hospitality expected: {v}"));
    let evidence = strings(&gifts["evidence"]);
    assert!(evidence.contains(&"biscuits"), "{evidence:?}");
    assert!(evidence.iter().all(|e| text.contains(e)));

    // The built-in taxonomy with `learned = false`: the cues alone find nothing.
    let builtin = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/boundaries.toml"),
    )
    .unwrap();
    let cues_only = env.passphrase_file.with_file_name("cues-only.toml");
    std::fs::write(
        &cues_only,
        builtin.replacen("learned = true", "learned = false", 1),
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&env.ok(&[
        "--taxonomy",
        cues_only.to_str().unwrap(),
        "classify",
        "--json",
        text,
    ]))
    .unwrap();
    assert!(ids(&v).is_empty(), "{v}");
}

#[test]
fn classify_refuses_empty_input() {
    let env = TestEnv::empty();
    env.fails_stdin(&["classify"], Some(b"  \n"), 2);
    env.fails(&["classify", ""], 2);
}

#[test]
fn a_text_with_only_trap_words_gets_no_category() {
    let env = TestEnv::empty();
    let v = classify(
        &env,
        "A number of patients missed the Friends and Family Test. I checked the NHS number and date \
         of birth, used the sit-to-stand lift, changed a dressing for wound discharge and finished my \
         safeguarding training.",
    );
    assert!(ids(&v).is_empty(), "{v}");
    assert_eq!(v["route"], "reflect");
}

#[test]
fn add_tags_automatically_and_says_so() {
    let env = TestEnv::new();
    let out = env.ok(&["add", SEED]);
    assert!(out.contains("personal-contact"), "{out}");
    assert!(out.contains("route: line-manager"), "{out}");
    let v = env.read_json(&["show", "1"]);
    let tags = v["tags"].as_array().unwrap();
    assert!(tags.iter().all(|t| t["source"] == "auto"));
    let contact = tags
        .iter()
        .find(|t| t["category"] == "personal-contact")
        .unwrap();
    let e = &contact["evidence"][0];
    let (start, end) = (
        usize::try_from(e["start"].as_u64().unwrap()).unwrap(),
        usize::try_from(e["end"].as_u64().unwrap()).unwrap(),
    );
    assert_eq!(&SEED[start..end], e["text"].as_str().unwrap());
    assert_eq!(v["route"], "line-manager");
    assert!(!v["route_reasons"].as_array().unwrap().is_empty());
}

#[test]
fn add_with_manual_tags_and_without_auto_tagging() {
    let env = TestEnv::new();
    env.ok(&[
        "add",
        "--no-auto-tag",
        "--tag",
        "conflict-of-interest",
        SEED,
    ]);
    let v = env.read_json(&["show", "1"]);
    assert_eq!(v["categories"], serde_json::json!(["conflict-of-interest"]));
    assert_eq!(v["tags"][0]["source"], "manual");
    // Editing the text does not bring automatic tags back either.
    env.read(&["edit", "1", "--text", "A patient gave me his number."]);
    assert_eq!(
        env.read_json(&["show", "1"])["categories"],
        serde_json::json!(["conflict-of-interest"])
    );
}

#[test]
fn add_refuses_an_unknown_category() {
    let env = TestEnv::new();
    let before = env.fingerprint();
    let err = env.fails(&["add", "--tag", "made-up", "text"], 2);
    assert!(
        err.contains("personal-contact"),
        "the error lists the valid ids: {err}"
    );
    env.fails(&["add", "--tag", "Not An Id", "text"], 2);
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn tag_adds_and_removes_and_a_removed_auto_tag_stays_removed() {
    let env = TestEnv::new();
    env.add(SEED);
    env.read(&[
        "tag",
        "1",
        "--remove",
        "after-care-contact",
        "--add",
        "over-involvement",
    ]);
    let v = env.read_json(&["show", "1"]);
    let cats = strings(&v["categories"]);
    assert!(!cats.contains(&"after-care-contact"));
    assert!(cats.contains(&"over-involvement"));
    // Re-tagging after an edit keeps the removal and the manual tag.
    env.read(&[
        "edit",
        "1",
        "--text",
        &format!("{SEED} I am moving to another hospital on Friday."),
    ]);
    let v = env.read_json(&["show", "1"]);
    let cats = strings(&v["categories"]);
    assert!(!cats.contains(&"after-care-contact"), "{cats:?}");
    assert!(cats.contains(&"over-involvement"));
    assert!(cats.contains(&"personal-contact"));
    // Adding it back by hand is allowed.
    env.read(&["tag", "1", "--add", "after-care-contact"]);
    assert!(
        env.read_json(&["show", "1"])["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "after-care-contact")
    );
}

#[test]
fn tag_recomputes_the_route() {
    let env = TestEnv::new();
    env.add("A relative offered me a box of chocolates for the team.");
    assert_ne!(env.read_json(&["show", "1"])["route"], "escalate");
    env.read(&["tag", "1", "--add", "safeguarding"]);
    assert_eq!(env.read_json(&["show", "1"])["route"], "escalate");
}

#[test]
fn tag_rejects_bad_requests_and_changes_nothing() {
    let env = TestEnv::new();
    env.add(SEED);
    let before = env.fingerprint();
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    env.fails(&["tag", "1", "--passphrase-file", &pass], 2);
    env.fails(
        &[
            "tag",
            "1",
            "--add",
            "nonsense-category",
            "--passphrase-file",
            &pass,
        ],
        2,
    );
    env.fails(
        &[
            "tag",
            "1",
            "--add",
            "safeguarding",
            "--remove",
            "safeguarding",
            "--passphrase-file",
            &pass,
        ],
        2,
    );
    env.fails(
        &[
            "tag",
            "99",
            "--add",
            "safeguarding",
            "--passphrase-file",
            &pass,
        ],
        4,
    );
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn list_filters_by_category() {
    let env = TestEnv::new();
    env.add(SEED);
    env.add("The rota for December is out and I have three night shifts.");
    let v = env.read_json(&["list", "--category", "personal-contact"]);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["id"], 1);
    let pass = env.passphrase_file.to_str().unwrap().to_owned();
    env.fails(
        &[
            "list",
            "--category",
            "no-such-thing",
            "--passphrase-file",
            &pass,
        ],
        2,
    );
}

#[test]
fn categories_lists_the_fifteen_canonical_ids() {
    let env = TestEnv::empty();
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["categories", "--json"])).unwrap();
    let ids: Vec<&str> = v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "personal-contact",
            "social-media",
            "dual-relationship",
            "after-care-contact",
            "gifts-hospitality",
            "money-and-property",
            "sexual-romantic",
            "self-disclosure",
            "physical-contact",
            "confidentiality",
            "over-involvement",
            "conflict-of-interest",
            "colleague-conduct",
            "safeguarding",
            "practitioner-wellbeing",
        ]
    );
    for c in v["categories"].as_array().unwrap() {
        let prompts = c["supervision_prompts"].as_array().unwrap();
        for function in ["normative", "formative", "restorative"] {
            assert!(
                prompts.iter().any(|p| p["function"] == function),
                "{} lacks a {function} prompt",
                c["id"]
            );
        }
        assert!(!c["manager_prompts"].as_array().unwrap().is_empty());
    }
    let human = env.ok(&["categories"]);
    assert!(human.contains("gifts-hospitality"));
    let one = env.ok(&["categories", "gifts-hospitality"]);
    assert!(one.contains("Supervision"));
    env.fails(&["categories", "nope"], 2);
}

#[test]
fn a_custom_taxonomy_from_examples_is_loaded_with_the_flag_the_env_and_the_config() {
    let mut env = TestEnv::new();
    let custom = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/taxonomies/counselling.toml");
    let text = "My client asked if we could meet for coffee after our last session.";
    let flag: serde_json::Value = serde_json::from_str(&env.ok(&[
        "--taxonomy",
        custom.to_str().unwrap(),
        "classify",
        "--json",
        text,
    ]))
    .unwrap();
    assert!(!ids(&flag).is_empty(), "{flag}");
    let cats: serde_json::Value = serde_json::from_str(&env.ok(&[
        "--taxonomy",
        custom.to_str().unwrap(),
        "categories",
        "--json",
    ]))
    .unwrap();
    assert!(
        cats["taxonomy"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("counsel")
    );
    // The journal's config.toml selects it too.
    std::fs::write(
        env.journal.join("config.toml"),
        format!("taxonomy = {:?}\n", custom.to_str().unwrap()),
    )
    .unwrap();
    let via_config: serde_json::Value =
        serde_json::from_str(&env.ok(&["categories", "--json"])).unwrap();
    assert_eq!(via_config["taxonomy"], cats["taxonomy"]);
    std::fs::remove_file(env.journal.join("config.toml")).unwrap();
    env.set_env("CANDOUR_TAXONOMY", custom.to_str().unwrap());
    let via_env: serde_json::Value =
        serde_json::from_str(&env.ok(&["categories", "--json"])).unwrap();
    assert_eq!(via_env["taxonomy"], cats["taxonomy"]);
}

#[test]
fn an_invalid_custom_taxonomy_is_a_named_one_line_error() {
    let env = TestEnv::new();
    env.add("Keep me.");
    let before = env.fingerprint();
    let cases = [
        ("not toml at all [[[", "not valid"),
        (
            "version = 1\nname = \"x\"\nthreshold = 0.5\n",
            "no categories",
        ),
        (
            "version = 1\nname = \"x\"\nthreshold = 0.5\n[[category]]\nid = \"a\"\nname = \"A\"\ndescription = \"d\"\ncrossing = \"c\"\ndefault_route = \"reflect\"\ncues = [{ pattern = \"(unclosed\" }]\nsupervision_prompts = [{ function = \"formative\", text = \"q\" }]\nmanager_prompts = [{ text = \"m\" }]\n",
            "invalid pattern",
        ),
        (
            "version = 1\nname = \"x\"\nthreshold = 0.5\n[[category]]\nid = \"a\"\nname = \"A\"\ndescription = \"d\"\ncrossing = \"c\"\ndefault_route = \"reflect\"\ncues = [{ pattern = \"x\" }]\nmanager_prompts = [{ text = \"m\" }]\n",
            "no supervision prompts",
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let file = env.root().join(format!("bad-{i}.toml"));
        std::fs::write(&file, text).unwrap();
        let err = env.fails(
            &["--taxonomy", file.to_str().unwrap(), "classify", "anything"],
            2,
        );
        assert!(err.contains(expected), "{err}");
        env.fails(&["--taxonomy", file.to_str().unwrap(), "add", "text"], 2);
    }
    env.fails(&["--taxonomy", "/no/such/file.toml", "categories"], 2);
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn tagged_entries_leave_no_plaintext_or_evidence_on_disk() {
    let env = TestEnv::new();
    env.add("CANARYTAG-55 a patient gave me his number and CANARYTAG-55 again.");
    env.read(&["tag", "1", "--add", "over-involvement"]);
    env.assert_no_plaintext("CANARYTAG-55");
    env.assert_no_plaintext("gave me his number");
    env.assert_integrity();
}
