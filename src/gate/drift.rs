//! The drift half of the gate: findings at head that the merge base did
//! not have, and the problems of the change itself (`gate/config`,
//! `gate/environment`): a config, `[review]` or policy the change leaves
//! invalid, and guarded files the drift engine cannot read.

use std::collections::HashSet;
use std::path::Path;

use crate::git::Oid;

use super::divergence;
use super::identity::Mailmap;
use super::review::Review;
use crate::config::{self, Config};
use crate::error::Error;
use crate::finding::{Finding, Identity, Severity};
use crate::git::{Change, Repo};
use crate::pipeline::compare_in;
use crate::policy::Policy;

/// The policy a config names, its globs anchored to the repository root
/// `tree_root` (so `../policies/*.toml` of a config in a subdirectory is
/// found, and one leading out of the repository is an error).
///
/// # Errors
/// When a policy file is missing or invalid, or a glob escapes.
pub(super) fn load_policy(c: &Config, tree_root: &Path) -> Result<Policy, Error> {
    crate::pipeline::setup::load_policy_in(c, Some(tree_root))
}

/// The drift engine run on one config and written-out tree.
type Compare<'a> = &'a dyn Fn(&Config, &Path) -> Result<Vec<Finding>, Error>;

/// What the drift half compares: the config read at the merge base(s) and
/// at head, the head's own config, the trees written out.
pub(super) struct Sides<'a> {
    pub repo: &'a Repo,
    /// The merge base's config, read against the merge base (the first of
    /// `base_dirs`); every other tree gets it [`Config::rebased`].
    pub base: &'a Config,
    /// The merge base's config read against the head.
    pub head: &'a Config,
    /// The head's own `driftcheck.toml`, if it has a valid one and it may
    /// differ from the merge base's.
    pub head_own: Option<&'a Config>,
    pub policy: &'a Policy,
    /// The merge base written out, then anything merged in (a merge being
    /// committed: what it merges in is a base too).
    pub base_dirs: &'a [&'a Path],
    pub head_dir: &'a Path,
    pub head_tree: Oid,
    /// `Some` when the trees are written out only where the change can
    /// reach ([`super::scope`]): the head's paths written. An environment
    /// may then have no file in a tree.
    pub sparse: Option<&'a HashSet<String>>,
    /// Environments the merge base cannot list ([`unlistable`]): left out
    /// of every comparison but the one of environments new at head.
    pub broken: &'a [String],
}

/// The environments of `c` (not rendered) that cannot be listed: a root
/// that is missing, a file, or holds nothing.
pub(super) fn unlistable(c: &Config) -> Vec<String> {
    c.envs
        .iter()
        .filter(|e| !matches!(e.selection, crate::env::Selection::Render { .. }))
        .filter(|e| {
            matches!(
                crate::pipeline::setup::environments(&c.root, std::slice::from_ref(e), &c.formats),
                Err(Error::EmptyEnv { .. } | Error::EnvRoot { .. } | Error::NothingCompared { .. })
            )
        })
        .map(|e| e.name.clone())
        .collect()
}

/// `c` without the environments named in `skip`.
fn without(mut c: Config, skip: &[String]) -> Config {
    c.envs.retain(|e| !skip.contains(&e.name));
    c
}

