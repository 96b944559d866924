//! Prints the tagger's quality on the labelled corpus: micro and per-category
//! precision/recall/F1, escalate accuracy and clean negatives, per split, plus the cases
//! it gets wrong (`--misses`).
//!
//! ```sh
//! cargo run --release --example tagger_eval
//! cargo run --release --example tagger_eval -- --split dev --misses
//! cargo run --release --example tagger_eval -- --taxonomy my.toml --corpus my-corpus.toml
//! cargo run --release --example tagger_eval -- --cues-only   # without the learned lexicon
//! ```
//!
//! The learned lexicon is trained on the dev, holdout, fresh and train splits, so only
//! the fresh2 split (and `train_lexicon --cv`) say how the blend does on unseen text.

// An example prints its report.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use candour::tagger::eval::{Corpus, evaluate_with};
use candour::taxonomy::Taxonomy;

fn main() -> Result<()> {
    let mut corpus_path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tagger/corpus.toml"
    ));
    let mut taxonomy_path: Option<PathBuf> = None;
    let mut split: Option<String> = None;
    let mut show_misses = false;
    let mut cues_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--corpus" => corpus_path = args.next().context("--corpus FILE")?.into(),
            "--taxonomy" => taxonomy_path = Some(args.next().context("--taxonomy FILE")?.into()),
            "--split" => split = Some(args.next().context("--split NAME")?),
            "--misses" => show_misses = true,
            "--cues-only" => cues_only = true,
            other => bail!(
                "unknown argument {other}; see the comment at the top of examples/tagger_eval.rs"
            ),
        }
    }
    let taxonomy = match &taxonomy_path {
        Some(path) => Taxonomy::load(path)?,
        None => Taxonomy::builtin().clone(),
    };
    let text =
        std::fs::read_to_string(&corpus_path).with_context(|| corpus_path.display().to_string())?;
    let corpus = Corpus::parse(&text).map_err(anyhow::Error::msg)?;
    let splits: Vec<Option<&str>> = match &split {
        Some(s) => vec![Some(s.as_str())],
        None => vec![
            Some("dev"),
            Some("holdout"),
            Some("fresh"),
            Some("train"),
            Some("fresh2"),
            None,
        ],
    };
    for s in splits {
        let lexicon = if cues_only { None } else { taxonomy.lexicon() };
        let report = evaluate_with(&taxonomy, lexicon, corpus.split(s));
        println!("## {}\n", s.unwrap_or("all"));
        println!("{}", report.table());
        if show_misses {
            for m in &report.misses {
                let case = corpus.cases.iter().find(|c| c.id == m.id).context("case")?;
                let result = candour::tagger::classify_with(&taxonomy, lexicon, &case.text);
                let evidence: Vec<String> = result
                    .categories
                    .iter()
                    .filter(|f| m.extra.contains(&f.id.to_string()))
                    .map(|f| {
                        let words: Vec<&str> = f.evidence.iter().map(|e| e.text.as_str()).collect();
                        format!("{}={words:?}", f.id)
                    })
                    .collect();
                let escalate = m
                    .escalate
                    .map(|(e, p)| format!(" ESCALATE expected {e} got {p}"));
                println!(
                    "- {} missed {:?} extra {:?} route {:?}->{:?}{}\n    {}\n    extra: {}\n    why: {:?}",
                    m.id,
                    m.missed,
                    m.extra,
                    m.route.0,
                    m.route.1,
                    escalate.unwrap_or_default(),
                    case.text.trim().replace('\n', " "),
                    evidence.join("; "),
                    result.reasons
                );
            }
            println!();
        }
    }
    Ok(())
}
