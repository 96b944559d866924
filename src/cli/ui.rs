//! Terminal output: stdout for what was asked, stderr for notes, warnings and errors.
//!
//! Colour is used only on terminals and never with `--no-color` or `NO_COLOR`
//! (`anstream` strips the escapes otherwise). Anything echoed back from the journal is
//! passed through [`sanitize`] first, so an entry holding terminal escapes or
//! right-to-left overrides cannot repaint the screen or disguise text.

use std::borrow::Cow;
use std::fmt::Display;
use std::io::{self, Write};

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Effects, Style};

use super::context::{EnvSnapshot, Settings};

/// Bold, for headings.
pub const HEADING: Style = Style::new().effects(Effects::BOLD);
/// Dimmed, for secondary detail (dates, ids).
pub const DIM: Style = Style::new().effects(Effects::DIMMED);
/// Highlighted evidence words.
pub const EVIDENCE: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
/// Success.
pub const GOOD: Style = AnsiColor::Green.on_default();
/// Warnings.
pub const WARN: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
/// Urgent things (escalate route, overdue actions).
pub const URGENT: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);

/// The output streams of one run.
#[allow(clippy::struct_excessive_bools)] // independent output settings
pub struct Ui {
    out: AutoStream<io::Stdout>,
    err: AutoStream<io::Stderr>,
    /// `--json`: stdout carries one JSON document.
    pub json: bool,
    /// `-q`: no notes.
    pub quiet: bool,
    /// `-v` count.
    pub verbose: u8,
    /// Standard output is a terminal.
    pub stdout_tty: bool,
    /// Standard error is a terminal (progress bars go there).
    pub stderr_tty: bool,
}

impl Ui {
    /// Streams configured from settings.
    pub fn new(settings: &Settings, env: &EnvSnapshot) -> Ui {
        let choice = if settings.color {
            ColorChoice::Auto
        } else {
            ColorChoice::Never
        };
        Ui {
            out: AutoStream::new(io::stdout(), choice),
            err: AutoStream::new(io::stderr(), choice),
            json: settings.json,
            quiet: settings.quiet,
            verbose: settings.verbose,
            stdout_tty: env.stdout_tty,
            stderr_tty: env.stderr_tty,
        }
    }

    /// Standard output, for command results.
    pub fn out(&mut self) -> &mut impl Write {
        &mut self.out
    }

    /// Writes one line to stdout.
    pub fn line(&mut self, text: impl Display) -> io::Result<()> {
        writeln!(self.out, "{text}")
    }

    /// Writes a JSON document to stdout.
    pub fn json(&mut self, value: &impl serde::Serialize) -> io::Result<()> {
        // `From` keeps the io::ErrorKind, so a closed pipe is still recognised as one.
        serde_json::to_writer(&mut self.out, value).map_err(io::Error::from)?;
        writeln!(self.out)
    }

    /// An informational note on stderr (suppressed by `-q`).
    pub fn note(&mut self, text: impl Display) {
        if !self.quiet {
            let _ = writeln!(self.err, "{text}");
        }
    }

    /// A warning on stderr (shown even with `-q`: it is about the user's data).
    pub fn warn(&mut self, text: impl Display) {
        let _ = writeln!(
            self.err,
            "{}warning:{} {text}",
            WARN.render(),
            WARN.render_reset()
        );
    }

    /// Detail for `-v`. Never pass entry text or secrets.
    pub fn verbose(&mut self, text: impl Display) {
        if self.verbose > 0 {
            let _ = writeln!(
                self.err,
                "{}candour: {text}{}",
                DIM.render(),
                DIM.render_reset()
            );
        }
    }

    /// A progress bar on stderr for work over ~1,000 items, only on a terminal and not
    /// with `-q` or `--json`; otherwise a hidden bar that costs nothing.
    pub fn progress(&self, total: u64, message: &'static str) -> indicatif::ProgressBar {
        if total < 1000 || !self.stderr_tty || self.quiet || self.json {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(total);
        let style = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
            .map_or_else(
                |_| indicatif::ProgressStyle::default_bar(),
                |s| s.progress_chars("=> "),
            );
        bar.set_style(style);
        bar.set_message(message);
        bar
    }

    /// Standard error, for prompts and progress.
    pub fn err(&mut self) -> &mut impl Write {
        &mut self.err
    }
}

/// `text` wrapped in `style` (the escapes are stripped later when colour is off).
pub fn paint(style: Style, text: impl Display) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

/// Makes journal text safe to print on a terminal: control characters other than line
/// breaks and tabs, and Unicode bidirectional overrides, are shown as `\u{…}` escapes.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Shortens `text` to at most `width` characters, ending with "…" when cut.
pub fn truncate(text: &str, width: usize) -> Cow<'_, str> {
    if text.chars().count() <= width {
        return Cow::Borrowed(text);
    }
    let kept: String = text.chars().take(width.saturating_sub(1)).collect();
    Cow::Owned(format!("{}…", kept.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bidi_overrides_are_neutralised() {
        assert_eq!(sanitize("plain\ntext"), "plain\ntext");
        let hostile = "ok\u{1b}[2Jgone\u{202E}txet";
        let clean = sanitize(hostile);
        assert!(!clean.contains('\u{1b}'));
        assert!(!clean.contains('\u{202E}'));
        assert!(clean.contains("\\u{1b}"));
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("a longer title here", 8), "a longe…");
    }
}
