//! Command-line arguments and the run of each subcommand: resolve the
//! environments, compare them, render the report, and decide the exit status.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{self, Config, EnvConfig};
use crate::diff;
use crate::env::{self, Environment};
use crate::error::{Error, did_you_mean};
use crate::finding::{Rule, Severity, Summary};
use crate::formats::{FormatOverrides, Limits};
use crate::model::envtoken::EnvTokens;
use crate::report::{self, OutputFormat, Report};
use crate::secrets::{Fingerprinter, Masker};

const EXIT_CODES: &str = "\
Exit codes:
  0  no error-severity finding (warnings alone pass unless --strict)
  1  error-severity findings
  2  driftcheck could not do its job (bad input it cannot read, bad config)

Examples:
  driftcheck diff staging prod
  driftcheck diff staging prod canary --format json
  driftcheck -C fixtures/demo diff staging prod -v
  driftcheck explain drift/data-path";

/// driftcheck: compare each environment's configuration key by key and flag
/// the drift that matters, without ever printing a secret.
#[derive(Debug, Parser)]
#[command(name = "driftcheck", version, about, after_help = EXIT_CODES)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// When to use colour (NO_COLOR is honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Show only findings: no help lines, no summary.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Also list values that differ only by environment name.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Run as if started in DIR.
    #[arg(short = 'C', global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Use this driftcheck.toml instead of searching for one.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Warnings fail the run too (exit 1).
    #[arg(long, global = true)]
    strict: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compare the named environments: every difference, classified, notes included.
    Diff {
        /// Two or more environment names (three or more give a matrix).
        #[arg(required = true, num_args = 2.., value_name = "ENV")]
        envs: Vec<String>,
    },
    /// Compare the declared environments (or --envs) and show errors and warnings.
    Check {
        /// Comma-separated environments (default: all declared in driftcheck.toml).
        #[arg(long, value_delimiter = ',')]
        envs: Vec<String>,
    },
    /// Explain a rule: what it checks, why, an example.
    Explain {
        /// A rule id, e.g. drift/data-path.
        rule: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Outcome of a run that did its job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No failing finding.
    Clean,
    /// Findings that fail the run.
    Findings,
}

impl From<Status> for std::process::ExitCode {
    fn from(s: Status) -> Self {
        match s {
            Status::Clean => Self::SUCCESS,
            Status::Findings => Self::from(1),
        }
    }
}

/// Run the parsed command.
///
/// # Errors
/// When driftcheck cannot do its job (exit 2).
pub fn run(args: Args) -> Result<Status, Error> {
    let cwd = match &args.dir {
        Some(d) => d.canonicalize().map_err(|source| Error::Io {
            path: d.clone(),
            source,
        })?,
        None => std::env::current_dir().map_err(|source| Error::Io {
            path: PathBuf::from("."),
            source,
        })?,
    };
    let stdout = std::io::stdout();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let opts = report::Options {
        color,
        verbose: args.verbose,
        quiet: args.quiet,
    };
    // Stdout is line-buffered; a report is written in one go.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let status = match &args.command {
        Command::Explain { rule } => explain(rule, &mut out),
        Command::Diff { envs } => compare(&args, &cwd, "diff", envs, opts, &mut out),
        Command::Check { envs } => compare(&args, &cwd, "check", envs, opts, &mut out),
    }?;
    out.flush().map_err(Error::Write)?;
    Ok(status)
}

fn explain(id: &str, out: &mut dyn Write) -> Result<Status, Error> {
    let Some(rule) = Rule::from_id(id) else {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        let hint = did_you_mean(id, ids.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "unknown rule `{id}`{hint}; rules: {}",
            ids.join(", ")
        )));
    };
    writeln!(
        out,
        "{}: {}\ndefault severity: {}\n\n{}\nhelp: {}",
        rule.id(),
        rule.summary(),
        rule.severity().as_str(),
        rule.explain(),
        rule.help()
    )
    .map_err(Error::Write)?;
    Ok(Status::Clean)
}

/// Load the config (explicit, found, or none).
fn load_config(args: &Args, cwd: &Path) -> Result<Option<Config>, Error> {
    let path = match &args.config {
        Some(p) => Some(if p.is_absolute() {
            p.clone()
        } else {
            cwd.join(p)
        }),
        None => config::find(cwd),
    };
    path.map(|p| config::load(&p)).transpose()
}

