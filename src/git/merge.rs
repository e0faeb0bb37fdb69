//! The automatic merge of a merge commit's parents: what `git show
//! --remerge-diff` compares a merge with. A merge is judged by what it adds
//! to that automatic result (an evil merge, a conflict resolution), not by
//! how it differs from each parent (a clean merge of two reviewed sides
//! differs from both, and adds nothing).

use std::collections::{HashMap, HashSet};

use super::Oid;

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

/// The index of the automatic merge of `a` and `b`. One merge base (the
/// common case): a three-way merge of trees from it, found on the
/// in-memory commit graph (`Repo::single_merge_base`); several: libgit2's
/// recursive merge of the commits. The same options either way (renames
/// followed), so the same result as `git merge-tree --write-tree`.
fn merged_index(repo: &Repo, a: Oid, b: Oid) -> Result<git2::Index, Error> {
    let r = repo.raw();
    let fail = |e: git2::Error| super::git_error("merging the parents of a merge", &e);
    let find = |id: Oid| r.find_commit(id.0).map_err(fail);
    match repo.single_merge_base(a, b) {
        Some(base) => {
            let tree = |id: Oid| find(id).and_then(|c| c.tree().map_err(fail));
            r.merge_trees(&tree(base)?, &tree(a)?, &tree(b)?, None)
                .map_err(fail)
        }
        None => r.merge_commits(&find(a)?, &find(b)?, None).map_err(fail),
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
    let index = merged_index(repo, *a, *b)?;
    let mut out = AutoMerge::default();
    for e in index.iter() {
        // Stage bits 12-13 of the flags: 0 for a merged entry.
        if (e.flags >> 12) & 0x3 == 0 {
            out.clean.insert(e.path.clone(), (e.mode, Oid(e.id)));
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
    let mut index = merged_index(repo, a, b)?;
    if index.has_conflicts() {
        return Ok(None);
    }
    index
        .write_tree_to(r)
        .map(|t| Some(Oid(t)))
        .map_err(|e| super::git_error("writing the merged tree", &e))
}

/// Where a change starts: the merge bases of `a` and `b`, and the tree to
/// compare from (`None`: no merge base).
///
/// Rule: the net change of `b` against `a` is measured from what git's
/// recursive/ort strategy merges from. With one merge base, its tree. With
/// several (a criss-cross: each side merged the other), the **virtual
/// base**: the automatic merge of the merge bases themselves (libgit2's
/// recursive merge, as `git merge-tree --write-tree` and `git show
/// --remerge-diff` use), folded left when there are more than two. Picking
/// one base instead counts what the other side already landed as part of
/// the change. A path the virtual base cannot settle (it conflicted between
/// the bases) is left out of it, so a change holding it is judged as adding
/// it: fail closed, never a silent pass.
///
/// # Errors
/// When the bases cannot be merged or written.
pub fn base_tree(repo: &Repo, a: Oid, b: Oid) -> Result<Option<(Vec<Oid>, Oid)>, Error> {
    let r = repo.raw();
    if let Some(one) = repo.single_merge_base(a, b) {
        return Ok(Some((vec![one], repo.tree_of(one)?)));
    }
    let bases: Vec<Oid> = match r.merge_bases(a.0, b.0) {
        Ok(list) => list.iter().copied().map(Oid).collect(),
        Err(_) => return Ok(None),
    };
    let Some(&first) = bases.first() else {
        return Ok(None);
    };
    let tree = |id: Oid| repo.tree_of(id);
    if bases.len() == 1 {
        return Ok(Some((bases, tree(first)?)));
    }
    let find = |id: Oid| {
        r.find_commit(id.0)
            .map_err(|e| super::git_error(&format!("commit {id}"), &e))
    };
    let fail = |e: git2::Error| super::git_error("merging the merge bases (virtual base)", &e);
    // Two bases: libgit2's recursive merge of the two commits (itself
    // recursive over their own bases). More: folded over trees, each step
    // from the merge base of the first base and the next.
    let mut index = r
        .merge_commits(&find(bases[0])?, &find(bases[1])?, None)
        .map_err(fail)?;
    let mut acc = settle(r, &mut index)?;
    for &next in &bases[2..] {
        let anc = match r.merge_base(first.0, next.0) {
            Ok(m) => tree(Oid(m))?,
            Err(_) => acc,
        };
        let t = |id: Oid| r.find_tree(id.0).map_err(fail);
        let mut index = r
            .merge_trees(&t(anc)?, &t(acc)?, &t(tree(next)?)?, None)
            .map_err(fail)?;
        acc = settle(r, &mut index)?;
    }
    Ok(Some((bases, acc)))
}

/// Write a merged index as a tree, conflicted paths left out.
fn settle(r: &git2::Repository, index: &mut git2::Index) -> Result<Oid, Error> {
    let fail = |e: git2::Error| super::git_error("writing the virtual merge base", &e);
    if index.has_conflicts() {
        let paths: Vec<Vec<u8>> = index
            .iter()
            .filter(|e| (e.flags >> 12) & 0x3 != 0)
            .map(|e| e.path)
            .collect();
        for p in paths {
            let p = std::path::PathBuf::from(String::from_utf8_lossy(&p).into_owned());
            // Every stage of it; an error means it is already gone.
            let _ = index.conflict_remove(&p);
            let _ = index.remove_path(&p);
        }
    }
    index.write_tree_to(r).map(Oid).map_err(fail)
}
