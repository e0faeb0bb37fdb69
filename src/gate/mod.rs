//! The change-review gate (SPEC §7): a config change passes only if it
//! introduces no error-level drift and enough valid peer sign-offs cover it.
//!
//! ```text
//! repo ─► merge base, range ─► trees written out (base, head)
//!      ─► config, policy, [review], .mailmap from the merge base
//!      ─► guarded changes ─► digest
//!      ─► findings(head) − findings(base) = introduced
//!      ─► requirements ([review], [[review.rule]], on_change rules, merges)
//!      ─► sign-offs from trailers (peers only, once per person, not stale, digest-bound)
//!      ─► verdict
//! ```
//!
//! The object approved is the net change to guarded config between the
//! merge base and head; per-commit trailers only carry the approvals.

pub mod audit;
pub mod digest;
pub mod identity;
mod on_change;
pub mod review;
pub(crate) mod scratch;
pub mod signature;
mod signoffs;

use std::path::Path;

use git2::Oid;

pub use review::{Requirement, Review};
pub use signoffs::Signoff;

use crate::commands::compare::compare_with;
use crate::config::{self, Config};
use crate::error::Error;
use crate::finding::{Finding, Severity};
use crate::git::{self, Change, Repo};
use crate::policy::Policy;
use crate::trailers::NearMiss;
use identity::Mailmap;
use scratch::Scratch;

/// What is being evaluated.
#[derive(Debug, Clone)]
pub enum Head {
    /// A commit (and the range that leads to it).
    Commit(Oid),
    /// The index plus the message being written (the commit-msg hook).
    Staged {
        /// The message file's text.
        message: String,
    },
}

/// A requirement and how far the sign-offs got.
#[derive(Debug, Clone)]
pub struct Met {
    /// The requirement.
    pub requirement: Requirement,
    /// Counted sign-offs that satisfy it.
    pub have: u32,
}

impl Met {
    /// Whether it is satisfied.
    pub fn ok(&self) -> bool {
        self.have >= self.requirement.required
    }
}

/// The gate's verdict, with everything that led to it.
#[derive(Debug)]
pub struct Verdict {
    /// Whether the change may pass.
    pub passed: bool,
    /// The merge base.
    pub merge_base: Oid,
    /// What was evaluated (commit id, or `index`).
    pub head: String,
    /// `sha256:` + 16 hex over the guarded changes.
    pub digest: String,
    /// The guarded changes.
    pub changes: Vec<Change>,
    /// Requirements and how far they got.
    pub requirements: Vec<Met>,
    /// Every sign-off considered, counted or not, with the reason.
    pub signoffs: Vec<Signoff>,
    /// Lines that look like sign-offs but are not trailers, per commit.
    pub near_misses: Vec<(String, NearMiss)>,
    /// Findings at head not present at the merge base.
    pub introduced: Vec<Finding>,
    /// Findings present at both (listed, not failing).
    pub preexisting: Vec<Finding>,
    /// What was guarded.
    pub guard: &'static str,
    /// Whether drift was compared (a merge base without driftcheck.toml: no).
    pub compared: bool,
}

impl Verdict {
    /// The largest number of sign-offs any requirement asks for.
    pub fn required(&self) -> u32 {
        self.requirements
            .iter()
            .map(|m| m.requirement.required)
            .max()
            .unwrap_or(0)
    }

    /// Introduced error findings.
    pub fn introduced_errors(&self) -> usize {
        self.introduced
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }
}

/// The honest statement of what a pass means (SPEC §7.4).
pub const ASSURANCE: &str = "assurance: trailer sign-offs (L0). A sign-off is evidence, not proof: an author can type one. \
`[review] bind = \"digest\"` makes sign-offs stale on any change to the approved config. Local hooks can be bypassed; \
the CI check on a protected branch is the authority.";

