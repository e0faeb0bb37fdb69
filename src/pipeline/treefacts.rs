//! What an incremental check must know about a whole environment root,
//! kept per git tree id so a change costs the directories it touched.
//!
//! # The rule
//!
//! A tree id names its whole content, so a summary of a tree — how many
//! files it holds, whether any is a symbolic link or a git link checked out
//! as text, which files are notable (may include others, name an `Ingress`,
//! may spell a secret other than literally, may be nginx by name), and the
//! [`blobfacts`] of each of its own files — never goes stale. A changed tree
//! is summarised from its subtrees' summaries (unchanged ones are read from
//! the store) and, for its own files, from the summary of the tree at the
//! same path on the other side of the change (facts found by blob id), so
//! only the directories on the changed paths are recomputed, and only the
//! changed blobs are read. The first run in a repository reads every blob
//! once, as the blob-facts cache did.
//!
//! Summaries are stored one file per tree in git's common directory
//! (`driftcheck/tree-facts-v1/`), holding what the blob-facts cache holds
//! (flags and 16-bit hashes of letter-and-digit runs) plus names: nothing
//! a value can be recovered from. A file that does not parse is recomputed.
//! Searching every blob for a literal fragment reads the summaries' facts
//! in place (no allocation per blob). The store is kept under a size
//! limit, least recently used first ([`super::prune`]).

use std::collections::HashMap;
use std::path::PathBuf;

use super::blobfacts::{self, Fact};
use crate::git::{Oid, Repo};

/// A symbolic link somewhere in the tree.
pub const SYMLINK: u8 = 1;
/// A git link checked out as text somewhere in the tree.
pub const LINK: u8 = 2;
/// A notable file named like an nginx file (`*.conf`, `nginx.conf`).
pub const CONF: u8 = 128;

/// Directories every walk skips (as [`crate::env::list`] does).
pub const IGNORED: [&str; 5] = [".git", ".hg", ".svn", "node_modules", "target"];

/// One tree's summary.
#[derive(Debug, Default, Clone)]
pub struct TreeSummary {
    /// Regular files under it (outside ignored directories).
    pub files: u32,
    /// [`SYMLINK`], [`LINK`].
    pub flags: u8,
    /// Notable files, relative to the tree: [`blobfacts`] flags, plus [`CONF`].
    pub notable: Vec<(String, u8)>,
    /// Its own subdirectories (not ignored).
    pub dirs: Vec<(String, Oid)>,
    /// Its own regular files with their facts, as stored (read in place:
    /// a summary read for its aggregates never decodes them).
    pub blobs: Vec<u8>,
}

impl TreeSummary {
    /// Its own regular files: `(name, id, facts)`.
    pub fn blobs(&self) -> Vec<(String, Oid, Fact)> {
        let mut out = Vec::new();
        let mut r = Reader(&self.blobs);
        while !r.0.is_empty() {
            let Some(b) = blob(&mut r) else { break };
            out.push(b);
        }
        out
    }
}

/// One stored blob: name, id, flags, runs.
fn blob(r: &mut Reader<'_>) -> Option<(String, Oid, Fact)> {
    let name = r.string()?;
    let id = r.oid()?;
    let flags = r.u8()?;
    let n = usize::from(r.u16()?);
    let runs = r
        .take(2 * n)?
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    Some((name, id, Fact { flags, runs }))
}

/// One stored blob read in place: name bytes, id bytes, flags, runs' bytes.
type RawBlob<'a> = (&'a [u8], &'a [u8], u8, &'a [u8]);

/// Skip one stored blob, returning it read in place (no allocation).
fn skip_blob<'a>(r: &mut Reader<'a>) -> Option<RawBlob<'a>> {
    let n = usize::from(r.u16()?);
    let name = r.take(n)?;
    let id = r.take(20)?;
    let flags = r.u8()?;
    let runs = usize::from(r.u16()?);
    Some((name, id, flags, r.take(2 * runs)?))
}

fn put_blob(out: &mut Vec<u8>, name: &str, id: Oid, f: &Fact) {
    put_str(out, name);
    out.extend_from_slice(id.as_bytes());
    out.push(f.flags);
    let runs = u16::try_from(f.runs.len()).unwrap_or(0);
    out.extend_from_slice(&runs.to_le_bytes());
    for r in &f.runs[..usize::from(runs)] {
        out.extend_from_slice(&r.to_le_bytes());
    }
}

const MAGIC: &[u8] = b"driftcheck tree facts v1\n";

