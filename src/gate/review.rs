//! `[review]` from the merge base's `driftcheck.toml`: which paths are
//! guarded, which trailers carry sign-offs, how many, from whom.

use std::path::Path;

use globset::GlobSet;

use super::identity::Mailmap;
use super::signed::{SignedMode, Signing};
use crate::config::{Config, RawReview};
use crate::env::{Selection, relative};
use crate::error::{Error, did_you_mean};

/// The gate's settings, validated.
///
/// Paths: every glob and path in `driftcheck.toml` is relative to its
/// directory; the gate anchors them to the repository root with `.` and
/// `..` resolved by name ([`anchor`]) and refuses one that leaves the
/// repository. Matching ignores letter case (a checkout on a
/// case-insensitive disk reads `Deploy/prod/app.yaml` as `deploy/prod/...`),
/// so case-only variants of guarded paths are guarded too. Links met on
/// the way to what the config names are followed ([`super::links`]).
#[derive(Debug)]
pub struct Review {
    guard: Guard,
    /// What the config names, repository-relative: `(path, is a directory)`
    /// (environment roots, layers and file lists); links are followed
    /// from these by [`Review::follow_links`].
    sources: Vec<(String, bool)>,
    /// `[review] paths`, anchored (links are followed from their prefixes).
    path_globs: Vec<String>,
    /// Guarded by following links: directories and files (lowercased).
    linked: super::links::Closure,
    /// More globs guarded because links lead there.
    linked_globs: GlobSet,
    /// `driftcheck.toml` itself (repository-relative).
    always: Vec<String>,
    /// The policy files' globs (repository-relative).
    policy: GlobSet,
    /// Trailer keys that carry sign-offs (compared case-insensitively).
    pub trailers: Vec<String>,
    /// The base requirement.
    pub base: Requirement,
    /// `[[review.rule]]`: path-scoped requirements (globs anchored; a
    /// rule's set grows as [`Review::follow_links`] follows its links).
    pub rules: Vec<(GlobSet, Vec<String>, Requirement)>,
    /// The anchored globs of each rule, for following links.
    rule_globs: Vec<Vec<String>>,
    /// Policy globs, anchored to the repository root.
    pub policy_globs: Vec<String>,
    /// Every counted sign-off must carry the current digest.
    pub bind_digest: bool,
    /// `@group` → canonical member emails.
    groups: std::collections::BTreeMap<String, Vec<String>>,
    mailmap: Mailmap,
    /// `[review] signers` and `signed` (see [`super::signed`]).
    pub signing: Signing,
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
    /// A merge's requirement: only sign-offs on the merge (this index in
    /// the range) or on a later commit that contains it count.
    pub after: Option<usize>,
    /// The changed paths it is about (`None`: the whole change); each
    /// needs `required` people whose sign-offs cover it.
    pub paths: Option<Vec<String>>,
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
            sources: Vec::new(),
            path_globs: Vec::new(),
            linked: Default::default(),
            linked_globs: GlobSet::empty(),
            rule_globs: Vec::new(),
            policy_globs: Vec::new(),
            always: Vec::new(),
            policy: GlobSet::empty(),
            trailers: DEFAULT_TRAILERS.map(String::from).to_vec(),
            base: Requirement {
                source: "default (no driftcheck.toml at the merge base)".into(),
                required: 1,
                reviewers: Vec::new(),
                after: None,
                paths: None,
            },
            rules: Vec::new(),
            bind_digest: false,
            groups: Default::default(),
            mailmap: Mailmap::default(),
            signing: Signing::default(),
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
        let err = |message: String| Error::config(&config.path, 0, format!("[review] {message}"));
        let shown = config.path.display().to_string();
        let expand = |list: &[String]| expand_reviewers(&raw.groups, list, mailmap, &err);
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
            signers,
            signed,
            ..
        } = &raw;
        let bind_digest = bind_digest(bind.as_deref(), &err)?;
        let trailers = trailer_keys(trailers.as_deref(), &err)?;
        // Everything in `driftcheck.toml` is relative to its directory; the
        // gate compares repository-relative paths.
        let dir = match relative(&config.root, tree_root).trim_end_matches('/') {
            "." => String::new(),
            p => p.to_string(),
        };
        let anchored = |globs: &[String], what: &str| -> Result<Vec<String>, Error> {
            globs
                .iter()
                .map(|g| anchor(&dir, g).map_err(|why| err(format!("{what} `{g}` {why}"))))
                .collect()
        };
        let path_globs = match paths {
            Some(globs) => anchored(globs, "paths:")?,
            None => Vec::new(),
        };
        let guard = match paths {
            Some(_) => Guard::Globs(case_blind(&path_globs, &shown)?),
            None => default_guard(config, tree_root),
        };
        let policy_globs = anchored(&config.policies, "policies:")?;
        let policy = case_blind(&policy_globs, &shown)?;
        let mut always = vec![repo_relative(&config.path, tree_root)];
        let signing = signing(signed.as_deref(), signers.as_deref(), &dir, mailmap, &err)?;
        // Who may sign is config too: a change to allowed_signers needs sign-off.
        always.extend(signing.signers.iter().cloned());
        let (rules, rule_globs) = review_rules(
            rule,
            reviewers.as_deref().unwrap_or_default(),
            &shown,
            &anchored,
            &expand,
            &required,
            &err,
        )?;
        Ok(Review {
            guard,
            sources: sources(config, tree_root),
            path_globs,
            linked: Default::default(),
            linked_globs: GlobSet::empty(),
            rule_globs,
            policy_globs,
            always,
            policy,
            trailers,
            base: Requirement {
                source: "[review]".into(),
                required: required(*base_required, "")?,
                reviewers: expand(reviewers.as_deref().unwrap_or_default())?,
                after: None,
                paths: None,
            },
            rules,
            bind_digest,
            groups: raw
                .groups
                .iter()
                .map(|(k, v)| (k.clone(), v.iter().map(|m| mailmap.canonical(m)).collect()))
                .collect(),
            mailmap: mailmap.clone(),
            signing,
        })
    }

    /// Whether a repository-relative path is guarded config. Compared in
    /// one spelling ([`fold`]: NFC, lowercase), and globs are tried on both
    /// the path as recorded and that spelling, so a variant a
    /// case-insensitive or normalising disk reads as the same file is
    /// guarded like it.
    pub fn guarded(&self, path: &str) -> bool {
        // Who may approve, and how files are filtered into the tree
        // (`.gitattributes` can add a filter or textconv), are config too;
        // so are driftcheck.toml and the policy files, whatever `paths` says.
        let lower = fold(path);
        if matches!(lower.as_str(), ".mailmap" | ".gitattributes")
            || lower.ends_with("/.gitattributes")
            || self.always.iter().any(|f| fold(f) == lower)
            || self.policy.is_match(path)
            || self.policy.is_match(&lower)
            || self.linked.everything
            || self.linked.files.contains(&lower)
            || self.linked.dirs.iter().any(|d| under(&lower, d))
            || self.linked_globs.is_match(path)
            || self.linked_globs.is_match(&lower)
            // A `[[review.rule]]`'s paths are guarded paths too, wherever
            // they lie: a rule that can never see a change never asks.
            || self
                .rules
                .iter()
                .any(|(set, _, _)| set.is_match(path) || set.is_match(&lower))
        {
            return true;
        }
        match &self.guard {
            Guard::Everything => true,
            Guard::Globs(g) => g.is_match(path) || g.is_match(&lower),
            Guard::Sources { dirs, files } => {
                files.iter().any(|f| fold(f) == lower)
                    || dirs.iter().any(|d| under(&lower, &fold(d)))
            }
        }
    }

    /// Whether the drift engine reads `path`: it lies under an
    /// environment's root (or where a link there leads) or is one of its
    /// files. Only those can hide an introduced finding when unreadable.
    pub fn read_by_engine(&self, path: &str) -> bool {
        let lower = fold(path);
        self.sources.iter().any(|(p, dir)| {
            let p = fold(p);
            if *dir { under(&lower, &p) } else { lower == p }
        }) || self.linked.dirs.iter().any(|d| under(&lower, d))
            || self.linked.files.contains(&lower)
    }

    /// Follow the links met resolving what the config names, in each of
    /// `trees` (the merge base's and the head's): see [`super::links`].
    ///
    /// # Errors
    /// When a glob made from a link target is invalid, or a tree on the
    /// way is malformed.
    pub fn follow_links(
        &mut self,
        repo: &crate::git::Repo,
        trees: &[crate::git::Oid],
    ) -> Result<(), Error> {
        let mut closure = super::links::Closure::default();
        let mut globs: Vec<String> = Vec::new();
        for &tree in trees {
            for (path, dir) in &self.sources {
                closure.add(repo, tree, path, *dir)?;
            }
            for g in &self.path_globs {
                globs.extend(follow_glob(repo, tree, g, &mut closure)?);
            }
        }
        for (i, rule) in self.rule_globs.iter().enumerate() {
            let mut own = super::links::Closure::default();
            let mut extra: Vec<String> = rule.clone();
            for &tree in trees {
                for g in rule {
                    extra.extend(follow_glob(repo, tree, g, &mut own)?);
                }
            }
            extra.extend(own.files.iter().cloned());
            extra.extend(own.dirs.iter().map(|d| format!("{d}/**")));
            if own.everything {
                extra.push("**".into());
            }
            self.rules[i].0 = case_blind(&extra, "driftcheck.toml")?;
            closure.files.extend(own.files);
            closure.dirs.extend(own.dirs);
            closure.everything |= own.everything;
        }
        closure.files = closure.files.iter().map(|f| fold(f)).collect();
        closure.dirs = closure.dirs.iter().map(|d| fold(d)).collect();
        self.linked_globs = case_blind(&globs, "driftcheck.toml")?;
        self.linked = closure;
        Ok(())
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
/// (Links are followed in the trees by [`Review::follow_links`].)
fn default_guard(config: &Config, tree_root: &Path) -> Guard {
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for (path, dir) in sources(config, tree_root) {
        if dir {
            dirs.push(path);
        } else {
            files.push(path);
        }
    }
    if config
        .envs
        .iter()
        .any(|e| matches!(e.selection, Selection::Render { .. }))
    {
        return Guard::Everything;
    }
    Guard::Sources { dirs, files }
}

/// What the environments name, repository-relative: `(path, directory)`.
fn sources(config: &Config, tree_root: &Path) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for e in &config.envs {
        match &e.selection {
            Selection::Root { dir, .. } => out.push((repo_relative(dir, tree_root), true)),
            Selection::Layers(list) | Selection::Files(list) => {
                out.extend(list.iter().map(|l| (repo_relative(l, tree_root), false)));
            }
            Selection::Render { .. } => {}
        }
    }
    out
}

