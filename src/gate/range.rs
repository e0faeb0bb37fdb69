//! Reading the commits of a change once: who contributed to the guarded
//! config, what each commit (or merge) adds, and for each commit carrying a
//! sign-off, where the change it approved differs from the final one.
//!
//! Rules (SPEC §7.3), each for the class, not one scenario:
//!
//! - **What a commit adds.** A commit with one parent adds the guarded
//!   paths that differ from its parent. A merge adds only what differs from
//!   the *automatic* merge of its parents, plus every path that conflicted
//!   (what `git show --remerge-diff` shows): a clean "Update branch" or
//!   merge-queue merge adds nothing, an evil merge or a conflict resolution
//!   adds exactly the paths it decided. An octopus merge (no automatic
//!   result computed) adds every guarded path differing from any parent.
//! - **Contributors** are the author, committer and co-authors of the
//!   commits that add guarded config. Whoever clicks "Merge" or "Update
//!   branch", or writes a commit touching no guarded path, contributed
//!   nothing to the approved object and may still review it.
//! - **Staleness** (a sign-off in default mode): the sign-off approved the
//!   net change from its commit's merge base with BASE (the pre-image) to
//!   its commit's tree (the post-image). On every path that change touches,
//!   both images must equal the final change's, or the sign-off is stale.
//!   So a later edit, a side branch merged in, or a moved base under the
//!   same paths (`git merge -s ours`, a rebase onto a changed base) makes it
//!   stale, while guarded files it does not touch (brought in by a merge of
//!   the base) do not.
//! - **Coverage**: a sign-off that is not stale approves the paths of its
//!   change, which are then paths of the final change with the same
//!   images. Every path of the final change a requirement is about needs
//!   `required` people whose sign-offs cover it (a sign-off naming the
//!   current digest covers all). So two reviewed pull requests batched by a
//!   merge queue pass, and a path no sign-off approved (a later commit's,
//!   or one a `merge -s ours` reverts) is named as uncovered.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::git::Oid;

use super::identity::Mailmap;
use super::review::{Requirement, Review};
use crate::error::Error;
use crate::git::{self, Change, Repo};
use crate::trailers::{self, Mode};

/// Co-author keys: contributors, never reviewers.
pub(super) const CO_AUTHOR_KEYS: [&str; 2] = ["Co-authored-by", "Co-developed-by"];

/// One commit of the range (or the commit being made).
pub(super) struct Entry {
    /// `None` for the message being written.
    pub id: Option<Oid>,
    /// Its parents (for the commit being made: HEAD and any MERGE_HEAD).
    pub parents: Vec<Oid>,
    /// The tree it records (the index's, for the message being written).
    pub tree: Oid,
    pub label: String,
    pub message: String,
    /// UTF-8 without NUL bytes.
    pub valid_text: bool,
    /// Guarded paths it adds (see the module doc).
    pub adds: Vec<String>,
    /// Its trailers and near misses, parsed once.
    pub block: trailers::TrailerBlock,
}

impl Entry {
    fn merge(&self) -> bool {
        self.parents.len() > 1
    }
}

/// The commits of a change, read once.
pub(super) struct Range {
    pub entries: Vec<Entry>,
    /// Canonical email → how they contributed.
    pub contributors: BTreeMap<String, String>,
    /// Every address contributors used, as written (lowercase): a key
    /// listed for any of them (a wildcard included) speaks for a
    /// contributor, whatever the mailmap makes of it.
    pub addresses: std::collections::BTreeSet<String>,
    /// For entry `i`: the paths where what its sign-offs approved differs
    /// from the final change, and whether the pre-image moved (computed
    /// only for entries that carry a sign-off key).
    pub stale: Vec<Option<Stale>>,
    /// For a merge's requirement (by entry index): the entries at or after it.
    pub after: BTreeMap<usize, Window>,
    /// The paths of the final change.
    pub changed: Vec<String>,
    pub mailmap: Mailmap,
}

/// Where a sign-off's approved change differs from the final one.
#[derive(Debug, Default)]
pub(super) struct Stale {
    /// Paths whose pre-image (the merge base it was reviewed against) moved.
    pub pre: BTreeSet<String>,
    /// Paths whose post-image changed after it.
    pub post: BTreeSet<String>,
    /// The guarded paths it approved (its commit's net change); when it is
    /// not stale, each is a path of the final change with the same images.
    pub covers: BTreeSet<String>,
}

/// What the range is read from.
pub(super) struct Inputs<'a> {
    pub repo: &'a Repo,
    /// The `--base` commit (pre-images are merge bases with it).
    pub base: Oid,
    /// The tree the change is measured from (the virtual base when there
    /// are several merge bases).
    pub base_tree: Oid,
    /// Commits whose history is not the change (the merge base; for a merge
    /// being committed against HEAD, HEAD and what it merges in).
    pub hide: Vec<Oid>,
    /// The commits whose history is the change (HEAD, plus MERGE_HEADs
    /// when a merge is being committed).
    pub heads: Vec<Oid>,
    /// The final tree.
    pub head_tree: Oid,
    /// The message being written, already in `#`-comment form.
    pub staged: Option<String>,
    pub review: &'a Review,
    pub mailmap: &'a Mailmap,
    /// The final net change (merge base → head).
    pub changes: &'a [Change],
}

