//! `candour classify`: tag a text without storing it.

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::tagger;

use super::read_stdin_text;
use super::tags::classification_lines;

/// Tag a text without storing it
///
/// Prints the boundary categories it touches, the words that suggested each one, who
/// should hear about it (reflect, supervision, line manager, escalate) and why. Nothing
/// is written anywhere and no journal is needed. The text comes from the arguments, else
/// from standard input.
///
/// These are prompts for reflection, not verdicts: your employer's policy and your
/// regulator's code come first.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour classify \"He gave me his number and said he sees me as a friend.\"
  candour classify --json < draft.txt

JSON output:
  {\"categories\":[{\"id\",\"name\",\"confidence\",\"evidence\":[…]}],
   \"route\":\"reflect|supervision|line-manager|escalate\",\"escalate\":bool,\"escalate_reasons\":[…]}")]
pub struct ClassifyArgs {
    /// The text to classify (else read from standard input)
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
}

/// Runs `candour classify`.
pub fn run(ctx: &mut Context, args: &ClassifyArgs) -> Result<(), CliError> {
    let text = if args.text.is_empty() {
        if ctx.env.stdin_tty {
            return Err(usage(
                "nothing to classify: give the text as arguments or pipe it in",
            ));
        }
        read_stdin_text()?.to_string()
    } else {
        args.text.join(" ")
    };
    if text.trim().is_empty() {
        return Err(usage("nothing to classify: the text is empty"));
    }
    let taxonomy = ctx.taxonomy()?;
    // Compiling the cue patterns and loading the learned lexicon are most of the work and
    // do not depend on each other: the patterns compile on another core meanwhile.
    let c = std::thread::scope(|scope| {
        scope.spawn(|| taxonomy.matcher().len());
        tagger::classify(taxonomy, &text)
    });
    if ctx.ui.json {
        let categories: Vec<_> = c
            .categories
            .iter()
            .map(|f| {
                json!({
                    "id": f.id,
                    "name": f.name,
                    "confidence": f.confidence,
                    "evidence": f.evidence.iter().map(|e| e.text.as_str()).collect::<Vec<_>>(),
                })
            })
            .collect();
        let escalate = c.escalate();
        ctx.ui.json(&json!({
            "categories": categories,
            "route": c.route,
            "escalate": escalate,
            "escalate_reasons": if escalate { c.reasons.clone() } else { Vec::new() },
        }))?;
        return Ok(());
    }
    for line in classification_lines(&c) {
        ctx.ui.line(line)?;
    }
    ctx.ui.note(
        "\nThese are prompts, not verdicts: local policy and your regulator's code come first.",
    );
    Ok(())
}
