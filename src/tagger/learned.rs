//! The learned lexicon: one small logistic regression per category over the words and
//! word pairs of a text, trained on the labelled corpus, blended with the cue families.
//!
//! Hand-written cue families are precise and explain themselves, but they only know the
//! phrasings someone thought of; on text by another author they find about six in ten
//! labels. The lexicon learns from whole labelled texts instead, so it also weighs the
//! everyday words practitioners use for a situation ("popped in on my day off", "she
//! found me on insta"). It knows no traps and no routes: those stay with the taxonomy.
//!
//! A category's confidence blends the two (see [`Settings::blend`]); the words with the
//! strongest pull towards the category become evidence next to the matched cues, so a tag
//! the lexicon added still shows the user why.
//!
//! The weights live in `schema/lexicon.tsv`, embedded in the binary and written by
//! `cargo run --release --example train_lexicon` from `tests/fixtures/tagger/corpus.toml`.
//! A test fails when the corpus changes and the file was not trained again.
//!
//! Features are those of a standard bag-of-words classifier: lower-cased words with a
//! crude suffix stripped ("texting", "texted", "texts" are one feature) and adjacent
//! word pairs, weighted by sublinear term frequency times smoothed inverse document
//! frequency and scaled to unit length.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::OnceLock;

/// The built-in lexicon's file.
pub const EMBEDDED: &str = include_str!("../../schema/lexicon.tsv");

/// Power iterations to estimate the training problem's curvature (see [`fit`]).
const POWER_ITERATIONS: usize = 30;

/// Head-room over the estimated curvature, so the step stays stable.
const LAMBDA_MARGIN: f64 = 1.1;

/// Evidence phrases the lexicon adds per category.
const MAX_LEARNED_EVIDENCE: usize = 3;

/// A contribution below this (in log-odds) is too weak to show as evidence.
const MIN_EVIDENCE_PULL: f64 = 0.05;

/// How a lexicon is trained and blended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Inverse regularisation strength (larger fits the training texts more closely).
    pub c: f64,
    /// A feature must appear in at least this many training texts.
    pub min_df: usize,
    /// The share of the blended score that comes from the cue families.
    pub blend: f64,
    /// The blended score at which a category is tagged.
    pub cut: f64,
    /// A cue confidence at which the cue families tag a category whatever the lexicon
    /// says (above 0.99: never).
    pub trust: f64,
    /// The same for a short text: the lexicon knows little about a sentence or two, and
    /// a clear phrase there is the best evidence there is.
    pub trust_short: f64,
    /// The most words a text may have to be short.
    pub short: usize,
    /// Gradient steps per category.
    pub iterations: usize,
    /// The length in words of the passages a long text is also scored by (0: never).
    pub window: usize,
}

impl Default for Settings {
    /// The settings of the built-in lexicon, chosen by five-fold cross-validation on the
    /// training splits (see BENCHMARKS.md).
    fn default() -> Settings {
        Settings {
            c: 8.0,
            min_df: 4,
            blend: 0.25,
            cut: 0.4,
            trust: 0.95,
            trust_short: 0.85,
            short: 40,
            iterations: 200,
            window: 60,
        }
    }
}

/// A labelled text to learn from.
#[derive(Debug, Clone, Copy)]
pub struct Example<'a> {
    /// The text.
    pub text: &'a str,
    /// Its categories.
    pub categories: &'a [String],
}

/// Per-category weights over a vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct Lexicon {
    /// Category ids, in column order.
    categories: Vec<String>,
    /// Intercept per category.
    bias: Vec<f64>,
    /// Feature → row.
    terms: foldhash::HashMap<String, usize>,
    /// Inverse document frequency per row.
    idf: Vec<f64>,
    /// Row-major weights: `weights[row * categories.len() + column]`.
    weights: Vec<f64>,
    /// How scores are blended with the cue families.
    pub settings: Settings,
    /// Identifies the training data (see [`fingerprint`]).
    pub fingerprint: String,
}

