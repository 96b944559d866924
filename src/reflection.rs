//! Structured reflection: the reflective models, the editor template and its parsing.
//!
//! Each model is a list of sections with cue questions (in our own words, after Rolfe,
//! Gibbs, Driscoll and Johns). The template adds cue questions drawn from the entry's
//! categories, placed by Proctor's function: standards where the model analyses,
//! learning where it looks ahead, support where it asks about feelings. Sections about
//! feelings are private by default: exports leave them out unless the user shares them.
//!
//! Everything here is pure: text in, text or sections out.

use chrono::{DateTime, Utc};

use crate::model::{Payload, Reflection, ReflectionSection, ReflectiveModel};
use crate::taxonomy::{Function, Taxonomy};

/// One section of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionSpec {
    /// Stable id.
    pub id: &'static str,
    /// The heading.
    pub heading: &'static str,
    /// Cue questions.
    pub cues: &'static [&'static str],
    /// Private unless shared (feelings).
    pub private: bool,
}

/// A model's name and sections.
#[derive(Debug, Clone, Copy)]
pub struct ModelSpec {
    /// The model.
    pub model: ReflectiveModel,
    /// A name for people.
    pub title: &'static str,
    /// Its sections in order.
    pub sections: &'static [SectionSpec],
    /// Where category prompts of each function go (normative, formative, restorative).
    pub function_sections: [&'static str; 3],
}

const ROLFE: ModelSpec = ModelSpec {
    model: ReflectiveModel::Rolfe,
    title: "Rolfe et al.: What? So what? Now what?",
    sections: &[
        SectionSpec {
            id: "what",
            heading: "What?",
            cues: &[
                "What happened, where and when? Who was involved (use pseudonyms: Patient A, Colleague B)?",
                "What was your role, what were you trying to do, and how did others respond?",
            ],
            private: false,
        },
        SectionSpec {
            id: "feelings",
            heading: "Feelings",
            cues: &["How did it leave you feeling at the time, and how do you feel about it now?"],
            private: true,
        },
        SectionSpec {
            id: "so-what",
            heading: "So what?",
            cues: &[
                "What does this tell you about yourself, the relationship and the care?",
                "Which standards, codes or local policies apply, and what might have made it go better?",
            ],
            private: false,
        },
        SectionSpec {
            id: "now-what",
            heading: "Now what?",
            cues: &[
                "What will you do now, and what will you do differently next time?",
                "What support do you need, and who else needs to know?",
            ],
            private: false,
        },
    ],
    function_sections: ["so-what", "now-what", "feelings"],
};

const GIBBS: ModelSpec = ModelSpec {
    model: ReflectiveModel::Gibbs,
    title: "Gibbs' reflective cycle",
    sections: &[
        SectionSpec {
            id: "description",
            heading: "Description",
            cues: &["What happened? Where were you, who was there (pseudonyms), what did you do?"],
            private: false,
        },
        SectionSpec {
            id: "feelings",
            heading: "Feelings",
            cues: &["What were you thinking and feeling before, during and after?"],
            private: true,
        },
        SectionSpec {
            id: "evaluation",
            heading: "Evaluation",
            cues: &["What went well, and what did not?"],
            private: false,
        },
        SectionSpec {
            id: "analysis",
            heading: "Analysis",
            cues: &[
                "Why did it unfold as it did? What do your code, local policy and what you know about boundaries say?",
            ],
            private: false,
        },
        SectionSpec {
            id: "conclusion",
            heading: "Conclusion",
            cues: &["What have you learned? What else could you have done?"],
            private: false,
        },
        SectionSpec {
            id: "action-plan",
            heading: "Action plan",
            cues: &[
                "If it happened again, what would you do? What do you need to develop, and how?",
            ],
            private: false,
        },
    ],
    function_sections: ["analysis", "conclusion", "feelings"],
};

const DRISCOLL: ModelSpec = ModelSpec {
    model: ReflectiveModel::Driscoll,
    title: "Driscoll: What? So what? Now what? (supervision trigger questions)",
    sections: &[
        SectionSpec {
            id: "what",
            heading: "What?",
            cues: &[
                "Why return to this situation now, and what do you want from supervision about it?",
                "What did you see, hear and do? What did others do?",
            ],
            private: false,
        },
        SectionSpec {
            id: "so-what",
            heading: "So what?",
            cues: &[
                "What felt significant, and why?",
                "What was the impact on the person, on the team and on you?",
            ],
            private: false,
        },
        SectionSpec {
            id: "feelings",
            heading: "Feelings",
            cues: &["What feelings did it stir, and what do they point to?"],
            private: true,
        },
        SectionSpec {
            id: "now-what",
            heading: "Now what?",
            cues: &[
                "What will you do differently, and what help do you need to do it?",
                "How will you notice whether it worked? What will you bring back to supervision?",
            ],
            private: false,
        },
    ],
    function_sections: ["so-what", "now-what", "feelings"],
};

const JOHNS: ModelSpec = ModelSpec {
    model: ReflectiveModel::Johns,
    title: "Johns' model for structured reflection",
    sections: &[
        SectionSpec {
            id: "looking-in",
            heading: "Looking in",
            cues: &[
                "Pause. Notice your thoughts and emotions about the experience and write them down.",
            ],
            private: true,
        },
        SectionSpec {
            id: "aesthetics",
            heading: "Aesthetics",
            cues: &[
                "Describe what happened and what seems significant. What were you aiming for, and why did you respond as you did?",
                "What were the effects on the person, on others and on you? What were others feeling, and how did you know?",
            ],
            private: false,
        },
        SectionSpec {
            id: "personal",
            heading: "Personal",
            cues: &[
                "What were you feeling, and where did those feelings come from? What inside you shaped what you did?",
            ],
            private: true,
        },
        SectionSpec {
            id: "ethics",
            heading: "Ethics",
            cues: &[
                "Did your actions fit your values and your professional standards? Was it the best you could do? What pulled you the other way?",
            ],
            private: false,
        },
        SectionSpec {
            id: "empirics",
            heading: "Empirics",
            cues: &["What knowledge, evidence or guidance informed you, or could have?"],
            private: false,
        },
        SectionSpec {
            id: "reflexivity",
            heading: "Reflexivity",
            cues: &[
                "How does this connect with earlier experiences? What would you do differently, and how can you support yourself and others next time?",
            ],
            private: false,
        },
    ],
    function_sections: ["ethics", "reflexivity", "looking-in"],
};

/// The specification of a model.
pub fn spec(model: ReflectiveModel) -> &'static ModelSpec {
    match model {
        ReflectiveModel::Rolfe => &ROLFE,
        ReflectiveModel::Gibbs => &GIBBS,
        ReflectiveModel::Driscoll => &DRISCOLL,
        ReflectiveModel::Johns => &JOHNS,
    }
}

