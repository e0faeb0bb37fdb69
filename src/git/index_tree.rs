//! The index's tree at the cost of the change, not of the index.
//!
//! # The rule
//!
//! git keeps, in the index's `TREE` extension (the cache tree), the tree id
//! of every directory whose entries have not changed since that tree was
//! last written, with the number of index entries under it; `git add`
//! invalidates only the changed paths' directories. So the index's tree is
//! the valid directories' ids as recorded, plus new tree objects for the
//! invalidated directories only (their direct entries read from the index).
//! Reading the index costs one pass over its bytes to find the extension
//! (no allocation per entry but in format 4, whose names are compressed); writing costs the invalidated directories only —
//! for a one-file change, the directories on its path. `git write-tree`
//! computes the same tree the same way.
//!
//! Whatever this reader does not fully understand is left to libgit2's full
//! `write_tree` (the caller falls back on `None`): split or sparse indexes,
//! conflicts (stages), SHA-256 ids, and any inconsistency at all (a
//! truncated or foreign file). Falling back is always correct, only slower. Without a cache tree every directory is
//! written (what `git write-tree` does then); entries added with
//! `--intent-to-add` are left out, as git leaves them out (libgit2 would
//! write them as empty files). The trailing checksum is not verified (as
//! git with `index.skipHash`): hashing the whole file would make the cost
//! the index's again; a corrupted index gives the tree its bytes say, whose
//! missing objects then fail the reads that follow (exit 2).
//!
//! Why hand-written rather than a crate: the one crate that reads the index
//! with its extensions (`gix-index`) brings the gitoxide object stack, a
//! second git implementation beside libgit2, for one pass over a documented
//! format (`gitformat-index`); the part read here is ~150 lines.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use git2::ObjectType;

use super::Oid;

/// One index entry: its path, mode and blob id.
struct IndexEntry<'a> {
    path: Cow<'a, [u8]>,
    mode: u32,
    id: Oid,
}

/// A node of the cache tree: a directory's id when valid, with the number
/// of index entries under it, and its subdirectories' nodes.
#[derive(Default)]
struct CacheNode {
    /// `(entry count, tree id)` when valid.
    valid: Option<(usize, Oid)>,
    children: HashMap<Vec<u8>, CacheNode>,
}

/// The tree of the index file at `path`, computed from its cache tree and
/// written to `repo`'s object database; `None` when this reader leaves the
/// index to libgit2 (see the module's rule).
pub fn index_tree(repo: &git2::Repository, path: &Path) -> Option<Oid> {
    let bytes = std::fs::read(path).ok()?;
    let (entries, tree) = parse(&bytes)?;
    let odb = repo.odb().ok()?;
    let (id, used) = write_dir(&odb, &entries, 0, b"", &tree)?;
    (used == entries.len()).then_some(id)
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// The entries (index order) and the cache tree (an empty one, every
/// directory to write, when the index has none), or `None` (fall back).
fn parse(b: &[u8]) -> Option<(Vec<IndexEntry<'_>>, CacheNode)> {
    if b.get(..4)? != b"DIRC" {
        return None;
    }
    let version = be32(b, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = usize::try_from(be32(b, 8)?).ok()?;
    let end = b.len().checked_sub(20)?;
    let mut at = 12;
    let mut entries: Vec<IndexEntry<'_>> = Vec::with_capacity(count.min(end / 62));
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let mode = be32(b, at + 24)?;
        let id = Oid::from_bytes(b.get(at + 40..at + 60)?).ok()?;
        let flags = u16::from_be_bytes([*b.get(at + 60)?, *b.get(at + 61)?]);
        if flags & 0x3000 != 0 {
            return None; // a conflict stage
        }
        let mut name_at = at + 62;
        let mut intent_to_add = false;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return None;
            }
            let ext = u16::from_be_bytes([*b.get(at + 62)?, *b.get(at + 63)?]);
            // Intent to add: git leaves the entry out of the tree.
            intent_to_add = ext & 0x2000 != 0;
            name_at += 2;
        }
        let path: Cow<'_, [u8]> = if version == 4 {
            // The name is the previous one less N bytes, plus a suffix.
            let (strip, used) = varint(b.get(name_at..end)?)?;
            let rest = name_at + used;
            let len = memchr::memchr(0, b.get(rest..end)?)?;
            let keep = previous.len().checked_sub(strip)?;
            previous.truncate(keep);
            previous.extend_from_slice(&b[rest..rest + len]);
            at = rest + len + 1;
            Cow::Owned(previous.clone())
        } else {
            let len = usize::from(flags & 0x0fff);
            let len = if len == 0x0fff {
                memchr::memchr(0, b.get(name_at..end)?)?
            } else {
                len
            };
            if *b.get(name_at + len)? != 0 {
                return None;
            }
            // Entries are padded with NULs to a multiple of eight bytes.
            let name = &b[name_at..name_at + len];
            at += (name_at - at + len + 8) / 8 * 8;
            Cow::Borrowed(name)
        };
        if at > end || path.is_empty() {
            return None;
        }
        if !matches!(mode, 0o100644 | 0o100755 | 0o120000 | 0o160000) {
            return None; // a sparse directory entry, or a mode git would not write
        }
        if !intent_to_add {
            entries.push(IndexEntry { path, mode, id });
        }
    }
    let mut tree = CacheNode::default();
    while at < end {
        let sig = b.get(at..at + 4)?;
        let size = usize::try_from(be32(b, at + 4)?).ok()?;
        let data = b.get(at + 8..(at + 8).checked_add(size)?)?;
        match sig {
            b"TREE" => tree = cache_tree(data)?,
            // Optional extensions (upper-case first letter) do not change
            // what the entries mean; anything else (split, sparse) does.
            s if s[0].is_ascii_uppercase() => {}
            _ => return None,
        }
        at += 8 + size;
    }
    (at == end).then_some((entries, tree))
}

