//! Measuring the tagger against a labelled corpus: micro and per-category precision,
//! recall and F1, escalate accuracy, and how many negatives stay untagged.
//!
//! The corpus format is TOML with one `[[case]]` per text:
//!
//! ```toml
//! [[case]]
//! id = "c001"
//! split = "dev"            # dev, holdout, fresh, train (trained on) or fresh2 (never seen)
//! text = """..."""
//! categories = ["personal-contact"]
//! route = "line-manager"
//! escalate = true
//! ```
//!
//! Anyone writing a custom taxonomy can measure it the same way
//! (`cargo run --example tagger_eval -- --corpus FILE --taxonomy FILE`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::learned::{Example, Lexicon, Settings};
use super::{Classification, classify_with};
use crate::model::Route;
use crate::taxonomy::Taxonomy;

/// One labelled text.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    /// Unique id.
    pub id: String,
    /// `dev`, `holdout`, `fresh`, `train` or `fresh2` (see the corpus header).
    pub split: String,
    /// Who wrote it (for reading the corpus; not used in scoring).
    #[serde(default)]
    pub profession: String,
    /// The text.
    pub text: String,
    /// The categories a careful supervisor would give it.
    pub categories: Vec<String>,
    /// The expected route.
    pub route: Route,
    /// The expected escalate flag (line-manager or escalate).
    pub escalate: bool,
}

/// A labelled corpus.
#[derive(Debug, Clone, Deserialize)]
pub struct Corpus {
    /// The cases.
    #[serde(rename = "case")]
    pub cases: Vec<Case>,
}

impl Corpus {
    /// Parses corpus TOML.
    pub fn parse(text: &str) -> Result<Corpus, String> {
        toml::from_str(text).map_err(|e| e.message().to_owned())
    }

    /// The cases of one split (`None`: all).
    pub fn split<'a>(&'a self, split: Option<&'a str>) -> impl Iterator<Item = &'a Case> + 'a {
        self.cases
            .iter()
            .filter(move |c| split.is_none_or(|s| c.split == s))
    }
}

/// Counts for one category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Tagged and labelled.
    pub true_positives: usize,
    /// Tagged, not labelled.
    pub false_positives: usize,
    /// Labelled, not tagged.
    pub false_negatives: usize,
}

impl Counts {
    /// Precision (1 when nothing was tagged).
    pub fn precision(self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Recall (1 when nothing was labelled).
    pub fn recall(self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn add(&mut self, other: Counts) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
    }
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        #[allow(clippy::cast_precision_loss)] // counts are far below 2^52
        let r = num as f64 / den as f64;
        r
    }
}

/// A case the tagger got wrong, for tuning.
#[derive(Debug, Clone)]
pub struct Miss {
    /// The case id.
    pub id: String,
    /// Labelled but not tagged.
    pub missed: Vec<String>,
    /// Tagged but not labelled.
    pub extra: Vec<String>,
    /// Expected and predicted escalate flags, when they differ.
    pub escalate: Option<(bool, bool)>,
    /// Expected and predicted routes.
    pub route: (Route, Route),
}

/// The result of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Cases scored.
    pub cases: usize,
    /// Micro-averaged counts.
    pub micro: Counts,
    /// Per category.
    pub per_category: BTreeMap<String, Counts>,
    /// Cases whose escalate flag was right.
    pub escalate_correct: usize,
    /// Cases whose route was exactly right.
    pub route_correct: usize,
    /// Negatives (no labelled category).
    pub negatives: usize,
    /// Negatives the tagger left untagged.
    pub negatives_clean: usize,
    /// Every case with any error.
    pub misses: Vec<Miss>,
}

impl Report {
    /// Share of cases with the right escalate flag.
    pub fn escalate_accuracy(&self) -> f64 {
        ratio(self.escalate_correct, self.cases)
    }

    /// Share of cases with exactly the right route.
    pub fn route_accuracy(&self) -> f64 {
        ratio(self.route_correct, self.cases)
    }

    /// Share of negatives with no tag.
    pub fn negatives_clean_rate(&self) -> f64 {
        ratio(self.negatives_clean, self.negatives)
    }

    /// A Markdown table of the figures.
    pub fn table(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "cases {} · micro P {:.3} R {:.3} F1 {:.3} · escalate accuracy {:.3} · route accuracy {:.3} · negatives untagged {}/{} ({:.3})\n\n",
            self.cases,
            self.micro.precision(),
            self.micro.recall(),
            self.micro.f1(),
            self.escalate_accuracy(),
            self.route_accuracy(),
            self.negatives_clean,
            self.negatives,
            self.negatives_clean_rate()
        ));
        out.push_str(
            "| category | support | precision | recall | F1 |\n|---|---:|---:|---:|---:|\n",
        );
        for (id, c) in &self.per_category {
            out.push_str(&format!(
                "| {id} | {} | {:.2} | {:.2} | {:.2} |\n",
                c.true_positives + c.false_negatives,
                c.precision(),
                c.recall(),
                c.f1()
            ));
        }
        out
    }
}

/// The splits the built-in lexicon is trained on. `fresh2` is kept out, so it measures
/// text that neither the cue families nor the lexicon have seen.
pub const TRAINING_SPLITS: [&str; 4] = ["dev", "holdout", "fresh", "train"];