/// Findings the change introduces, and the pre-existing ones.
///
/// Rule (the class: the change controls finding identities, so matching
/// identities between base and head lets it hide drift by renaming a file
/// or a document, respelling an environment's name, or reusing an old
/// finding's identity): **each environment is compared with its own value
/// at the base** ([`divergence::self_diff`]: per environment, per key path,
/// raw, Kubernetes documents followed wherever they live), with inline
/// allows off and the base's policy and waivers. A finding at head is
/// pre-existing only if the same divergence existed at a base: a base
/// finding with the same rule, environments, file, document and key, *and*
/// no environment it involves changed there (so the same values and
/// fingerprints). Anything else is introduced. On top of that:
/// - files and documents an environment renamed or moved (lost where the
///   others still have them, gained where no other has) are put back where
///   the base had them in an **aligned head**, compared the same way
///   ([`divergence::alignment`]);
/// - a value whose only change is the spelling of its environment's name,
///   in one environment only, is introduced ([`divergence::respellings`]);
/// - an environment the head's config adds has no base: every finding it
///   is part of is introduced.
///
/// Also returns what the change did to each environment (the merge base's
/// [`divergence::SelfDiff`]), so `on_change` rules judge the same
/// comparison instead of making it again.
pub(super) fn introduced(s: &Sides<'_>) -> Result<Introduced, Error> {
    // Without inline allows on either side: an allow comment is part of the
    // change it would waive (pre-existing allowed drift matches as
    // pre-existing; policy waivers, read from the base, still apply).
    let mut judged = s.policy.clone();
    judged.inline_allows = false;
    let partial = s.sparse.is_some();
    let at = |c: &Config, dir: &Path| {
        compare_in(Some(c), &judged, dir, "gate", &[], false, partial).map(|r| r.findings)
    };
    // At a base an environment may not exist yet: nothing to compare.
    let absent = |e: &Error| {
        matches!(
            e,
            Error::EmptyEnv { .. } | Error::EnvRoot { .. } | Error::NothingCompared { .. }
        )
    };
    let head = without(s.head.clone(), s.broken);
    let mut bases = Vec::new();
    for dir in s.base_dirs {
        let c = without(s.base.rebased(s.base_dirs[0], dir), s.broken);
        let found = match at(&c, dir) {
            Ok(f) => f,
            Err(e) if absent(&e) => Vec::new(),
            Err(e) => return Err(e),
        };
        let ids: HashSet<Identity> = found.iter().map(Finding::identity).collect();
        let diffs = divergence::self_diff(&c, &head, partial)?;
        bases.push((ids, diffs, c));
    }
    // At head, an environment that cannot be compared any more (its root
    // deleted or emptied) must not hide what it holds: it is an error.
    let after = match at(&head, s.head_dir) {
        Ok(f) => f,
        Err(e) if absent(&e) => {
            vec![gate_finding(
                "gate/environment",
                format!("at head, {e}: the change leaves an environment that cannot be compared"),
                "restore the environment, or remove it from driftcheck.toml in a reviewed change of its own",
            )]
        }
        Err(e) => return Err(e),
    };
    let preexisting = |f: &Finding| {
        bases
            .iter()
            .any(|(ids, diffs, _)| divergence::same_divergence(f, ids, diffs))
    };
    let (pre, mut new): (Vec<Finding>, Vec<Finding>) =
        after.iter().cloned().partition(|f| preexisting(f));
    let mut seen: HashSet<Identity> = new.iter().map(Finding::identity).collect();
    let mut add = |new: &mut Vec<Finding>, f: Finding| {
        if seen.insert(f.identity()) {
            new.push(f);
        }
    };
    if let Some((_, diffs, _)) = bases.first() {
        // A respelling counts when every base sees it (what a merge being
        // committed brings in is not its own).
        for f in divergence::respellings(&head, diffs) {
            let everywhere = bases[1..].iter().all(|(_, d, _)| {
                divergence::respellings(&head, d)
                    .iter()
                    .any(|g| g.identity() == f.identity())
            });
            if everywhere {
                add(&mut new, f);
            }
        }
    }
    if let Some((_, diffs, c)) = bases.first() {
        for f in aligned(s, &at, &after, (diffs, c))? {
            if !bases
                .iter()
                .any(|(ids, diffs, _)| divergence::same_divergence(&f, ids, diffs))
            {
                add(&mut new, f);
            }
        }
    }
    for f in new_environments(s, &at) {
        add(&mut new, f);
    }
    let changes = bases.into_iter().next().map(|(_, diffs, _)| diffs);
    Ok((new, pre, changes))
}

/// Findings introduced, pre-existing, and what the change did to each
/// environment at the merge base ([`introduced`]).
pub(super) type Introduced = (Vec<Finding>, Vec<Finding>, Option<divergence::SelfDiff>);

