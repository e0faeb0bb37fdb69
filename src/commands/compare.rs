//! `driftcheck diff` and `driftcheck check`: compare environments, apply the
//! policy and suppressions, render, and decide the exit status.

use std::io::Write;
use std::path::Path;

use crate::cli::{Args, Status};
use driftcheck::pipeline::setup::{load_config, load_policy};
use driftcheck::pipeline::{Compared, compare_with};

use driftcheck::error::Error;
use driftcheck::finding::{Finding, Severity, Summary};

use driftcheck::policy::baseline;
use driftcheck::report::{self, Report};

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
    /// With `--staged`/`--rev`: every finding of the tree, not only those
    /// the change introduces.
    pub all: bool,
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
            all: false,
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
            all: false,
        }
    }
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
    check_names(names)?;
    let config = load_config(args.config.as_deref(), cwd)?;
    // The policy is read before any environment: a bad policy is exit 2 at once.
    let policy = load_policy(config.as_ref())?;
    compare_with(config.as_ref(), &policy, cwd, command, names, args.verbose)
}

/// Two or more environments, each named once.
fn check_names(names: &[String]) -> Result<(), Error> {
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
    Ok(())
}

/// The scratch and the note a full comparison of a change needs: the
/// whole new tree written out, and the old side's findings (when judging).
type ScratchPlan = (
    Option<(
        driftcheck::git::scratch::Scratch,
        std::path::PathBuf,
        String,
        Option<Vec<Finding>>,
    )>,
    ReviewNote,
);

/// What the review note after a local check needs: the repository, the
/// base, the head and where the config is (none for a working-tree run).
type ReviewNote = Option<(
    driftcheck::git::Repo,
    String,
    driftcheck::gate::Head,
    String,
)>;

/// Write the whole new tree out and compute the old side's findings in full.
#[allow(clippy::too_many_arguments)]
fn full_scratch(
    repo: driftcheck::git::Repo,
    tree: driftcheck::git::Oid,
    args: &Args,
    cwd: &Path,
    at: &str,
    run: &Run<'_>,
    previous: Option<Option<driftcheck::git::Oid>>,
    base: Option<String>,
    head: driftcheck::gate::Head,
) -> Result<ScratchPlan, Error> {
    let dir = driftcheck::git::scratch::Scratch::new("check")?;
    driftcheck::git::mount(&repo, tree, dir.path())?;
    let rel = relative_cwd(&repo, cwd);
    let before = match previous {
        Some(old) => Some(findings_before(&repo, old, args, &rel, at, run)?),
        None => None,
    };
    // The review note costs a gate evaluation: computed only when shown.
    let note = base.map(|b| (repo, b, head, at.to_string()));
    Ok((Some((dir, rel, at.to_string(), before)), note))
}

/// Whether the change touches nothing compared (then `-v` says so).
fn untouched(
    repo: &driftcheck::git::Repo,
    tree: driftcheck::git::Oid,
    at: &str,
    changed: &[String],
    args: &Args,
    out: &mut dyn Write,
) -> Result<bool, Error> {
    let touched = driftcheck::pipeline::change::config_in(repo, tree, at)?
        .is_none_or(|c| driftcheck::pipeline::change::touches(repo, &c, at, changed));
    if !touched && args.verbose && args.format == report::OutputFormat::Human {
        writeln!(
            out,
            "driftcheck: the change ({} path{}) touches no compared config: nothing to check",
            changed.len(),
            if changed.len() == 1 { "" } else { "s" }
        )
        .map_err(Error::Write)?;
    }
    Ok(!touched)
}

/// The two trees a change is judged between (`--rev R`: R and its first
/// parent; `--staged`: the index and `HEAD`), the base to name and the
/// head the gate's note would judge.
#[allow(clippy::type_complexity)]
fn change_ends(
    repo: &driftcheck::git::Repo,
    run: &Run<'_>,
) -> Result<
    (
        driftcheck::git::Oid,
        Option<driftcheck::git::Oid>,
        Option<String>,
        driftcheck::gate::Head,
    ),
    Error,
