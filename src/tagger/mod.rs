//! The explainable tagger: a pure function of a taxonomy and a text.
//!
//! For each category it finds cue matches in the normalised text (see [`normalise`]),
//! drops those that overlap a guard (a known false-positive trap such as "a number of"
//! or "NHS number"), keeps weak cues only where a person in care is mentioned nearby, and
//! turns what remains into a confidence. Every tagged category carries its evidence —
//! exact substrings of the input with their byte spans — so the user can see why.
//!
//! The route (who should hear about it) starts from the highest default route of the
//! tagged categories; the taxonomy's rules then raise it when modifiers are present
//! (the crossing already happened, the person is vulnerable, secrecy, money with a
//! vulnerable person, sexual behaviour …), each with a reason in words.
//!
//! ## Invariants
//! - never panics, whatever the input;
//! - every evidence string equals `text[start..end]`;
//! - categories come sorted by confidence, highest first, and all meet the threshold.

pub mod eval;
pub mod learned;
pub mod normalise;
pub mod pattern;

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;

use crate::model::{CategoryId, Evidence, Route};
use crate::taxonomy::{Category, Modifier, PatternGroup, Scope, Taxonomy};

use learned::{Lexicon, Scores};

pub use normalise::Normalised;

/// How many words before a match a negation may stand and still apply to it.
const NEGATION_WINDOW_WORDS: usize = 6;

/// The most evidence phrases kept per category (the strongest, in text order).
const MAX_EVIDENCE: usize = 8;

/// From this many bytes of text (about 500 words), the cue families and the lexicon read
/// it on two cores.
const PARALLEL_BYTES: usize = 2_500;

/// A category found in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    /// The category id.
    pub id: CategoryId,
    /// Its display name.
    pub name: String,
    /// 0–1.
    pub confidence: f64,
    /// The words that triggered it, in text order.
    pub evidence: Vec<Evidence>,
}

/// A route modifier found in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundModifier {
    /// The modifier id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Where it was seen.
    pub evidence: Vec<Evidence>,
}

/// The tagger's verdict on a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// Categories at or above the threshold, highest confidence first.
    pub categories: Vec<Found>,
    /// Who should hear about it.
    pub route: Route,
    /// Why the route is what it is, in words.
    pub reasons: Vec<String>,
    /// Modifiers seen in the text.
    pub modifiers: Vec<FoundModifier>,
}

impl Classification {
    /// True when someone beyond supervision needs to know.
    pub fn escalate(&self) -> bool {
        self.route.needs_escalation()
    }
}

/// Tags `text` with `taxonomy` (and its learned lexicon, unless the taxonomy turns it off).
pub fn classify(taxonomy: &Taxonomy, text: &str) -> Classification {
    classify_with(taxonomy, taxonomy.lexicon(), text)
}

/// Tags `text` with `taxonomy` and, when given, a learned lexicon blended in (see
/// [`learned`]); categories the lexicon does not know rest on their cues alone.
pub fn classify_with(taxonomy: &Taxonomy, lexicon: Option<&Lexicon>, text: &str) -> Classification {
    let norm = Normalised::new(text);
    let score = || lexicon.map(|l| l.score(&norm.text, &norm.sentences));
    // The cue families and the lexicon read the text independently: a long text is read
    // by both at once (on rayon's pool, so callers already running in parallel are not
    // oversubscribed). For a short one, handing work over costs more than it saves.
    let (analysis, scores) = if lexicon.is_some() && norm.text.len() >= PARALLEL_BYTES {
        rayon::join(|| Analysis::new(taxonomy, &norm), score)
    } else {
        (Analysis::new(taxonomy, &norm), score())
    };
    let mut categories: Vec<Found> = taxonomy
        .categories
        .iter()
        .filter_map(|category| {
            let cues = analysis.category(category);
            match &scores {
                Some(scores) => analysis.blend(category, cues, scores),
                None => cues,
            }
        })
        .filter(|found| found.confidence >= taxonomy.spec.threshold)
        .collect();
    // Stable: equal confidence keeps taxonomy order.
    categories.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    let modifiers = analysis.modifiers();
    let ids: Vec<CategoryId> = categories.iter().map(|f| f.id.clone()).collect();
    let (route, reasons) = route_for(taxonomy, &ids, &modifiers);
    Classification {
        categories,
        route,
        reasons,
        modifiers,
    }
}