/// Scores `taxonomy` (with its learned lexicon, if it uses one) on `cases`.
pub fn evaluate<'a>(taxonomy: &Taxonomy, cases: impl IntoIterator<Item = &'a Case>) -> Report {
    evaluate_with(taxonomy, taxonomy.lexicon(), cases)
}

/// Scores `taxonomy` blended with `lexicon` (or its cues alone, with `None`) on `cases`.
pub fn evaluate_with<'a>(
    taxonomy: &Taxonomy,
    lexicon: Option<&Lexicon>,
    cases: impl IntoIterator<Item = &'a Case>,
) -> Report {
    score(
        taxonomy,
        cases
            .into_iter()
            .map(|case| (case, classify_with(taxonomy, lexicon, &case.text))),
    )
}

/// The texts and labels of `cases`, to train a lexicon on.
pub fn examples<'a>(cases: impl IntoIterator<Item = &'a Case>) -> Vec<Example<'a>> {
    cases
        .into_iter()
        .map(|case| Example {
            text: &case.text,
            categories: &case.categories,
        })
        .collect()
}

/// K-fold cross-validation of a lexicon trained with `settings` and blended into
/// `taxonomy`: case *i* falls in fold *i* mod `folds`, and each fold is scored by a
/// lexicon trained on the others. An honest estimate from the training data itself.
pub fn cross_validate(
    taxonomy: &Taxonomy,
    cases: &[&Case],
    folds: usize,
    settings: Settings,
) -> Report {
    score(taxonomy, cross_validated(taxonomy, cases, folds, settings))
}

/// The classifications behind [`cross_validate`], each case with its own.
pub fn cross_validated<'a>(
    taxonomy: &Taxonomy,
    cases: &[&'a Case],
    folds: usize,
    settings: Settings,
) -> Vec<(&'a Case, Classification)> {
    classify_folds(taxonomy, &fold_lexicons(taxonomy, cases, folds, settings))
}

/// Each fold's cases tagged with the lexicon that did not see them.
pub fn classify_folds<'a>(
    taxonomy: &Taxonomy,
    folds: &[(Lexicon, Vec<&'a Case>)],
) -> Vec<(&'a Case, Classification)> {
    folds
        .iter()
        .flat_map(|(lexicon, held_out)| {
            held_out
                .iter()
                .map(move |case| (*case, classify_with(taxonomy, Some(lexicon), &case.text)))
        })
        .collect()
}

/// For each of `folds` folds (case *i* in fold *i* mod `folds`, at least two), a lexicon
/// trained on the other folds, with the fold's own cases.
pub fn fold_lexicons<'a>(
    taxonomy: &Taxonomy,
    cases: &[&'a Case],
    folds: usize,
    settings: Settings,
) -> Vec<(Lexicon, Vec<&'a Case>)> {
    let folds = folds.max(2);
    let ids: Vec<String> = taxonomy
        .categories
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    (0..folds)
        .map(|fold| {
            let in_fold = |i: &usize| i % folds == fold;
            let pick = |keep: bool| {
                cases
                    .iter()
                    .enumerate()
                    .filter(move |(i, _)| in_fold(i) == keep)
                    .map(|(_, c)| *c)
            };
            let lexicon = Lexicon::train(&examples(pick(false)), &ids, settings);
            (lexicon, pick(true).collect())
        })
        .collect()
}

/// Counts a set of classified cases.
pub fn score<'a>(
    taxonomy: &Taxonomy,
    classified: impl IntoIterator<Item = (&'a Case, Classification)>,
) -> Report {
    let mut report = Report::default();
    for category in &taxonomy.categories {
        report
            .per_category
            .insert(category.id.to_string(), Counts::default());
    }
    for (case, c) in classified {
        report.cases += 1;
        let predicted: BTreeSet<String> = c.categories.iter().map(|f| f.id.to_string()).collect();
        let expected: BTreeSet<String> = case.categories.iter().cloned().collect();
        for id in predicted.union(&expected) {
            let counts = Counts {
                true_positives: usize::from(predicted.contains(id) && expected.contains(id)),
                false_positives: usize::from(predicted.contains(id) && !expected.contains(id)),
                false_negatives: usize::from(!predicted.contains(id) && expected.contains(id)),
            };
            report
                .per_category
                .entry(id.clone())
                .or_default()
                .add(counts);
            report.micro.add(counts);
        }
        let escalate_right = c.escalate() == case.escalate;
        report.escalate_correct += usize::from(escalate_right);
        report.route_correct += usize::from(c.route == case.route);
        if expected.is_empty() {
            report.negatives += 1;
            report.negatives_clean += usize::from(predicted.is_empty());
        }
        if predicted != expected || !escalate_right || c.route != case.route {
            report.misses.push(Miss {
                id: case.id.clone(),
                missed: expected.difference(&predicted).cloned().collect(),
                extra: predicted.difference(&expected).cloned().collect(),
                escalate: (!escalate_right).then_some((case.escalate, c.escalate())),
                route: (case.route, c.route),
            });
        }
    }
    report
}