> {
    Ok(match run.source {
        Source::Rev(r) => {
            let id = repo.commit_id(r)?;
            let parent = repo.commit(id)?.parents.first().copied();
            let old_tree = parent.map(|p| repo.tree_of(p)).transpose()?;
            (
                repo.tree_of(id)?,
                old_tree,
                parent.map(|p| p.to_string()),
                driftcheck::gate::Head::Commit(id),
            )
        }
        _ => {
            let old_tree = repo
                .commit_id("HEAD")
                .ok()
                .map(|h| repo.tree_of(h))
                .transpose()?;
            (
                repo.index_tree()?,
                old_tree,
                old_tree.map(|_| "HEAD".to_string()),
                driftcheck::gate::Head::Staged {
                    message: String::new(),
                },
            )
        }
    })
}

/// What `check --staged` / `--rev` compares: `None` when the change
/// touches nothing compared (silent pass); else the scratch, the review
/// note's inputs, and the new side's findings when judged incrementally.
fn change_plan(
    args: &Args,
    cwd: &Path,
    run: &Run<'_>,
    out: &mut dyn Write,
) -> Result<Option<(ScratchPlan, Option<Compared>)>, Error> {
    let repo = driftcheck::git::Repo::discover(cwd)?;
    let (tree, old_tree, base, head) = change_ends(&repo, run)?;
    let at = driftcheck::gate::config_location(&repo, cwd, args.config.as_deref());
    if !run.all {
        let changed: Vec<String> =
            driftcheck::git::changes(&repo, old_tree, Some(tree), &|_| true)?
                .into_iter()
                .map(|c| c.path)
                .collect();
        if untouched(&repo, tree, &at, &changed, args, out)? {
            return Ok(None);
        }
        let previous = Some(old_tree);
        if let Some(old) = old_tree {
            check_names(run.names)?;
            let change = driftcheck::pipeline::incremental::ChangeToJudge {
                old,
                new: tree,
                config_at: &at,
                changed: &changed,
                command: run.command,
                names: run.names,
                verbose: args.verbose,
            };
            match driftcheck::pipeline::incremental::judge(&repo, &change)? {
                driftcheck::pipeline::incremental::Plan::Judged(j) => {
                    let j = *j;
                    if args.verbose && args.format == report::OutputFormat::Human {
                        writeln!(
                            out,
                            "driftcheck: compared {} file key{} the change can affect{}",
                            j.keys,
                            if j.keys == 1 { "" } else { "s" },
                            if j.bounded {
                                " (no environment listed whole)"
                            } else {
                                ""
                            }
                        )
                        .map_err(Error::Write)?;
                    }
                    let note = base.map(|b| (repo, b, head, at.clone()));
                    let rel = std::path::PathBuf::new();
                    Ok(Some((
                        (Some((j.scratch, rel, at, Some(j.before))), note),
                        Some(j.after),
                    )))
                }
                driftcheck::pipeline::incremental::Plan::Full(why) => {
                    if args.verbose && args.format == report::OutputFormat::Human {
                        writeln!(out, "driftcheck: comparing the whole tree: {why}")
                            .map_err(Error::Write)?;
                    }
                    Ok(Some((
                        full_scratch(repo, tree, args, cwd, &at, run, previous, base, head)?,
                        None,
                    )))
                }
            }
        } else {
            Ok(Some((
                full_scratch(repo, tree, args, cwd, &at, run, previous, base, head)?,
                None,
            )))
        }
    } else {
        Ok(Some((
            full_scratch(repo, tree, args, cwd, &at, run, None, base, head)?,
            None,
        )))
    }
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
    // A revision or the index is judged incrementally where it can be
    // (`pipeline::incremental`), else written out whole and read like a
    // working tree: identical content gives identical results either way.
    let (scratch, review_note, precomputed) = match run.source {
        Source::WorkTree => (None, None, None),
        Source::Staged | Source::Rev(_) => match change_plan(args, cwd, run, out)? {
            None => return Ok(Status::Clean),
            Some(((scratch, note), precomputed)) => (scratch, note, precomputed),
        },
    };
    let cwd_owned;
    // `--config` names a file of the working tree: read its copy from the
    // index or revision instead.
    let mut args_owned = None;
    let cwd = match &scratch {
        Some((dir, rel, config_at, _)) => {
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
    let incremental = precomputed.is_some();
    let c = match precomputed {
        Some(c) => c,
        None => compare(args, cwd, run.command, run.names)?,
    };
    let mut accepted = c.accepted;
    let (mut shown, pre_existing) =
        shown_findings(run, scratch.as_ref().and_then(|s| s.3.as_ref()), c.findings);
    accepted += apply_baseline(run, c.baseline.as_deref(), &mut shown)?;
    let summary = Summary::of(&shown);
    // Paths relative to the repository root, after the baseline (which is
    // keyed on config-relative paths) has been applied.
    let equivalent = repository_paths(
        args,
        (&c.paths, &c.root, c.config_path.as_deref()),
        &c.outcome.equivalent,
        scratch.as_ref().map(|s| s.0.path()),
        &mut shown,
    );
    let rep = Report {
        command: run.command,
        envs: &c.envs,
        findings: &shown,
        equivalent: &equivalent,
        equivalent_count: c.outcome.equivalent_count,
        summary,
        files: c.outcome.files_ok + c.outcome.files_failed,
        accepted,
        gate: None,
    };
    let fails = summary.errors > 0 || (args.strict && summary.warnings > 0);
    let judged_change = scratch.as_ref().is_some_and(|s| s.3.is_some());
    let human = args.format == report::OutputFormat::Human;
    // A local check that passes is silent (`-v` explains); machine formats
    // always get their document.
    let silent = judged_change && human && shown.is_empty() && !args.verbose;
    if !silent {
        report::write(args.format, &rep, opts, out).map_err(Error::Write)?;
    }
    out.flush().map_err(Error::Write)?;
    // The parse errors are reported above; with nothing compared the run
    // could not do its job.
    // An incremental run compared part of the tree: the rest parsed before.
    if !incremental && c.outcome.files_ok == 0 && c.outcome.files_failed > 0 {
        return Err(Error::NothingCompared {
            count: c.outcome.files_failed,
        });
    }
    closing_notes(
        args,
        run,
        (judged_change, silent, fails, pre_existing),
        review_note,
        &c.notes,
        out,
    )?;
    Ok(if fails {
        Status::Findings
    } else {
        Status::Clean
    })
}

/// The findings to show: for a judged change only those it introduces
/// (`before`: the old side's), and for `check` no notes (the gate's view);
/// with how many shown ones were there before the change.
fn shown_findings(
    run: &Run<'_>,
    before: Option<&Vec<Finding>>,
    findings: Vec<Finding>,
) -> (Vec<Finding>, usize) {
    let (findings, pre_existing) = match before {
        Some(before) => driftcheck::pipeline::change::introduced(before, findings),
        None => (findings, Vec::new()),
    };
    let visible = |f: &Finding| run.command != "check" || f.severity != Severity::Note;
    let pre_existing = pre_existing.iter().filter(|f| visible(f)).count();
    let shown = match run.command {
        "check" => findings.into_iter().filter(visible).collect(),
        _ => findings,
    };
    (shown, pre_existing)
}

/// What a human reads after the report: findings that were there before
/// the change, the review the change will need, and discovery's notes.
///
/// # Errors
/// When writing fails.
fn closing_notes(
    args: &Args,
    run: &Run<'_>,
    (judged_change, silent, fails, pre_existing): (bool, bool, bool, usize),
    review_note: ReviewNote,
    notes: &[String],
    out: &mut dyn Write,
) -> Result<(), Error> {
    let human = args.format == report::OutputFormat::Human;
    if judged_change && human && pre_existing > 0 && (!silent || args.verbose) && !args.quiet {
        let flag = match run.source {
            Source::Rev(r) => format!("--rev {r}"),
            _ => "--staged".to_string(),
        };
        writeln!(
            out,
            "driftcheck: {pre_existing} finding{} were there before this change and do not fail it (`driftcheck check {flag} --all` lists them)",
            if pre_existing == 1 { "" } else { "s" }
        )
        .map_err(Error::Write)?;
    }
    if let Some((repo, base, head, at)) = review_note
        && !args.quiet
        && human
        && (!judged_change || fails || args.verbose)
        && let Some(note) = review_needed(&repo, &base, &head, &at)
    {
        writeln!(out, "{note}").map_err(Error::Write)?;
    }
    // Discovery never compares part of what it found silently.
    if !args.quiet && args.format == report::OutputFormat::Human {
        for note in notes {
            writeln!(out, "note: {note}").map_err(Error::Write)?;
        }
    }
    Ok(())
}

/// `--write-baseline` (every finding accepted into the file) or a baseline
/// read (`--baseline`, else the config's for `check`): the findings it
/// accepts are dropped from `shown`. How many were accepted.
///
/// # Errors
/// When the baseline cannot be read or written.
fn apply_baseline(
    run: &Run<'_>,
    configured: Option<&Path>,
    shown: &mut Vec<Finding>,
) -> Result<usize, Error> {
    if let Some(path) = run.write_baseline {
        baseline::write(path, shown)?;
        let n = shown.len();
        shown.clear();
        return Ok(n);
    }
    let path = run.baseline.map(Path::to_path_buf).or_else(|| {
        (run.command == "check")
            .then(|| configured.map(Path::to_path_buf))
            .flatten()
    });
    let Some(path) = path else { return Ok(0) };
    let known = baseline::read(&path)?;
    let before = shown.len();
    shown.retain(|f| !known.contains(&baseline::fingerprint(f)));
    Ok(before - shown.len())
}

/// `shown` and the equivalent values made relative to the repository root
/// (a written-out index or revision: its scratch directory `top`); the
/// equivalent values are returned.
fn repository_paths(
    args: &Args,
    (base, root, config_path): (&report::paths::PathBase, &Path, Option<&Path>),
    equivalent: &[Finding],
    top: Option<&Path>,
    shown: &mut [Finding],
) -> Vec<Finding> {
    let locate_renders = matches!(
        args.format,
        report::OutputFormat::Sarif | report::OutputFormat::Github
    );
    let mut paths = base.clone();
    if let Some(top) = top {
        paths = report::paths::PathBase {
            render_lines: paths.render_lines,
            ..report::paths::PathBase::new(root, config_path, Some(top))
        };
    }
    paths.apply(shown, locate_renders);
    let mut equivalent = equivalent.to_vec();
    paths.apply(&mut equivalent, locate_renders);
    equivalent
}

/// The findings of `tree` (the change's old side), for telling what the
/// change introduces. A side that cannot be compared (no config yet, an
/// environment not created yet, a config that no longer parses) has none:
/// everything the new side reports is then new, which fails closed.
///
/// # Errors
/// When the tree cannot be written out.
fn findings_before(
    repo: &driftcheck::git::Repo,
    tree: Option<driftcheck::git::Oid>,
    args: &Args,
    rel_cwd: &Path,
    config_at: &str,
    run: &Run<'_>,
) -> Result<Vec<Finding>, Error> {
    let Some(tree) = tree else {
        return Ok(Vec::new());
    };
    let dir = driftcheck::git::scratch::Scratch::new("check-before")?;
    driftcheck::git::mount(repo, tree, dir.path())?;
    let mut a = args.clone();
    if args.config.is_some() {
        a.config = Some(dir.path().join(config_at));
    }
    Ok(
        compare(&a, &dir.path().join(rel_cwd), run.command, run.names)
            .map(|c| c.findings)
            .unwrap_or_default(),
    )
}

/// `cwd` relative to the repository root (to find the same place in a written-out tree).
fn relative_cwd(repo: &driftcheck::git::Repo, cwd: &Path) -> std::path::PathBuf {
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
    repo: &driftcheck::git::Repo,
    base: &str,
    head: &driftcheck::gate::Head,
    config_at: &str,
) -> Option<String> {
    let v = driftcheck::gate::evaluate_with(repo, base, head, config_at, false).ok()?;
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
