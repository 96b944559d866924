//! Benchmark: builds journals of 10k and 100k entries through the library, then times
//! the real `candour` binary on them and prints medians (and peak RSS).
//!
//! Run it with `examples/bench.sh` (builds the release binary first), or:
//!
//! ```sh
//! cargo build --release && cargo run --release --example bench -- --sizes 10000 --runs 15
//! ```
//!
//! Times are wall-clock medians of whole processes, as a user experiences them: process
//! start, opening SQLite, unlocking, decrypting, printing. Reading commands unlock with
//! `--identity` so that the deliberate cost of scrypt is measured once, separately
//! ("unlock" rows).

// A benchmark prints, reads the clock and reports floats.
#![allow(
    clippy::print_stdout,
    clippy::disallowed_methods,
    clippy::cast_precision_loss
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use candour::journal::tagging::retag;
use candour::journal::{InitOptions, Journal};
use candour::model::{Payload, Reflection, ReflectionSection, ReflectiveModel, Status};
use candour::taxonomy::Taxonomy;
use chrono::{DateTime, Duration as ChronoDuration, FixedOffset, Utc};
use secrecy::{ExposeSecret, SecretString};

const PASSPHRASE: &str = "benchmark passphrase, not a secret";

/// Fragments practitioners write, combined at random into entries of varied length.
const OPENINGS: &[&str] = &[
    "A long-stay patient gave me his personal number as I was moving to another hospital.",
    "The daughter of a resident tried to give me a £20 note at the end of my shift.",
    "A former client sent me a friend request on Facebook last night.",
    "One of the HCAs has been texting a patient from her own phone.",
    "A family offered me a bottle of wine and a card to say thank you.",
    "I realised the man in bed 4 is my neighbour's father.",
    "A patient asked me out for a drink once he is discharged.",
    "I told a patient about my divorce when she asked why I looked tired.",
    "A service user hugged me and held on for a long time.",
    "I looked up an old school friend's record on the system out of curiosity.",
    "Mrs P wants to leave me something in her will.",
    "I keep staying late to sit with one patient; she says I am the only one who understands her.",
    "Busy ward today, two discharges and an audit, nothing unusual.",
    "Supervision was moved to next week because of the rota.",
];
const MIDDLES: &[&str] = &[
    "I wasn't sure what to say in the moment.",
    "I said I would need to check our policy first.",
    "He said he sees me as a friend and wants to keep in touch.",
    "She seemed lonely and has no visitors.",
    "I felt flattered and then uncomfortable.",
    "Nobody else on the team knows about it yet.",
    "I declined politely but I keep thinking about it.",
    "The manager was off, so I wrote it down to bring to supervision.",
    "It has happened twice now.",
    "I am worried about how it would look to the rest of the team.",
    "We talked for a while about his family and the move.",
    "I don't want to upset her, she has been through a lot this year.",
];
const CLOSINGS: &[&str] = &[
    "I'll raise it in supervision.",
    "I need to tell my line manager tomorrow.",
    "Not sure if this is a big deal or not.",
    "I'll check the gifts policy.",
    "I think I handled it okay but want to reflect on it.",
    "Writing it down so I don't forget.",
];

/// A deterministic synthetic entry of 1–14 sentences.
fn synthetic_text(rng: &mut fastrand::Rng) -> String {
    let mut text = String::from(OPENINGS[rng.usize(..OPENINGS.len())]);
    for _ in 0..rng.usize(0..12) {
        text.push(' ');
        text.push_str(MIDDLES[rng.usize(..MIDDLES.len())]);
    }
    if rng.bool() {
        text.push(' ');
        text.push_str(CLOSINGS[rng.usize(..CLOSINGS.len())]);
    }
    // A rare word, so `--contains` has a few matches to print.
    if rng.usize(..200) == 0 {
        text.push_str(" The kaleidoscope mug was on the desk again.");
    }
    text
}

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    binary: PathBuf,
    default_kdf: bool,
    /// jrnl 4.6's executable, for the side-by-side figures.
    jrnl: Option<PathBuf>,
    /// Build the journals here and leave them (for profiling); else a temporary dir.
    keep: Option<PathBuf>,
}

