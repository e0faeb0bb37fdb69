//! The config digest: what a sign-off approves (SPEC §7). SHA-256 over the
//! sorted `(path, old mode, old blob id, new mode, new blob id)` of every
//! guarded path that changed — object ids, not patches, so a re-indent or a
//! hunk moved from `staging:` to `production:` is a different digest (a
//! patch-id would call them equal).

use sha2::{Digest, Sha256};

use crate::git::Change;

/// `sha256:` + 16 hex digits.
pub fn of(changes: &[Change]) -> String {
    let mut sorted: Vec<&Change> = changes.iter().collect();
    sorted.sort();
    let mut h = Sha256::new();
    for c in sorted {
        h.update(c.path.as_bytes());
        h.update([0]);
        h.update(
            format!(
                "{:06o} {} {:06o} {}\n",
                c.old_mode, c.old_id, c.new_mode, c.new_id
            )
            .as_bytes(),
        );
    }
    let d = h.finalize();
    format!(
        "sha256:{}",
        d[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}
