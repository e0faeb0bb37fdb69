//! Walking one document's parse trees in every environment side by side.
//!
//! Nearly every value in a config repository is equal across environments,
//! and an equal value can only matter if it is a secret (then it is a reused
//! credential). So the walk compares raw scalars first and builds key paths
//! and masked [`Value`]s only where values differ or may be secret: work that
//! cannot change the answer is not done.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

mod leaves;
mod loose;
mod preview;

pub(super) use leaves::collect as leaves;

use super::compare::{Found, Sighting, Verdict, classify, list, shown};
use crate::env::Environment;
use crate::finding::{Finding, Rule, Site};
use crate::model::document::{
    BLOCK_IDENTITY, Doc, Identities, identities, push_key, push_selector,
};
use crate::model::envtoken::EnvTokens;
use crate::model::node::{MapEntry, Node, NodeValue, Scalar};
use crate::model::value::{Secrecy, Value, ValueKind};
use crate::secrets::keys::is_secret_name;
use crate::secrets::{Forced, Masker};

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

/// One bit per text length (63 for anything longer).
fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

/// The secrecy a map entry's value inherits: a Kubernetes `Secret`'s `data`
/// (wherever the resource sits: top level, a `List`, a duplicate) is secret;
/// a map or list under a secret-named key is a secret context.
fn child_forced(siblings: &[MapEntry], key: &str, child: &Node, forced: Forced) -> Forced {
    if forced == Forced::Secret {
        return Forced::Secret;
    }
    if matches!(key, "data" | "stringData") && is_secret_resource(siblings) {
        return Forced::Secret;
    }
    // Terraform: `variable "x" { sensitive = true  default = "…" }`.
    if matches!(key, "default" | "value")
        && siblings.iter().any(|e| {
            e.key == "sensitive"
                && matches!(&e.value.value, NodeValue::Scalar(s) if s.text == "true")
        })
    {
        return Forced::Secret;
    }
    if !matches!(child.value, NodeValue::Scalar(_)) && is_secret_name(key) {
        return Forced::Context;
    }
    forced
}

