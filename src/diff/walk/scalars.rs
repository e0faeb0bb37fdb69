//! Comparing scalars, and lists made only of scalars, across environments:
//! the hot path of the walk. Equal raw text is settled without building a
//! masked value, and so are the routine differences (distinct secrets
//! everywhere, names that differ only by environment), so a large repository
//! costs little more than reading it.

use super::{Keys, Seg, Walker, scalar, secrecy::item_forced};
use crate::model::node::{Node, NodeValue, Scalar};
use crate::secrets::Forced;

impl<'a> Walker<'a, '_> {
    pub(super) fn scalars(
        &mut self,
        nodes: &[Option<&'a Node>],
        keys: Keys<'_>,
        path: &[Seg<'a>],
        forced: Forced,
    ) {
        let mut present = nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.and_then(scalar).map(|s| (i, s)));
        let Some((_, first)) = present.next() else {
            return;
        };
        let equal = present.all(|(_, s)| {
            s.text == first.text
                && s.kind == first.kind
                && s.tag == first.tag
                && s.ambiguity == first.ambiguity
        });
        // One environment at two revisions: an equal value is no change,
        // whatever it is (a secret left alone is not a secret reused).
        if equal && self.ctx.one_environment {
            return;
        }
        if equal {
            let masker = self.ctx.masker;
            // Equal scalars under one key name: asking once is enough.
            let secret = match keys {
                Keys::One(key) => masker.is_secret(key, first, self.forced_for(first, forced)),
                Keys::PerEnv(_) => nodes
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| n.and_then(scalar).map(|s| (i, s)))
                    .any(|(i, s)| masker.is_secret(keys.get(i), s, self.forced_for(s, forced))),
            };
            if !secret {
                return;
            }
        } else if self.routine_difference(nodes, keys, forced) {
            return;
        }
        let values = self.values(nodes, keys, forced);
        self.judge(path, nodes, &values);
    }

    /// Differences that need no masked value to judge: different secret
    /// literals everywhere (as it should be: no finding), and public values
    /// that differ only by environment name (counted; kept only for `-v`).
    pub(super) fn routine_difference(
        &mut self,
        nodes: &[Option<&'a Node>],
        keys: Keys<'_>,
        forced: Forced,
    ) -> bool {
        // Within one environment every difference is a change.
        if self.ctx.one_environment {
            return false;
        }
        let masker = self.ctx.masker;
        let present: Vec<(usize, &Scalar)> = nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.and_then(scalar).map(|s| (i, s)))
            .collect();
        let distinct = present
            .iter()
            .enumerate()
            .all(|(a, (_, x))| present[a + 1..].iter().all(|(_, y)| x.text != y.text));
        // Distinct secrets are how environments should differ, but within
        // one environment they are a rotation: a change to judge.
        if distinct
            && !self.ctx.one_environment
            && present
                .iter()
                .all(|&(i, s)| masker.is_whole_secret(keys.get(i), s, self.forced_for(s, forced)))
        {
            // Settled without a masked value, but learnt for masking all
            // the same: a secret is masked wherever else it is printed
            // (`scott/<password>@db` in another file) whether or not a
            // finding shows it here (adversarial review `review-parse/03`).
            for &(i, s) in &present {
                if !crate::secrets::is_reference(&s.text) {
                    crate::secrets::remember(&s.text);
                    if keys.get(i).is_some_and(crate::secrets::is_secret_name) {
                        crate::secrets::remember_decoded(&s.text);
                    }
                }
            }
            return true;
        }
        if self.ctx.keep_equivalent {
            return false; // `-v` shows them: build the values through `judge`.
        }
        if self.same_modulo_env(&present)
            && !present
                .iter()
                .any(|&(i, s)| masker.is_secret(keys.get(i), s, self.forced_for(s, forced)))
        {
            self.out.equivalent_count += 1;
            return true;
        }
        false
    }

    /// Whether scalars are equal once environment names are normalised (a
    /// word every environment's value contains is not a name there).
    pub(super) fn same_modulo_env(&self, present: &[(usize, &Scalar)]) -> bool {
        let Some(&(i0, first)) = present.first() else {
            return false;
        };
        if present.len() < 2 {
            return false;
        }
        let envs = self.ctx.envs;
        let norm0 = envs[i0].tokens.normalize(&first.text);
        let alike = |s: &Scalar| {
            s.kind == first.kind && s.ambiguity == first.ambiguity && s.tag == first.tag
        };
        present[1..]
            .iter()
            .all(|&(i, s)| alike(s) && envs[i].tokens.normalize(&s.text) == norm0)
            || present.iter().all(|&(i, s)| {
                alike(s)
                    && present.iter().all(|&(j, t)| {
                        i == j
                            || envs[i].tokens.normalize_except(&s.text, &t.text)
                                == envs[j].tokens.normalize_except(&t.text, &s.text)
                    })
            })
    }

    pub(super) fn scalar_lists(
        &mut self,
        nodes: &[Option<&'a Node>],
        keys: Keys<'_>,
        path: &[Seg<'a>],
        forced: Forced,
    ) {
        let items = |n: &'a Node| match &n.value {
            NodeValue::Seq(items) => items.as_slice(),
            _ => &[],
        };
        let mut present = nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.map(|n| (i, items(n))));
        let Some((_, first)) = present.next() else {
            return;
        };
        let same = |a: &Node, b: &Node| match (scalar(a), scalar(b)) {
            // Equal only when written alike to the tag (`!!binary b2s=` is
            // bytes, `"b2s="` text), as single scalars are.
            (Some(a), Some(b)) => a == b,
            _ => false,
        };
        let equal = present
            .all(|(_, l)| l.len() == first.len() && l.iter().zip(first).all(|(a, b)| same(a, b)));
        // One environment at two revisions: only lists written alike to the
        // item's tag are unchanged.
        if self.ctx.one_environment && super::identical(nodes) {
            return;
        }
        if equal && !self.ctx.one_environment {
            let masker = self.ctx.masker;
            let secret = nodes.iter().enumerate().any(|(i, n)| {
                n.is_some_and(|n| {
                    let scalars: Vec<&Scalar> = items(n).iter().filter_map(scalar).collect();
                    (0..scalars.len()).any(|k| {
                        let f = item_forced(&scalars, k, self.forced_for(scalars[k], forced));
                        masker.is_secret(keys.get(i), scalars[k], f)
                    })
                })
            });
            if !secret {
                return;
            }
        }
        let values = self.values(nodes, keys, forced);
        self.judge(path, nodes, &values);
    }
}
