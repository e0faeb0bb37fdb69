//! The mount table: which directories are trees in memory, and resolving a
//! path through them as the kernel resolves one on disk.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::tree::{Blobs, Tree, TreeNode};
use super::{EntryKind, Meta, WalkEntry, WalkError};

/// A tree mounted at a directory.
pub(super) struct Mounted {
    /// The mount point as given.
    root: PathBuf,
    /// Its canonical path (what `canonicalize` of a path below it starts with).
    canonical: PathBuf,
    tree: RwLock<Tree>,
}

static MOUNTS: RwLock<Vec<Arc<Mounted>>> = RwLock::new(Vec::new());

/// Most links followed resolving one path (Linux's limit).
const MAX_HOPS: usize = 40;

/// Mount `tree` at the directory `root` (which exists, empty: the private
/// scratch a write-out would have used), replacing what was mounted there.
/// It stays until [`unmount`] (the scratch's drop).
pub fn mount(root: &Path, mut tree: Tree) {
    tree.finish();
    let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let m = Arc::new(Mounted {
        root: root.to_path_buf(),
        canonical,
        tree: RwLock::new(tree),
    });
    let mut all = MOUNTS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    all.retain(|o| o.root != root);
    all.push(m);
}

/// Remove the tree mounted at `root`, if any.
pub fn unmount(root: &Path) {
    let mut all = MOUNTS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    all.retain(|o| o.root != root);
}

/// Whether a tree is mounted at `root`.
pub fn mounted(root: &Path) -> bool {
    mounts().iter().any(|m| m.root == root)
}

/// Change the tree mounted at `root` (an empty one over `blobs` is mounted
/// first when there is none): a sparse write-out adds its paths.
pub fn with_mount<R>(
    root: &Path,
    blobs: impl FnOnce() -> Arc<dyn Blobs>,
    f: impl FnOnce(&mut Tree) -> R,
) -> R {
    if !mounted(root) {
        mount(root, Tree::new(blobs()));
    }
    let m = mounts()
        .into_iter()
        .find(|m| m.root == root)
        .expect("mounted above");
    let mut tree = m
        .tree
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let out = f(&mut tree);
    tree.finish();
    out
}

fn mounts() -> Vec<Arc<Mounted>> {
    MOUNTS
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// A path's bytes (as the platform encodes them).
fn bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

#[cfg(unix)]
fn path_of(b: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(OsString::from_vec(b))
}

#[cfg(not(unix))]
fn path_of(b: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&b).into_owned())
}

/// The mount the absolute path `p` lies under and the bytes below its
/// mount point (empty, or starting with `/`).
fn find(p: &[u8]) -> Option<(Arc<Mounted>, Vec<u8>)> {
    if !p.starts_with(b"/") {
        return None;
    }
    let all = MOUNTS
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    all.iter().find_map(|m| {
        [&m.root, &m.canonical].into_iter().find_map(|root| {
            let rest = p.strip_prefix(bytes(root))?;
            (rest.is_empty() || rest.starts_with(b"/")).then(|| (Arc::clone(m), rest.to_vec()))
        })
    })
}

/// Components as the kernel reads a path: empty ones dropped, `.` kept
/// (it needs a directory), a trailing `/` read as a final `.`.
fn split(p: &[u8]) -> VecDeque<Vec<u8>> {
    let parts: Vec<&[u8]> = p.split(|b| *b == b'/').collect();
    let last = parts.len() - 1;
    let mut out = VecDeque::new();
    for (i, c) in parts.into_iter().enumerate() {
        if !c.is_empty() {
            out.push_back(c.to_vec());
        } else if i == last && i > 0 && !out.is_empty() {
            out.push_back(b".".to_vec());
        }
    }
    out
}

/// `dir` followed by `rest`, as one path.
fn joined(dir: &[u8], rest: &VecDeque<Vec<u8>>) -> Vec<u8> {
    let mut out = dir.to_vec();
    for c in rest {
        if !out.ends_with(b"/") {
            out.push(b'/');
        }
        out.extend_from_slice(c);
    }
    out
}

/// The mount `p` lies under and its plain components below it (no link
/// followed: for making directories).
pub(super) fn within(p: &Path) -> Option<(Arc<Mounted>, Vec<String>)> {
    let (m, rel) = find(bytes(p))?;
    let names = split(&rel)
        .into_iter()
        .filter(|c| c != b".")
        .map(|c| String::from_utf8_lossy(&c).into_owned())
        .collect();
    Some((m, names))
}