fn parse_options() -> Result<Options> {
    let mut sizes = vec![10_000, 100_000];
    let mut runs = 15;
    let mut binary = default_binary();
    let mut default_kdf = true;
    let mut jrnl = None;
    let mut keep = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                let list = args.next().context("--sizes needs a value")?;
                sizes = list.split(',').map(str::parse).collect::<Result<_, _>>()?;
            }
            "--runs" => runs = args.next().context("--runs needs a value")?.parse()?,
            "--binary" => binary = args.next().context("--binary needs a value")?.into(),
            "--fast-kdf" => default_kdf = false,
            "--jrnl" => jrnl = Some(args.next().context("--jrnl needs a path")?.into()),
            "--keep" => keep = Some(args.next().context("--keep needs a directory")?.into()),
            "-h" | "--help" => {
                println!(
                    "usage: bench [--sizes 10000,100000] [--runs 15] [--binary PATH] [--fast-kdf] [--jrnl PATH/bin/jrnl] [--keep DIR]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}"),
        }
    }
    if !binary.exists() {
        bail!(
            "{} does not exist; run `cargo build --release` first",
            binary.display()
        );
    }
    Ok(Options {
        sizes,
        runs,
        binary,
        default_kdf,
        jrnl,
        keep,
    })
}

fn default_binary() -> PathBuf {
    // target/release/examples/bench → target/release/candour
    let exe = std::env::current_exe().unwrap_or_default();
    exe.parent()
        .and_then(Path::parent)
        .map(|d| d.join("candour"))
        .unwrap_or_default()
}

/// An entry's date and text, for building the jrnl journal.
type Plain = (DateTime<FixedOffset>, String);

/// Builds a journal of `size` entries spread over five years, through the library: each
/// entry auto-tagged by the real tagger, with a status history, and one in five with a
/// Rolfe reflection. Returns the build time, the identity file and (for jrnl) every
/// entry's date and text.
fn build_journal(
    dir: &Path,
    size: usize,
    default_kdf: bool,
) -> Result<(Duration, PathBuf, Vec<Plain>)> {
    let started = Instant::now();
    let now = Utc::now();
    let passphrase = SecretString::from(PASSPHRASE.to_owned());
    let work_factor = if default_kdf { None } else { Some(10) };
    let (mut journal, key) = Journal::init(dir, &passphrase, InitOptions { work_factor }, now)?;
    let identity = dir
        .parent()
        .context("journal dir has a parent")?
        .join(format!("identity-{size}.txt"));
    std::fs::write(&identity, key.to_identity_file("bench").expose_secret())?;
    let mut rng = fastrand::Rng::with_seed(42);
    let offset = FixedOffset::east_opt(0).context("UTC offset")?;
    let span = 5 * 365 * 24 * 3600;
    let mut batch = Vec::with_capacity(10_000);
    let mut plain = Vec::with_capacity(size);
    let taxonomy = Taxonomy::builtin();
    for i in 0..size {
        let back = ChronoDuration::seconds(rng.i64(0..span));
        let at: DateTime<FixedOffset> = (now - back).with_timezone(&offset);
        let at = at - ChronoDuration::nanoseconds(i64::from(at.timestamp_subsec_nanos()));
        let text = synthetic_text(&mut rng);
        plain.push((at, text.clone()));
        let mut payload = Payload::new(text, at, now);
        retag(&mut payload, taxonomy, true);
        let steps = [Status::ToDiscuss, Status::Discussed, Status::Resolved];
        for status in steps.iter().take(rng.usize(0..=3)) {
            payload.set_status(*status, now, None, None);
        }
        if rng.usize(..5) == 0 {
            let section = |id: &str, heading: &str, text: &str| ReflectionSection {
                id: id.to_owned(),
                heading: heading.to_owned(),
                text: text.to_owned(),
                shared: true,
            };
            payload.reflection = Some(Reflection {
                model: ReflectiveModel::Rolfe,
                sections: vec![
                    section(
                        "what",
                        "What?",
                        "He asked to keep in touch after the transfer.",
                    ),
                    section(
                        "so-what",
                        "So what?",
                        "It would blur the line between care and friendship.",
                    ),
                    section(
                        "now-what",
                        "Now what?",
                        "Thank him, decline, and tell the ward manager.",
                    ),
                ],
                updated_at: now,
            });
        }
        batch.push(payload);
        if batch.len() == 10_000 || i + 1 == size {
            journal.add_batch(&batch, now)?;
            batch.clear();
        }
    }
    Ok((started.elapsed(), identity, plain))
}