/// A known feature found in a text.
#[derive(Debug, Clone)]
struct Feature {
    /// Its row in the lexicon.
    row: usize,
    /// Its tf-idf value in this text (unit length over all features).
    value: f64,
    /// Its first occurrence, in the normalised text.
    span: Range<usize>,
}

/// One occurrence of a known feature: its row and where it is in the normalised text.
#[derive(Debug, Clone)]
struct Occurrence {
    row: usize,
    span: Range<usize>,
}

/// What the lexicon makes of one text.
#[derive(Debug, Clone)]
pub struct Scores<'l, 't> {
    lexicon: &'l Lexicon,
    /// The normalised text scored.
    text: &'t str,
    /// The features present in the text that the lexicon knows.
    present: Vec<Feature>,
    /// Probability per category column.
    probabilities: Vec<f64>,
    /// How many words the text has.
    words: usize,
}

impl Scores<'_, '_> {
    /// How the lexicon that scored the text blends with the cue families.
    pub fn settings(&self) -> Settings {
        self.lexicon.settings
    }

    /// How many words the scored text has.
    pub fn words(&self) -> usize {
        self.words
    }

    /// The probability the lexicon gives `category`, when it knows the category.
    pub fn probability(&self, category: &str) -> Option<f64> {
        self.lexicon
            .column(category)
            .map(|col| self.probabilities[col])
    }

    /// Spans (in the normalised text) of the features that pull hardest towards
    /// `category`, strongest first.
    pub fn evidence(&self, category: &str) -> Vec<Range<usize>> {
        let Some(col) = self.lexicon.column(category) else {
            return Vec::new();
        };
        let width = self.lexicon.categories.len();
        let mut pulls: Vec<(f64, &Range<usize>)> = self
            .present
            .iter()
            .filter_map(|f| {
                let pull = f.value * self.lexicon.weights[f.row * width + col];
                (pull >= MIN_EVIDENCE_PULL && telling(self.text.get(f.span.clone())?))
                    .then_some((pull, &f.span))
            })
            .collect();
        pulls.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.start.cmp(&b.1.start)));
        let mut chosen: Vec<Range<usize>> = Vec::new();
        for (_, span) in pulls {
            // A word inside a chosen pair (or a pair around a chosen word) adds nothing.
            if chosen
                .iter()
                .any(|c| c.start < span.end && span.start < c.end)
            {
                continue;
            }
            chosen.push(span.clone());
            if chosen.len() == MAX_LEARNED_EVIDENCE {
                break;
            }
        }
        chosen
    }
}