pub(super) fn short(id: Oid) -> String {
    id.to_string()[..12].to_string()
}

impl Range {
    /// Read the range `merge_base..heads` (plus the message being written).
    pub(super) fn read(i: &Inputs<'_>) -> Result<Range, Error> {
        let repo = i.repo;
        let mut entries = Vec::new();
        let mut contributors: BTreeMap<String, String> = BTreeMap::new();
        let mut addresses = std::collections::BTreeSet::new();
        let mut add = |email: &str, role: String| {
            addresses.insert(email.to_ascii_lowercase());
            contributors
                .entry(i.mailmap.canonical(email))
                .or_insert(role);
        };
        let ids = repo.range_many(&i.hide, &i.heads)?;
        for id in &ids {
            let c = repo.commit(*id)?;
            let adds = adds(repo, &c.parents, c.tree, i.review)?;
            if !adds.is_empty() {
                add(&c.author.1, format!("author of {}", short(*id)));
                add(&c.committer.1, format!("committer of {}", short(*id)));
            }
            entries.push(Entry {
                id: Some(*id),
                parents: c.parents,
                tree: c.tree,
                label: short(*id),
                valid_text: c.valid_text,
                block: trailers::parse(&c.message, Mode::CommitObject),
                message: c.message,
                adds,
            });
        }
        if let Some(message) = &i.staged {
            let adds = adds(repo, &i.heads, i.head_tree, i.review)?;
            // Who is committing: git's own identity settings for this repository.
            if !adds.is_empty()
                && let Some(email) = committer_email(repo)
            {
                add(&email, "author of the commit being made".into());
            }
            entries.push(Entry {
                id: None,
                parents: i.heads.clone(),
                tree: i.head_tree,
                label: "index".into(),
                valid_text: !message.contains('\u{fffd}') && !message.contains('\0'),
                block: trailers::parse(message, Mode::MessageFile),
                message: message.clone(),
                adds,
            });
        }
        for e in entries.iter().filter(|e| !e.adds.is_empty()) {
            for t in &e.block.trailers {
                if CO_AUTHOR_KEYS
                    .iter()
                    .any(|k| trailers::key_matches(&t.key, k))
                {
                    // Every address on the line, whatever else it says: a
                    // contributor must not escape by an odd shape.
                    for email in super::signoffs::emails_in(&t.value) {
                        add(email, format!("co-author of {}", e.label));
                    }
                }
            }
        }
        // The final change's paths, looked up once per path a sign-off
        // covers (not a scan of the change per path).
        let final_paths: std::collections::HashSet<&str> =
            i.changes.iter().map(|c| c.path.as_str()).collect();
        let stale = entries
            .iter()
            .map(|e| {
                let signed = e.block.trailers.iter().any(|t| {
                    i.review
                        .trailers
                        .iter()
                        .any(|k| trailers::key_matches(&t.key, k))
                });
                if signed {
                    stale(i, e, &final_paths).map(Some)
                } else {
                    Ok(None)
                }
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let after = merge_windows(&entries);
        Ok(Range {
            entries,
            contributors,
            addresses,
            stale,
            after,
            changed: i.changes.iter().map(|c| c.path.clone()).collect(),
            mailmap: i.mailmap.clone(),
        })
    }

    /// Each merge that adds guarded config of its own (an evil merge, a
    /// conflict resolution) needs a sign-off on it or on a later commit
    /// that contains it: its result was approved on neither side.
    pub(super) fn merge_requirements(&self, review: &Review) -> Vec<Requirement> {
        self.after
            .keys()
            .map(|&n| {
                let e = &self.entries[n];
                let shown: Vec<&str> = e.adds.iter().take(3).map(String::as_str).collect();
                Requirement {
                    source: format!(
                        "merge {}: its guarded result differs from the automatic merge of its parents ({}{}), so it needs a sign-off on it or after it",
                        e.label,
                        shown.join(", "),
                        if e.adds.len() > 3 { ", ..." } else { "" }
                    ),
                    required: 1,
                    reviewers: review.base.reviewers.clone(),
                    after: Some(n),
                    paths: None,
                }
            })
            .collect()
    }
}

/// For each merge that adds guarded config (by entry index): the entries
/// at or after it (the merge itself, its descendants, the commit being
/// made), whose sign-offs may cover it.
///
/// Linear in the history, not a reachability walk per pair: entries come
/// parents first (topological order), so each entry's set of adding merges
/// it contains is its own plus the union of its parents' (a bit set per
/// entry), read once; the commit being made contains them all.
fn merge_windows(entries: &[Entry]) -> BTreeMap<usize, Window> {
    let merges: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.merge() && !e.adds.is_empty())
        .map(|(n, _)| n)
        .collect();
    if merges.is_empty() {
        return BTreeMap::new();
    }
    let slot: HashMap<usize, usize> = merges.iter().enumerate().map(|(k, &n)| (n, k)).collect();
    let words = merges.len().div_ceil(64);
    let index: HashMap<Oid, usize> = entries
        .iter()
        .enumerate()
        .filter_map(|(n, e)| e.id.map(|id| (id, n)))
        .collect();
    let mut sets: Vec<Vec<u64>> = Vec::with_capacity(entries.len());
    for (n, e) in entries.iter().enumerate() {
        let mut set = vec![0u64; words];
        if e.id.is_none() {
            set.iter_mut().for_each(|w| *w = u64::MAX);
        }
        for p in &e.parents {
            if let Some(&k) = index.get(p).filter(|&&k| k < n) {
                for (w, v) in set.iter_mut().zip(&sets[k]) {
                    *w |= v;
                }
            }
        }
        if let Some(&k) = slot.get(&n) {
            set[k / 64] |= 1 << (k % 64);
        }
        sets.push(set);
    }
    let sets = Arc::new(sets);
    merges
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            (
                n,
                Window {
                    bit: k,
                    sets: Arc::clone(&sets),
                },
            )
        })
        .collect()
}

