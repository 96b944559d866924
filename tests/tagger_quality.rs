//! The tagger's quality on the labelled corpus, measured the way the README reports it.
//!
//! The floors sit just under what the built-in taxonomy achieves today, so a change
//! that makes the tagger worse fails here. They are not the targets: the README and
//! BENCHMARKS.md give the measured figures next to the targets they miss. The dev split
//! is the one the cue families were tuned on. The holdout split was not looked at while
//! tuning until 2026-11-30, when its misses were read and a few cue families were
//! widened; since then the `fresh` split, written by a separate author who never saw the
//! rules and frozen before it was first scored, is the honest estimate of what a
//! practitioner's own text gets.
#![allow(clippy::print_stdout)]

use candour::tagger::eval::{Corpus, Report, evaluate};
use candour::taxonomy::Taxonomy;

const CORPUS: &str = include_str!("fixtures/tagger/corpus.toml");

struct Floors {
    f1: f64,
    precision: f64,
    recall: f64,
    escalate: f64,
    negatives_clean: f64,
}

fn measure(split: &str) -> Report {
    let corpus = Corpus::parse(CORPUS).expect("the corpus parses");
    let report = evaluate(Taxonomy::builtin(), corpus.split(Some(split)));
    println!("## {split}\n\n{}", report.table());
    report
}

fn check(split: &str, report: &Report, floors: &Floors) {
    let micro = report.micro;
    let figures = [
        ("micro-F1", micro.f1(), floors.f1),
        ("precision", micro.precision(), floors.precision),
        ("recall", micro.recall(), floors.recall),
        (
            "escalate accuracy",
            report.escalate_accuracy(),
            floors.escalate,
        ),
        (
            "negatives untagged",
            report.negatives_clean_rate(),
            floors.negatives_clean,
        ),
    ];
    let below: Vec<String> = figures
        .iter()
        .filter(|(_, value, floor)| value < floor)
        .map(|(name, value, floor)| format!("{name} {value:.3} < floor {floor:.2}"))
        .collect();
    assert!(below.is_empty(), "{split}: {}", below.join("; "));
}

#[test]
fn the_corpus_is_big_enough_and_split() {
    let corpus = Corpus::parse(CORPUS).expect("the corpus parses");
    let count = |split: &str| corpus.split(Some(split)).count();
    let negatives = corpus
        .cases
        .iter()
        .filter(|c| c.categories.is_empty())
        .count();
    assert!(corpus.cases.len() >= 200, "{} cases", corpus.cases.len());
    assert!(negatives >= 40, "{negatives} negatives");
    assert!(count("dev") >= 100 && count("holdout") >= 100);
    // Every label is a category the taxonomy knows.
    let taxonomy = Taxonomy::builtin();
    for case in &corpus.cases {
        for id in &case.categories {
            let known = id.parse().is_ok_and(|id| taxonomy.category(&id).is_some());
            assert!(known, "{}: unknown {id}", case.id);
        }
    }
}

#[test]
fn dev_split_stays_above_its_floors() {
    let report = measure("dev");
    check(
        "dev",
        &report,
        &Floors {
            f1: 0.80,
            precision: 0.75,
            recall: 0.85,
            escalate: 0.81,
            negatives_clean: 0.85,
        },
    );
}

#[test]
fn holdout_split_stays_above_its_floors() {
    let report = measure("holdout");
    check(
        "holdout",
        &report,
        &Floors {
            f1: 0.57,
            precision: 0.63,
            recall: 0.52,
            escalate: 0.71,
            negatives_clean: 0.86,
        },
    );
}

#[test]
fn fresh_split_stays_above_its_floors() {
    let report = measure("fresh");
    check(
        "fresh",
        &report,
        &Floors {
            f1: 0.56,
            precision: 0.54,
            recall: 0.57,
            escalate: 0.69,
            negatives_clean: 0.76,
        },
    );
}

#[test]
fn every_category_is_found_at_least_sometimes_on_the_holdout() {
    let report = measure("holdout");
    for (id, counts) in &report.per_category {
        assert!(counts.true_positives > 0, "{id} never found on the holdout");
    }
}