/// git's offset varint (index v4): 7 bits a byte, each continuation adds one.
fn varint(b: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    let mut c = *b.first()?;
    let mut val = usize::from(c & 0x7f);
    while c & 0x80 != 0 {
        i += 1;
        c = *b.get(i)?;
        val = val.checked_add(1)?.checked_mul(128)? | usize::from(c & 0x7f);
        if i > 8 {
            return None;
        }
    }
    Some((val, i + 1))
}

/// The `TREE` extension: nodes in pre-order, each `name NUL count SP
/// subtrees LF [id]`, the id present when the count is not negative.
fn cache_tree(data: &[u8]) -> Option<CacheNode> {
    let mut at = 0;
    let (_, root) = node(data, &mut at, 0)?;
    (at == data.len()).then_some(root)
}

fn node(data: &[u8], at: &mut usize, depth: usize) -> Option<(Vec<u8>, CacheNode)> {
    if depth > 4096 {
        return None;
    }
    let nul = memchr::memchr(0, data.get(*at..)?)? + *at;
    let name = data[*at..nul].to_vec();
    let lf = memchr::memchr(b'\n', data.get(nul + 1..)?)? + nul + 1;
    let head = std::str::from_utf8(&data[nul + 1..lf]).ok()?;
    let (count, subtrees) = head.split_once(' ')?;
    let count: i64 = count.parse().ok()?;
    let subtrees: usize = subtrees.parse().ok()?;
    *at = lf + 1;
    let mut n = CacheNode::default();
    if count >= 0 {
        let id = Oid::from_bytes(data.get(*at..*at + 20)?).ok()?;
        *at += 20;
        n.valid = Some((usize::try_from(count).ok()?, id));
    }
    for _ in 0..subtrees.min(data.len()) {
        let (name, child) = node(data, at, depth + 1)?;
        n.children.insert(name, child);
    }
    Some((name, n))
}

/// Write the directory `prefix` (with its trailing `/`, empty at the root)
/// whose entries start at `start`, and return its id and the number of
/// entries it holds.
fn write_dir(
    odb: &git2::Odb<'_>,
    entries: &[IndexEntry<'_>],
    start: usize,
    prefix: &[u8],
    node: &CacheNode,
) -> Option<(Oid, usize)> {
    if let Some((count, id)) = node.valid {
        return odb.exists(id.0).then_some((id, count));
    }
    let mut out = Vec::new();
    let mut i = start;
    let empty = CacheNode::default();
    while let Some(e) = entries.get(i) {
        let Some(rest) = e.path.as_ref().strip_prefix(prefix) else {
            break;
        };
        match memchr::memchr(b'/', rest) {
            None => {
                write_entry(&mut out, e.mode, rest, e.id);
                i += 1;
            }
            Some(slash) => {
                let name = &rest[..slash];
                let child = node.children.get(name).unwrap_or(&empty);
                let sub = &e.path[..prefix.len() + slash + 1];
                let (id, used) = write_dir(odb, entries, i, sub, child)?;
                // A valid node must hold exactly the entries under its path.
                let last = entries.get(i + used.checked_sub(1)?)?;
                if used == 0 || !last.path.starts_with(sub) {
                    return None;
                }
                if entries
                    .get(i + used)
                    .is_some_and(|n| n.path.starts_with(sub))
                {
                    return None;
                }
                write_entry(&mut out, 0o040000, name, id);
                i += used;
            }
        }
    }
    let id = odb.write(ObjectType::Tree, &out).ok()?;
    Some((Oid(id), i - start))
}

fn write_entry(out: &mut Vec<u8>, mode: u32, name: &[u8], id: Oid) {
    out.extend_from_slice(format!("{mode:o} ").as_bytes());
    out.extend_from_slice(name);
    out.push(0);
    out.extend_from_slice(id.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Garbage and truncations never panic: they fall back.
    #[test]
    fn foreign_bytes_fall_back() {
        let mut seed = 7u64;
        for len in [0, 3, 12, 40, 100, 1000] {
            let mut b: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (seed >> 33) as u8
                })
                .collect();
            assert!(parse(&b).is_none());
            if b.len() >= 12 {
                b[..4].copy_from_slice(b"DIRC");
                b[4..8].copy_from_slice(&2u32.to_be_bytes());
                assert!(parse(&b).is_none());
            }
        }
    }
}
