//! Command-line arguments and the run of each subcommand: resolve the
//! environments, compare them, render the report, and decide the exit status.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands;
use driftcheck::error::Error;
use driftcheck::report::{self, OutputFormat};

const EXIT_CODES: &str = "\
Exit codes:
  0  no error-severity finding (warnings alone pass unless --strict)
  1  error-severity findings, or the gate refused the change
  2  driftcheck could not do its job (bad input it cannot read, bad config or
     policy, shallow clone, missing revision)

Examples:
  driftcheck diff staging prod
  driftcheck diff staging prod canary --format json
  driftcheck -C fixtures/demo diff staging prod -v
  driftcheck check --staged
  driftcheck gate --base origin/main
  driftcheck approve --base origin/main
  driftcheck explain drift/data-path";

/// driftcheck: compare each environment's configuration key by key and flag
/// the drift that matters, without ever printing a secret.
#[derive(Debug, Clone, Parser)]
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

#[derive(Debug, Clone, Subcommand)]
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
        /// Check what is staged in the git index (the pre-commit hook).
        #[arg(long, conflicts_with = "rev")]
        staged: bool,
        /// Check a revision instead of the working tree.
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        /// With --staged or --rev: show every finding of the tree, not only
        /// those the change introduces.
        #[arg(long)]
        all: bool,
    },
    /// The change-review gate: no introduced error drift, and enough peer sign-offs.
    Gate {
        /// The branch the change goes into (its merge base with HEAD is the base).
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// The change's tip (default HEAD).
        #[arg(long, value_name = "REV")]
        head: Option<String>,
        /// Evaluate the commit being made: staged changes plus this message (commit-msg hook).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["head", "pre_push"])]
        message_file: Option<PathBuf>,
        /// Base and head from pre-commit's PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF (pre-push hook).
        #[arg(long, conflicts_with_all = ["base", "head"])]
        pre_push: bool,
        /// Run as a local hook (implied by --message-file and --pre-push): a
        /// missing sign-off warns instead of failing, unless the base's
        /// `[review] local = "block"`. Introduced error drift still fails.
        #[arg(long)]
        local: bool,
    },
    /// Print the digest of the config change and the trailer line a reviewer adds.
    Approve {
        /// The branch the change goes into (default: upstream, origin/HEAD, main).
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// The change's tip (default HEAD).
        #[arg(long, value_name = "REV")]
        head: Option<String>,
        /// Also print a `Review-Signature` line: an SSH signature over the
        /// digest, your email and the merge base.
        #[arg(long)]
        sign: bool,
        /// The SSH key to sign with (default: git's `user.signingkey`).
        #[arg(long, value_name = "PATH", requires = "sign")]
        key: Option<PathBuf>,
    },
    /// Every commit that changed guarded config, with its digest, sign-offs and verdict.
    Audit {
        /// `A..B`, or a revision for its whole history (default HEAD).
        range: Option<String>,
        /// Judge each commit as `gate --base C^ --head C` does (review
        /// rules, on_change rules, introduced drift): one verdict, at the
        /// gate's cost per commit.
        #[arg(long)]
        gate: bool,
    },
    /// Install or remove git hooks that run driftcheck.
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// Write a starter driftcheck.toml from the environments found here.
    Init {
        /// Environment names (default: the common ones that are found).
        envs: Vec<String>,
        /// Replace an existing driftcheck.toml.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// The trailer block of a commit (or message file) as git reads it, and near misses.
    Trailers {
        /// A revision (default HEAD).
        #[arg(conflicts_with = "message_file")]
        rev: Option<String>,
        /// A commit message file instead.
        #[arg(long, value_name = "FILE")]
        message_file: Option<PathBuf>,
    },
    /// Explain a rule: what it checks, why, an example.
    Explain {
        /// A rule id, e.g. drift/data-path.
        #[arg(required_unless_present = "list")]
        rule: Option<String>,
        /// List every rule id driftcheck can print (built-in, gate, policy,
        /// the shipped pack and the policies the config loads).
        #[arg(long, conflicts_with = "rule")]
        list: bool,
    },
}