/// Where a path leads.
pub(super) enum Located {
    /// Outside every mount: the disk answers for this path.
    Real(PathBuf),
    /// A node of a mounted tree, and its canonical path.
    Node(Arc<Mounted>, u32, PathBuf),
}

fn errno(n: i32) -> io::Error {
    io::Error::from_raw_os_error(n)
}

/// Resolve `p` as the kernel would: each component looked up by name in
/// a directory (`ENOTDIR` below anything else), links followed (the last
/// one only with `follow_last`, or when a trailing `/` follows it), `..`
/// popping what was resolved and leaving the mount for the disk above its
/// mount point, an absolute link target resolved from `/`.
pub(super) fn locate(p: &Path, follow_last: bool) -> io::Result<Located> {
    let mut path = bytes(p).to_vec();
    let mut hops = 0;
    if find(&path).is_none() {
        return Ok(Located::Real(p.to_path_buf()));
    }
    'restart: loop {
        let Some((m, rel)) = find(&path) else {
            return Ok(Located::Real(path_of(path)));
        };
        let tree = m
            .tree
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut rest = split(&rel);
        let mut stack = vec![Tree::ROOT];
        let mut canonical = m.canonical.clone();
        while let Some(c) = rest.pop_front() {
            let top = *stack.last().expect("the root stays");
            if !matches!(tree.nodes[top as usize], TreeNode::Dir(_)) {
                return Err(errno(20)); // ENOTDIR
            }
            match c.as_slice() {
                b"." => continue,
                b".." if stack.len() == 1 => {
                    // Above the mount point: the disk's parent directory.
                    let parent = canonical.parent().unwrap_or(Path::new("/"));
                    path = joined(bytes(parent), &rest);
                    continue 'restart;
                }
                b".." => {
                    stack.pop();
                    canonical.pop();
                    continue;
                }
                _ => {}
            }
            if c.len() > 255 {
                return Err(errno(36)); // ENAMETOOLONG, before any lookup
            }
            // Every name in a tree is UTF-8: another names nothing there.
            let Ok(name) = std::str::from_utf8(&c) else {
                return Err(errno(2));
            };
            let Some(child) = tree.child(top, name) else {
                return Err(errno(2)); // ENOENT
            };
            match &tree.nodes[child as usize] {
                TreeNode::Link(target) if follow_last || !rest.is_empty() => {
                    hops += 1;
                    if hops > MAX_HOPS {
                        return Err(errno(40)); // ELOOP
                    }
                    if target.starts_with('/') {
                        path = joined(target.as_bytes(), &rest);
                        continue 'restart;
                    }
                    for t in split(target.as_bytes()).into_iter().rev() {
                        rest.push_front(t);
                    }
                }
                _ => {
                    stack.push(child);
                    canonical.push(name);
                }
            }
        }
        let node = *stack.last().expect("the root stays");
        drop(tree);
        return Ok(Located::Node(m, node, canonical));
    }
}

impl Mounted {
    /// Node `n` without its children (a directory of 12,500 entries is
    /// not copied to answer "is it a directory").
    fn node(&self, n: u32) -> (TreeNode, Arc<dyn Blobs>) {
        let tree = self
            .tree
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let node = match &tree.nodes[n as usize] {
            TreeNode::Dir(_) => TreeNode::Dir(Vec::new()),
            other => other.clone(),
        };
        (node, Arc::clone(&tree.blobs))
    }

    pub(super) fn meta(&self, n: u32) -> io::Result<Meta> {
        match self.node(n) {
            (TreeNode::Dir(_), _) => Ok(Meta {
                kind: EntryKind::Dir,
                len: 0,
            }),
            (TreeNode::File(id, _), blobs) => Ok(Meta {
                kind: EntryKind::File,
                len: self.size(n, &id, blobs.as_ref())?,
            }),
            (TreeNode::Link(t), _) => Ok(Meta {
                kind: EntryKind::Symlink,
                len: t.len() as u64,
            }),
        }
    }

    /// A file's size, asked of the object database once.
    fn size(&self, n: u32, id: &super::BlobId, blobs: &dyn Blobs) -> io::Result<u64> {
        use std::sync::atomic::Ordering;
        let tree = self
            .tree
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let known = tree.sizes[n as usize].load(Ordering::Relaxed);
        if known != super::tree::UNKNOWN {
            return Ok(known);
        }
        let size = blobs.size(id)?;
        tree.sizes[n as usize].store(size, Ordering::Relaxed);
        Ok(size)
    }

