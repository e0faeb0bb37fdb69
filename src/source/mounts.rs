//! The mount table: which directories are trees in memory, and resolving a
//! path through them as the kernel resolves one on disk.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::tree::{Blobs, Node, Tree};
use super::{Kind, Meta, WalkError, Walked};

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
    let mut all = MOUNTS.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    all.retain(|o| o.root != root);
    all.push(m);
}

/// Remove the tree mounted at `root`, if any.
pub fn unmount(root: &Path) {
    let mut all = MOUNTS.write().unwrap_or_else(std::sync::PoisonError::into_inner);
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
    let mut tree = m.tree.write().unwrap_or_else(std::sync::PoisonError::into_inner);
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

/// The mount `p` lies under and `p`'s components below it.
fn find(p: &Path) -> Option<(Arc<Mounted>, Vec<OsString>)> {
    if !p.is_absolute() {
        return None;
    }
    let all = MOUNTS.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    all.iter().find_map(|m| {
        let rel = p
            .strip_prefix(&m.root)
            .or_else(|_| p.strip_prefix(&m.canonical))
            .ok()?;
        Some((
            Arc::clone(m),
            rel.components().map(|c| c.as_os_str().to_owned()).collect(),
        ))
    })
}

/// The mount `p` lies under and its plain components below it (no link
/// followed: for making directories).
pub(super) fn within(p: &Path) -> Option<(Arc<Mounted>, Vec<String>)> {
    let (m, rel) = find(p)?;
    let names = rel
        .iter()
        .filter(|c| *c != ".")
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    Some((m, names))
}

/// Where a path leads.
pub(super) enum Found {
    /// Outside every mount: the disk answers for this path.
    Real(PathBuf),
    /// A node of a mounted tree, and its canonical path.
    Node(Arc<Mounted>, u32, PathBuf),
}

/// Resolve `p`: each component looked up by name, links followed (the last
/// one only with `follow_last`), `..` popping what was resolved.
pub(super) fn locate(p: &Path, follow_last: bool) -> io::Result<Found> {
    let mut path = p.to_path_buf();
    let mut todo: VecDeque<OsString> = VecDeque::new();
    let mut hops = 0;
    'restart: loop {
        let Some((m, rel)) = find(&path) else {
            let mut real = path;
            real.extend(todo);
            return Ok(Found::Real(real));
        };
        let tree = m.tree.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut rest: VecDeque<OsString> = rel.into_iter().chain(todo.drain(..)).collect();
        let mut stack = vec![Tree::ROOT];
        let mut canonical = m.canonical.clone();
        while let Some(c) = rest.pop_front() {
            // Every name in a tree is UTF-8: another names nothing there.
            let Some(name) = c.to_str() else {
                return Err(io::Error::from_raw_os_error(2));
            };
            match name {
                "" | "." => continue,
                ".." if stack.len() == 1 => {
                    // Above the mount point: the disk's parent directory.
                    path = canonical.parent().unwrap_or(Path::new("/")).to_path_buf();
                    todo = rest;
                    continue 'restart;
                }
                ".." => {
                    stack.pop();
                    canonical.pop();
                    continue;
                }
                _ => {}
            }
            let dir = *stack.last().expect("the root stays");
            if !matches!(tree.nodes[dir as usize], Node::Dir(_)) {
                return Err(io::Error::from_raw_os_error(20)); // ENOTDIR
            }
            let Some(child) = tree.child(dir, name) else {
                return Err(io::Error::from_raw_os_error(2)); // ENOENT
            };
            match &tree.nodes[child as usize] {
                Node::Link(target) if follow_last || !rest.is_empty() => {
                    hops += 1;
                    if hops > MAX_HOPS {
                        return Err(io::Error::from_raw_os_error(40)); // ELOOP
                    }
                    let target = Path::new(target);
                    if target.is_absolute() {
                        path = target.to_path_buf();
                        todo = rest;
                        continue 'restart;
                    }
                    for c in target.components().rev() {
                        if !matches!(c, Component::RootDir) {
                            rest.push_front(c.as_os_str().to_owned());
                        }
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
        return Ok(Found::Node(m, node, canonical));
    }
}

impl Mounted {
    fn node(&self, n: u32) -> (Node, Arc<dyn Blobs>) {
        let tree = self
            .tree
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (tree.nodes[n as usize].clone(), Arc::clone(&tree.blobs))
    }

    pub(super) fn meta(&self, n: u32) -> io::Result<Meta> {
        match self.node(n) {
            (Node::Dir(_), _) => Ok(Meta {
                kind: Kind::Dir,
                len: 0,
            }),
            (Node::File(id, _), blobs) => Ok(Meta {
                kind: Kind::File,
                len: blobs.size(&id)?,
            }),
            (Node::Link(t), _) => Ok(Meta {
                kind: Kind::Symlink,
                len: t.len() as u64,
            }),
        }
    }

    pub(super) fn read(&self, n: u32) -> io::Result<Vec<u8>> {
        match self.node(n) {
            (Node::File(id, _), blobs) => blobs.read(&id),
            (Node::Dir(_), _) => Err(io::Error::from_raw_os_error(21)), // EISDIR
            (Node::Link(_), _) => Err(io::Error::from_raw_os_error(40)),
        }
    }

    pub(super) fn link(&self, n: u32) -> io::Result<PathBuf> {
        match self.node(n) {
            (Node::Link(t), _) => Ok(PathBuf::from(t)),
            _ => Err(io::Error::from_raw_os_error(22)), // EINVAL
        }
    }

    pub(super) fn children(&self, n: u32) -> io::Result<Vec<(String, u32)>> {
        match self.node(n) {
            (Node::Dir(children), _) => Ok(children),
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
    ) -> Vec<Result<Walked, WalkError>> {
        let tree = self
            .tree
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let kind = |n: u32| match &tree.nodes[n as usize] {
            Node::Dir(_) => Kind::Dir,
            Node::File(..) => Kind::File,
            Node::Link(_) => Kind::Symlink,
        };
        let mut out = Vec::new();
        let mut stack = vec![(n, at.to_path_buf(), 0usize)];
        while let Some((n, path, depth)) = stack.pop() {
            out.push(Ok(Walked {
                path: path.clone(),
                depth,
                kind: kind(n),
            }));
            if let Node::Dir(children) = &tree.nodes[n as usize] {
                for (name, child) in children.iter().rev() {
                    if kind(*child) == Kind::Dir && skip(name) {
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
    let Some((m, _)) = find(p) else {
        return Ok(()); // not mounted, or written out already
    };
    let tree = m.tree.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut stack = vec![(Tree::ROOT, m.root.clone())];
    while let Some((n, at)) = stack.pop() {
        let Node::Dir(children) = &tree.nodes[n as usize] else {
            continue;
        };
        for (name, child) in children {
            let path = at.join(name);
            let err = |e: io::Error| (path.clone(), e);
            match &tree.nodes[*child as usize] {
                Node::Dir(_) => {
                    std::fs::create_dir(&path).map_err(err)?;
                    stack.push((*child, path));
                }
                Node::File(id, exec) => {
                    let bytes = tree.blobs.read(id).map_err(err)?;
                    std::fs::write(&path, bytes).map_err(err)?;
                    #[cfg(unix)]
                    if *exec {
                        use std::os::unix::fs::PermissionsExt;
                        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                            .map_err(err)?;
                    }
                }
                Node::Link(target) => {
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
