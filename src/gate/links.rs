//! Symbolic links in the trees the gate compares, and the paths they make
//! guarded.
//!
//! The rule: the guarded paths are the **closure of every link met** while
//! resolving what the config names (environment roots, layer and file
//! lists, `[review] paths` and `[[review.rule]] paths` up to their first
//! wildcard), in the merge base's tree *and* the head's:
//!
//! - every link on the way to a named path, at any depth (`deploy ->
//!   releases/2024`, `deploy/prod -> ../releases/current -> v1`), is
//!   guarded itself (retargeting it changes what is read) and so is where
//!   it leads;
//! - every link *inside* a guarded directory is followed the same way (a
//!   file that is a link to `../../shared/app.yaml` makes that file
//!   guarded; a link to a directory guards the directory);
//! - links are read from the trees (git objects), never from a disk;
//!   a link leading out of the repository ends there; more than
//!   [`MAX_HOPS`] hops on one path, or [`MAX_LINKS`] links in all, guards
//!   every path (fail closed).

use std::collections::BTreeSet;

use crate::git::Oid;

use crate::error::Error;
use crate::git::Repo;

/// Most links followed while resolving one path (Linux's `ELOOP` limit).
pub const MAX_HOPS: usize = 40;
/// Most links followed for one gate run before every path is guarded.
pub const MAX_LINKS: usize = 10_000;

const LINK: u32 = 0o120000;
const TREE: u32 = 0o040000;

/// What following links found.
#[derive(Debug, Default, Clone)]
pub struct Closure {
    /// Directories to guard (repository-relative).
    pub dirs: BTreeSet<String>,
    /// Files (and links) to guard.
    pub files: BTreeSet<String>,
    /// Too many links: guard everything.
    pub everything: bool,
    links: usize,
}

/// A path resolved through the links of a tree.
#[derive(Debug)]
pub struct Resolved {
    /// Where it leads (`None`: out of the repository, or too many hops).
    pub target: Option<String>,
    /// Every link met on the way.
    pub links: Vec<String>,
}

/// Resolve `path` (repository-relative, `/`-separated) in `tree`,
/// following every link on the way.
///
/// # Errors
/// When a tree on the way is malformed or cannot be read.
pub fn resolve(repo: &Repo, tree: Oid, path: &str) -> Result<Resolved, Error> {
    let mut done: Vec<String> = Vec::new();
    let mut todo: Vec<String> = split(path).into_iter().rev().collect();
    let mut links = Vec::new();
    while let Some(c) = todo.pop() {
        match c.as_str() {
            "." | "" => continue,
            ".." => {
                if done.pop().is_none() {
                    return Ok(Resolved {
                        target: None,
                        links,
                    });
                }
                continue;
            }
            _ => {}
        }
        done.push(c);
        let here = done.join("/");
        let Some((mode, id)) = repo.entry_at(tree, &here)? else {
            continue;
        };
        if mode != LINK {
            continue;
        }
        links.push(here);
        done.pop();
        let target = repo.blob(id).unwrap_or_default();
        let target = String::from_utf8_lossy(&target).into_owned();
        if target.starts_with('/') || links.len() > MAX_HOPS {
            return Ok(Resolved {
                target: None,
                links,
            });
        }
        todo.extend(split(&target).into_iter().rev());
    }
    Ok(Resolved {
        target: Some(done.join("/")),
        links,
    })
}

fn split(path: &str) -> Vec<String> {
    path.split('/').map(str::to_string).collect()
}

impl Closure {
    /// Guard `path` (a directory when `dir`) as `tree` resolves it: the
    /// links on the way, where it leads, and the links inside it.
    ///
    /// # Errors
    /// When a tree on the way is malformed or cannot be read.
    pub fn add(&mut self, repo: &Repo, tree: Oid, path: &str, dir: bool) -> Result<(), Error> {
        let mut queue = vec![(path.to_string(), dir)];
        let mut seen: BTreeSet<String> = BTreeSet::new();
        while let Some((p, is_dir)) = queue.pop() {
            if !seen.insert(p.clone()) || self.everything {
                continue;
            }
            let r = resolve(repo, tree, &p)?;
            self.links += r.links.len();
            if self.links > MAX_LINKS || r.links.len() > MAX_HOPS {
                self.everything = true;
                return Ok(());
            }
            self.files.extend(r.links);
            let Some(target) = r.target else { continue };
            // What the target is in this tree (a link to a directory
            // guards the directory, whatever the config said).
            let is_tree = repo
                .entry_at(tree, &target)?
                .is_some_and(|(m, _)| m == TREE);
            if is_dir || is_tree {
                self.dirs.insert(target.clone());
                for (link, _) in repo.links_under(tree, &target)? {
                    self.files.insert(link.clone());
                    queue.push((link, false));
                }
            } else {
                self.files.insert(target);
            }
        }
        Ok(())
    }
}

/// The part of a glob before its first wildcard component.
pub fn literal_prefix(glob: &str) -> (&str, &str) {
    let mut end = 0;
    for (i, c) in glob.split('/').enumerate() {
        if c.contains(['*', '?', '[', '{', '\\']) {
            break;
        }
        end = glob.split('/').take(i + 1).map(str::len).sum::<usize>() + i;
    }
    let (prefix, rest) = glob.split_at(end.min(glob.len()));
    (prefix, rest.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::literal_prefix;

    #[test]
    fn prefixes() {
        assert_eq!(literal_prefix("deploy/prod/**"), ("deploy/prod", "**"));
        assert_eq!(literal_prefix("deploy/*.yaml"), ("deploy", "*.yaml"));
        assert_eq!(literal_prefix("**/x"), ("", "**/x"));
        assert_eq!(literal_prefix("a/b"), ("a/b", ""));
    }
}