    pub(super) fn read(&self, n: u32) -> io::Result<Vec<u8>> {
        match self.node(n) {
            (TreeNode::File(id, _), blobs) => blobs.read(&id),
            (TreeNode::Dir(_), _) => Err(io::Error::from_raw_os_error(21)), // EISDIR
            (TreeNode::Link(_), _) => Err(io::Error::from_raw_os_error(40)),
        }
    }

    pub(super) fn link(&self, n: u32) -> io::Result<PathBuf> {
        match self.node(n) {
            (TreeNode::Link(t), _) => Ok(PathBuf::from(t)),
            _ => Err(io::Error::from_raw_os_error(22)), // EINVAL
        }
    }

    pub(super) fn children(&self, n: u32) -> io::Result<Vec<(String, u32)>> {
        let tree = self
            .tree
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &tree.nodes[n as usize] {
            TreeNode::Dir(children) => Ok(children.clone()),
            _ => Err(io::Error::from_raw_os_error(20)),
        }
    }

    pub(super) fn create_dir_all(&self, names: &[String]) -> io::Result<()> {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut tree = self
            .tree
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tree.dir_at(&names)?;
        tree.finish();
        Ok(())
    }

    /// Depth first from node `n` (shown as `at`), each directory's entries
    /// by name, as `walkdir` sorted by file name walks a directory.
    pub(super) fn walk(
        &self,
        at: &Path,
        n: u32,
        skip: &dyn Fn(&str) -> bool,
    ) -> Vec<Result<WalkEntry, WalkError>> {
        let tree = self
            .tree
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let kind = |n: u32| match &tree.nodes[n as usize] {
            TreeNode::Dir(_) => EntryKind::Dir,
            TreeNode::File(..) => EntryKind::File,
            TreeNode::Link(_) => EntryKind::Symlink,
        };
        let mut out = Vec::new();
        let mut stack = vec![(n, at.to_path_buf(), 0usize)];
        while let Some((n, path, depth)) = stack.pop() {
            out.push(Ok(WalkEntry {
                path: path.clone(),
                depth,
                kind: kind(n),
            }));
            if let TreeNode::Dir(children) = &tree.nodes[n as usize] {
                for (name, child) in children.iter().rev() {
                    if kind(*child) == EntryKind::Dir && skip(name) {
                        continue;
                    }
                    stack.push((*child, path.join(name), depth + 1));
                }
            }
        }
        out
    }
}

/// Write the tree mounted over `p` (if any) into its mount point and
/// unmount it, so the disk answers from then on: for what needs a real
/// directory (a `render` command runs in it). Files, executable bits and
/// links are written as `git::materialize` writes them.
///
/// # Errors
/// When a file cannot be written or a blob read: `(path, error)`.
pub fn realize(p: &Path) -> Result<(), (PathBuf, io::Error)> {
    static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = WRITING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some((m, _)) = find(bytes(p)) else {
        return Ok(()); // not mounted, or written out already
    };
    let tree = m
        .tree
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut stack = vec![(Tree::ROOT, m.root.clone())];
    while let Some((n, at)) = stack.pop() {
        let TreeNode::Dir(children) = &tree.nodes[n as usize] else {
            continue;
        };
        for (name, child) in children {
            let path = at.join(name);
            let err = |e: io::Error| (path.clone(), e);
            match &tree.nodes[*child as usize] {
                TreeNode::Dir(_) => {
                    std::fs::create_dir(&path).map_err(err)?;
                    stack.push((*child, path));
                }
                TreeNode::File(id, exec) => {
                    let bytes = tree.blobs.read(id).map_err(err)?;
                    std::fs::write(&path, bytes).map_err(err)?;
                    #[cfg(unix)]
                    if *exec {
                        use std::os::unix::fs::PermissionsExt;
                        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                            .map_err(err)?;
                    }
                }
                TreeNode::Link(target) => {
                    #[cfg(unix)]
                    std::os::unix::fs::symlink(target, &path).map_err(err)?;
                    #[cfg(not(unix))]
                    std::fs::write(&path, target).map_err(err)?;
                }
            }
        }
    }
    drop(tree);
    unmount(&m.root);
    Ok(())
}