/// One spelling of a path for comparison: Unicode NFC, lowercase.
fn fold(path: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    if path.is_ascii() {
        return path.to_ascii_lowercase();
    }
    path.nfc()
        .collect::<String>()
        .to_lowercase()
        .nfc()
        .collect()
}

/// Whether `path` is `dir` or under it (`""`: everything).
fn under(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Globs matched regardless of letter case.
fn case_blind(globs: &[String], what: &str) -> Result<GlobSet, Error> {
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        let glob = globset::GlobBuilder::new(g)
            .case_insensitive(true)
            .build()
            .map_err(|e| {
                Error::config(
                    &std::path::PathBuf::from(what),
                    0,
                    format!("invalid glob `{g}`: {}", e.kind()),
                )
            })?;
        b.add(glob);
    }
    b.build()
        .map_err(|e| Error::config(&std::path::PathBuf::from(what), 0, e.to_string()))
}

/// Follow the links on `glob`'s literal prefix in `tree`: the links are
/// guarded (in `closure`), and the glob rewritten onto where they lead is
/// returned.
fn follow_glob(
    repo: &crate::git::Repo,
    tree: crate::git::Oid,
    glob: &str,
    closure: &mut super::links::Closure,
) -> Result<Vec<String>, Error> {
    let (prefix, rest) = super::links::literal_prefix(glob);
    let r = super::links::resolve(repo, tree, prefix)?;
    let mut out = Vec::new();
    if !r.links.is_empty() {
        closure.files.extend(r.links.iter().cloned());
        if let Some(target) = &r.target {
            out.push(match (target.as_str(), rest) {
                ("", r) => r.to_string(),
                (t, "") => t.to_string(),
                (t, r) => format!("{t}/{r}"),
            });
        }
    }
    // Links inside the globbed directory lead elsewhere: follow them too.
    if let Some(target) = r.target {
        for (link, _) in repo.links_under(tree, &target)? {
            closure.add(repo, tree, &link, false)?;
        }
    }
    Ok(out)
}

