//! Comparing two trees path by path, without rename detection: what changed
//! is `(path, old mode, old id, new mode, new id)`, the unit the gate's
//! digest is computed over. Subtrees with equal ids are skipped whole, so a
//! commit touching one file costs a handful of tree reads.
//!
//! Names are compared as bytes, never as decoded text: `a\x80.yaml` and
//! `a\xff.yaml` are two files (a lossy decoding made them one, and a change
//! to the second hid behind the first). [`Change::path`] is for matching and
//! display; [`Change::raw`] is the path as git records it.

use std::rc::Rc;

use git2::{ObjectType, Tree};

use super::Oid;

use super::Repo;
use crate::error::Error;

/// One changed path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Repository-relative path, `/`-separated; bytes that are not UTF-8
    /// shown as `\xNN` (see [`display_name`]).
    pub path: String,
    /// The path's bytes as git records them (what the digest hashes).
    pub raw: Vec<u8>,
    /// Mode before (0: absent).
    pub old_mode: u32,
    /// Id before (zero: absent).
    pub old_id: Oid,
    /// Mode after (0: absent).
    pub new_mode: u32,
    /// Id after (zero: absent).
    pub new_id: Oid,
}

impl Change {
    /// Whether every name on the path is UTF-8 (the drift engine reads
    /// only those: a tree written out skips the others).
    pub fn readable(&self) -> bool {
        std::str::from_utf8(&self.raw).is_ok()
    }
}

/// A name's bytes as text: UTF-8 as is, other bytes as `\xNN`.
pub fn display_name(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Whether the entries of tree `id`, in the order the object lists them,
/// are a tree git itself would write: in git's order (a directory sorts as
/// if its name ended in `/`) and each name once.
///
/// The rule (adversarial review 6): driftcheck looks names up only in such
/// trees. In any other (`git fsck`: `treeNotSorted`, `duplicateEntries`)
/// two readers can find two different entries for one name — libgit2's
/// search over the raw order, a search over a sorted copy, `git show` —
/// so the gate and `audit`, or git and driftcheck, judged different
/// files, and a key the merge base had revoked verified. Every lookup
/// ([`TreeCache`], [`Repo::blob_at`](super::Repo::blob_at) and its
/// siblings) reads trees through this check, so each such tree is refused
/// wherever it is read.
///
/// # Errors
/// The first entry out of order or named twice.
pub fn well_formed<T>(
    id: Oid,
    entries: &[T],
    named: impl for<'a> Fn(&'a T) -> (&'a [u8], u32),
) -> Result<(), Error> {
    let key = |e| {
        let (name, mode): (&[u8], u32) = named(e);
        git_key(name, mode)
    };
    for (k, e) in entries.iter().enumerate() {
        let (name, mode) = named(e);
        let ordered = k == 0 || key(&entries[k - 1]).cmp(key(e)).is_lt();
        // In git's order a file `n` and a directory `n` are not neighbours:
        // between them stand only names that begin with `n` (`n-x`, `n.x`),
        // so the look back from the directory is short.
        let twice = ordered
            && mode == 0o040000
            && entries[..k]
                .iter()
                .rev()
                .map(&named)
                .take_while(|(n, _)| n.starts_with(name))
                .any(|(n, m)| n == name && m != 0o040000);
        if twice || !ordered {
            let shown = display_name(name);
            let (what, check) = if twice || key(&entries[k - 1]).eq(key(e)) {
                ("names", "twice (git fsck: duplicateEntries)")
            } else {
                ("lists", "out of git's order (git fsck: treeNotSorted)")
            };
            return Err(Error::Git(format!(
                "tree {id} {what} `{shown}` {check}: refusing to read this revision, where two \
                 readers could find two different entries for one name"
            )));
        }
    }
    Ok(())
}

/// An entry's name as git sorts it: a directory's as if it ended in `/`.
fn git_key(name: &[u8], mode: u32) -> impl Iterator<Item = u8> + '_ {
    name.iter()
        .copied()
        .chain((mode == 0o040000).then_some(b'/'))
}

/// `(name, mode, id, is_tree)` of a tree's entries, sorted by name bytes.
type Entries = Rc<Vec<(Vec<u8>, u32, Oid, bool)>>;

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
            .find_tree(id.0)
            .map_err(|e| super::git_error(&format!("tree {id}"), &e))?;
        let mut list: Vec<_> = t
            .iter()
            .map(|e| {
                (
                    e.name_bytes().to_vec(),
                    e.filemode() as u32,
                    Oid(e.id()),
                    e.kind() == Some(ObjectType::Tree),
                )
            })
            .collect();
        well_formed(id, &list, |e| (e.0.as_slice(), e.1))?;
        list.sort_by(|a, b| a.0.cmp(&b.0));
        let e: Entries = Rc::new(list);
        self.trees.insert(id, e.clone());
        Ok(e)
    }
}