/// The modifiers present in `text` (for re-routing after manual tag changes).
pub fn modifiers(taxonomy: &Taxonomy, text: &str) -> Vec<FoundModifier> {
    let norm = Normalised::new(text);
    Analysis::new(taxonomy, &norm).modifiers()
}

/// The route for a set of categories and modifiers, with reasons.
pub fn route_for(
    taxonomy: &Taxonomy,
    categories: &[CategoryId],
    modifiers: &[FoundModifier],
) -> (Route, Vec<String>) {
    let tagged: Vec<&Category> = categories
        .iter()
        .filter_map(|id| taxonomy.category(id))
        .collect();
    let mut reasons = Vec::new();
    let base = tagged
        .iter()
        .map(|c| c.spec.default_route)
        .max()
        .unwrap_or(Route::Reflect);
    if let Some(top) = tagged.iter().find(|c| c.spec.default_route == base) {
        if base > Route::Reflect {
            reasons.push(format!(
                "{}: usually {}",
                top.spec.name.to_lowercase(),
                base.advice()
            ));
        }
    }
    let present: HashSet<&str> = modifiers.iter().map(|m| m.id.as_str()).collect();
    let tagged_ids: HashSet<&str> = tagged.iter().map(|c| c.id.as_str()).collect();
    let mut route = base;
    for rule in &taxonomy.spec.rules {
        let w = &rule.when;
        let holds = (w.any_category.is_empty() || w.any_category.iter().any(|c| tagged_ids.contains(c.as_str())))
            && w.all_modifiers.iter().all(|m| present.contains(m.as_str()))
            && (w.any_modifier.is_empty() || w.any_modifier.iter().any(|m| present.contains(m.as_str())))
            // A rule about categories needs at least one tagged category to apply at all.
            && !(tagged.is_empty() && w.any_category.is_empty() && rule.raise);
        if !holds {
            continue;
        }
        let mut target = rule.route.unwrap_or(Route::Reflect);
        if rule.raise {
            target = target.max(base.raised(rule.ceiling.unwrap_or(Route::LineManager)));
        }
        if target > route || (target == route && target > base) {
            // Quote the words that triggered the rule, so the reason is explainable.
            let quoted = modifiers
                .iter()
                .find(|m| w.all_modifiers.contains(&m.id) || w.any_modifier.contains(&m.id))
                .and_then(|m| m.evidence.first())
                .map(|e| format!(" (\u{201c}{}\u{201d})", e.text.replace(['\n', '\r'], " ")));
            let reason = format!("{}{}", rule.reason, quoted.unwrap_or_default());
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
            route = route.max(target);
        }
    }
    (route, reasons)
}

/// One cue match in the normalised text.
#[derive(Debug, Clone)]
struct Hit {
    span: Range<usize>,
    weight: f64,
}

struct Analysis<'t, 'n> {
    taxonomy: &'t Taxonomy,
    norm: &'n Normalised<'n>,
    /// Every pattern match, by group id: (pattern index, start, end) in normalised bytes.
    hits: Vec<Vec<(usize, usize, usize)>>,
    /// Spans covered by the taxonomy-wide guards.
    global_guards: Spans,
    /// Sentences that mention a person in care.
    context_sentences: Vec<bool>,
    /// Where the first person in care is mentioned.
    first_context: Option<usize>,
    /// Sentences with a third-person pronoun.
    pronoun_sentences: Vec<bool>,
    /// Negation word spans.
    negations: Vec<Range<usize>>,
}

