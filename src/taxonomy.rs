//! The boundary taxonomy: loaded from TOML, validated, and compiled once.
//!
//! The taxonomy is data, not code (`schema/boundaries.toml` is embedded as the default;
//! a user can replace it with their own file). It names the categories, the cue
//! patterns that suggest each one, the guards that veto false positives, the modifiers
//! that change who should hear about a dilemma (the crossing already happened, the
//! person is vulnerable, secrecy…), the route rules, and the prompts and references used
//! for supervision and manager conversations.
//!
//! ## Patterns
//! Cues, guards and modifiers are word patterns (see [`crate::tagger::pattern`]):
//! `gave me (his|her) number`, `text* me`, `{give} me {w2} number`. `{name}` expands to a
//! `[macros]` entry. Every pattern is compiled when the taxonomy loads, so a bad pattern
//! is a named error at start-up, never a surprise later.
//!
//! ## Validation
//! Ids are unique and well-formed, every category has supervision and manager prompts,
//! every pattern compiles, rules name only known categories and modifiers, and the
//! threshold lies in (0, 1]. Errors name the category and the pattern at fault.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::tagger::pattern::{Matcher, PatternError};
use serde::{Deserialize, Serialize};

use crate::model::{CategoryId, Route};

/// The built-in taxonomy file.
pub const DEFAULT_TOML: &str = include_str!("../schema/boundaries.toml");

/// Why a taxonomy could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// The file could not be read.
    #[error("cannot read the taxonomy {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The TOML is malformed or has unknown fields.
    #[error("the taxonomy {origin} is not valid: {message}")]
    Parse {
        /// Where it came from.
        origin: String,
        /// The parser's message (about the taxonomy file, never journal text).
        message: String,
    },
    /// No categories at all.
    #[error("the taxonomy {origin} has no categories")]
    NoCategories {
        /// Where it came from.
        origin: String,
    },
    /// Two categories or modifiers share an id.
    #[error("the taxonomy {origin} defines {what} {id:?} twice")]
    DuplicateId {
        /// Where it came from.
        origin: String,
        /// "category" or "modifier".
        what: &'static str,
        /// The id.
        id: String,
    },
    /// An id is not lower-case words joined by hyphens.
    #[error("the taxonomy {origin}: {message}")]
    BadId {
        /// Where it came from.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// A pattern uses a macro that is not defined.
    #[error("the taxonomy {origin}: {owner} uses the undefined macro {{{name}}} in {pattern:?}")]
    UnknownMacro {
        /// Where it came from.
        origin: String,
        /// The category or modifier.
        owner: String,
        /// The macro name.
        name: String,
        /// The pattern.
        pattern: String,
    },
    /// A pattern does not compile.
    #[error("the taxonomy {origin}: {owner} has an invalid pattern {pattern:?}: {message}")]
    BadPattern {
        /// Where it came from.
        origin: String,
        /// The category or modifier.
        owner: String,
        /// The pattern as written.
        pattern: String,
        /// What is wrong with it.
        message: String,
    },
    /// A category lacks the prompts every category must carry.
    #[error("the taxonomy {origin}: category {id:?} has no {what}")]
    MissingPrompts {
        /// Where it came from.
        origin: String,
        /// The category.
        id: String,
        /// "supervision prompts" or "manager prompts".
        what: &'static str,
    },
    /// A rule names an unknown category or modifier.
    #[error("the taxonomy {origin}: rule {index} refers to the unknown {what} {id:?}")]
    UnknownReference {
        /// Where it came from.
        origin: String,
        /// The rule's position (1-based).
        index: usize,
        /// "category" or "modifier".
        what: &'static str,
        /// The id.
        id: String,
    },
    /// Something else is out of range.
    #[error("the taxonomy {origin}: {message}")]
    Invalid {
        /// Where it came from.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// Proctor's three functions of supervision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Function {
    /// Standards, policy, accountability.
    Normative,
    /// Learning and development.
    Formative,
    /// Support and wellbeing.
    Restorative,
}

impl Function {
    /// Every function, in the order prompts are shown.
    pub const ALL: [Function; 3] = [
        Function::Normative,
        Function::Formative,
        Function::Restorative,
    ];

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Function::Normative => "normative",
            Function::Formative => "formative",
            Function::Restorative => "restorative",
        }
    }

    /// A heading for people.
    pub fn heading(self) -> &'static str {
        match self {
            Function::Normative => "Normative — standards, policy and accountability",
            Function::Formative => "Formative — learning from it",
            Function::Restorative => "Restorative — how it is affecting you",
        }
    }
}

