//! The review workflow: status, share level, dilemma record, reflection, actions,
//! sessions, `--since`, `review` patterns and `prompts`.

use crate::support::TestEnv;

const NOW: &str = "2026-11-25T12:00:00Z";

fn env() -> TestEnv {
    let mut env = TestEnv::new();
    env.set_env("CANDOUR_NOW", NOW);
    env
}

fn pass(env: &TestEnv) -> String {
    env.passphrase_file.to_str().unwrap().to_owned()
}

fn add(env: &TestEnv, at: &str, tag: &str, text: &str) -> i64 {
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
    serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn mark_keeps_a_timestamped_history() {
    let env = env();
    let id = add(
        &env,
        "2026-11-20",
        "gifts-hospitality",
        "A family offered a voucher.",
    )
    .to_string();
    env.read(&["mark", &id, "to-discuss"]);
    env.read(&[
        "mark",
        &id,
        "discussed",
        "--with",
        "supervisor",
        "--note",
        "Agreed to decline and thank them.",
    ]);
    let v = env.read_json(&["show", &id]);
    assert_eq!(v["status"], "discussed");
    let history = v["history"].as_array().unwrap();
    let statuses: Vec<&str> = history
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["new", "to-discuss", "discussed"]);
    assert_eq!(history[2]["with"], "supervisor");
    assert_eq!(history[2]["note"], "Agreed to decline and thank them.");
    assert_eq!(history[2]["at"], "2026-11-25T12:00:00Z");
}

#[test]
fn mark_rejects_bad_input_and_changes_nothing() {
    let env = env();
    add(&env, "2026-11-20", "gifts-hospitality", "Entry.");
    let before = env.fingerprint();
    let p = pass(&env);
    env.fails(&["mark", "1", "pending", "--passphrase-file", &p], 2);
    env.fails(
        &[
            "mark",
            "1",
            "discussed",
            "--with",
            "friend",
            "--passphrase-file",
            &p,
        ],
        2,
    );
    env.fails(&["mark", "9", "discussed", "--passphrase-file", &p], 4);
    env.fails(
        &[
            "mark",
            "1",
            "discussed",
            "--note",
            "  ",
            "--passphrase-file",
            &p,
        ],
        2,
    );
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn the_share_level_follows_the_route_until_chosen() {
    let env = env();
    let contact = add(
        &env,
        "2026-11-20",
        "personal-contact",
        "Patient gave me his number.",
    )
    .to_string();
    let gift = add(
        &env,
        "2026-11-20",
        "gifts-hospitality",
        "Chocolates for the team.",
    )
    .to_string();
    assert_eq!(env.read_json(&["show", &contact])["share"], "manager");
    assert_eq!(env.read_json(&["show", &gift])["share"], "private");
    env.read(&["share", &gift, "supervision"]);
    let v = env.read_json(&["show", &gift]);
    assert_eq!(v["share"], "supervision");
    assert_eq!(v["share_set"], true);
    env.fails(
        &["share", &gift, "everyone", "--passphrase-file", &pass(&env)],
        2,
    );
}

#[test]
fn the_dilemma_record_is_filled_field_by_field() {
    let env = env();
    let id = add(&env, "2026-11-20", "personal-contact", "Number on a card.").to_string();
    env.read(&[
        "record",
        &id,
        "--initiated-by",
        "patient",
        "--what-i-did",
        "Said I could not keep it.",
    ]);
    env.read(&[
        "record",
        &id,
        "--who-i-told",
        "ward manager",
        "--outcome",
        "Returned it.",
    ]);
    let v = env.read_json(&["show", &id]);
    assert_eq!(v["record"]["initiated_by"], "patient");
    assert_eq!(v["record"]["what_i_did"], "Said I could not keep it.");
    assert_eq!(v["record"]["who_i_told"], "ward manager");
    assert_eq!(v["record"]["outcome"], "Returned it.");
    let shown = env.read(&["record", &id]);
    assert!(shown.contains("ward manager"));
    env.fails(
        &[
            "record",
            &id,
            "--initiated-by",
            "dog",
            "--passphrase-file",
            &pass(&env),
        ],
        2,
    );
}

#[test]
fn reflect_by_section_keeps_feelings_private_until_shared() {
    let env = env();
    let id = add(&env, "2026-11-20", "personal-contact", "Number on a card.").to_string();
    env.read(&[
        "reflect",
        &id,
        "--section",
        "what",
        "--text",
        "He handed me a card with his number.",
    ]);
    env.read(&[
        "reflect",
        &id,
        "--section",
        "feelings",
        "--text",
        "Flattered, then uneasy.",
    ]);
    env.read(&[
        "reflect",
        &id,
        "--section",
        "so-what",
        "--text",
        "Keeping it would serve me.",
    ]);
    let v = env.read_json(&["show", &id]);
    let sections = v["reflection"]["sections"].as_array().unwrap();
    let ids: Vec<&str> = sections.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["what", "feelings", "so-what"],
        "kept in the model's order"
    );
    assert_eq!(sections[1]["shared"], false);
    assert_eq!(sections[0]["shared"], true);
    env.read(&["reflect", &id, "--section", "feelings", "--share"]);
    let v = env.read_json(&["show", &id]);
    assert_eq!(v["reflection"]["sections"][1]["shared"], true);
    assert_eq!(
        v["reflection"]["sections"][1]["text"],
        "Flattered, then uneasy."
    );
    env.read(&[
        "reflect",
        &id,
        "--model",
        "gibbs",
        "--section",
        "action-plan",
        "--text",
        "Use the team phone.",
    ]);
    assert_eq!(
        env.read_json(&["show", &id])["reflection"]["model"],
        "gibbs"
    );
}