impl Lexicon {
    /// The lexicon built into candour.
    ///
    /// # Panics
    /// Never for a binary built from this tree: a unit test parses the embedded file.
    pub fn builtin() -> &'static Lexicon {
        static BUILTIN: OnceLock<Lexicon> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            #[allow(clippy::expect_used)]
            Lexicon::parse(EMBEDDED).expect("the built-in lexicon is valid")
        })
    }

    /// The categories the lexicon knows, in column order.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    fn column(&self, category: &str) -> Option<usize> {
        self.categories.iter().position(|c| c == category)
    }

    /// Scores a normalised text (see [`super::Normalised`]) whose sentences are
    /// `sentences`.
    ///
    /// A long text is also scored a passage at a time (runs of whole sentences of about
    /// [`Settings::window`] words), and each category keeps its highest probability: a
    /// dilemma told in one paragraph of a long post is not drowned by the rest of it.
    pub fn score<'t>(&self, normalised: &'t str, sentences: &[Range<usize>]) -> Scores<'_, 't> {
        // Every word and pair is looked up once; passages are slices of these.
        let mut found: Vec<Occurrence> = Vec::new();
        each_feature(normalised, |key, span| {
            if let Some(&row) = self.terms.get(key) {
                found.push(Occurrence { row, span });
            }
        });
        let mut tally = vec![(0, 0); self.idf.len()];
        let (present, mut probabilities) = self.probabilities(&found, &mut tally);
        let window = self.settings.window;
        let total = normalised.split_whitespace().count();
        if window > 0 && total >= 2 * window {
            let mut passage: Option<usize> = None;
            let mut words = 0;
            let mut from = 0;
            for (i, sentence) in sentences.iter().enumerate() {
                let start = *passage.get_or_insert(sentence.start);
                words += normalised
                    .get(sentence.clone())
                    .map_or(0, |s| s.split_whitespace().count());
                let last = i + 1 == sentences.len();
                if words >= window || (last && 2 * words >= window) {
                    // Occurrences come in text order: the passage's are a run of them
                    // (a pair across its edges belongs to neither side).
                    let begin = from + found[from..].partition_point(|o| o.span.start < start);
                    let stop =
                        begin + found[begin..].partition_point(|o| o.span.start < sentence.end);
                    let inside: Vec<Occurrence> = found[begin..stop]
                        .iter()
                        .filter(|o| o.span.end <= sentence.end)
                        .cloned()
                        .collect();
                    let (_, local) = self.probabilities(&inside, &mut tally);
                    for (p, l) in probabilities.iter_mut().zip(local) {
                        *p = p.max(l);
                    }
                    from = stop;
                    passage = None;
                    words = 0;
                }
            }
        }
        Scores {
            lexicon: self,
            text: normalised,
            present,
            probabilities,
            words: total,
        }
    }

    /// The features of a run of occurrences (tf-idf, unit length) and the probability
    /// per category. `tally` has a zeroed slot per row and is left zeroed.
    fn probabilities(
        &self,
        found: &[Occurrence],
        tally: &mut [(u32, usize)],
    ) -> (Vec<Feature>, Vec<f64>) {
        let width = self.categories.len();
        // Count each row and keep its first occurrence. Occurrences come in text order,
        // so first occurrences do too, and evidence ties break the same way every run.
        let mut rows: Vec<usize> = Vec::new();
        for (i, occurrence) in found.iter().enumerate() {
            let slot = &mut tally[occurrence.row];
            if slot.0 == 0 {
                slot.1 = i;
                rows.push(occurrence.row);
            }
            slot.0 = slot.0.saturating_add(1);
        }
        let mut present: Vec<Feature> = rows
            .into_iter()
            .map(|row| {
                let (count, first) = std::mem::take(&mut tally[row]);
                Feature {
                    row,
                    value: tf(count) * self.idf[row],
                    span: found[first].span.clone(),
                }
            })
            .collect();
        let norm = present
            .iter()
            .map(|f| f.value * f.value)
            .sum::<f64>()
            .sqrt();
        if norm > 0.0 {
            for f in &mut present {
                f.value /= norm;
            }
        }
        let mut z = self.bias.clone();
        for f in &present {
            let weights = &self.weights[f.row * width..(f.row + 1) * width];
            for (zc, w) in z.iter_mut().zip(weights) {
                *zc += f.value * w;
            }
        }
        (present, z.into_iter().map(sigmoid).collect())
    }

    /// Reads the tab-separated file written by [`Lexicon::to_tsv`].
    pub fn parse(text: &str) -> Result<Lexicon, String> {
        let mut settings = Settings::default();
        let mut fingerprint = String::new();
        let mut categories: Vec<String> = Vec::new();
        let mut bias: Vec<f64> = Vec::new();
        // One line per term, so the line count bounds the sizes.
        let lines = text.bytes().filter(|&b| b == b'\n').count();
        let mut terms = foldhash::HashMap::with_capacity_and_hasher(
            lines,
            foldhash::fast::RandomState::default(),
        );
        let mut idf = Vec::with_capacity(lines);
        let mut weights = Vec::new();
        let number = |field: &str, line: usize| -> Result<f64, String> {
            field
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("line {line}: {field:?} is not a number"))
        };
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, rest) = line.split_once('\t').unwrap_or((line, ""));
            if let Some(directive) = key.strip_prefix('@') {
                let fields = rest.split('\t');
                match directive {
                    "fingerprint" => rest.clone_into(&mut fingerprint),
                    "blend" => settings.blend = number(rest, n)?,
                    "cut" => settings.cut = number(rest, n)?,
                    "trust" => settings.trust = number(rest, n)?,
                    "trust_short" => settings.trust_short = number(rest, n)?,
                    "short" => {
                        settings.short = rest
                            .parse()
                            .map_err(|_| format!("line {n}: {rest:?} is not a word count"))?;
                    }
                    "window" => {
                        settings.window = rest
                            .parse()
                            .map_err(|_| format!("line {n}: {rest:?} is not a word count"))?;
                    }
                    "categories" => categories = fields.map(str::to_owned).collect(),
                    "bias" => {
                        bias = fields.map(|f| number(f, n)).collect::<Result<_, _>>()?;
                    }
                    other => return Err(format!("line {n}: unknown setting @{other}")),
                }
                continue;
            }
            let width = categories.len();
            if weights.is_empty() {
                weights.reserve(lines * width);
            }
            if terms.insert(key.to_owned(), idf.len()).is_some() {
                return Err(format!("line {n}: {key:?} appears twice"));
            }
            let (idf_field, row) = rest.split_once('\t').unwrap_or((rest, ""));
            idf.push(number(idf_field, n)?);
            // Weights are written in thousandths and read in one pass over the bytes:
            // every `add` loads this file, and it holds about 100,000 of them.
            let read = push_thousandths(row, &mut weights);
            if width == 0 || read != Some(width) {
                return Err(format!(
                    "line {n}: expected the term, its idf and {width} weights in thousandths"
                ));
            }
        }
        if categories.is_empty() || bias.len() != categories.len() {
            return Err("the categories and their biases are missing or differ in number".into());
        }
        Ok(Lexicon {
            categories,
            bias,
            terms,
            idf,
            weights,
            settings,
            fingerprint,
        })
    }

    /// The lexicon as the tab-separated file [`Lexicon::parse`] reads.
    pub fn to_tsv(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            let _ = writeln!(out, "# {line}");
        }
        let _ = writeln!(out, "@fingerprint\t{}", self.fingerprint);
        let _ = writeln!(out, "@blend\t{}", self.settings.blend);
        let _ = writeln!(out, "@cut\t{}", self.settings.cut);
        let _ = writeln!(out, "@trust\t{}", self.settings.trust);
        let _ = writeln!(out, "@window\t{}", self.settings.window);
        let _ = writeln!(out, "@trust_short\t{}", self.settings.trust_short);
        let _ = writeln!(out, "@short\t{}", self.settings.short);
        let _ = writeln!(out, "@categories\t{}", self.categories.join("\t"));
        let _ = writeln!(out, "@bias\t{}", join(&self.bias, 4));
        let mut rows: Vec<(&String, &usize)> = self.terms.iter().collect();
        rows.sort();
        let width = self.categories.len();
        for (term, &row) in rows {
            let _ = writeln!(
                out,
                "{term}\t{:.4}\t{}",
                self.idf[row],
                join_thousandths(&self.weights[row * width..(row + 1) * width])
            );
        }
        out
    }

    /// Trains a lexicon for `categories` on `examples`.
    pub fn train(examples: &[Example<'_>], categories: &[String], settings: Settings) -> Lexicon {
        let counted: Vec<BTreeMap<String, u32>> = examples
            .iter()
            .map(|e| counts(&super::Normalised::new(e.text).text))
            .collect();
        let mut df: BTreeMap<&str, usize> = BTreeMap::new();
        for doc in &counted {
            for key in doc.keys() {
                *df.entry(key).or_default() += 1;
            }
        }
        let n = examples.len();
        #[allow(clippy::cast_precision_loss)] // corpus sizes are far below 2^52
        let idf_of = |d: usize| ((1 + n) as f64 / (1 + d) as f64).ln() + 1.0;
        let mut terms = foldhash::HashMap::default();
        let mut idf = Vec::new();
        for (key, &d) in &df {
            if d >= settings.min_df {
                terms.insert((*key).to_owned(), idf.len());
                idf.push(idf_of(d));
            }
        }
        let rows: Vec<Vec<(usize, f64)>> = counted
            .iter()
            .map(|doc| {
                let mut row: Vec<(usize, f64)> = doc
                    .iter()
                    .filter_map(|(k, &c)| terms.get(k).map(|&r| (r, tf(c) * idf[r])))
                    .collect();
                let norm = row.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt();
                if norm > 0.0 {
                    for x in &mut row {
                        x.1 /= norm;
                    }
                }
                row
            })
            .collect();
        let rows = Rows::new(&rows, idf.len());
        let width = categories.len();
        let mut weights = vec![0.0; idf.len() * width];
        let mut bias = vec![0.0; width];
        for (col, category) in categories.iter().enumerate() {
            let labels: Vec<bool> = examples
                .iter()
                .map(|e| e.categories.contains(category))
                .collect();
            let (w, b) = fit(&rows, &labels, settings);
            for (row, value) in w.into_iter().enumerate() {
                weights[row * width + col] = value;
            }
            bias[col] = b;
        }
        Lexicon {
            categories: categories.to_vec(),
            bias,
            terms,
            idf,
            weights,
            settings,
            fingerprint: fingerprint(examples, settings),
        }
    }
}

