//! `check --staged` and `check --rev`: judge the change, not the repository.
//!
//! The rule: a local check answers "does this change make things worse?".
//! Every real repository carries some drift; a hook that fails on it blocks
//! every commit, and people learn `--no-verify`. So:
//!
//! - A change that touches nothing the comparison reads (the config file,
//!   policy files, environment roots and layers) is not compared at all:
//!   exit 0, silent. A rendered environment reads inputs driftcheck cannot
//!   know, and a root reached through a symbolic link can change behind it:
//!   with either, every change counts as touching them.
//! - Otherwise the findings of the new tree (the index, or the revision) are
//!   compared with those of the old one (HEAD, or the revision's first
//!   parent) by identity (rule, environments, file, document, key — values
//!   and lines may move, as the gate does), and only the findings the change
//!   *introduces* are shown and can fail the run. Pre-existing findings are
//!   counted in one line. `--all` shows the whole tree's findings instead.

use std::path::Path;

use crate::config::{self, Config};
use crate::env::Selection;
use crate::finding::Finding;
use crate::git::Repo;

/// Whether the change `changed` (repository-relative paths) touches what
/// `config` (at `config_at`, repository-relative) compares.
pub fn touches(repo: &Repo, config: &Config, config_at: &str, changed: &[String]) -> bool {
    if changed.is_empty() {
        return false;
    }
    let root = repo.root();
    // Repository-relative, `..` applied by name (a root may say `a/../b`).
    let rel = |p: &Path| -> Option<String> {
        let r = crate::env::lexical(p.strip_prefix(root).ok()?);
        Some(r.to_string_lossy().replace('\\', "/"))
    };
    let config_dir = Path::new(config_at)
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let under = |path: &str, dir: &str| {
        dir.is_empty() || path == dir || path.starts_with(&format!("{dir}/"))
    };
    let mut watched: Vec<String> = vec![config_at.to_string()];
    for env in &config.envs {
        let paths: Vec<&Path> = match &env.selection {
            Selection::Render { .. } => return true,
            Selection::Root { dir, .. } => vec![dir.as_path()],
            Selection::Files(files) | Selection::Layers(files) => {
                files.iter().map(|p| p.as_path()).collect()
            }
        };
        for p in paths {
            // A link on the way: what it points at can change unseen.
            let on_disk = root.join(p.strip_prefix(root).unwrap_or(p));
            if on_disk
                .ancestors()
                .take_while(|a| a.starts_with(root) && *a != root)
                .any(|a| {
                    a.symlink_metadata()
                        .is_ok_and(|m| m.file_type().is_symlink())
                })
            {
                return true;
            }
            match rel(p) {
                Some(r) => watched.push(r),
                None => return true, // outside the repository: cannot be judged
            }
        }
    }
    // Policy globs anchored as the gate anchors them (`../policies/*.toml`
    // included); one that cannot be anchored cannot be judged either.
    let anchored: Result<Vec<String>, String> = config
        .policies
        .iter()
        .map(|g| crate::env::anchor(&config_dir, g))
        .collect();
    let Ok(policies) =
        anchored.and_then(|g| crate::env::glob_set(&g, config_at).map_err(|e| e.to_string()))
    else {
        return true;
    };
    changed
        .iter()
        .any(|path| watched.iter().any(|w| under(path, w)) || policies.is_match(path))
}

/// The config as the new tree has it, if it has one (`None` too when it
/// does not parse: the full check then reports why).
///
/// # Errors
/// When the tree lists a config that cannot be read ([`Repo::blob_at`]).
pub fn config_in(
    repo: &Repo,
    tree: crate::git::Oid,
    config_at: &str,
) -> Result<Option<Config>, crate::error::Error> {
    let Some(text) = repo.blob_at(tree, config_at)? else {
        return Ok(None);
    };
    let Ok(text) = String::from_utf8(text) else {
        return Ok(None);
    };
    Ok(config::parse(&text, &repo.root().join(config_at)).ok())
}

/// Split `after` into (introduced, pre-existing) against `before`.
pub fn introduced(before: &[Finding], after: Vec<Finding>) -> (Vec<Finding>, Vec<Finding>) {
    let known: std::collections::HashSet<_> = before.iter().map(Finding::identity).collect();
    after
        .into_iter()
        .partition(|f| !known.contains(&f.identity()))
}
