//! Comparing two trees path by path, without rename detection: what changed
//! is `(path, old mode, old id, new mode, new id)`, the unit the gate's
//! digest is computed over. Subtrees with equal ids are skipped whole, so a
//! commit touching one file costs a handful of tree reads.

use std::rc::Rc;

use git2::{ObjectType, Oid, Tree};

use super::Repo;
use crate::error::Error;

/// One changed path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Repository-relative path, `/`-separated (bytes decoded lossily).
    pub path: String,
    /// Mode before (0: absent).
    pub old_mode: u32,
    /// Id before (zero: absent).
    pub old_id: Oid,
    /// Mode after (0: absent).
    pub new_mode: u32,
    /// Id after (zero: absent).
    pub new_id: Oid,
}

/// `(name, mode, id, is_tree)` of a tree's entries.
type Entries = Rc<Vec<(String, u32, Oid, bool)>>;

/// Trees already read, by id: walking a history reads each commit's tree
/// and its parent's, so without it every tree would be read twice.
#[derive(Default)]
pub struct TreeCache {
    trees: std::collections::HashMap<Oid, Entries, foldhash::fast::RandomState>,
}

impl TreeCache {
    fn get(&mut self, repo: &Repo, id: Oid) -> Result<Entries, Error> {
        if let Some(e) = self.trees.get(&id) {
            return Ok(e.clone());
        }
        if self.trees.len() > 4096 {
            self.trees.clear();
        }
        let t: Tree<'_> = repo
            .raw()
            .find_tree(id)
            .map_err(|e| super::git_error(&format!("tree {id}"), &e))?;
        let e: Entries = Rc::new(
            t.iter()
                .map(|e| {
                    (
                        String::from_utf8_lossy(e.name_bytes()).into_owned(),
                        e.filemode() as u32,
                        e.id(),
                        e.kind() == Some(ObjectType::Tree),
                    )
                })
                .collect(),
        );
        self.trees.insert(id, e.clone());
        Ok(e)
    }
}

/// The paths that differ between `old` (`None`: empty) and `new` for which
/// `wanted(path)` holds. Submodules and symlinks are entries like files.
///
/// # Errors
/// When a tree cannot be read.
pub fn changes(
    repo: &Repo,
    old: Option<Oid>,
    new: Option<Oid>,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<Change>, Error> {
    changes_cached(repo, old, new, wanted, &mut TreeCache::default())
}

/// [`changes`] with trees read through `cache`.
///
/// # Errors
/// When a tree cannot be read.
pub fn changes_cached(
    repo: &Repo,
    old: Option<Oid>,
    new: Option<Oid>,
    wanted: &dyn Fn(&str) -> bool,
    cache: &mut TreeCache,
) -> Result<Vec<Change>, Error> {
    let mut out = Vec::new();
    walk(repo, old, new, "", wanted, cache, &mut out)?;
    out.sort();
    Ok(out)
}

fn walk(
    repo: &Repo,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &str,
    wanted: &dyn Fn(&str) -> bool,
    cache: &mut TreeCache,
    out: &mut Vec<Change>,
) -> Result<(), Error> {
    let a = match old {
        Some(id) => cache.get(repo, id)?,
        None => Entries::default(),
    };
    let b = match new {
        Some(id) => cache.get(repo, id)?,
        None => Entries::default(),
    };
    let mut names: Vec<&str> = a.iter().chain(b.iter()).map(|e| e.0.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let x = a.iter().find(|e| e.0 == name);
        let y = b.iter().find(|e| e.0 == name);
        if let (Some(x), Some(y)) = (x, y)
            && x.1 == y.1
            && x.2 == y.2
        {
            continue;
        }
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        let subtree = |e: Option<&(String, u32, Oid, bool)>| e.filter(|e| e.3).map(|e| e.2);
        let (xt, yt) = (subtree(x), subtree(y));
        if xt.is_some() || yt.is_some() {
            walk(repo, xt, yt, &path, wanted, cache, out)?;
        }
        // A file replaced by a directory (or the reverse) is both.
        let file = |e: Option<&(String, u32, Oid, bool)>| e.filter(|e| !e.3).map(|e| (e.1, e.2));
        let (xf, yf) = (file(x), file(y));
        if (xf.is_some() || yf.is_some()) && xf != yf && wanted(&path) {
            let (old_mode, old_id) = xf.unwrap_or((0, Oid::ZERO_SHA1));
            let (new_mode, new_id) = yf.unwrap_or((0, Oid::ZERO_SHA1));
            out.push(Change {
                path,
                old_mode,
                old_id,
                new_mode,
                new_id,
            });
        }
    }
    Ok(())
}