/// A short identifier of the training data and settings: if either changes, so does
/// this (FNV-1a, 64 bits; it detects a stale file, it is not a security measure).
pub fn fingerprint(examples: &[Example<'_>], settings: Settings) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes.iter().chain([0xff].iter()) {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(format!(
        "{} {} {} {} {} {} {} {} {}",
        settings.c,
        settings.min_df,
        settings.blend,
        settings.cut,
        settings.trust,
        settings.trust_short,
        settings.iterations,
        settings.window,
        settings.short
    )
    .as_bytes());
    for e in examples {
        eat(e.text.as_bytes());
        for c in e.categories {
            eat(c.as_bytes());
        }
    }
    format!("{hash:016x}")
}

/// L2-regularised logistic regression with balanced class weights, by Nesterov's
/// accelerated gradient descent (the objective is smooth and strongly convex, so a fixed
/// number of steps converges; no randomness, so training is reproducible).
fn fit(rows: &Rows, labels: &[bool], settings: Settings) -> (Vec<f64>, f64) {
    let dims = rows.dims;
    let count = labels.len();
    let positives = labels.iter().filter(|&&label| label).count();
    if positives == 0 || positives == count {
        return (vec![0.0; dims], if positives == 0 { -10.0 } else { 10.0 });
    }
    #[allow(clippy::cast_precision_loss)] // corpus sizes are far below 2^52
    let (weight_pos, weight_neg) = (
        count as f64 / (2.0 * positives as f64),
        count as f64 / (2.0 * (count - positives) as f64),
    );
    let class_weight: Vec<f64> = labels
        .iter()
        .map(|&label| if label { weight_pos } else { weight_neg })
        .collect();
    let target: Vec<f64> = labels.iter().map(|&l| f64::from(u8::from(l))).collect();
    // The gradient's Lipschitz constant is C · ¼ · λ + 1, where λ is the largest
    // eigenvalue of Σ wᵢ xᵢxᵢᵀ (rows with the intercept's 1, weighted by class); a few
    // power iterations estimate λ, from above once scaled by a margin.
    let mut vector = vec![1.0; dims + 1];
    let mut next = vec![0.0; dims + 1];
    let mut products = vec![0.0; count];
    let mut lambda = 0.0;
    for _ in 0..POWER_ITERATIONS {
        rows.times(&vector, &mut products);
        for (p, w) in products.iter_mut().zip(&class_weight) {
            *p *= w;
        }
        rows.transposed_times(&products, &mut next);
        lambda = next.iter().map(|v| v * v).sum::<f64>().sqrt();
        if lambda == 0.0 {
            break;
        }
        for (v, n) in vector.iter_mut().zip(&next) {
            *v = n / lambda;
        }
    }
    let lipschitz = settings.c * 0.25 * lambda * LAMBDA_MARGIN + 1.0;
    let step = 1.0 / lipschitz;
    let momentum = (lipschitz.sqrt() - 1.0) / (lipschitz.sqrt() + 1.0);
    // The iterate and the look-ahead point; the last entry of each is the intercept.
    let mut iterate = vec![0.0; dims + 1];
    let mut ahead = iterate.clone();
    let mut grad = vec![0.0; dims + 1];
    for _ in 0..settings.iterations {
        rows.times(&ahead, &mut products);
        for ((p, w), y) in products.iter_mut().zip(&class_weight).zip(&target) {
            *p = settings.c * w * (sigmoid(*p) - y);
        }
        rows.transposed_times(&products, &mut grad);
        // The regulariser pulls every weight but the intercept towards zero.
        for (g, w) in grad.iter_mut().zip(&ahead).take(dims) {
            *g += w;
        }
        for ((point, look), g) in iterate.iter_mut().zip(ahead.iter_mut()).zip(&grad) {
            let next = *look - step * g;
            *look = next + momentum * (next - *point);
            *point = next;
        }
    }
    let intercept = iterate.pop().unwrap_or_default();
    (iterate, intercept)
}

