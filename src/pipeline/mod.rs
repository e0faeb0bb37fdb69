//! The pipeline every comparing command runs: config and policy (already
//! loaded) → environments → load and diff → policy → suppressions →
//! findings. `diff`, `check`, the gate and `audit` all call [`compare_with`];
//! nothing here knows about the command line.

pub mod blobfacts;
mod bounded;
pub mod change;
pub mod incremental;
mod prune;
pub mod setup;
mod treefacts;

use std::path::Path;

use crate::config::{self, Config};
use crate::diff;
use crate::error::Error;
use crate::finding::Finding;
use crate::formats::{FormatOverrides, Limits};
use crate::policy::{self, Policy};
use crate::secrets::{Fingerprinter, Masker};
use setup::select;

/// The findings of a comparison after policy and suppressions.
pub struct Compared {
    /// Environment names.
    pub envs: Vec<String>,
    /// Findings, policy applied, suppressions removed.
    pub findings: Vec<Finding>,
    /// The diff's outcome (equivalents, counts).
    pub outcome: diff::Walked,
    /// Findings accepted inline or by a waiver.
    pub accepted: usize,
    /// How to print the findings' paths (relative to the repository root).
    pub paths: crate::paths::PathBase,
    /// The directory findings' paths are relative to.
    pub root: std::path::PathBuf,
    /// The config file, when there is one.
    pub config_path: Option<std::path::PathBuf>,
    /// The config's `baseline`, resolved.
    pub baseline: Option<std::path::PathBuf>,
    /// What discovery (no config) wants the user to know: groups of
    /// environment-paired config it did not compare, and why.
    pub notes: Vec<String>,
}

/// Compare the environments `names` (all declared when empty) under
/// `config` and `policy` in the tree at `cwd`: the core of `diff`, `check`
/// and the gate (which reads config and policy from the merge base and
/// applies them to another tree).
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
    compare_in(config, policy, cwd, command, names, verbose, false)
}

/// [`compare_with`]; `partial`: the tree is a sparse scratch (see
/// [`incremental`]), so an environment may have no files in it.
pub(crate) fn compare_in(
    config: Option<&Config>,
    policy: &Policy,
    cwd: &Path,
    command: &str,
    names: &[String],
    verbose: bool,
    partial: bool,
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
    let envs = setup::environments_of(&root, &selected, &overrides, partial)?;
    let masker = Masker::new(Fingerprinter::random().map_err(|e| Error::Random(e.to_string()))?);
    let interest = policy.interest();
    let outcome = diff::run(&envs, &masker, &Limits::default(), verbose, Some(&interest));
    let findings = policy::apply(policy, &envs, &outcome);
    let mut suppressed =
        policy::suppress::apply(policy, &outcome.allows, findings, policy::suppress::today());
    suppressed.findings.extend(policy.notices.iter().cloned());
    let mut paths = crate::paths::PathBase::new(&root, config.map(|c| c.path.as_path()), None);
    if let Some(c) = config {
        paths.render_lines = selected
            .iter()
            .filter_map(|e| match &e.selection {
                crate::env::Selection::Render { argv, .. } => Some((
                    format!("<render: {}>", crate::render::shown_command(argv)),
                    config::render_line(&c.text, &e.name),
                )),
                _ => None,
            })
            .collect();
    }
    Ok(Compared {
        envs: envs.iter().map(|e| e.name.clone()).collect(),
        findings: suppressed.findings,
        outcome,
        accepted: suppressed.accepted,
        paths,
        config_path: config.map(|c| c.path.clone()),
        baseline: config.and_then(|c| c.baseline.clone()),
        root,
        notes,
    })
}
