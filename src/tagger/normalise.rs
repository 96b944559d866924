//! Text normalisation for matching, with a map back to the original bytes.
//!
//! Patterns are matched against a lower-cased copy of the text in which curly quotes are
//! straight, dashes are hyphens, common accented letters are plain, and every run of
//! whitespace is one space. Each byte of the copy remembers which character of the
//! original produced it, so a match in the copy becomes an exact span of what the user
//! wrote: evidence is always a true substring of the input.

use std::ops::Range;

/// A normalised copy of a text and the way back to the original.
#[derive(Debug, Clone)]
pub struct Normalised<'a> {
    source: &'a str,
    /// The text patterns run against.
    pub text: String,
    /// For every byte of `text`: the byte offset of the source character it came from.
    origin: Vec<usize>,
    /// Sentence spans in `text`.
    pub sentences: Vec<Range<usize>>,
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "prof", "e.g", "i.e", "eg", "ie", "etc", "vs", "approx", "no",
    "sr", "jr", "mx",
];

impl<'a> Normalised<'a> {
    /// Normalises `source`.
    pub fn new(source: &'a str) -> Normalised<'a> {
        let mut text = String::with_capacity(source.len());
        let mut origin = Vec::with_capacity(source.len());
        let mut breaks = Vec::new();
        let mut pending_space: Option<(usize, usize)> = None; // (source offset, newlines seen)
        for (at, c) in source.char_indices() {
            if c.is_whitespace() || c.is_control() {
                let newline = usize::from(c == '\n' || c == '\u{2029}' || c == '\u{2028}');
                pending_space = Some(match pending_space {
                    Some((first, n)) => (first, n + newline),
                    None => (at, newline),
                });
                continue;
            }
            if let Some((first, newlines)) = pending_space.take() {
                if !text.is_empty() {
                    // A blank line, or a line starting with a list marker, ends a sentence.
                    let bullet = matches!(c, '-' | '*' | '•' | '–' | '—');
                    if newlines >= 2 || (newlines == 1 && (bullet || ends_sentence(&text))) {
                        breaks.push(text.len());
                    }
                    text.push(' ');
                    origin.push(first);
                }
            }
            push_folded(c, at, &mut text, &mut origin);
        }
        let sentences = split_sentences(&text, &breaks);
        Normalised {
            source,
            text,
            origin,
            sentences,
        }
    }

    /// The original span for a span of the normalised text.
    pub fn source_span(&self, span: Range<usize>) -> Range<usize> {
        if span.start >= span.end || span.end > self.text.len() {
            return 0..0;
        }
        let start = self.origin[span.start];
        let last = self.origin[span.end - 1];
        let end = last + self.source[last..].chars().next().map_or(0, char::len_utf8);
        start..end
    }

    /// The original text for a span of the normalised text.
    pub fn source_text(&self, span: Range<usize>) -> &'a str {
        let r = self.source_span(span);
        &self.source[r]
    }

    /// The index of the sentence containing byte `at` of the normalised text.
    pub fn sentence_of(&self, at: usize) -> usize {
        self.sentences
            .partition_point(|s| s.end <= at)
            .min(self.sentences.len().saturating_sub(1))
    }
}

fn ends_sentence(text: &str) -> bool {
    text.ends_with(['.', '!', '?', ':'])
}