impl<'t, 'n> Analysis<'t, 'n> {
    fn new(taxonomy: &'t Taxonomy, norm: &'n Normalised<'n>) -> Analysis<'t, 'n> {
        let tokens = pattern::tokenize(&norm.text, |at| norm.sentence_of(at));
        let mut hits: Vec<Vec<(usize, usize, usize)>> = Vec::new();
        for hit in taxonomy.matcher().run(&tokens) {
            let (group, index) = hit.owner;
            let group = group as usize;
            if hits.len() <= group {
                hits.resize_with(group + 1, Vec::new);
            }
            hits[group].push((
                index as usize,
                tokens[hit.tokens.start].start,
                tokens[hit.tokens.end - 1].end,
            ));
        }
        let found =
            |group: &PatternGroup| hits.get(group.id as usize).map_or(&[][..], Vec::as_slice);
        let mut context_sentences = vec![false; norm.sentences.len()];
        let mut first_context = None;
        for &(_, start, _) in found(&taxonomy.context) {
            context_sentences[norm.sentence_of(start)] = true;
            first_context = Some(first_context.map_or(start, |f: usize| f.min(start)));
        }
        let mut pronoun_sentences = vec![false; norm.sentences.len()];
        for &(_, start, _) in found(&taxonomy.pronouns) {
            pronoun_sentences[norm.sentence_of(start)] = true;
        }
        let global_guards = Spans::new(found(&taxonomy.guards));
        let negations = spans(found(&taxonomy.negations));
        Analysis {
            taxonomy,
            norm,
            hits,
            global_guards,
            context_sentences,
            first_context,
            pronoun_sentences,
            negations,
        }
    }

    /// The matches of one group: (pattern index, start, end).
    fn found(&self, group: &PatternGroup) -> &[(usize, usize, usize)] {
        self.hits
            .get(group.id as usize)
            .map_or(&[][..], Vec::as_slice)
    }

