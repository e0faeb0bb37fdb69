//! Where a revision's files are read from: one file-source interface for
//! the working tree (the disk) and for a git tree (blobs in memory).
//!
//! # The rule
//!
//! Every read of an environment's files — listing a directory, the kind
//! and size of an entry, a file's bytes, a link's target, resolving a path
//! through links — goes through this module, never `std::fs` directly. A
//! path names a file on disk unless it lies under a *mounted* tree: the
//! gate's and `check --rev`/`--staged`'s revisions are mounted (the
//! private scratch directory they used to be written into is still made,
//! empty, and its path is the mount point), so every path, display name
//! and message keeps the shape it had when the tree was written out, and
//! the code that reads the working tree reads a revision unchanged.
//!
//! A mounted tree must answer exactly as the same tree written to disk
//! would (`git::materialize`, kept for what needs a real directory: a
//! `render` command runs there):
//! - names the write-out skips (not UTF-8, empty, `.`, `..`, holding `/`)
//!   are not in the tree; a name given twice, a name or link target the
//!   disk refuses (too long, a NUL byte, an empty target) refuses the
//!   revision with the same error ([`Tree::refusal`]);
//! - git links are empty directories; symbolic links are followed by name
//!   as the kernel follows them (relative to their directory, at most 40
//!   hops, `..` above the mount point leaves it for the disk, an absolute
//!   target is resolved from `/`, re-entering a mount if it names one);
//! - sizes are blob sizes; a read is bounded as a disk read is.
//!
//! The property test `git::mount::tests` compares both ways of
//! reading random trees (odd names, links at every depth, git links).

mod mounts;
mod tree;

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

pub use mounts::{mount, mounted, realize, unmount, with_mount};
pub use tree::{BlobId, Blobs, Entry, Tree};

use mounts::Located;

/// The kind of a directory entry, links not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link.
    Symlink,
    /// A FIFO, socket or device (never config).
    Other,
}

/// An entry's kind and size (links not followed).
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    /// Its kind.
    pub kind: EntryKind,
    /// Its size in bytes (a file's content).
    pub len: u64,
}

fn kind_of(ft: std::fs::FileType) -> EntryKind {
    if ft.is_dir() {
        EntryKind::Dir
    } else if ft.is_file() {
        EntryKind::File
    } else if ft.is_symlink() {
        EntryKind::Symlink
    } else {
        EntryKind::Other
    }
}

/// `std::fs::canonicalize`.
///
/// # Errors
/// As the disk gives them.
pub fn canonicalize(p: &Path) -> io::Result<PathBuf> {
    match mounts::locate(p, true)? {
        Located::Real(p) => std::fs::canonicalize(p),
        Located::Node(_, _, canonical) => Ok(canonical),
    }
}

/// `std::fs::metadata` (links followed).
///
/// # Errors
/// As the disk gives them.
pub fn metadata(p: &Path) -> io::Result<Meta> {
    match mounts::locate(p, true)? {
        Located::Real(p) => std::fs::metadata(p).map(|m| Meta {
            kind: kind_of(m.file_type()),
            len: m.len(),
        }),
        Located::Node(m, n, _) => m.meta(n),
    }
}

/// `std::fs::symlink_metadata` (a link is itself).
///
/// # Errors
/// As the disk gives them.
pub fn symlink_metadata(p: &Path) -> io::Result<Meta> {
    match mounts::locate(p, false)? {
        Located::Real(p) => std::fs::symlink_metadata(p).map(|m| Meta {
            kind: kind_of(m.file_type()),
            len: m.len(),
        }),
        Located::Node(m, n, _) => m.meta(n),
    }
}

/// `Path::is_file`.
pub fn is_file(p: &Path) -> bool {
    metadata(p).is_ok_and(|m| m.kind == EntryKind::File)
}

/// `Path::is_dir`.
pub fn is_dir(p: &Path) -> bool {
    metadata(p).is_ok_and(|m| m.kind == EntryKind::Dir)
}

/// `Path::exists`.
pub fn exists(p: &Path) -> bool {
    metadata(p).is_ok()
}

/// `std::fs::read`.
///
/// # Errors
/// As the disk gives them.
pub fn read(p: &Path) -> io::Result<Vec<u8>> {
    match mounts::locate(p, true)? {
        Located::Real(p) => std::fs::read(p),
        Located::Node(m, n, _) => m.read(n),
    }
}

