//! Where the gate's drift half reads the two ends of a change: the whole
//! trees written out, or only what the change can affect.
//!
//! # The rule
//!
//! The gate's drift findings for a change are computed over the same file
//! keys as `check --rev` ([`crate::pipeline::incremental`], rule in
//! docs/incremental.md): the changed files' keys in every environment,
//! their counterparts, Kubernetes resources and secrets matched across
//! files, `[[link]]` partners and hostname sources, closed until nothing is
//! added. Only those files are written out, at the merge base and at the
//! head; the gate then judges them exactly as it judges whole trees
//! ([`super::drift::introduced`]: each environment compared with itself,
//! renamed and moved files aligned, respellings, new environments).
//!
//! Why that is the same verdict: every introduced finding involves a file
//! the change touched in some environment (a finding whose files are
//! unchanged in every environment it involves is the same divergence at the
//! base, so pre-existing), and every such file is in the subset with all
//! the documents its findings are computed from. The pre-existing findings
//! counted are those among the compared keys only (the report says so).
//!
//! Whole trees are written out when the subset cannot be bounded (the
//! incremental rule's fallbacks: the config or a policy changed, `layers`
//! or `render`, includes, links in a root, an empty or missing
//! environment, ...), for a merge being committed (what it merges in is a
//! base too), and when `DRIFTCHECK_GATE_FULL` is set (the property test
//! compares both paths). The sign-off side (range, trailers, requirements,
//! merges) reads the object database and is the same either way.

use std::collections::HashSet;
use std::path::Path;

use super::Ends;
use crate::error::Error;
use crate::git::scratch::Scratch;
use crate::git::{self, Repo};
use crate::pipeline::incremental::{self, ChangeToJudge, Plan};

/// Set to anything but `0` or empty: the gate takes its reference path, the
/// one the property tests hold the others to: whole trees written out, and
/// each environment compared with itself at every file key, the unchanged
/// ones too ([`crate::diff::changes`]).
pub const FORCE_FULL: &str = "DRIFTCHECK_GATE_FULL";

/// Whether [`FORCE_FULL`] is set.
pub(super) fn reference_path() -> bool {
    std::env::var(FORCE_FULL).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The two ends written out.
pub(super) struct Trees {
    /// The merge base's tree (or its subset).
    pub base: Scratch,
    /// The head's tree (or its subset).
    pub head: Scratch,
    /// `Some` when only the subset is written out.
    pub subset: Option<Subset>,
    /// Why the whole trees were written out (`-v`).
    pub why_full: Option<String>,
}

/// What a sparse write-out holds.
pub(super) struct Subset {
    /// Repository-relative paths written at the head.
    pub head_paths: HashSet<String>,
    /// File keys compared.
    pub keys: usize,
    /// Whether no environment was listed whole.
    pub bounded: bool,
}

impl Trees {
    /// Whether only a subset is written out.
    pub fn sparse(&self) -> bool {
        self.subset.is_some()
    }

    /// Where each end is written out: (base, head).
    pub fn dirs(&self) -> (&Path, &Path) {
        (self.base.path(), self.head.path())
    }
}

/// Write out the ends of the change: only what it can affect where the
/// incremental rule bounds it, else the whole trees. `config_at`: the
/// merge base's config (none: nothing is compared, nothing written).
///
/// # Errors
/// When a scratch directory cannot be made or a tree written out.
pub(super) fn write_out(repo: &Repo, ends: &Ends, config_at: Option<&str>) -> Result<Trees, Error> {
    let at = match config_at {
        Some(at) if repo.blob_at(ends.base_tree, at)?.is_some() => Some(at),
        _ => None,
    };
    let Some(at) = at else {
        // No config at the merge base: nothing is compared or read.
        return Ok(Trees {
            base: Scratch::new("base")?,
            head: Scratch::new("head")?,
            subset: None,
            why_full: None,
        });
    };
    let why = match sparse(repo, ends, at)? {
        Ok(trees) => return Ok(trees),
        Err(why) => why,
    };
    let base = Scratch::new("base")?;
    git::mount(repo, ends.base_tree, base.path())?;
    let head = Scratch::new("head")?;
    git::mount(repo, ends.head_tree, head.path())?;
    Ok(Trees {
        base,
        head,
        subset: None,
        why_full: Some(why),
    })
}

/// The subset write-out, or why there is none.
fn sparse(repo: &Repo, ends: &Ends, at: &str) -> Result<Result<Trees, String>, Error> {
    if reference_path() {
        return Ok(Err(format!("{FORCE_FULL} is set")));
    }
    if ends.own_merge {
        return Ok(Err("a merge is being committed".into()));
    }
    let changed: Vec<String> =
        git::changes(repo, Some(ends.base_tree), Some(ends.head_tree), &|_| true)?
            .into_iter()
            .map(|c| c.path)
            .collect();
    let change = ChangeToJudge {
        old: ends.base_tree,
        new: ends.head_tree,
        config_at: at,
        changed: &changed,
        command: "check",
        names: &[],
        verbose: false,
    };
    // A subset the pipeline cannot compare is left to the whole trees,
    // which fail (or not) with the gate's own message.
    let judged = incremental::judge(repo, &change);
    // A crafted head is refused as writing it out whole refuses it.
    if matches!(judged, Ok(Plan::Judged(_)))
        && let Some(path) = git::named_twice(repo, Some(ends.base_tree), ends.head_tree)
    {
        return Err(git::named_twice_error(&path));
    }
    Ok(match judged {
        Ok(Plan::Judged(j)) => Ok(Trees {
            base: j.old_scratch,
            head: j.scratch,
            subset: Some(Subset {
                head_paths: j.written,
                keys: j.keys,
                bounded: j.bounded,
            }),
            why_full: None,
        }),
        Ok(Plan::Full(why)) => Err(why),
        Err(e) => Err(format!("the subset cannot be compared: {e}")),
    })
}