    fn category(&self, category: &Category) -> Option<Found> {
        let guards = Spans::new(self.found(&category.guards));
        let guarded =
            |span: &Range<usize>| guards.overlaps(span) || self.global_guards.overlaps(span);
        let mut hits: Vec<Hit> = Vec::new();
        // The same cue repeated is one piece of evidence, not several: only its first
        // match adds to the confidence (the others are still shown).
        let mut counted: HashSet<(bool, usize)> = HashSet::new();
        for &(index, start, end) in self.found(&category.cues) {
            let span = start..end;
            if !guarded(&span) {
                let first = counted.insert((false, index));
                let weight = if first {
                    category.cues.items[index].weight
                } else {
                    0.0
                };
                hits.push(Hit { span, weight });
            }
        }
        for &(index, start, end) in self.found(&category.weak_cues) {
            let span = start..end;
            if !guarded(&span) && self.has_context(start) {
                let first = counted.insert((true, index));
                let weight = if first {
                    category.weak_cues.items[index].weight
                } else {
                    0.0
                };
                hits.push(Hit { span, weight });
            }
        }
        for (group, scope, weight) in &category.combos {
            if let Some(spans) = self.combo(group, *scope, &guarded) {
                // One hit carries the weight; the others are shown as evidence only.
                for (i, span) in spans.into_iter().enumerate() {
                    hits.push(Hit {
                        span,
                        weight: if i == 0 { *weight } else { 0.0 },
                    });
                }
            }
        }
        if hits.is_empty() {
            return None;
        }
        let hits = merge_overlapping(hits);
        let confidence = 1.0 - hits.iter().map(|h| 1.0 - h.weight).product::<f64>();
        // Keep the strongest phrases as evidence, shown in text order.
        let mut strongest = hits;
        strongest.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then(a.span.start.cmp(&b.span.start))
        });
        strongest.truncate(MAX_EVIDENCE);
        strongest.sort_by_key(|h| h.span.start);
        let mut evidence: Vec<Evidence> = Vec::with_capacity(strongest.len());
        for hit in strongest {
            let found = self.evidence_at(hit.span);
            if found.text.is_empty()
                || evidence
                    .iter()
                    .any(|e| e.start == found.start && e.end == found.end)
            {
                continue;
            }
            evidence.push(found);
        }
        Some(Found {
            id: category.id.clone(),
            name: category.spec.name.clone(),
            confidence: (confidence.min(0.99) * 100.0).round() / 100.0,
            evidence,
        })
    }

    /// The words of the input under a span of the normalised text, as evidence.
    fn evidence_at(&self, span: Range<usize>) -> Evidence {
        let range = self.norm.source_span(span.clone());
        Evidence {
            text: self.norm.source_text(span).to_owned(),
            start: range.start,
            end: range.end,
        }
    }

    /// Blends a category's cue confidence with the lexicon's probability for it (when the
    /// lexicon knows the category), and adds the lexicon's strongest words as evidence.
    ///
    /// The blended score `b·cues + (1 − b)·lexicon` is tagged from the lexicon's `cut`;
    /// it is reported on the taxonomy's scale, so `cut` becomes the taxonomy threshold
    /// and 1 stays 1.
    fn blend(
        &self,
        category: &Category,
        cues: Option<Found>,
        scores: &Scores<'_, '_>,
    ) -> Option<Found> {
        let id = category.id.as_str();
        let Some(probability) = scores.probability(id) else {
            return cues;
        };
        let settings = scores.settings();
        let threshold = self.taxonomy.spec.threshold;
        let from_cues = cues.as_ref().map_or(0.0, |f| f.confidence);
        let blended = settings.blend * from_cues + (1.0 - settings.blend) * probability;
        let confidence = if blended < settings.cut {
            blended / settings.cut * threshold
        } else {
            threshold + (blended - settings.cut) / (1.0 - settings.cut) * (1.0 - threshold)
        };
        let trusted = from_cues >= settings.trust
            || (from_cues >= settings.trust_short && scores.words() <= settings.short);
        let confidence = if trusted {
            confidence.max(from_cues)
        } else {
            confidence
        };
        let confidence = (confidence.clamp(0.0, 0.99) * 100.0).round() / 100.0;
        if confidence < threshold {
            return None;
        }
        // The cues' own words explain a category they found; the lexicon's strongest words
        // are shown when it is the lexicon that found it.
        let mut evidence = cues.map(|f| f.evidence).unwrap_or_default();
        let learned = if from_cues >= threshold {
            Vec::new()
        } else {
            scores.evidence(id)
        };
        for span in learned {
            if evidence.len() >= MAX_EVIDENCE {
                break;
            }
            let found = self.evidence_at(span);
            if found.text.is_empty()
                || evidence
                    .iter()
                    .any(|e| e.start < found.end && found.start < e.end)
            {
                continue;
            }
            evidence.push(found);
        }
        if evidence.is_empty() {
            // Nothing to show the user is nothing to tag.
            return None;
        }
        evidence.sort_by_key(|e| e.start);
        Some(Found {
            id: category.id.clone(),
            name: category.spec.name.clone(),
            confidence,
            evidence,
        })
    }

    /// The spans of a combination's patterns when all of them match within `scope`.
    fn combo(
        &self,
        group: &PatternGroup,
        scope: Scope,
        guarded: &dyn Fn(&Range<usize>) -> bool,
    ) -> Option<Vec<Range<usize>>> {
        let needed = group.items.len();
        // Matches come in text order, so one pass fills the parts of one sentence (or of
        // the whole text) at a time.
        let mut slots: Vec<Option<Range<usize>>> = vec![None; needed];
        let mut filled = 0;
        let mut current = None;
        for &(index, start, end) in self.found(group) {
            let span = start..end;
            if guarded(&span) {
                continue;
            }
            if scope == Scope::Sentence {
                let sentence = self.norm.sentence_of(start);
                if current != Some(sentence) {
                    current = Some(sentence);
                    slots.fill(None);
                    filled = 0;
                }
            }
            if slots[index].is_none() {
                slots[index] = Some(span);
                filled += 1;
                if filled == needed {
                    return slots.into_iter().collect();
                }
            }
        }
        None
    }

    /// A weak cue counts when its sentence, or the one before, mentions a person in care,
    /// or when its sentence uses a pronoun after such a person was mentioned earlier.
    fn has_context(&self, at: usize) -> bool {
        let sentence = self.norm.sentence_of(at);
        let flag = |flags: &Vec<bool>, i: usize| flags.get(i).copied().unwrap_or(false);
        flag(&self.context_sentences, sentence)
            || (sentence > 0 && flag(&self.context_sentences, sentence - 1))
            || (flag(&self.pronoun_sentences, sentence)
                && self.first_context.is_some_and(|f| f < at))
    }

    fn modifiers(&self) -> Vec<FoundModifier> {
        self.taxonomy
            .modifiers
            .iter()
            .filter_map(|m| self.modifier(m))
            .collect()
    }

    fn modifier(&self, modifier: &Modifier) -> Option<FoundModifier> {
        let guards = Spans::new(self.found(&modifier.guards));
        let mut evidence = Vec::new();
        for &(_, start, end) in self.found(&modifier.patterns) {
            let span = start..end;
            if guards.overlaps(&span) || self.global_guards.overlaps(&span) {
                continue;
            }
            if modifier.spec.negatable && self.negated(start) {
                continue;
            }
            let found = self.evidence_at(span);
            if evidence.iter().any(|e: &Evidence| e.start == found.start) {
                continue;
            }
            evidence.push(found);
        }
        if evidence.is_empty() {
            return None;
        }
        evidence.sort_by_key(|e| e.start);
        Some(FoundModifier {
            id: modifier.spec.id.clone(),
            label: modifier.spec.label.clone(),
            evidence,
        })
    }

    /// True when a negation word stands shortly before `at` in the same sentence.
    fn negated(&self, at: usize) -> bool {
        let sentence = self.norm.sentence_of(at);
        let sentence_start = self.norm.sentences.get(sentence).map_or(0, |s| s.start);
        self.negations.iter().any(|neg| {
            neg.end <= at
                && neg.start >= sentence_start
                && self.norm.text[neg.end..at]
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .count()
                    <= NEGATION_WINDOW_WORDS
        })
    }
}

