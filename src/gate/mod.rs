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
mod coverage;
pub mod digest;
mod divergence;
mod drift;
mod ed25519;
pub mod identity;
mod lineage;
mod links;
pub mod locate;
pub mod memo;
mod on_change;
mod range;
pub mod review;
pub mod scope;
pub mod signature;
pub mod signed;
mod signoffs;

use std::path::Path;

use crate::git::Oid;

pub use locate::Location;
pub use review::{Requirement, Review};
pub use signoffs::Signoff;

use crate::config;
use crate::error::Error;
use crate::finding::{Finding, Severity};
use crate::git::scratch::Scratch;
use crate::git::{self, Change, Repo};
use crate::trailers::{self, NearMiss};
use identity::Mailmap;

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
    /// People whose counted sign-offs satisfy it: on every path it is
    /// about, the fewest who approved that path.
    pub have: u32,
    /// Paths it is about that fewer than `required` people approved.
    pub uncovered: Vec<String>,
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
    /// `v2-sha256:` + 32 hex over the guarded changes.
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
    /// Where the merge base's `driftcheck.toml` is (repository-relative).
    pub config_at: Option<String>,
    /// `[review] signed` when `[review] signers` is set at the merge base.
    pub signed: Option<signed::SignedMode>,
    /// Canonical email of each contributor of the range (author or
    /// committer of a commit adding guarded changes, co-author), and how:
    /// their sign-offs do not count.
    pub contributors: std::collections::BTreeMap<String, String>,
    /// What the drift half compared ([`scope`]).
    pub scope: Scope,
}

/// What the drift half compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Nothing (no config at the merge base).
    Nothing,
    /// The whole trees, for this reason.
    Whole(String),
    /// Only the file keys the change can affect ([`scope`]'s rule): how
    /// many, and whether no environment was listed whole. Pre-existing
    /// findings are counted among them only.
    Keys {
        /// File keys compared.
        count: usize,
        /// No environment listed whole.
        bounded: bool,
    },
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

/// The assurance statement for signed sign-offs: required.
pub const ASSURANCE_SIGNED: &str = "assurance: signed sign-offs (L1). A sign-off counts only with an SSH signature, \
by a key the merge base's allowed_signers lists for that reviewer, over this change's digest and merge base. \
Local hooks can be bypassed; the CI check on a protected branch is the authority.";

/// The assurance statement for signed sign-offs: optional.
pub const ASSURANCE_OPTIONAL: &str = "assurance: trailer sign-offs (L0), signatures optional. Each sign-off says whether \
it was signed by a key in allowed_signers or is a typed trailer (evidence, not proof: an author can type one). \
`[review] signed = \"required\"` counts only signed ones. The CI check on a protected branch is the authority.";

impl Verdict {
    /// What a pass proves, given the merge base's `[review] signed`.
    pub fn assurance(&self) -> &'static str {
        match self.signed {
            None => ASSURANCE,
            Some(signed::SignedMode::Optional) => ASSURANCE_OPTIONAL,
            Some(signed::SignedMode::Required) => ASSURANCE_SIGNED,
        }
    }
}

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

/// Evaluate the gate for `head` against `base` in `repo`, with the config
/// found at `at` (see [`Location`]; a plain path is read as is).
///
/// # Errors
/// When the repository cannot answer (shallow, missing revision or merge
/// base), the merge base's config cannot be read, or the working tree's
/// config is not the merge base's.
pub fn evaluate(
    repo: &Repo,
    base: &str,
    head: &Head,
    at: impl Into<Location>,
) -> Result<Verdict, Error> {
    evaluate_with(repo, base, head, at, true)
}

/// The two ends of a change.
struct Ends {
    base_id: Oid,
    head_tree: Oid,
    head_label: String,
    /// HEAD, plus MERGE_HEADs when a merge is being committed.
    heads: Vec<Oid>,
    merge_base: Oid,
    /// Every merge base (several in a criss-cross).
    bases: Vec<Oid>,
    /// The tree the change is measured from (the virtual base in a criss-cross).
    base_tree: Oid,
    /// The commit-msg hook committing a merge against HEAD: the change is
    /// what the merge adds to the automatic merge, not what it brings in.
    own_merge: bool,
}

impl Ends {
    fn resolve(repo: &Repo, base: &str, head: &Head) -> Result<Ends, Error> {
        repo.require_full_history()?;
        let base_id = repo.commit_id(base)?;
        let (head_commit, head_tree, head_label) = match head {
            Head::Commit(id) => (*id, repo.tree_of(*id)?, id.to_string()),
            Head::Staged { .. } => {
                let h = repo.commit_id("HEAD")?;
                (h, repo.index_tree()?, "index".to_string())
            }
        };
        let mut heads = vec![head_commit];
        if matches!(head, Head::Staged { .. }) {
            heads.extend(repo.merge_heads()?);
        }
        let own_merge = heads.len() > 1 && base_id == head_commit;
        let merge_base = if own_merge {
            head_commit
        } else {
            merge_base_of(repo, base_id, &heads)?
        };
        // A criss-cross (several merge bases): the virtual base git merges
        // from (see `git::base_tree`), and every base hidden from the range.
        let (bases, base_tree) = match (own_merge, &heads[..]) {
            (false, [one]) => match git::base_tree(repo, base_id, *one)? {
                Some((bases, tree)) if bases.len() > 1 => (bases, tree),
                _ => (vec![merge_base], repo.tree_of(merge_base)?),
            },
            _ => (vec![merge_base], repo.tree_of(merge_base)?),
        };
        Ok(Ends {
            base_id,
            head_tree,
            head_label,
            heads,
            merge_base,
            bases,
            base_tree,
            own_merge,
        })
    }
}

