//! The summary as Markdown: readable as plain text, printable, pasteable.

use std::fmt::Write as _;

use super::{NMC_THEMES, Summary, SummaryEntry, Template, full_text, nmc_themes, section_text};
use crate::model::{Audience, Initiator};

/// Renders `summary` as Markdown.
pub fn render(summary: &Summary) -> String {
    render_with_chart(summary, None)
}

/// Renders `summary` as Markdown, placing `chart` (trusted HTML made by
/// [`super::html`]) after the table of counts.
pub fn render_with_chart(summary: &Summary, chart: Option<&str>) -> String {
    if summary.template == Template::NmcReflectiveAccount {
        let mut out = String::with_capacity(4096 + summary.entries.len() * 2048);
        nmc(summary, &mut out);
        return out;
    }
    let mut out = render_front(summary, chart);
    out.push_str(&render_entries(summary.audience, 1, &summary.entries));
    out.push_str(&render_end(summary));
    out
}

/// The opening of a summary (not the NMC account): heading, agenda, counts, patterns,
/// and for supervision the situations in brief, shared feelings, boundaries and
/// standards. It reads only what [`super::SummaryEntry::outline`] keeps.
pub fn render_front(summary: &Summary, chart: Option<&str>) -> String {
    let mut out = String::with_capacity(4096 + summary.entries.len() * 128);
    match summary.audience {
        Audience::Supervision => supervision(summary, chart, &mut out),
        Audience::Manager => {
            heading(summary, "Summary for a line-manager conversation", &mut out);
            counts(summary, chart, &mut out);
        }
    }
    out
}

/// The full sections of `entries`, numbered from `first`: the body of a summary, which
/// a long export renders a batch at a time after [`render_front`].
pub fn render_entries(audience: Audience, first: usize, entries: &[SummaryEntry]) -> String {
    let mut out = String::with_capacity(entries.len() * 2048);
    for (i, e) in entries.iter().enumerate() {
        match audience {
            Audience::Supervision => situation(first + i, e, audience, &mut out),
            Audience::Manager => manager_entry(first + i, e, &mut out),
        }
    }
    out
}

/// What closes a summary after its entries.
pub fn render_end(summary: &Summary) -> String {
    if summary.audience == Audience::Manager && summary.entries.is_empty() {
        return "No situations shared with the line manager in this period.\n\n".to_owned();
    }
    String::new()
}

/// Escapes text so Markdown shows it literally (no headings, links or emphasis from
/// what the user wrote).
pub fn escape(text: &str) -> String {
    if needs_no_escape(text) {
        return text.to_owned();
    }
    escape_lines(text)
}

fn escape_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push_str("  \n");
        }
        let trimmed = line.trim_start();
        // A leading "#", ">", "-", "+" or "=" would start a block; "12." or "12)" a list.
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        let list_marker = digits > 0 && matches!(trimmed.as_bytes().get(digits), Some(b'.' | b')'));
        let mut chars = trimmed.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            let after = chars.peek().map(|&(_, next)| next);
            let block_start = i == 0 && matches!(c, '#' | '>' | '-' | '+' | '=' | '[');
            // "]" only matters where it could close a link: before "(", "[" or ":".
            let link_close = c == ']' && matches!(after, Some('(' | '[' | ':'));
            let escape_it = matches!(c, '\\' | '`' | '*' | '_' | '<' | '>' | '|' | '&' | '~')
                || block_start
                || link_close
                || (c == '!' && after == Some('['))
                || (list_marker && i == digits);
            if escape_it {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// True when [`escape`] would return `text` unchanged: one line, no leading space, no
/// character Markdown treats specially, and no block or list marker at the start. Most
/// of a summary's text is like that, and a long summary escapes a great deal of it.
fn needs_no_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    let special = |b: &u8| {
        matches!(
            b,
            b'\n'
                | b'\r'
                | b'\\'
                | b'`'
                | b'*'
                | b'_'
                | b'<'
                | b'>'
                | b'|'
                | b'&'
                | b'~'
                | b'!'
                | b']'
        )
    };
    let starts_block = bytes.first().is_some_and(|b| {
        b.is_ascii_whitespace()
            || b.is_ascii_digit()
            || matches!(b, b'#' | b'-' | b'+' | b'=' | b'[')
    });
    !starts_block && !bytes.iter().any(special)
}

fn date(at: chrono::DateTime<chrono::FixedOffset>) -> String {
    at.format("%-d %B %Y").to_string()
}

