//! The masked [`Value`] each environment shows at a node, built only once
//! something is to be reported: a scalar masked by the masker and the
//! document's known secrets, a list of scalars as one value with each item
//! masked on its own, and a container as `{…}` / `[…]`.

use super::{Keys, Walker, all_scalars, scalar, secrecy::item_forced};
use crate::model::node::{Node, NodeValue, Scalar};
use crate::model::value::{Secrecy, Value, ValueKind};
use crate::secrets::Forced;

impl<'a> Walker<'a, '_> {
    /// Each environment's masked value at this node.
    pub(super) fn values(
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

    pub(super) fn value_of(&self, i: usize, n: &Node, key: Option<&str>, forced: Forced) -> Value {
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
    pub(super) fn list_value(
        &self,
        i: usize,
        items: &[Node],
        key: Option<&str>,
        forced: Forced,
    ) -> Value {
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
                crate::secrets::key_words(k)
                    .last()
                    .is_some_and(|t| t.ends_with('s'))
            });
        v
    }
}

pub(super) fn container(kind: ValueKind, shown: &str) -> Value {
    Value::new(kind, shown.to_string(), None, Secrecy::Public)
}

pub(super) fn quote_if_needed(s: &str) -> String {
    if s.is_empty() || s.contains([',', '[', ']', '"']) || s.trim() != s {
        format!("{s:?}")
    } else {
        s.to_string()
    }
}
