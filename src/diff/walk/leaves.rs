//! Every value of one environment's document that a policy asks about.
//!
//! The side-by-side walk only looks at values that differ; policies also
//! constrain values that are equal everywhere (`forbid`, `min`, `[[link]]`),
//! so this visitor walks one environment's tree on its own. It shares the
//! walk's key-path rendering and masking (known secrets of the document,
//! secret contexts), so a value reported by a policy is printed exactly as
//! the drift report would print it — masked the same way.
//!
//! Nearly no value is wanted, so the visit itself only keeps a trail of
//! where it is; the key path, list identities and secret context are
//! rebuilt from that trail for the few values whose key name a policy asks
//! about.

use std::collections::HashSet;

use super::{Ctx, Seg, Walker, all_scalars, child_forced};
use crate::diff::{Interest, Leaf};
use crate::finding::Site;
use crate::model::document::{BLOCK_IDENTITY, Doc, Identities, identities};
use crate::model::node::{MapEntry, Node, NodeValue};
use crate::secrets::Forced;

/// Collect the leaves of `docs[env]` that `interest` wants (`files`: the
/// selectors that matched the file; `known`: the document's known secrets,
/// from [`super::documents`]).
pub fn collect<'a>(
    ctx: &Ctx<'_>,
    docs: &[Option<&'a Doc>],
    known: &HashSet<&'a str>,
    env: usize,
    interest: &dyn Interest,
    files: &[usize],
    out: &mut Vec<Leaf>,
) {
    let Some(doc) = docs[env] else { return };
    let mut found = super::Found::default();
    let w = Walker {
        ctx,
        docs,
        out: &mut found,
        known: known.clone(),
        known_lengths: known.iter().fold(0, |m, t| m | super::length_bit(t.len())),
        file: &doc.key,
        document: (!doc.id.doc.is_empty()).then_some(doc.id.doc.as_str()),
    };
    let mut v = Visitor {
        w,
        env,
        doc,
        interest,
        files,
        out,
        ids: Vec::new(),
    };
    v.node(&doc.root, &mut Vec::new());
}

/// One step down from the root: a map entry, or a list item.
#[derive(Clone, Copy)]
enum Step<'a> {
    Entry(&'a [MapEntry], usize),
    Item(&'a [Node], usize),
}

struct Visitor<'a, 'c, 'o> {
    w: Walker<'a, 'c>,
    env: usize,
    doc: &'a Doc,
    interest: &'o dyn Interest,
    files: &'o [usize],
    out: &'o mut Vec<Leaf>,
    /// Identities of the lists on the way to wanted values, by list address:
    /// computed once per list, not once per value inside it.
    ids: Vec<(*const Node, Option<Identities<'a>>)>,
}

impl<'a> Visitor<'a, '_, '_> {
    fn node(&mut self, n: &'a Node, trail: &mut Vec<Step<'a>>) {
        match &n.value {
            NodeValue::Scalar(_) => self.leaf(n, trail),
            NodeValue::Seq(items) if all_scalars(items) => self.leaf(n, trail),
            NodeValue::Seq(items) => {
                for (k, item) in items.iter().enumerate() {
                    trail.push(Step::Item(items, k));
                    self.node(item, trail);
                    trail.pop();
                }
            }
            NodeValue::Map(entries) => {
                for (k, e) in entries.iter().enumerate() {
                    if e.key == BLOCK_IDENTITY {
                        continue;
                    }
                    trail.push(Step::Entry(entries, k));
                    self.node(&e.value, trail);
                    trail.pop();
                }
            }
        }
    }

    /// A scalar, or a list of scalars taken as one value (as the diff does).
    fn leaf(&mut self, n: &'a Node, trail: &[Step<'a>]) {
        // The key's own name rules most values out before a path is built.
        let name = trail.iter().rev().find_map(|s| match s {
            Step::Entry(entries, k) => Some(entries[*k].key.as_str()),
            Step::Item(..) => None,
        });
        if !self.interest.may_want(self.files, name.unwrap_or("")) {
            return;
        }
        let (path, class_key, forced) = self.replay(trail);
        let rendered = crate::model::keypath::KeyPath::new(self.w.render(&path));
        let rules = self.interest.keys(self.files, &rendered);
        if rules.is_empty() {
            return;
        }
        let value = self.w.value_of(self.env, n, class_key, forced);
        // The text policies match against: a scalar's own text; a list's items
        // joined by spaces (nginx `proxy_next_upstream error timeout` reads the same).
        let raw = match &n.value {
            NodeValue::Scalar(s) => s.text.clone(),
            NodeValue::Seq(items) => items
                .iter()
                .filter_map(|i| match &i.value {
                    NodeValue::Scalar(s) => Some(s.text.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" "),
            NodeValue::Map(_) => String::new(),
        };
        let (file, line) = self.doc.site(n.line);
        let shown = super::shown(&value);
        self.out.push(Leaf {
            env: self.env,
            doc: self.doc.id.clone(),
            file_key: self.doc.key.clone(),
            document: (!self.doc.id.doc.is_empty()).then(|| self.doc.id.doc.clone()),
            key: rendered,
            site: Site {
                file: file.to_string(),
                line,
                value: Some(shown),
            },
            value,
            raw,
            rules,
        });
    }

    /// The key path, the key name the value is classified under, and its
    /// secret context, rebuilt along `trail` exactly as the diff walk builds them.
    fn replay(&mut self, trail: &[Step<'a>]) -> (Vec<Seg<'a>>, Option<&'a str>, Forced) {
        let ids = &self.w.ctx.envs[self.env].ids;
        let mut path = Vec::with_capacity(trail.len() + 2);
        let mut class_key = None;
        let mut forced = Forced::No;
        for step in trail {
            match *step {
                Step::Entry(entries, k) => {
                    let e = &entries[k];
                    path.push(Seg::Key(&e.key));
                    // A block's own identity (nginx `server`, `location /api`)
                    // is part of its path, as in the diff.
                    if let NodeValue::Map(m) = &e.value.value
                        && let Some(first) = m.first().filter(|c| c.key == BLOCK_IDENTITY)
                        && let NodeValue::Scalar(id) = &first.value.value
                    {
                        path.push(Seg::Id(BLOCK_IDENTITY, ids.normalize(&id.text), false));
                    }
                    // `- name: DB_PASSWORD\n  value: x`: the name says what the value is.
                    let sibling = entries
                        .iter()
                        .find_map(|s| match (&*s.key, &s.value.value) {
                            ("name" | "key", NodeValue::Scalar(v)) => Some(v.text.as_str()),
                            _ => None,
                        });
                    class_key = Some(match (&*e.key, sibling) {
                        ("value" | "valueFrom", Some(name)) => name,
                        _ => e.key.as_str(),
                    });
                    forced = child_forced(entries, &e.key, &e.value, forced);
                }
                Step::Item(items, k) => {
                    let at = match self.ids.iter().position(|(p, _)| *p == items.as_ptr()) {
                        Some(at) => at,
                        None => {
                            self.ids.push((items.as_ptr(), identities(items, ids)));
                            self.ids.len() - 1
                        }
                    };
                    path.push(match &self.ids[at].1 {
                        Some((id_key, found)) => {
                            Seg::Id(id_key, found[k].clone(), forced.is_secret_context())
                        }
                        None => Seg::Index(k),
                    });
                }
            }
        }
        (path, class_key, forced)
    }
}
