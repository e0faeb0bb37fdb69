//! Comparing maps across environments: aligning their keys (raw, then
//! environment-normalised), choosing the key name each value is classified
//! under (`- name: DB_PASSWORD  value: …`), and the Kubernetes
//! `value`-versus-`valueFrom` pair that is one finding rather than two
//! missing keys.

use std::collections::HashMap;

use super::{Keys, Seg, Walker, child_forced, scalar};
use crate::diff::compare::list;
use crate::finding::Rule;
use crate::model::document::BLOCK_IDENTITY;
use crate::model::node::{MapEntry, Node, NodeValue};
use crate::model::value::{Secrecy, Value, ValueKind};
use crate::secrets::Forced;

impl<'a> Walker<'a, '_> {
    pub(super) fn maps(
        &mut self,
        nodes: &[Option<&'a Node>],
        path: &mut Vec<Seg<'a>>,
        forced: Forced,
    ) {
        let maps: Vec<Option<&'a [MapEntry]>> = nodes
            .iter()
            .map(|n| {
                n.map(|n| match &n.value {
                    NodeValue::Map(m) => m.as_slice(),
                    _ => &[],
                })
            })
            .collect();
        // `- name: DB_PASSWORD\n  value: x`: the name says what the value is.
        let siblings: Vec<Option<&'a str>> = maps
            .iter()
            .map(|m| {
                m.and_then(|m| {
                    m.iter().find_map(|e| match (&*e.key, &e.value.value) {
                        ("name" | "key" | "@name" | "@key", NodeValue::Scalar(s)) => {
                            Some(s.text.as_str())
                        }
                        _ => None,
                    })
                })
            })
            .collect();
        let aligned = self
            .align_maps(&maps, true)
            .or_else(|| self.align_maps(&maps, false))
            .unwrap_or_default();
        let split_value = self.value_or_value_from(&maps, &siblings, path, forced);
        let mut child: Vec<Option<&'a Node>> = vec![None; nodes.len()];
        for (key, entries) in aligned {
            // A block's own identity is shown in its path, never compared as a key.
            if (split_value && matches!(key, "value" | "valueFrom")) || key == BLOCK_IDENTITY {
                continue;
            }
            for (slot, e) in child.iter_mut().zip(&entries) {
                *slot = e.map(|e| &e.value);
            }
            path.push(Seg::Key(key));
            // A block with its own identity (nginx `server`, `location /api`)
            // shows it even when it is the only one: `http.server[api.example.com:443]`.
            let identity = child.iter().flatten().find_map(|n| match &n.value {
                NodeValue::Map(m) => m
                    .first()
                    .filter(|e| e.key == BLOCK_IDENTITY)
                    .and_then(|e| scalar(&e.value)),
                _ => None,
            });
            if let Some(id) = identity {
                path.push(Seg::Id(
                    BLOCK_IDENTITY,
                    self.ctx.envs[0].ids.normalize(&id.text),
                    false,
                ));
            }
            let keys = match key {
                "value" | "valueFrom" | "@value" if siblings.iter().flatten().next().is_some() => {
                    Keys::PerEnv(&siblings)
                }
                _ => Keys::One(Some(key)),
            };
            let forced = match child.iter().zip(&maps).find_map(|(n, m)| n.zip(*m)) {
                Some((n, m)) => child_forced(m, key, n, forced),
                None => forced,
            };
            if self.reported_whole(&child) {
                self.missing_key(path, &child, keys, forced);
            } else {
                self.node(&child, keys, path, forced);
            }
            if identity.is_some() {
                path.pop();
            }
            path.pop();
        }
    }

    /// Kubernetes env vars: `value: <literal>` in some environments and
    /// `valueFrom: {secretKeyRef: …}` in the others is one finding (a secret
    /// literal, or a literal against a reference), not two missing keys.
    /// Returns whether it reported (and the two keys are done).
    pub(super) fn value_or_value_from(
        &mut self,
        maps: &[Option<&'a [MapEntry]>],
        siblings: &[Option<&'a str>],
        path: &mut Vec<Seg<'a>>,
        forced: Forced,
    ) -> bool {
        let get = |m: &'a [MapEntry], k: &str| m.iter().find(|e| e.key == k).map(|e| &e.value);
        let mut literal = Vec::new();
        let mut reference = Vec::new();
        for (i, m) in maps.iter().enumerate() {
            let Some(m) = m else { continue };
            match (get(m, "value"), get(m, "valueFrom")) {
                (Some(v), None) if matches!(v.value, NodeValue::Scalar(_)) => literal.push((i, v)),
                (None, Some(r)) if matches!(r.value, NodeValue::Map(_)) => reference.push((i, r)),
                _ => return false,
            }
        }
        if literal.is_empty() || reference.is_empty() {
            return false;
        }
        let mut nodes: Vec<Option<&'a Node>> = vec![None; maps.len()];
        let mut values: Vec<Option<Value>> = vec![None; maps.len()];
        let mut secret = true;
        for &(i, v) in &literal {
            let value = self.value_of(i, v, siblings[i], forced);
            secret &= matches!(value.secrecy, Secrecy::Secret(_));
            nodes[i] = Some(v);
            values[i] = Some(value);
        }
        for &(i, r) in &reference {
            nodes[i] = Some(r);
            values[i] = Some(Value::new(
                ValueKind::Str,
                describe_reference(r),
                None,
                Secrecy::Reference,
            ));
        }
        let names = |set: &[(usize, &Node)]| {
            list(
                &set.iter()
                    .map(|&(i, _)| self.ctx.names[i].as_str())
                    .collect::<Vec<_>>(),
            )
        };
        let (rule, message) = if secret {
            (
                Rule::SecretLiteral,
                format!(
                    "secret is a literal in {} but a reference in {}",
                    names(&literal),
                    names(&reference)
                ),
            )
        } else {
            (
                Rule::Value,
                format!(
                    "value is a literal in {} but a reference in {}",
                    names(&literal),
                    names(&reference)
                ),
            )
        };
        path.push(Seg::Key("value"));
        let rendered = self.render(path);
        path.pop();
        let f = self.finding(rule, message, &rendered, &nodes, &values);
        self.out.findings.push(f);
        true
    }

    /// Align map entries across environments: by raw key when every map has
    /// the same keys in the same order (the common case), else by normalised
    /// key (`normalise`) or, if normalising makes two keys of one map
    /// collide, by raw key. `None` means "collision, try raw keys".
    #[allow(clippy::type_complexity)]
    pub(super) fn align_maps(
        &self,
        maps: &[Option<&'a [MapEntry]>],
        normalise: bool,
    ) -> Option<Vec<(&'a str, Vec<Option<&'a MapEntry>>)>> {
        let mut present = maps.iter().flatten();
        let first = *present.next()?;
        let same = present
            .all(|m| m.len() == first.len() && m.iter().zip(first).all(|(a, b)| a.key == b.key));
        if same {
            return Some(
                (0..first.len())
                    .map(|k| {
                        (
                            first[k].key.as_str(),
                            maps.iter().map(|m| m.map(|m| &m[k])).collect(),
                        )
                    })
                    .collect(),
            );
        }
        let ids = &self.ctx.envs[0].ids;
        let mut order: Vec<(&'a str, Vec<Option<&'a MapEntry>>)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, m) in maps.iter().enumerate() {
            for e in m.iter().flat_map(|m| m.iter()) {
                let k = if normalise {
                    ids.normalize(&e.key).into_owned()
                } else {
                    e.key.clone()
                };
                let slot = *index.entry(k).or_insert_with(|| {
                    order.push((e.key.as_str(), vec![None; maps.len()]));
                    order.len() - 1
                });
                if order[slot].1[i].is_some() {
                    return None;
                }
                order[slot].1[i] = Some(e);
            }
        }
        Some(order)
    }
}

/// `valueFrom: {secretKeyRef: {name: db, key: password}}` as
/// `secretKeyRef db/password` (what it points at, never a value).
pub(super) fn describe_reference(r: &Node) -> String {
    let NodeValue::Map(m) = &r.value else {
        return "valueFrom".to_string();
    };
    let Some(source) = m.first() else {
        return "valueFrom".to_string();
    };
    let field = |k: &str| match &source.value.value {
        NodeValue::Map(f) => f
            .iter()
            .find(|e| e.key == k)
            .and_then(|e| scalar(&e.value))
            .map(|s| s.text.as_str()),
        _ => None,
    };
    match (
        field("name"),
        field("key")
            .or_else(|| field("fieldPath"))
            .or_else(|| field("resource")),
    ) {
        (Some(n), Some(k)) => format!("{} {n}/{k}", source.key),
        (None, Some(k)) => format!("{} {k}", source.key),
        _ => source.key.clone(),
    }
}
