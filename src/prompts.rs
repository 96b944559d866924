//! Conversation prompts for an entry: for clinical supervision or for a line manager.
//!
//! Supervision prompts are grouped under Proctor's three functions — normative
//! (standards and accountability), formative (learning) and restorative (support) — and
//! drawn from the entry's categories and the words that triggered them, followed by the
//! stages of the chosen reflective model. Manager prompts follow the shorter,
//! action-focused outline: what happened, which policy, what to declare or record,
//! reallocation, referrals, support, agreed actions.
//!
//! Prompts are questions, never verdicts. Pure: taxonomy and entry in, prompts out.

use serde::Serialize;

use crate::journal::Entry;
use crate::journal::records::Action;
use crate::model::{Audience, Initiator, ReflectiveModel, Route};
use crate::reflection;
use crate::taxonomy::{Category, Function, Taxonomy};

/// A group of prompts under one heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Stable key (`normative`, `what-happened`, `model-so-what` …).
    pub key: String,
    /// The heading.
    pub heading: String,
    /// The prompts, in order.
    pub prompts: Vec<String>,
}

/// Prompts for one entry and one audience.
#[derive(Debug, Clone, Serialize)]
pub struct Prompts {
    /// Which conversation.
    pub audience: Audience,
    /// The model whose stages are included (supervision).
    pub model: ReflectiveModel,
    /// The sections.
    pub sections: Vec<Section>,
    /// Standards and guidance to look at.
    pub references: Vec<String>,
}

/// The prompts for `entry`.
pub fn for_entry(
    taxonomy: &Taxonomy,
    entry: &Entry,
    actions: &[Action],
    audience: Audience,
    model: ReflectiveModel,
) -> Prompts {
    let categories = categories_of(taxonomy, entry);
    let sections = match audience {
        Audience::Supervision => supervision(entry, &categories, model),
        Audience::Manager => manager(entry, &categories, actions),
    };
    Prompts {
        audience,
        model,
        sections,
        references: references_of(&categories),
    }
}

/// The standards and guidance to look at for `entry`: its categories' references, each
/// once, without building any prompt.
pub fn references(taxonomy: &Taxonomy, entry: &Entry) -> Vec<String> {
    references_of(&categories_of(taxonomy, entry))
}

/// The taxonomy's categories that `entry` is tagged with (unknown ids are skipped).
fn categories_of<'t>(taxonomy: &'t Taxonomy, entry: &Entry) -> Vec<&'t Category> {
    entry
        .payload
        .category_ids()
        .filter_map(|id| taxonomy.category(id))
        .collect()
}

fn references_of(categories: &[&Category]) -> Vec<String> {
    let mut references = Vec::new();
    for c in categories {
        for r in &c.spec.references {
            let text = r.to_string();
            if !references.contains(&text) {
                references.push(text);
            }
        }
    }
    references
}

fn push_unique(list: &mut Vec<String>, item: impl Into<String>) {
    let item = item.into();
    if !list.contains(&item) {
        list.push(item);
    }
}

fn supervision(entry: &Entry, categories: &[&Category], model: ReflectiveModel) -> Vec<Section> {
    let p = &entry.payload;
    let mut sections = Vec::new();
    for function in Function::ALL {
        let mut prompts = Vec::new();
        match function {
            Function::Normative => {
                for c in categories {
                    push_unique(
                        &mut prompts,
                        format!(
                            "{}: was this a crossing or a violation? {}",
                            c.spec.name,
                            first_sentence(&c.spec.crossing)
                        ),
                    );
                }
                if p.route >= Route::LineManager {
                    push_unique(
                        &mut prompts,
                        "candour suggests your line manager should hear about this too: have you told them, and if not, what is in the way?",
                    );
                }
            }
            Function::Formative => {
                for c in categories {
                    let evidence: Vec<String> = p
                        .tags
                        .iter()
                        .filter(|t| t.category == c.id)
                        .flat_map(|t| {
                            t.evidence
                                .iter()
                                .map(|e| format!("\u{201c}{}\u{201d}", e.text.replace('\n', " ")))
                        })
                        .take(2)
                        .collect();
                    if !evidence.is_empty() {
                        push_unique(
                            &mut prompts,
                            format!(
                                "You wrote {}: what did that mean to the person, and what did it mean to you?",
                                evidence.join(" and ")
                            ),
                        );
                    }
                }
            }
            Function::Restorative => {}
        }
        for c in categories {
            for prompt in c
                .spec
                .supervision_prompts
                .iter()
                .filter(|q| q.function == function)
            {
                push_unique(&mut prompts, prompt.text.trim());
            }
        }
        if function == Function::Restorative {
            push_unique(
                &mut prompts,
                "How are you now, and what support would help?",
            );
        }
        if categories.is_empty() && function == Function::Normative {
            push_unique(
                &mut prompts,
                "Which standards, codes or local policies might apply here?",
            );
        }
        if categories.is_empty() && function == Function::Formative {
            push_unique(
                &mut prompts,
                "What would you like to understand better about this situation?",
            );
        }
        sections.push(Section {
            key: function.as_str().to_owned(),
            heading: function.heading().to_owned(),
            prompts,
        });
    }
    let spec = reflection::spec(model);
    for stage in spec.sections {
        sections.push(Section {
            key: format!("model-{}", stage.id),
            heading: format!(
                "{} — {}",
                spec.title.split(':').next().unwrap_or(spec.title),
                stage.heading
            ),
            prompts: stage.cues.iter().map(|c| (*c).to_owned()).collect(),
        });
    }
    sections
}