#[test]
fn reflect_refuses_unknown_sections_and_needs_a_terminal_for_the_editor() {
    let env = env();
    let id = add(&env, "2026-11-20", "personal-contact", "Entry.").to_string();
    let before = env.fingerprint();
    let p = pass(&env);
    let err = env.fails(&["reflect", &id, "--passphrase-file", &p], 2);
    assert!(err.contains("terminal"), "{err}");
    let err = env.fails(
        &[
            "reflect",
            &id,
            "--section",
            "analysis",
            "--text",
            "x",
            "--passphrase-file",
            &p,
        ],
        2,
    );
    assert!(err.contains("so-what"), "lists the sections: {err}");
    env.fails(
        &["reflect", &id, "--section", "what", "--passphrase-file", &p],
        2,
    );
    env.fails(
        &["reflect", &id, "--model", "kolb", "--passphrase-file", &p],
        2,
    );
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn reflect_in_the_editor_offers_the_models_headings_and_category_cues() {
    let mut env = env();
    let id = add(
        &env,
        "2026-11-20",
        "gifts-hospitality",
        "CANARY-REFLECT-33 the daughter gave me a voucher.",
    )
    .to_string();
    let shown = env.root().join("template-seen");
    let editor = env.script(
        "reflect-editor",
        &format!(
            "cp \"$1\" '{}'\ncat > \"$1\" <<'END'\n## Description\nA voucher.\n## Feelings (private)\nAwkward.\n## Analysis\nPolicy says decline cash and vouchers.\nEND",
            shown.display()
        ),
    );
    env.set_env("EDITOR", editor.to_str().unwrap());
    env.read(&["reflect", &id, "--model", "gibbs", "--editor"]);
    let template = std::fs::read_to_string(&shown).unwrap();
    std::fs::remove_file(&shown).unwrap();
    for heading in [
        "## Description",
        "## Feelings (private)",
        "## Evaluation",
        "## Analysis",
        "## Conclusion",
        "## Action plan",
    ] {
        assert!(template.contains(heading), "missing {heading}:\n{template}");
    }
    // A gifts-specific supervision question is offered as a cue.
    let gifts: serde_json::Value =
        serde_json::from_str(&env.ok(&["categories", "gifts-hospitality", "--json"])).unwrap();
    let normative = gifts["supervision_prompts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["function"] == "normative")
        .unwrap();
    assert!(
        template.contains(normative["text"].as_str().unwrap().trim()),
        "{template}"
    );
    let v = env.read_json(&["show", &id]);
    let sections = v["reflection"]["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 3);
    assert_eq!(
        sections[2]["text"],
        "Policy says decline cash and vouchers."
    );
    env.assert_no_plaintext("CANARY-REFLECT-33");
}

#[test]
fn actions_are_listed_open_first_with_overdue_marked() {
    let env = env();
    let id = add(&env, "2026-11-20", "gifts-hospitality", "Voucher.").to_string();
    env.ok(&["action", "add", &id, "Late one", "--due", "2026-11-20"]);
    env.ok(&["action", "add", &id, "Future one", "--due", "2026-12-20"]);
    env.ok(&["action", "add", &id, "No date"]);
    env.read(&["action", "done", "3"]);
    let v = env.read_json(&["actions"]);
    let list = v["actions"].as_array().unwrap();
    let texts: Vec<&str> = list.iter().map(|a| a["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Late one", "Future one", "No date"]);
    assert_eq!(list[0]["overdue"], true);
    assert_eq!(list[1]["overdue"], false);
    assert_eq!(list[2]["open"], false);
    let human = env.read(&["actions"]);
    assert!(human.contains("overdue"));
    assert_eq!(
        env.read_json(&["actions", "--open"])["actions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn action_errors_are_clean() {
    let env = env();
    add(&env, "2026-11-20", "gifts-hospitality", "Voucher.");
    let before = env.fingerprint();
    let p = pass(&env);
    env.fails(&["action", "add", "9", "Nothing to attach to"], 4);
    env.fails(&["action", "add", "1", "x", "--due", "someday maybe"], 2);
    env.fails(&["action", "add", "1", "  "], 2);
    env.fails(&["action", "done", "42", "--passphrase-file", &p], 4);
    env.fails(&["action", "done", "-1", "--passphrase-file", &p], 2);
    assert_eq!(env.fingerprint(), before);
}

#[test]
fn a_session_marks_entries_discussed_and_since_last_supervision_starts_after_it() {
    let env = env();
    let before = add(
        &env,
        "2026-11-10 09:00",
        "gifts-hospitality",
        "Before the session.",
    );
    let at_the_time = add(
        &env,
        "2026-11-12 10:00",
        "gifts-hospitality",
        "Exactly at the session time.",
    );
    let after = add(
        &env,
        "2026-11-12 10:01",
        "gifts-hospitality",
        "Just after the session.",
    );
    let later = add(&env, "2026-11-20 09:00", "personal-contact", "Much later.");
    env.read(&[
        "session",
        "add",
        "--with",
        "supervisor",
        "--on",
        "2026-11-12 10:00",
        "--note",
        "Talked it through.",
        &before.to_string(),
    ]);
    let v = env.read_json(&["show", &before.to_string()]);
    assert_eq!(v["status"], "discussed");
    assert_eq!(
        v["history"].as_array().unwrap().last().unwrap()["with"],
        "supervisor"
    );
    let listed = env.read_json(&["list", "--since", "last-supervision"]);
    let ids: Vec<i64> = listed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        [later, after],
        "entries strictly after the session, newest first"
    );
    assert!(!ids.contains(&at_the_time));
    // A manager meeting does not move the supervision boundary.
    env.read(&["session", "add", "--with", "manager", "--on", "2026-11-19"]);
    let listed = env.read_json(&["list", "--since", "last-supervision"]);
    assert_eq!(listed["entries"].as_array().unwrap().len(), 2);
    let listed = env.read_json(&["list", "--since", "last-manager"]);
    assert_eq!(listed["entries"].as_array().unwrap().len(), 1);
    let sessions = env.read_json(&["sessions"]);
    let list = sessions["sessions"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["with"], "supervisor");
    assert_eq!(list[1]["entries"], serde_json::json!([before]));
    assert_eq!(list[1]["note"], "Talked it through.");
}

#[test]
fn since_without_any_session_covers_everything_and_says_so() {
    let env = env();
    add(&env, "2026-11-10", "gifts-hospitality", "One.");
    let out = env.run(
        &[
            "list",
            "--since",
            "last-supervision",
            "--passphrase-file",
            &pass(&env),
        ],
        None,
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("No supervision session recorded yet"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("One."));
}

#[test]
fn session_errors_change_nothing() {
    let env = env();
    add(&env, "2026-11-10", "gifts-hospitality", "One.");
    let before = env.fingerprint();
    let p = pass(&env);
    env.fails(
        &[
            "session",
            "add",
            "--with",
            "supervisor",
            "7",
            "--passphrase-file",
            &p,
        ],
        4,
    );
    env.fails(
        &[
            "session",
            "add",
            "--with",
            "boss",
            "1",
            "--passphrase-file",
            &p,
        ],
        2,
    );
    env.fails(
        &[
            "session",
            "add",
            "--with",
            "supervisor",
            "--on",
            "next year",
            "--passphrase-file",
            &p,
        ],
        2,
    );
    env.fails(&["session", "add", "1", "--passphrase-file", &p], 2);
    assert_eq!(
        env.fingerprint(),
        before,
        "an unknown entry must not half-record a session"
    );
}

#[test]
fn review_groups_by_category_with_counts_and_calls_out_patterns() {
    let env = env();
    for (at, text) in [
        ("2026-09-10", "Box of biscuits."),
        ("2026-10-15", "Flowers."),
        ("2026-11-20", "A voucher."),
    ] {
        add(&env, at, "gifts-hospitality", text);
    }
    let contact = add(&env, "2026-11-01", "personal-contact", "Number on a card.");
    env.read(&["mark", &contact.to_string(), "to-discuss"]);
    env.ok(&[
        "action",
        "add",
        &contact.to_string(),
        "Tell the ward manager",
        "--due",
        "2026-11-21",
    ]);
    let v = env.read_json(&["review"]);
    assert_eq!(v["total"], 4);
    let groups = v["groups"].as_array().unwrap();
    let gifts = groups
        .iter()
        .find(|g| g["category"] == "gifts-hospitality")
        .unwrap();
    assert_eq!(gifts["count"], 3);
    let contact_group = groups
        .iter()
        .find(|g| g["category"] == "personal-contact")
        .unwrap();
    assert_eq!(contact_group["entries"][0]["open_actions"], 1);
    assert_eq!(contact_group["entries"][0]["overdue_actions"], 1);
    assert_eq!(contact_group["entries"][0]["status"], "to-discuss");
    let patterns: Vec<&str> = v["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert!(
        patterns
            .iter()
            .any(|m| m.starts_with("3rd gifts-hospitality dilemma in 90 days")),
        "{patterns:?}"
    );
    let human = env.read(&["review"]);
    assert!(human.contains("3rd gifts-hospitality dilemma in 90 days"));
    assert!(human.contains("Gifts"));
}

#[test]
fn a_pattern_needs_the_third_entry_inside_ninety_days() {
    let env = env();
    for at in ["2026-08-20", "2026-10-15", "2026-11-20"] {
        add(&env, at, "gifts-hospitality", "A gift.");
    }
    // 2026-08-20 is 97 days before the fixed now: only two in the window.
    let v = env.read_json(&["review"]);
    assert!(
        v["patterns"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["kind"] != "recurring"),
        "{v}"
    );
}

#[test]
fn review_filters_like_list_plus_status_and_route() {
    let env = env();
    add(&env, "2026-11-01", "gifts-hospitality", "Gift.");
    let contact = add(&env, "2026-11-02", "personal-contact", "Number.");
    env.read(&["mark", &contact.to_string(), "to-discuss"]);
    let v = env.read_json(&["review", "--status", "to-discuss"]);
    assert_eq!(v["total"], 1);
    let v = env.read_json(&["review", "--route", "line-manager"]);
    assert_eq!(v["total"], 1);
    let v = env.read_json(&["review", "--to", "2026-11-01"]);
    assert_eq!(v["total"], 1);
    env.fails(
        &[
            "review",
            "--status",
            "open",
            "--passphrase-file",
            &pass(&env),
        ],
        2,
    );
    env.fails(
        &[
            "review",
            "--route",
            "someone",
            "--passphrase-file",
            &pass(&env),
        ],
        2,
    );
    env.fails(
        &[
            "review",
            "--since",
            "the dawn of time",
            "--passphrase-file",
            &pass(&env),
        ],
        2,
    );
}

#[test]
fn review_interactive_without_a_terminal_says_so_and_exits_2() {
    let env = env();
    add(&env, "2026-11-01", "gifts-hospitality", "Gift.");
    let err = env.fails(
        &["review", "--interactive", "--passphrase-file", &pass(&env)],
        2,
    );
    assert!(err.contains("terminal"), "{err}");
}

#[test]
fn prompts_differ_by_category_and_by_audience() {
    let env = env();
    let gift = add(
        &env,
        "2026-11-01",
        "gifts-hospitality",
        "The daughter gave me a voucher.",
    )
    .to_string();
    let contact = add(
        &env,
        "2026-11-02",
        "personal-contact",
        "He gave me his personal number.",
    )
    .to_string();
    let sup_gift = env.read_json(&["prompts", &gift]);
    let sup_contact = env.read_json(&["prompts", &contact]);
    let man_contact = env.read_json(&["prompts", &contact, "--for", "manager"]);
    let section = |v: &serde_json::Value, key: &str| -> Vec<String> {
        v["prompts"][0]["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .map(|s| {
                s["prompts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v["prompts"][0]["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        &keys(&sup_gift)[..3],
        ["normative", "formative", "restorative"]
    );
    assert_ne!(
        section(&sup_gift, "normative"),
        section(&sup_contact, "normative")
    );
    assert_ne!(
        section(&sup_gift, "formative"),
        section(&sup_contact, "formative")
    );
    assert_eq!(
        keys(&man_contact),
        [
            "what-happened",
            "policy",
            "declare",
            "reallocation",
            "referrals",
            "support",
            "actions"
        ]
    );
    assert!(section(&man_contact, "formative").is_empty());
    assert!(
        !man_contact["prompts"][0]["references"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The model changes the stage prompts.
    let gibbs = env.read_json(&["prompts", &gift, "--model", "gibbs"]);
    assert!(keys(&gibbs).contains(&"model-action-plan".to_owned()));
    let human = env.read(&["prompts", &contact, "--for", "manager"]);
    assert!(human.contains("2. Which policy applies"));
}

#[test]
fn prompts_for_entries_since_the_last_supervision() {
    let env = env();
    let old = add(&env, "2026-11-01", "gifts-hospitality", "Old.");
    env.read(&[
        "session",
        "add",
        "--with",
        "supervisor",
        "--on",
        "2026-11-05",
        &old.to_string(),
    ]);
    let new = add(&env, "2026-11-10", "personal-contact", "New.");
    let v = env.read_json(&["prompts", "--since", "last-supervision"]);
    let ids: Vec<i64> = v["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["entry"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [new]);
    let p = pass(&env);
    env.fails(&["prompts", "--passphrase-file", &p], 2);
    env.fails(
        &[
            "prompts",
            "1",
            "--since",
            "last-supervision",
            "--passphrase-file",
            &p,
        ],
        2,
    );
    env.fails(&["prompts", "99", "--passphrase-file", &p], 4);
    env.fails(
        &["prompts", "1", "--for", "friend", "--passphrase-file", &p],
        2,
    );
}

#[test]
fn nothing_from_the_workflow_is_left_in_plaintext() {
    let env = env();
    let id = add(&env, "2026-11-01", "gifts-hospitality", "CANARY-WF-1 gift.").to_string();
    env.read(&["mark", &id, "to-discuss", "--note", "CANARY-WF-1 note"]);
    env.read(&["record", &id, "--what-i-did", "CANARY-WF-1 did"]);
    env.read(&[
        "reflect",
        &id,
        "--section",
        "what",
        "--text",
        "CANARY-WF-1 reflection",
    ]);
    env.ok(&["action", "add", &id, "CANARY-WF-1 action"]);
    env.read(&[
        "session",
        "add",
        "--with",
        "supervisor",
        "--note",
        "CANARY-WF-1 session",
        &id,
    ]);
    env.read(&["share", &id, "supervision"]);
    env.assert_no_plaintext("CANARY-WF-1");
    env.assert_integrity();
}
