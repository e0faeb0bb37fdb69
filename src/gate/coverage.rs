//! Which sign-offs approve which paths of the final change: commit
//! containment, read once over the range.
//!
//! Rule (SPEC §7.3, issue 15 items 7 and 11): a path of the final change is
//! made by the commits that **add** it (a commit whose tree differs from
//! its parent there; a merge whose result differs from the automatic merge
//! of its parents there, or conflicted). A sign-off on entry `e` approves
//! what `e` contains: every adding commit that is `e` or an ancestor of it.
//! - A path needs, for **each** commit that adds it, `required` people with
//!   a valid sign-off on a commit containing that one. So two reviewed pull
//!   requests batched by a merge queue (even editing other lines of one
//!   file) pass, each approved by its own reviewers, and a path two people
//!   edited, each reviewed by one person, does not meet `required = 2`.
//! - A sign-off is **stale** when a commit built on top of it adds a path
//!   it approved (a later edit, a conflict resolution, `git merge -s ours`
//!   reverting what the base landed: the merge's result differs from the
//!   automatic merge there). Clean merges add nothing, so an "Update
//!   branch" of the base, even under the same file, keeps it fresh; what
//!   the base landed is the base's, not the change's.
//! - A sign-off that contains no commit adding a path of the final change
//!   approves none of it.
//! - Except by net state: a sign-off whose commit holds, on a path, exactly
//!   the final content, measured from exactly the final pre-image (its own
//!   merge base with BASE), approved the final change there whatever came
//!   after it (a revert and re-apply): it is not stale there and counts for
//!   every commit adding the path. Checked only where containment says
//!   stale, so it costs nothing on a history without re-edits.
//!
//! Everything is bit sets over the signed entries, built in one pass each
//! way over the range (parents before children): no per-sign-off tree
//! diff, so the work grows with the history, not with history × paths.

use std::collections::HashMap;

use super::range::{Inputs, RangeCommit};
use crate::error::Error;
use crate::git::{self, Oid, Slot};

/// A set of signed entries (by slot), one bit each.
pub(super) type Bits = Vec<u64>;

fn set(b: &mut Bits, k: usize) {
    b[k / 64] |= 1 << (k % 64);
}

fn has(b: &Bits, k: usize) -> bool {
    (b[k / 64] >> (k % 64)) & 1 == 1
}

fn or(into: &mut Bits, from: &Bits) {
    for (w, v) in into.iter_mut().zip(from) {
        *w |= v;
    }
}

fn meets(a: &Bits, b: &Bits) -> bool {
    a.iter().zip(b).any(|(x, y)| x & y != 0)
}

/// The coverage of the final change's paths by the range's sign-offs.
#[derive(Default)]
pub(super) struct Coverage {
    /// The final change's paths, sorted.
    paths: Vec<String>,
    /// RangeCommit index → signed slot.
    slot: HashMap<usize, usize>,
    words: usize,
    /// Per path: for each commit adding it, the signed entries containing it.
    adders: Vec<Vec<Bits>>,
    /// Per signed slot: the paths it approves, and those a later commit re-added.
    covers: Vec<Vec<usize>>,
    stale: Vec<Vec<usize>>,
    /// Per path: signed entries approving its final state as a whole.
    whole: Vec<Bits>,
}

impl Coverage {
    /// Read the coverage of `paths` (the final change's) by the sign-offs
    /// of `signed` entries (indexes into `entries`, parents first).
    ///
    /// # Errors
    /// When a tree or merge base cannot be read.
    pub(super) fn read(
        i: &Inputs<'_>,
        entries: &[RangeCommit],
        signed: &[usize],
        paths: &[String],
    ) -> Result<Coverage, Error> {
        let mut paths: Vec<String> = paths.to_vec();
        paths.sort();
        paths.dedup();
        let at: HashMap<&str, usize> = paths
            .iter()
            .enumerate()
            .map(|(k, p)| (p.as_str(), k))
            .collect();
        let slot: HashMap<usize, usize> = signed.iter().enumerate().map(|(k, &n)| (n, k)).collect();
        let words = signed.len().div_ceil(64).max(1);
        let (anc, desc) = containment(entries, &slot, words);
        let mut adders: Vec<Vec<Bits>> = vec![Vec::new(); paths.len()];
        // Per path: signed entries strictly below a commit adding it.
        let mut below: Vec<Bits> = vec![vec![0u64; words]; paths.len()];
        for (n, e) in entries.iter().enumerate() {
            for p in &e.adds {
                let Some(&k) = at.get(p.as_str()) else {
                    continue;
                };
                adders[k].push(desc[n].clone());
                let mut strict = anc[n].clone();
                if let Some(&s) = slot.get(&n) {
                    strict[s / 64] &= !(1 << (s % 64));
                }
                or(&mut below[k], &strict);
            }
        }
        let mut covers = vec![Vec::new(); signed.len()];
        let mut stale = vec![Vec::new(); signed.len()];
        for k in 0..paths.len() {
            let mut any = vec![0u64; words];
            for a in &adders[k] {
                or(&mut any, a);
            }
            if adders[k].is_empty() {
                any.iter_mut().for_each(|w| *w = u64::MAX);
            }
            for s in 0..signed.len() {
                if has(&any, s) {
                    covers[s].push(k);
                    if has(&below[k], s) {
                        stale[s].push(k);
                    }
                }
            }
        }
        let whole = whole_state(i, entries, signed, &paths, &mut stale, words)?;
        Ok(Coverage {
            paths,
            slot,
            words,
            adders,
            covers,
            stale,
            whole,
        })
    }

