//! The command-line interface: parsing, terminal I/O, exit codes.
//!
//! `cli` is the only layer that reads the environment, the clock or the terminal, and
//! the only one that prints. Each subcommand lives in `commands/<name>.rs` as an
//! `Args` struct (whose doc comments are its `--help`) and a `run` function.

pub mod agent;
pub mod commands;
pub mod context;
pub mod editor;
pub mod error;
pub mod secret;
pub mod ui;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

use self::context::{Context, EnvSnapshot};
use self::error::CliError;

const ENVIRONMENT_HELP: &str = "\
Environment:
  CANDOUR_HOME        the journal directory (default: ~/.local/share/candour)
  CANDOUR_PASSPHRASE  passphrase for scripts (prefer --passphrase-file; the environment can leak)
  CANDOUR_TAXONOMY    a custom taxonomy file instead of the built-in one
  CANDOUR_NOW         a fixed \"now\" (RFC 3339) for reproducible demos and tests
  VISUAL, EDITOR      the editor for `add` and `edit` when no text is given
  NO_COLOR            disable colour (as does --no-color)

Exit codes:
  0 success   1 runtime error   2 usage error   3 wrong passphrase or key
  4 no such journal or entry   5 integrity failure (corrupt or tampered data)

Examples:
  candour init
  candour add \"Patient gave me his personal number as I was leaving the ward.\"
  echo \"Family offered a £50 voucher\" | candour add --at yesterday
  candour list -n 5
  candour show 12
  candour classify \"A former patient sent me a friend request.\"";

/// candour — an encrypted reflection journal for professional boundary dilemmas.
///
/// Write down a boundary dilemma in seconds (no passphrase needed to add), keep it
/// encrypted at rest, and turn it into prompts for supervision or a line-manager
/// conversation. Nothing leaves your machine.
#[derive(Debug, Parser)]
#[command(name = "candour", version, propagate_version = true, after_long_help = ENVIRONMENT_HELP)]
#[command(disable_help_subcommand = true, max_term_width = 100)]
pub struct Cli {
    /// Options for every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted by every command.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// The journal directory [default: $CANDOUR_HOME, else ~/.local/share/candour]
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        help_heading = "Global options"
    )]
    pub journal: Option<PathBuf>,

    /// Print machine-readable JSON on stdout (one document)
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,

    /// Never use colour (also: NO_COLOR=1)
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_color: bool,

    /// Print only what was asked for: no notes or hints
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    pub quiet: bool,

    /// Say more about what is happening (on stderr; never entry text)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Global options")]
    pub verbose: u8,

    /// Unlock with this age identity file (the recovery key) instead of the passphrase
    #[arg(long, global = true, value_name = "FILE", help_heading = "Unlocking")]
    pub identity: Option<PathBuf>,

    /// Read the passphrase from the first line of FILE
    #[arg(long, global = true, value_name = "FILE", help_heading = "Unlocking")]
    pub passphrase_file: Option<PathBuf>,

    /// Use this taxonomy file instead of the built-in one (also: CANDOUR_TAXONOMY)
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help_heading = "Global options"
    )]
    pub taxonomy: Option<PathBuf>,
}

/// The subcommands. Their help text is the doc comment of each `Args` struct.
#[derive(Debug, Subcommand)]
#[allow(missing_docs)]
pub enum Command {
    Init(commands::init::InitArgs),
    Add(commands::add::AddArgs),
    List(commands::list::ListArgs),
    Show(commands::show::ShowArgs),
    Edit(commands::edit::EditArgs),
    Delete(commands::delete::DeleteArgs),
    Classify(commands::classify::ClassifyArgs),
    Tag(commands::tag::TagArgs),
    Categories(commands::categories::CategoriesArgs),
    Review(commands::review::ReviewArgs),
    Mark(commands::mark::MarkArgs),
    Share(commands::share::ShareArgs),
    Record(commands::record::RecordArgs),
    Reflect(commands::reflect::ReflectArgs),
    Prompts(commands::prompts::PromptsArgs),
    Action(commands::action::ActionArgs),
    Actions(commands::actions::ActionsArgs),
    Session(commands::session::SessionArgs),
    Sessions(commands::sessions::SessionsArgs),
    Export(commands::export::ExportArgs),
    Import(commands::import::ImportArgs),
    Names(commands::names::NamesArgs),
    Passwd(commands::passwd::PasswdArgs),
    Rekey(commands::rekey::RekeyArgs),
    Verify(commands::verify::VerifyArgs),
    Backup(commands::backup::BackupArgs),
    Purge(commands::purge::PurgeArgs),
    Unlock(commands::unlock::UnlockArgs),
    Lock(commands::unlock::LockArgs),
    #[command(hide = true)]
    AgentServe(commands::unlock::AgentServeArgs),
    Completions(commands::completions::CompletionsArgs),
}