fn heading(summary: &Summary, title: &str, out: &mut String) {
    let _ = writeln!(out, "# {title}\n");
    let period = match summary.from {
        Some(from) => format!("{} to {}", date(from), date(summary.to)),
        None => format!("up to {}", date(summary.to)),
    };
    let _ = writeln!(
        out,
        "Period: {period} · prepared {} · {} situation{}",
        date(summary.generated_at),
        summary.entries.len(),
        if summary.entries.len() == 1 { "" } else { "s" }
    );
    let _ = writeln!(out);
    if summary.redacted {
        let _ = writeln!(
            out,
            "> Identifiers (names, phone numbers, NHS numbers, dates of birth, addresses) are replaced with [placeholders]. \
             Please keep it that way: reflections should not identify anyone."
        );
    } else {
        let _ = writeln!(
            out,
            "> **Not redacted.** This copy may identify people. Reflections shared beyond you should be anonymised."
        );
    }
    let _ = writeln!(
        out,
        ">\n> Prompts are questions for reflection, not verdicts; local policy and the regulator's code come first.\n"
    );
}

fn supervision(summary: &Summary, chart: Option<&str>, out: &mut String) {
    heading(summary, "Supervision summary", out);
    let _ = writeln!(out, "## Agenda\n");
    let _ = writeln!(
        out,
        "1. Check-in and wellbeing — how have I been since we last met?"
    );
    let _ = writeln!(out, "2. The situations in brief");
    let _ = writeln!(
        out,
        "3. What I felt, and what I think was going on for the other person"
    );
    let _ = writeln!(
        out,
        "4. Which boundaries they touch, and whether each was a crossing or a violation"
    );
    let _ = writeln!(out, "5. Standards and policy I have looked at");
    let _ = writeln!(out, "6. What I learned, and what I am unsure about");
    let _ = writeln!(out, "7. What I plan to do, and the support I need");
    let _ = writeln!(out, "8. Follow-up: what to bring back next time\n");

    if let Some(last) = &summary.last_session {
        let _ = writeln!(out, "## Agreed last time ({})\n", date(last.held_at));
        match &last.note {
            Some(note) => {
                let _ = writeln!(out, "{}\n", escape(note));
            }
            None => {
                let _ = writeln!(out, "No note was recorded.\n");
            }
        }
        if !last.follow_ups.is_empty() {
            let _ = writeln!(out, "Follow-ups:\n");
            for a in &last.follow_ups {
                let _ = writeln!(
                    out,
                    "- [{}] {}{}",
                    if a.done { "x" } else { " " },
                    escape(&a.text),
                    due(a.due)
                );
            }
            let _ = writeln!(out);
        }
    }

    let _ = writeln!(out, "## 2. Situations in brief\n");
    if summary.entries.is_empty() {
        let _ = writeln!(
            out,
            "No situations shared for supervision in this period.\n"
        );
    }
    for (i, e) in summary.entries.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} — {} ({})",
            i + 1,
            date(e.occurred_at),
            escape(&e.title),
            ids(e)
        );
    }
    let _ = writeln!(out);

    counts(summary, chart, out);

    let feelings: Vec<(&SummaryEntry, &str)> = summary
        .entries
        .iter()
        .filter_map(|e| section_text(e, &super::FEELINGS_SECTIONS).map(|t| (e, t)))
        .collect();
    let _ = writeln!(out, "## 3. Feelings shared\n");
    if feelings.is_empty() {
        let _ = writeln!(
            out,
            "None shared in writing; feelings sections stay private unless you share them.\n"
        );
    } else {
        for (e, text) in feelings {
            let _ = writeln!(out, "- {}: {}", escape(&e.title), escape(text));
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "## 4. Boundaries touched: crossing or violation?\n");
    let mut seen = Vec::new();
    for c in summary.entries.iter().flat_map(|e| e.categories.iter()) {
        if seen.contains(&c.id) || c.crossing.is_empty() {
            continue;
        }
        seen.push(c.id.clone());
        let _ = writeln!(out, "- **{}**: {}", escape(&c.name), escape(&c.crossing));
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## 5. Standards and policy\n");
    let mut references: Vec<&str> = Vec::new();
    for e in &summary.entries {
        for r in &e.prompts.references {
            if !references.contains(&r.as_str()) {
                references.push(r);
            }
        }
    }
    if references.is_empty() {
        let _ = writeln!(out, "- Your regulator's code and your employer's policies.");
    }
    for r in references {
        let _ = writeln!(out, "- {}", escape(r));
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## 6–8. Situations in full\n");
}

fn manager_entry(n: usize, e: &SummaryEntry, out: &mut String) {
    let _ = writeln!(
        out,
        "## {}. {} — {}\n",
        n,
        date(e.occurred_at),
        escape(&e.title)
    );
    let _ = writeln!(out, "- **What happened:** {}", escape(&full_text(e)));
    record_lines(e, out);
    let names: Vec<String> = e.categories.iter().map(|c| escape(&c.name)).collect();
    if !names.is_empty() {
        let _ = writeln!(out, "- **Boundaries:** {}", names.join("; "));
    }
    let mut policies: Vec<&str> = Vec::new();
    for p in e.categories.iter().flat_map(|c| c.policies.iter()) {
        if !policies.contains(&p.as_str()) {
            policies.push(p);
        }
    }
    if !policies.is_empty() {
        let _ = writeln!(
            out,
            "- **Policy to look at:** {}",
            escape(&policies.join("; "))
        );
    }
    let _ = writeln!(
        out,
        "- **Route suggested:** {} · **status:** {}",
        e.route, e.status
    );
    if let Some(declare) = e.prompts.sections.iter().find(|s| s.key == "declare") {
        let _ = writeln!(out, "- **To declare or record:**");
        for q in &declare.prompts {
            let _ = writeln!(out, "  - {}", escape(q));
        }
    }
    if !e.actions.is_empty() {
        let _ = writeln!(out, "- **Actions asked for:**");
        for a in &e.actions {
            let _ = writeln!(out, "  - {}{}", escape(&a.text), due(a.due));
        }
    }
    let shared: Vec<_> = e
        .reflection
        .iter()
        .filter(|s| matches!(s.id.as_str(), "now-what" | "action-plan"))
        .collect();
    for s in shared {
        let _ = writeln!(out, "- **{}:** {}", escape(&s.heading), escape(&s.text));
    }
    let _ = writeln!(out);
}

fn nmc(summary: &Summary, out: &mut String) {
    for (i, e) in summary.entries.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out, "\n---\n");
        }
        let _ = writeln!(out, "# Reflective account {}\n", i + 1);
        let _ = writeln!(
            out,
            "> NMC revalidation form. It must not contain anything that could identify a patient, service user, \
             colleague or anyone else. Check every line before you use it.\n"
        );
        let _ = writeln!(
            out,
            "## What was the nature of the CPD activity and/or practice-related feedback and/or event or experience in your practice?\n"
        );
        let nature = section_text(e, &["what", "description", "aesthetics"])
            .map_or_else(|| full_text(e), str::to_owned);
        let _ = writeln!(out, "{}\n", escape(&nature));
        let _ = writeln!(
            out,
            "## What did you learn from the CPD activity and/or feedback and/or event or experience in your practice?\n"
        );
        let learned = section_text(
            e,
            &["so-what", "conclusion", "analysis", "reflexivity", "ethics"],
        )
        .unwrap_or("(Not written yet: `candour reflect ID` — for example the So what? section.)");
        let _ = writeln!(out, "{}\n", escape(learned));
        let _ = writeln!(
            out,
            "## How did you change or improve your practice as a result?\n"
        );
        let changed = section_text(e, &["now-what", "action-plan"])
            .or(e.record.outcome.as_deref())
            .unwrap_or(
                "(Not written yet: `candour reflect ID` — for example the Now what? section.)",
            );
        let _ = writeln!(out, "{}\n", escape(changed));
        let _ = writeln!(out, "## How is this relevant to the Code?\n");
        let themes = nmc_themes(e);
        for theme in NMC_THEMES {
            let _ = writeln!(
                out,
                "- [{}] {theme}",
                if themes.contains(&theme) { "x" } else { " " }
            );
        }
        let _ = writeln!(
            out,
            "\nExplain how the themes you ticked relate to what happened and what you learned."
        );
    }
    if summary.entries.is_empty() {
        let _ = writeln!(
            out,
            "No entries were chosen: give entry ids, e.g. `candour export --template nmc-reflective-account 12`."
        );
    }
}

