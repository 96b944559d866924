//! Resolves flags and environment once into plain settings the commands read.
//!
//! Precedence, for every setting: command-line flag > `CANDOUR_*` environment variable >
//! the journal's `config.toml` (taxonomy only) > built-in default.
//!
//! The environment is captured into [`EnvSnapshot`] at start-up; nothing below `cli`
//! reads environment variables, so resolution is a pure function with unit tests.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, Local, Timelike};
use secrecy::SecretString;

use super::GlobalArgs;
use super::error::CliError;
use super::ui::Ui;
use crate::taxonomy::Taxonomy;

/// The environment variables and terminal facts candour looks at, read once.
#[derive(Default)]
#[allow(clippy::struct_excessive_bools)] // independent facts about the process, not a state machine
pub struct EnvSnapshot {
    /// `CANDOUR_HOME`: the journal directory.
    pub candour_home: Option<PathBuf>,
    /// `CANDOUR_PASSPHRASE`: the passphrase, for scripts.
    pub passphrase: Option<SecretString>,
    /// `CANDOUR_TAXONOMY`: a custom taxonomy file.
    pub taxonomy: Option<PathBuf>,
    /// `CANDOUR_NOW`: a fixed "now" (RFC 3339), for reproducible tests and demos.
    pub now: Option<String>,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// `VISUAL`, then `EDITOR`.
    pub editor: Option<String>,
    /// `XDG_RUNTIME_DIR`: private per-user runtime directory, for the editor's temp file.
    pub runtime_dir: Option<PathBuf>,
    /// The platform data directory for candour (`$XDG_DATA_HOME/candour`).
    pub data_dir: Option<PathBuf>,
    /// Standard input is a terminal.
    pub stdin_tty: bool,
    /// Standard output is a terminal.
    pub stdout_tty: bool,
    /// Standard error is a terminal.
    pub stderr_tty: bool,
}

impl EnvSnapshot {
    /// Reads the process environment.
    #[allow(clippy::disallowed_methods)] // the one place that reads the environment
    pub fn capture() -> EnvSnapshot {
        let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let text = |name: &str| non_empty(name).and_then(|v| v.into_string().ok());
        EnvSnapshot {
            candour_home: non_empty("CANDOUR_HOME").map(PathBuf::from),
            passphrase: non_empty("CANDOUR_PASSPHRASE")
                .map(OsString::into_string)
                .and_then(Result::ok)
                .map(SecretString::from),
            taxonomy: non_empty("CANDOUR_TAXONOMY").map(PathBuf::from),
            now: text("CANDOUR_NOW"),
            no_color: non_empty("NO_COLOR").is_some(),
            editor: text("VISUAL").or_else(|| text("EDITOR")),
            runtime_dir: non_empty("XDG_RUNTIME_DIR").map(PathBuf::from),
            data_dir: directories::ProjectDirs::from("", "", "candour")
                .map(|dirs| dirs.data_dir().to_owned()),
            stdin_tty: std::io::stdin().is_terminal(),
            stdout_tty: std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
        }
    }
}

/// Settings resolved from flags and environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the journal lives.
    pub journal_dir: PathBuf,
    /// Machine output on stdout.
    pub json: bool,
    /// Use colour on terminals.
    pub color: bool,
    /// Print only what was asked for.
    pub quiet: bool,
    /// Extra detail on stderr.
    pub verbose: u8,
    /// A custom taxonomy file.
    pub taxonomy: Option<PathBuf>,
}

impl Settings {
    /// Resolves settings; fails only when no journal directory can be found at all.
    pub fn resolve(args: &GlobalArgs, env: &EnvSnapshot) -> Result<Settings, CliError> {
        let journal_dir = args
            .journal
            .clone()
            .or_else(|| env.candour_home.clone())
            .or_else(|| env.data_dir.clone())
            .ok_or_else(|| {
                CliError::Usage(
                    "cannot tell where the journal lives (no home directory); pass --journal DIR or set CANDOUR_HOME".into(),
                )
            })?;
        Ok(Settings {
            journal_dir,
            json: args.json,
            color: !args.no_color && !env.no_color,
            quiet: args.quiet,
            verbose: args.verbose,
            taxonomy: args.taxonomy.clone().or_else(|| env.taxonomy.clone()),
        })
    }
}

/// Everything a command needs from the outside world.
pub struct Context {
    /// Resolved settings.
    pub settings: Settings,
    /// The environment as captured at start-up.
    pub env: EnvSnapshot,
    /// Global flags as given (unlock sources).
    pub global: GlobalArgs,
    /// Output streams.
    pub ui: Ui,
    /// "Now", in the user's local offset, read once per run.
    pub now: DateTime<FixedOffset>,
    /// The taxonomy, loaded on first use.
    taxonomy: Option<Cow<'static, Taxonomy>>,
}