/// A supervision prompt, marked with the function it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionPrompt {
    /// Proctor's function.
    pub function: Function,
    /// The question.
    pub text: String,
}

/// A prompt for the line-manager conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagerPrompt {
    /// The question.
    pub text: String,
}

/// A professional code or guidance document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The document's name.
    pub document: String,
    /// The section, only where it was verified against the publisher's own text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.section {
            Some(section) => write!(f, "{}, {section}", self.document),
            None => f.write_str(&self.document),
        }
    }
}

/// A cue as written in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CueSpec {
    /// The pattern.
    pub pattern: String,
    /// How strongly it suggests the category, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
}

/// Where all the patterns of a combination must be found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// In one sentence.
    #[default]
    Sentence,
    /// Anywhere in the text.
    Text,
}

/// A combination cue as written in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComboSpec {
    /// Every one of these must match.
    pub all: Vec<String>,
    /// Where (default: one sentence).
    #[serde(default)]
    pub within: Scope,
    /// How strongly the combination suggests the category (default 0.75).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
}

/// A category as written in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorySpec {
    /// The id (`personal-contact`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the category covers.
    pub description: String,
    /// Crossing versus violation.
    pub crossing: String,
    /// Who should hear about it before any rule applies.
    pub default_route: Route,
    /// Strong cues: tag on their own.
    #[serde(default)]
    pub cues: Vec<CueSpec>,
    /// Weak cues: count only with a person in care mentioned nearby.
    #[serde(default)]
    pub weak_cues: Vec<CueSpec>,
    /// Combinations: several patterns that together suggest the category (for example
    /// a person who may lack capacity, and money), in one sentence or anywhere.
    #[serde(default)]
    pub combos: Vec<ComboSpec>,
    /// False-positive traps: cue matches overlapping these are ignored.
    #[serde(default)]
    pub guards: Vec<String>,
    /// Questions for supervision.
    #[serde(default)]
    pub supervision_prompts: Vec<SupervisionPrompt>,
    /// Questions for the line manager.
    #[serde(default)]
    pub manager_prompts: Vec<ManagerPrompt>,
    /// Codes and guidance.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Local policies a manager conversation would look at ("gifts and hospitality").
    #[serde(default)]
    pub policies: Vec<String>,
    /// NMC Code themes the category relates to, for the reflective account template.
    #[serde(default)]
    pub nmc_themes: Vec<String>,
}

/// A route modifier as written in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModifierSpec {
    /// The id (`happened`, `vulnerable` …).
    pub id: String,
    /// A phrase for route reasons ("the crossing has already happened").
    pub label: String,
    /// Patterns that show it.
    pub patterns: Vec<String>,
    /// Patterns that veto a match they overlap.
    #[serde(default)]
    pub guards: Vec<String>,
    /// Whether a negation just before a match cancels it ("I didn't accept").
    #[serde(default = "yes")]
    pub negatable: bool,
}

fn yes() -> bool {
    true
}

/// When a rule applies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// At least one of these categories is tagged (empty: no condition).
    #[serde(default)]
    pub any_category: Vec<String>,
    /// All of these modifiers were found (empty: no condition).
    #[serde(default)]
    pub all_modifiers: Vec<String>,
    /// At least one of these modifiers was found (empty: no condition).
    #[serde(default)]
    pub any_modifier: Vec<String>,
}

/// A route rule as written in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// When it applies.
    #[serde(default)]
    pub when: Condition,
    /// The route is at least this.
    #[serde(default)]
    pub route: Option<Route>,
    /// Raise the default route one level, never above `ceiling`.
    #[serde(default)]
    pub raise: bool,
    /// The highest a raise can reach (default `line-manager`).
    #[serde(default)]
    pub ceiling: Option<Route>,
    /// Why, in words shown to the user.
    pub reason: String,
}