/// What a tree holds at one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Nothing, and nothing in the way.
    Absent,
    /// A file, link or submodule: its mode and id.
    File(u32, Oid),
    /// A directory.
    Dir,
    /// A file where the path needs a directory (`a` holds `a/b`'s place).
    Blocked,
}

/// What `tree` holds at `raw` (a path as git records it), read through `cache`.
///
/// # Errors
/// When a tree cannot be read.
pub fn slot_at(repo: &Repo, tree: Oid, raw: &[u8], cache: &mut TreeCache) -> Result<Slot, Error> {
    let mut at = tree;
    let mut parts = raw.split(|&b| b == b'/').peekable();
    while let Some(name) = parts.next() {
        let entries = cache.get(repo, at)?;
        let Ok(k) = entries.binary_search_by(|e| e.0.as_slice().cmp(name)) else {
            return Ok(Slot::Absent);
        };
        let (_, mode, id, is_tree) = &entries[k];
        match (parts.peek().is_some(), *is_tree) {
            (true, true) => at = *id,
            (true, false) => return Ok(Slot::Blocked),
            (false, true) => return Ok(Slot::Dir),
            (false, false) => return Ok(Slot::File(*mode, *id)),
        }
    }
    Ok(Slot::Dir)
}

/// `(mode, id)` of the file, link or submodule `tree` holds at `raw`, or
/// `(0, zero)` when it holds none there (absent, a directory, or blocked):
/// the key under which whatever is read from that entry may be cached.
///
/// # Errors
/// When a tree cannot be read.
pub fn file_at(
    repo: &Repo,
    tree: Oid,
    raw: &[u8],
    cache: &mut TreeCache,
) -> Result<(u32, Oid), Error> {
    Ok(match slot_at(repo, tree, raw, cache)? {
        Slot::File(mode, id) => (mode, id),
        Slot::Absent | Slot::Dir | Slot::Blocked => (0, Oid::ZERO_SHA1),
    })
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
    walk(repo, old, new, b"", wanted, cache, &mut out)?;
    out.sort();
    Ok(out)
}