impl Context {
    /// Builds the context for one run.
    pub fn new(global: GlobalArgs, env: EnvSnapshot) -> Result<Context, CliError> {
        let settings = Settings::resolve(&global, &env)?;
        let now = match &env.now {
            Some(fixed) => DateTime::parse_from_rfc3339(fixed).map_err(|_| {
                CliError::Usage(format!("CANDOUR_NOW={fixed:?} is not an RFC 3339 time"))
            })?,
            #[allow(clippy::disallowed_methods)] // the CLI is where the clock is read
            None => Local::now().fixed_offset(),
        };
        // Whole seconds: stored timestamps are seconds, and payloads must match their rows.
        let now = now.with_nanosecond(0).unwrap_or(now);
        let ui = Ui::new(&settings, &env);
        Ok(Context {
            settings,
            env,
            global,
            ui,
            now,
            taxonomy: None,
        })
    }

    /// The taxonomy in use: `--taxonomy`/`CANDOUR_TAXONOMY`, else the journal's
    /// `config.toml`, else the built-in one. Loaded once per run.
    pub fn taxonomy(&mut self) -> Result<&Taxonomy, CliError> {
        if self.taxonomy.is_none() {
            let path = match &self.settings.taxonomy {
                Some(path) => Some(path.clone()),
                None => JournalConfig::load(&self.settings.journal_dir)?.taxonomy,
            };
            let taxonomy = match path {
                Some(path) => {
                    self.ui.verbose(format!("taxonomy: {}", path.display()));
                    Cow::Owned(Taxonomy::load(&path)?)
                }
                None => Cow::Borrowed(Taxonomy::builtin()),
            };
            self.taxonomy = Some(taxonomy);
        }
        Ok(self
            .taxonomy
            .as_deref()
            .unwrap_or_else(|| Taxonomy::builtin()))
    }

    /// "Now" in UTC.
    pub fn now_utc(&self) -> DateTime<chrono::Utc> {
        self.now.with_timezone(&chrono::Utc)
    }
}

/// The optional per-journal settings file, `<journal>/config.toml`.
///
/// It holds no entry text. Today it has one key: `taxonomy = "path/to/file.toml"`
/// (relative paths are taken from the journal directory).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalConfig {
    /// A custom taxonomy for this journal.
    pub taxonomy: Option<PathBuf>,
}

impl JournalConfig {
    /// Reads the config file; a missing file is an empty config.
    pub fn load(journal_dir: &std::path::Path) -> Result<JournalConfig, CliError> {
        let path = crate::paths::config_path(journal_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(JournalConfig::default());
            }
            Err(source) => {
                return Err(CliError::ReadFile {
                    what: "journal config",
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let mut config: JournalConfig = toml::from_str(&text).map_err(|e| {
            CliError::Usage(format!(
                "the journal config {} is not valid: {}",
                path.display(),
                e.message()
            ))
        })?;
        if let Some(t) = &config.taxonomy
            && t.is_relative()
        {
            config.taxonomy = Some(journal_dir.join(t));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> GlobalArgs {
        GlobalArgs::default()
    }

    #[test]
    fn the_flag_beats_the_environment_which_beats_the_default() {
        let env = EnvSnapshot {
            candour_home: Some("/env/home".into()),
            data_dir: Some("/data/candour".into()),
            ..EnvSnapshot::default()
        };
        let mut flag = args();
        flag.journal = Some("/flag/dir".into());
        assert_eq!(
            Settings::resolve(&flag, &env).unwrap().journal_dir,
            PathBuf::from("/flag/dir")
        );
        assert_eq!(
            Settings::resolve(&args(), &env).unwrap().journal_dir,
            PathBuf::from("/env/home")
        );
        let env = EnvSnapshot {
            data_dir: Some("/data/candour".into()),
            ..EnvSnapshot::default()
        };
        assert_eq!(
            Settings::resolve(&args(), &env).unwrap().journal_dir,
            PathBuf::from("/data/candour")
        );
    }

    #[test]
    fn no_directory_at_all_is_a_usage_error() {
        assert!(Settings::resolve(&args(), &EnvSnapshot::default()).is_err());
    }

    #[test]
    fn colour_is_off_with_the_flag_or_no_color() {
        let env = EnvSnapshot {
            data_dir: Some("/d".into()),
            ..EnvSnapshot::default()
        };
        assert!(Settings::resolve(&args(), &env).unwrap().color);
        let mut flag = args();
        flag.no_color = true;
        assert!(!Settings::resolve(&flag, &env).unwrap().color);
        let env = EnvSnapshot {
            data_dir: Some("/d".into()),
            no_color: true,
            ..EnvSnapshot::default()
        };
        assert!(!Settings::resolve(&args(), &env).unwrap().color);
    }
}