pub use crate::env::anchor;

/// `path` relative to `tree_root`, with `.` and `..` resolved by name (the
/// tree's symlinks are not followed: they are what a change may edit).
fn repo_relative(path: &Path, tree_root: &Path) -> String {
    crate::env::lexical(path.strip_prefix(tree_root).unwrap_or(path))
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A rule's anchored globs, matched case-blind, its paths as written, and
/// what it requires.
type ReviewRule = (GlobSet, Vec<String>, Requirement);

/// The `[[review.rule]]`s: each with paths (anchored like every glob of the
/// config), its count and its reviewers (the base list when it names none);
/// and each rule's anchored globs, for following links.
#[allow(clippy::type_complexity)]
fn review_rules(
    rule: &[crate::config::RawReviewRule],
    base_reviewers: &[String],
    shown: &str,
    anchored: &dyn Fn(&[String], &str) -> Result<Vec<String>, Error>,
    expand: &dyn Fn(&[String]) -> Result<Vec<String>, Error>,
    required: &dyn Fn(Option<u32>, &str) -> Result<u32, Error>,
    err: ReviewError<'_>,
) -> Result<(Vec<ReviewRule>, Vec<Vec<String>>), Error> {
    let mut rules = Vec::new();
    let mut rule_globs = Vec::new();
    for (i, r) in rule.iter().enumerate() {
        let what = format!("[[review.rule]] #{}: ", i + 1);
        if r.paths.is_empty() {
            return Err(err(format!("{what}`paths` is empty")));
        }
        let globs = anchored(&r.paths, &format!("{what}paths:"))?;
        let set = case_blind(&globs, shown)?;
        rule_globs.push(globs);
        rules.push((
            set,
            r.paths.clone(),
            Requirement {
                source: format!("[[review.rule]] {}", r.paths.join(", ")),
                required: required(r.required, &what)?,
                reviewers: expand(r.reviewers.as_deref().unwrap_or(base_reviewers))?,
                after: None,
                paths: None,
            },
        ));
    }
    Ok((rules, rule_globs))
}

/// How `[review]` errors are made (naming the config file).
type ReviewError<'a> = &'a dyn Fn(String) -> Error;

/// `reviewers` (or a rule's) as canonical emails: `@group`s expanded from
/// `[review.groups]`, every address mapped by the base's `.mailmap`. A list
/// that names nobody never widens to "any peer" (config/read.rs,
/// `reviewer_forms`).
fn expand_reviewers(
    groups: &std::collections::BTreeMap<String, Vec<String>>,
    list: &[String],
    mailmap: &Mailmap,
    err: ReviewError<'_>,
) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for r in list {
        if let Some(group) = r.strip_prefix('@') {
            let Some(members) = groups.get(group) else {
                let hint = did_you_mean(group, groups.keys().map(String::as_str))
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
    if !list.is_empty() && out.is_empty() {
        return Err(err(
            "`reviewers` names nobody; omit it to allow any peer".into()
        ));
    }
    Ok(out)
}

/// `bind`: `"digest"` (sign-offs name the digest they approve) or
/// `"commit"` (the default).
fn bind_digest(bind: Option<&str>, err: ReviewError<'_>) -> Result<bool, Error> {
    match bind {
        None | Some("commit") => Ok(false),
        Some("digest") => Ok(true),
        Some(other) => Err(err(format!(
            "`bind = \"{other}\"`: expected \"digest\" or \"commit\""
        ))),
    }
}

/// `trailers`: the sign-off keys (the default when absent); none empty,
/// each a git trailer key.
fn trailer_keys(trailers: Option<&[String]>, err: ReviewError<'_>) -> Result<Vec<String>, Error> {
    match trailers {
        Some([]) => Err(err("`trailers` is empty: no sign-off could count".into())),
        Some(t) => {
            for k in t {
                if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    return Err(err(format!(
                        "trailer key `{k}` is not a git trailer key (letters, digits, `-`)"
                    )));
                }
            }
            Ok(t.to_vec())
        }
        None => Ok(DEFAULT_TRAILERS.map(String::from).to_vec()),
    }
}

/// `signed` and `signers`: how signatures count, and where the allowed
/// signers are (anchored like every path of the config). Requiring
/// signatures without naming who may sign is an error: no key could verify.
fn signing(
    signed: Option<&str>,
    signers: Option<&str>,
    dir: &str,
    mailmap: &Mailmap,
    err: ReviewError<'_>,
) -> Result<Signing, Error> {
    let signing = Signing {
        mode: SignedMode::parse(signed).map_err(err)?,
        signers: signers
            .map(|p| anchor(dir, p).map_err(|why| err(format!("signers: `{p}` {why}"))))
            .transpose()?,
        allowed: None,
        mailmap: std::sync::Arc::new(mailmap.clone()),
        memo: None,
    };
    if signing.mode == SignedMode::Required && signing.signers.is_none() {
        return Err(err(
            "`signed = \"required\"` needs `signers = \"path/to/allowed_signers\"`: no key could verify a sign-off".into(),
        ));
    }
    Ok(signing)
}