/// Everything that decides the verdict, read from the merge base: its
/// `.mailmap`, its config (read as if under `base_dir`, where its tree is
/// written out) and the `[review]` it sets, with links followed at both ends and the
/// allowed signers loaded.
///
/// # Errors
/// When the base's config, review settings or allowed signers are invalid.
fn base_review(
    repo: &Repo,
    ends: &Ends,
    config_at: Option<&str>,
    base_dir: &std::path::Path,
) -> Result<(Mailmap, Option<config::Config>, Review), Error> {
    // Unreadable is an error, never absent (`Repo::blob_at`).
    let mailmap = signed::mailmap_at(repo, ends.base_tree, &mut git::TreeCache::default())?;
    let base_text = match config_at {
        Some(at) => repo.blob_at(ends.base_tree, at)?.map(|t| (at, t)),
        None => None,
    };
    let base_config = base_text
        .map(|(at, t)| config::parse_in(&String::from_utf8_lossy(&t), base_dir, at))
        .transpose()?;
    let mut review = match &base_config {
        Some(c) => Review::from_config(c, base_dir, &mailmap)?,
        None => Review::everything(),
    };
    review.follow_links(repo, &[ends.base_tree, ends.head_tree])?;
    review
        .signing
        .load(repo, ends.base_tree)
        .map_err(|message| {
            Error::config(
                std::path::Path::new(config_at.unwrap_or(config::FILE_NAME)),
                0,
                message,
            )
        })?;
    Ok((mailmap, base_config, review))
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
    at: impl Into<Location>,
    compare_drift: bool,
) -> Result<Verdict, Error> {
    let ends = Ends::resolve(repo, base, head)?;
    let config_at = at.into().resolve(repo, ends.base_tree)?;
    // Whole trees, or only what the change can reach (`scope`).
    let trees = scope::write_out(repo, &ends, config_at.as_deref())?;
    let (mailmap, base_config, review) =
        base_review(repo, &ends, config_at.as_deref(), trees.dirs().0)?;

    let mut changes = git::changes(repo, Some(ends.base_tree), Some(ends.head_tree), &|p| {
        review.guarded(p)
    })?;
    if ends.own_merge {
        let own = range::adds(repo, &ends.heads, ends.head_tree, &review)?;
        changes.retain(|c| own.contains(&c.path));
    }
    let digest = digest::of(&changes);

    let ((mut introduced, preexisting, self_diff), policy, head_config) = compare_ends(
        repo,
        &ends,
        base_config.as_ref().zip(config_at.as_deref()),
        &trees,
        compare_drift,
        &mailmap,
    )?;
    if base_config.is_some() {
        introduced.extend(drift::unreadable(repo, ends.head_tree, &changes, &review));
    }

    let judged = match (&base_config, &head_config, &policy) {
        (Some(base), Some(head), Some(policy)) => Some(on_change::BothSides {
            base,
            head,
            policy,
            partial: trees.sparse(),
            changes: self_diff.as_ref(),
        }),
        _ => None,
    };
    let mut requirements = requirements(&review, &changes, judged.as_ref())?;

    let range = range::Range::read(&range::Inputs {
        repo,
        base: ends.base_id,
        base_tree: ends.base_tree,
        hide: if ends.own_merge {
            ends.heads.clone()
        } else {
            ends.bases.clone()
        },
        heads: ends.heads.clone(),
        head_tree: ends.head_tree,
        staged: match head {
            Head::Staged { message } => Some(trailers::with_comment_string(
                message,
                &comment_string(repo),
            )),
            Head::Commit(_) => None,
        },
        review: &review,
        mailmap: &mailmap,
        changes: &changes,
    })?;
    requirements.extend(range.merge_requirements(&review));
    let (signoffs, met) = range.evaluate(&review, &requirements, &digest, ends.merge_base);
    let passed =
        introduced.iter().all(|f| f.severity != Severity::Error) && met.iter().all(Met::ok);
    Ok(Verdict {
        passed,
        merge_base: ends.merge_base,
        head: ends.head_label,
        digest,
        changes,
        requirements: met,
        signoffs,
        near_misses: range.near_misses(&review),
        introduced,
        preexisting,
        guard: review.describe_guard(),
        compared: base_config.is_some(),
        config_at,
        signed: review.signing.active().then_some(review.signing.mode),
        contributors: range.contributors.clone(),
        scope: match (&trees.subset, &trees.why_full) {
            (Some(s), _) => Scope::Keys {
                count: s.keys,
                bounded: s.bounded,
            },
            (None, Some(why)) => Scope::Whole(why.clone()),
            (None, None) => Scope::Nothing,
        },
    })
}

