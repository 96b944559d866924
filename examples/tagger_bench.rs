//! The tagger's speed: taxonomy load + compile, learned lexicon load, and classifying a
//! 2,000-word text.
//!
//! ```text
//! cargo run --release --example tagger_bench
//! ```
//!
//! The text is the labelled corpus's dev cases joined until it reaches 2,000 words, so
//! it is dense with cue words (a harder case than an ordinary entry). Prints the median
//! and the fastest of repeated runs; targets from the taxonomy issue: compile ≤ 20 ms,
//! classify ≤ 2 ms.
#![allow(clippy::print_stdout, missing_docs)]

use std::time::{Duration, Instant};

use candour::tagger::eval::Corpus;
use candour::tagger::learned::{EMBEDDED, Lexicon};
use candour::taxonomy::{DEFAULT_TOML, Taxonomy};

/// The median and the fastest of repeated runs, in milliseconds. On a shared machine
/// the median moves with the neighbours' load; the fastest shows the work itself.
struct Timing {
    median: f64,
    fastest: f64,
}

fn median(mut samples: Vec<Duration>) -> Timing {
    samples.sort();
    Timing {
        median: samples[samples.len() / 2].as_secs_f64() * 1e3,
        fastest: samples[0].as_secs_f64() * 1e3,
    }
}

fn main() -> anyhow::Result<()> {
    let compile = median(
        (0..15)
            .map(|_| {
                let start = Instant::now();
                let taxonomy = Taxonomy::parse(DEFAULT_TOML, "built-in");
                let elapsed = start.elapsed();
                assert!(taxonomy.is_ok());
                elapsed
            })
            .collect(),
    );
    let lexicon = median(
        (0..15)
            .map(|_| {
                let start = Instant::now();
                let lexicon = Lexicon::parse(EMBEDDED);
                let elapsed = start.elapsed();
                assert!(lexicon.is_ok());
                elapsed
            })
            .collect(),
    );
    let corpus = Corpus::parse(include_str!("../tests/fixtures/tagger/corpus.toml"))
        .map_err(anyhow::Error::msg)?;
    let mut text = String::new();
    let dev: Vec<_> = corpus.split(Some("dev")).collect();
    for case in dev.iter().cycle() {
        if text.split_whitespace().count() >= 2000 {
            break;
        }
        text.push_str(&case.text);
        text.push('\n');
    }
    let words = text.split_whitespace().count();
    let taxonomy = Taxonomy::builtin();
    let timed = |lexicon: Option<&Lexicon>| {
        median(
            (0..200)
                .map(|_| {
                    let start = Instant::now();
                    let found = candour::tagger::classify_with(taxonomy, lexicon, &text);
                    let elapsed = start.elapsed();
                    assert!(!found.categories.is_empty());
                    elapsed
                })
                .collect(),
        )
    };
    let classify = timed(taxonomy.lexicon());
    let cues_only = timed(None);
    println!(
        "taxonomy load + compile: median {:.1} ms, fastest {:.1} ms (15 runs)",
        compile.median, compile.fastest
    );
    println!(
        "learned lexicon load: median {:.1} ms, fastest {:.1} ms (15 runs)",
        lexicon.median, lexicon.fastest
    );
    println!(
        "classify {words} words ({} bytes): median {:.2} ms, fastest {:.2} ms; \
         with the cues alone median {:.2} ms, fastest {:.2} ms (200 runs)",
        text.len(),
        classify.median,
        classify.fastest,
        cues_only.median,
        cues_only.fastest
    );
    Ok(())
}
