//! The summary as one self-contained, print-ready HTML page.
//!
//! No scripts, no external fonts, images or stylesheets: everything is inline, and a
//! Content-Security-Policy forbids the page from loading anything. The body is the
//! Markdown summary rendered with `pulldown-cmark` (user text was escaped when the
//! Markdown was written, and the renderer escapes it again for HTML); the counts per
//! category are drawn as an inline SVG bar chart. Print CSS lays it out on A4.

use std::fmt::Write as _;

use pulldown_cmark::{Options, Parser, html};

use super::{Summary, Template, markdown};
use crate::model::Audience;

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1d2433; --muted: #5b6475; --rule: #d7dbe3; --accent: #2f5d8a; }
* { box-sizing: border-box; }
body { margin: 0; font: 11pt/1.5 "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 48rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .4rem; color: var(--accent); }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p, li { margin: .3rem 0; }
blockquote { margin: 1rem 0; padding: .6rem 1rem; border-left: 4px solid var(--accent); background: #f3f6fa; color: var(--muted); }
blockquote p { margin: .2rem 0; }
table { border-collapse: collapse; margin: .6rem 0 1rem; min-width: 18rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .6rem; text-align: left; }
td:last-child, th:last-child { text-align: right; }
ul ul { margin: .1rem 0 .3rem; }
input[type=checkbox] { margin-right: .4rem; }
hr { border: 0; border-top: 1px solid var(--rule); margin: 2rem 0; }
figure.chart { margin: .5rem 0 1.2rem; }
figure.chart figcaption { font-size: .85rem; color: var(--muted); }
footer { margin: 2.5rem 0 1rem; font-size: .8rem; color: var(--muted); }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; margin: 0; padding: 0; }
  h2, h3 { break-after: avoid; }
  li, tr, figure, blockquote { break-inside: avoid; }
  hr { break-after: page; border: 0; margin: 0; }
}
"#;

/// Renders `summary` as a complete HTML document.
pub fn render(summary: &Summary) -> String {
    let chart = chart(summary);
    let markdown = markdown::render_with_chart(summary, chart.as_deref());
    let mut page = page_head(summary);
    page.push_str(&fragment(&markdown));
    page.push_str(&page_foot(summary));
    page
}

/// Markdown rendered as HTML. Whole blocks (a summary's opening, a batch of entries)
/// render the same apart as together, which lets a long export stream its page.
pub fn fragment(markdown: &str) -> String {
    let mut body = String::with_capacity(markdown.len() * 2);
    let options = Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    html::push_html(&mut body, Parser::new_ext(markdown, options));
    body
}

/// The page up to the start of its content: doctype, policy, title and style.
pub fn page_head(summary: &Summary) -> String {
    let title = match (summary.template, summary.audience) {
        (Template::NmcReflectiveAccount, _) => "Reflective account",
        (Template::Summary, Audience::Supervision) => "Supervision summary",
        (Template::Summary, Audience::Manager) => "Line-manager summary",
    };
    let mut page = String::with_capacity(STYLE.len() + 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"candour\">\n<title>{} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(title),
        escape(&summary.generated_at.format("%-d %B %Y").to_string()),
    );
    page
}

/// The end of the page after its content.
pub fn page_foot(summary: &Summary) -> String {
    format!(
        "<footer>Prepared with candour on {}. Keep this document as private as the conversation it is for.</footer>\n\
         </main>\n</body>\n</html>\n",
        escape(&summary.generated_at.format("%-d %B %Y").to_string()),
    )
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart of situations per category, as inline SVG.
pub fn chart(summary: &Summary) -> Option<String> {
    if summary.counts.is_empty() {
        return None;
    }
    let max = summary
        .counts
        .iter()
        .map(|(_, _, n)| *n)
        .max()
        .unwrap_or(1)
        .max(1);
    let row = 26;
    let label_width = 230;
    let bar_width = 300;
    let height = row * summary.counts.len() + 10;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">Situations per category</title>",
        label_width + bar_width + 40,
        label_width + bar_width + 40
    );
    for (i, (_, name, n)) in summary.counts.iter().enumerate() {
        let y = i * row + 5;
        let width = (n * bar_width).div_ceil(max).max(2);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\" fill=\"#1d2433\">{}</text>\
             <rect x=\"{}\" y=\"{y}\" width=\"{width}\" height=\"18\" rx=\"3\" fill=\"#2f5d8a\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#1d2433\">{n}</text>",
            label_width - 8,
            y + 13,
            escape(name),
            label_width,
            label_width + width + 6,
            y + 13,
        );
    }
    svg.push_str("</svg><figcaption>Situations per category in this period.</figcaption></figure>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
    }
}
