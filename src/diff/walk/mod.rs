//! Walking one document's parse trees in every environment side by side.
//!
//! Nearly every value in a config repository is equal across environments,
//! and an equal value can only matter if it is a secret (then it is a reused
//! credential). So the walk compares raw scalars first and builds key paths
//! and masked [`Value`]s only where values differ or may be secret: work that
//! cannot change the answer is not done.

use std::borrow::Cow;
use std::collections::HashSet;

mod findings;
mod leaves;
mod loose;
mod maps;
mod preview;
mod scalars;
mod secrecy;
mod seqs;
#[cfg(test)]
mod tests;
mod values;

pub(super) use leaves::collect as leaves;
pub(super) use secrecy::pair_key;

use super::compare::{Found, Sighting, shown};
use crate::env::Environment;
use crate::model::document::Doc;
use crate::model::node::{Node, NodeValue, Scalar};
use crate::model::value::Value;
use crate::secrets::{Forced, Masker};
use secrecy::{child_forced, known_secrets, length_bit};

/// What the walk needs to know about the run.
pub struct Ctx<'a> {
    /// Environment names, in the order given.
    pub names: &'a [String],
    /// The environments (their name tokens).
    pub envs: &'a [Environment],
    /// Masks values.
    pub masker: &'a Masker,
    /// Keep each value that differs only by environment name (for `-v`);
    /// otherwise they are only counted.
    pub keep_equivalent: bool,
    /// The sides are one environment at two revisions: a value that
    /// differs is a change, a secret's too ([`super::changes`]).
    pub one_environment: bool,
}

/// One step of a key path, kept unrendered while the walk goes on.
enum Seg<'a> {
    /// A map key, as written.
    Key(&'a str),
    /// A list position.
    Index(usize),
    /// A list item by identity: `[name=api]` (identity already normalised);
    /// fingerprinted when the list is in a secret context.
    Id(&'static str, Cow<'a, str>, bool),
}

/// The key name a value is classified under, per environment. Usually one
/// name for all; `env[name=X].value` takes each environment's `X`.
#[derive(Clone, Copy)]
enum Keys<'a> {
    One(Option<&'a str>),
    PerEnv(&'a [Option<&'a str>]),
}

impl<'a> Keys<'a> {
    fn get(self, i: usize) -> Option<&'a str> {
        match self {
            Keys::One(k) => k,
            Keys::PerEnv(ks) => ks[i],
        }
    }
}

/// Compare one document present in the environments of `docs` (`None`:
/// absent there; the caller reports missing documents).
///
/// Returns the document's known secrets (texts under secret-named keys in any
/// environment), which [`leaves`] masks with too.
pub fn documents<'a>(ctx: &Ctx<'_>, docs: &[Option<&'a Doc>], out: &mut Found) -> HashSet<&'a str> {
    let (known, sightings) = known_secrets(ctx.masker, docs);
    // Where each secret sits, for reuse under different keys (see `diff::run`).
    out.sightings
        .extend(sightings.into_iter().map(|(env, text, key, line)| {
            let d = docs[env].expect("a sighting comes from a present document");
            let (file, line) = d.site(line);
            Sighting {
                env,
                text: text.into(),
                file_key: d.key.clone(),
                file: file.to_string(),
                key: key.to_string(),
                line,
            }
        }));
    let mut present = docs.iter().flatten();
    let Some(first) = present.next() else {
        return known;
    };
    if present.next().is_none() {
        return known;
    }
    let known_lengths = known.iter().fold(0, |m, t| m | length_bit(t.len()));
    let kept = known.clone();
    let mut w = Walker {
        ctx,
        docs,
        out,
        known,
        known_lengths,
        file: &first.key,
        document: (!first.id.doc.is_empty()).then_some(first.id.doc.as_str()),
    };
    let roots: Vec<Option<&Node>> = docs.iter().map(|d| d.map(|d| &d.root)).collect();
    w.node(&roots, Keys::One(None), &mut Vec::new(), Forced::No);
    kept
}

struct Walker<'a, 'c> {
    ctx: &'a Ctx<'c>,
    docs: &'a [Option<&'a Doc>],
    out: &'a mut Found,
    file: &'a str,
    document: Option<&'a str>,
    /// Texts that are secret somewhere in this document (under a secret key,
    /// in any environment): masked wherever else they appear, so a YAML
    /// alias or a pasted copy under an innocent key is not printed.
    known: HashSet<&'a str>,
    /// [`length_bit`] of every known secret: most values are ruled out
    /// without hashing them.
    known_lengths: u64,
}