fn manager(entry: &Entry, categories: &[&Category], actions: &[Action]) -> Vec<Section> {
    let p = &entry.payload;
    let mut sections = Vec::new();
    let mut happened = vec![
        "Summarise what happened in two or three factual sentences, with no names or identifying details.".to_owned(),
        format!("When: {}.", p.occurred_at.format("%-d %B %Y")),
    ];
    if let Some(who) = p.record.initiated_by {
        happened.push(format!(
            "Who started it: {}.",
            match who {
                Initiator::Patient => "the patient or service user",
                Initiator::Family => "a relative or carer",
                Initiator::Colleague => "a colleague",
                Initiator::Me => "you",
                Initiator::Other => "someone else",
            }
        ));
    }
    if let Some(did) = &p.record.what_i_did {
        happened.push(format!("What you did: {}", did.trim()));
    }
    sections.push(Section {
        key: "what-happened".into(),
        heading: "1. What happened".into(),
        prompts: happened,
    });

    let mut policy = Vec::new();
    let mut policies: Vec<&str> = categories
        .iter()
        .flat_map(|c| c.spec.policies.iter().map(String::as_str))
        .collect();
    policies.dedup();
    if policies.is_empty() {
        policy.push("Which local policy covers this? Ask if you are not sure.".to_owned());
    } else {
        let mut unique: Vec<&str> = Vec::new();
        for policy_name in policies {
            if !unique.contains(&policy_name) {
                unique.push(policy_name);
            }
        }
        policy.push(format!(
            "Policies to look at together: {}.",
            unique.join("; ")
        ));
    }
    sections.push(Section {
        key: "policy".into(),
        heading: "2. Which policy applies".into(),
        prompts: policy,
    });

    let mut declare = Vec::new();
    for c in categories {
        for q in &c.spec.manager_prompts {
            push_unique(&mut declare, q.text.trim());
        }
    }
    if declare.is_empty() {
        declare.push("Does anything need declaring or recording, where, and by whom?".to_owned());
    }
    sections.push(Section {
        key: "declare".into(),
        heading: "3. What to declare or record".into(),
        prompts: declare,
    });

    sections.push(Section {
        key: "reallocation".into(),
        heading: "4. Care and communication".into(),
        prompts: vec![
            "Should this person's care be reallocated, or shared differently across the team?"
                .into(),
            "Does the patient, or their family, need to be told anything, and by whom?".into(),
        ],
    });

    let mut referrals = Vec::new();
    if p.route == Route::Escalate {
        referrals.push("This may need reporting today: who is the safeguarding lead or manager on duty, and what is the timescale?".to_owned());
    }
    referrals.push(
        "Is a referral needed: safeguarding, an information governance incident, HR, Freedom to Speak Up, or the regulator?"
            .to_owned(),
    );
    sections.push(Section {
        key: "referrals".into(),
        heading: "5. Referrals".into(),
        prompts: referrals,
    });

    sections.push(Section {
        key: "support".into(),
        heading: "6. Support for you".into(),
        prompts: vec![
            "What support would help: occupational health, the employee assistance programme, your union or professional body, or supervision?".into(),
        ],
    });

    let mut agreed: Vec<String> = actions
        .iter()
        .filter(|a| a.entry_id == entry.id && a.is_open())
        .map(|a| match a.payload.due {
            Some(due) => format!(
                "Open action {}: {} (due {}).",
                a.id,
                a.payload.text,
                due.format("%-d %B %Y")
            ),
            None => format!("Open action {}: {}.", a.id, a.payload.text),
        })
        .collect();
    agreed.push(
        "What will happen next, who will do it, and when will you review it together?".into(),
    );
    sections.push(Section {
        key: "actions".into(),
        heading: "7. Agreed actions and review date".into(),
        prompts: agreed,
    });
    sections
}

fn first_sentence(text: &str) -> &str {
    crate::model::split_title(text).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryId, Payload, Tag, TagSource};

    fn entry(categories: &[&str]) -> Entry {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z").unwrap();
        let mut payload = Payload::new(
            "He gave me his number.".into(),
            now,
            now.with_timezone(&chrono::Utc),
        );
        for c in categories {
            payload.tags.push(Tag {
                category: c.parse().unwrap(),
                source: TagSource::Manual,
                confidence: None,
                evidence: vec![],
            });
        }
        Entry {
            id: EntryId(1),
            updated_at: now.with_timezone(&chrono::Utc),
            payload,
        }
    }

    #[test]
    fn supervision_prompts_are_grouped_by_proctor_function_then_model_stages() {
        let t = Taxonomy::builtin();
        let p = for_entry(
            t,
            &entry(&["personal-contact"]),
            &[],
            Audience::Supervision,
            ReflectiveModel::Rolfe,
        );
        let keys: Vec<&str> = p.sections.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(&keys[..3], ["normative", "formative", "restorative"]);
        assert!(keys.contains(&"model-so-what"));
        assert!(p.sections.iter().all(|s| !s.prompts.is_empty()));
    }

    #[test]
    fn manager_prompts_follow_the_seven_point_outline() {
        let t = Taxonomy::builtin();
        let p = for_entry(
            t,
            &entry(&["personal-contact"]),
            &[],
            Audience::Manager,
            ReflectiveModel::Rolfe,
        );
        let keys: Vec<&str> = p.sections.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
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
    }
}
