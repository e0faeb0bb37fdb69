//! The drift half of the gate: findings at head that the merge base did
//! not have, and the problems of the change itself (`gate/config`,
//! `gate/environment`): a config, `[review]` or policy the change leaves
//! invalid, and guarded files the drift engine cannot read.

use std::path::Path;

use git2::Oid;

use super::identity::Mailmap;
use super::review::Review;
use crate::commands::compare::compare_with;
use crate::config::{self, Config};
use crate::error::Error;
use crate::finding::{Finding, Severity};
use crate::git::{Change, Repo};
use crate::policy::Policy;

/// The policy a config names, its globs anchored to the repository root
/// `tree_root` (so `../policies/*.toml` of a config in a subdirectory is
/// found, and one leading out of the repository is an error).
///
/// # Errors
/// When a policy file is missing or invalid, or a glob escapes.
pub(super) fn load_policy(c: &Config, tree_root: &Path) -> Result<Policy, Error> {
    crate::commands::setup::load_policy_in(c, Some(tree_root))
}

/// Findings at head that the merge base did not have, matched by rule,
/// environments, file, document and key (values and lines may move).
pub(super) fn introduced(
    base: &Config,
    head: &Config,
    policy: &Policy,
    base_dirs: &[&Path],
    head_dir: &Path,
) -> Result<(Vec<Finding>, Vec<Finding>), Error> {
    // Without inline allows on either side: an allow comment is part of the
    // change it would waive (pre-existing allowed drift matches as
    // pre-existing; policy waivers, read from the base, still apply).
    let mut judged = policy.clone();
    judged.inline_allows = false;
    let at = |c: &Config, dir: &Path| {
        compare_with(Some(c), &judged, dir, "gate", &[], false).map(|r| r.findings)
    };
    // At the merge base an environment may not exist yet: nothing to compare.
    // (A merge being committed: what it merges in is a base too.)
    let mut before = Vec::new();
    for dir in base_dirs {
        match at(base, dir) {
            Ok(f) => before.extend(f),
            Err(Error::EmptyEnv { .. } | Error::EnvRoot { .. } | Error::NothingCompared { .. }) => {
            }
            Err(e) => return Err(e),
        }
    }
    // At head, an environment that cannot be compared any more (its root
    // deleted or emptied) must not hide what it holds: it is an error.
    let after = match at(head, head_dir) {
        Ok(f) => f,
        Err(
            e @ (Error::EmptyEnv { .. } | Error::EnvRoot { .. } | Error::NothingCompared { .. }),
        ) => {
            vec![gate_finding(
                "gate/environment",
                format!("at head, {e}: the change leaves an environment that cannot be compared"),
                "restore the environment, or remove it from driftcheck.toml in a reviewed change of its own",
            )]
        }
        Err(e) => return Err(e),
    };
    let known: std::collections::HashSet<_> = before.iter().map(Finding::identity).collect();
    let (pre, new): (Vec<Finding>, Vec<Finding>) = after
        .into_iter()
        .partition(|f| known.contains(&f.identity()));
    Ok((new, pre))
}

/// A finding about the change itself (no environment, no key).
pub(super) fn gate_finding(rule: &str, message: String, help: &str) -> Finding {
    Finding::other(rule, Severity::Error, message, String::new(), help)
}

/// The config, `[review]` and policy as the change leaves them must be
/// valid, by the same rules as the merge base's: a change that breaks them
/// would pass here and leave every later check failing (exit 2 on every
/// pull request).
pub(super) fn head_config_problems(
    repo: &Repo,
    head_tree: Oid,
    config_at: &str,
    head_dir: &Path,
    mailmap: &Mailmap,
) -> Vec<Finding> {
    let Some(text) = repo.blob_at(head_tree, config_at) else {
        return vec![gate_finding(
            "gate/config",
            format!("the change removes {config_at}"),
            "keep driftcheck.toml, or remove driftcheck in a reviewed change of its own",
        )];
    };
    let parsed = config::parse(&String::from_utf8_lossy(&text), &head_dir.join(config_at))
        .and_then(|c| {
            load_policy(&c, head_dir)?;
            Review::from_config(&c, head_dir, mailmap)?;
            // Every environment the head declares must be listable: one that
            // is not (a missing or file root, no files) would pass here and
            // refuse every later change. Rendered ones are run by the
            // comparison itself.
            let listed: Vec<_> = c
                .envs
                .iter()
                .filter(|e| !matches!(e.selection, crate::env::Selection::Render { .. }))
                .cloned()
                .collect();
            crate::commands::setup::environments(&c.root, &listed, &c.formats).map(|_| ())
        });
    match parsed {
        Ok(()) => Vec::new(),
        Err(e) => vec![gate_finding(
            "gate/config",
            format!(
                "at head, driftcheck's config, [review] or policy is invalid: {}",
                e.to_string()
                    .replace(&format!("{}/", head_dir.display()), "")
            ),
            "fix the config or policy file in this change",
        )],
    }
}

