//! The config digest: what a sign-off approves (SPEC §7). SHA-256 over the
//! sorted `(path, old mode, old blob id, new mode, new blob id)` of every
//! guarded path that changed — object ids, not patches, so a re-indent or a
//! hunk moved from `staging:` to `production:` is a different digest (a
//! patch-id would call them equal).
//!
//! Printed as [`PREFIX`] + 32 hex digits (128 bits). The prefix carries the
//! version: the first format (`sha256:` + 16 hex, 64 bits) was collided in
//! minutes on a laptop, so a sign-off naming one is recognised only to be
//! refused with the reason ([`is_legacy`]); it never counts.

use sha2::{Digest, Sha256};

use crate::git::Change;

/// The versioned prefix of a digest.
pub const PREFIX: &str = "v2-sha256:";

/// Hex digits after [`PREFIX`] (128 bits).
pub const HEX_LEN: usize = 32;

/// [`PREFIX`] + 32 hex digits.
pub fn of(changes: &[Change]) -> String {
    let mut sorted: Vec<&Change> = changes.iter().collect();
    sorted.sort();
    let mut h = Sha256::new();
    for c in sorted {
        // Length-prefixed raw bytes: no two path lists hash alike.
        h.update((c.raw.len() as u64).to_le_bytes());
        h.update(&c.raw);
        h.update(
            format!(
                "{:06o} {} {:06o} {}\n",
                c.old_mode, c.old_id, c.new_mode, c.new_id
            )
            .as_bytes(),
        );
    }
    let d = h.finalize();
    let hex: String = d[..HEX_LEN / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{PREFIX}{hex}")
}

/// Whether `text` is a well-formed digest of the current version.
pub fn is_current(text: &str) -> bool {
    text.strip_prefix(PREFIX)
        .is_some_and(|h| h.len() == HEX_LEN && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether `text` is a digest of the first, 64-bit format (`sha256:` + 16 hex).
pub fn is_legacy(text: &str) -> bool {
    text.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}
