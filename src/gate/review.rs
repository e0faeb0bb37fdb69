//! `[review]` from the merge base's `driftcheck.toml`: which paths are
//! guarded, which trailers carry sign-offs, how many, from whom.

use std::path::Path;

use globset::GlobSet;

use super::identity::Mailmap;
use crate::config::{Config, RawReview};
use crate::env::{Selection, glob_set, relative};
use crate::error::{Error, did_you_mean};

/// The gate's settings, validated.
#[derive(Debug)]
pub struct Review {
    guard: Guard,
    /// `driftcheck.toml` itself (repository-relative).
    always: Vec<String>,
    /// The policy files' globs (repository-relative).
    policy: GlobSet,
    /// Trailer keys that carry sign-offs (compared case-insensitively).
    pub trailers: Vec<String>,
    /// The base requirement.
    pub base: Requirement,
    /// `[[review.rule]]`: path-scoped requirements.
    pub rules: Vec<(GlobSet, Vec<String>, Requirement)>,
    /// Every counted sign-off must carry the current digest.
    pub bind_digest: bool,
    /// `@group` → canonical member emails.
    groups: std::collections::BTreeMap<String, Vec<String>>,
    mailmap: Mailmap,
}

/// `required` sign-offs from `reviewers` (canonical emails; empty: any peer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// What asks for it.
    pub source: String,
    /// How many.
    pub required: u32,
    /// From whom (canonical emails; empty: any peer).
    pub reviewers: Vec<String>,
    /// Only sign-offs on this commit count (a merge's own sign-off).
    pub on_commit: Option<git2::Oid>,
}

/// Which paths are guarded.
#[derive(Debug)]
enum Guard {
    /// `[review] paths`.
    Globs(GlobSet),
    /// Default: every environment's sources (directories and exact paths,
    /// repository-relative; a symlinked root's target too).
    Sources {
        dirs: Vec<String>,
        files: Vec<String>,
    },
    /// No config at the merge base: everything.
    Everything,
}

/// The default trailer keys.
pub const DEFAULT_TRAILERS: [&str; 2] = ["Reviewed-by", "Approved-by"];

impl Review {
    /// Everything guarded, one sign-off from any peer: the gate's answer
    /// when the merge base has no `driftcheck.toml` (fail closed).
    pub fn everything() -> Review {
        Review {
            guard: Guard::Everything,
            always: Vec::new(),
            policy: GlobSet::empty(),
            trailers: DEFAULT_TRAILERS.map(String::from).to_vec(),
            base: Requirement {
                source: "default (no driftcheck.toml at the merge base)".into(),
                required: 1,
                reviewers: Vec::new(),
                on_commit: None,
            },
            rules: Vec::new(),
            bind_digest: false,
            groups: Default::default(),
            mailmap: Mailmap::default(),
        }
    }

