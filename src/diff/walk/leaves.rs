//! Every value of one environment's document that a policy asks about.
//!
//! The side-by-side walk only looks at values that differ; policies also
//! constrain values that are equal everywhere (`forbid`, `min`, `[[link]]`),
//! so this visitor walks one environment's tree on its own. It shares the
//! walk's key-path rendering and masking (known secrets of the document,
//! secret contexts), so a value reported by a policy is printed exactly as
//! the drift report would print it — masked the same way.

use super::{Ctx, Seg, Walker, all_scalars, child_forced, known_secrets};
use crate::diff::{Interest, Leaf};
use crate::finding::Site;
use crate::model::document::{BLOCK_IDENTITY, Doc, identities};
use crate::model::node::{Node, NodeValue, Scalar};
use crate::secrets::Forced;

/// Collect the leaves of `docs[env]` that `interest` wants (`files`: the
/// selectors that matched the file).
pub fn collect(
    ctx: &Ctx<'_>,
    docs: &[Option<&Doc>],
    env: usize,
    interest: &dyn Interest,
    files: &[usize],
    out: &mut Vec<Leaf>,
) {
    let Some(doc) = docs[env] else { return };
    let (known, _) = known_secrets(ctx.masker, docs);
    let known_lengths = known.iter().fold(0, |m, t| m | super::length_bit(t.len()));
    let mut found = super::Found::default();
    let w = Walker {
        ctx,
        docs,
        out: &mut found,
        known,
        known_lengths,
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
    };
    v.node(&doc.root, None, &mut Vec::new(), Forced::No);
}

struct Visitor<'a, 'c, 'o> {
    w: Walker<'a, 'c>,
    env: usize,
    doc: &'a Doc,
    interest: &'o dyn Interest,
    files: &'o [usize],
    out: &'o mut Vec<Leaf>,
}

impl<'a> Visitor<'a, '_, '_> {
    fn node(&mut self, n: &'a Node, key: Option<&'a str>, path: &mut Vec<Seg<'a>>, forced: Forced) {
        match &n.value {
            NodeValue::Scalar(s) => self.leaf(n, Some(s), key, path, forced),
            NodeValue::Seq(items) if all_scalars(items) => self.leaf(n, None, key, path, forced),
            NodeValue::Seq(items) => {
                let ids = identities(items, &self.w.ctx.envs[self.env].ids);
                for (k, item) in items.iter().enumerate() {
                    path.push(match &ids {
                        Some((id_key, found)) => {
                            Seg::Id(id_key, found[k].clone(), forced != Forced::No)
                        }
                        None => Seg::Index(k),
                    });
                    self.node(item, key, path, forced);
                    path.pop();
                }
            }
            NodeValue::Map(entries) => {
                let sibling = entries
                    .iter()
                    .find_map(|e| match (&*e.key, &e.value.value) {
                        ("name" | "key", NodeValue::Scalar(s)) => Some(s.text.as_str()),
                        _ => None,
                    });
                for e in entries {
                    if e.key == BLOCK_IDENTITY {
                        continue;
                    }
                    let class_key = match (&*e.key, sibling) {
                        ("value" | "valueFrom", Some(name)) => name,
                        _ => e.key.as_str(),
                    };
                    path.push(Seg::Key(&e.key));
                    // A block's own identity (nginx `server`, `location /api`)
                    // is part of its path, as in the diff.
                    let identity = match &e.value.value {
                        NodeValue::Map(m) => m
                            .first()
                            .filter(|c| c.key == BLOCK_IDENTITY)
                            .and_then(|c| match &c.value.value {
                                NodeValue::Scalar(s) => Some(s),
                                _ => None,
                            }),
                        _ => None,
                    };
                    if let Some(id) = identity {
                        path.push(Seg::Id(
                            BLOCK_IDENTITY,
                            self.w.ctx.envs[0].ids.normalize(&id.text),
                            false,
                        ));
                    }
                    let f = child_forced(entries, &e.key, &e.value, forced);
                    self.node(&e.value, Some(class_key), path, f);
                    if identity.is_some() {
                        path.pop();
                    }
                    path.pop();
                }
            }
        }
    }

    /// A scalar, or a list of scalars taken as one value (as the diff does).
    fn leaf(
        &mut self,
        n: &'a Node,
        scalar: Option<&'a Scalar>,
        key: Option<&'a str>,
        path: &[Seg<'a>],
        forced: Forced,
    ) {
        let rendered = self.w.render(path);
        let rules = self.interest.keys(self.files, &rendered);
        if rules.is_empty() {
            return;
        }
        let value = self.w.value_of(self.env, n, key, forced);
        // The text policies match against: a scalar's own text; a list's items
        // joined by spaces (nginx `proxy_next_upstream error timeout` reads the same).
        let raw = match (scalar, &n.value) {
            (Some(s), _) => s.text.clone(),
            (None, NodeValue::Seq(items)) => items
                .iter()
                .filter_map(|i| match &i.value {
                    NodeValue::Scalar(s) => Some(s.text.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
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
}