    fn names(&self, list: &[usize]) -> Vec<&str> {
        list.iter().map(|&k| self.paths[k].as_str()).collect()
    }

    /// The paths entry `n`'s sign-offs approve.
    pub(super) fn covers(&self, n: usize) -> Vec<&str> {
        self.slot
            .get(&n)
            .map(|&s| self.names(&self.covers[s]))
            .unwrap_or_default()
    }

    /// The paths entry `n` approved that a commit on top of it added again.
    pub(super) fn stale(&self, n: usize) -> Vec<&str> {
        self.slot
            .get(&n)
            .map(|&s| self.names(&self.stale[s]))
            .unwrap_or_default()
    }

    /// The signed entries of `entries` as a set.
    pub(super) fn bits(&self, entries: &[usize]) -> Bits {
        let mut b = vec![0u64; self.words];
        for n in entries {
            if let Some(&s) = self.slot.get(n) {
                set(&mut b, s);
            }
        }
        b
    }

    /// How many of `groups` (each a set of signed entries and a count of
    /// people) approve `path`: for every commit adding it, people with a
    /// sign-off containing that commit; the least over those commits. A
    /// path no commit of the range adds (a criss-cross's virtual base) is
    /// approved by any sign-off.
    pub(super) fn count(&self, path: &str, groups: &[(Bits, u32)]) -> u32 {
        let Ok(k) = self.paths.binary_search_by(|p| p.as_str().cmp(path)) else {
            return 0;
        };
        if self.adders[k].is_empty() {
            return groups.iter().map(|(_, n)| n).sum();
        }
        let approves_whole = |g: &Bits| meets(g, &self.whole[k]);
        let whole: u32 = groups
            .iter()
            .filter(|(g, _)| approves_whole(g))
            .map(|(_, n)| n)
            .sum();
        let parts: Vec<&(Bits, u32)> = groups.iter().filter(|(g, _)| !approves_whole(g)).collect();
        whole
            + self.adders[k]
                .iter()
                .map(|a| {
                    parts
                        .iter()
                        .filter(|(g, _)| meets(g, a))
                        .map(|(_, n)| n)
                        .sum::<u32>()
                })
                .min()
                .unwrap_or(0)
    }
}

/// The path as git records it, from the final change (display paths and
/// raw bytes differ only for names that are not UTF-8).
fn raw_of<'a>(i: &'a Inputs<'_>, path: &'a str) -> &'a [u8] {
    i.changes
        .iter()
        .find(|c| c.path == path)
        .map_or(path.as_bytes(), |c| c.raw.as_slice())
}

/// For each entry, the signed entries it contains (itself included, along
/// its parents in the range) and the signed entries containing it, as bit
/// sets over `slot` (entry index → signed index).
fn containment(
    entries: &[RangeCommit],
    slot: &HashMap<usize, usize>,
    words: usize,
) -> (Vec<Bits>, Vec<Bits>) {
    let index: HashMap<Oid, usize> = entries
        .iter()
        .enumerate()
        .filter_map(|(n, e)| e.id.map(|id| (id, n)))
        .collect();
    let parents = |n: usize| -> Vec<usize> {
        entries[n]
            .parents
            .iter()
            .filter_map(|p| index.get(p).copied().filter(|&k| k < n))
            .collect()
    };
    // Signed entries each entry contains (itself included) ...
    let mut anc: Vec<Bits> = Vec::with_capacity(entries.len());
    for n in 0..entries.len() {
        let mut b = vec![0u64; words];
        for k in parents(n) {
            let (done, _) = anc.split_at(n);
            or(&mut b, &done[k]);
        }
        if let Some(&s) = slot.get(&n) {
            set(&mut b, s);
        }
        anc.push(b);
    }
    // ... and the signed entries containing it.
    let mut desc: Vec<Bits> = (0..entries.len())
        .map(|n| {
            let mut b = vec![0u64; words];
            if let Some(&s) = slot.get(&n) {
                set(&mut b, s);
            }
            b
        })
        .collect();
    for n in (0..entries.len()).rev() {
        for k in parents(n) {
            let (low, high) = desc.split_at_mut(n);
            or(&mut low[k], &high[0]);
        }
    }
    (anc, desc)
}

/// Of the stale paths of each sign-off, those whose state the sign-off
/// approved is the final state from the same starting point: they are
/// covered as a whole (`whole`), and no longer stale.
fn whole_state(
    i: &Inputs<'_>,
    entries: &[RangeCommit],
    signed: &[usize],
    paths: &[String],
    stale: &mut [Vec<usize>],
    words: usize,
) -> Result<Vec<Bits>, Error> {
    let mut whole = vec![vec![0u64; words]; paths.len()];
    let mut cache = git::TreeCache::default();
    for (s, &n) in signed.iter().enumerate() {
        if stale[s].is_empty() {
            continue;
        }
        let e = &entries[n];
        let pre = match e.id {
            Some(id) => git::base_tree(i.repo, id, i.base)?.map(|(_, t)| t),
            None => Some(i.base_tree),
        };
        let Some(pre) = pre else { continue };
        let mut keep = Vec::new();
        for &k in &stale[s] {
            let raw = raw_of(i, &paths[k]);
            let at = |tree: Oid, cache: &mut git::TreeCache| -> Result<Slot, Error> {
                git::slot_at(i.repo, tree, raw, cache)
            };
            if at(e.tree, &mut cache)? == at(i.head_tree, &mut cache)?
                && at(pre, &mut cache)? == at(i.base_tree, &mut cache)?
            {
                set(&mut whole[k], s);
            } else {
                keep.push(k);
            }
        }
        stale[s] = keep;
    }
    Ok(whole)
}