/// Runs the program and returns its exit code.
pub fn main() -> ExitCode {
    // Before any file is opened: everything candour creates is private to the user.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let json = cli.global.json;
    let env = EnvSnapshot::capture();
    let result = Context::new(cli.global.clone(), env).and_then(|mut ctx| {
        dispatch(&mut ctx, cli.command)?;
        // Only after success: a failed command must leave the journal as it was.
        commands::keep_file_keys(&ctx);
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(error::report(&e, json)),
    }
}

fn dispatch(ctx: &mut Context, command: Command) -> Result<(), CliError> {
    match command {
        Command::Init(args) => commands::init::run(ctx, &args),
        Command::Add(args) => commands::add::run(ctx, &args),
        Command::List(args) => commands::list::run(ctx, &args),
        Command::Show(args) => commands::show::run(ctx, &args),
        Command::Edit(args) => commands::edit::run(ctx, &args),
        Command::Delete(args) => commands::delete::run(ctx, &args),
        Command::Classify(args) => commands::classify::run(ctx, &args),
        Command::Tag(args) => commands::tag::run(ctx, &args),
        Command::Categories(args) => commands::categories::run(ctx, &args),
        Command::Review(args) => commands::review::run(ctx, &args),
        Command::Mark(args) => commands::mark::run(ctx, &args),
        Command::Share(args) => commands::share::run(ctx, &args),
        Command::Record(args) => commands::record::run(ctx, &args),
        Command::Reflect(args) => commands::reflect::run(ctx, &args),
        Command::Prompts(args) => commands::prompts::run(ctx, &args),
        Command::Action(args) => commands::action::run(ctx, &args),
        Command::Actions(args) => commands::actions::run(ctx, &args),
        Command::Session(args) => commands::session::run(ctx, &args),
        Command::Sessions(args) => commands::sessions::run(ctx, &args),
        Command::Export(args) => commands::export::run(ctx, &args),
        Command::Import(args) => commands::import::run(ctx, &args),
        Command::Names(args) => commands::names::run(ctx, &args),
        Command::Passwd(args) => commands::passwd::run(ctx, &args),
        Command::Rekey(args) => commands::rekey::run(ctx, &args),
        Command::Verify(args) => commands::verify::run(ctx, &args),
        Command::Backup(args) => commands::backup::run(ctx, &args),
        Command::Purge(args) => commands::purge::run(ctx, &args),
        Command::Unlock(args) => commands::unlock::run(ctx, &args),
        Command::Lock(args) => commands::unlock::lock(ctx, &args),
        Command::AgentServe(args) => commands::unlock::serve(ctx, &args),
        Command::Completions(args) => commands::completions::run(ctx, &args),
    }
}

/// Help and version go to stdout with exit 0; parse errors become one line on stderr
/// with exit 2, like every other error.
fn clap_exit(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind as K;
    match e.kind() {
        K::DisplayHelp | K::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        K::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = Cli::command().print_help();
            let _ = writeln!(
                std::io::stderr(),
                "error: no command given; try `candour add \"…\"`, or see `candour --help`"
            );
            ExitCode::from(2)
        }
        _ => {
            let rendered = e.render().to_string();
            // clap's message is several lines (error, tip, usage); keep what precedes
            // the usage block and fold it onto one line.
            let before_usage = rendered.split("Usage:").next().unwrap_or(&rendered);
            let mut message = String::new();
            for line in before_usage
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                if !message.is_empty() {
                    message.push_str(if message.ends_with(':') { " " } else { "; " });
                }
                message.push_str(line.trim_start_matches("error:").trim());
            }
            let message = error::one_line(&message);
            let _ = writeln!(std::io::stderr(), "error: {message}; see `candour --help`");
            ExitCode::from(2)
        }
    }
}

/// The clap command, for completions and help snapshots.
pub fn command() -> clap::Command {
    Cli::command()
}