/// Where `driftcheck.toml` is for a command run in `cwd` (or given by
/// `--config`), relative to the repository root; `driftcheck.toml` at the
/// root when none is found.
pub fn config_location(repo: &Repo, cwd: &Path, explicit: Option<&Path>) -> String {
    // By name, never by resolving links in the working tree: a change could
    // make `driftcheck.toml` a link to another config and so choose which
    // of the merge base's files the gate reads.
    let root = repo
        .root()
        .canonicalize()
        .unwrap_or_else(|_| repo.root().to_path_buf());
    let found = match explicit {
        Some(p) => Some(if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        }),
        None => config::find(cwd),
    };
    found
        .and_then(|p| {
            let dir = p.parent()?.canonicalize().ok()?;
            let rel = dir.strip_prefix(&root).ok()?.join(p.file_name()?);
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .unwrap_or_else(|| config::FILE_NAME.to_string())
}

/// Evaluate the gate for `head` against `base` in `repo`.
///
/// # Errors
/// When the repository cannot answer (shallow, missing revision or merge
/// base) or the merge base's config cannot be read.
///
/// `config_at`: where `driftcheck.toml` sits, relative to the repository
/// root (it is read from the merge base at that path).
pub fn evaluate(repo: &Repo, base: &str, head: &Head, config_at: &str) -> Result<Verdict, Error> {
    evaluate_with(repo, base, head, config_at, true)
}

/// [`evaluate`], optionally without comparing the environments at both ends
/// (`check --staged` has just compared them; it only asks what review the
/// change will need).
///
/// # Errors
/// As [`evaluate`].
pub fn evaluate_with(
    repo: &Repo,
    base: &str,
    head: &Head,
    config_at: &str,
    compare_drift: bool,
) -> Result<Verdict, Error> {
    repo.require_full_history()?;
    let base_id = repo.commit_id(base)?;
    let (head_commit, head_tree, head_label) = match head {
        Head::Commit(id) => (*id, repo.tree_of(*id)?, id.to_string()),
        Head::Staged { .. } => {
            let h = repo.commit_id("HEAD")?;
            (h, repo.index_tree()?, "index".to_string())
        }
    };
    let merge_base = repo.merge_base(base_id, head_commit)?;
    let base_tree = repo.tree_of(merge_base)?;

    // Everything that decides the verdict comes from the merge base.
    let mailmap = repo
        .blob_at(base_tree, ".mailmap")
        .map(|b| Mailmap::parse(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let base_dir = Scratch::new("base")?;
    git::materialize(repo, base_tree, base_dir.path())?;
    let config_text = repo.blob_at(base_tree, config_at);
    let base_config = config_text
        .as_ref()
        .map(|t| {
            let text = String::from_utf8_lossy(t);
            config::parse(&text, &base_dir.path().join(config_at))
        })
        .transpose()?;
    let review = match &base_config {
        Some(c) => Review::from_config(c, base_dir.path(), &mailmap)?,
        None => Review::everything(),
    };

    let changes = git::changes(repo, Some(base_tree), Some(head_tree), &|p| {
        review.guarded(p)
    })?;
    let digest = digest::of(&changes);

    let head_dir = Scratch::new("head")?;
    git::materialize(repo, head_tree, head_dir.path())?;
    let (introduced, preexisting, policy, head_config) = match &base_config {
        Some(c) => {
            let policy = load_policy(c)?;
            let head_config = config::parse(&c.text, &head_dir.path().join(config_at))?;
            let (mut introduced, preexisting) = if compare_drift {
                introduced(c, &head_config, &policy, base_dir.path(), head_dir.path())?
            } else {
                (Vec::new(), Vec::new())
            };
            introduced.extend(head_config_problems(
                repo,
                head_tree,
                config_at,
                head_dir.path(),
            ));
            (introduced, preexisting, Some(policy), Some(head_config))
        }
        None => (Vec::new(), Vec::new(), None, None),
    };

    let mut requirements: Vec<Requirement> = Vec::new();
    if !changes.is_empty() {
        requirements.push(review.base.clone());
        for (globs, _, req) in &review.rules {
            if changes.iter().any(|c| globs.is_match(&c.path)) {
                requirements.push(req.clone());
            }
        }
        if let (Some(b), Some(h), Some(p)) = (&base_config, &head_config, &policy) {
            requirements.extend(on_change::requirements(b, h, p, &review)?);
        }
    }

    let range = signoffs::Range::read(
        repo,
        merge_base,
        head,
        head_commit,
        head_tree,
        &review,
        &mailmap,
    )?;
    requirements.extend(range.merge_requirements(&review));
    let (signoffs, met) = range.evaluate(&review, &requirements, &digest);
    let passed =
        introduced.iter().all(|f| f.severity != Severity::Error) && met.iter().all(Met::ok);
    Ok(Verdict {
        passed,
        merge_base,
        head: head_label,
        digest,
        changes,
        requirements: met,
        signoffs,
        near_misses: range.near_misses(),
        introduced,
        preexisting,
        guard: review.describe_guard(),
        compared: base_config.is_some(),
    })
}

fn load_policy(c: &Config) -> Result<Policy, Error> {
    let files = crate::policy::files(&c.root, &c.policies)?;
    let known: Vec<(String, crate::model::envtoken::EnvTokens)> = c
        .envs
        .iter()
        .map(|e| {
            (
                e.name.clone(),
                crate::model::envtoken::EnvTokens::new(&e.name, &e.aliases),
            )
        })
        .collect();
    crate::policy::load(&c.policy, &files, &known)
}

/// Findings at head that the merge base did not have, matched by rule,
/// environments, file, document and key (values and lines may move).
fn introduced(
    base: &Config,
    head: &Config,
    policy: &Policy,
    base_dir: &Path,
    head_dir: &Path,
) -> Result<(Vec<Finding>, Vec<Finding>), Error> {
    let at = |c: &Config, dir: &Path| {
        compare_with(Some(c), policy, dir, "gate", &[], false).map(|r| r.findings)
    };
    // At the merge base an environment may not exist yet: nothing to compare.
    let before = match at(base, base_dir) {
        Ok(f) => f,
        Err(Error::EmptyEnv { .. } | Error::EnvRoot { .. } | Error::NothingCompared { .. }) => {
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    // At head, an environment that cannot be compared any more (its root
    // deleted or emptied) must not hide what it holds: it is an error.
    let after = match at(head, head_dir) {
        Ok(f) => f,
        Err(
            e @ (Error::EmptyEnv { .. } | Error::EnvRoot { .. } | Error::NothingCompared { .. }),
        ) => {
            vec![gate_finding(
                "gate/environment",
                format!("at head, {e}: the change leaves an environment that cannot be compared"),
                "restore the environment, or remove it from driftcheck.toml in a reviewed change of its own",
            )]
        }
        Err(e) => return Err(e),
    };
    let key = |f: &Finding| {
        let mut envs: Vec<&str> = f
            .envs
            .iter()
            .filter(|(_, s)| s.is_some())
            .map(|(n, _)| n.as_str())
            .collect();
        envs.sort_unstable();
        (
            f.rule.clone(),
            envs.join(","),
            f.file.clone(),
            f.document.clone(),
            f.key.clone(),
        )
    };
    let known: std::collections::HashSet<_> = before.iter().map(key).collect();
    let (pre, new): (Vec<Finding>, Vec<Finding>) =
        after.into_iter().partition(|f| known.contains(&key(f)));
    Ok((new, pre))
}

/// A finding about the change itself (no environment, no key).
fn gate_finding(rule: &str, message: String, help: &str) -> Finding {
    Finding::other(rule, Severity::Error, message, String::new(), help)
}

/// The config and policy as the change leaves them must be valid: a change
/// that breaks them would pass here and leave every later check failing.
fn head_config_problems(
    repo: &Repo,
    head_tree: Oid,
    config_at: &str,
    head_dir: &Path,
) -> Vec<Finding> {
    let Some(text) = repo.blob_at(head_tree, config_at) else {
        return vec![gate_finding(
            "gate/config",
            format!("the change removes {config_at}"),
            "keep driftcheck.toml, or remove driftcheck in a reviewed change of its own",
        )];
    };
    let parsed = config::parse(&String::from_utf8_lossy(&text), &head_dir.join(config_at))
        .and_then(|c| load_policy(&c).map(|_| ()));
    match parsed {
        Ok(()) => Vec::new(),
        Err(e) => vec![gate_finding(
            "gate/config",
            format!(
                "at head, driftcheck's config or policy is invalid: {}",
                e.to_string()
                    .replace(&format!("{}/", head_dir.display()), "")
            ),
            "fix the config or policy file in this change",
        )],
    }
}