fn learned_by_default() -> bool {
    true
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomySpec {
    /// Format version (1).
    pub version: u32,
    /// A name for people.
    pub name: String,
    /// Minimum confidence for a category to be tagged.
    pub threshold: f64,
    /// Whether candour's learned lexicon is blended into the categories it knows (by id);
    /// `false` tags with this file's cues alone.
    #[serde(default = "learned_by_default")]
    pub learned: bool,
    /// Reusable pattern fragments.
    #[serde(default)]
    pub macros: BTreeMap<String, String>,
    /// Mentions of a person in care, which let weak cues count.
    #[serde(default)]
    pub context: Vec<String>,
    /// Third-person pronouns that refer back to a person in care mentioned earlier.
    #[serde(default)]
    pub pronouns: Vec<String>,
    /// Negation words that, just before a cue, mark it as declined or denied.
    #[serde(default)]
    pub negations: Vec<String>,
    /// Guards that apply to every category.
    #[serde(default)]
    pub guards: Vec<String>,
    /// The categories.
    #[serde(rename = "category", default)]
    pub categories: Vec<CategorySpec>,
    /// The route modifiers.
    #[serde(rename = "modifier", default)]
    pub modifiers: Vec<ModifierSpec>,
    /// The route rules.
    #[serde(rename = "rule", default)]
    pub rules: Vec<RuleSpec>,
}

/// One cue as compiled: its text and weight. The pattern itself lives in the
/// taxonomy's [`Matcher`].
#[derive(Debug, Clone)]
pub struct Cue {
    /// The pattern as written.
    pub source: String,
    /// Weight 0–1.
    pub weight: f64,
}

/// A group of patterns (a category's cues, its guards, a modifier's patterns …),
/// identified in the taxonomy's matcher by `id`.
#[derive(Debug, Clone)]
pub struct PatternGroup {
    /// The group's id in the matcher.
    pub id: u32,
    /// The patterns, in file order (their index is the match's pattern index).
    pub items: Vec<Cue>,
}

/// A validated, compiled category.
#[derive(Debug, Clone)]
pub struct Category {
    /// Its id.
    pub id: CategoryId,
    /// Everything as written.
    pub spec: CategorySpec,
    /// Strong cues.
    pub cues: PatternGroup,
    /// Weak cues.
    pub weak_cues: PatternGroup,
    /// Category guards.
    pub guards: PatternGroup,
    /// Combinations: one group per combination, its patterns in order.
    pub combos: Vec<(PatternGroup, Scope, f64)>,
}

/// A validated, compiled modifier.
#[derive(Debug, Clone)]
pub struct Modifier {
    /// Everything as written.
    pub spec: ModifierSpec,
    /// Its patterns.
    pub patterns: PatternGroup,
    /// Its guards.
    pub guards: PatternGroup,
}

/// Patterns whose compiling is deferred: the macros, and (owner, source) in order.
type Deferred = (HashMap<String, String>, Vec<((u32, u32), String)>);

/// A loaded taxonomy.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Where it came from ("built-in" or a path).
    pub origin: String,
    /// Everything as written.
    pub spec: TaxonomySpec,
    /// Categories in file order.
    pub categories: Vec<Category>,
    /// Modifiers in file order.
    pub modifiers: Vec<Modifier>,
    /// Person-in-care mentions.
    pub context: PatternGroup,
    /// Pronouns referring back to a person in care.
    pub pronouns: PatternGroup,
    /// Negation words.
    pub negations: PatternGroup,
    /// Guards for every category.
    pub guards: PatternGroup,
    /// Every pattern above, compiled together (on first use for the built-in taxonomy,
    /// which a unit test validates, so commands that only need names and prompts do not
    /// pay for compiling cues).
    matcher: OnceLock<Matcher>,
    /// The patterns still to compile, with their macros, when compiling is deferred.
    deferred: Option<Deferred>,
}

