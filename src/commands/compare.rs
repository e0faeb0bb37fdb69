//! `driftcheck diff` and `driftcheck check`: compare environments, apply the
//! policy and suppressions, render, and decide the exit status.

use std::io::Write;
use std::path::Path;

use super::setup::{environments, load_config, load_policy, select};
use crate::cli::{Args, Status};
use crate::config::{self, Config};
use crate::diff;
use crate::error::Error;
use crate::finding::{Finding, Severity, Summary};
use crate::formats::{FormatOverrides, Limits};
use crate::policy::{self, Policy, baseline};
use crate::report::{self, Report};
use crate::secrets::{Fingerprinter, Masker};

/// Which files `check` reads.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The working tree.
    WorkTree,
    /// The git index (what a pre-commit hook sees, new files included).
    Staged,
    /// A revision.
    Rev(&'a str),
}

/// What to run.
#[derive(Debug)]
pub struct Run<'a> {
    /// Which files.
    pub source: Source<'a>,
    /// `diff` or `check`.
    pub command: &'static str,
    /// Environments named (empty: all declared).
    pub names: &'a [String],
    /// Accept the findings recorded here.
    pub baseline: Option<&'a Path>,
    /// Record the findings here.
    pub write_baseline: Option<&'a Path>,
}

impl<'a> Run<'a> {
    /// `driftcheck diff ENV ENV...`.
    pub fn diff(names: &'a [String]) -> Self {
        Run {
            source: Source::WorkTree,
            command: "diff",
            names,
            baseline: None,
            write_baseline: None,
        }
    }

    /// `driftcheck check [--envs ...] [--baseline F | --write-baseline F]`.
    pub fn check(
        names: &'a [String],
        baseline: Option<&'a Path>,
        write_baseline: Option<&'a Path>,
    ) -> Self {
        Run {
            source: Source::WorkTree,
            command: "check",
            names,
            baseline,
            write_baseline,
        }
    }
}

/// The findings of a comparison after policy and suppressions.
pub struct Compared {
    /// Environment names.
    pub envs: Vec<String>,
    /// Findings, policy applied, suppressions removed.
    pub findings: Vec<Finding>,
    /// The diff's outcome (equivalents, counts).
    pub outcome: diff::Outcome,
    /// Findings accepted inline or by a waiver.
    pub accepted: usize,
    /// What discovery (no config) wants the user to know: groups of
    /// environment-paired config it did not compare, and why.
    pub notes: Vec<String>,
}

/// Compare the environments of the repository at `cwd`: the shared core of
/// `diff`, `check` and (on checked-out revisions) the gate.
///
/// # Errors
/// When driftcheck cannot do its job.
pub fn compare(
    args: &Args,
    cwd: &Path,
    command: &str,
    names: &[String],
) -> Result<Compared, Error> {
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
    // The policy is read before any environment: a bad policy is exit 2 at once.
    let policy = load_policy(config.as_ref())?;
    compare_with(config.as_ref(), &policy, cwd, command, names, args.verbose)
}

/// [`compare`] with the config and policy given: the gate reads them from
/// the merge base and applies them to another tree.
///
/// # Errors
/// When driftcheck cannot do its job.
pub fn compare_with(
    config: Option<&Config>,
    policy: &Policy,
    cwd: &Path,
    command: &str,
    names: &[String],
    verbose: bool,
) -> Result<Compared, Error> {
    let mut notes = Vec::new();
    let (root, selected, overrides) = match config {
        Some(c) => (c.root.clone(), select(c, names)?, c.formats.clone()),
        None if names.is_empty() => {
            return Err(Error::Usage(format!(
                "no {} found: name the environments (`driftcheck {command} staging prod`) or run `driftcheck init`",
                config::FILE_NAME
            )));
        }
        None => {
            let plan = crate::discover::plan(cwd, names)?;
            notes = plan.notes;
            (cwd.to_path_buf(), plan.envs, FormatOverrides::default())
        }
    };
    let envs = environments(&root, &selected, &overrides)?;
    let masker = Masker::new(Fingerprinter::random().map_err(|e| Error::Random(e.to_string()))?);
    let interest = policy.interest();
    let outcome = diff::run(&envs, &masker, &Limits::default(), verbose, Some(&interest));
    let findings = policy::apply(policy, &envs, &outcome);
    let suppressed = policy::suppress::apply(policy, &root, findings, policy::suppress::today());
    Ok(Compared {
        envs: envs.iter().map(|e| e.name.clone()).collect(),
        findings: suppressed.findings,
        outcome,
        accepted: suppressed.accepted,
        notes,
    })
}

