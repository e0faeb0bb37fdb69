//! Documents and key paths: what aligns across environments.
//!
//! A parsed file becomes one [`Doc`] per document, each with an identity
//! ([`DocId`]): the file's normalised path, plus `Kind/namespace/name` for
//! Kubernetes resources (which align wherever they live) or `#N` in a
//! multi-document stream. The parse tree is kept; the diff stage walks the
//! environments' trees side by side and builds key paths only where it
//! reports something.
//!
//! Key paths are stable across environments: map keys and list identities
//! are normalised for environment names, and lists of maps are keyed by a
//! unique `name`, `id` or `key` (so reordering is not drift).

use std::borrow::Cow;

use crate::model::envtoken::EnvTokens;
use crate::model::node::{Document, MapEntry, Node, NodeValue, Scalar};

/// Keys that identify an item in a list of maps, in order of preference.
/// `@` is the identity a parser gives a block (nginx `location /api`, a
/// `server` by `server_name:listen`): it renders bare, `location[/api]`.
const IDENTITY_KEYS: &[&str] = &[BLOCK_IDENTITY, "name", "id", "key"];

/// The reserved map key under which a parser stores a block's own identity.
pub const BLOCK_IDENTITY: &str = "@";

/// Which document of which file: what aligns documents across environments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId {
    /// The file's normalised path, or empty for Kubernetes resources (which
    /// align by identity wherever they live).
    pub file: String,
    /// `Kind/namespace/name` for Kubernetes resources, `#N` for the N-th
    /// document of a multi-document stream, or empty.
    pub doc: String,
}

impl DocId {
    /// Whether this is a Kubernetes resource identity.
    pub fn is_resource(&self) -> bool {
        self.file.is_empty()
    }
}

/// One document of one environment, with its identity.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Alignment identity.
    pub id: DocId,
    /// The file's alignment key (path relative to the environment root, env names normalised).
    pub key: String,
    /// The file it came from, relative to the repository root (as written).
    pub file: String,
    /// Line where the document starts.
    pub line: u32,
    /// The parse tree.
    pub root: Node,
    /// For a layered environment: the layer files, in order. Node lines then
    /// carry their layer (see [`tag_lines`]) and [`Doc::site`] decodes them.
    pub sources: Vec<String>,
}

impl Doc {
    /// The file and line a node line refers to.
    pub fn site(&self, line: u32) -> (&str, u32) {
        if self.sources.is_empty() {
            return (&self.file, line);
        }
        let (layer, line) = untag(line);
        (
            self.sources
                .get(layer)
                .map_or(self.file.as_str(), String::as_str),
            line,
        )
    }
}

/// Bits of a tagged line that hold the line itself; the rest hold the layer.
const LINE_BITS: u32 = 22;

/// Split a tagged line into its source index and its line.
pub fn untag(line: u32) -> (usize, u32) {
    ((line >> LINE_BITS) as usize, line & ((1 << LINE_BITS) - 1))
}

/// Tag every line of a layer's tree with the layer's index, so that after
/// merging each value still says which layer file set it. Layers are limited
/// to 1,024 and their lines to about four million.
///
/// # Errors
/// When the layer index or a line does not fit.
pub fn tag_lines(root: &mut Node, layer: usize) -> Result<(), crate::formats::ParseError> {
    let too_big = |line| {
        crate::formats::ParseError::new(line, None, "too many layers or lines to track provenance")
    };
    let layer = u32::try_from(layer)
        .ok()
        .filter(|&l| l < (1 << (32 - LINE_BITS)))
        .ok_or_else(|| too_big(0))?;
    let tag = |line: u32| {
        if line >> LINE_BITS == 0 {
            Ok(line | (layer << LINE_BITS))
        } else {
            Err(too_big(line))
        }
    };
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(n) = stack.pop() {
        n.line = tag(n.line)?;
        match &mut n.value {
            NodeValue::Map(entries) => {
                for e in entries {
                    e.line = tag(e.line)?;
                    stack.push(&mut e.value);
                }
            }
            NodeValue::Seq(items) => stack.extend(items.iter_mut()),
            NodeValue::Scalar(_) => {}
        }
    }
    Ok(())
}

