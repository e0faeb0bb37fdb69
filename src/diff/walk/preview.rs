//! What a missing key holds, shown in its finding: `{copy: {src: a, dest: b}}`
//! instead of `{…}`, every leaf masked exactly as it would be on its own (a
//! secret-named key's value, a `Secret`'s data), cut at [`MAX`] characters;
//! and the per-key-path masking of a finding's values.

use super::{Walker, child_forced, scalar};
use crate::model::node::{Node, NodeValue};
use crate::model::value::{Secrecy, Value, ValueKind};
use crate::secrets::Forced;

/// The longest preview, in characters.
const MAX: usize = 160;

impl<'a> Walker<'a, '_> {
    /// A container's content as one printable value; scalars as they are.
    pub(super) fn preview(
        &self,
        i: usize,
        n: &'a Node,
        key: Option<&str>,
        forced: Forced,
    ) -> Value {
        if scalar(n).is_some() {
            return self.value_of(i, n, key, forced);
        }
        let mut out = String::new();
        self.write(i, n, key, forced, &mut out, 0);
        if out.chars().count() > MAX {
            out = out.chars().take(MAX - 1).collect::<String>() + "…";
        }
        let kind = match n.value {
            NodeValue::Map(_) => ValueKind::Map,
            _ => ValueKind::Seq,
        };
        Value::new(kind, out, None, Secrecy::Public)
    }

    fn write(
        &self,
        i: usize,
        n: &'a Node,
        key: Option<&str>,
        forced: Forced,
        out: &mut String,
        depth: usize,
    ) {
        if out.len() > MAX * 2 || depth > 32 {
            return;
        }
        match &n.value {
            NodeValue::Scalar(_) => out.push_str(&self.value_of(i, n, key, forced).shown),
            NodeValue::Seq(items) => {
                out.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    self.write(i, item, key, forced, out, depth + 1);
                }
                out.push(']');
            }
            NodeValue::Map(entries) => {
                out.push('{');
                for (k, e) in entries.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&e.key);
                    out.push_str(": ");
                    let f = child_forced(entries, &e.key, &e.value, forced);
                    let k = super::secrecy::pair_key(entries, &e.key);
                    self.write(i, &e.value, Some(k), f, out, depth + 1);
                }
                out.push('}');
            }
        }
    }
}

impl<'a> Walker<'a, '_> {
    /// Masking is decided per key path: when one environment's value at a
    /// finding is masked, every environment's is (a public-looking value
    /// beside a secret one is the same setting, and may be as sensitive).
    /// `None` when nothing needs masking beyond what is.
    pub(super) fn masked_alike(
        &self,
        nodes: &[Option<&'a Node>],
        values: &[Option<Value>],
    ) -> Option<Vec<Option<Value>>> {
        let any = values.iter().flatten().any(|v| v.secrecy.is_masked());
        if !any || values.iter().flatten().all(|v| v.secrecy.is_masked()) {
            return None;
        }
        Some(
            values
                .iter()
                .zip(nodes)
                .enumerate()
                .map(|(i, (v, n))| match (v, n.and_then(scalar)) {
                    (Some(v), Some(s)) if !v.secrecy.is_masked() => Some(self.ctx.masker.value(
                        None,
                        s,
                        Forced::Secret,
                        &self.ctx.envs[i].tokens,
                    )),
                    (v, _) => v.clone(),
                })
                .collect(),
        )
    }
}
