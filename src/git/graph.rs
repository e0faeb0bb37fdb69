//! The commit graph, read once: parents and commit times of the commits a
//! run meets, kept in memory, and merge bases computed on it.
//!
//! Why: libgit2 re-reads (inflates) every commit on the way to the merge
//! base for each `merge_bases` / `merge_commits` call, so a change of N
//! merges, each needing the merge base of its parents, cost N walks of N
//! commits read from disk. Reading each commit once makes each walk a few
//! hash lookups; the walk itself is git's (`paint_down_to_common`).

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::rc::Rc;

/// Maps keyed by object ids: the ids are hashes already, so a fast
/// non-cryptographic hasher (no attacker chooses them cheaply) serves.
type IdMap<V> = HashMap<Oid, V, foldhash::fast::RandomState>;

use super::Oid;

use super::Repo;

/// Parents and commit time of each commit read so far.
#[derive(Default)]
pub(super) struct Graph {
    commits: RefCell<IdMap<(i64, Rc<[Oid]>)>>,
}

const ONE: u8 = 1;
const TWO: u8 = 2;
const STALE: u8 = 4;

impl Graph {
    fn node(&self, repo: &git2::Repository, id: Oid) -> Option<(i64, Rc<[Oid]>)> {
        if let Some(n) = self.commits.borrow().get(&id) {
            return Some(n.clone());
        }
        let c = repo.find_commit(id.0).ok()?;
        let n: (i64, Rc<[Oid]>) = (c.time().seconds(), c.parent_ids().map(Oid).collect());
        self.commits.borrow_mut().insert(id, n.clone());
        Some(n)
    }
}

impl Repo {
    /// The one best common ancestor of `a` and `b`, when git's walk
    /// (newest first, painting each side down until only common commits
    /// remain) finds exactly one candidate; `None` when it finds none or
    /// several (a criss-cross: the caller asks libgit2, which merges them).
    pub fn single_merge_base(&self, a: Oid, b: Oid) -> Option<Oid> {
        if a == b {
            return Some(a);
        }
        let r = self.raw();
        let g = &self.graph;
        let mut flags: IdMap<u8> = IdMap::default();
        let mut queue: BinaryHeap<(i64, Reverse<u64>, Oid)> = BinaryHeap::new();
        let mut seq = 0u64;
        let mut push = |queue: &mut BinaryHeap<_>, id: Oid, time: i64| {
            seq += 1;
            queue.push((time, Reverse(seq), id));
        };
        for (id, f) in [(a, ONE), (b, TWO)] {
            let (t, _) = g.node(r, id)?;
            *flags.entry(id).or_default() |= f;
            push(&mut queue, id, t);
        }
        let mut found: Vec<Oid> = Vec::new();
        // Walk while a commit that is not stale remains.
        while queue
            .iter()
            .any(|(_, _, id)| flags.get(id).is_some_and(|f| f & STALE == 0))
        {
            let Some((_, _, id)) = queue.pop() else { break };
            let mut f = flags.get(&id).copied().unwrap_or(0);
            if f & (ONE | TWO) == ONE | TWO && f & STALE == 0 {
                if !found.contains(&id) {
                    found.push(id);
                }
                f |= STALE;
                flags.insert(id, f);
            }
            let (_, parents) = g.node(r, id)?;
            for &p in parents.iter() {
                let pf = flags.entry(p).or_default();
                if *pf & f == f & (ONE | TWO | STALE) {
                    continue;
                }
                *pf |= f & (ONE | TWO | STALE);
                let (t, _) = g.node(r, p)?;
                push(&mut queue, p, t);
            }
            if found.len() > 1 {
                return None;
            }
        }
        match found.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}