/// Deep-merge `over` into `base`: maps merge key by key, anything else
/// (scalars, lists, a map replacing a scalar) replaces.
pub fn merge(base: &mut Node, over: Node) {
    let line = over.line;
    match (&mut base.value, over.value) {
        (NodeValue::Map(b), NodeValue::Map(o)) => {
            let mut index: std::collections::HashMap<String, usize> = b
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect();
            for e in o {
                match index.get(&e.key) {
                    Some(&i) => {
                        b[i].line = e.line;
                        merge(&mut b[i].value, e.value);
                    }
                    None => {
                        index.insert(e.key.clone(), b.len());
                        b.push(e);
                    }
                }
            }
        }
        (_, value) => {
            base.value = value;
            base.line = line;
        }
    }
}

/// Give every document of one file its identity. `file_key` is the
/// normalised path used for alignment, `file` the path as written, `ids` the
/// tokens of every compared environment.
pub fn documents(docs: Vec<Document>, file_key: &str, file: &str, ids: &EnvTokens) -> Vec<Doc> {
    let docs = list_items(docs);
    let count = docs.len();
    let mut out: Vec<Doc> = Vec::with_capacity(count);
    for (i, doc) in docs.into_iter().enumerate() {
        let mut id = match resource_identity(&doc.root, ids) {
            Some(identity) => DocId {
                file: String::new(),
                doc: identity,
            },
            None if count > 1 => DocId {
                file: file_key.to_string(),
                doc: format!("#{}", i + 1),
            },
            None => DocId {
                file: file_key.to_string(),
                doc: String::new(),
            },
        };
        if out.iter().any(|d| d.id == id) {
            // The same resource twice in one file: keep both, apart.
            id = DocId {
                file: file_key.to_string(),
                doc: format!("{}#{}", id.doc, i + 1),
            };
        }
        out.push(Doc {
            id,
            key: file_key.to_string(),
            file: file.to_string(),
            line: doc.line,
            root: doc.root,
            sources: Vec::new(),
        });
    }
    out
}

/// A stream with every Kubernetes list (`kind: List`, or any kind ending
/// in `List`, holding `items`) replaced by its items, lists inside lists
/// too.
///
/// Rule: what `kubectl apply` creates from a list is each item (nested
/// lists flattened), so each is a resource with its own identity, aligned
/// wherever it lives like any other (a list compared as one document
/// paired its items by position, and a resource moved into or out of a
/// list was a different document). An item without an identity is a
/// document of the file like any other, by position; it never keeps its
/// siblings from being resources (a list kept whole hid them all).
///
/// An item of a typed list (`kind: DeploymentList`) with neither `kind` nor
/// `apiVersion` is given the list's apiVersion and its kind less `List`,
/// as Kubernetes' own list decoding does (apimachinery's unstructured
/// `decodeToList`: "API server doesn't set each item's APIVersion and
/// Kind"), so it is the Deployment `kubectl apply` creates, with its
/// identity (a duplicate or a drifted copy of it was not recognised).
fn list_items(docs: Vec<Document>) -> Vec<Document> {
    fn text<'a>(m: &'a [MapEntry], k: &str) -> Option<&'a str> {
        m.iter()
            .find(|e| e.key == k)
            .and_then(|e| match &e.value.value {
                NodeValue::Scalar(s) => Some(s.text.as_str()),
                _ => None,
            })
    }
    fn is_list(root: &Node) -> bool {
        let NodeValue::Map(m) = &root.value else {
            return false;
        };
        text(m, "apiVersion").is_some()
            && text(m, "kind").is_some_and(|k| k.ends_with("List"))
            && m.iter()
                .any(|e| e.key == "items" && matches!(e.value.value, NodeValue::Seq(_)))
    }
    /// The item with the typed list's kind and apiVersion, when it has
    /// neither.
    fn typed(mut item: Node, list: &[MapEntry]) -> Node {
        let (Some(api), Some(kind)) = (text(list, "apiVersion"), text(list, "kind")) else {
            return item;
        };
        let kind = kind.strip_suffix("List").unwrap_or(kind);
        let line = list
            .iter()
            .find(|e| e.key == "kind")
            .map_or(item.line, |e| e.line);
        if let NodeValue::Map(m) = &mut item.value
            && !kind.is_empty()
            && text(m, "kind").is_none_or(str::is_empty)
            && text(m, "apiVersion").is_none_or(str::is_empty)
        {
            m.retain(|e| e.key != "kind" && e.key != "apiVersion");
            for (key, value) in [("kind", kind), ("apiVersion", api)] {
                m.insert(
                    0,
                    MapEntry {
                        key: key.into(),
                        line,
                        value: Node {
                            value: NodeValue::Scalar(Scalar::string(value)),
                            line,
                        },
                    },
                );
            }
        }
        item
    }
    fn flatten(root: Node, depth: usize, out: &mut Vec<Document>) {
        if depth > 16 || !is_list(&root) {
            out.push(Document {
                line: root.line,
                root,
            });
            return;
        }
        let NodeValue::Map(mut m) = root.value else {
            unreachable!("a list is a map")
        };
        let Some(at) = m.iter().position(|e| e.key == "items") else {
            unreachable!("a list has items")
        };
        let items = std::mem::replace(&mut m[at].value.value, NodeValue::Seq(Vec::new()));
        if let NodeValue::Seq(items) = items {
            for item in items {
                flatten(typed(item, &m), depth + 1, out);
            }
        }
    }
    if !docs.iter().any(|d| is_list(&d.root)) {
        return docs;
    }
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        if is_list(&d.root) {
            flatten(d.root, 0, &mut out);
        } else {
            out.push(d);
        }
    }
    out
}