impl Command {
    /// The command's name, as typed.
    fn name(&self) -> &'static str {
        match self {
            Command::Diff { .. } => "diff",
            Command::Check { .. } => "check",
            Command::Gate { .. } => "gate",
            Command::Approve { .. } => "approve",
            Command::Audit { .. } => "audit",
            Command::Hook { .. } => "hook",
            Command::Init { .. } => "init",
            Command::Completions { .. } => "completions",
            Command::Man => "man",
            Command::Trailers { .. } => "trailers",
            Command::Explain { .. } => "explain",
        }
    }

    /// The output formats the command speaks. Every command speaks `human`;
    /// one asked for a format it does not speak refuses (exit 2) rather than
    /// print another form a consumer cannot parse.
    fn formats(&self) -> &'static [OutputFormat] {
        use OutputFormat::{Github, Human, Json, Markdown, Sarif};
        match self {
            Command::Diff { .. } | Command::Check { .. } | Command::Gate { .. } => {
                &[Human, Json, Sarif, Github, Markdown]
            }
            Command::Audit { .. } => &[Human, Json, Markdown],
            Command::Approve { .. } | Command::Trailers { .. } | Command::Explain { .. } => {
                &[Human, Json]
            }
            Command::Hook { .. }
            | Command::Init { .. }
            | Command::Completions { .. }
            | Command::Man => &[Human],
        }
    }

    /// Refuse a format the command does not speak.
    fn accepts(&self, format: OutputFormat) -> Result<(), Error> {
        let formats = self.formats();
        if formats.contains(&format) {
            return Ok(());
        }
        let names: Vec<String> = formats.iter().map(|f| format_name(*f)).collect();
        Err(Error::Usage(format!(
            "`driftcheck {}` does not speak --format {}; it speaks {}",
            self.name(),
            format_name(format),
            names.join(", ")
        )))
    }
}

/// A format's name as typed on the command line.
fn format_name(f: OutputFormat) -> String {
    f.to_possible_value()
        .map_or_else(|| format!("{f:?}"), |v| v.get_name().to_string())
}

impl Args {
    /// The output format asked for (errors are printed in it too).
    pub fn output_format(&self) -> OutputFormat {
        self.format
    }
}

#[derive(Debug, Clone, Subcommand)]
pub(crate) enum HookAction {
    /// Install hooks (default: pre-commit and commit-msg) where git runs them.
    Install {
        /// `check --staged` before each commit.
        #[arg(long)]
        pre_commit: bool,
        /// `gate --message-file` on the message being written.
        #[arg(long)]
        commit_msg: bool,
        /// `gate` for every ref pushed.
        #[arg(long)]
        pre_push: bool,
        /// Replace hooks driftcheck did not write (a backup is kept).
        #[arg(long)]
        force: bool,
    },
    /// Remove driftcheck's hooks (only those), restoring what they replaced.
    Uninstall,
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
    let cwd = working_dir(&args)?;
    let stdout = std::io::stdout();
    let opts = report_options(&args, &stdout);
    args.command.accepts(args.format)?;
    // Stdout is line-buffered; a report is written in one go.
    // Everything printed passes the last line of defence (secrets::redact).
    let mut out = driftcheck::secrets::Redacting::new(stdout.lock());
    let status = dispatch(&args, &cwd, &opts, &mut out)?;
    out.finish().map_err(Error::Write)?;
    Ok(status)
}

/// The directory a command works in: `--dir`, resolved, or the current one.
fn working_dir(args: &Args) -> Result<PathBuf, Error> {
    match &args.dir {
        Some(d) => d.canonicalize().map_err(|source| Error::Io {
            path: d.clone(),
            source,
        }),
        None => std::env::current_dir().map_err(|source| Error::Io {
            path: PathBuf::from("."),
            source,
        }),
    }
}

