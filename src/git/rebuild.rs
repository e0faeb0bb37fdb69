//! A tree rebuilt from another with a few paths moved or rewritten: the
//! gate's "aligned head" (each environment's renamed files and documents put
//! back where the merge base had them, so the drift engine pairs them with
//! the other environments again). Written to the object database, never to
//! a working tree.

use git2::{IndexEntry, IndexTime};

use super::Oid;

use super::Repo;
use crate::error::Error;

/// One edit of a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Move the blob at `from` to `to` (mode kept).
    Move {
        /// Repository-relative path it is at.
        from: String,
        /// Where it goes.
        to: String,
    },
    /// Put `bytes` at `path` (a regular file; mode kept when it exists).
    Write {
        /// Repository-relative path.
        path: String,
        /// The new content.
        bytes: Vec<u8>,
    },
}

/// `tree` with `edits` applied in order.
///
/// # Errors
/// When a path to move is not a blob, or the tree cannot be written.
pub fn rebuilt(repo: &Repo, tree: Oid, edits: &[Edit]) -> Result<Oid, Error> {
    let r = repo.raw();
    let fail = |e: git2::Error| super::git_error("rebuilding a tree", &e);
    let mut index = git2::Index::new().map_err(fail)?;
    index
        .read_tree(&r.find_tree(tree.0).map_err(fail)?)
        .map_err(fail)?;
    let entry = |path: &str, mode: u32, id: Oid| IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode,
        uid: 0,
        gid: 0,
        file_size: 0,
        id: id.0,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    };
    for edit in edits {
        match edit {
            Edit::Move { from, to } => {
                let Some(old) = index.get_path(std::path::Path::new(from), 0) else {
                    return Err(Error::Git(format!(
                        "rebuilding a tree: `{from}` is not there"
                    )));
                };
                index
                    .remove_path(std::path::Path::new(from))
                    .map_err(fail)?;
                index.add(&entry(to, old.mode, Oid(old.id))).map_err(fail)?;
            }
            Edit::Write { path, bytes } => {
                let mode = index
                    .get_path(std::path::Path::new(path), 0)
                    .map_or(0o100644, |e| e.mode);
                let id = r.blob(bytes).map_err(fail)?;
                index.add(&entry(path, mode, Oid(id))).map_err(fail)?;
            }
        }
    }
    index.write_tree_to(r).map(Oid).map_err(fail)
}
