//! Applying the tagger to an entry: automatic tags, manual tags, removals, the route.
//!
//! Automatic tags are recomputed from the text whenever it changes; manual tags are the
//! user's and are kept; a category the user removed is never added back automatically.

use crate::model::{CategoryId, Payload, Tag, TagSource};
use crate::tagger::{self, Classification};
use crate::taxonomy::Taxonomy;

/// Re-tags `payload` from its text. With `auto` false only the route is recomputed.
///
/// Returns the classification used (for display), if the tagger ran.
pub fn retag(payload: &mut Payload, taxonomy: &Taxonomy, auto: bool) -> Option<Classification> {
    let manual: Vec<Tag> = payload
        .tags
        .iter()
        .filter(|t| t.source == TagSource::Manual)
        .cloned()
        .collect();
    let classification = auto.then(|| tagger::classify(taxonomy, &payload.text));
    let mut tags: Vec<Tag> = Vec::with_capacity(manual.len() + 4);
    if let Some(c) = &classification {
        for found in &c.categories {
            let removed = payload.removed_tags.contains(&found.id);
            let manual_too = manual.iter().any(|m| m.category == found.id);
            if !removed && !manual_too {
                tags.push(Tag {
                    category: found.id.clone(),
                    source: TagSource::Auto,
                    confidence: Some(found.confidence),
                    evidence: found.evidence.clone(),
                });
            }
        }
    } else {
        // Keep earlier automatic tags as they were when the tagger is not run.
        tags.extend(
            payload
                .tags
                .iter()
                .filter(|t| t.source == TagSource::Auto)
                .cloned(),
        );
    }
    tags.extend(manual);
    payload.tags = tags;
    // The tagger has already found the modifiers in this text; reading it again for them
    // would run every pattern a second time.
    match &classification {
        Some(c) => route_with(payload, taxonomy, &c.modifiers),
        None => reroute(payload, taxonomy),
    }
    classification
}

/// Recomputes the route from the entry's categories and the modifiers in its text.
pub fn reroute(payload: &mut Payload, taxonomy: &Taxonomy) {
    let modifiers = tagger::modifiers(taxonomy, &payload.text);
    route_with(payload, taxonomy, &modifiers);
}

/// Sets the route from the entry's categories and `modifiers` found in its text.
fn route_with(payload: &mut Payload, taxonomy: &Taxonomy, modifiers: &[tagger::FoundModifier]) {
    let ids: Vec<CategoryId> = payload.category_ids().cloned().collect();
    let (route, reasons) = tagger::route_for(taxonomy, &ids, modifiers);
    payload.route = route;
    payload.route_reasons = reasons;
}

/// Adds manual tags and removes tags, then recomputes the route.
///
/// Adding a category the tagger had found turns it into a manual tag (keeping its
/// evidence); removing one records it so automatic re-tagging never brings it back.
/// Returns the categories that were asked to be removed but were not on the entry.
pub fn change_tags(
    payload: &mut Payload,
    taxonomy: &Taxonomy,
    add: &[CategoryId],
    remove: &[CategoryId],
) -> Vec<CategoryId> {
    let missing = edit_tags(payload, add, remove);
    reroute(payload, taxonomy);
    missing
}

/// As [`change_tags`] without recomputing the route, for a caller that re-tags the
/// entry straight after (which sets the route).
pub fn edit_tags(
    payload: &mut Payload,
    add: &[CategoryId],
    remove: &[CategoryId],
) -> Vec<CategoryId> {
    for id in add {
        payload.removed_tags.retain(|r| r != id);
        match payload.tags.iter_mut().find(|t| &t.category == id) {
            Some(tag) => tag.source = TagSource::Manual,
            None => payload.tags.push(Tag {
                category: id.clone(),
                source: TagSource::Manual,
                confidence: None,
                evidence: Vec::new(),
            }),
        }
    }
    let mut missing = Vec::new();
    for id in remove {
        let before = payload.tags.len();
        payload.tags.retain(|t| &t.category != id);
        if payload.tags.len() == before {
            missing.push(id.clone());
        }
        if !payload.removed_tags.contains(id) {
            payload.removed_tags.push(id.clone());
        }
    }
    missing
}
