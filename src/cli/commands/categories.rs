//! `candour categories`: the taxonomy in use.

use clap::Args;
use serde_json::json;

use crate::cli::context::Context;
use crate::cli::error::{CliError, usage};
use crate::cli::ui::{DIM, HEADING, paint};
use crate::model::CategoryId;
use crate::taxonomy::Function;

/// Show the boundary categories in use
///
/// Without an id, lists every category with its default route. With an id, shows its
/// description, crossing-versus-violation note, prompts and references. The built-in
/// taxonomy is `schema/boundaries.toml`; --taxonomy FILE, CANDOUR_TAXONOMY or
/// `taxonomy = "FILE"` in the journal's config.toml replace it.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour categories
  candour categories gifts-hospitality
  candour categories --json
  candour --taxonomy my-team.toml categories")]
pub struct CategoriesArgs {
    /// Show one category in full
    #[arg(value_name = "ID")]
    pub id: Option<CategoryId>,
}

/// Runs `candour categories`.
pub fn run(ctx: &mut Context, args: &CategoriesArgs) -> Result<(), CliError> {
    let json = ctx.ui.json;
    let taxonomy = ctx.taxonomy()?.clone();
    if let Some(id) = &args.id {
        let category = taxonomy.check_category(id).map_err(usage)?;
        if json {
            ctx.ui.json(&category.spec)?;
            return Ok(());
        }
        let spec = &category.spec;
        let ui = &mut ctx.ui;
        ui.line(paint(HEADING, format!("{} — {}", spec.id, spec.name)))?;
        ui.line(format!(
            "Default route: {} ({})",
            spec.default_route,
            spec.default_route.advice()
        ))?;
        ui.line("")?;
        ui.line(spec.description.trim())?;
        ui.line("")?;
        ui.line(paint(HEADING, "Crossing or violation?"))?;
        ui.line(spec.crossing.trim())?;
        for function in Function::ALL {
            let prompts: Vec<_> = spec
                .supervision_prompts
                .iter()
                .filter(|p| p.function == function)
                .collect();
            if prompts.is_empty() {
                continue;
            }
            ui.line("")?;
            ui.line(paint(
                HEADING,
                format!("Supervision — {}", function.heading()),
            ))?;
            for p in prompts {
                ui.line(format!("  - {}", p.text.trim()))?;
            }
        }
        ui.line("")?;
        ui.line(paint(HEADING, "Line manager"))?;
        for p in &spec.manager_prompts {
            ui.line(format!("  - {}", p.text.trim()))?;
        }
        if !spec.references.is_empty() {
            ui.line("")?;
            ui.line(paint(HEADING, "References"))?;
            for r in &spec.references {
                ui.line(format!("  - {r}"))?;
            }
        }
        return Ok(());
    }
    if json {
        let categories: Vec<_> = taxonomy.categories.iter().map(|c| &c.spec).collect();
        ctx.ui.json(&json!({
            "taxonomy": taxonomy.spec.name,
            "origin": taxonomy.origin,
            "threshold": taxonomy.spec.threshold,
            "categories": categories,
        }))?;
        return Ok(());
    }
    ctx.ui.line(paint(
        DIM,
        format!("{} ({})", taxonomy.spec.name, taxonomy.origin),
    ))?;
    ctx.ui.line(paint(
        HEADING,
        format!("{:<24} {:<14} {}", "ID", "USUAL ROUTE", "NAME"),
    ))?;
    for c in &taxonomy.categories {
        ctx.ui.line(format!(
            "{:<24} {:<14} {}",
            c.id.as_str(),
            c.spec.default_route.as_str(),
            c.spec.name
        ))?;
    }
    ctx.ui.note("\nSee one in full: candour categories ID");
    Ok(())
}
