//! What an incremental check must know about every blob under the roots,
//! remembered by blob id so each blob is read once per repository, not once
//! per hook run.
//!
//! A blob's facts are a function of its bytes alone, and a blob id names
//! its bytes: an entry can never go stale, so the cache needs no
//! invalidation. The path-dependent part (the format) is applied by the
//! caller. What is kept leaks nothing worth having: four flags and, for
//! each maximal run of ASCII letters and digits (3 characters or more), 16
//! bits of a hash — enough to pick candidate files for a literal search,
//! which the caller confirms by reading them, far too few to recover a
//! value. The cache lives in git's common directory
//! (`driftcheck/blob-facts-v1`), never in the work tree; a file that does
//! not parse is ignored and rewritten.

type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
use std::path::PathBuf;

use crate::git::{Oid, Repo};

/// The blob is a git link checked out as text (`../x.yaml`).
pub const LINK: u8 = 1;
/// The bytes hold `include` (an nginx or pgbouncer include, by format).
pub const INCLUDE: u8 = 2;
/// The bytes name an `Ingress` (hostname learning reads it).
pub const INGRESS: u8 = 4;
/// The bytes may spell a secret other than literally (escapes, `Secret`
/// base64, percent-encoding, line continuations).
pub const OPAQUE: u8 = 8;

/// Every run may be there (more distinct buckets than a count can hold).
pub const MANY: u8 = 16;

/// Shortest run indexed (resource names are searched by runs this long).
pub const MIN_RUN: usize = 3;

/// The buckets of some fragments, as a bitset over the 16-bit bucket
/// space: a blob may hold one of them when one of its runs' buckets is
/// set. One look-up per run whatever the number of fragments (a binary
/// search per fragment per blob made thousands of fragments over 40,000
/// blobs cost seconds).
pub struct Wanted(Vec<u64>);

impl Wanted {
    /// The buckets of `fragments`.
    pub fn new(fragments: &[Vec<u8>]) -> Self {
        let mut bits = vec![0u64; 1 << 10];
        for f in fragments {
            let b = usize::from(bucket(f));
            bits[b / 64] |= 1 << (b % 64);
        }
        Wanted(bits)
    }

    /// Whether bucket `b` is wanted.
    pub fn has(&self, b: u16) -> bool {
        let b = usize::from(b);
        self.0[b / 64] & (1 << (b % 64)) != 0
    }

    /// Whether a blob with these facts may hold a wanted fragment.
    pub fn in_fact(&self, fact: &Fact) -> bool {
        fact.flags & MANY != 0 || fact.runs.iter().any(|&b| self.has(b))
    }
}

/// One blob's facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fact {
    /// [`LINK`], [`INCLUDE`], [`INGRESS`], [`OPAQUE`], [`MANY`].
    pub flags: u8,
    /// 16-bit hashes of its maximal letter-and-digit runs, sorted, unique.
    pub runs: Vec<u16>,
}

/// The facts of one blob's bytes.
pub fn of(bytes: &[u8]) -> Fact {
    let has = |n: &[u8]| memchr::memmem::find(bytes, n).is_some();
    let mut flags = 0;
    if crate::env::looks_like_link(bytes).is_some() {
        flags |= LINK;
    }
    if has(b"include") {
        flags |= INCLUDE;
    }
    if has(b"Ingress") {
        flags |= INGRESS;
    }
    let escapes: [&[u8]; 8] = [
        b"Secret", b"\\u", b"\\U", b"\\x", b"&#", b"\\N", b"\\_", b"\\\n",
    ];
    if escapes.iter().any(|n| has(n)) || percent_encoded(bytes) {
        flags |= OPAQUE;
    }
    let mut runs: Vec<u16> = bytes
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|r| r.len() >= MIN_RUN)
        .map(bucket)
        .collect();
    runs.sort_unstable();
    runs.dedup();
    if runs.len() > usize::from(u16::MAX) {
        flags |= MANY;
        runs.clear();
    }
    Fact { flags, runs }
}

fn percent_encoded(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// 16 bits of FNV-1a over a run.
pub fn bucket(run: &[u8]) -> u16 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in run {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48)) as u16
}

/// The facts of every blob seen so far, loaded from and saved to the cache.
pub struct BlobFacts {
    path: Option<PathBuf>,
    facts: Map<Oid, Fact>,
    /// Blobs added since the file was read (appended on save).
    added: Vec<Oid>,
    /// Entries in the file as read (`None`: no valid file).
    stored: Option<usize>,
}

