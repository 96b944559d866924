//! `candour completions`: shell completion scripts.

use clap::Args;
use clap_complete::Shell;

use crate::cli::context::Context;
use crate::cli::error::CliError;

/// Print a shell completion script
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  candour completions bash > ~/.local/share/bash-completion/completions/candour
  candour completions zsh > ~/.zfunc/_candour
  candour completions fish > ~/.config/fish/completions/candour.fish")]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// Runs `candour completions`.
pub fn run(ctx: &mut Context, args: &CompletionsArgs) -> Result<(), CliError> {
    let mut command = crate::cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "candour", &mut script);
    std::io::Write::write_all(ctx.ui.out(), &script)?;
    Ok(())
}