/// Run `diff` or `check` and render the report.
///
/// # Errors
/// When driftcheck cannot do its job (exit 2).
pub fn run(
    args: &Args,
    cwd: &Path,
    run: &Run<'_>,
    opts: &report::Options,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    // A revision or the index is written out and read like a working tree:
    // identical content gives identical results whichever way it was read.
    let (scratch, review_note) = match run.source {
        Source::WorkTree => (None, None),
        Source::Staged | Source::Rev(_) => {
            let repo = crate::git::Repo::discover(cwd)?;
            let (tree, base, head) = match run.source {
                Source::Rev(r) => {
                    let id = repo.commit_id(r)?;
                    let parent = repo.commit(id)?.parents.first().map(|p| p.to_string());
                    (repo.tree_of(id)?, parent, crate::gate::Head::Commit(id))
                }
                _ => (
                    repo.index_tree()?,
                    Some("HEAD".to_string()),
                    crate::gate::Head::Staged {
                        message: String::new(),
                    },
                ),
            };
            let dir = crate::gate::scratch::Scratch::new("check")?;
            crate::git::materialize(&repo, tree, dir.path())?;
            let at = crate::gate::config_location(&repo, cwd, args.config.as_deref());
            let note = base.and_then(|b| review_needed(&repo, &b, &head, &at));
            (Some((dir, relative_cwd(&repo, cwd), at)), note)
        }
    };
    let cwd_owned;
    // `--config` names a file of the working tree: read its copy from the
    // index or revision instead.
    let mut args_owned = None;
    let cwd = match &scratch {
        Some((dir, rel, config_at)) => {
            cwd_owned = dir.path().join(rel);
            if args.config.is_some() {
                let mut a = args.clone();
                a.config = Some(dir.path().join(config_at));
                args_owned = Some(a);
            }
            cwd_owned.as_path()
        }
        None => cwd,
    };
    let args = args_owned.as_ref().unwrap_or(args);
    let c = compare(args, cwd, run.command, run.names)?;
    let mut accepted = c.accepted;
    let mut shown: Vec<Finding> = match run.command {
        // `check` is the gate's view: notes are not shown.
        "check" => c
            .findings
            .into_iter()
            .filter(|f| f.severity != Severity::Note)
            .collect(),
        _ => c.findings,
    };
    if let Some(path) = run.write_baseline {
        baseline::write(path, &shown)?;
        accepted += shown.len();
        shown.clear();
    } else if let Some(path) = run.baseline {
        let known = baseline::read(path)?;
        let before = shown.len();
        shown.retain(|f| !known.contains(&baseline::fingerprint(f)));
        accepted += before - shown.len();
    }
    let summary = Summary::of(&shown);
    let rep = Report {
        command: run.command,
        envs: &c.envs,
        findings: &shown,
        equivalent: &c.outcome.equivalent,
        equivalent_count: c.outcome.equivalent_count,
        summary,
        files: c.outcome.files_ok + c.outcome.files_failed,
        accepted,
        gate: None,
    };
    report::write(args.format, &rep, opts, out).map_err(Error::Write)?;
    out.flush().map_err(Error::Write)?;
    // The parse errors are reported above; with nothing compared the run
    // could not do its job.
    if c.outcome.files_ok == 0 && c.outcome.files_failed > 0 {
        return Err(Error::NothingCompared {
            count: c.outcome.files_failed,
        });
    }
    if let Some(note) = review_note
        && !args.quiet
        && args.format == report::OutputFormat::Human
    {
        writeln!(out, "{note}").map_err(Error::Write)?;
    }
    // Discovery never compares part of what it found silently.
    if !args.quiet && args.format == report::OutputFormat::Human {
        for note in &c.notes {
            writeln!(out, "note: {note}").map_err(Error::Write)?;
        }
    }
    let fails = summary.errors > 0 || (args.strict && summary.warnings > 0);
    Ok(if fails {
        Status::Findings
    } else {
        Status::Clean
    })
}

/// `cwd` relative to the repository root (to find the same place in a written-out tree).
fn relative_cwd(repo: &crate::git::Repo, cwd: &Path) -> std::path::PathBuf {
    let root = repo
        .root()
        .canonicalize()
        .unwrap_or_else(|_| repo.root().to_path_buf());
    cwd.strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// "this change needs N sign-offs": what the gate will ask of the change
/// `base`..`head`, said early (by `check --staged` / `--rev`).
fn review_needed(
    repo: &crate::git::Repo,
    base: &str,
    head: &crate::gate::Head,
    config_at: &str,
) -> Option<String> {
    let v = crate::gate::evaluate_with(repo, base, head, config_at, false).ok()?;
    if v.changes.is_empty() {
        return None;
    }
    let n = v.required();
    let why: Vec<String> = v
        .requirements
        .iter()
        .map(|m| m.requirement.source.clone())
        .collect();
    Some(format!(
        "review: this change to guarded config ({}) needs {n} sign-off{} from peers ({})",
        v.digest,
        if n == 1 { "" } else { "s" },
        why.join("; ")
    ))
}