impl Taxonomy {
    /// The built-in taxonomy, compiled once per process.
    ///
    /// # Panics
    /// Never for a binary built from this tree: a unit test checks the embedded file.
    pub fn builtin() -> &'static Taxonomy {
        static BUILTIN: OnceLock<Taxonomy> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The embedded file is validated by a unit test; failing here means the
            // binary was built from a broken tree, which no user input can cause.
            #[allow(clippy::expect_used)]
            let spec: TaxonomySpec =
                toml::from_str(DEFAULT_TOML).expect("the built-in taxonomy is valid");
            Taxonomy::compile_with(spec, "built-in", false).expect("the built-in taxonomy is valid")
        })
    }

    /// The learned lexicon blended into this taxonomy's categories, if it is used.
    pub fn lexicon(&self) -> Option<&'static crate::tagger::learned::Lexicon> {
        self.spec
            .learned
            .then(crate::tagger::learned::Lexicon::builtin)
    }

    /// Every pattern, compiled together.
    pub fn matcher(&self) -> &Matcher {
        self.matcher.get_or_init(|| {
            let (macros, patterns) = self.deferred.clone().unwrap_or_default();
            let mut matcher = Matcher::new(macros);
            for (owner, source) in &patterns {
                // Deferred only for the built-in file, whose patterns a unit test compiles.
                let _ = matcher.add(*owner, source);
            }
            matcher
        })
    }

    /// Loads a taxonomy file.
    pub fn load(path: &Path) -> Result<Taxonomy, TaxonomyError> {
        let text = std::fs::read_to_string(path).map_err(|source| TaxonomyError::Read {
            path: path.to_owned(),
            source,
        })?;
        Taxonomy::parse(&text, &path.display().to_string())
    }

    /// Parses and compiles taxonomy text.
    pub fn parse(text: &str, origin: &str) -> Result<Taxonomy, TaxonomyError> {
        let spec: TaxonomySpec = toml::from_str(text).map_err(|e| TaxonomyError::Parse {
            origin: origin.to_owned(),
            message: crate::error::one_line(e.message()) + &location(text, e.span()),
        })?;
        Taxonomy::compile(spec, origin)
    }

    /// Validates and compiles a parsed specification.
    pub fn compile(spec: TaxonomySpec, origin: &str) -> Result<Taxonomy, TaxonomyError> {
        Taxonomy::compile_with(spec, origin, true)
    }

    /// As [`Taxonomy::compile`]; with `eager` false the patterns are only checked for
    /// their structure here and compiled on first use.
    fn compile_with(
        spec: TaxonomySpec,
        origin: &str,
        eager: bool,
    ) -> Result<Taxonomy, TaxonomyError> {
        let o = || origin.to_owned();
        if spec.version != 1 {
            return Err(TaxonomyError::Invalid {
                origin: o(),
                message: format!(
                    "version {} is not supported (this candour reads version 1)",
                    spec.version
                ),
            });
        }
        if !(spec.threshold > 0.0 && spec.threshold <= 1.0) {
            return Err(TaxonomyError::Invalid {
                origin: o(),
                message: format!("threshold {} must be above 0 and at most 1", spec.threshold),
            });
        }
        if spec.categories.is_empty() {
            return Err(TaxonomyError::NoCategories { origin: o() });
        }
        let macros: HashMap<String, String> = spec.macros.clone().into_iter().collect();
        let mut compiler = Compiler {
            origin,
            matcher: Matcher::new(macros.clone()),
            next_group: 0,
            deferred: (!eager).then(Vec::new),
        };
        let mut seen = HashSet::new();
        let mut categories = Vec::with_capacity(spec.categories.len());
        for c in &spec.categories {
            let id =
                CategoryId::try_from(c.id.clone()).map_err(|message| TaxonomyError::BadId {
                    origin: o(),
                    message,
                })?;
            if !seen.insert(c.id.clone()) {
                return Err(TaxonomyError::DuplicateId {
                    origin: o(),
                    what: "category",
                    id: c.id.clone(),
                });
            }
            if c.supervision_prompts.is_empty()
                || c.supervision_prompts
                    .iter()
                    .any(|p| p.text.trim().is_empty())
            {
                return Err(TaxonomyError::MissingPrompts {
                    origin: o(),
                    id: c.id.clone(),
                    what: "supervision prompts",
                });
            }
            if c.manager_prompts.is_empty()
                || c.manager_prompts.iter().any(|p| p.text.trim().is_empty())
            {
                return Err(TaxonomyError::MissingPrompts {
                    origin: o(),
                    id: c.id.clone(),
                    what: "manager prompts",
                });
            }
            if c.cues.is_empty() && c.weak_cues.is_empty() && c.combos.is_empty() {
                return Err(TaxonomyError::Invalid {
                    origin: o(),
                    message: format!("category {:?} has no cues", c.id),
                });
            }
            if let Some(theme) = c
                .nmc_themes
                .iter()
                .find(|t| !crate::report::NMC_THEMES.contains(&t.as_str()))
            {
                return Err(TaxonomyError::Invalid {
                    origin: o(),
                    message: format!(
                        "category {:?}: {theme:?} is not one of the NMC Code's themes ({})",
                        c.id,
                        crate::report::NMC_THEMES.join(", ")
                    ),
                });
            }
            let owner = format!("category {:?}", c.id);
            categories.push(Category {
                id,
                cues: compiler.group(&owner, &c.cues, 0.85)?,
                weak_cues: compiler.group(&owner, &c.weak_cues, 0.55)?,
                guards: compiler.plain_group(&owner, &c.guards)?,
                combos: c
                    .combos
                    .iter()
                    .map(|combo| {
                        let weight = combo.weight.unwrap_or(0.75);
                        if combo.all.len() < 2 || !(weight > 0.0 && weight <= 1.0) {
                            return Err(TaxonomyError::Invalid {
                                origin: o(),
                                message: format!(
                                    "{owner}: a combination needs at least two patterns and a weight above 0 and at most 1"
                                ),
                            });
                        }
                        Ok((compiler.plain_group(&owner, &combo.all)?, combo.within, weight))
                    })
                    .collect::<Result<_, _>>()?,
                spec: c.clone(),
            });
        }
        let mut modifier_ids = HashSet::new();
        let mut modifiers = Vec::with_capacity(spec.modifiers.len());
        for m in &spec.modifiers {
            CategoryId::try_from(m.id.clone()).map_err(|message| TaxonomyError::BadId {
                origin: o(),
                message,
            })?;
            if !modifier_ids.insert(m.id.clone()) {
                return Err(TaxonomyError::DuplicateId {
                    origin: o(),
                    what: "modifier",
                    id: m.id.clone(),
                });
            }
            let owner = format!("modifier {:?}", m.id);
            modifiers.push(Modifier {
                patterns: compiler.plain_group(&owner, &m.patterns)?,
                guards: compiler.plain_group(&owner, &m.guards)?,
                spec: m.clone(),
            });
        }
        for (i, rule) in spec.rules.iter().enumerate() {
            let unknown = |what, id: &String| TaxonomyError::UnknownReference {
                origin: o(),
                index: i + 1,
                what,
                id: id.clone(),
            };
            if let Some(id) = rule.when.any_category.iter().find(|id| !seen.contains(*id)) {
                return Err(unknown("category", id));
            }
            if let Some(id) = rule
                .when
                .all_modifiers
                .iter()
                .chain(&rule.when.any_modifier)
                .find(|id| !modifier_ids.contains(*id))
            {
                return Err(unknown("modifier", id));
            }
            if rule.route.is_none() && !rule.raise {
                return Err(TaxonomyError::Invalid {
                    origin: o(),
                    message: format!("rule {} sets neither `route` nor `raise`", i + 1),
                });
            }
        }
        let context = compiler.plain_group("context", &spec.context)?;
        let pronouns = compiler.plain_group("pronouns", &spec.pronouns)?;
        let negations = compiler.plain_group("negations", &spec.negations)?;
        let guards = compiler.plain_group("guards", &spec.guards)?;
        Ok(Taxonomy {
            origin: origin.to_owned(),
            context,
            pronouns,
            negations,
            guards,
            categories,
            modifiers,
            matcher: match &compiler.deferred {
                Some(_) => OnceLock::new(),
                None => OnceLock::from(compiler.matcher),
            },
            deferred: compiler.deferred.map(|patterns| (macros, patterns)),
            spec,
        })
    }

    /// The category with this id.
    pub fn category(&self, id: &CategoryId) -> Option<&Category> {
        self.categories.iter().find(|c| &c.id == id)
    }

    /// Checks that `id` is a category here, with an error listing the valid ones.
    pub fn check_category(&self, id: &CategoryId) -> Result<&Category, String> {
        self.category(id).ok_or_else(|| {
            let ids: Vec<&str> = self.categories.iter().map(|c| c.id.as_str()).collect();
            format!(
                "{id:?} is not a category; choose one of: {}",
                ids.join(", ")
            )
        })
    }
}

