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
//! - **Staleness and coverage** (a sign-off in default mode): by commit
//!   containment, see [`super::coverage`]. A sign-off approves the adding
//!   commits it contains; it is stale when a commit on top of it adds a
//!   path it approved again (a later edit, a conflict resolution, a merge
//!   `-s ours`); each adding commit of a path needs its own `required`
//!   people. So reviewed pull requests batched by a merge queue pass, an
//!   "Update branch" of the base keeps sign-offs fresh, and a path no
//!   sign-off approved is named as uncovered.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::git::Oid;

use super::coverage::Coverage;
use super::identity::Mailmap;
use super::lineage::Lineage;
use super::review::{Requirement, Review};
use crate::error::Error;
use crate::git::{self, Change, Repo};
use crate::trailers::{self, Mode};

/// Co-author keys: contributors, never reviewers.
pub(super) const CO_AUTHOR_KEYS: [&str; 2] = ["Co-authored-by", "Co-developed-by"];

/// One commit of the range (or the commit being made).
pub(super) struct RangeCommit {
    /// `None` for the message being written.
    pub id: Option<Oid>,
    /// Its parents (for the commit being made: HEAD and any MERGE_HEAD).
    pub parents: Vec<Oid>,
    pub label: String,
    pub message: String,
    /// UTF-8 without NUL bytes.
    pub valid_text: bool,
    /// The tree it records (the index's, for the message being written).
    pub tree: Oid,
    /// Guarded paths it adds (see the module doc).
    pub adds: Vec<String>,
    /// Its trailers and near misses, parsed once.
    pub block: trailers::TrailerBlock,
}

impl RangeCommit {
    fn merge(&self) -> bool {
        self.parents.len() > 1
    }
}