/// Training texts as a sparse matrix (compressed rows) with an implicit intercept column.
struct Rows {
    /// Columns, not counting the intercept.
    dims: usize,
    /// Where each row's entries start in `columns` and `values` (one more than rows).
    starts: Vec<usize>,
    columns: Vec<usize>,
    values: Vec<f64>,
}

impl Rows {
    fn new(rows: &[Vec<(usize, f64)>], dims: usize) -> Rows {
        let mut out = Rows {
            dims,
            starts: vec![0],
            columns: Vec::new(),
            values: Vec::new(),
        };
        for row in rows {
            for &(column, value) in row {
                out.columns.push(column);
                out.values.push(value);
            }
            out.starts.push(out.columns.len());
        }
        out
    }

    /// `out[i] = xᵢ · vector`, the intercept being `vector[dims]`.
    fn times(&self, vector: &[f64], out: &mut [f64]) {
        let intercept = vector[self.dims];
        for (o, bounds) in out.iter_mut().zip(self.starts.windows(2)) {
            let (columns, values) = (
                &self.columns[bounds[0]..bounds[1]],
                &self.values[bounds[0]..bounds[1]],
            );
            *o = columns
                .iter()
                .zip(values)
                .fold(intercept, |sum, (&c, &v)| sum + vector[c] * v);
        }
    }