/// Appends `c` lower-cased and folded, recording `at` for every byte written.
fn push_folded(c: char, at: usize, text: &mut String, origin: &mut Vec<usize>) {
    // Most text is ASCII: one byte in, one byte out.
    if c.is_ascii() && c != '`' {
        text.push(c.to_ascii_lowercase());
        origin.push(at);
        return;
    }
    let mut push = |s: &str, text: &mut String| {
        text.push_str(s);
        origin.resize(text.len(), at);
    };
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => push("'", text),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => {
            push("\"", text);
        }
        '\u{2010}'..='\u{2015}' | '\u{2212}' => push("-", text),
        '\u{2026}' => push("...", text),
        '\u{00E0}'..='\u{00E5}' | '\u{00C0}'..='\u{00C5}' => push("a", text),
        '\u{00E7}' | '\u{00C7}' => push("c", text),
        '\u{00E8}'..='\u{00EB}' | '\u{00C8}'..='\u{00CB}' => push("e", text),
        '\u{00EC}'..='\u{00EF}' | '\u{00CC}'..='\u{00CF}' => push("i", text),
        '\u{00F1}' | '\u{00D1}' => push("n", text),
        '\u{00F2}'..='\u{00F6}' | '\u{00D2}'..='\u{00D6}' => push("o", text),
        '\u{00F9}'..='\u{00FC}' | '\u{00D9}'..='\u{00DC}' => push("u", text),
        _ if c.is_ascii() => {
            let mut buf = [0u8; 4];
            push(c.to_ascii_lowercase().encode_utf8(&mut buf), text);
        }
        _ => {
            let lowered: String = c.to_lowercase().collect();
            push(&lowered, text);
        }
    }
}

fn split_sentences(text: &str, breaks: &[usize]) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut next_break = breaks.iter().copied().peekable();
    let mut i = 0;
    while i < bytes.len() {
        if next_break.peek() == Some(&i) {
            next_break.next();
            if i > start {
                sentences.push(start..i);
            }
            start = i;
        }
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?') {
            let mut end = i + 1;
            while end < bytes.len()
                && matches!(bytes[end], b'.' | b'!' | b'?' | b'"' | b'\'' | b')')
            {
                end += 1;
            }
            let at_space = end >= bytes.len() || bytes[end] == b' ';
            if at_space && !(b == b'.' && is_abbreviation(&text[start..i])) && !decimal(bytes, i) {
                sentences.push(start..end);
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if start < bytes.len() {
        sentences.push(start..bytes.len());
    }
    if sentences.is_empty() {
        sentences.push(0..0);
    }
    sentences
}

fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit(' ').next().unwrap_or("");
    ABBREVIATIONS.contains(&word)
        || (word.len() == 1 && word.bytes().all(|b| b.is_ascii_alphabetic()))
}

fn decimal(bytes: &[u8], dot: usize) -> bool {
    dot > 0
        && dot + 1 < bytes.len()
        && bytes[dot - 1].is_ascii_digit()
        && bytes[dot + 1].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_quotes_dashes_and_space() {
        let n = Normalised::new("He GAVE me\u{2019}s  \n number \u{2014} “now”");
        assert_eq!(n.text, "he gave me's number - \"now\"");
    }

    #[test]
    fn spans_map_back_to_the_exact_original() {
        let source = "Caf\u{e9} visit: she\u{2019}d  GIVEN me her number.";
        let n = Normalised::new(source);
        let at = n.text.find("she'd given me her number").unwrap();
        let span = n.source_span(at..at + "she'd given me her number".len());
        assert_eq!(&source[span], "she\u{2019}d  GIVEN me her number");
    }

    #[test]
    fn sentences_split_on_punctuation_but_not_titles_or_decimals() {
        let n = Normalised::new("Mr. Jones gave me 2.5 quid. Then he left! Did he?\n\nNew para");
        let parts: Vec<&str> = n
            .sentences
            .iter()
            .map(|r| n.text[r.clone()].trim())
            .collect();
        assert_eq!(
            parts,
            [
                "mr. jones gave me 2.5 quid.",
                "then he left!",
                "did he?",
                "new para"
            ]
        );
    }

    #[test]
    fn a_soft_line_wrap_does_not_split_a_sentence() {
        let n = Normalised::new("he gave me\nhis number");
        assert_eq!(n.sentences.len(), 1);
        let n = Normalised::new("first line.\nsecond line");
        assert_eq!(n.sentences.len(), 2);
        let n = Normalised::new("things:\n- one\n- two");
        assert_eq!(n.sentences.len(), 3);
    }

    #[test]
    fn empty_and_whitespace_text_is_safe() {
        assert_eq!(Normalised::new("").text, "");
        assert_eq!(Normalised::new(" \n\t ").text, "");
        assert_eq!(Normalised::new("").sentence_of(0), 0);
    }
}