/// `std::fs::read_to_string`.
///
/// # Errors
/// As the disk gives them (not UTF-8: `InvalidData`).
pub fn read_to_string(p: &Path) -> io::Result<String> {
    String::from_utf8(read(p)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// A file's bytes, read only when it holds at most `max` bytes: `None`
/// when it holds more (never more than `max + 1` bytes read from disk, no
/// blob over the limit read at all).
///
/// # Errors
/// As the disk gives them.
pub fn read_limited(p: &Path, max: usize) -> io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    match mounts::locate(p, true)? {
        Located::Real(p) => {
            let f = std::fs::File::open(p)?;
            // Size the buffer once (fstat on the open file); growing it by
            // doubling showed up in profiles.
            let hint = f.metadata().map_or(0, |m| m.len() as usize).min(max);
            let mut bytes = Vec::with_capacity(hint + 1);
            f.take(max as u64 + 1).read_to_end(&mut bytes)?;
            Ok((bytes.len() <= max).then_some(bytes))
        }
        Located::Node(m, n, _) => {
            if m.meta(n)?.len > max as u64 {
                return Ok(None);
            }
            m.read(n).map(Some)
        }
    }
}

/// `std::fs::read_link`.
///
/// # Errors
/// As the disk gives them (not a link: `InvalidInput`).
pub fn read_link(p: &Path) -> io::Result<PathBuf> {
    match mounts::locate(p, false)? {
        Located::Real(p) => std::fs::read_link(p),
        Located::Node(m, n, _) => m.link(n),
    }
}

/// `std::fs::read_dir`: each entry's name and path, in no set order.
///
/// # Errors
/// As the disk gives them.
pub fn read_dir(p: &Path) -> io::Result<Vec<(OsString, PathBuf)>> {
    match mounts::locate(p, true)? {
        Located::Real(real) => {
            let mut out = Vec::new();
            for e in std::fs::read_dir(real)?.flatten() {
                out.push((e.file_name(), e.path()));
            }
            Ok(out)
        }
        Located::Node(m, n, _) => Ok(m
            .children(n)?
            .into_iter()
            .map(|(name, _)| (OsString::from(&name), p.join(name)))
            .collect()),
    }
}

/// `std::fs::create_dir_all`.
///
/// # Errors
/// As the disk gives them.
pub fn create_dir_all(p: &Path) -> io::Result<()> {
    match mounts::within(p) {
        Some((m, rel)) => m.create_dir_all(&rel),
        None => std::fs::create_dir_all(p),
    }
}

/// One entry of a [`walk`].
#[derive(Debug, Clone)]
pub struct WalkEntry {
    /// Its path: the walked directory joined with the names below it.
    pub path: PathBuf,
    /// 0 for the walked directory itself.
    pub depth: usize,
    /// Its kind, links not followed.
    pub kind: EntryKind,
}

/// An entry a [`walk`] could not read.
#[derive(Debug, Clone)]
pub struct WalkError {
    /// Where, when known.
    pub path: Option<PathBuf>,
    /// Why, as the walk says it.
    pub message: String,
}

/// Every entry under `dir` (itself first), depth first, each directory's
/// entries sorted by name, links not followed; directories below `dir`
/// for which `skip(name)` holds are neither listed nor entered.
pub fn walk(dir: &Path, skip: &dyn Fn(&str) -> bool) -> Vec<Result<WalkEntry, WalkError>> {
    let mut all = match mounts::locate(dir, true) {
        Ok(Located::Real(real)) if real == dir => return disk_walk(dir, skip),
        Ok(Located::Node(m, n, _)) => m.walk(dir, n, skip),
        // Through a mount to the disk: walked there, shown under `dir`.
        Ok(Located::Real(real)) => disk_walk(&real, skip)
            .into_iter()
            .map(|r| {
                let under = |p: &Path| dir.join(p.strip_prefix(&real).unwrap_or(p));
                match r {
                    Ok(mut w) => {
                        w.path = under(&w.path);
                        Ok(w)
                    }
                    Err(mut e) => {
                        e.message = e
                            .message
                            .replace(&real.display().to_string(), &dir.display().to_string());
                        e.path = e.path.as_deref().map(under);
                        Err(e)
                    }
                }
            })
            .collect(),
        // As walkdir says it.
        Err(e) => {
            return vec![Err(WalkError {
                path: Some(dir.to_path_buf()),
                message: format!("IO error for operation on {}: {e}", dir.display()),
            })];
        }
    };
    // walkdir reports the root as itself (a link stays a link) while it
    // walks what the link leads to.
    if let (Some(Ok(first)), Ok(meta)) = (all.first_mut(), symlink_metadata(dir)) {
        first.kind = meta.kind;
        first.path = dir.to_path_buf();
    }
    all
}

fn disk_walk(dir: &Path, skip: &dyn Fn(&str) -> bool) -> Vec<Result<WalkEntry, WalkError>> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !(e.file_type().is_dir() && e.file_name().to_str().is_some_and(skip))
        })
        .map(|r| match r {
            Ok(e) => Ok(WalkEntry {
                path: e.path().to_path_buf(),
                depth: e.depth(),
                kind: kind_of(e.file_type()),
            }),
            Err(e) => Err(WalkError {
                path: e.path().map(Path::to_path_buf),
                message: e.to_string(),
            }),
        })
        .collect()
}