impl ModelSpec {
    /// The section with this id or heading (case-insensitive).
    pub fn section(&self, name: &str) -> Option<&'static SectionSpec> {
        let wanted = slug(name);
        self.sections
            .iter()
            .find(|s| s.id == wanted || slug(s.heading) == wanted)
    }

    /// The ids, for error messages.
    pub fn section_ids(&self) -> Vec<&'static str> {
        self.sections.iter().map(|s| s.id).collect()
    }

    /// The section that collects prompts of `function`.
    pub fn section_for(&self, function: Function) -> &'static str {
        match function {
            Function::Normative => self.function_sections[0],
            Function::Formative => self.function_sections[1],
            Function::Restorative => self.function_sections[2],
        }
    }
}

/// Lower-case, punctuation-free, hyphen-joined: "So what?" → "so-what".
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

/// Cue questions for one section of the template, drawn from the entry's categories.
pub fn category_cues(
    taxonomy: &Taxonomy,
    payload: &Payload,
    model: &ModelSpec,
    section: &str,
) -> Vec<String> {
    let mut cues = Vec::new();
    for id in payload.category_ids() {
        let Some(category) = taxonomy.category(id) else {
            continue;
        };
        for prompt in &category.spec.supervision_prompts {
            if model.section_for(prompt.function) == section && !cues.contains(&prompt.text) {
                cues.push(prompt.text.trim().to_owned());
            }
        }
    }
    cues
}