    /// `out = Σᵢ scale[i] · xᵢ`, the intercept's share in `out[dims]`.
    fn transposed_times(&self, scale: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        for (&s, bounds) in scale.iter().zip(self.starts.windows(2)) {
            let (columns, values) = (
                &self.columns[bounds[0]..bounds[1]],
                &self.values[bounds[0]..bounds[1]],
            );
            for (&c, &v) in columns.iter().zip(values) {
                out[c] += s * v;
            }
        }
        out[self.dims] = scale.iter().sum();
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn tf(count: u32) -> f64 {
    1.0 + f64::from(count).ln()
}

fn join(values: &[f64], places: usize) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        let _ = write!(out, "{v:.places$}");
    }
    out
}

/// Reads tab-separated weights written in thousandths ("12\t-3\t0": an optional minus
/// and up to six digits each) onto `out`; how many, or `None` if one is malformed.
fn push_thousandths(row: &str, out: &mut Vec<f64>) -> Option<usize> {
    let mut count = 0;
    for field in row.as_bytes().split(|&b| b == b'\t') {
        let (negative, digits) = match field.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, field),
        };
        if digits.is_empty() || digits.len() > 6 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = digits
            .iter()
            .fold(0i32, |acc, &b| acc * 10 + i32::from(b - b'0'));
        out.push(f64::from(if negative { -value } else { value }) * 0.001);
        count += 1;
    }
    Some(count)
}

