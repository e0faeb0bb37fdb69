//! Comparing lists of maps or nested lists across environments: items are
//! paired by identity (`name: api`) when every environment's list has one,
//! loosely when identities differ only per environment (see [`super::loose`]),
//! and by position otherwise.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Keys, Seg, Walker, loose};
use crate::model::document::{Identities, identities};
use crate::model::node::{Node, NodeValue};
use crate::secrets::Forced;

impl<'a> Walker<'a, '_> {
    pub(super) fn seqs(
        &mut self,
        nodes: &[Option<&'a Node>],
        keys: Keys<'_>,
        path: &mut Vec<Seg<'a>>,
        forced: Forced,
    ) {
        let seqs: Vec<Option<&'a [Node]>> = nodes
            .iter()
            .map(|n| {
                n.map(|n| match &n.value {
                    NodeValue::Seq(items) => items.as_slice(),
                    _ => &[],
                })
            })
            .collect();
        let ids = &self.ctx.envs[0].ids;
        let keyed: Vec<Option<Identities<'a>>> = seqs
            .iter()
            .map(|s| s.and_then(|s| identities(s, ids)))
            .collect();
        let id_key = keyed.iter().flatten().next().map(|(k, _)| *k);
        let by_identity = seqs
            .iter()
            .zip(&keyed)
            .all(|(s, k)| s.is_none() || k.as_ref().map(|(k, _)| *k) == id_key);
        let mut child: Vec<Option<&'a Node>> = vec![None; nodes.len()];
        // The same items in the same order everywhere (the common case): pair by position.
        let mut listed = keyed.iter().flatten().map(|(_, ids)| ids);
        let first_ids = listed.next();
        let same_order = by_identity && first_ids.is_some_and(|f| listed.all(|ids| ids == f));
        if let (true, Some(id_key), Some(first_ids)) = (same_order, id_key, first_ids) {
            for (k, id) in first_ids.iter().enumerate() {
                for (slot, s) in child.iter_mut().zip(&seqs) {
                    *slot = s.and_then(|s| s.get(k));
                }
                path.push(Seg::Id(id_key, id.clone(), forced.is_secret_context()));
                self.item(&child, keys, path, forced);
                path.pop();
            }
        } else if let (true, Some(id_key)) = (by_identity, id_key) {
            let mut order: Vec<&Cow<'a, str>> = Vec::new();
            let mut index: HashMap<&str, Vec<Option<&'a Node>>> = HashMap::new();
            for (i, (s, k)) in seqs.iter().zip(&keyed).enumerate() {
                let (Some(s), Some((_, found))) = (s, k) else {
                    continue;
                };
                for (item, id) in s.iter().zip(found) {
                    let slot = index.entry(id.as_ref()).or_insert_with(|| {
                        order.push(id);
                        vec![None; nodes.len()]
                    });
                    slot[i] = Some(item);
                }
            }
            let present: Vec<bool> = seqs.iter().map(Option::is_some).collect();
            for (id, slots) in loose::pair(id_key, order, &index, &present) {
                child.clone_from(&slots);
                path.push(Seg::Id(id_key, id, forced.is_secret_context()));
                self.item(&child, keys, path, forced);
                path.pop();
            }
        } else {
            let longest = seqs.iter().flatten().map(|s| s.len()).max().unwrap_or(0);
            for k in 0..longest {
                for (slot, s) in child.iter_mut().zip(&seqs) {
                    *slot = s.and_then(|s| s.get(k));
                }
                path.push(Seg::Index(k));
                self.item(&child, keys, path, forced);
                path.pop();
            }
        }
    }

    pub(super) fn item(
        &mut self,
        child: &[Option<&'a Node>],
        keys: Keys<'_>,
        path: &mut Vec<Seg<'a>>,
        forced: Forced,
    ) {
        if self.reported_whole(child) {
            self.missing_key(path, child, keys, forced);
        } else {
            self.node(child, keys, path, forced);
        }
    }
}
