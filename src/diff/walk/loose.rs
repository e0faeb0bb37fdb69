//! Aligning list items whose identities differ only by a per-environment part
//! (docs/alignment.md).
//!
//! Items are first paired by exact (environment-normalised) identity. An item
//! left without a partner in some environment is then paired by a *looser*
//! identity, but only when that is unambiguous — every environment has at most
//! one leftover item with that loose identity, and at least two environments
//! do — so a real addition is never hidden:
//! 1. the same identity ignoring ASCII case (`Copy backend Makefile` vs
//!    `Copy backend makefile`, a cosmetic rename);
//! 2. for blocks identified by `host:port` (nginx `server`), the port alone
//!    (`nest.owasp.dev:443` vs `nest.owasp.org:443`): hostnames are per
//!    environment, the server is the same; the block is shown as `[*:443]`
//!    and `server_name` is compared as a value inside it.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::document::BLOCK_IDENTITY;
use crate::model::node::Node;

/// Slots of one aligned item: the item in each environment.
pub(super) type Slots<'a> = Vec<Option<&'a Node>>;

/// Pair leftovers of `order`/`index` by looser identities; returns the final
/// order of `(shown identity, slots)`. `present[i]`: environment `i` has the list.
pub(super) fn pair<'a>(
    id_key: &str,
    order: Vec<&Cow<'a, str>>,
    index: &HashMap<&str, Slots<'a>>,
    present: &[bool],
) -> Vec<(Cow<'a, str>, Slots<'a>)> {
    let mut out: Vec<(Cow<'a, str>, Slots<'a>)> = order
        .iter()
        .map(|id| ((*id).clone(), index[id.as_ref()].clone()))
        .collect();
    let partial = |slots: &Slots<'a>| slots.iter().zip(present).any(|(s, p)| *p && s.is_none());
    let looser: [fn(&str, &str) -> Option<String>; 2] = [by_case, by_port];
    for (step, loose) in looser.into_iter().enumerate() {
        let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
        for (k, (id, slots)) in out.iter().enumerate() {
            if partial(slots)
                && let Some(l) = loose(id_key, id)
            {
                groups.entry(l).or_default().push(k);
            }
        }
        let mut merged: Vec<(usize, Vec<usize>, Cow<'a, str>)> = Vec::new();
        for (l, members) in groups {
            if members.len() < 2 {
                continue;
            }
            let mut slots: Slots<'a> = vec![None; present.len()];
            let mut clash = false;
            for &k in &members {
                for (slot, item) in slots.iter_mut().zip(&out[k].1) {
                    if item.is_some() {
                        clash |= slot.is_some();
                        *slot = *item;
                    }
                }
            }
            if clash || slots.iter().flatten().count() < 2 {
                continue;
            }
            let shown: Cow<'a, str> = if step == 1 {
                Cow::Owned(format!("*{l}"))
            } else {
                out[members[0]].0.clone()
            };
            out[members[0]].1 = slots;
            merged.push((members[0], members[1..].to_vec(), shown));
        }
        let mut drop: Vec<usize> = Vec::new();
        for (keep, gone, shown) in merged {
            out[keep].0 = shown;
            drop.extend(gone);
        }
        drop.sort_unstable();
        for k in drop.into_iter().rev() {
            out.remove(k);
        }
    }
    out
}

fn by_case(_: &str, id: &str) -> Option<String> {
    Some(id.to_ascii_lowercase())
}

/// `host:port` → `:port` for block identities (the host is per environment).
fn by_port(id_key: &str, id: &str) -> Option<String> {
    if id_key != BLOCK_IDENTITY {
        return None;
    }
    let (host, port) = id.split_once(':')?;
    (!host.is_empty() && !port.is_empty()).then(|| format!(":{port}"))
}