/// The entries at or after one merge: a column of the per-entry bit sets.
pub(super) struct Window {
    bit: usize,
    sets: Arc<Vec<Vec<u64>>>,
}

impl Window {
    /// Whether entry `i` is the merge or contains it.
    pub fn contains(&self, i: &usize) -> bool {
        self.sets
            .get(*i)
            .is_some_and(|s| (s[self.bit / 64] >> (self.bit % 64)) & 1 == 1)
    }
}

/// The guarded paths a commit with `parents` and `tree` adds.
pub(super) fn adds(
    repo: &Repo,
    parents: &[Oid],
    tree: Oid,
    review: &Review,
) -> Result<Vec<String>, Error> {
    let guarded = |p: &str| review.guarded(p);
    let trees: Vec<Oid> = parents
        .iter()
        .map(|p| repo.tree_of(*p))
        .collect::<Result<_, _>>()?;
    let Some(first) = trees.first() else {
        return Ok(git::changes(repo, None, Some(tree), &guarded)?
            .into_iter()
            .map(|c| c.path)
            .collect());
    };
    if trees.len() == 1 {
        return Ok(git::changes(repo, Some(*first), Some(tree), &guarded)?
            .into_iter()
            .map(|c| c.path)
            .collect());
    }
    let mut candidates: BTreeMap<Vec<u8>, Change> = BTreeMap::new();
    for t in &trees {
        for c in git::changes(repo, Some(*t), Some(tree), &guarded)? {
            candidates.entry(c.raw.clone()).or_insert(c);
        }
    }
    let auto = match git::auto_merge(repo, parents) {
        Ok(a) => Some(a),
        Err(_) if parents.len() > 2 => None,
        Err(e) => return Err(e),
    };
    Ok(candidates
        .into_values()
        .filter(|c| {
            auto.as_ref()
                .is_none_or(|a| !a.agrees(&c.raw, c.new_mode, c.new_id))
        })
        .map(|c| c.path)
        .collect())
}

/// Where what `e`'s sign-offs approved differs from the final change.
fn stale(
    i: &Inputs<'_>,
    e: &Entry,
    final_paths: &std::collections::HashSet<&str>,
) -> Result<Stale, Error> {
    let repo = i.repo;
    let guarded = |p: &str| i.review.guarded(p);
    let mb_tree = i.base_tree;
    // No merge base with BASE (an unrelated history merged in): nothing
    // was reviewed against it, so every path's pre-image counts as moved.
    // Several (a criss-cross): the virtual base, as for the final change.
    let pre = match e.id {
        Some(id) => git::base_tree(repo, id, i.base)?.map(|(_, t)| t),
        None => Some(mb_tree),
    };
    // What the sign-off approved: the net change its commit recorded.
    let own: BTreeSet<String> = git::changes(repo, pre, Some(e.tree), &guarded)?
        .into_iter()
        .map(|c| c.path)
        .collect();
    let relevant = |p: &str| own.contains(p);
    let names = |v: Vec<Change>| v.into_iter().map(|c| c.path).collect::<BTreeSet<_>>();
    Ok(Stale {
        pre: if pre == Some(mb_tree) {
            BTreeSet::new()
        } else {
            names(git::changes(repo, pre, Some(mb_tree), &relevant)?)
        },
        post: names(git::changes(
            repo,
            Some(e.tree),
            Some(i.head_tree),
            &relevant,
        )?),
        covers: own
            .iter()
            .filter(|p| final_paths.contains(p.as_str()))
            .cloned()
            .collect(),
    })
}

/// The committer's email as git would record it (environment first).
fn committer_email(repo: &Repo) -> Option<String> {
    for var in ["GIT_COMMITTER_EMAIL", "GIT_AUTHOR_EMAIL", "EMAIL"] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            return Some(v.to_string_lossy().into_owned());
        }
    }
    repo.config_string("user.email")
}