/// How reports are written: colour, verbosity, and the GitHub Actions files
/// (step summary, outputs) when the environment names them.
fn report_options(args: &Args, stdout: &std::io::Stdout) -> report::Options {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // anstream's answer: a terminal, NO_COLOR, CLICOLOR(_FORCE), TERM=dumb.
        ColorChoice::Auto => !matches!(
            anstream::AutoStream::choice(stdout),
            anstream::ColorChoice::Never
        ),
    };
    report::Options {
        color,
        verbose: args.verbose,
        quiet: args.quiet,
        step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
        outputs: std::env::var_os("GITHUB_OUTPUT")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
    }
}

/// Each subcommand to the module under `commands/` that does it.
fn dispatch(
    args: &Args,
    cwd: &std::path::Path,
    opts: &report::Options,
    out: &mut dyn std::io::Write,
) -> Result<Status, Error> {
    match &args.command {
        Command::Explain { rule, list } => match (rule, list) {
            (Some(rule), false) => commands::explain::run(args, cwd, rule, out),
            _ => commands::explain::list(args, cwd, out),
        },
        Command::Diff { envs } => {
            let run = commands::compare::Run::diff(envs);
            commands::compare::run(args, cwd, &run, opts, out)
        }
        Command::Check {
            envs,
            baseline,
            write_baseline,
            staged,
            rev,
            all,
        } => {
            let mut run =
                commands::compare::Run::check(envs, baseline.as_deref(), write_baseline.as_deref());
            run.all = *all;
            run.source = source(*staged, rev.as_deref());
            commands::compare::run(args, cwd, &run, opts, out)
        }
        Command::Gate {
            base,
            head,
            message_file,
            pre_push,
            local,
        } => {
            let g = commands::gate::GateArgs {
                base: base.as_deref(),
                head: head.as_deref(),
                message_file: message_file.as_deref(),
                pre_push: *pre_push,
                local: *local || message_file.is_some() || *pre_push,
            };
            commands::gate::run(args, cwd, &g, opts, out)
        }
        Command::Approve {
            base,
            head,
            sign,
            key,
        } => commands::gate::approve(
            args,
            cwd,
            (base.as_deref(), head.as_deref()),
            sign.then_some(key.as_deref()),
            out,
        ),
        Command::Audit { range, gate } => {
            commands::audit::run(args, cwd, range.as_deref(), *gate, out)
        }
        Command::Hook { action } => hook(cwd, action, out),
        Command::Init { envs, force } => commands::init::run(cwd, envs, *force, out),
        Command::Completions { shell } => {
            let mut cmd = <Args as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "driftcheck", out);
            Ok(Status::Clean)
        }
        Command::Man => {
            let cmd = <Args as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(out)
                .map_err(Error::Write)?;
            Ok(Status::Clean)
        }
        Command::Trailers { rev, message_file } => {
            commands::trailers::run(args, cwd, rev.as_deref(), message_file.as_deref(), out)
        }
    }
}

/// `hook install` / `hook uninstall`.
fn hook(
    cwd: &std::path::Path,
    action: &HookAction,
    out: &mut dyn std::io::Write,
) -> Result<Status, Error> {
    match action {
        HookAction::Install {
            pre_commit,
            commit_msg,
            pre_push,
            force,
        } => commands::hook::install(
            cwd,
            commands::hook::Which {
                pre_commit: *pre_commit,
                commit_msg: *commit_msg,
                pre_push: *pre_push,
            },
            *force,
            out,
        ),
        HookAction::Uninstall => commands::hook::uninstall(cwd, out),
    }
}

/// Which tree `check` reads: the index (`--staged`), a revision, or the
/// working tree.
fn source(staged: bool, rev: Option<&str>) -> commands::compare::Source<'_> {
    match (staged, rev) {
        (true, _) => commands::compare::Source::Staged,
        (false, Some(r)) => commands::compare::Source::Rev(r),
        (false, None) => commands::compare::Source::WorkTree,
    }
}
