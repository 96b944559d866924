//! Trains candour's learned lexicon on the labelled corpus and writes
//! `schema/lexicon.tsv`, which the binary embeds. Run it after changing the corpus's
//! training splits (a test fails until you do):
//!
//! ```sh
//! cargo run --release --example train_lexicon
//! ```
//!
//! `--cv` writes nothing and instead prints five-fold cross-validation of the lexicon
//! blended into the built-in taxonomy, on the training splits, and the same for long
//! posts made of two held-out cases joined. `--c X`, `--min-df N`,
//! `--blend X`, `--cut X`, `--trust X`, `--trust-short X`, `--short N`, `--iterations N` and `--window N` change the
//! settings for either.

// An example prints its report.
#![allow(clippy::print_stdout)]

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use candour::tagger::Classification;
use candour::tagger::classify_with;
use candour::tagger::eval::{
    Case, Corpus, TRAINING_SPLITS, classify_folds, examples, fold_lexicons, score,
};
use candour::tagger::learned::{Lexicon, Settings};
use candour::taxonomy::Taxonomy;

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut settings = Settings::default();
    let mut cv = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--cv" => cv = true,
            "--c" => settings.c = value()?.parse()?,
            "--min-df" => settings.min_df = value()?.parse()?,
            "--blend" => settings.blend = value()?.parse()?,
            "--cut" => settings.cut = value()?.parse()?,
            "--trust" => settings.trust = value()?.parse()?,
            "--iterations" => settings.iterations = value()?.parse()?,
            "--window" => settings.window = value()?.parse()?,
            "--short" => settings.short = value()?.parse()?,
            "--trust-short" => settings.trust_short = value()?.parse()?,
            other => bail!("unknown argument {other}; see examples/train_lexicon.rs"),
        }
    }
    let text = std::fs::read_to_string(root.join("tests/fixtures/tagger/corpus.toml"))?;
    let corpus = Corpus::parse(&text).map_err(anyhow::Error::msg)?;
    let training: Vec<_> = corpus
        .cases
        .iter()
        .filter(|c| TRAINING_SPLITS.contains(&c.split.as_str()))
        .collect();
    let taxonomy = Taxonomy::builtin();
    if cv {
        let folds = fold_lexicons(taxonomy, &training, 5, settings);
        let scored = classify_folds(taxonomy, &folds);
        let report = score(taxonomy, scored.iter().cloned());
        println!(
            "## five-fold cross-validation, {settings:?}\n\n{}",
            report.table()
        );
        // The fresh split was never tuned on by hand, so the cue families have no head
        // start there: the fairest of the three.
        let fresh = score(
            taxonomy,
            scored.into_iter().filter(|(c, _)| c.split == "fresh"),
        );
        println!("## of which the fresh split\n\n{}", fresh.table());
        long_posts(taxonomy, &folds);
        return Ok(());
    }
    let ids: Vec<String> = taxonomy
        .categories
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    let lexicon = Lexicon::train(&examples(training.iter().copied()), &ids, settings);
    let header = format!(
        "candour's learned lexicon: written by `cargo run --release --example train_lexicon`;\n\
         do not edit by hand. Trained on the {} cases of the {} splits of\n\
         tests/fixtures/tagger/corpus.toml. Columns: the term (a stemmed word or a pair of\n\
         words), its inverse document frequency, then one weight per category in the order\n\
         of @categories, in thousandths. @blend is the share of a category's score that\n\
         comes from the cue families; @cut is the blended score at which it is tagged;\n\
         a cue confidence of @trust or more (@trust_short or more in a text of at most\n\
         @short words) tags the category whatever the lexicon says.",
        training.len(),
        TRAINING_SPLITS.join(", ")
    );
    let path = root.join("schema/lexicon.tsv");
    std::fs::write(&path, lexicon.to_tsv(&header))?;
    println!("wrote {} ({} cases)", path.display(), training.len());
    Ok(())
}

/// Real posts are often long and about more than one thing. Joins each held-out positive
/// case to the next one of its fold and scores the pair against both sets of labels, so
/// the effect of length on the lexicon (and of `--window`) can be seen.
fn long_posts(taxonomy: &Taxonomy, folds: &[(Lexicon, Vec<&Case>)]) {
    let mut joined: Vec<(Case, Classification)> = Vec::new();
    for (lexicon, held_out) in folds {
        let held: Vec<&Case> = held_out
            .iter()
            .copied()
            .filter(|c| !c.categories.is_empty())
            .collect();
        for (i, first) in held.iter().enumerate() {
            let second = held[(i + 1) % held.len()];
            let mut categories = first.categories.clone();
            for c in &second.categories {
                if !categories.contains(c) {
                    categories.push(c.clone());
                }
            }
            let text = format!(
                "{}\n\nSomething else from this week. {}",
                first.text, second.text
            );
            let found = classify_with(taxonomy, Some(lexicon), &text);
            let case = Case {
                id: format!("{}+{}", first.id, second.id),
                split: "joined".into(),
                profession: String::new(),
                text,
                categories,
                route: first.route.max(second.route),
                escalate: first.escalate || second.escalate,
            };
            joined.push((case, found));
        }
    }
    let report = score(taxonomy, joined.iter().map(|(c, f)| (c, f.clone())));
    println!(
        "## long posts: two held-out cases joined\n\n{}",
        report.table()
    );
}
