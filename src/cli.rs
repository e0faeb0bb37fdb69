//! Command-line arguments and the run of each subcommand: resolve the
//! environments, compare them, render the report, and decide the exit status.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands;
use crate::error::Error;
use crate::report::{self, OutputFormat};

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
    pub(crate) format: OutputFormat,
    /// When to use colour (NO_COLOR is honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Show only findings: no help lines, no summary.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Also list values that differ only by environment name.
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
    /// Run as if started in DIR.
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
    /// Use this driftcheck.toml instead of searching for one.
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
    /// Warnings fail the run too (exit 1).
    #[arg(long, global = true)]
    pub(crate) strict: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
        /// Accept the findings recorded in FILE; fail only on new ones.
        #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
        baseline: Option<PathBuf>,
        /// Record the current findings in FILE (and exit 0).
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
    },
    /// Explain a rule: what it checks, why, an example.
    Explain {
        /// A rule id, e.g. drift/data-path.
        rule: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
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
        step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
    };
    // Stdout is line-buffered; a report is written in one go.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let status = match &args.command {
        Command::Explain { rule } => commands::explain::run(&args, &cwd, rule, &mut out),
        Command::Diff { envs } => {
            let run = commands::compare::Run::diff(envs);
            commands::compare::run(&args, &cwd, &run, &opts, &mut out)
        }
        Command::Check {
            envs,
            baseline,
            write_baseline,
        } => {
            let run =
                commands::compare::Run::check(envs, baseline.as_deref(), write_baseline.as_deref());
            commands::compare::run(&args, &cwd, &run, &opts, &mut out)
        }
    }?;
    out.flush().map_err(Error::Write)?;
    Ok(status)
}