fn counts(summary: &Summary, chart: Option<&str>, out: &mut String) {
    if summary.counts.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Categories this period\n");
    let _ = writeln!(out, "| Category | Situations |\n|---|---:|");
    for (_, name, n) in &summary.counts {
        let _ = writeln!(out, "| {} | {n} |", escape(name));
    }
    let _ = writeln!(out);
    if let Some(chart) = chart {
        let _ = writeln!(out, "{chart}\n");
    }
    if !summary.patterns.is_empty() {
        let _ = writeln!(out, "## Patterns\n");
        for p in &summary.patterns {
            let _ = writeln!(out, "- {}", escape(p));
        }
        let _ = writeln!(out);
    }
}

fn situation(n: usize, e: &SummaryEntry, audience: Audience, out: &mut String) {
    let _ = writeln!(
        out,
        "### {n}. {} — {}\n",
        date(e.occurred_at),
        escape(&e.title)
    );
    if !e.body.is_empty() {
        let _ = writeln!(out, "{}\n", escape(&e.body));
    }
    for c in &e.categories {
        let evidence: Vec<String> = c
            .evidence
            .iter()
            .map(|ev| format!("\u{201c}{}\u{201d}", escape(ev)))
            .collect();
        if evidence.is_empty() {
            let _ = writeln!(out, "- **{}**", escape(&c.name));
        } else {
            let _ = writeln!(out, "- **{}** — {}", escape(&c.name), evidence.join(", "));
        }
    }
    let _ = writeln!(out, "- Route: {} · status: {}\n", e.route, e.status);
    record_lines(e, out);
    if !e.reflection.is_empty() {
        let _ = writeln!(out, "\n**Reflection**\n");
        for s in &e.reflection {
            let _ = writeln!(out, "- *{}* {}", escape(&s.heading), escape(&s.text));
        }
    }
    let _ = writeln!(
        out,
        "\n**Prompts for {}**\n",
        if audience == Audience::Supervision {
            "supervision"
        } else {
            "the conversation"
        }
    );
    for section in e
        .prompts
        .sections
        .iter()
        .filter(|s| !s.key.starts_with("model-"))
    {
        let _ = writeln!(out, "- *{}*", escape(&section.heading));
        for q in &section.prompts {
            let _ = writeln!(out, "  - {}", escape(q));
        }
    }
    if !e.actions.is_empty() {
        let _ = writeln!(out, "\n**Open actions**\n");
        for a in &e.actions {
            let _ = writeln!(out, "- [ ] {}{}", escape(&a.text), due(a.due));
        }
    }
    let _ = writeln!(out);
}