fn walk(
    repo: &Repo,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &[u8],
    wanted: &dyn Fn(&str) -> bool,
    cache: &mut TreeCache,
    out: &mut Vec<Change>,
) -> Result<(), Error> {
    type Entry = (Vec<u8>, u32, Oid, bool);
    let a = match old {
        Some(id) => cache.get(repo, id)?,
        None => Entries::default(),
    };
    let b = match new {
        Some(id) => cache.get(repo, id)?,
        None => Entries::default(),
    };
    // Both lists are sorted by name bytes: one merge pass, linear in the
    // entries (a lookup per name made wide directories quadratic).
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let (x, y): (Option<&Entry>, Option<&Entry>) = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                i += 1;
                j += 1;
                (Some(x), Some(y))
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                i += 1;
                (Some(x), None)
            }
            (Some(_), Some(y)) => {
                j += 1;
                (None, Some(y))
            }
            (Some(x), None) => {
                i += 1;
                (Some(x), None)
            }
            (None, y) => {
                j += 1;
                (None, y)
            }
        };
        if let (Some(x), Some(y)) = (x, y)
            && x.1 == y.1
            && x.2 == y.2
        {
            continue;
        }
        let name = x.or(y).map(|e| e.0.as_slice()).unwrap_or_default();
        let mut raw = prefix.to_vec();
        if !raw.is_empty() {
            raw.push(b'/');
        }
        raw.extend_from_slice(name);
        let subtree = |e: Option<&Entry>| e.filter(|e| e.3).map(|e| e.2);
        let (xt, yt) = (subtree(x), subtree(y));
        if xt.is_some() || yt.is_some() {
            walk(repo, xt, yt, &raw, wanted, cache, out)?;
        }
        // A file replaced by a directory (or the reverse) is both.
        let file = |e: Option<&Entry>| e.filter(|e| !e.3).map(|e| (e.1, e.2));
        let (xf, yf) = (file(x), file(y));
        if xf.is_none() && yf.is_none() || xf == yf {
            continue;
        }
        let path = display_name(&raw);
        if wanted(&path) {
            let (old_mode, old_id) = xf.unwrap_or((0, Oid::ZERO_SHA1));
            let (new_mode, new_id) = yf.unwrap_or((0, Oid::ZERO_SHA1));
            out.push(Change {
                path,
                raw,
                old_mode,
                old_id,
                new_mode,
                new_id,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::process::Command;

    use git2::ObjectType;

    use super::{Oid, Repo, TreeCache, slot_at, well_formed};
    use crate::testing::Xorshift;

    /// Names that sort close together in git's order (`a` as a file sorts
    /// before `a-b` and `a.b`, as a directory after them), so order and
    /// duplicate checks meet every neighbourhood.
    const NAMES: &[&str] = &["a", "a-b", "a.b", "a0", "a/", "b", "\u{e9}"];

    /// `well_formed` against `git fsck` (the oracle): random trees over
    /// [`NAMES`], files or directories, in git's order or shuffled, some
    /// names twice, written raw; `well_formed` refuses exactly the trees
    /// git fsck reports `treeNotSorted` or `duplicateEntries` in, and every
    /// lookup ([`TreeCache`], [`Repo::blob_at`]) refuses those.
    #[test]
    #[allow(clippy::print_stderr, reason = "a skip says why")]
    fn well_formed_is_what_git_fsck_accepts() {
        if Command::new("git").arg("--version").output().is_err() {
            let required = std::env::var_os("DRIFTCHECK_REQUIRE_PEERS")
                .is_some_and(|v| !v.is_empty() && v != "0");
            assert!(
                !required,
                "DRIFTCHECK_REQUIRE_PEERS is set and git is not installed"
            );
            eprintln!("skipped: git is not installed (the oracle, git fsck)");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let raw = git2::Repository::init(dir.path()).unwrap();
        let repo = Repo::discover(dir.path()).unwrap();
        let odb = raw.odb().unwrap();
        let blob = odb.write(ObjectType::Blob, b"x\n").unwrap();
        let empty = odb.write(ObjectType::Tree, b"").unwrap();
        let mut rng = Xorshift(0x5eed_0006);
        let mut trees = Vec::new();
        for _ in 0..300 {
            let mut entries: Vec<(Vec<u8>, u32)> = (0..rng.below(4) + 1)
                .map(|_| {
                    let name = rng.pick(NAMES).trim_end_matches('/').as_bytes().to_vec();
                    (name, if rng.chance(40) { 0o040000 } else { 0o100644 })
                })
                .collect();
            if rng.chance(70) {
                entries.sort_by(|x, y| super::git_key(&x.0, x.1).cmp(super::git_key(&y.0, y.1)));
            }
            let mut bytes = Vec::new();
            for (name, mode) in &entries {
                bytes.extend_from_slice(format!("{mode:o} ").as_bytes());
                bytes.extend_from_slice(name);
                bytes.push(0);
                let id = if *mode == 0o040000 { empty } else { blob };
                bytes.extend_from_slice(id.as_bytes());
            }
            let id = odb.write(ObjectType::Tree, &bytes).unwrap();
            trees.push((Oid(id), entries));
        }
        let out = Command::new("git")
            .args(["fsck", "--no-dangling", "--no-progress"])
            .current_dir(dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&out.stderr).into_owned();
        let refused_by_git: BTreeSet<String> = report
            .lines()
            .filter(|l| l.contains("treeNotSorted") || l.contains("duplicateEntries"))
            .filter_map(|l| l.strip_prefix("error in tree ")?.split(':').next())
            .map(str::to_string)
            .collect();
        let (mut good, mut bad) = (0, 0);
        for (id, entries) in &trees {
            let ours = well_formed(*id, entries, |e| (e.0.as_slice(), e.1));
            let git_refuses = refused_by_git.contains(&id.to_string());
            assert_eq!(
                ours.is_err(),
                git_refuses,
                "tree {id} {entries:?}: {ours:?}\n{report}"
            );
            let cached = slot_at(&repo, *id, b"a", &mut TreeCache::default());
            let looked_up = repo.blob_at(*id, "a");
            assert_eq!(cached.is_err(), git_refuses, "tree {id}: {cached:?}");
            assert_eq!(looked_up.is_err(), git_refuses, "tree {id}: {looked_up:?}");
            if git_refuses { bad += 1 } else { good += 1 }
        }
        assert!(good > 50 && bad > 50, "{good} well formed, {bad} malformed");
    }
}