/// " (line N, column M)" for a parse error span.
fn location(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else {
        return String::new();
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!(" (line {line}, column {column})")
}

struct Compiler<'a> {
    origin: &'a str,
    matcher: Matcher,
    next_group: u32,
    /// When compiling is deferred: the patterns, in order, to compile later.
    deferred: Option<Vec<((u32, u32), String)>>,
}

impl Compiler<'_> {
    fn group(
        &mut self,
        owner: &str,
        cues: &[CueSpec],
        default_weight: f64,
    ) -> Result<PatternGroup, TaxonomyError> {
        let id = self.next_group;
        self.next_group += 1;
        let mut items = Vec::with_capacity(cues.len());
        for (index, cue) in cues.iter().enumerate() {
            let weight = cue.weight.unwrap_or(default_weight);
            if !(weight > 0.0 && weight <= 1.0) {
                return Err(TaxonomyError::Invalid {
                    origin: self.origin.to_owned(),
                    message: format!(
                        "{owner}: the weight {weight} of {:?} must be above 0 and at most 1",
                        cue.pattern
                    ),
                });
            }
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            if let Some(deferred) = &mut self.deferred {
                deferred.push(((id, index), cue.pattern.clone()));
                items.push(Cue {
                    source: cue.pattern.clone(),
                    weight,
                });
                continue;
            }
            self.matcher
                .add((id, index), &cue.pattern)
                .map_err(|e| match e {
                    PatternError::UnknownMacro(name) => TaxonomyError::UnknownMacro {
                        origin: self.origin.to_owned(),
                        owner: owner.to_owned(),
                        name,
                        pattern: cue.pattern.clone(),
                    },
                    other => TaxonomyError::BadPattern {
                        origin: self.origin.to_owned(),
                        owner: owner.to_owned(),
                        pattern: cue.pattern.clone(),
                        message: other.to_string(),
                    },
                })?;
            items.push(Cue {
                source: cue.pattern.clone(),
                weight,
            });
        }
        Ok(PatternGroup { id, items })
    }

    fn plain_group(
        &mut self,
        owner: &str,
        patterns: &[String],
    ) -> Result<PatternGroup, TaxonomyError> {
        let cues: Vec<CueSpec> = patterns
            .iter()
            .map(|p| CueSpec {
                pattern: p.clone(),
                weight: None,
            })
            .collect();
        self.group(owner, &cues, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_taxonomy_compiles_every_pattern_eagerly() {
        // builtin() defers compiling; this is the check that lets it.
        let taxonomy = Taxonomy::parse(DEFAULT_TOML, "built-in").expect("valid");
        assert_eq!(taxonomy.categories.len(), 15);
        let lazy = Taxonomy::builtin();
        assert_eq!(lazy.matcher().len(), taxonomy.matcher().len());
        assert!(taxonomy.matcher().len() > 500);
    }

    #[test]
    fn a_broken_pattern_is_named_at_load() {
        let text = DEFAULT_TOML.replacen(
            "weight = 0.9 }",
            "weight = 0.9 }, { pattern = \"(open\" }",
            1,
        );
        let error = Taxonomy::parse(&text, "test").unwrap_err().to_string();
        assert!(error.contains("(open"), "{error}");
    }
}
