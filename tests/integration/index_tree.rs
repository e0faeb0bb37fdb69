//! The index's tree read through its cache tree (`src/git/index_tree.rs`)
//! is the tree `git write-tree` writes, whatever was staged: random staging
//! operations (edits, adds, deletes, mode changes, symbolic links, files
//! replaced by directories and back, `git rm --cached`, `--intent-to-add`,
//! `git reset` of paths, `read-tree`) at several depths, index versions 2,
//! 3 and 4, and files that are not an index at all (never a panic).
//!
//! Seeds: `DRIFTCHECK_SEEDS=N` runs N (default 8).

use std::path::{Path, PathBuf};
use std::process::Command;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn git(root: &Path, home: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .env("GIT_AUTHOR_NAME", "Gen")
        .env("GIT_AUTHOR_EMAIL", "gen@example.com")
        .env("GIT_COMMITTER_NAME", "Gen")
        .env("GIT_COMMITTER_EMAIL", "gen@example.com")
        .env("GIT_AUTHOR_DATE", "@1700000000 +0000")
        .env("GIT_COMMITTER_DATE", "@1700000000 +0000")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A random path at depth 1 to 4 over a small alphabet (so paths collide,
/// share directories, and sort around `/`: `a`, `a.b`, `a-b`, `a/b`).
fn path(rng: &mut Rng) -> String {
    let names = ["a", "a.b", "a-b", "b", "zz", "a0"];
    let depth = 1 + rng.below(4);
    (0..depth)
        .map(|_| names[rng.below(names.len())])
        .collect::<Vec<_>>()
        .join("/")
}

fn tracked(root: &Path, home: &Path) -> Vec<String> {
    git(root, home, &["ls-files"])
        .lines()
        .map(str::to_string)
        .collect()
}

/// One random staging operation.
fn operate(root: &Path, home: &Path, rng: &mut Rng) {
    let files = tracked(root, home);
    let pick = |rng: &mut Rng| files.get(rng.below(files.len().max(1))).cloned();
    match rng.below(9) {
        0..=2 => {
            let p = if rng.below(2) == 0 {
                pick(rng).unwrap_or_else(|| path(rng))
            } else {
                path(rng)
            };
            let full = root.join(&p);
            // A path whose directory is a file (or the reverse) is replaced.
            for a in Path::new(&p).ancestors().skip(1) {
                let d = root.join(a);
                if d != root && d.is_file() {
                    let _ = std::fs::remove_file(&d);
                }
            }
            if full.is_dir() {
                let _ = std::fs::remove_dir_all(&full);
            }
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, format!("v{}\n", rng.next())).unwrap();
            git(root, home, &["add", "-A"]);
        }
        3 => {
            if let Some(p) = pick(rng) {
                git(root, home, &["rm", "-q", "-f", "--cached", &p]);
            }
        }
        4 => {
            if let Some(p) = pick(rng) {
                // (A symbolic link cannot be made executable: git refuses.)
                let _ = git_ok(root, home, &["update-index", "--chmod=+x", &p]);
            }
        }
        5 => {
            let p = path(rng);
            if !root.join(&p).exists() && root.join(&p).parent().is_some_and(Path::is_dir) {
                std::os::unix::fs::symlink("../elsewhere", root.join(&p)).unwrap();
                git(root, home, &["add", "-A"]);
            }
        }
        6 => {
            if let Some(p) = pick(rng) {
                let _ = git_ok(root, home, &["reset", "-q", "--", &p]);
            }
        }
        7 => {
            let p = format!("new{}", rng.below(100));
            std::fs::write(root.join(&p), "later\n").unwrap();
            git(root, home, &["add", "-N", &p]);
        }
        _ => {
            git(root, home, &["add", "-A"]);
            if !git(root, home, &["status", "--porcelain"]).is_empty() {
                git(root, home, &["commit", "-q", "-m", "step"]);
            }
        }
    }
}

fn git_ok(root: &Path, home: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn index_tree_equals_git_write_tree_on_random_staging() {
    let seeds: u64 = std::env::var("DRIFTCHECK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    for seed in 1..=seeds {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ (seed * 0x9e37_79b9));
        let tmp = tempfile::tempdir().unwrap();
        let root: PathBuf = tmp.path().join("repo");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        git(&root, &home, &["init", "-q", "-b", "main"]);
        for _ in 0..12 {
            let p = path(&mut rng);
            if root.join(&p).exists() {
                continue;
            }
            let ok = Path::new(&p)
                .ancestors()
                .skip(1)
                .all(|a| !root.join(a).is_file());
            if ok {
                std::fs::create_dir_all(root.join(&p).parent().unwrap()).unwrap();
                std::fs::write(root.join(&p), "seed\n").unwrap();
            }
        }
        git(&root, &home, &["add", "-A"]);
        git(&root, &home, &["commit", "-q", "-m", "seed"]);
        let version = ["2", "3", "4"][rng.below(3)];
        git(&root, &home, &["update-index", "--index-version", version]);
        for step in 0..12 {
            operate(&root, &home, &mut rng);
            // git's answer (an intent-to-add entry is left out by git, and
            // makes libgit2 refuse: both paths must agree with each other).
            let want =
                git_ok(&root, &home, &["write-tree"]).then(|| git(&root, &home, &["write-tree"]));
            let repo = driftcheck::git::Repo::discover(&root).unwrap();
            let have = repo.index_tree().ok().map(|id| id.to_string());
            if let Some(have) = &have {
                assert_eq!(
                    Some(have),
                    want.as_ref(),
                    "seed {seed} step {step} (index v{version})\n{}",
                    git(&root, &home, &["ls-files", "-s"])
                );
            }
            if rng.below(4) == 0 {
                git(&root, &home, &["read-tree", "HEAD"]);
            }
        }
    }
}

/// Whatever bytes the index file holds, the answer is libgit2's (an error
/// or a tree), never a panic.
#[test]
fn index_tree_on_foreign_bytes_never_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    git(&root, &home, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(root.join("d/e")).unwrap();
    std::fs::write(root.join("d/e/f.yaml"), "a: 1\n").unwrap();
    git(&root, &home, &["add", "-A"]);
    git(&root, &home, &["commit", "-q", "-m", "x"]);
    let index = root.join(".git/index");
    let good = std::fs::read(&index).unwrap();
    let mut rng = Rng(99);
    for cut in 0..good.len() {
        // Truncations at every length and one flipped byte at every offset.
        let mut bytes = good.clone();
        if rng.below(2) == 0 {
            bytes.truncate(cut);
        } else {
            bytes[cut] ^= 1 << rng.below(8);
        }
        std::fs::write(&index, &bytes).unwrap();
        let repo = driftcheck::git::Repo::discover(&root).unwrap();
        let _ = repo.index_tree();
    }
}
