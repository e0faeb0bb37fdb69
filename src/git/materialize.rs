//! Writing a tree out to a directory, so a revision (or the index) is read
//! by exactly the code that reads the working tree: identical content gives
//! identical results whichever way it was read.

use std::path::Path;

use git2::ObjectType;

use super::Oid;

use super::Repo;
use crate::error::Error;

/// Write `tree` under `dir` (which must exist and be empty). Executable bits
/// and symlinks are kept; submodules become empty directories.
///
/// A tree is data from whoever made the commit: nothing here follows a
/// symlink or reuses a path. Every directory and file is created new, so a
/// crafted tree (an entry named twice, first as a symlink to `/etc` and then
/// as a directory; names that collide on a case-insensitive disk) is refused
/// instead of writing outside `dir`.
///
/// # Errors
/// When an object cannot be read or a file cannot be written.
pub fn materialize(repo: &Repo, tree: Oid, dir: &Path) -> Result<(), Error> {
    let r = repo.raw();
    let tree = r
        .find_tree(tree.0)
        .map_err(|e| super::git_error(&format!("tree {tree}"), &e))?;
    let io = |path: &Path, source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    // An existing path means the tree names it twice (or twice up to case):
    // no legitimate tree does, so the revision is refused.
    let refused = |path: &Path, e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            named_twice_error(&path.strip_prefix(dir).unwrap_or(path).display().to_string())
        } else {
            io(path, e)
        }
    };
    let mut stack = vec![(tree, dir.to_path_buf())];
    while let Some((tree, at)) = stack.pop() {
        for entry in tree.iter() {
            let Ok(name) = entry.name() else {
                continue; // a non-UTF-8 name cannot be a configured path
            };
            if name.is_empty() || name == "." || name == ".." || name.contains('/') {
                continue;
            }
            let path = at.join(name);
            match entry.kind() {
                Some(ObjectType::Tree) => {
                    std::fs::create_dir(&path).map_err(|e| refused(&path, e))?;
                    let sub = r
                        .find_tree(entry.id())
                        .map_err(|e| super::git_error("tree", &e))?;
                    stack.push((sub, path));
                }
                Some(ObjectType::Blob) => {
                    let blob = r
                        .find_blob(entry.id())
                        .map_err(|e| super::git_error("blob", &e))?;
                    if entry.filemode() == 0o120000 {
                        let target = String::from_utf8_lossy(blob.content()).into_owned();
                        #[cfg(unix)]
                        std::os::unix::fs::symlink(&target, &path)
                            .map_err(|e| refused(&path, e))?;
                        #[cfg(not(unix))]
                        std::fs::write(&path, target).map_err(|e| io(&path, e))?;
                    } else {
                        use std::io::Write as _;
                        std::fs::OpenOptions::new()
                            .write(true)
                            .create_new(true)
                            .open(&path)
                            .and_then(|mut f| f.write_all(blob.content()))
                            .map_err(|e| refused(&path, e))?;
                        #[cfg(unix)]
                        if entry.filemode() == 0o100755 {
                            use std::os::unix::fs::PermissionsExt;
                            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                                .map_err(|e| io(&path, e))?;
                        }
                    }
                }
                // Submodules (commits): nothing to read here.
                _ => std::fs::create_dir(&path).map_err(|e| refused(&path, e))?,
            }
        }
    }
    Ok(())
}

/// The refusal [`materialize`] gives a tree that names a path twice.
pub fn named_twice_error(path: &str) -> Error {
    Error::Git(format!(
        "the tree names `{path}` twice (or twice up to letter case): refusing to read this revision"
    ))
}

/// A path `new` names twice, as [`materialize`] would refuse it (two
/// entries of one directory with the same UTF-8 name, other than `.`,
/// `..`, empty or slashed names, which it skips), searched only in the
/// directories of `new` that differ from the same directory of `old`: the
/// rest is `old`'s, checked when `old` was read. A sparse write-out (the
/// gate's subset) refuses a crafted revision as a whole one does, without
/// writing it out.
pub fn named_twice(repo: &Repo, old: Option<Oid>, new: Oid) -> Option<String> {
    let r = repo.raw();
    let mut stack = vec![(old, new, String::new())];
    while let Some((old, new, prefix)) = stack.pop() {
        if old == Some(new) {
            continue;
        }
        let Ok(tree) = r.find_tree(new.0) else {
            continue; // unreadable: reading it fails elsewhere
        };
        let before: std::collections::HashMap<String, Oid> = old
            .and_then(|o| r.find_tree(o.0).ok())
            .map(|t| {
                t.iter()
                    .filter(|e| e.kind() == Some(ObjectType::Tree))
                    .filter_map(|e| Some((e.name().ok()?.to_string(), Oid(e.id()))))
                    .collect()
            })
            .unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        for entry in tree.iter() {
            let Ok(name) = entry.name() else { continue };
            if name.is_empty() || name == "." || name == ".." || name.contains('/') {
                continue;
            }
            if !seen.insert(name.to_string()) {
                return Some(format!("{prefix}{name}"));
            }
            if entry.kind() == Some(ObjectType::Tree) {
                stack.push((
                    before.get(name).copied(),
                    Oid(entry.id()),
                    format!("{prefix}{name}/"),
                ));
            }
        }
    }
    None
}

/// Write only `paths` (repository-relative, `/`-separated) of `tree` under
/// `dir`: a sparse scratch for an incremental check, which reads a handful
/// of files instead of the whole tree. Paths that are not regular files in
/// `tree` are skipped; parent directories are created as needed, and no
/// component may be `..` or empty (the same refusal as [`materialize`]).
///
/// # Errors
/// When an object cannot be read or a file cannot be written.
pub fn materialize_paths<'p>(
    repo: &Repo,
    tree: Oid,
    paths: impl IntoIterator<Item = &'p str>,
    dir: &Path,
) -> Result<(), Error> {
    let r = repo.raw();
    // Every path looked up (through well-formed trees only, `Repo::tree`)
    // before anything is written: a refusal leaves nothing behind, as
    // `mount_paths` mounts nothing.
    let mut found = Vec::new();
    for p in paths {
        if p.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
            continue;
        }
        let Some((mode, id, Some(ObjectType::Blob))) = repo.lookup(tree, p)? else {
            continue;
        };
        if mode != 0o120000 {
            found.push((p, id));
        }
    }
    for (p, id) in found {
        let blob = r
            .find_blob(id.0)
            .map_err(|e| super::git_error("blob", &e))?;
        let path = dir.join(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, blob.content()).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}

/// One entry of a tree listing: path relative to the listed directory, mode, id.
pub type Listed = (String, u32, Oid);

/// Every non-directory entry under the directory `dir` of `tree` (`""`:
/// the whole tree), paths relative to `dir`, without reading any blob.
/// `None` when `dir` is not a directory of `tree`. Names that are not UTF-8
/// are listed as [`super::display_name`] shows them.
///
/// # Errors
/// When a tree on the way or under `dir` is malformed ([`Repo::tree`]) or
/// cannot be read.
pub fn list_under(repo: &Repo, tree: Oid, dir: &str) -> Result<Option<Vec<Listed>>, Error> {
    let Some((0o040000, id)) = repo.entry_at(tree, dir)? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    repo.walk_files(id, &mut |parent, name, mode, id| {
        let name = super::tree::display_name(name);
        out.push((format!("{parent}{name}"), mode, id));
    })?;
    Ok(Some(out))
}
