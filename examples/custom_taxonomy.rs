//! Using a custom taxonomy from the library: load, validate, classify.
//!
//! ```sh
//! cargo run --example custom_taxonomy -- "My client asked if we could meet for coffee."
//! ```

// An example prints its result.
#![allow(clippy::print_stdout)]

use anyhow::Result;
use candour::tagger;
use candour::taxonomy::Taxonomy;

fn main() -> Result<()> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/taxonomies/counselling.toml"
    );
    // Loading validates everything: ids, prompts, and that every pattern compiles.
    let taxonomy = Taxonomy::load(std::path::Path::new(path))?;
    println!(
        "{} — {} categories",
        taxonomy.spec.name,
        taxonomy.categories.len()
    );
    let text = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let text = if text.is_empty() {
        "My client asked if we could meet for coffee after our last session.".to_owned()
    } else {
        text
    };
    let result = tagger::classify(&taxonomy, &text);
    for found in &result.categories {
        let evidence: Vec<&str> = found.evidence.iter().map(|e| e.text.as_str()).collect();
        println!(
            "{:<26} {:.2}  {:?}",
            found.id.as_str(),
            found.confidence,
            evidence
        );
    }
    println!("route: {} ({})", result.route, result.route.advice());
    for reason in &result.reasons {
        println!("  - {reason}");
    }
    Ok(())
}