struct Measurement {
    name: String,
    median: Duration,
    min: Duration,
    max: Duration,
    peak_rss_kib: Option<u64>,
}

/// Runs the binary `runs` times and returns the median wall time and peak RSS.
fn measure(
    name: &str,
    opts: &Options,
    journal: &Path,
    args: &[&str],
    runs: usize,
) -> Result<Measurement> {
    let time_bin = Path::new("/usr/bin/time");
    let mut samples = Vec::with_capacity(runs);
    let mut peak = None;
    for _ in 0..runs {
        let rss_file = journal.with_extension("rss");
        let mut cmd = if time_bin.exists() {
            let mut c = Command::new(time_bin);
            c.arg("-f")
                .arg("%M")
                .arg("-o")
                .arg(&rss_file)
                .arg(&opts.binary);
            c
        } else {
            Command::new(&opts.binary)
        };
        cmd.args(args)
            .env("CANDOUR_HOME", journal)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let out = cmd.output()?;
        let elapsed = started.elapsed();
        if !out.status.success() {
            bail!(
                "{name}: candour {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        samples.push(elapsed);
        if let Ok(text) = std::fs::read_to_string(&rss_file)
            && let Some(kib) = text
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<u64>().ok())
        {
            peak = Some(peak.map_or(kib, |p: u64| p.max(kib)));
        }
    }
    samples.sort();
    Ok(Measurement {
        name: name.to_owned(),
        median: samples[samples.len() / 2],
        min: samples[0],
        max: samples[samples.len() - 1],
        peak_rss_kib: peak,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn print_row(m: &Measurement) {
    let rss = m
        .peak_rss_kib
        .map_or("n/a".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0));
    println!(
        "| `{}` | {} | {} | {} | {} |",
        m.name,
        ms(m.median),
        ms(m.min),
        ms(m.max),
        rss
    );
}

/// Times a command that changes the journal on a fresh copy each run (copying is not
/// timed): `prepare` makes the copy and returns the journal to run against.
fn measure_fresh(
    name: &str,
    opts: &Options,
    runs: usize,
    prepare: &mut dyn FnMut(usize) -> Result<PathBuf>,
    args: &[&str],
) -> Result<Measurement> {
    let mut samples = Vec::with_capacity(runs);
    let mut peak = None;
    for run in 0..runs {
        let journal = prepare(run)?;
        let m = measure(name, opts, &journal, args, 1)?;
        samples.push(m.median);
        peak = m.peak_rss_kib.max(peak);
    }
    let sorted = {
        let mut s = samples.clone();
        s.sort();
        s
    };
    Ok(Measurement {
        name: name.to_owned(),
        median: median(samples),
        min: sorted[0],
        max: sorted[sorted.len() - 1],
        peak_rss_kib: peak,
    })
}

fn copy_journal(from: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        std::fs::remove_dir_all(to)?;
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

/// jrnl 4.6 with an encrypted journal of the same entries, in its own HOME.
struct Jrnl {
    program: PathBuf,
    home: PathBuf,
}

impl Jrnl {
    fn setup(
        program: &Path,
        scratch: &Path,
        entries: &[(DateTime<FixedOffset>, String)],
    ) -> Result<Jrnl> {
        let home = scratch.join("jrnl-home");
        std::fs::create_dir_all(&home)?;
        let list: Vec<serde_json::Value> = entries
            .iter()
            .map(|(at, text)| {
                serde_json::json!({ "date": at.format("%Y-%m-%d %H:%M").to_string(), "text": text })
            })
            .collect();
        let file = scratch.join("jrnl-entries.json");
        std::fs::write(&file, serde_json::to_vec(&list)?)?;
        let python = program.with_file_name("python");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jrnl_journal.py");
        let status = Command::new(&python)
            .arg(&script)
            .arg(&file)
            .arg(&home)
            .arg(PASSPHRASE)
            .env("HOME", &home)
            .env(
                "PYTHON_KEYRING_BACKEND",
                "keyrings.alt.file.PlaintextKeyring",
            )
            .status()
            .with_context(|| format!("running {}", python.display()))?;
        if !status.success() {
            bail!("building the jrnl journal failed");
        }
        Ok(Jrnl {
            program: program.to_owned(),
            home,
        })
    }

    fn measure(&self, name: &str, args: &[&str], runs: usize) -> Result<Duration> {
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let out = Command::new(&self.program)
                .args(args)
                .env("HOME", &self.home)
                .env(
                    "PYTHON_KEYRING_BACKEND",
                    "keyrings.alt.file.PlaintextKeyring",
                )
                .env("NO_COLOR", "1")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()?;
            samples.push(started.elapsed());
            if !out.status.success() {
                bail!(
                    "jrnl {name} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        Ok(median(samples))
    }
}

fn main() -> Result<()> {
    let opts = parse_options()?;
    let temporary = tempfile::tempdir()?;
    let scratch = match &opts.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            dir.clone()
        }
        None => temporary.path().to_owned(),
    };
    let pass_file = scratch.join("passphrase");
    std::fs::write(&pass_file, format!("{PASSPHRASE}\n"))?;
    let pass = pass_file.to_str().context("utf-8 path")?.to_owned();
    println!("# candour benchmark");
    println!();
    println!(
        "binary: {}, runs per figure: {}",
        opts.binary.display(),
        opts.runs
    );
    for &size in &opts.sizes {
        let journal = scratch.join(format!("journal-{size}"));
        let (built, identity, plain) = build_journal(&journal, size, opts.default_kdf)?;
        let id = identity.to_str().context("utf-8 path")?.to_owned();
        let db_size = std::fs::metadata(journal.join("journal.db"))?.len();
        println!();
        println!(
            "## {size} entries (built in {:.1} s through Journal::add_batch with auto-tagging; database {:.1} MiB)",
            built.as_secs_f64(),
            db_size as f64 / 1_048_576.0
        );
        println!();
        let mid = (size / 2).to_string();
        let runs = opts.runs;
        let few = runs.min(5);
        // The export every import run reads: the whole journal, unredacted.
        let export_file = scratch.join(format!("export-{size}.json"));
        let out = Command::new(&opts.binary)
            .args([
                "export",
                "--all",
                "--format",
                "json",
                "--no-redact",
                "--identity",
                &id,
                "--output",
            ])
            .arg(&export_file)
            .env("CANDOUR_HOME", &journal)
            .output()?;
        if !out.status.success() {
            bail!(
                "export for import failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let export_path = export_file.to_str().context("utf-8 path")?.to_owned();
        let scenarios: Vec<(&str, Vec<&str>, usize)> = vec![
            (
                "add",
                vec![
                    "add",
                    "A relative offered me a voucher after the visit. I declined.",
                ],
                runs,
            ),
            (
                "list -n 5",
                vec!["list", "-n", "5", "--identity", &id],
                runs,
            ),
            (
                "list --contains",
                vec!["list", "--contains", "kaleidoscope", "--identity", &id],
                few,
            ),
            (
                "list --category",
                vec!["list", "--category", "gifts-hospitality", "--identity", &id],
                few,
            ),
            ("review", vec!["review", "--identity", &id], few),
            (
                "review --since \"30 days ago\"",
                vec!["review", "--since", "30 days ago", "--identity", &id],
                runs,
            ),
            (
                "prompts ID --for supervision",
                vec!["prompts", &mid, "--for", "supervision", "--identity", &id],
                runs,
            ),
            ("show ID", vec!["show", &mid, "--identity", &id], runs),
            (
                "export --all --format md",
                vec!["export", "--all", "--format", "md", "--identity", &id],
                few,
            ),
            (
                "export --all --format json",
                vec![
                    "export",
                    "--all",
                    "--format",
                    "json",
                    "--no-redact",
                    "--identity",
                    &id,
                ],
                few,
            ),
            ("verify", vec!["verify", "--identity", &id], few),
            (
                "unlock: --identity (list -n 1)",
                vec!["list", "-n", "1", "--identity", &id],
                runs,
            ),
            (
                "unlock: passphrase, scrypt (list -n 1)",
                vec!["list", "-n", "1", "--passphrase-file", &pass],
                few.min(3),
            ),
        ];
        println!("| command | median ms | min ms | max ms | peak RSS MiB |");
        println!("|---|---:|---:|---:|---:|");
        let mut figures: Vec<(String, Duration)> = Vec::new();
        for (name, args, n) in scenarios {
            let m = measure(name, &opts, &journal, &args, n)?;
            print_row(&m);
            figures.push((name.to_owned(), m.median));
        }
        // Import of the whole export into a fresh journal.
        let fresh = scratch.join(format!("fresh-{size}"));
        let template = scratch.join(format!("empty-{size}"));
        {
            let passphrase = SecretString::from(PASSPHRASE.to_owned());
            Journal::init(
                &template,
                &passphrase,
                InitOptions {
                    work_factor: Some(10),
                },
                Utc::now(),
            )?;
        }
        let import = measure_fresh(
            "import (the whole export, into an empty journal)",
            &opts,
            few.min(3),
            &mut |_| {
                copy_journal(&template, &fresh)?;
                Ok(fresh.clone())
            },
            &["import", &export_path],
        )?;
        print_row(&import);
        figures.push(("import".to_owned(), import.median));
        // Rekey of the whole journal, on a copy each time (with --identity, so the only
        // scrypt is wrapping the new key, once).
        let copy = scratch.join(format!("copy-{size}"));
        let rekey = measure_fresh(
            "rekey (incl. one scrypt wrap of the new key)",
            &opts,
            few.min(3),
            &mut |_| {
                copy_journal(&journal, &copy)?;
                Ok(copy.clone())
            },
            &[
                "rekey",
                "--json",
                "--identity",
                &id,
                "--new-passphrase-file",
                &pass,
            ],
        )?;
        print_row(&rekey);
        figures.push(("rekey".to_owned(), rekey.median));

        if size == 10_000
            && let Some(jrnl_program) = &opts.jrnl
        {
            println!();
            println!("### The same {size} entries in jrnl 4.6 (encrypted journal)");
            println!();
            let jrnl = Jrnl::setup(jrnl_program, &scratch, &plain)?;
            let pairs: Vec<(&str, &str, Vec<&str>)> = vec![
                (
                    "add",
                    "add",
                    vec!["A relative offered me a voucher after the visit. I declined."],
                ),
                ("list -n 5", "last five", vec!["-n", "5"]),
                (
                    "list --contains",
                    "text search",
                    vec!["-contains", "kaleidoscope"],
                ),
                (
                    "export --all --format json",
                    "JSON export",
                    vec!["--format", "json"],
                ),
                (
                    "export --all --format md",
                    "Markdown export",
                    vec!["--format", "markdown"],
                ),
            ];
            println!("| task | candour ms | jrnl ms | candour / jrnl | faster |");
            println!("|---|---:|---:|---:|---:|");
            for (ours, label, args) in pairs {
                let theirs = jrnl.measure(label, &args, few.min(3))?;
                let mine = figures
                    .iter()
                    .find(|(n, _)| n == ours)
                    .map(|(_, d)| *d)
                    .context("candour figure")?;
                let ratio = mine.as_secs_f64() / theirs.as_secs_f64();
                let faster = if ratio <= 1.0 {
                    format!("candour, {:.1}×", 1.0 / ratio)
                } else {
                    format!("jrnl, {ratio:.1}×")
                };
                println!(
                    "| {label} (`{ours}`) | {} | {} | {ratio:.3} | {faster} |",
                    ms(mine),
                    ms(theirs),
                );
            }
        }
    }
    Ok(())
}
