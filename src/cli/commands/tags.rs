//! Shared display of tags and routes for `add`, `classify`, `show` and `tag`.

use crate::cli::ui::{DIM, EVIDENCE, URGENT, WARN, paint, sanitize};
use crate::model::{Evidence, Route};
use crate::tagger::Classification;

/// A route, coloured by urgency, with its advice.
pub fn route_line(route: Route) -> String {
    let style = match route {
        Route::Escalate => URGENT,
        Route::LineManager => WARN,
        Route::Supervision | Route::Reflect => DIM,
    };
    format!("{} — {}", paint(style, route.as_str()), route.advice())
}

/// Evidence phrases, quoted and highlighted.
pub fn evidence_list(evidence: &[Evidence]) -> String {
    evidence
        .iter()
        .map(|e| {
            paint(
                EVIDENCE,
                format!("\u{201c}{}\u{201d}", sanitize(&e.text).replace('\n', " ")),
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The human report of a classification: categories with evidence, route, reasons.
pub fn classification_lines(c: &Classification) -> Vec<String> {
    let mut lines = Vec::new();
    if c.categories.is_empty() {
        lines.push("No boundary category recognised.".to_owned());
    }
    for found in &c.categories {
        lines.push(format!(
            "{:<22} {:.2}  {}",
            found.id.as_str(),
            found.confidence,
            evidence_list(&found.evidence)
        ));
    }
    lines.push(String::new());
    lines.push(format!("Route: {}", route_line(c.route)));
    for reason in &c.reasons {
        lines.push(format!("  - {}", sanitize(reason)));
    }
    lines
}
