//! A revision's tree held in memory: directories, files (by object id),
//! symbolic links (by target) — no content until a file is read.
//!
//! Built by `git::mount` (libgit2 stays there) by the same rules as
//! writing the tree to a directory: the names it would skip are not added,
//! and the entries it would fail to create are refused with the error the
//! disk gives ([`Tree::refusal`]).

use std::io;
use std::sync::Arc;

/// An object id of a blob (SHA-1).
pub type BlobId = [u8; 20];

/// Reads blobs for a [`Tree`]; shared across threads.
pub trait Blobs: Send + Sync {
    /// The blob's content.
    ///
    /// # Errors
    /// When the object database cannot give it.
    fn read(&self, id: &BlobId) -> io::Result<Vec<u8>>;
    /// The blob's size, without reading its content where the database can.
    ///
    /// # Errors
    /// As [`Blobs::read`].
    fn size(&self, id: &BlobId) -> io::Result<u64>;
}

/// One entry of a [`Tree`].
#[derive(Debug, Clone)]
pub(super) enum TreeNode {
    /// Children, by name, sorted by name bytes once the tree is built.
    Dir(Vec<(String, u32)>),
    /// A regular file, and whether it is executable.
    File(BlobId, bool),
    /// A symbolic link and its target as written.
    Link(String),
}

/// A tree in memory. TreeNode 0 is the root directory.
pub struct Tree {
    pub(super) nodes: Vec<TreeNode>,
    /// Each file's size once asked ([`UNKNOWN`] before): a listing asks
    /// for every file's, and the gate lists each tree several times.
    pub(super) sizes: Vec<std::sync::atomic::AtomicU64>,
    pub(super) blobs: Arc<dyn Blobs>,
    sorted: bool,
}

/// A size not asked for yet.
pub(super) const UNKNOWN: u64 = u64::MAX;

/// The longest file name the disk takes (Linux `NAME_MAX`).
const NAME_MAX: usize = 255;
/// The longest symbolic-link target the disk takes (Linux `PATH_MAX`).
const PATH_MAX: usize = 4096;

impl Tree {
    /// An empty tree (just its root directory) whose files `blobs` reads.
    pub fn new(blobs: Arc<dyn Blobs>) -> Tree {
        Tree {
            nodes: vec![TreeNode::Dir(Vec::new())],
            sizes: vec![std::sync::atomic::AtomicU64::new(UNKNOWN)],
            blobs,
            sorted: true,
        }
    }

    /// The root directory.
    pub const ROOT: u32 = 0;

    /// Why the disk would refuse to create `name` (a link to `target` when
    /// given) in a directory: the same `io::Error` `create_dir`, `open` or
    /// `symlink` gives on Linux, so both ways of reading a revision fail
    /// alike. `None`: it would be created.
    pub fn refusal(name: &str, target: Option<&str>) -> Option<io::Error> {
        if name.len() > NAME_MAX {
            return Some(io::Error::from_raw_os_error(36)); // ENAMETOOLONG
        }
        match target {
            Some(t) if t.contains('\0') => Some(io::Error::new(
                io::ErrorKind::InvalidInput,
                "file name contained an unexpected NUL byte",
            )),
            Some("") => Some(io::Error::from_raw_os_error(2)), // ENOENT
            Some(t) if t.len() >= PATH_MAX => Some(io::Error::from_raw_os_error(36)),
            _ => None,
        }
    }

    /// Add `node` as `name` under the directory `parent`.
    ///
    /// # Errors
    /// `AlreadyExists` when the directory has that name (a tree naming an
    /// entry twice), or what [`Tree::refusal`] gives.
    pub fn add(&mut self, parent: u32, name: &str, node: Entry) -> io::Result<u32> {
        let target = match &node {
            Entry::Link(t) => Some(t.as_str()),
            _ => None,
        };
        if let Some(e) = Tree::refusal(name, target) {
            return Err(e);
        }
        let id = u32::try_from(self.nodes.len())
            .map_err(|_| io::Error::other("too many entries in one tree"))?;
        let TreeNode::Dir(children) = &self.nodes[parent as usize] else {
            return Err(io::Error::from_raw_os_error(20)); // ENOTDIR
        };
        if children.iter().any(|(n, _)| n == name) {
            return Err(io::Error::from_raw_os_error(17)); // EEXIST
        }
        self.sizes.push(std::sync::atomic::AtomicU64::new(UNKNOWN));
        self.nodes.push(match node {
            Entry::Dir => TreeNode::Dir(Vec::new()),
            Entry::File(b, exec) => TreeNode::File(b, exec),
            Entry::Link(t) => TreeNode::Link(t),
        });
        if let TreeNode::Dir(children) = &mut self.nodes[parent as usize] {
            children.push((name.to_string(), id));
        }
        self.sorted = false;
        Ok(id)
    }

    /// The child `name` of directory `dir`, if any.
    pub(super) fn child(&self, dir: u32, name: &str) -> Option<u32> {
        let TreeNode::Dir(children) = &self.nodes[dir as usize] else {
            return None;
        };
        if self.sorted {
            children
                .binary_search_by(|(n, _)| n.as_bytes().cmp(name.as_bytes()))
                .ok()
                .map(|i| children[i].1)
        } else {
            children.iter().find(|(n, _)| n == name).map(|(_, i)| *i)
        }
    }

    /// Directory `dir`, made if missing (as `create_dir_all`); the
    /// components are plain names.
    ///
    /// # Errors
    /// A component that exists and is not a directory.
    pub fn dir_at(&mut self, components: &[&str]) -> io::Result<u32> {
        let mut at = Tree::ROOT;
        for c in components {
            at = match self.child(at, c) {
                Some(n) if matches!(self.nodes[n as usize], TreeNode::Dir(_)) => n,
                Some(_) => return Err(io::Error::from_raw_os_error(17)),
                None => self.add(at, c, Entry::Dir)?,
            };
        }
        Ok(at)
    }

    /// Put the file `blob` at `components` (parents made as needed), over
    /// a file already there (as `std::fs::write` replaces one).
    ///
    /// # Errors
    /// A parent that is not a directory, or a directory at the path.
    pub fn put_file(&mut self, components: &[&str], blob: BlobId) -> io::Result<()> {
        let Some((name, parents)) = components.split_last() else {
            return Err(io::Error::from_raw_os_error(21));
        };
        let dir = self.dir_at(parents)?;
        match self.child(dir, name) {
            Some(n) => match &mut self.nodes[n as usize] {
                TreeNode::File(id, _) => {
                    *id = blob;
                    self.sizes[n as usize].store(UNKNOWN, std::sync::atomic::Ordering::Relaxed);
                    Ok(())
                }
                TreeNode::Dir(_) => Err(io::Error::from_raw_os_error(21)),
                // Writing through a link writes its target: not done here.
                TreeNode::Link(_) => Err(io::Error::from_raw_os_error(40)),
            },
            None => self.add(dir, name, Entry::File(blob, false)).map(|_| ()),
        }
    }

    /// Sort every directory's children by name bytes (the order a walk
    /// sorted by file name gives, and what lookups binary-search).
    pub fn finish(&mut self) {
        for n in &mut self.nodes {
            if let TreeNode::Dir(children) = n {
                children.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            }
        }
        self.sorted = true;
    }
}

/// What to add to a [`Tree`].
#[derive(Debug, Clone)]
pub enum Entry {
    /// A directory (a git link is one too: an empty directory).
    Dir,
    /// A regular file, and whether it is executable.
    File(BlobId, bool),
    /// A symbolic link to the target.
    Link(String),
}
