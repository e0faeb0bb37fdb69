//! Merge bases of a range's own merges, read from the range itself.
//!
//! Why: git's merge-base walk paints both parents down to their common
//! ancestor; a side branch forked long ago makes each walk as long as the
//! history, so a change of N such merges cost N² commit visits. The range
//! is read parents first, so each entry's in-range ancestors (a bit set)
//! and the commits outside the range it reaches first (its *boundary*) are
//! the union of its parents'. Rule: when two parents share no in-range
//! ancestor and reach exactly the same single boundary commit, every
//! common ancestor is an ancestor of that commit, so it is the one merge
//! base. Otherwise (shared history inside the range, several boundary
//! commits, a very long range) the answer is left to git's walk.

use std::collections::HashMap;

use crate::git::Oid;

/// Past this many entries the bit sets are not kept (memory grows with
/// the square); git's walk answers instead.
const MAX_ENTRIES: usize = 8192;

/// Boundaries longer than this are not tracked.
const MAX_BOUNDARY: usize = 8;

/// In-range ancestry and boundary commits of the entries read so far.
pub(super) struct Lineage {
    at: HashMap<Oid, usize>,
    words: usize,
    anc: Vec<Vec<u64>>,
    /// `None`: too many boundary commits to track.
    boundary: Vec<Option<Vec<Oid>>>,
}

impl Lineage {
    /// For a range of `len` commits.
    pub(super) fn new(len: usize) -> Lineage {
        Lineage {
            at: HashMap::new(),
            words: if len <= MAX_ENTRIES {
                len.div_ceil(64).max(1)
            } else {
                0
            },
            anc: Vec::new(),
            boundary: Vec::new(),
        }
    }

    /// Record the next entry of the range (its parents recorded before it).
    pub(super) fn push(&mut self, id: Oid, parents: &[Oid]) {
        if self.words == 0 {
            return;
        }
        let n = self.anc.len();
        let mut bits = vec![0u64; self.words];
        let mut edge: Option<Vec<Oid>> = Some(Vec::new());
        for p in parents {
            match self.at.get(p) {
                Some(&k) => {
                    for (w, v) in bits.iter_mut().zip(&self.anc[k]) {
                        *w |= v;
                    }
                    edge = match (edge, &self.boundary[k]) {
                        (Some(mut e), Some(b)) => {
                            e.extend_from_slice(b);
                            Some(e)
                        }
                        _ => None,
                    };
                }
                None => {
                    if let Some(e) = edge.as_mut() {
                        e.push(*p);
                    }
                }
            }
        }
        if let Some(e) = edge.as_mut() {
            e.sort();
            e.dedup();
        }
        if edge.as_ref().is_some_and(|e| e.len() > MAX_BOUNDARY) {
            edge = None;
        }
        if n / 64 < bits.len() {
            bits[n / 64] |= 1 << (n % 64);
        }
        self.anc.push(bits);
        self.boundary.push(edge);
        self.at.insert(id, n);
    }

    /// The merge base of `a` and `b` when the rule above decides it.
    pub(super) fn merge_base(&self, a: Oid, b: Oid) -> Option<Oid> {
        let (&i, &j) = (self.at.get(&a)?, self.at.get(&b)?);
        if self.anc[i]
            .iter()
            .zip(&self.anc[j])
            .any(|(x, y)| x & y != 0)
        {
            return None;
        }
        match (self.boundary[i].as_deref()?, self.boundary[j].as_deref()?) {
            ([x], [y]) if x == y => Some(*x),
            _ => None,
        }
    }
}