/// The spans of a group's matches, in order.
fn spans(found: &[(usize, usize, usize)]) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = found.iter().map(|&(_, s, e)| s..e).collect();
    spans.sort_by_key(|r| r.start);
    spans
}

/// Spans sorted by start, with the furthest end so far at each, so asking whether a
/// span overlaps any of them is a binary search (a long text has hundreds of guards).
struct Spans {
    spans: Vec<Range<usize>>,
    furthest_end: Vec<usize>,
}

impl Spans {
    fn new(found: &[(usize, usize, usize)]) -> Spans {
        let spans = spans(found);
        let furthest_end = spans
            .iter()
            .scan(0, |furthest, span| {
                *furthest = span.end.max(*furthest);
                Some(*furthest)
            })
            .collect();
        Spans {
            spans,
            furthest_end,
        }
    }

    /// True when `span` overlaps one of the spans.
    fn overlaps(&self, span: &Range<usize>) -> bool {
        // Of the spans starting before `span` ends, does any end after it starts?
        let before = self.spans.partition_point(|s| s.start < span.end);
        before > 0 && self.furthest_end[before - 1] > span.start
    }
}

/// Overlapping hits are one piece of evidence: keep the strongest, then the longest.
fn merge_overlapping(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then((b.span.end - b.span.start).cmp(&(a.span.end - a.span.start)))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        if !kept
            .iter()
            .any(|k| k.span.start < hit.span.end && hit.span.start < k.span.end)
        {
            kept.push(hit);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small taxonomy that exercises every mechanism of the engine.
    const MINI: &str = r#"
version = 1
name = "mini"
threshold = 0.5
learned = false
context = ['patient*', '(family|families)', '(mr|mrs) {any}']
pronouns = ['he', 'she', 'him', 'her']
negations = ["didn't", 'not', 'declined']
guards = ['nhs number']
[macros]
pron = "his|her|their"
give = "give|gives|gave|given|giving|handed"
[[category]]
id = "personal-contact"
name = "Personal contact details"
description = "d"
crossing = "c"
default_route = "line-manager"
cues = [{ pattern = "{give} me {pron} (personal|mobile)? number", weight = 0.9 }]
weak_cues = [{ pattern = "number", weight = 0.55 }]
guards = ['a number of', '(bed|room) number']
supervision_prompts = [{ function = "formative", text = "q" }]
manager_prompts = [{ text = "m" }]
[[category]]
id = "gifts-hospitality"
name = "Gifts"
description = "d"
crossing = "c"
default_route = "reflect"
cues = [{ pattern = "box of chocolates" }]
weak_cues = [{ pattern = "gift*", weight = 0.55 }]
supervision_prompts = [{ function = "normative", text = "q" }]
manager_prompts = [{ text = "m" }]
[[category]]
id = "over-involvement"
name = "Over-involvement"
description = "d"
crossing = "c"
default_route = "supervision"
cues = [{ pattern = "stayed late to sit with", weight = 0.7 }]
combos = [
  { all = ["(day off|days off)", "(visit|visited|visiting)"], weight = 0.6 },
  { all = ["(nobody knows|no one knows)", "(shopping|errands)"], within = "text", weight = 0.6 },
]
supervision_prompts = [{ function = "restorative", text = "q" }]
manager_prompts = [{ text = "m" }]
[[modifier]]
id = "happened"
label = "it happened"
patterns = ["i (kept|accepted) (it|the number)"]
[[modifier]]
id = "cash"
label = "cash"
patterns = ["cash"]
negatable = false
[[rule]]
when = { any_category = ["gifts-hospitality"], any_modifier = ["cash"] }
route = "line-manager"
reason = "cash gifts need declaring"
[[rule]]
when = { any_modifier = ["happened"] }
raise = true
reason = "it already happened"
"#;

    fn mini() -> Taxonomy {
        Taxonomy::parse(MINI, "mini").unwrap()
    }

    fn ids(c: &Classification) -> Vec<&str> {
        c.categories.iter().map(|f| f.id.as_str()).collect()
    }

    #[test]
    fn a_combination_needs_every_part_in_one_sentence_by_default() {
        let together = "On my day off I visited her at home.";
        let c = classify(&mini(), together);
        assert_eq!(ids(&c), ["over-involvement"]);
        let shown: Vec<&str> = c.categories[0]
            .evidence
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(shown, ["day off", "visited"]);
        let apart = "It was my day off. Later I visited the shop.";
        assert!(classify(&mini(), apart).categories.is_empty());
    }

    #[test]
    fn a_text_wide_combination_joins_sentences() {
        let text = "I do her shopping on Fridays. Nobody knows.";
        assert_eq!(ids(&classify(&mini(), text)), ["over-involvement"]);
        assert!(classify(&mini(), "Nobody knows.").categories.is_empty());
    }

    #[test]
    fn a_repeated_cue_counts_once_toward_confidence() {
        let once = classify(&mini(), "gave me his number.");
        let twice = classify(&mini(), "gave me his number. gave me his number.");
        assert!((once.categories[0].confidence - twice.categories[0].confidence).abs() < 1e-9);
        assert_eq!(twice.categories[0].evidence.len(), 2);
    }

    #[test]
    fn finds_cues_through_case_pronouns_and_curly_quotes() {
        let text = "On Tuesday he HANDED me his personal number \u{2014} I\u{2019}m not sure why.";
        let c = classify(&mini(), text);
        assert_eq!(ids(&c), ["personal-contact"]);
        let e = &c.categories[0].evidence[0];
        assert_eq!(e.text, "HANDED me his personal number");
        assert_eq!(&text[e.start..e.end], e.text);
        assert_eq!(c.route, Route::LineManager);
        assert!(c.escalate());
    }

    #[test]
    fn guards_veto_their_traps() {
        let c = classify(
            &mini(),
            "A number of patients asked for the bed number and the NHS number.",
        );
        assert!(ids(&c).is_empty(), "{:?}", ids(&c));
    }

    #[test]
    fn weak_cues_need_a_person_in_care_nearby() {
        assert!(ids(&classify(&mini(), "I wrote the number on the whiteboard.")).is_empty());
        assert_eq!(
            ids(&classify(
                &mini(),
                "The patient wrote his number on a card."
            )),
            ["personal-contact"]
        );
        // A pronoun after a patient was mentioned earlier also counts.
        let text =
            "I have looked after Mr Smith for weeks. Today it was busy. He wrote a number down.";
        assert_eq!(ids(&classify(&mini(), text)), ["personal-contact"]);
        // A pronoun alone, with no person in care anywhere before, does not.
        assert!(ids(&classify(&mini(), "He wrote a number down.")).is_empty());
    }

    #[test]
    fn categories_are_sorted_by_confidence() {
        let text = "The family gave me a box of chocolates. He gave me his number.";
        let c = classify(&mini(), text);
        assert_eq!(ids(&c), ["personal-contact", "gifts-hospitality"]);
        assert!(c.categories[0].confidence >= c.categories[1].confidence);
    }

    #[test]
    fn low_confidence_categories_stay_below_the_threshold() {
        let mut taxonomy = mini();
        taxonomy.spec.threshold = 0.8;
        let c = classify(&taxonomy, "I stayed late to sit with him.");
        assert!(ids(&c).is_empty());
    }

    #[test]
    fn a_raise_lifts_the_default_one_level_and_only_once() {
        let c = classify(
            &mini(),
            "I stayed late to sit with her and I kept the number.",
        );
        assert_eq!(c.route, Route::LineManager);
        assert!(
            c.reasons
                .iter()
                .any(|r| r == "it already happened (\u{201c}I kept the number\u{201d})"),
            "{:?}",
            c.reasons
        );
        // Raising never goes past line-manager on its own.
        let c = classify(&mini(), "He gave me his number and I kept the number.");
        assert_eq!(c.route, Route::LineManager);
    }

    #[test]
    fn negation_cancels_a_modifier_but_not_the_category() {
        let c = classify(
            &mini(),
            "I stayed late to sit with her. I didn't accept it, honestly.",
        );
        assert_eq!(ids(&c), ["over-involvement"]);
        assert_eq!(c.route, Route::Supervision);
        assert!(c.modifiers.is_empty());
    }

    #[test]
    fn minimum_route_rules_apply_with_their_category() {
        let c = classify(
            &mini(),
            "A family gave me a box of chocolates and some cash.",
        );
        assert_eq!(c.route, Route::LineManager);
        assert!(
            c.reasons
                .iter()
                .any(|r| r.starts_with("cash gifts need declaring")),
            "{:?}",
            c.reasons
        );
        // The same modifier without the category changes nothing.
        let c = classify(&mini(), "The cash office was shut.");
        assert_eq!(c.route, Route::Reflect);
    }

    #[test]
    fn nothing_found_means_reflect_with_no_reasons() {
        let c = classify(
            &mini(),
            "Busy shift, rota changes, a new hoist on the ward.",
        );
        assert!(c.categories.is_empty());
        assert_eq!(c.route, Route::Reflect);
        assert!(c.reasons.is_empty());
    }

    #[test]
    fn manual_routing_uses_the_given_categories() {
        let taxonomy = mini();
        let gifts: CategoryId = "gifts-hospitality".parse().unwrap();
        let mods = modifiers(&taxonomy, "cash in an envelope");
        let (route, _) = route_for(&taxonomy, &[gifts], &mods);
        assert_eq!(route, Route::LineManager);
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::proptest_config())]
        #[test]
        fn never_panics_and_evidence_is_a_true_substring(text in "\\PC{0,300}") {
            check_invariants(&mini(), &text);
        }

        #[test]
        fn invariants_hold_on_cue_heavy_text(words in proptest::collection::vec(
            proptest::sample::select(vec!["gave", "me", "his", "number", "patient", "a", "of", "nhs", "\u{2019}", "HANDED", "gift", "family", ".", "\n\n", "é", "\u{202e}", "didn't", "cash", "he"]), 0..60)) {
            check_invariants(&mini(), &words.join(" "));
        }

        #[test]
        fn the_shipped_tagger_keeps_the_invariants(words in proptest::collection::vec(
            proptest::sample::select(vec!["gave", "me", "his", "number", "patient", "visit", "day", "off", "friend", "request", "family", "money", "\u{2019}s", "HUG", "'", "''", ".", "\n\n", "é", "\u{202e}", "didn't", "cash", "she", "safeguarding", "training"]), 0..80)) {
            check_invariants(Taxonomy::builtin(), &words.join(" "));
        }

        #[test]
        fn the_shipped_tagger_never_panics(text in "\\PC{0,300}") {
            check_invariants(Taxonomy::builtin(), &text);
        }

        #[test]
        fn span_overlap_search_agrees_with_checking_every_span(
            guards in proptest::collection::vec((0usize..60, 1usize..12), 0..20),
            start in 0usize..70,
            len in 1usize..10,
        ) {
            let found: Vec<(usize, usize, usize)> =
                guards.iter().map(|&(s, l)| (0, s, s + l)).collect();
            let span = start..start + len;
            let linear = found.iter().any(|&(_, s, e)| s < span.end && span.start < e);
            proptest::prop_assert_eq!(Spans::new(&found).overlaps(&span), linear);
        }
    }

    #[test]
    fn a_clear_phrase_in_a_short_entry_is_not_overruled_by_the_lexicon() {
        // The issue's own sentence: the lexicon alone gives personal contact too little,
        // because it knows little about one sentence; the cue is clear.
        let text = "He said he'd built such a rapport with me and gave me his number as I'm \
                    moving to another hospital.";
        let taxonomy = Taxonomy::builtin();
        let with = classify(taxonomy, text);
        assert!(
            with.categories
                .iter()
                .any(|f| f.id.as_str() == "personal-contact"),
            "{:?}",
            with.categories
        );
        assert_eq!(with.route, Route::LineManager);
    }

    #[test]
    fn the_lexicon_adds_a_category_the_cues_miss_and_shows_its_words() {
        let text = "His wife keeps leaving boxes of biscuits and a card at the nurses' station \
                    for me personally.";
        let taxonomy = Taxonomy::builtin();
        let gifts = |c: &Classification| {
            c.categories
                .iter()
                .find(|f| f.id.as_str() == "gifts-hospitality")
                .cloned()
        };
        assert_eq!(gifts(&classify_with(taxonomy, None, text)), None);
        let found = gifts(&classify(taxonomy, text)).expect("the lexicon finds the gift");
        let words: Vec<&str> = found.evidence.iter().map(|e| e.text.as_str()).collect();
        assert!(words.contains(&"biscuits"), "{words:?}");
        check_invariants(taxonomy, text);
    }

    #[test]
    fn a_taxonomy_can_turn_the_lexicon_off() {
        assert!(mini().lexicon().is_none());
        assert!(Taxonomy::builtin().lexicon().is_some());
    }

    fn check_invariants(taxonomy: &Taxonomy, text: &str) {
        let c = classify(taxonomy, text);
        for pair in c.categories.windows(2) {
            assert!(pair[0].confidence >= pair[1].confidence);
        }
        for found in &c.categories {
            assert!(found.confidence >= taxonomy.spec.threshold && found.confidence <= 1.0);
            for e in &found.evidence {
                assert_eq!(text.get(e.start..e.end), Some(e.text.as_str()));
            }
        }
        for m in &c.modifiers {
            for e in &m.evidence {
                assert_eq!(text.get(e.start..e.end), Some(e.text.as_str()));
            }
        }
    }
}