/// The commits of a change, read once.
pub(super) struct Range {
    pub entries: Vec<RangeCommit>,
    /// Canonical email → how they contributed.
    pub contributors: BTreeMap<String, String>,
    /// Every address contributors used, as written (lowercase): a key
    /// listed for any of them (a wildcard included) speaks for a
    /// contributor, whatever the mailmap makes of it.
    pub addresses: std::collections::BTreeSet<String>,
    /// Which sign-offs approve which paths of the final change.
    pub coverage: Coverage,
    /// For a merge's requirement (by entry index): the entries at or after it.
    pub after: BTreeMap<usize, Window>,
    /// The paths of the final change.
    pub changed: Vec<String>,
    pub mailmap: Mailmap,
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
        // Trees read once for the whole range: each commit's tree is the
        // next one's parent tree.
        let mut cache = git::TreeCache::default();
        let mut lineage = Lineage::new(ids.len());
        for id in &ids {
            let c = repo.commit(*id)?;
            let adds = adds_cached(repo, &c.parents, c.tree, i.review, &mut cache, &lineage)?;
            lineage.push(*id, &c.parents);
            if !adds.is_empty() {
                add(&c.author.1, format!("author of {}", short(*id)));
                add(&c.committer.1, format!("committer of {}", short(*id)));
            }
            entries.push(RangeCommit {
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
            let adds = adds_cached(repo, &i.heads, i.head_tree, i.review, &mut cache, &lineage)?;
            // Who is committing: git's own identity settings for this repository.
            if !adds.is_empty()
                && let Some(email) = committer_email(repo)
            {
                add(&email, "author of the commit being made".into());
            }
            entries.push(RangeCommit {
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
        // Which sign-offs approve which paths: commit containment, read
        // once (module `coverage`), never a tree diff per sign-off.
        let signed: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.block.trailers.iter().any(|t| {
                    i.review
                        .trailers
                        .iter()
                        .any(|k| trailers::key_matches(&t.key, k))
                })
            })
            .map(|(n, _)| n)
            .collect();
        let changed: Vec<String> = i.changes.iter().map(|c| c.path.clone()).collect();
        let coverage = Coverage::read(i, &entries, &signed, &changed)?;
        let after = merge_windows(&entries);
        Ok(Range {
            entries,
            contributors,
            addresses,
            coverage,
            after,
            changed,
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
fn merge_windows(entries: &[RangeCommit]) -> BTreeMap<usize, Window> {
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
    adds_cached(
        repo,
        parents,
        tree,
        review,
        &mut git::TreeCache::default(),
        &Lineage::new(0),
    )
}

/// [`adds`] with trees read through `cache`.
fn adds_cached(
    repo: &Repo,
    parents: &[Oid],
    tree: Oid,
    review: &Review,
    cache: &mut git::TreeCache,
    lineage: &Lineage,
) -> Result<Vec<String>, Error> {
    let guarded = |p: &str| review.guarded(p);
    let paths = |v: Vec<Change>| v.into_iter().map(|c| c.path).collect::<Vec<_>>();
    let trees: Vec<Oid> = parents
        .iter()
        .map(|p| repo.tree_of(*p))
        .collect::<Result<_, _>>()?;
    let Some(first) = trees.first() else {
        return Ok(paths(git::changes_cached(
            repo,
            None,
            Some(tree),
            &guarded,
            cache,
        )?));
    };
    if trees.len() == 1 {
        return Ok(paths(git::changes_cached(
            repo,
            Some(*first),
            Some(tree),
            &guarded,
            cache,
        )?));
    }
    if let [a, b] = parents
        && let Some(found) = merge_adds_by_sides(repo, [*a, *b], tree, &guarded, cache, lineage)?
    {
        return Ok(found);
    }
    let mut candidates: BTreeMap<Vec<u8>, Change> = BTreeMap::new();
    for t in &trees {
        for c in git::changes_cached(repo, Some(*t), Some(tree), &guarded, cache)? {
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

/// What a two-parent merge adds, read from the two sides' own changes
/// when the automatic merge is decided path by path without a content
/// merge; `None` when it is not (the caller runs the real merge).
///
/// Rule: with `B` the merge base, the automatic merge holds the second
/// parent's entry where only the second side changed a path since `B`,
/// and the first parent's everywhere else. That holds exactly when every
/// path the second side changed is unchanged on the first side (no
/// content merge, no conflict) and the second side deletes nothing and
/// adds nothing where the first side has a directory or a file in the way
/// (no rename to follow, no directory/file conflict). Then the merge adds
/// the paths where its result differs from that. Cost: the two sides'
/// changes, never a diff against a parent far behind (a side branch
/// forked long ago), so a history of many merges is read in time linear
/// in its changes.
fn merge_adds_by_sides(
    repo: &Repo,
    [first, second]: [Oid; 2],
    tree: Oid,
    guarded: &dyn Fn(&str) -> bool,
    cache: &mut git::TreeCache,
    lineage: &Lineage,
) -> Result<Option<Vec<String>>, Error> {
    let base = lineage
        .merge_base(first, second)
        .or_else(|| repo.single_merge_base(first, second));
    let Some(base) = base else {
        return Ok(None);
    };
    let (t1, t2, tb) = (
        repo.tree_of(first)?,
        repo.tree_of(second)?,
        repo.tree_of(base)?,
    );
    let side = git::changes_cached(repo, Some(tb), Some(t2), &|_| true, cache)?;
    for c in &side {
        if c.new_mode == 0 {
            return Ok(None);
        }
        let before = if c.old_mode == 0 {
            git::Slot::Absent
        } else {
            git::Slot::File(c.old_mode, c.old_id)
        };
        if git::slot_at(repo, t1, &c.raw, cache)? != before {
            return Ok(None);
        }
    }
    let ours = git::changes_cached(repo, Some(t1), Some(tree), guarded, cache)?;
    let theirs: HashMap<&[u8], &Change> = side
        .iter()
        .filter(|c| guarded(&c.path))
        .map(|c| (c.raw.as_slice(), c))
        .collect();
    let mut out: BTreeMap<&[u8], &str> = BTreeMap::new();
    for c in &ours {
        match theirs.get(c.raw.as_slice()) {
            Some(t) if t.new_mode == c.new_mode && t.new_id == c.new_id => {}
            _ => {
                out.insert(&c.raw, &c.path);
            }
        }
    }
    let touched: std::collections::HashSet<&[u8]> = ours.iter().map(|c| c.raw.as_slice()).collect();
    for (raw, c) in &theirs {
        if !touched.contains(raw) {
            out.insert(raw, &c.path);
        }
    }
    Ok(Some(out.into_values().map(str::to_string).collect()))
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
