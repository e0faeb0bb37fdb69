//! A revision's tree mounted in memory ([`crate::source`]) instead of
//! written out: the same entries `materialize` would create, refused the
//! same way, read from the object database when a file is read.

use std::path::Path;
use std::sync::{Arc, Mutex};

use git2::ObjectType;

use super::{Oid, Repo};
use crate::error::Error;
use crate::source::{self, BlobId, Blobs, Entry, Tree};

/// Reads blobs for mounted trees: libgit2 handles are not shared between
/// threads, so one handle (opened on first use) serves every thread in
/// turn. Not one per thread: each handle maps the pack files itself, and
/// reading every blob through two handles made the pages count twice in
/// the resident set (+100 MB at 20,000 files per environment); reading a
/// blob is a small part of loading a file, so the lock costs little.
struct OdbBlobs {
    gitdir: std::path::PathBuf,
    reader: Mutex<Option<git2::Repository>>,
}

impl OdbBlobs {
    fn with<R>(
        &self,
        f: impl FnOnce(&git2::Repository) -> std::io::Result<R>,
    ) -> std::io::Result<R> {
        let mut reader = self
            .reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if reader.is_none() {
            *reader = Some(git2::Repository::open(&self.gitdir).map_err(io_error)?);
        }
        f(reader.as_ref().expect("opened above"))
    }
}

fn io_error(e: git2::Error) -> std::io::Error {
    std::io::Error::other(e.message().to_string())
}

fn oid(id: &BlobId) -> std::io::Result<git2::Oid> {
    git2::Oid::from_bytes(id).map_err(io_error)
}

impl Blobs for OdbBlobs {
    fn read(&self, id: &BlobId) -> std::io::Result<Vec<u8>> {
        let id = oid(id)?;
        self.with(|r| {
            r.find_blob(id)
                .map(|b| b.content().to_vec())
                .map_err(io_error)
        })
    }

    fn size(&self, id: &BlobId) -> std::io::Result<u64> {
        let id = oid(id)?;
        self.with(|r| {
            let odb = r.odb().map_err(io_error)?;
            odb.read_header(id).map(|(n, _)| n as u64).map_err(io_error)
        })
    }
}

fn blobs(repo: &Repo) -> Arc<dyn Blobs> {
    Arc::new(OdbBlobs {
        gitdir: repo.raw().path().to_path_buf(),
        reader: Mutex::new(None),
    })
}

fn blob_id(id: git2::Oid) -> Result<BlobId, Error> {
    BlobId::try_from(id.as_bytes())
        .map_err(|_| Error::Git(format!("object id {id} is not a SHA-1 id")))
}

/// Mount `tree` at `dir` (a [`super::scratch::Scratch`]'s path: it is
/// unmounted when the scratch is dropped), as [`super::materialize`]
/// would write it there: the same entries skipped, a name given twice
/// refused with [`super::named_twice_error`], a name or link the disk would
/// refuse refused with the disk's error. No blob is read but link targets.
///
/// # Errors
/// When an object cannot be read, or the tree is refused.
pub fn mount(repo: &Repo, tree: Oid, dir: &Path) -> Result<(), Error> {
    let r = repo.raw();
    let top = r
        .find_tree(tree.0)
        .map_err(|e| super::git_error(&format!("tree {tree}"), &e))?;
    let mut out = Tree::new(blobs(repo));
    let refused = |rel: &str, e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            super::named_twice_error(rel)
        } else {
            Error::Io {
                path: dir.join(rel),
                source: e,
            }
        }
    };
    // The order `materialize` creates entries in, so the first refusal is
    // the same one.
    let mut stack = vec![(top, Tree::ROOT, String::new())];
    while let Some((t, node, prefix)) = stack.pop() {
        for entry in t.iter() {
            let Ok(name) = entry.name() else {
                continue; // a non-UTF-8 name cannot be a configured path
            };
            if name.is_empty() || name == "." || name == ".." || name.contains('/') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            let what = match entry.kind() {
                Some(ObjectType::Tree) => Entry::Dir,
                Some(ObjectType::Blob) if entry.filemode() == 0o120000 => {
                    let blob = r
                        .find_blob(entry.id())
                        .map_err(|e| super::git_error("blob", &e))?;
                    Entry::Link(String::from_utf8_lossy(blob.content()).into_owned())
                }
                Some(ObjectType::Blob) => {
                    Entry::File(blob_id(entry.id())?, entry.filemode() == 0o100755)
                }
                // Submodules (commits): an empty directory.
                _ => Entry::Dir,
            };
            let is_tree = entry.kind() == Some(ObjectType::Tree);
            let child = out.add(node, name, what).map_err(|e| refused(&rel, e))?;
            if is_tree {
                let sub = r
                    .find_tree(entry.id())
                    .map_err(|e| super::git_error("tree", &e))?;
                stack.push((sub, child, format!("{rel}/")));
            }
        }
    }
    source::mount(dir, out);
    Ok(())
}

/// [`super::materialize_paths`] into the tree mounted at `dir` (an empty
/// one is mounted first): only `paths` that are regular files of `tree`,
/// parents made as needed.
///
/// # Errors
/// When an object cannot be read or a path cannot be made.
pub fn mount_paths<'p>(
    repo: &Repo,
    tree: Oid,
    paths: impl IntoIterator<Item = &'p str>,
    dir: &Path,
) -> Result<(), Error> {
    let r = repo.raw();
    let tree = r
        .find_tree(tree.0)
        .map_err(|e| super::git_error(&format!("tree {tree}"), &e))?;
    let mut found = Vec::new();
    for p in paths {
        if p.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
            continue;
        }
        let Ok(entry) = tree.get_path(Path::new(p)) else {
            continue;
        };
        if entry.kind() != Some(ObjectType::Blob) || entry.filemode() == 0o120000 {
            continue;
        }
        found.push((p, blob_id(entry.id())?));
    }
    source::with_mount(
        dir,
        || blobs(repo),
        |t| {
            for (p, id) in found {
                let components: Vec<&str> = p.split('/').collect();
                t.put_file(&components, id).map_err(|source| Error::Io {
                    path: dir.join(p),
                    source,
                })?;
            }
            Ok(())
        },
    )
}