/// The text of the non-empty scalar under `k` in a map's `entries` (a
/// Kubernetes object's `apiVersion`, `kind`, `metadata.name`).
pub fn scalar_text(entries: &[MapEntry], k: &str) -> Option<String> {
    entries
        .iter()
        .find(|e| e.key == k)
        .and_then(|e| match &e.value.value {
            NodeValue::Scalar(s) if !s.text.is_empty() => Some(s.text.clone()),
            _ => None,
        })
}

/// `Kind/namespace/name` of a Kubernetes-like document, normalised.
fn resource_identity(root: &Node, ids: &EnvTokens) -> Option<String> {
    let NodeValue::Map(m) = &root.value else {
        return None;
    };
    let get = scalar_text;
    get(m, "apiVersion")?;
    let kind = get(m, "kind")?;
    let meta = m.iter().find(|e| e.key == "metadata")?;
    let NodeValue::Map(meta) = &meta.value.value else {
        return None;
    };
    let name = get(meta, "name").or_else(|| get(meta, "generateName"))?;
    let name = ids.normalize(&name);
    Some(match get(meta, "namespace") {
        Some(ns) => format!("{kind}/{}/{name}", ids.normalize(&ns)),
        None => format!("{kind}/{name}"),
    })
}

/// A list's identity key and each item's identity, in item order.
pub type Identities<'a> = (&'static str, Vec<Cow<'a, str>>);

/// The identity key and each item's identity (normalised), if every item is a
/// map with a unique, non-empty scalar under the same identity key.
pub fn identities<'a>(items: &'a [Node], ids: &EnvTokens) -> Option<Identities<'a>> {
    'keys: for &k in IDENTITY_KEYS {
        let mut found = Vec::with_capacity(items.len());
        for item in items {
            let NodeValue::Map(m) = &item.value else {
                return None;
            };
            let Some(NodeValue::Scalar(s)) = m.iter().find(|e| e.key == k).map(|e| &e.value.value)
            else {
                continue 'keys;
            };
            if s.text.is_empty() {
                continue 'keys;
            }
            found.push(ids.normalize(&s.text));
        }
        let mut sorted: Vec<&Cow<'a, str>> = found.iter().collect();
        sorted.sort();
        if sorted.windows(2).all(|w| w[0] != w[1]) {
            return Some((k, found));
        }
    }
    None
}