/// The store of summaries.
pub struct Store {
    dir: PathBuf,
    loaded: HashMap<Oid, std::rc::Rc<TreeSummary>>,
    /// Bytes of summaries this run wrote (the store's ledger counts them).
    written: std::cell::Cell<u64>,
}

impl Drop for Store {
    fn drop(&mut self) {
        super::prune::account(&self.dir, self.written.get(), super::prune::limit());
    }
}

impl Store {
    /// The repository's store.
    pub fn open(repo: &Repo) -> Store {
        Store {
            dir: repo.common_dir().join("driftcheck").join("tree-facts-v1"),
            loaded: HashMap::new(),
            written: std::cell::Cell::new(0),
        }
    }

    fn file(&self, id: Oid) -> PathBuf {
        let hex = id.to_string();
        self.dir.join(&hex[..2]).join(&hex[2..])
    }

    /// The summary of tree `id`; `other` is the tree at the same path on the
    /// other side of the change, whose facts are reused by blob id. `None`
    /// when `id` is not a readable tree.
    pub fn summary(
        &mut self,
        repo: &Repo,
        id: Oid,
        other: Option<Oid>,
    ) -> Option<std::rc::Rc<TreeSummary>> {
        if let Some(s) = self.loaded.get(&id) {
            return Some(s.clone());
        }
        if let Some(s) = std::fs::read(self.file(id)).ok().and_then(|b| parse(&b)) {
            let s = std::rc::Rc::new(s);
            self.loaded.insert(id, s.clone());
            return Some(s);
        }
        let entries = repo.tree_entries(id)?;
        let other_summary = other.and_then(|o| self.summary(repo, o, None));
        let other_dirs: HashMap<&str, Oid> = other_summary
            .as_ref()
            .map(|o| o.dirs.iter().map(|(n, i)| (n.as_str(), *i)).collect())
            .unwrap_or_default();
        let known: HashMap<Oid, Fact> = other_summary
            .as_ref()
            .map(|o| o.blobs().into_iter().map(|(_, i, f)| (i, f)).collect())
            .unwrap_or_default();
        let mut s = TreeSummary::default();
        for (name, mode, eid) in entries {
            match mode {
                0o040000 => {
                    if IGNORED.contains(&name.as_str()) {
                        continue;
                    }
                    let sub = self.summary(repo, eid, other_dirs.get(name.as_str()).copied())?;
                    s.files += sub.files;
                    s.flags |= sub.flags;
                    s.notable
                        .extend(sub.notable.iter().map(|(p, f)| (format!("{name}/{p}"), *f)));
                    s.dirs.push((name, eid));
                }
                0o120000 => s.flags |= SYMLINK,
                0o100644 | 0o100755 => {
                    let fact = match known.get(&eid) {
                        Some(f) => f.clone(),
                        None => blobfacts::of(&repo.blob(eid).unwrap_or_default()),
                    };
                    if fact.flags & blobfacts::LINK != 0 {
                        s.flags |= LINK;
                    }
                    let lower = name.to_ascii_lowercase();
                    let conf = if lower.ends_with(".conf") { CONF } else { 0 };
                    let notable = fact.flags
                        & (blobfacts::INCLUDE
                            | blobfacts::INGRESS
                            | blobfacts::OPAQUE
                            | blobfacts::MANY)
                        | conf;
                    if notable != 0 {
                        s.notable.push((name.clone(), notable));
                    }
                    s.files += 1;
                    put_blob(&mut s.blobs, &name, eid, &fact);
                }
                _ => {} // submodules: not read
            }
        }
        self.save(id, &s);
        let s = std::rc::Rc::new(s);
        self.loaded.insert(id, s.clone());
        Some(s)
    }

    /// Write a summary (failure is not an error: it is recomputed next time).
    fn save(&self, id: Oid, s: &TreeSummary) {
        let path = self.file(id);
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = dir.join(format!(".{}.tmp", std::process::id()));
        let bytes = encode(s);
        if std::fs::write(&tmp, &bytes).is_ok() {
            if std::fs::rename(&tmp, &path).is_ok() {
                self.written.set(self.written.get() + bytes.len() as u64);
            } else {
                let _ = std::fs::remove_file(&tmp);
            }
        }
    }

