//! `driftcheck diff` and `driftcheck check`: compare environments, apply the
//! policy and suppressions, render, and decide the exit status.

use std::io::Write;
use std::path::Path;

use super::setup::{environments, load_config, load_policy, select};
use crate::cli::{Args, Status};
use crate::config;
use crate::diff;
use crate::error::Error;
use crate::finding::{Finding, Severity, Summary};
use crate::formats::{FormatOverrides, Limits};
use crate::policy::{self, baseline};
use crate::report::{self, Report};
use crate::secrets::{Fingerprinter, Masker};

/// What to run.
#[derive(Debug)]
pub struct Run<'a> {
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
    // The policy is read before any environment: a bad policy is exit 2 at once.
    let policy = load_policy(config.as_ref())?;
    let envs = environments(&root, &selected, &overrides)?;
    let masker = Masker::new(Fingerprinter::random().map_err(|e| Error::Random(e.to_string()))?);
    let interest = policy.interest();
    let outcome = diff::run(
        &envs,
        &masker,
        &Limits::default(),
        args.verbose,
        Some(&interest),
    );
    let findings = policy::apply(&policy, &envs, &outcome);
    let suppressed = policy::suppress::apply(&policy, &root, findings, policy::suppress::today());
    Ok(Compared {
        envs: envs.iter().map(|e| e.name.clone()).collect(),
        findings: suppressed.findings,
        outcome,
        accepted: suppressed.accepted,
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
    let fails = summary.errors > 0 || (args.strict && summary.warnings > 0);
    Ok(if fails {
        Status::Findings
    } else {
        Status::Clean
    })
}
