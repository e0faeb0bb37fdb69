//! Where `driftcheck.toml` is, for the gate (SPEC §7, rule 1).
//!
//! The rule: the config is located **lexically in the merge base's tree**.
//! The search starts at the directory the user named (`-C DIR`, or the
//! process's directory), as written, with `.` and `..` resolved by name and
//! no link followed, and walks up to the repository root; the first
//! `driftcheck.toml` that is a regular file there is the config. A
//! `--config FILE` names the one path to read.
//!
//! The working tree is the change's: it cannot choose. The same search is
//! done in the working tree (following its links, as every other command
//! does); when its answer differs from the merge base's (the change deleted
//! the config, or replaced a directory on the path with a link to another
//! one), the gate refuses to answer (exit 2) and says both, instead of
//! falling back to another config or to none.

use std::path::Path;

use crate::git::Oid;

use crate::config;
use crate::error::Error;
use crate::git::Repo;

/// Where to look, and what the working tree found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    start: Start,
    /// The working tree's answer, repository-relative (`None`: none found
    /// inside the repository).
    worktree: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Start {
    /// Search from this repository-relative directory (`""`: the root) up.
    Dir(String),
    /// Exactly this repository-relative file.
    File(String),
}

impl From<&str> for Location {
    /// A fixed path, found the same way in the working tree.
    fn from(path: &str) -> Location {
        Location {
            start: Start::File(path.to_string()),
            worktree: Some(path.to_string()),
        }
    }
}

impl From<&String> for Location {
    fn from(path: &String) -> Location {
        Location::from(path.as_str())
    }
}

impl Location {
    /// The location for a command run in `cwd` (canonical), started as
    /// `-C dir` (`dir` as written, if given) or with `--config explicit`.
    pub fn new(repo: &Repo, cwd: &Path, dir: Option<&Path>, explicit: Option<&Path>) -> Location {
        let worktree = Some(super::config_location(repo, cwd, explicit))
            .filter(|p| repo.root().join(p).is_file());
        // The lexical start: what the user typed, joined to the directory
        // the process was started in (never canonicalised).
        let started = std::env::current_dir().unwrap_or_else(|_| cwd.to_path_buf());
        let typed = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                started.join(p)
            }
        };
        let base_dir = dir.map_or_else(|| started.clone(), typed);
        let start = match explicit {
            Some(f) => {
                let f = if f.is_absolute() {
                    f.to_path_buf()
                } else {
                    base_dir.join(f)
                };
                Start::File(repo_relative(repo, &f).unwrap_or_default())
            }
            None => Start::Dir(repo_relative(repo, &base_dir).unwrap_or_default()),
        };
        Location { start, worktree }
    }

    /// The merge base's answer: the repository-relative path of its config
    /// in `tree`, if any.
    ///
    /// # Errors
    /// When a tree on the way is malformed or cannot be read.
    pub fn in_tree(&self, repo: &Repo, tree: Oid) -> Result<Option<String>, Error> {
        let regular =
            |p: &str| Ok::<_, Error>(repo.regular_blob_at(tree, p)?.then(|| p.to_string()));
        match &self.start {
            Start::File(f) => regular(f),
            Start::Dir(d) => {
                let mut dir = d.clone();
                loop {
                    let candidate = if dir.is_empty() {
                        config::FILE_NAME.to_string()
                    } else {
                        format!("{dir}/{}", config::FILE_NAME)
                    };
                    if let Some(found) = regular(&candidate)? {
                        return Ok(Some(found));
                    }
                    if dir.is_empty() {
                        return Ok(None);
                    }
                    dir = dir.rsplit_once('/').map_or("", |(p, _)| p).to_string();
                }
            }
        }
    }

    /// The merge base's answer, refused when the working tree's differs.
    ///
    /// # Errors
    /// When the two answers differ (exit 2, both named).
    pub fn resolve(&self, repo: &Repo, tree: Oid) -> Result<Option<String>, Error> {
        let base = self.in_tree(repo, tree)?;
        if base == self.worktree {
            return Ok(base);
        }
        let say = |p: &Option<String>| match p {
            Some(p) => format!("`{p}`"),
            None => "no driftcheck.toml".to_string(),
        };
        Err(Error::Git(format!(
            "the merge base's config is {} but the working tree's is {}: the gate reads the config \
             the merge base has at the path you named, and the change must not move, delete, add \
             or redirect it (a link on the path, a deleted file). Run from the directory the merge \
             base's config is in, or land the config change on its own first",
            say(&base),
            say(&self.worktree)
        )))
    }
}

/// `path` relative to the repository root, `.` and `..` resolved by name
/// (no link followed); `None` outside the repository.
fn repo_relative(repo: &Repo, path: &Path) -> Option<String> {
    let lexical = crate::env::lexical(path);
    let roots = [
        crate::env::lexical(repo.root()),
        repo.root()
            .canonicalize()
            .unwrap_or_else(|_| repo.root().to_path_buf()),
    ];
    let rel = roots.iter().find_map(|r| lexical.strip_prefix(r).ok())?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}
