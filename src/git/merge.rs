//! The automatic merge of a merge commit's parents: what `git show
//! --remerge-diff` compares a merge with. A merge is judged by what it adds
//! to that automatic result (an evil merge, a conflict resolution), not by
//! how it differs from each parent (a clean merge of two reviewed sides
//! differs from both, and adds nothing).

use std::collections::{HashMap, HashSet};

use git2::Oid;

use super::Repo;
use crate::error::Error;

/// The automatic merge of some commits: each path's `(mode, id)` where it
/// merged cleanly, and the paths that conflicted.
#[derive(Debug, Default)]
pub struct AutoMerge {
    /// Path bytes → `(mode, id)` of the cleanly merged entries.
    pub clean: HashMap<Vec<u8>, (u32, Oid)>,
    /// Path bytes that conflicted.
    pub conflicts: HashSet<Vec<u8>>,
}

impl AutoMerge {
    /// Whether a merge that recorded `(mode, id)` at `path` (mode 0:
    /// absent) took the automatic result there.
    pub fn agrees(&self, path: &[u8], mode: u32, id: Oid) -> bool {
        if self.conflicts.contains(path) {
            return false;
        }
        match self.clean.get(path) {
            Some(&(m, i)) => mode == m && id == i,
            None => mode == 0,
        }
    }
}

/// The automatic merge of `parents` (two of them; libgit2's recursive
/// merge, renames followed, as git does by default).
///
/// # Errors
/// When there are not exactly two parents (an octopus is judged path by
/// path against every parent by the caller instead), or the merge fails.
pub fn auto_merge(repo: &Repo, parents: &[Oid]) -> Result<AutoMerge, Error> {
    let [a, b] = parents else {
        return Err(Error::Git(format!(
            "an automatic merge of {} parents is not computed",
            parents.len()
        )));
    };
    let r = repo.raw();
    let find = |id: &Oid| {
        r.find_commit(*id)
            .map_err(|e| super::git_error(&format!("commit {id}"), &e))
    };
    let index = r
        .merge_commits(&find(a)?, &find(b)?, None)
        .map_err(|e| super::git_error("merging the parents of a merge", &e))?;
    let mut out = AutoMerge::default();
    for e in index.iter() {
        // Stage bits 12-13 of the flags: 0 for a merged entry.
        if (e.flags >> 12) & 0x3 == 0 {
            out.clean.insert(e.path.clone(), (e.mode, e.id));
        } else {
            out.conflicts.insert(e.path.clone());
        }
    }
    Ok(out)
}

/// The tree of the automatic merge of two commits when it is clean (for
/// tests against `git merge-tree --write-tree`); `None` on a conflict.
///
/// # Errors
/// When the merge fails.
pub fn auto_merge_tree(repo: &Repo, a: Oid, b: Oid) -> Result<Option<Oid>, Error> {
    let r = repo.raw();
    let find = |id: Oid| {
        r.find_commit(id)
            .map_err(|e| super::git_error(&format!("commit {id}"), &e))
    };
    let mut index = r
        .merge_commits(&find(a)?, &find(b)?, None)
        .map_err(|e| super::git_error("merging", &e))?;
    if index.has_conflicts() {
        return Ok(None);
    }
    index
        .write_tree_to(r)
        .map(Some)
        .map_err(|e| super::git_error("writing the merged tree", &e))
}