/// The editor template for reflecting on an entry with `model`, holding any answers
/// already given.
pub fn template(
    taxonomy: &Taxonomy,
    payload: &Payload,
    entry_label: &str,
    model: ReflectiveModel,
) -> String {
    let spec = spec(model);
    let mut out = String::new();
    out.push_str(&format!("# Reflection on {entry_label} — {}\n", spec.title));
    out.push_str("# Write under each \"## \" heading. Lines starting with \"#\" are hints and are dropped.\n");
    out.push_str("# Sections marked (private) never appear in exports unless you share them.\n");
    out.push_str("# Use pseudonyms (Patient A, Colleague B), not names.\n#\n");
    for line in payload.title().lines() {
        out.push_str(&format!("# Entry: {line}\n"));
    }
    let evidence: Vec<String> = payload
        .tags
        .iter()
        .flat_map(|t| {
            t.evidence
                .iter()
                .map(|e| format!("\u{201c}{}\u{201d}", e.text.replace('\n', " ")))
        })
        .take(6)
        .collect();
    for section in spec.sections {
        out.push('\n');
        out.push_str(&format!(
            "## {}{}\n",
            section.heading,
            if section.private { " (private)" } else { "" }
        ));
        for cue in section.cues {
            out.push_str(&format!("# {cue}\n"));
        }
        if section.id == spec.sections[0].id && !evidence.is_empty() {
            out.push_str(&format!("# You wrote: {}\n", evidence.join(", ")));
        }
        for cue in category_cues(taxonomy, payload, spec, section.id) {
            out.push_str(&format!("# {cue}\n"));
        }
        if let Some(existing) = payload
            .reflection
            .as_ref()
            .and_then(|r| r.sections.iter().find(|s| s.id == section.id))
        {
            out.push_str(existing.text.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Why an edited template could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A `## ` heading that is not one of the model's.
    #[error("the heading {heading:?} is not part of this model; use the headings as given ({})", expected.join(", "))]
    UnknownHeading {
        /// The heading as written.
        heading: String,
        /// The model's section ids.
        expected: Vec<&'static str>,
    },
}

/// Reads the answers out of an edited template, keeping each section's sharing choice.
pub fn parse(
    text: &str,
    model: ReflectiveModel,
    previous: Option<&Reflection>,
    now: DateTime<Utc>,
) -> Result<Reflection, ParseError> {
    let spec = spec(model);
    let mut answers: Vec<(&'static SectionSpec, String)> = Vec::new();
    let mut current: Option<usize> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            let heading = heading.trim().trim_end_matches("(private)").trim();
            let section = spec
                .section(heading)
                .ok_or_else(|| ParseError::UnknownHeading {
                    heading: heading.to_owned(),
                    expected: spec.section_ids(),
                })?;
            current = Some(
                answers
                    .iter()
                    .position(|(s, _)| s.id == section.id)
                    .unwrap_or_else(|| {
                        answers.push((section, String::new()));
                        answers.len() - 1
                    }),
            );
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some(i) = current {
            answers[i].1.push_str(line);
            answers[i].1.push('\n');
        }
    }
    let mut sections: Vec<ReflectionSection> = Vec::new();
    for spec_section in spec.sections {
        let Some((_, text)) = answers.iter().find(|(s, _)| s.id == spec_section.id) else {
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        sections.push(ReflectionSection {
            id: spec_section.id.to_owned(),
            heading: spec_section.heading.to_owned(),
            text: text.to_owned(),
            shared: shared_before(previous, spec_section),
        });
    }
    // Sections from another model that this template did not show are kept as they were.
    if let Some(previous) = previous {
        for old in &previous.sections {
            if spec.section(&old.id).is_none() {
                sections.push(old.clone());
            }
        }
    }
    Ok(Reflection {
        model,
        sections,
        updated_at: now,
    })
}

fn shared_before(previous: Option<&Reflection>, section: &SectionSpec) -> bool {
    previous
        .and_then(|r| r.sections.iter().find(|s| s.id == section.id))
        .map_or(!section.private, |s| s.shared)
}

/// Sets one section's text (non-interactive `reflect --section NAME --text …`).
pub fn set_section(
    reflection: Option<&Reflection>,
    model: ReflectiveModel,
    section: &SectionSpec,
    text: Option<&str>,
    shared: Option<bool>,
    now: DateTime<Utc>,
) -> Reflection {
    let mut updated = reflection.cloned().unwrap_or(Reflection {
        model,
        sections: Vec::new(),
        updated_at: now,
    });
    updated.model = model;
    updated.updated_at = now;
    match updated.sections.iter_mut().find(|s| s.id == section.id) {
        Some(existing) => {
            if let Some(text) = text {
                text.trim().clone_into(&mut existing.text);
            }
            if let Some(shared) = shared {
                existing.shared = shared;
            }
        }
        None => updated.sections.push(ReflectionSection {
            id: section.id.to_owned(),
            heading: section.heading.to_owned(),
            text: text.unwrap_or("").trim().to_owned(),
            shared: shared.unwrap_or(!section.private),
        }),
    }
    updated.sections.retain(|s| !s.text.is_empty());
    let order = spec(model);
    updated.sections.sort_by_key(|s| {
        order
            .sections
            .iter()
            .position(|o| o.id == s.id)
            .unwrap_or(usize::MAX)
    });
    updated
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn slugs_match_ids_and_headings() {
        assert_eq!(slug("So what?"), "so-what");
        assert_eq!(slug("Action plan"), "action-plan");
        assert!(
            spec(ReflectiveModel::Gibbs)
                .section("Action Plan")
                .is_some()
        );
        assert!(spec(ReflectiveModel::Rolfe).section("so-what").is_some());
        assert!(spec(ReflectiveModel::Rolfe).section("analysis").is_none());
    }

    #[test]
    fn a_template_round_trips_through_parse() {
        let text = "## What?\n# hint\nA patient offered me his number.\n\n## Feelings (private)\nAwkward.\n## So what?\n\n## Now what?\nTell my manager.\n";
        let r = parse(text, ReflectiveModel::Rolfe, None, now()).unwrap();
        let ids: Vec<&str> = r.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["what", "feelings", "now-what"]);
        assert!(!r.sections[1].shared, "feelings are private by default");
        assert!(r.sections[0].shared);
        assert_eq!(r.sections[0].text, "A patient offered me his number.");
    }

    #[test]
    fn sharing_choices_survive_a_re_edit() {
        let first = parse(
            "## Feelings\nShaken.\n",
            ReflectiveModel::Rolfe,
            None,
            now(),
        )
        .unwrap();
        let shared = set_section(
            Some(&first),
            ReflectiveModel::Rolfe,
            spec(ReflectiveModel::Rolfe).section("feelings").unwrap(),
            None,
            Some(true),
            now(),
        );
        let again = parse(
            "## Feelings\nStill shaken.\n",
            ReflectiveModel::Rolfe,
            Some(&shared),
            now(),
        )
        .unwrap();
        assert!(again.sections[0].shared);
        assert_eq!(again.sections[0].text, "Still shaken.");
    }

    #[test]
    fn unknown_headings_are_refused() {
        let err = parse("## Whatever\ntext\n", ReflectiveModel::Gibbs, None, now()).unwrap_err();
        assert!(err.to_string().contains("action-plan"));
    }

    #[test]
    fn sections_from_another_model_are_kept() {
        let gibbs = parse(
            "## Analysis\nPolicy says no.\n",
            ReflectiveModel::Gibbs,
            None,
            now(),
        )
        .unwrap();
        let rolfe = parse(
            "## What?\nIt happened.\n",
            ReflectiveModel::Rolfe,
            Some(&gibbs),
            now(),
        )
        .unwrap();
        assert!(rolfe.sections.iter().any(|s| s.id == "analysis"));
        assert!(rolfe.sections.iter().any(|s| s.id == "what"));
    }

    #[test]
    fn every_model_has_a_private_feelings_section_and_maps_functions_to_real_sections() {
        for model in [
            ReflectiveModel::Rolfe,
            ReflectiveModel::Gibbs,
            ReflectiveModel::Driscoll,
            ReflectiveModel::Johns,
        ] {
            let s = spec(model);
            assert!(s.sections.iter().any(|x| x.private), "{model:?}");
            for f in Function::ALL {
                assert!(s.section(s.section_for(f)).is_some(), "{model:?} {f:?}");
            }
        }
    }
}