    /// Paths (relative to tree `id`) of its files that may hold any of
    /// `fragments` as a maximal run (by the runs' hashes; the caller
    /// confirms by reading them), and of files with too many runs to index.
    pub fn candidates(
        &mut self,
        repo: &Repo,
        id: Oid,
        fragments: &[Vec<u8>],
    ) -> Vec<(String, Oid)> {
        let wanted = blobfacts::Wanted::new(fragments);
        let any_run = |runs: &[u8]| {
            runs.chunks_exact(2)
                .any(|p| wanted.has(u16::from_le_bytes([p[0], p[1]])))
        };
        let mut out = Vec::new();
        let mut todo = vec![(String::new(), id)];
        while let Some((prefix, t)) = todo.pop() {
            let Some(s) = self.summary(repo, t, None) else {
                continue;
            };
            let mut r = Reader(&s.blobs);
            while let Some((name, bid, flags, runs)) = skip_blob(&mut r) {
                if flags & blobfacts::MANY != 0 || any_run(runs) {
                    let (Ok(name), Ok(bid)) = (std::str::from_utf8(name), Oid::from_bytes(bid))
                    else {
                        continue;
                    };
                    out.push((format!("{prefix}{name}"), bid));
                }
            }
            for (name, sub) in &s.dirs {
                todo.push((format!("{prefix}{name}/"), *sub));
            }
        }
        out
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let n = u16::try_from(b.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&b[..usize::from(n)]);
}

fn encode(s: &TreeSummary) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&s.files.to_le_bytes());
    out.push(s.flags);
    let count = |n: usize| u32::try_from(n).unwrap_or(0).to_le_bytes();
    out.extend_from_slice(&count(s.notable.len()));
    for (p, f) in &s.notable {
        put_str(&mut out, p);
        out.push(*f);
    }
    out.extend_from_slice(&count(s.dirs.len()));
    for (n, id) in &s.dirs {
        put_str(&mut out, n);
        out.extend_from_slice(id.as_bytes());
    }
    // The blob count, then the blobs, then the count again: a truncated
    // or spliced file does not parse.
    let n = Reader(&s.blobs).count_blobs().unwrap_or(0);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&s.blobs);
    out.extend_from_slice(&n.to_le_bytes());
    out
}

/// A reader over a stored summary; every read is bounds-checked.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u16(&mut self) -> Option<u16> {
        let b = self.take(2)?;
        Some(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn string(&mut self) -> Option<String> {
        let n = usize::from(self.u16()?);
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
    fn oid(&mut self) -> Option<Oid> {
        Oid::from_bytes(self.take(20)?).ok()
    }
    /// How many stored blobs the rest holds (`None`: not whole blobs).
    fn count_blobs(mut self) -> Option<u32> {
        let mut n = 0u32;
        while !self.0.is_empty() {
            skip_blob(&mut self)?;
            n = n.checked_add(1)?;
        }
        Some(n)
    }
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u32()?).ok()?;
        // Every item takes at least two bytes: a larger count is a lie.
        (n <= self.0.len() / 2).then_some(n)
    }
}

fn parse(bytes: &[u8]) -> Option<TreeSummary> {
    let mut r = Reader(bytes.strip_prefix(MAGIC)?);
    let mut s = TreeSummary {
        files: r.u32()?,
        flags: r.u8()?,
        ..TreeSummary::default()
    };
    for _ in 0..r.count()? {
        s.notable.push((r.string()?, r.u8()?));
    }
    for _ in 0..r.count()? {
        s.dirs.push((r.string()?, r.oid()?));
    }
    // The blobs: checked whole here, decoded when asked.
    let n = r.u32()?;
    let rest = r.0;
    let body = rest.get(..rest.len().checked_sub(4)?)?;
    let tail = &rest[body.len()..];
    if u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]) != n {
        return None;
    }
    if Reader(body).count_blobs()? != n {
        return None;
    }
    s.blobs = body.to_vec();
    r.0 = &[];
    r.0.is_empty().then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_round_trip_and_truncations_are_refused() {
        let s = TreeSummary {
            files: 3,
            flags: SYMLINK,
            notable: vec![("a/nginx.conf".into(), CONF | blobfacts::INCLUDE)],
            dirs: vec![("a".into(), Oid::from_bytes(&[1; 20]).unwrap())],
            blobs: Vec::new(),
        };
        let mut s = s;
        let fact = blobfacts::of(b"password: abc123\n");
        put_blob(
            &mut s.blobs,
            "x.yaml",
            Oid::from_bytes(&[2; 20]).unwrap(),
            &fact,
        );
        let bytes = encode(&s);
        let back = parse(&bytes).unwrap();
        assert_eq!(back.files, 3);
        assert_eq!(back.notable, s.notable);
        assert_eq!(back.dirs, s.dirs);
        assert_eq!(back.blobs(), s.blobs());
        assert_eq!(back.blobs()[0].2, fact);
        for cut in 0..bytes.len() {
            assert!(parse(&bytes[..cut]).is_none(), "cut at {cut}");
        }
    }
}