/// Pick the named environments out of the config, by name or alias.
fn select(config: &Config, names: &[String]) -> Result<Vec<EnvConfig>, Error> {
    if names.is_empty() {
        if config.envs.len() < 2 {
            return Err(Error::Config {
                path: config.path.clone(),
                line: 0,
                message: "declare at least two environments ([env.NAME]) to compare".to_string(),
            });
        }
        return Ok(config.envs.clone());
    }
    names
        .iter()
        .map(|n| {
            config
                .envs
                .iter()
                .find(|e| &e.name == n)
                .or_else(|| {
                    config
                        .envs
                        .iter()
                        .find(|e| e.aliases.iter().any(|a| a == n))
                })
                .cloned()
                .ok_or_else(|| {
                    let declared: Vec<&str> = config.envs.iter().map(|e| e.name.as_str()).collect();
                    let hint = match did_you_mean(n, declared.iter().copied()) {
                        Some(s) => {
                            format!(" (did you mean `{s}`?); declared: {}", declared.join(", "))
                        }
                        None => format!(
                            "; declared in {}: {}",
                            config.path.display(),
                            declared.join(", ")
                        ),
                    };
                    Error::UnknownEnv {
                        name: n.clone(),
                        hint,
                    }
                })
        })
        .collect()
}

fn compare(
    args: &Args,
    cwd: &Path,
    command: &str,
    names: &[String],
    opts: report::Options,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    if names.len() == 1 {
        return Err(Error::Usage(
            "name at least two environments to compare".to_string(),
        ));
    }
    if let Some(dup) = names
        .iter()
        .enumerate()
        .find_map(|(i, n)| names[..i].contains(n).then_some(n))
    {
        return Err(Error::Usage(format!("environment `{dup}` is named twice")));
    }
    let config = load_config(args, cwd)?;
    let (root, selected, overrides) = match &config {
        Some(c) => (c.root.clone(), select(c, names)?, c.formats.clone()),
        None if names.is_empty() => {
            return Err(Error::Usage(format!(
                "no {} found: name the environments (`driftcheck {command} staging prod`) or run `driftcheck init`",
                config::FILE_NAME
            )));
        }
        None => (
            cwd.to_path_buf(),
            crate::discover::discover(cwd, names)?,
            FormatOverrides::default(),
        ),
    };
    let envs = environments(&root, &selected, &overrides)?;
    let masker = Masker::new(Fingerprinter::random().map_err(|e| Error::Random(e.to_string()))?);
    let outcome = diff::run(&envs, &masker, &Limits::default(), args.verbose);

    let env_names: Vec<String> = envs.iter().map(|e| e.name.clone()).collect();
    let shown: Vec<_> = match command {
        "check" => outcome
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Note)
            .cloned()
            .collect(),
        _ => outcome.findings.clone(),
    };
    let summary = Summary::of(&shown);
    let rep = Report {
        command,
        envs: &env_names,
        findings: &shown,
        equivalent: &outcome.equivalent,
        equivalent_count: outcome.equivalent_count,
        summary,
        files: outcome.files_ok + outcome.files_failed,
    };
    report::write(args.format, &rep, opts, out).map_err(Error::Write)?;
    out.flush().map_err(Error::Write)?;
    if outcome.files_ok == 0 && outcome.files_failed > 0 {
        return Err(Error::NothingCompared {
            count: outcome.files_failed,
        });
    }
    let fails = summary.errors > 0 || (args.strict && summary.warnings > 0);
    Ok(if fails {
        Status::Findings
    } else {
        Status::Clean
    })
}

/// List each environment's files.
fn environments(
    root: &Path,
    selected: &[EnvConfig],
    overrides: &FormatOverrides,
) -> Result<Vec<Environment>, Error> {
    let tokens: Vec<EnvTokens> = selected
        .iter()
        .map(|c| EnvTokens::new(&c.name, &c.aliases))
        .collect();
    let ids = EnvTokens::union(&tokens.iter().collect::<Vec<_>>());
    // Environments are listed in parallel: on large trees listing is the
    // only serial stage before comparison.
    use rayon::prelude::*;
    selected
        .par_iter()
        .zip(tokens)
        .map(|(c, tokens)| {
            let files = env::list(&c.name, &ids, &c.selection, root, overrides)?;
            if files.is_empty() {
                let what = match &c.selection {
                    env::Selection::Root { dir, .. } => {
                        format!("nothing under `{}`", env::relative(dir, root))
                    }
                    _ => "no files".to_string(),
                };
                return Err(Error::EmptyEnv {
                    env: c.name.clone(),
                    what,
                });
            }
            Ok(Environment {
                name: c.name.clone(),
                tokens,
                ids: ids.clone(),
                files,
                root: match &c.selection {
                    env::Selection::Root { dir, .. } => {
                        dir.canonicalize()
                            .ok()
                            .map(|canonical| crate::include::IncludeRoot {
                                dir: canonical,
                                display: env::relative(dir, root),
                            })
                    }
                    _ => None,
                },
            })
        })
        .collect()
}