/// Guarded changes the drift engine cannot read, so could not compare.
///
/// Rule: every object the change puts where an environment reads must be
/// content the engine reads as such, or the change is refused
/// (`gate/config`): it could hide an introduced error. Not readable:
/// - a name that is not UTF-8 (a tree written out skips it);
/// - a file under a directory every walk skips (`target/`, `node_modules/`, ...);
/// - a **submodule** (gitlink, mode 160000): its content is another
///   repository's commit, written out as an empty directory;
/// - a **Git LFS pointer** in any spelling git-lfs accepts (its content is
///   elsewhere; comparing the pointer compares nothing): see [`lfs_pointer`].
pub(super) fn unreadable(repo: &Repo, changes: &[Change], review: &Review) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in changes
        .iter()
        .filter(|c| c.new_mode != 0 && review.read_by_engine(&c.path))
    {
        let why = if !c.readable() {
            Some("its name is not UTF-8".to_string())
        } else if let Some(dir) = c
            .path
            .split('/')
            .rev()
            .skip(1)
            .find(|d| matches!(*d, ".git" | ".hg" | ".svn" | "node_modules" | "target"))
        {
            Some(format!(
                "it is under `{dir}/`, which the drift engine never reads"
            ))
        } else if c.new_mode == 0o160000 {
            Some(
                "it is a submodule (gitlink): its content is another repository's commit, not in this one"
                    .to_string(),
            )
        } else if c.new_mode != 0o120000 && repo.blob(c.new_id).is_some_and(|b| lfs_pointer(&b)) {
            Some("it is a Git LFS pointer: its content is not in the repository".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            out.push(gate_finding(
                "gate/config",
                format!(
                    "guarded path `{}` cannot be compared: {why}",
                    crate::report::escape(&c.path, 200)
                ),
                "rename or move the file where the environments are read (UTF-8 names, no ignored directories, no LFS), so its drift can be checked",
            ));
        }
    }
    out
}

/// Whether `blob` is a Git LFS pointer as git-lfs reads one: small, a first
/// line `version <url>` naming any of the spec's spellings (current
/// `https://git-lfs.github.com/spec/v1`, the legacy aliases
/// `https://hawser.github.com/spec/v1` and `http://git-media.io/v/2`, any
/// future version), then `oid` and `size` lines; LF or CRLF line ends.
/// Erring on the side of "pointer" refuses a file, never hides one.
pub(super) fn lfs_pointer(blob: &[u8]) -> bool {
    if blob.len() > 1024 {
        return false;
    }
    let Ok(text) = std::str::from_utf8(blob) else {
        return false;
    };
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let Some(version) = lines.next().and_then(|l| l.strip_prefix("version ")) else {
        return false;
    };
    let version = version.trim().to_ascii_lowercase();
    let known = version.starts_with("https://git-lfs.github.com/spec/")
        || version.starts_with("https://hawser.github.com/spec/")
        || version.starts_with("http://git-media.io/v/");
    let keys: Vec<&str> = lines
        .filter_map(|l| l.split_once(' ').map(|(k, _)| k))
        .collect();
    known || (version.starts_with("http") && keys.contains(&"oid") && keys.contains(&"size"))
}

#[cfg(test)]
mod tests {
    use super::lfs_pointer;

    #[test]
    fn lfs_pointers_in_every_spelling() {
        let oid = format!("oid sha256:{}", "0".repeat(64));
        for version in [
            "https://git-lfs.github.com/spec/v1",
            "https://hawser.github.com/spec/v1",
            "http://git-media.io/v/2",
            "https://git-lfs.github.com/spec/v2",
            "https://example.com/lfs/spec/v9",
        ] {
            for eol in ["\n", "\r\n"] {
                let p = format!("version {version}{eol}{oid}{eol}size 10{eol}");
                assert!(lfs_pointer(p.as_bytes()), "{p:?}");
            }
        }
        for not in ["data_path: /x\n", "version: 1\noid: 2\nsize: 3\n", ""] {
            assert!(!lfs_pointer(not.as_bytes()), "{not:?}");
        }
    }
}