/// `valueFrom: {secretKeyRef: {name: db, key: password}}` as
/// `secretKeyRef db/password` (what it points at, never a value).
fn describe_reference(r: &Node) -> String {
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

/// In a list of values, the item after a secret-named one is a secret:
/// `["--password", "x"]`, nginx `proxy_set_header Authorization "…"`,
/// `set $token "…"`.
fn item_forced(items: &[&Scalar], k: usize, forced: Forced) -> Forced {
    let after_secret_word = k > 0 && {
        let prev = items[k - 1].text.as_str();
        !prev.contains('=') && is_secret_name(prev.trim_matches(|c: char| !c.is_alphanumeric()))
    };
    // An argv list: the argument of a credential flag (`[mysql, -pX]`, `[curl, -u, a:pw]`).
    let argv_credential = || {
        crate::secrets::cmdline_argv_item_is_credential(
            items.len(),
            |i| items[i].text.to_string(),
            k,
        )
    };
    if forced == Forced::No && (after_secret_word || argv_credential()) {
        Forced::Secret
    } else {
        forced
    }
}

/// Whether a map is a Kubernetes `Secret` (`apiVersion` + `kind: Secret`).
fn is_secret_resource(entries: &[MapEntry]) -> bool {
    let scalar_is = |k: &str, want: Option<&str>| {
        entries.iter().any(|e| {
            e.key == k && matches!(&e.value.value, NodeValue::Scalar(s) if want.is_none_or(|w| s.text == w))
        })
    };
    scalar_is("kind", Some("Secret")) && scalar_is("apiVersion", None)
}

/// Collect every whole-value secret of the document, in every environment.
#[allow(clippy::type_complexity)]
fn known_secrets<'a>(
    masker: &Masker,
    docs: &[Option<&'a Doc>],
) -> (HashSet<&'a str>, Vec<(usize, &'a str, &'a str, u32)>) {
    let mut known = HashSet::new();
    let mut sightings = Vec::new();
    for (env, d) in docs
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.map(|d| (i, d)))
    {
        let mut stack: Vec<(&'a Node, Option<&'a str>, Forced)> = vec![(&d.root, None, Forced::No)];
        while let Some((node, key, forced)) = stack.pop() {
            match &node.value {
                NodeValue::Scalar(s) => {
                    // Only values that could be credentials spread: `5000` under
                    // `PER_AUTHORIZATION` is masked there, not everywhere.
                    let t = s.text.as_str();
                    let plausible = t.len() >= 6
                        && !t
                            .bytes()
                            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
                    // Values found by their shape (tokens, keys) are masked
                    // wherever they appear anyway; what needs spreading is
                    // what only a secret-named key revealed.
                    let named = forced != Forced::No || key.is_some_and(is_secret_name);
                    if plausible && named && masker.is_whole_secret(key, s, forced) {
                        known.insert(t);
                        // Reuse needs a secret-named key, not just a secret-named parent.
                        if forced == Forced::Secret || key.is_some_and(is_secret_name) {
                            sightings.push((env, t, key.unwrap_or(""), node.line));
                        }
                    }
                }
                NodeValue::Seq(items) => stack.extend(items.iter().map(|i| (i, key, forced))),
                NodeValue::Map(entries) => {
                    let sibling = entries
                        .iter()
                        .find_map(|e| match (&*e.key, &e.value.value) {
                            ("name" | "key" | "@name" | "@key", NodeValue::Scalar(s)) => {
                                Some(s.text.as_str())
                            }
                            _ => None,
                        });
                    for e in entries {
                        let k = match (&*e.key, sibling) {
                            ("value" | "valueFrom" | "@value", Some(name)) => name,
                            _ => e.key.as_str(),
                        };
                        stack.push((
                            &e.value,
                            Some(k),
                            child_forced(entries, &e.key, &e.value, forced),
                        ));
                    }
                }
            }
        }
    }
    (known, sightings)
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
        }
    }

    fn scalars(
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
    fn routine_difference(
        &mut self,
        nodes: &[Option<&'a Node>],
        keys: Keys<'_>,
        forced: Forced,
    ) -> bool {
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
        if distinct
            && present
                .iter()
                .all(|&(i, s)| masker.is_whole_secret(keys.get(i), s, self.forced_for(s, forced)))
        {
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
    fn same_modulo_env(&self, present: &[(usize, &Scalar)]) -> bool {
        let Some(&(i0, first)) = present.first() else {
            return false;
        };
        if present.len() < 2 {
            return false;
        }
        let envs = self.ctx.envs;
        let norm0 = envs[i0].tokens.normalize(&first.text);
        let alike = |s: &Scalar| s.kind == first.kind && s.ambiguity == first.ambiguity;
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

    fn scalar_lists(
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
            (Some(a), Some(b)) => a.text == b.text && a.kind == b.kind,
            _ => false,
        };
        let equal = present
            .all(|(_, l)| l.len() == first.len() && l.iter().zip(first).all(|(a, b)| same(a, b)));
        if equal {
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

    fn maps(&mut self, nodes: &[Option<&'a Node>], path: &mut Vec<Seg<'a>>, forced: Forced) {
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
            if self.missing(&child) {
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
    fn value_or_value_from(
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
    fn align_maps(
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

    fn seqs(
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
                path.push(Seg::Id(id_key, id.clone(), forced != Forced::No));
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
                path.push(Seg::Id(id_key, id, forced != Forced::No));
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

    fn item(
        &mut self,
        child: &[Option<&'a Node>],
        keys: Keys<'_>,
        path: &mut Vec<Seg<'a>>,
        forced: Forced,
    ) {
        if self.missing(child) {
            self.missing_key(path, child, keys, forced);
        } else {
            self.node(child, keys, path, forced);
        }
    }

    /// A known secret of this document inside a longer public string
    /// (`"prefix <secret> suffix"`) is masked there too.
    fn mask_known_inside(&self, v: Value, s: &Scalar, tokens: &EnvTokens) -> Value {
        if self.known.is_empty() || v.secrecy.is_masked() || s.text.len() < 6 {
            return v;
        }
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        // Only credential-like secrets (8+ characters, letters and digits):
        // a weak one such as `opencollective` would mask every hostname.
        let credential_like = |k: &str| {
            k.len() >= 8
                && k.bytes().any(|b| b.is_ascii_digit())
                && k.bytes().any(|b| b.is_ascii_alphabetic())
        };
        for k in self.known.iter().filter(|k| credential_like(k)) {
            ranges.extend(s.text.match_indices(k).map(|(at, m)| at..at + m.len()));
        }
        if ranges.is_empty() {
            return v;
        }
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        let mut masked = self.ctx.masker.mask_ranges(&s.text, merged, tokens);
        masked.kind = v.kind;
        masked.inferred = true;
        masked
    }

    /// `forced`, or secret when the text is a known secret of this document.
    fn forced_for(&self, s: &Scalar, forced: Forced) -> Forced {
        if forced == Forced::No
            && self.known_lengths & length_bit(s.text.len()) != 0
            && self.known.contains(s.text.as_str())
        {
            Forced::Secret
        } else {
            forced
        }
    }

    /// Whether some environment that has the document lacks this node.
    fn missing(&self, nodes: &[Option<&Node>]) -> bool {
        nodes
            .iter()
            .zip(self.docs)
            .any(|(n, d)| d.is_some() && n.is_none())
    }

    fn missing_key(
        &mut self,
        path: &[Seg<'a>],
        nodes: &[Option<&'a Node>],
        keys: Keys<'_>,
        forced: Forced,
    ) {
        let values: Vec<Option<Value>> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| n.map(|n| self.preview(i, n, keys.get(i), forced)))
            .collect();
        let path = self.render(path);
        let path = path.as_str();
        let have: Vec<&str> = (0..nodes.len())
            .filter(|&i| nodes[i].is_some())
            .map(|i| self.ctx.names[i].as_str())
            .collect();
        let mut f = self.finding(
            Rule::MissingKey,
            format!("key exists in {} only", list(&have)),
            path,
            nodes,
            &values,
        );
        // One side made only of development environments: how they are meant to differ.
        let envs: Vec<(&str, &EnvTokens, Option<bool>)> = (0..nodes.len())
            .map(|i| {
                let side = self.docs[i].is_some().then_some(nodes[i].is_some());
                (self.ctx.names[i].as_str(), &self.ctx.envs[i].tokens, side)
            })
            .collect();
        if super::tiers::one_side_development(&envs) {
            f.severity = crate::finding::Severity::Note;
            f.message
                .push_str(" (development environments differ by design)");
        }
        self.out.findings.push(f);
    }

    /// The key path as printed, built only when something is reported.
    fn render(&self, segs: &[Seg<'_>]) -> String {
        let mut path = String::new();
        for seg in segs {
            match seg {
                Seg::Key(k) => push_key(&mut path, &self.key_segment(k)),
                Seg::Index(i) => {
                    path.push('[');
                    path.push_str(&i.to_string());
                    path.push(']');
                }
                Seg::Id(k, id, secret) => {
                    if *secret || !crate::secrets::values::secret_parts(id).is_empty() {
                        push_selector(
                            &mut path,
                            k,
                            &format!("<secret fp={}>", self.ctx.masker.fingerprint(id)),
                        );
                    } else {
                        push_selector(&mut path, k, id);
                    }
                }
            }
        }
        path
    }

    /// A key as printed: environment names normalised, and a key that is
    /// itself a credential (a token used as a map key) fingerprinted.
    fn key_segment(&self, key: &str) -> String {
        if crate::secrets::values::secret_parts(key).is_empty()
            && !crate::secrets::values::looks_random(key)
        {
            self.ctx.envs[0].ids.normalize(key).into_owned()
        } else {
            format!("<secret fp={}>", self.ctx.masker.fingerprint(key))
        }
    }

    /// Each environment's masked value at this node.
    fn values(
        &self,
        nodes: &[Option<&'a Node>],
        keys: Keys<'_>,
        forced: Forced,
    ) -> Vec<Option<Value>> {
        let mut values: Vec<Option<Value>> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| n.map(|n| self.value_of(i, n, keys.get(i), forced)))
            .collect();
        // A key path masked whole in one environment is masked in all: the
        // same setting one character apart must not print in clear beside
        // its fingerprint.
        let whole = |v: &Option<Value>| {
            v.as_ref()
                .is_some_and(|v| matches!(v.secrecy, Secrecy::Secret(_) | Secrecy::Encrypted(_)))
        };
        if forced != Forced::Secret && values.iter().any(whole) {
            for (i, n) in nodes.iter().enumerate() {
                if let Some(n) = n
                    && !whole(&values[i])
                    && matches!(n.value, NodeValue::Scalar(_))
                {
                    let mut v = self.value_of(i, n, keys.get(i), Forced::Secret);
                    if v.secrecy.is_masked() {
                        v.inferred = true;
                        v.masked_for_peer = true;
                    }
                    values[i] = Some(v);
                }
            }
        }
        values
    }

    fn value_of(&self, i: usize, n: &Node, key: Option<&str>, forced: Forced) -> Value {
        let tokens = &self.ctx.envs[i].tokens;
        let masker = self.ctx.masker;
        match &n.value {
            NodeValue::Scalar(s) => {
                let v = masker.value(key, s, self.forced_for(s, forced), tokens);
                let mut v = self.mask_known_inside(v, s, tokens);
                v.placeholder = crate::model::placeholder::is_placeholder(&s.text);
                v
            }
            NodeValue::Map(m) => container(ValueKind::Map, if m.is_empty() { "{}" } else { "{…}" }),
            NodeValue::Seq(items) if all_scalars(items) => self.list_value(i, items, key, forced),
            NodeValue::Seq(items) => {
                container(ValueKind::Seq, if items.is_empty() { "[]" } else { "[…]" })
            }
        }
    }

    /// A list of scalars as one value, `[error, timeout]`, each item masked on its own.
    fn list_value(&self, i: usize, items: &[Node], key: Option<&str>, forced: Forced) -> Value {
        let tokens = &self.ctx.envs[i].tokens;
        let masker = self.ctx.masker;
        let mut shown = String::from("[");
        let mut norm = String::from("[");
        let mut fps = Vec::new();
        let scalars: Vec<&Scalar> = items.iter().filter_map(scalar).collect();
        for (k, &s) in scalars.iter().enumerate() {
            let v = masker.value(
                key,
                s,
                item_forced(&scalars, k, self.forced_for(s, forced)),
                tokens,
            );
            if k > 0 {
                shown.push_str(", ");
                norm.push_str(", ");
            }
            let plain = !v.secrecy.is_masked() && s.kind == crate::model::node::ScalarKind::Str;
            shown.push_str(&if plain {
                quote_if_needed(&v.shown)
            } else {
                v.shown.to_string()
            });
            norm.push_str(&if plain {
                quote_if_needed(v.norm())
            } else {
                v.norm().to_string()
            });
            fps.extend_from_slice(v.secrecy.fingerprints());
        }
        shown.push(']');
        norm.push(']');
        let secrecy = if fps.is_empty() {
            Secrecy::Public
        } else {
            Secrecy::Partial(fps)
        };
        let mut v = Value::new(ValueKind::List, shown, Some(norm), secrecy);
        // A list under a plural secret-named key (`secrets: [db_password]` in
        // docker-compose) often lists *names*: masked, but no reuse evidence.
        v.inferred = v.secrecy.is_masked()
            && key.is_some_and(|k| {
                crate::secrets::keys::tokens(k)
                    .last()
                    .is_some_and(|t| t.ends_with('s'))
            });
        v
    }

    /// Classify differing (or secret) values and record the verdict.
    fn judge(&mut self, path: &[Seg<'a>], nodes: &[Option<&'a Node>], values: &[Option<Value>]) {
        let path = self.render(path);
        let path = path.as_str();
        let present: Vec<(usize, &Value)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (i, v)))
            .collect();
        let verdict = match classify(self.ctx.names, path, &present) {
            // `-v` comes here with values the quick path would have found
            // equivalent: the same answer, whatever the verbosity.
            Verdict::Differ(Rule::Value | Rule::DataPath | Rule::Flag, _)
                if self.ctx.keep_equivalent
                    && present.iter().all(|(_, v)| !v.secrecy.is_masked())
                    && nodes.iter().flatten().all(|n| scalar(n).is_some())
                    && self.same_modulo_env(
                        &nodes
                            .iter()
                            .enumerate()
                            .filter_map(|(i, n)| n.and_then(scalar).map(|s| (i, s)))
                            .collect::<Vec<_>>(),
                    ) =>
            {
                Verdict::SameModuloEnv
            }
            v => v,
        };
        match verdict {
            Verdict::Same => {}
            Verdict::SameModuloEnv if !self.ctx.keep_equivalent => self.out.equivalent_count += 1,
            Verdict::SameModuloEnv => {
                self.out.equivalent_count += 1;
                let mut f = self.finding(
                    Rule::Value,
                    "values differ only by environment name".to_string(),
                    path,
                    nodes,
                    values,
                );
                f.help = None;
                self.out.equivalent.push(f);
            }
            Verdict::Differ(rule, message) => {
                let masked = self.masked_alike(nodes, values);
                let f = self.finding(
                    rule,
                    message,
                    path,
                    nodes,
                    masked.as_deref().unwrap_or(values),
                );
                self.out.findings.push(f);
            }
        }
    }

    fn finding(
        &self,
        rule: Rule,
        message: String,
        path: &str,
        nodes: &[Option<&Node>],
        values: &[Option<Value>],
    ) -> Finding {
        let mut f = Finding::builtin(rule, message, self.file.to_string());
        f.document = self.document.map(str::to_string);
        f.key = Some(path.to_string());
        f.envs = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.map(|d| (i, d)))
            .map(|(i, d)| {
                let site = nodes[i].map(|n| {
                    let (file, line) = d.site(n.line);
                    Site {
                        file: file.to_string(),
                        line,
                        value: values[i].as_ref().map(shown),
                    }
                });
                (self.ctx.names[i].clone(), site)
            })
            .collect();
        f
    }
}

fn container(kind: ValueKind, shown: &str) -> Value {
    Value::new(kind, shown.to_string(), None, Secrecy::Public)
}

fn quote_if_needed(s: &str) -> String {
    if s.is_empty() || s.contains([',', '[', ']', '"']) || s.trim() != s {
        format!("{s:?}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{Format, Limits, parse};
    use crate::model::document::documents as identify;
    use crate::model::envtoken::EnvTokens;
    use crate::secrets::Fingerprinter;

    /// Compare two YAML texts as `staging` and `prod`; (rule, key) of each finding.
    fn diff(staging: &str, prod: &str) -> Vec<(String, String)> {
        let names = vec!["staging".to_string(), "prod".to_string()];
        let tokens: Vec<EnvTokens> = names.iter().map(|n| EnvTokens::new(n, &[])).collect();
        let ids = EnvTokens::union(&tokens.iter().collect::<Vec<_>>());
        let envs: Vec<Environment> = names
            .iter()
            .zip(tokens)
            .map(|(n, t)| Environment {
                name: n.clone(),
                tokens: t,
                ids: ids.clone(),
                files: vec![],
                root: None,
            })
            .collect();
        let masker = Masker::new(Fingerprinter::with_key(b"k"));
        let docs: Vec<Vec<Doc>> = [staging, prod]
            .iter()
            .map(|t| {
                identify(
                    parse(Format::Yaml, t, &Limits::default()).unwrap(),
                    "a.yaml",
                    "a.yaml",
                    &ids,
                )
            })
            .collect();
        let ctx = Ctx {
            names: &names,
            envs: &envs,
            masker: &masker,
            keep_equivalent: false,
        };
        let mut found = Found::default();
        super::documents(&ctx, &[Some(&docs[0][0]), Some(&docs[1][0])], &mut found);
        found
            .findings
            .into_iter()
            .map(|f| (f.rule, f.key.unwrap_or_default()))
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn identity_keyed_lists_and_env_value_names() {
        let staging = "env:\n  - name: DB_PASSWORD\n    value: hunter2\n  - name: DATA_PATH\n    value: /var/lib/x\n";
        let prod = "env:\n  - name: DATA_PATH\n    value: /data/x\n  - name: DB_PASSWORD\n    value: hunter2\n";
        assert_eq!(
            diff(staging, prod),
            pairs(&[
                ("drift/credential-reused", "env[name=DB_PASSWORD].value"),
                ("drift/data-path", "env[name=DATA_PATH].value"),
            ])
        );
    }

    #[test]
    fn a_literal_against_a_value_from_reference_is_one_finding() {
        let s = "env:\n  - name: DB_PASSWORD\n    value: hunter2abc\n  - name: LOG_LEVEL\n    value: info\n";
        let p = "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}\n  - name: LOG_LEVEL\n    valueFrom:\n      configMapKeyRef: {name: app, key: level}\n";
        assert_eq!(
            diff(s, p),
            pairs(&[
                ("drift/secret-literal", "env[name=DB_PASSWORD].value"),
                ("drift/value", "env[name=LOG_LEVEL].value"),
            ])
        );
    }

    #[test]
    fn a_secret_is_masked_wherever_it_reappears() {
        // An alias (or a pasted copy) under an innocent key is still the secret.
        let doc = "password: &p hunter2abc\ncopy: *p\nnote: hunter2abc\nlimits: {auth: 500000, max_delay: 500000, per_authorization: 5000}\n";
        assert_eq!(
            diff(doc, doc),
            pairs(&[
                ("drift/credential-reused", "password"),
                ("drift/credential-reused", "copy"),
                ("drift/credential-reused", "note"),
                // A number under a secret-sounding key is masked there, and only
                // there; under a key naming a measure it is a setting.
                ("drift/credential-reused", "limits.auth"),
            ])
        );
    }

    #[test]
    fn equal_documents_and_env_only_differences_find_nothing() {
        let s = "host: db.staging.internal\nlist: [a, b]\nnested: {x: 1}\n";
        let p = "host: db.prod.internal\nlist: [a, b]\nnested: {x: 1}\n";
        assert_eq!(diff(s, p), vec![]);
    }

    #[test]
    fn keys_are_normalised_quoted_and_missing_at_the_top() {
        let s = "staging_db: {host: a}\n\"a.b\": [error]\nsites: {\"example.com\": 1}\n";
        let p = "prod_db: {host: b}\n\"a.b\": [error, timeout]\nsites: {\"example.com\": 2}\nextra: {deep: {x: 1}}\n";
        assert_eq!(
            diff(s, p),
            pairs(&[
                ("drift/value", "{env}_db.host"),
                ("drift/value", "[\"a.b\"]"),
                ("drift/value", "sites[\"example.com\"]"),
                ("drift/missing-key", "extra"),
            ])
        );
    }

    #[test]
    fn unkeyed_lists_align_by_index_and_types_are_compared() {
        let s = "items:\n  - {a: 1}\n  - {a: 2}\nport: 8080\nmode: {x: 1}\n";
        let p = "items:\n  - {a: 1}\nport: \"8080\"\nmode: fast\n";
        assert_eq!(
            diff(s, p),
            pairs(&[
                ("drift/missing-key", "items[1]"),
                ("drift/value", "port"),
                ("drift/value", "mode")
            ])
        );
    }
}
