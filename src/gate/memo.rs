//! Signatures `audit` has already verified, remembered across runs in the
//! repository's git directory (`driftcheck/verified-signatures`), so an
//! audit of a long signed history pays for each signature once.
//!
//! The rule: an entry is the SHA-256 of *everything the verdict depended
//! on*: the `allowed_signers` blob id, the reviewer, the digest, the merge
//! base and the trailer value as written. Only verified signatures are
//! remembered; a change to any input is a miss and is verified again.
//! Only `audit` (a report) uses it; the gate always verifies, so a file in
//! `.git` can never make a change pass. Whoever can write `.git` can
//! already rewrite the history being audited.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

/// One remembered verification.
pub type Key = [u8; 32];

/// The remembered verifications, and those added in this run.
#[derive(Debug, Default)]
pub struct Memo {
    known: HashSet<Key>,
    added: Vec<Key>,
    file: Option<PathBuf>,
}

impl Memo {
    /// Read the memo of the repository whose git directory is `git_dir`
    /// (a missing or unreadable file is an empty memo).
    pub fn load(git_dir: &std::path::Path) -> Memo {
        let file = git_dir.join("driftcheck").join("verified-signatures");
        let bytes = std::fs::read(&file).unwrap_or_default();
        let known = bytes
            .chunks_exact(32)
            .filter_map(|c| Key::try_from(c).ok())
            .collect();
        Memo {
            known,
            added: Vec::new(),
            file: Some(file),
        }
    }

    /// The key of one verification.
    pub fn key(parts: &[&str]) -> Key {
        let mut h = Sha256::new();
        h.update(b"driftcheck-verified-v1");
        for p in parts {
            // Length-prefixed: no two lists of parts hash alike.
            h.update((p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        h.finalize().into()
    }

    /// Whether `key` was verified before.
    pub fn contains(&self, key: &Key) -> bool {
        self.known.contains(key)
    }

    /// Remember a verified signature.
    pub fn insert(&mut self, key: Key) {
        if self.known.insert(key) {
            self.added.push(key);
        }
    }

    /// Append this run's verifications to the file (best effort: a
    /// read-only repository only loses the speed-up).
    pub fn save(&mut self) {
        let Some(file) = &self.file else { return };
        if self.added.is_empty() {
            return;
        }
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
        else {
            return;
        };
        let bytes: Vec<u8> = self.added.iter().flatten().copied().collect();
        if f.write_all(&bytes).is_ok() {
            self.added.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_their_parts_and_the_file_round_trips() {
        assert_ne!(Memo::key(&["ab", "c"]), Memo::key(&["a", "bc"]));
        let dir = tempfile::tempdir().unwrap();
        let mut m = Memo::load(dir.path());
        let k = Memo::key(&["x"]);
        assert!(!m.contains(&k));
        m.insert(k);
        m.save();
        let again = Memo::load(dir.path());
        assert!(again.contains(&k) && !again.contains(&Memo::key(&["y"])));
    }
}