/// Whether every side holds the node, written alike: the same shape, keys
/// in the same order, scalars with the same text, kind, tag and ambiguity
/// (lines aside). Within one environment anything else is a change.
fn identical(nodes: &[Option<&Node>]) -> bool {
    fn same(a: &Node, b: &Node) -> bool {
        match (&a.value, &b.value) {
            (NodeValue::Scalar(x), NodeValue::Scalar(y)) => x == y,
            (NodeValue::Seq(x), NodeValue::Seq(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
            }
            (NodeValue::Map(x), NodeValue::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|(a, b)| a.key == b.key && same(&a.value, &b.value))
            }
            _ => false,
        }
    }
    match nodes.split_first() {
        Some((Some(first), rest)) => rest.iter().all(|n| n.is_some_and(|n| same(first, n))),
        _ => false,
    }
}

fn scalar(n: &Node) -> Option<&Scalar> {
    match &n.value {
        NodeValue::Scalar(s) => Some(s),
        _ => None,
    }
}

fn all_scalars(items: &[Node]) -> bool {
    items
        .iter()
        .all(|i| matches!(i.value, NodeValue::Scalar(_)))
}

impl<'a> Walker<'a, '_> {
    fn node(
        &mut self,
        nodes: &[Option<&'a Node>],
        keys: Keys<'_>,
        path: &mut Vec<Seg<'a>>,
        forced: Forced,
    ) {
        let (mut scalars, mut maps, mut seqs) = (true, true, true);
        for n in nodes.iter().flatten() {
            scalars &= matches!(n.value, NodeValue::Scalar(_));
            maps &= matches!(n.value, NodeValue::Map(_));
            seqs &= matches!(n.value, NodeValue::Seq(_));
        }
        if scalars {
            self.scalars(nodes, keys, path, forced);
        } else if maps {
            self.maps(nodes, path, forced);
        } else if seqs {
            let flat = nodes
                .iter()
                .flatten()
                .all(|n| matches!(&n.value, NodeValue::Seq(items) if all_scalars(items)));
            if flat {
                self.scalar_lists(nodes, keys, path, forced);
            } else {
                self.seqs(nodes, keys, path, forced);
            }
        } else if nodes.iter().flatten().all(|n| match &n.value {
            NodeValue::Scalar(_) => true,
            NodeValue::Seq(items) => items.len() >= 2 && all_scalars(items),
            NodeValue::Map(_) => false,
        }) {
            // `proxy_next_upstream error` vs `proxy_next_upstream error timeout`:
            // one value against a list of values compares as lists.
            // Rule: a scalar is never equal to a one-item (or empty) list.
            // Directive formats (nginx, ini, XML) write one argument as a
            // scalar and only several as a list, so a one-item list is always
            // an explicit list (`replicas: [3]` in YAML, JSON, TOML, HCL): a
            // different type from `3`, compared below as such.
            let values: Vec<Option<Value>> = nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    n.map(|n| match &n.value {
                        NodeValue::Scalar(_) => {
                            self.list_value(i, std::slice::from_ref(n), keys.get(i), forced)
                        }
                        _ => self.value_of(i, n, keys.get(i), forced),
                    })
                })
                .collect();
            self.judge(path, nodes, &values);
        } else {
            // A map in one environment, a scalar in another: report, do not descend.
            let values = self.values(nodes, keys, forced);
            self.judge(path, nodes, &values);
            if self.ctx.one_environment {
                self.holders_alone(nodes, keys, path, forced);
            }
        }
    }

    /// One environment at two revisions, a map or a list on one side and
    /// another shape on the other (`spec: {replicas: 5}` to `spec: null`,
    /// `[]` or `""`): besides the change of type, each value the map or
    /// list holds is walked against nothing, so it is reported removed (or
    /// added) at its own path, as when the holder is deleted
    /// ([`findings`]' `reported_whole`): a decrease rule on
    /// `spec.replicas` judges it (it saw one type change at `spec`).
    fn holders_alone(
        &mut self,
        nodes: &[Option<&'a Node>],
        keys: Keys<'_>,
        path: &mut Vec<Seg<'a>>,
        forced: Forced,
    ) {
        for (i, n) in nodes.iter().enumerate() {
            let Some(n) = n else { continue };
            let alone: Vec<Option<&'a Node>> =
                (0..nodes.len()).map(|j| (j == i).then_some(*n)).collect();
            match &n.value {
                NodeValue::Map(m) if !m.is_empty() => self.node(&alone, keys, path, forced),
                NodeValue::Seq(items) if !all_scalars(items) => {
                    self.node(&alone, keys, path, forced);
                }
                NodeValue::Seq(items) if !items.is_empty() => {
                    self.missing_key(path, &alone, keys, forced);
                }
                _ => {}
            }
        }
    }
}