/// The findings of the aligned head (renamed and moved files and documents
/// put back where the base had them), or none when nothing moved.
fn aligned(
    s: &Sides<'_>,
    at: Compare<'_>,
    after: &[Finding],
    (diffs, base): (&divergence::SelfDiff, &Config),
) -> Result<Vec<Finding>, Error> {
    let head = without(s.head.clone(), s.broken);
    let edits = divergence::alignment(after, diffs, base, &head, s.head_dir);
    if edits.is_empty() {
        return Ok(Vec::new());
    }
    let tree = crate::git::rebuilt(s.repo, s.head_tree, &edits)?;
    let dir = crate::git::scratch::Scratch::new("aligned")?;
    let c = without(s.base.rebased(s.base_dirs[0], dir.path()), s.broken);
    match s.sparse {
        None => crate::git::mount(s.repo, tree, dir.path())?,
        Some(written) => {
            // The head's subset, edited: what moved stays in the subset.
            let mut paths: Vec<&str> = written.iter().map(String::as_str).collect();
            for e in &edits {
                match e {
                    crate::git::Edit::Move { to, .. } => paths.push(to),
                    crate::git::Edit::Write { path, .. } => paths.push(path),
                }
            }
            crate::git::mount_paths(s.repo, tree, paths, dir.path())?;
            for e in &c.envs {
                if let crate::env::Selection::Root { dir, .. } = &e.selection {
                    crate::source::create_dir_all(dir).map_err(|source| Error::Io {
                        path: dir.clone(),
                        source,
                    })?;
                }
            }
        }
    }
    // Findings there are judged against the bases with the aligned
    // environments' own changes.
    let found = at(&c, dir.path()).unwrap_or_default();
    let aligned_diffs = divergence::self_diff(base, &c, s.sparse.is_some())?;
    // Only what an environment the change touched takes part in; the rest
    // is the head's comparison again.
    Ok(found
        .into_iter()
        .filter(|f| {
            f.envs
                .iter()
                .filter(|(_, s)| s.is_some())
                .any(|(env, _)| divergence::touched(&aligned_diffs, env, f))
        })
        .collect())
}

/// Findings at head involving an environment the head's config adds: it
/// has no base, so each is introduced. (Its config problems, a root that
/// cannot be listed, are `gate/config` from [`head_config_problems`].)
fn new_environments(s: &Sides<'_>, at: Compare<'_>) -> Vec<Finding> {
    let Some(own) = s.head_own.cloned() else {
        return Vec::new();
    };
    // An environment the base could not list has no base either.
    let head = without(s.head.clone(), s.broken);
    let added: Vec<_> = own
        .envs
        .into_iter()
        .filter(|e| !head.envs.iter().any(|b| b.name == e.name))
        .collect();
    if added.is_empty() {
        return Vec::new();
    }
    let names: Vec<String> = added.iter().map(|e| e.name.clone()).collect();
    let mut extended = head;
    extended.envs.extend(added);
    at(&extended, s.head_dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| {
            f.envs
                .iter()
                .any(|(n, site)| site.is_some() && names.contains(n))
        })
        .collect()
}

/// A finding about the change itself (no environment, no key).
pub(super) fn gate_finding(rule: &str, message: String, help: &str) -> Finding {
    Finding::other(rule, Severity::Error, message, String::new(), help)
}

