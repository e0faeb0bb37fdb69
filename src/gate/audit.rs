//! `driftcheck audit`: every commit in a range that changed guarded config,
//! with its digest, its sign-offs and whether they were enough on their own
//! (the per-commit view of the gate: the commit's own author, committer and
//! co-authors are its contributors).
//!
//! Commits are judged one by one in history order, so the trees each
//! shares with its parent are read once.

use super::identity::{Mailmap, parse_signer};
use super::review::Review;
use crate::error::Error;
use crate::git::{self, Repo};
use crate::trailers::{self, Mode};

/// One audited commit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Audited {
    /// Full id.
    pub commit: String,
    /// Author email as recorded.
    pub author: String,
    /// Digest of the commit's own guarded change.
    pub digest: String,
    /// Guarded paths it changed.
    pub paths: Vec<String>,
    /// Sign-offs in its message.
    pub signoffs: Vec<AuditSignoff>,
    /// Whether enough valid peer sign-offs cover it.
    pub passed: bool,
}

/// One sign-off of an audited commit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditSignoff {
    /// Trailer key as written.
    pub key: String,
    /// Value as written.
    pub identity: String,
    /// Canonical email (empty when unreadable).
    pub email: String,
    /// Whether it counts.
    pub counted: bool,
    /// Why (or why not).
    pub reason: String,
}

/// Audit `range` (`A..B`, or a single revision for its whole history).
///
/// # Errors
/// When the repository cannot answer.
pub fn audit(
    repo: &Repo,
    range: &str,
    review: &Review,
    mailmap: &Mailmap,
) -> Result<Vec<Audited>, Error> {
    repo.require_full_history()?;
    let (base, head) = match range.split_once("..") {
        Some((a, b)) => (
            Some(repo.commit_id(if a.is_empty() { "HEAD" } else { a })?),
            repo.commit_id(if b.is_empty() { "HEAD" } else { b })?,
        ),
        None => (None, repo.commit_id(range)?),
    };
    let commits = repo.history(base, head)?;
    let trees: std::collections::HashMap<crate::git::Oid, crate::git::Oid> =
        commits.iter().map(|c| (c.id, c.tree)).collect();
    // One thread, in history order: neighbouring commits share most trees
    // (the cache halves the reads), and libgit2's pack access serialises on
    // a lock anyway (two threads measured slower than one).
    let mut cache = git::TreeCache::default();
    let mut out = Vec::new();
    let progress = crate::progress::Progress::start(commits.len() > 2_000);
    let total = commits.len();
    for (n, c) in commits.iter().enumerate() {
        if n % 500 == 0 {
            progress.show(&format!("audit: {n} of {total} commits"));
        }
        out.extend(one(repo, c, &trees, review, mailmap, &mut cache)?);
    }
    Ok(out)
}

fn one(
    repo: &Repo,
    c: &git::Commit,
    trees: &std::collections::HashMap<crate::git::Oid, crate::git::Oid>,
    review: &Review,
    mailmap: &Mailmap,
    cache: &mut git::TreeCache,
) -> Result<Option<Audited>, Error> {
    let id = c.id;
    let guarded = |p: &str| review.guarded(p);
    let tree_of = |p: &crate::git::Oid| trees.get(p).copied().map_or_else(|| repo.tree_of(*p), Ok);
    let first = match c.parents.first() {
        Some(p) => Some(tree_of(p)?),
        None => None,
    };
    let changes = git::changes_cached(repo, first, Some(c.tree), &guarded, cache)?;
    if changes.is_empty() {
        return Ok(None);
    }
    // A merge that takes one side's config unchanged is not a change of its own.
    for p in c.parents.iter().skip(1) {
        if git::changes_cached(repo, Some(tree_of(p)?), Some(c.tree), &guarded, cache)?.is_empty() {
            return Ok(None);
        }
    }
    let digest = super::digest::of(&changes);
    let found = trailers::trailers_only(&c.message, Mode::CommitObject);
    let mut contributors = vec![
        mailmap.canonical(&c.author.1),
        mailmap.canonical(&c.committer.1),
    ];
    for t in &found {
        if ["Co-authored-by", "Co-developed-by"]
            .iter()
            .any(|k| trailers::key_matches(&t.key, k))
        {
            contributors.extend(
                super::signoffs::emails_in(&t.value)
                    .into_iter()
                    .map(|e| mailmap.canonical(e)),
            );
        }
    }
    let mut counted: Vec<String> = Vec::new();
    let mut signoffs = Vec::new();
    for t in found.iter().filter(|t| {
        review
            .trailers
            .iter()
            .any(|k| trailers::key_matches(&t.key, k))
    }) {
        let mut s = AuditSignoff {
            key: t.key.clone(),
            identity: t.value.clone(),
            email: String::new(),
            counted: false,
            reason: String::new(),
        };
        match parse_signer(&t.value) {
            Err(why) => s.reason = why,
            Ok(signer) => {
                let email = mailmap.canonical(&signer.email);
                s.email.clone_from(&email);
                s.reason = if contributors.contains(&email) {
                    format!("not a peer: {email} contributed to this commit")
                } else if review.bind_digest && signer.digest.as_deref() != Some(digest.as_str()) {
                    format!("not bound to {digest} (bind = \"digest\")")
                } else if !review.base.reviewers.is_empty()
                    && !review.base.reviewers.contains(&email)
                {
                    format!("{email} is not among the allowed reviewers")
                } else if counted.contains(&email) {
                    format!("{email} is already counted (one count per person)")
                } else {
                    counted.push(email);
                    s.counted = true;
                    "peer sign-off".into()
                };
            }
        }
        signoffs.push(s);
    }
    Ok(Some(Audited {
        commit: id.to_string(),
        author: c.author.1.clone(),
        digest,
        paths: changes.iter().map(|c| c.path.clone()).collect(),
        passed: counted.len() as u32 >= review.base.required,
        signoffs,
    }))
}