    /// Reviewers as canonical emails (`@group`s expanded).
    ///
    /// # Errors
    /// An unknown group or a value that is not an email.
    pub fn expand(&self, list: &[String]) -> Result<Vec<String>, Error> {
        let mut out = Vec::new();
        for r in list {
            if let Some(group) = r.strip_prefix('@') {
                let members = self.groups.get(group).ok_or_else(|| {
                    Error::Git(format!(
                        "a policy names reviewer group `@{group}`, which [review.groups] does not declare"
                    ))
                })?;
                out.extend(members.iter().cloned());
            } else if r.contains('@') {
                out.push(self.mailmap.canonical(r));
            } else {
                return Err(Error::Git(format!(
                    "reviewer `{r}` is neither an email nor an `@group`"
                )));
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Read `[review]` of `config` (as found at the merge base); `tree_root`
    /// is the directory the repository's tree is written out to.
    ///
    /// # Errors
    /// Invalid globs, an unknown `@group`, `required = 0`, an unknown `bind`.
    pub fn from_config(
        config: &Config,
        tree_root: &std::path::Path,
        mailmap: &Mailmap,
    ) -> Result<Review, Error> {
        let raw = config.review.clone().unwrap_or_default();
        let err = |message: String| Error::Config {
            path: config.path.clone(),
            line: 0,
            message: format!("[review] {message}"),
        };
        let shown = config.path.display().to_string();
        let expand = |list: &[String]| -> Result<Vec<String>, Error> {
            let mut out = Vec::new();
            for r in list {
                if let Some(group) = r.strip_prefix('@') {
                    let Some(members) = raw.groups.get(group) else {
                        let hint = did_you_mean(group, raw.groups.keys().map(String::as_str))
                            .map(|s| format!(" (did you mean `@{s}`?)"))
                            .unwrap_or_default();
                        return Err(err(format!(
                            "unknown group `@{group}`{hint}; declare it in [review.groups]"
                        )));
                    };
                    out.extend(members.iter().map(|m| mailmap.canonical(m)));
                } else if r.contains('@') {
                    out.push(mailmap.canonical(r));
                } else {
                    return Err(err(format!(
                        "reviewer `{r}` is neither an email nor an `@group`"
                    )));
                }
            }
            out.sort();
            out.dedup();
            Ok(out)
        };
        let required = |n: Option<u32>, what: &str| -> Result<u32, Error> {
            match n {
                Some(0) => Err(err(format!("{what}`required` must be at least 1"))),
                Some(n) => Ok(n),
                None => Ok(1),
            }
        };
        let RawReview {
            paths,
            trailers,
            required: base_required,
            reviewers,
            bind,
            rule,
            ..
        } = &raw;
        let bind_digest = match bind.as_deref() {
            None | Some("commit") => false,
            Some("digest") => true,
            Some(other) => {
                return Err(err(format!(
                    "`bind = \"{other}\"`: expected \"digest\" or \"commit\""
                )));
            }
        };
        let trailers = match trailers {
            Some(t) if t.is_empty() => {
                return Err(err("`trailers` is empty: no sign-off could count".into()));
            }
            Some(t) => {
                for k in t {
                    if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                        return Err(err(format!(
                            "trailer key `{k}` is not a git trailer key (letters, digits, `-`)"
                        )));
                    }
                }
                t.clone()
            }
            None => DEFAULT_TRAILERS.map(String::from).to_vec(),
        };
        // Everything in `driftcheck.toml` is relative to its directory; the
        // gate compares repository-relative paths.
        let prefix = match relative(&config.root, tree_root).trim_end_matches('/') {
            "" | "." => String::new(),
            p => format!("{p}/"),
        };
        let prefixed = |globs: &[String]| -> Vec<String> {
            globs.iter().map(|g| format!("{prefix}{g}")).collect()
        };
        let guard = match paths {
            Some(globs) => Guard::Globs(glob_set(&prefixed(globs), &shown)?),
            None => default_guard(config, tree_root),
        };
        let policy = glob_set(&prefixed(&config.policies), &shown)?;
        let always = vec![repo_relative(&config.path, tree_root)];
        let mut rules = Vec::new();
        for (i, r) in rule.iter().enumerate() {
            let what = format!("[[review.rule]] #{}: ", i + 1);
            if r.paths.is_empty() {
                return Err(err(format!("{what}`paths` is empty")));
            }
            rules.push((
                glob_set(&prefixed(&r.paths), &shown)?,
                r.paths.clone(),
                Requirement {
                    source: format!("[[review.rule]] {}", r.paths.join(", ")),
                    required: required(r.required, &what)?,
                    reviewers: match &r.reviewers {
                        Some(list) => expand(list)?,
                        None => expand(reviewers.as_deref().unwrap_or_default())?,
                    },
                    on_commit: None,
                },
            ));
        }
        Ok(Review {
            guard,
            always,
            policy,
            trailers,
            base: Requirement {
                source: "[review]".into(),
                required: required(*base_required, "")?,
                reviewers: expand(reviewers.as_deref().unwrap_or_default())?,
                on_commit: None,
            },
            rules,
            bind_digest,
            groups: raw
                .groups
                .iter()
                .map(|(k, v)| (k.clone(), v.iter().map(|m| mailmap.canonical(m)).collect()))
                .collect(),
            mailmap: mailmap.clone(),
        })
    }

    /// Whether a repository-relative path is guarded config.
    pub fn guarded(&self, path: &str) -> bool {
        // Who may approve, and how files are filtered into the tree
        // (`.gitattributes` can add a filter or textconv), are config too;
        // so are driftcheck.toml and the policy files, whatever `paths` says.
        if matches!(path, ".mailmap" | ".gitattributes")
            || path.ends_with("/.gitattributes")
            || self.always.iter().any(|f| f == path)
            || self.policy.is_match(path)
        {
            return true;
        }
        match &self.guard {
            Guard::Everything => true,
            Guard::Globs(g) => g.is_match(path),
            Guard::Sources { dirs, files } => {
                files.iter().any(|f| f == path)
                    || dirs.iter().any(|d| {
                        d.is_empty()
                            || path == d
                            || path
                                .strip_prefix(d.as_str())
                                .is_some_and(|r| r.starts_with('/'))
                    })
            }
        }
    }

    /// Whether this is an explicit or default guard (for messages).
    pub fn describe_guard(&self) -> &'static str {
        match &self.guard {
            Guard::Everything => "every path (no driftcheck.toml at the merge base)",
            Guard::Globs(_) => "[review] paths",
            Guard::Sources { .. } => {
                "the environments' sources, the policy files, driftcheck.toml and .mailmap"
            }
        }
    }
}

/// The default guard: what the environments read. A render command can
/// read anything, so an environment rendered by one guards everything.
fn default_guard(config: &Config, tree_root: &Path) -> Guard {
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for e in &config.envs {
        match &e.selection {
            Selection::Root { dir, .. } => {
                dirs.push(repo_relative(dir, tree_root));
                // A symlinked root reads its target: guard that too.
                if let Ok(target) = std::fs::read_link(dir) {
                    let at = dir.parent().unwrap_or(tree_root).join(target);
                    dirs.push(repo_relative(&at, tree_root));
                }
            }
            Selection::Layers(list) | Selection::Files(list) => {
                files.extend(list.iter().map(|l| repo_relative(l, tree_root)));
            }
            Selection::Render { .. } => return Guard::Everything,
        }
    }
    Guard::Sources { dirs, files }
}

/// `path` relative to `tree_root`, with `.` and `..` resolved by name (the
/// tree's symlinks are not followed: they are what a change may edit).
fn repo_relative(path: &Path, tree_root: &Path) -> String {
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    for c in path.strip_prefix(tree_root).unwrap_or(path).components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(n) => out.push(n.to_os_string()),
            _ => {}
        }
    }
    out.iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
