//! Keeping the tree-facts store ([`super::treefacts`]) bounded.
//!
//! # The rule
//!
//! Summaries never go stale (a tree id names its content), but every change
//! adds the summaries of the directories it touched, so the store grows
//! with the history. It is a cache: anything removed is recomputed on
//! demand from the trees. So it is kept under a size limit
//! ([`LIMIT`], or `DRIFTCHECK_TREE_FACTS_MAX` bytes): each run that writes
//! summaries adds their size to a ledger (`ledger`, one number; concurrent
//! runs may lose an update, which only delays the next count); when the
//! ledger passes the limit the store is walked, its real size counted, and
//! the least recently used summaries (by the later of access and
//! modification time, which reads keep fresh where the file system records
//! access) are removed until it is at most three quarters of the limit.
//! The walk happens once per quarter of the limit written, not per run.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The default size limit of the store, in bytes.
pub const LIMIT: u64 = 256 * 1024 * 1024;

/// The limit in force: `DRIFTCHECK_TREE_FACTS_MAX` (bytes) when set.
pub fn limit() -> u64 {
    std::env::var("DRIFTCHECK_TREE_FACTS_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LIMIT)
}

/// Add `written` bytes to the store's ledger and prune when it passes
/// `limit`. Failures are not errors: the cache stays as it is.
pub fn account(dir: &Path, written: u64, limit: u64) {
    if written == 0 {
        return;
    }
    let ledger = dir.join("ledger");
    let before: u64 = std::fs::read_to_string(&ledger)
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0);
    let mut total = before.saturating_add(written);
    if total > limit {
        total = prune(dir, limit);
    }
    let tmp = dir.join(format!(".ledger.{}.tmp", std::process::id()));
    if std::fs::write(&tmp, total.to_string()).is_ok() && std::fs::rename(&tmp, &ledger).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Remove the least recently used summaries under `dir` until the store
/// holds at most three quarters of `limit`; the size left.
pub fn prune(dir: &Path, limit: u64) -> u64 {
    let mut files: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
    let Ok(fanout) = std::fs::read_dir(dir) else {
        return 0;
    };
    for sub in fanout.flatten() {
        if !sub.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(sub.path()) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(m) = e.metadata() else { continue };
            if !m.is_file() {
                continue;
            }
            let modified = m.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            let used = m.accessed().map_or(modified, |a| a.max(modified));
            files.push((used, m.len(), e.path()));
        }
    }
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    let target = limit / 4 * 3;
    files.sort();
    for (_, len, path) in files {
        if total <= target {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store of files with distinct ages and sizes, pruned at several
    /// limits: what is left is at most three quarters of the limit, and
    /// every removed file is older than every kept one.
    #[test]
    fn pruning_keeps_the_newest_under_the_limit() {
        for n in [1usize, 7, 40] {
            for limit in [0u64, 100, 1000, 5000, 1 << 20] {
                let tmp = tempfile::tempdir().unwrap();
                let mut made = Vec::new();
                for i in 0..n {
                    let dir = tmp.path().join(format!("{:02x}", i % 5));
                    std::fs::create_dir_all(&dir).unwrap();
                    let p = dir.join(format!("f{i}"));
                    std::fs::write(&p, vec![b'x'; 10 + (i * 37) % 200]).unwrap();
                    let t =
                        SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000 + i as u64);
                    let f = std::fs::File::options().write(true).open(&p).unwrap();
                    f.set_times(std::fs::FileTimes::new().set_accessed(t).set_modified(t))
                        .unwrap();
                    made.push(p);
                }
                let left = prune(tmp.path(), limit);
                let kept: Vec<bool> = made.iter().map(|p| p.exists()).collect();
                let size: u64 = made
                    .iter()
                    .filter(|p| p.exists())
                    .map(|p| std::fs::metadata(p).unwrap().len())
                    .sum();
                assert_eq!(left, size);
                assert!(size <= limit / 4 * 3, "{n} {limit}: {size}");
                // Oldest first: no kept file is older than a removed one.
                if let Some(first_kept) = kept.iter().position(|k| *k) {
                    assert!(
                        kept[first_kept..].iter().all(|k| *k),
                        "{n} {limit}: {kept:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_ledger_prunes_only_past_the_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("00");
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..10 {
            std::fs::write(dir.join(format!("f{i}")), [b'x'; 100]).unwrap();
        }
        account(tmp.path(), 500, 2000);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 10);
        account(tmp.path(), 2000, 2000);
        let left: u64 = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        assert!(left <= 1500, "{left}");
        let ledger: u64 = std::fs::read_to_string(tmp.path().join("ledger"))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(ledger, left);
    }
}