/// The config, `[review]` and policy as the change leaves them must be
/// valid, by the same rules as the merge base's: a change that breaks them
/// would pass here and leave every later check failing (exit 2 on every
/// pull request). Also the head's own config, read once here, when its
/// text parses (the drift half looks for environments it adds).
pub(super) fn head_config_problems(
    repo: &Repo,
    (head_tree, config_at): (Oid, &str),
    head_dir: &Path,
    mailmap: &Mailmap,
    broken: &[String],
) -> (Vec<Finding>, Option<Config>) {
    let text = match repo.blob_at(head_tree, config_at) {
        Ok(text) => text,
        // Unreadable is not removed: the gate refuses, naming the object.
        Err(e) => {
            return (
                vec![gate_finding(
                    "gate/config",
                    e.to_string(),
                    "fetch every object of the change (a partial clone cannot be judged)",
                )],
                None,
            );
        }
    };
    let Some(text) = text else {
        return (
            vec![gate_finding(
                "gate/config",
                format!("the change removes {config_at}"),
                "keep driftcheck.toml, or remove driftcheck in a reviewed change of its own",
            )],
            None,
        );
    };
    let parsed = config::parse_in(&String::from_utf8_lossy(&text), head_dir, config_at);
    let valid = |c: &Config| -> Result<(), Error> {
        load_policy(c, head_dir)?;
        Review::from_config(c, head_dir, mailmap)?;
        // Every environment the head declares must be listable: one that
        // is not (a missing or file root, no files) would pass here and
        // refuse every later change. Rendered ones are run by the
        // comparison itself.
        let listed: Vec<_> = c
            .envs
            .iter()
            .filter(|e| !matches!(e.selection, crate::env::Selection::Render { .. }))
            // One the merge base could not list either is not this
            // change's doing (it must not block every later change).
            .filter(|e| !broken.contains(&e.name))
            .cloned()
            .collect();
        crate::pipeline::setup::environments(&c.root, &listed, &c.formats).map(|_| ())
    };
    let checked = match &parsed {
        Ok(c) => valid(c).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let problems = match checked {
        Ok(()) => Vec::new(),
        Err(e) => vec![gate_finding(
            "gate/config",
            format!(
                "at head, driftcheck's config, [review] or policy is invalid: {}",
                e.replace(&format!("{}/", head_dir.display()), "")
            ),
            "fix the config or policy file in this change",
        )],
    };
    (problems, parsed.ok())
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
///   elsewhere; comparing the pointer compares nothing): see [`lfs_pointer`];
/// - a **symbolic link that leads nowhere** in the head's tree (dangling,
///   absolute, or out of the repository; links followed by name up to 40
///   hops): the engine reads nothing there.
pub(super) fn unreadable(
    repo: &Repo,
    head_tree: Oid,
    changes: &[Change],
    review: &Review,
) -> Vec<Finding> {
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
        } else if c.new_mode == 0o120000 && !resolves(repo, head_tree, &c.path) {
            Some(
                "it is a symbolic link that leads to nothing in the repository (dangling, absolute or outside it)"
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
                    crate::text::escape(&c.path, 200)
                ),
                "rename or move the file where the environments are read (UTF-8 names, no ignored directories, no LFS), so its drift can be checked",
            ));
        }
    }
    out
}

/// Whether `path` in `tree` leads to an entry of the tree: every component
/// looked up by name, each link met (at any depth) followed relative to
/// its directory, at most 40 hops; absolute targets and `..` above the
/// root lead nowhere.
fn resolves(repo: &Repo, tree: Oid, path: &str) -> bool {
    let mut todo: std::collections::VecDeque<String> =
        path.split('/').map(str::to_string).collect();
    let mut done: Vec<String> = Vec::new();
    let mut hops = 0;
    while let Some(part) = todo.pop_front() {
        match part.as_str() {
            "" | "." => continue,
            ".." => {
                if done.pop().is_none() {
                    return false;
                }
                continue;
            }
            _ => {}
        }
        let here = if done.is_empty() {
            part.clone()
        } else {
            format!("{}/{part}", done.join("/"))
        };
        // A malformed tree on the way (`Repo::tree`) leads nowhere; the
        // gate's reads of that tree refuse it.
        match repo.entry_at(tree, &here).ok().flatten() {
            None => return false,
            Some((0o120000, id)) => {
                hops += 1;
                let Some(target) = repo.blob(id) else {
                    return false;
                };
                let target = String::from_utf8_lossy(&target).into_owned();
                if hops > 40 || target.starts_with('/') {
                    return false;
                }
                for t in target.split('/').rev() {
                    todo.push_front(t.to_string());
                }
            }
            Some(_) => done.push(part),
        }
    }
    true
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
