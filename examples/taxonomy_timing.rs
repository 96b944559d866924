#![allow(clippy::print_stdout, missing_docs)]
fn main() {
    let t = std::time::Instant::now();
    let tax = candour::taxonomy::Taxonomy::parse(candour::taxonomy::DEFAULT_TOML, "x").unwrap();
    println!("parse+compile {:?} {:?}", t.elapsed(), tax.matcher.stats());
    let text = std::fs::read_to_string("/tmp/tx/long.txt")
        .unwrap_or_else(|_| "he gave me his number".repeat(100));
    let t = std::time::Instant::now();
    for _ in 0..20 {
        let _ = candour::tagger::classify(&tax, &text);
    }
    println!("classify {} bytes: {:?} each", text.len(), t.elapsed() / 20);
    let norm = candour::tagger::Normalised::new(&text);
    let tokens = candour::tagger::pattern::tokenize(&norm.text, |_| 0);
    println!(
        "{} tokens, candidates {:?}",
        tokens.len(),
        tax.matcher.candidate_count(&tokens)
    );
}