const MAGIC: &[u8] = b"driftcheck blob facts v1\n";

impl BlobFacts {
    /// The repository's cache (empty when there is none or it does not parse).
    pub fn open(repo: &Repo) -> BlobFacts {
        let path = repo.common_dir().join("driftcheck").join("blob-facts-v1");
        let facts = std::fs::read(&path).ok().and_then(|b| parse(&b));
        let stored = facts.as_ref().map(Map::len);
        BlobFacts {
            path: Some(path),
            facts: facts.unwrap_or_default(),
            added: Vec::new(),
            stored,
        }
    }

    /// The facts of blob `id`, read and computed when not known yet.
    pub fn get(&mut self, repo: &Repo, id: Oid) -> &Fact {
        match self.facts.entry(id) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                self.added.push(id);
                v.insert(of(&repo.blob(id).unwrap_or_default()))
            }
        }
    }

    /// Write what was added: appended to the file, or the file rewritten
    /// with only `live` blobs (the trees just listed) when it holds more
    /// dead entries than live ones or was not valid. Failure to write is
    /// not an error: the next run reads those blobs again.
    pub fn save(&mut self, live: &std::collections::HashSet<Oid>) {
        if self.added.is_empty() {
            return;
        }
        let Some(path) = self.path.clone() else {
            return;
        };
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let append = self
            .stored
            .is_some_and(|n| n + self.added.len() <= 2 * live.len().max(1));
        if append {
            let mut out = Vec::new();
            for id in &self.added {
                record(&mut out, id, &self.facts[id]);
            }
            use std::io::Write as _;
            let _ = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .and_then(|mut f| f.write_all(&out));
        } else {
            let mut out = MAGIC.to_vec();
            for (id, f) in self.facts.iter().filter(|(id, _)| live.contains(id)) {
                record(&mut out, id, f);
            }
            let tmp = dir.join(format!("blob-facts-v1.{}.tmp", std::process::id()));
            if std::fs::write(&tmp, &out).is_ok() && std::fs::rename(&tmp, &path).is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
        }
        self.stored = Some(self.stored.unwrap_or(0) + self.added.len());
        self.added.clear();
    }
}

/// One entry, as the file holds it: id, flags, run count, runs.
fn record(out: &mut Vec<u8>, id: &Oid, f: &Fact) {
    out.extend_from_slice(id.as_bytes());
    out.push(f.flags);
    let n = u16::try_from(f.runs.len()).unwrap_or(0);
    out.extend_from_slice(&n.to_le_bytes());
    for r in &f.runs {
        out.extend_from_slice(&r.to_le_bytes());
    }
}

/// A cache file's entries; `None` when it is not one (then it is rebuilt).
fn parse(bytes: &[u8]) -> Option<Map<Oid, Fact>> {
    let mut rest = bytes.strip_prefix(MAGIC)?;
    let mut out = Map::default();
    while !rest.is_empty() {
        if rest.len() < 23 {
            return None;
        }
        let id = Oid::from_bytes(&rest[..20]).ok()?;
        let flags = rest[20];
        let n = usize::from(u16::from_le_bytes([rest[21], rest[22]]));
        rest = &rest[23..];
        if rest.len() < 2 * n {
            return None;
        }
        let runs = rest[..2 * n]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        rest = &rest[2 * n..];
        out.insert(id, Fact { flags, runs });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_round_trip_and_find_every_run() {
        let text = b"password: abc123XYZ\nhost: api-0.prod.internal\nurl: x%2Fy\n";
        let f = of(text);
        assert_eq!(f.flags, OPAQUE);
        for run in ["password", "abc123XYZ", "host", "api", "prod", "internal"] {
            assert!(f.runs.contains(&bucket(run.as_bytes())), "{run}");
        }
        let link = of(b"../shared/app.yaml\n");
        assert_eq!(link.flags & LINK, LINK);
        // A truncated or foreign file is not a cache.
        assert!(parse(b"something else").is_none());
        let mut bytes = MAGIC.to_vec();
        let id = Oid::from_bytes(&[7; 20]).unwrap();
        bytes.extend_from_slice(id.as_bytes());
        bytes.push(f.flags);
        bytes.extend_from_slice(&u16::try_from(f.runs.len()).unwrap().to_le_bytes());
        for r in &f.runs {
            bytes.extend_from_slice(&r.to_le_bytes());
        }
        assert_eq!(parse(&bytes).unwrap()[&id], f);
        assert!(parse(&bytes[..bytes.len() - 1]).is_none());
    }
}