fn record_lines(e: &SummaryEntry, out: &mut String) {
    let r = &e.record;
    if let Some(who) = r.initiated_by {
        let who = match who {
            Initiator::Patient => "the patient or service user",
            Initiator::Family => "a relative or carer",
            Initiator::Colleague => "a colleague",
            Initiator::Me => "me",
            Initiator::Other => "someone else",
        };
        let _ = writeln!(out, "- **Started by:** {who}");
    }
    for (label, value) in [
        ("What I did", &r.what_i_did),
        ("Who I told", &r.who_i_told),
        ("Outcome", &r.outcome),
    ] {
        if let Some(v) = value {
            let _ = writeln!(out, "- **{label}:** {}", escape(v));
        }
    }
}

fn ids(e: &SummaryEntry) -> String {
    let names: Vec<&str> = e.categories.iter().map(|c| c.id.as_str()).collect();
    if names.is_empty() {
        "no category".to_owned()
    } else {
        names.join(", ")
    }
}

fn due(at: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    at.map(|d| format!(" (due {})", date(d)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn user_text_cannot_become_markdown_structure() {
        assert_eq!(escape("# not a heading"), "\\# not a heading");
        assert_eq!(escape("[link](http://x)"), "\\[link\\](http://x)");
        assert_eq!(escape("see a [name] here"), "see a [name] here");
        assert_eq!(escape("x [a](b)"), "x [a\\](b)");
        assert_eq!(escape("a *b* _c_"), "a \\*b\\* \\_c\\_");
        assert_eq!(escape("line one\nline two"), "line one  \nline two");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("12. not a list"), "12\\. not a list");
        assert_eq!(escape("- not a bullet"), "\\- not a bullet");
        assert_eq!(escape("a - b"), "a - b");
    }

    proptest::proptest! {
        #[test]
        fn the_shortcut_changes_nothing(text in "[ a-z0-9#>+=\\-\\[\\]().!*_`<|&~\\\\\n\r]{0,24}") {
            proptest::prop_assert_eq!(escape(&text), super::escape_lines(&text));
        }
    }
}