/// Findings introduced and pre-existing, the policy, and the merge base's
/// config read against the head.
type DriftAtBothEnds = (
    drift::Introduced,
    Option<crate::policy::Policy>,
    Option<config::Config>,
);

/// What the drift engine says at both ends (nothing without a config at
/// the merge base). Each revision's config is parsed once: the merge base's
/// by [`base_review`] (here moved onto the other trees), the head's by
/// [`drift::head_config_problems`]; each revision's policy is loaded once.
fn compare_ends(
    repo: &Repo,
    ends: &Ends,
    base: Option<(&config::Config, &str)>,
    trees: &scope::Trees,
    compare_drift: bool,
    mailmap: &Mailmap,
) -> Result<DriftAtBothEnds, Error> {
    let Some((c, at)) = base else {
        return Ok(((Vec::new(), Vec::new(), None), None, None));
    };
    let (base_dir, head_dir) = trees.dirs();
    let policy = drift::load_policy(c, base_dir)?;
    let head_config = c.rebased(base_dir, head_dir);
    // Sparse trees: the config and policy files are the same at both ends
    // and every environment lists at both (else the subset is not
    // bounded), so the head's config has no problem the base's has not,
    // adds no environment, and none is broken.
    let (broken, problems, head_own) = if trees.sparse() {
        (Vec::new(), Vec::new(), None)
    } else {
        // Environments the merge base itself cannot list: nothing of theirs
        // pre-exists, and their brokenness is not this change's.
        let broken = drift::unlistable(c);
        let (problems, own) =
            drift::head_config_problems(repo, (ends.head_tree, at), head_dir, mailmap, &broken);
        (broken, problems, own)
    };
    let (mut introduced, preexisting, changes) = if compare_drift {
        let merged = merged_in(repo, ends)?;
        let mut bases = vec![base_dir];
        bases.extend(merged.iter().map(Scratch::path));
        drift::introduced(&drift::Sides {
            repo,
            base: c,
            head: &head_config,
            head_own: head_own.as_ref(),
            policy: &policy,
            base_dirs: &bases,
            head_dir,
            head_tree: ends.head_tree,
            sparse: trees.subset.as_ref().map(|s| &s.head_paths),
            broken: &broken,
        })?
    } else {
        (Vec::new(), Vec::new(), None)
    };
    introduced.extend(problems);
    Ok((
        (introduced, preexisting, changes),
        Some(policy),
        Some(head_config),
    ))
}

/// What the change asks for: `[review]`, each `[[review.rule]]` matching a
/// changed path (about those paths), each change-aware policy rule.
fn requirements(
    review: &Review,
    changes: &[Change],
    judged: Option<&on_change::BothSides<'_>>,
) -> Result<Vec<Requirement>, Error> {
    let mut out: Vec<Requirement> = Vec::new();
    if changes.is_empty() {
        return Ok(out);
    }
    out.push(review.base.clone());
    for (globs, _, req) in &review.rules {
        let paths: Vec<String> = changes
            .iter()
            .filter(|c| globs.is_match(&c.path))
            .map(|c| c.path.clone())
            .collect();
        if !paths.is_empty() {
            let mut req = req.clone();
            req.paths = Some(paths);
            out.push(req);
        }
    }
    if let Some(j) = judged {
        out.extend(on_change::requirements(j, review)?);
    }
    Ok(out)
}

/// For a merge being committed against HEAD, the trees it merges in,
/// written out: their findings are not the merge's own.
fn merged_in(repo: &Repo, ends: &Ends) -> Result<Vec<Scratch>, Error> {
    if !ends.own_merge {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for h in &ends.heads[1..] {
        let dir = Scratch::new("merged")?;
        git::mount(repo, repo.tree_of(*h)?, dir.path())?;
        out.push(dir);
    }
    Ok(out)
}

/// The merge base of BASE with the change: with several heads (a merge
/// being committed), the one that contains the others' (`git merge main`
/// makes main's tip the new merge base).
fn merge_base_of(repo: &Repo, base: Oid, heads: &[Oid]) -> Result<Oid, Error> {
    let mut best = repo.merge_base(base, heads[0])?;
    for h in &heads[1..] {
        let m = repo.merge_base(base, *h)?;
        if m != best && repo.descends(m, best) {
            best = m;
        }
    }
    Ok(best)
}

/// The comment string git strips from the message being written
/// (`core.commentString`, else `core.commentChar`; `auto` and unset: `#`).
fn comment_string(repo: &Repo) -> String {
    repo.config_string("core.commentString")
        .or_else(|| repo.config_string("core.commentChar"))
        .filter(|c| !c.is_empty() && c != "auto")
        .unwrap_or_else(|| "#".into())
}