/// Weights in thousandths, tab-separated.
fn join_thousandths(values: &[f64]) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        #[allow(clippy::cast_possible_truncation)] // weights are far below 2^31 / 1000
        let thousandths = (v * 1000.0).round() as i32;
        let _ = write!(out, "{thousandths}");
    }
    out
}

/// The words of a normalised text, stemmed, with their spans.
fn words(text: &str) -> Vec<(&str, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = None;
    let is_word = |c: char| c.is_alphanumeric() || c == '\'';
    for (at, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, is_word(c)) {
            (None, true) => start = Some(at),
            (Some(s), false) => {
                let raw = &text[s..at];
                let trimmed = raw.trim_matches('\'');
                if !trimmed.is_empty() {
                    let offset = s + (raw.len() - raw.trim_start_matches('\'').len());
                    out.push((stem(trimmed), offset..offset + trimmed.len()));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Words that may pull a score but tell the user nothing as evidence on their own.
const VAGUE: &[&str] = &[
    "all", "any", "ask", "back", "can", "could", "day", "even", "get", "go", "got", "know", "like",
    "now", "one", "really", "said", "say", "see", "some", "still", "there", "think", "time",
    "today", "told", "too", "want", "what", "when", "would",
];

/// A phrase is worth showing as evidence when one of its words (stemmed) is neither a
/// function word nor vague.
fn telling(phrase: &str) -> bool {
    words(phrase).into_iter().any(|(word, _)| {
        word.chars().count() > 2
            && !super::pattern::is_common(word)
            && VAGUE.binary_search(&word).is_err()
    })
}

/// Strips one common suffix, keeping at least three characters.
fn stem(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s", "ly"] {
        if let Some(base) = word.strip_suffix(suffix) {
            if base.chars().count() >= 3 {
                return base;
            }
        }
    }
    word
}

/// Calls `visit` with every word and every adjacent pair of words ("gave me"), and the
/// span each covers, in text order.
fn each_feature(text: &str, mut visit: impl FnMut(&str, Range<usize>)) {
    let words = words(text);
    let mut pair = String::new();
    for (i, (word, span)) in words.iter().enumerate() {
        visit(word, span.clone());
        if let Some((next, next_span)) = words.get(i + 1) {
            pair.clear();
            pair.push_str(word);
            pair.push(' ');
            pair.push_str(next);
            visit(&pair, span.start..next_span.end);
        }
    }
}

/// How often each feature occurs in a text.
fn counts(text: &str) -> BTreeMap<String, u32> {
    let mut out: BTreeMap<String, u32> = BTreeMap::new();
    each_feature(text, |key, _| match out.get_mut(key) {
        Some(count) => *count += 1,
        None => {
            out.insert(key.to_owned(), 1);
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example<'a>(text: &'a str, categories: &'a [String]) -> Example<'a> {
        Example { text, categories }
    }

    #[test]
    fn the_builtin_lexicon_parses_and_knows_every_builtin_category() {
        let lexicon = Lexicon::builtin();
        let taxonomy = crate::taxonomy::Taxonomy::builtin();
        for category in &taxonomy.categories {
            assert!(
                lexicon.categories().contains(&category.id.to_string()),
                "{}",
                category.id
            );
        }
        assert!(lexicon.terms.len() > 500);
    }

    #[test]
    fn words_are_stemmed_and_keep_their_spans() {
        let text = "she's texting me 'again' today";
        let found = words(text);
        let stems: Vec<&str> = found.iter().map(|(w, _)| *w).collect();
        assert_eq!(stems, ["she'", "text", "me", "again", "today"]);
        for (_, span) in &found {
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
        assert_eq!(&text[found[3].1.clone()], "again");
    }

    #[test]
    fn training_learns_a_separable_toy_problem_and_round_trips_through_the_file() {
        let gift = vec!["gifts".to_owned()];
        let none: Vec<String> = Vec::new();
        let texts = [
            ("the family gave me a box of chocolates", &gift),
            ("his daughter gave me chocolates and flowers", &gift),
            ("she offered me flowers to say thanks", &gift),
            ("the rota is out and the ward is busy", &none),
            ("ward round then the rota meeting", &none),
            ("busy ward, rota changes again", &none),
        ];
        let examples: Vec<Example<'_>> = texts.iter().map(|(t, c)| example(t, c)).collect();
        let settings = Settings {
            min_df: 1,
            ..Settings::default()
        };
        let lexicon = Lexicon::train(&examples, &gift, settings);
        let yes = lexicon.score("a patient gave me chocolates", &[]);
        let no = lexicon.score("the rota for the ward", &[]);
        assert!(
            yes.probability("gifts") > Some(0.6),
            "{:?}",
            yes.probabilities
        );
        assert!(
            no.probability("gifts") < Some(0.4),
            "{:?}",
            no.probabilities
        );
        let text = "a patient gave me chocolates";
        let evidence: Vec<&str> = yes
            .evidence("gifts")
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert!(
            evidence
                .iter()
                .any(|e| e.contains("chocolates") || e.contains("gave"))
        );
        assert_eq!(yes.probability("unknown"), None);

        let parsed = Lexicon::parse(&lexicon.to_tsv("toy")).expect("parses");
        assert_eq!(parsed.categories, lexicon.categories);
        assert_eq!(parsed.fingerprint, lexicon.fingerprint);
        let again = parsed.score("a patient gave me chocolates", &[]);
        let before = yes.probability("gifts").unwrap_or_default();
        let after = again.probability("gifts").unwrap_or_default();
        assert!((before - after).abs() < 0.01, "{before} vs {after}");
    }

    #[test]
    fn only_telling_words_become_evidence() {
        assert!(
            VAGUE.windows(2).all(|w| w[0] < w[1]),
            "VAGUE must stay sorted"
        );
        assert!(telling("number"));
        assert!(telling("gave me his number"));
        assert!(telling("biscuits"));
        assert!(!telling("her"));
        assert!(!telling("to see"));
        assert!(!telling("asking"));
        assert!(!telling("ok"));
    }

    #[test]
    fn weights_in_thousandths_parse_like_integers() {
        let mut out = Vec::new();
        assert_eq!(push_thousandths("0\t-123\t999999", &mut out), Some(3));
        assert_eq!(out, [0.0, -0.123, 999.999]);
        for bad in [
            "", "-", "+1", "1.5", "1e3", "1234567", "--1", " 1", "1\t", "١",
        ] {
            assert_eq!(push_thousandths(bad, &mut Vec::new()), None, "{bad:?}");
        }
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_panic() {
        for bad in [
            "",
            "@categories\ta\tb\n@bias\t0\n",
            "@categories\ta\n@bias\t0\nword\t1.0\n",
            "@categories\ta\n@bias\tx\n",
            "@categories\ta\n@bias\t0\nword\t1\t2\nword\t1\t2\n",
            "@categories\ta\n@bias\t0\nword\tNaN\t2\n",
            "@categories\ta\n@bias\t0\n@mystery\t1\n",
            "@categories\ta\n@bias\t0\nword\t1\t0.5\n",
        ] {
            assert!(Lexicon::parse(bad).is_err(), "{bad:?}");
        }
    }
}
