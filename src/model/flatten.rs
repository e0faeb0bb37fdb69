//! From parse tree to flat, comparable entries: one [`Entry`] per key path,
//! sorted, with every value masked and normalised.
//!
//! Key paths are stable across environments: map keys and list identities
//! are normalised for environment names, lists of maps are keyed by a unique
//! `name`, `id` or `key` (so reordering is not drift), and Kubernetes
//! documents are identified by `kind/namespace/name` rather than position.

use crate::model::envtoken::EnvTokens;
use crate::model::node::{Document, MapEntry, Node, NodeValue, Scalar};
use crate::model::value::{Secrecy, Value, ValueKind};
use crate::secrets::{Forced, Masker};

/// Keys that identify an item in a list of maps, in order of preference.
const IDENTITY_KEYS: &[&str] = &["name", "id", "key"];

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

/// One value at one key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key path, e.g. `spec.template.spec.containers[name=api].image`.
    pub path: Box<str>,
    /// The masked, normalised value.
    pub value: Value,
    /// 1-based source line.
    pub line: u32,
}

/// A flattened document of one environment.
#[derive(Debug, Clone)]
pub struct FlatDoc {
    /// Alignment identity.
    pub id: DocId,
    /// The file's alignment key (path relative to the environment root, env names normalised).
    pub key: String,
    /// The file it came from, relative to the repository root (as written).
    pub file: String,
    /// Line where the document starts.
    pub line: u32,
    /// Entries sorted by path.
    pub entries: Vec<Entry>,
}

/// Flattens documents of one environment.
pub struct Flattener<'a> {
    /// Masks scalars.
    pub masker: &'a Masker,
    /// The environment's name tokens (for values).
    pub env: &'a EnvTokens,
    /// Every compared environment's tokens (for keys and identities).
    pub ids: &'a EnvTokens,
}

impl Flattener<'_> {
    /// Flatten every document of one file. `file_key` is the normalised path
    /// used for alignment, `file` the path as written.
    pub fn file(&self, docs: &[Document], file_key: &str, file: &str) -> Vec<FlatDoc> {
        let mut out: Vec<FlatDoc> = Vec::with_capacity(docs.len());
        for (i, doc) in docs.iter().enumerate() {
            let mut id = match self.resource_identity(&doc.root) {
                Some(identity) => DocId {
                    file: String::new(),
                    doc: identity,
                },
                None if docs.len() > 1 => DocId {
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
            let mut entries = Vec::new();
            let forced_data = id.is_resource() && id.doc.starts_with("Secret/");
            self.walk(
                &doc.root,
                &mut String::new(),
                None,
                Forced::No,
                forced_data,
                &mut entries,
            );
            entries.sort_by(|a, b| a.path.cmp(&b.path));
            entries.dedup_by(|a, b| a.path == b.path);
            out.push(FlatDoc {
                id,
                key: file_key.to_string(),
                file: file.to_string(),
                line: doc.line,
                entries,
            });
        }
        out
    }

    /// `Kind/namespace/name` of a Kubernetes-like document, normalised.
    fn resource_identity(&self, root: &Node) -> Option<String> {
        let NodeValue::Map(m) = &root.value else {
            return None;
        };
        let get = |entries: &[MapEntry], k: &str| {
            entries
                .iter()
                .find(|e| e.key == k)
                .and_then(|e| match &e.value.value {
                    NodeValue::Scalar(s) if !s.text.is_empty() => Some(s.text.clone()),
                    _ => None,
                })
        };
        get(m, "apiVersion")?;
        let kind = get(m, "kind")?;
        let meta = m.iter().find(|e| e.key == "metadata")?;
        let NodeValue::Map(meta) = &meta.value.value else {
            return None;
        };
        let name = get(meta, "name").or_else(|| get(meta, "generateName"))?;
        let name = self.ids.normalize(&name);
        Some(match get(meta, "namespace") {
            Some(ns) => format!("{kind}/{}/{name}", self.ids.normalize(&ns)),
            None => format!("{kind}/{name}"),
        })
    }

    fn walk(
        &self,
        node: &Node,
        path: &mut String,
        key: Option<&str>,
        forced: Forced,
        secret_data: bool,
        out: &mut Vec<Entry>,
    ) {
        match &node.value {
            NodeValue::Scalar(s) => {
                out.push(Entry {
                    path: path.as_str().into(),
                    value: self.masker.value(key, s, forced, self.env),
                    line: node.line,
                });
            }
            NodeValue::Map(entries) => {
                if !path.is_empty() {
                    let shown = if entries.is_empty() { "{}" } else { "{…}" };
                    out.push(container(path, ValueKind::Map, shown, node.line));
                }
                let keys = self.map_keys(entries);
                let sibling_name = entries
                    .iter()
                    .find_map(|e| match (&*e.key, &e.value.value) {
                        ("name" | "key", NodeValue::Scalar(s)) => Some(s.text.as_str()),
                        _ => None,
                    });
                let top = path.is_empty();
                for (entry, seg) in entries.iter().zip(keys) {
                    let len = path.len();
                    if !path.is_empty() && !seg.starts_with('[') {
                        path.push('.');
                    }
                    path.push_str(&seg);
                    // `- name: DB_PASSWORD\n  value: x`: the name says what the value is.
                    let child_key = match (&*entry.key, sibling_name) {
                        ("value" | "valueFrom", Some(name)) => name,
                        _ => entry.key.as_str(),
                    };
                    let child_forced =
                        if secret_data && top && matches!(&*entry.key, "data" | "stringData") {
                            Forced::Secret
                        } else {
                            forced
                        };
                    self.walk(
                        &entry.value,
                        path,
                        Some(child_key),
                        child_forced,
                        false,
                        out,
                    );
                    path.truncate(len);
                }
            }
            NodeValue::Seq(items) => {
                if items
                    .iter()
                    .all(|i| matches!(i.value, NodeValue::Scalar(_)))
                {
                    out.push(self.scalar_list(path, items, key, forced, node.line));
                    return;
                }
                out.push(container(path, ValueKind::Seq, "[…]", node.line));
                let ids = self.identities(items);
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    match &ids {
                        Some((k, ids)) => push_selector(path, k, &ids[i]),
                        None => {
                            path.push('[');
                            path.push_str(&i.to_string());
                            path.push(']');
                        }
                    }
                    self.walk(item, path, key, forced, false, out);
                    path.truncate(len);
                }
            }
        }
    }

    /// A key as it may be printed: a key that is itself a credential (a
    /// token used as a map key) is replaced by its fingerprint.
    fn key_text<'k>(&self, key: &'k str) -> std::borrow::Cow<'k, str> {
        if crate::secrets::values::secret_parts(key).is_empty() {
            std::borrow::Cow::Borrowed(key)
        } else {
            std::borrow::Cow::Owned(format!("<secret fp={}>", self.masker.fingerprint(key)))
        }
    }

    /// Path segments for a map's keys: normalised, unless two keys would collide.
    fn map_keys(&self, entries: &[MapEntry]) -> Vec<String> {
        let norm: Vec<String> = entries
            .iter()
            .map(|e| quote_key(&self.ids.normalize(&self.key_text(&e.key))))
            .collect();
        let mut sorted: Vec<&String> = norm.iter().collect();
        sorted.sort();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            entries
                .iter()
                .map(|e| quote_key(&self.key_text(&e.key)))
                .collect()
        } else {
            norm
        }
    }

    /// The identity key and each item's identity, if every item is a map with
    /// a unique scalar under the same identity key.
    fn identities(&self, items: &[Node]) -> Option<(&'static str, Vec<String>)> {
        'keys: for &k in IDENTITY_KEYS {
            let mut ids = Vec::with_capacity(items.len());
            for item in items {
                let NodeValue::Map(m) = &item.value else {
                    return None;
                };
                let Some(NodeValue::Scalar(s)) =
                    m.iter().find(|e| e.key == k).map(|e| &e.value.value)
                else {
                    continue 'keys;
                };
                if s.text.is_empty() {
                    continue 'keys;
                }
                ids.push(self.ids.normalize(&s.text).into_owned());
            }
            let mut sorted: Vec<&String> = ids.iter().collect();
            sorted.sort();
            if sorted.windows(2).all(|w| w[0] != w[1]) {
                return Some((k, ids));
            }
        }
        None
    }

    /// A list of scalars is one value: `[error, timeout]`. Each item is masked on its own.
    fn scalar_list(
        &self,
        path: &str,
        items: &[Node],
        key: Option<&str>,
        forced: Forced,
        line: u32,
    ) -> Entry {
        let mut shown = String::from("[");
        let mut norm = String::from("[");
        let mut fps = Vec::new();
        let mut any_norm = false;
        for (i, item) in items.iter().enumerate() {
            let NodeValue::Scalar(s) = &item.value else {
                continue;
            };
            let v = self.masker.value(key, s, forced, self.env);
            if i > 0 {
                shown.push_str(", ");
                norm.push_str(", ");
            }
            shown.push_str(&list_item(&v, s));
            norm.push_str(&list_item_norm(&v, s));
            any_norm |= v.norm() != &*v.shown;
            fps.extend_from_slice(v.secrecy.fingerprints());
        }
        shown.push(']');
        norm.push(']');
        let secrecy = if fps.is_empty() {
            Secrecy::Public
        } else {
            Secrecy::Partial(fps)
        };
        Entry {
            path: path.into(),
            value: Value::new(ValueKind::List, shown, any_norm.then_some(norm), secrecy),
            line,
        }
    }
}

fn list_item(v: &Value, s: &Scalar) -> String {
    if v.secrecy.is_masked() || s.kind != crate::model::node::ScalarKind::Str {
        v.shown.to_string()
    } else {
        quote_if_needed(&v.shown)
    }
}

fn list_item_norm(v: &Value, s: &Scalar) -> String {
    if v.secrecy.is_masked() || s.kind != crate::model::node::ScalarKind::Str {
        v.norm().to_string()
    } else {
        quote_if_needed(v.norm())
    }
}

fn quote_if_needed(s: &str) -> String {
    if s.is_empty() || s.contains([',', '[', ']', '"']) || s.trim() != s {
        format!("{s:?}")
    } else {
        s.to_string()
    }
}

fn container(path: &str, kind: ValueKind, shown: &str, line: u32) -> Entry {
    Entry {
        path: path.into(),
        value: Value::new(kind, shown.to_string(), None, Secrecy::Public),
        line,
    }
}

/// A map key as a path segment: bare when safe, else `["a.b"]`.
pub fn quote_key(key: &str) -> String {
    let safe = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || "_-/:@${}+*".contains(c));
    if safe {
        key.to_string()
    } else {
        format!("[{key:?}]")
    }
}

fn push_selector(path: &mut String, key: &str, id: &str) {
    path.push('[');
    path.push_str(key);
    path.push('=');
    if id
        .chars()
        .all(|c| c.is_alphanumeric() || "_-./:@{}".contains(c))
    {
        path.push_str(id);
    } else {
        path.push_str(&format!("{id:?}"));
    }
    path.push(']');
}

/// The parent of a key path (`a.b[name=x].c` → `a.b[name=x]`), or `None` at the top.
pub fn parent(path: &str) -> Option<&str> {
    let bytes = path.as_bytes();
    let mut depth = 0i32;
    let mut in_str = false;
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        let c = bytes[i];
        if in_str {
            if c == b'"' && (i == 0 || bytes[i - 1] != b'\\') {
                in_str = false;
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b']' => depth += 1,
            b'[' => {
                depth -= 1;
                if depth == 0 {
                    return (i > 0).then(|| &path[..i]);
                }
            }
            b'.' if depth == 0 => return Some(&path[..i]),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::Fingerprinter;

    fn flat(yamlish: Node, env: &str) -> Vec<(String, String, u32)> {
        let masker = Masker::new(Fingerprinter::with_key(b"k"));
        let tokens = EnvTokens::new(env, &[]);
        let f = Flattener {
            masker: &masker,
            env: &tokens,
            ids: &tokens,
        };
        let docs = f.file(
            &[Document {
                root: yamlish,
                line: 1,
            }],
            "a.yaml",
            "a.yaml",
        );
        docs[0]
            .entries
            .iter()
            .map(|e| (e.path.to_string(), e.value.shown.to_string(), e.line))
            .collect()
    }

    fn map(entries: Vec<(&str, Node)>, line: u32) -> Node {
        Node {
            value: NodeValue::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| MapEntry {
                        key: k.into(),
                        line: v.line,
                        value: v,
                    })
                    .collect(),
            ),
            line,
        }
    }
    fn s(t: &str, line: u32) -> Node {
        Node::scalar(Scalar::string(t), line)
    }
    fn seq(items: Vec<Node>, line: u32) -> Node {
        Node {
            value: NodeValue::Seq(items),
            line,
        }
    }

    #[test]
    fn identity_keyed_lists_and_env_value_names() {
        let root = map(
            vec![(
                "env",
                seq(
                    vec![
                        map(
                            vec![("name", s("DB_PASSWORD", 2)), ("value", s("hunter2", 3))],
                            2,
                        ),
                        map(
                            vec![("name", s("DATA_PATH", 4)), ("value", s("/var/lib/x", 5))],
                            4,
                        ),
                    ],
                    2,
                ),
            )],
            1,
        );
        let got = flat(root, "prod");
        let paths: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(
            paths,
            [
                "env",
                "env[name=DATA_PATH]",
                "env[name=DATA_PATH].name",
                "env[name=DATA_PATH].value",
                "env[name=DB_PASSWORD]",
                "env[name=DB_PASSWORD].name",
                "env[name=DB_PASSWORD].value"
            ]
        );
        let pw = got
            .iter()
            .find(|g| g.0 == "env[name=DB_PASSWORD].value")
            .unwrap();
        assert!(pw.1.starts_with("<secret fp="), "{pw:?}");
        assert_eq!(pw.2, 3);
    }

    #[test]
    fn scalar_lists_are_one_value_and_keys_are_quoted() {
        let root = map(
            vec![
                ("a.b", seq(vec![s("error", 1), s("timeout", 1)], 1)),
                ("prod_db", s("x", 2)),
                ("sites", map(vec![("example.com", s("y", 3))], 3)),
            ],
            1,
        );
        let got = flat(root, "prod");
        assert_eq!(got[0].0, "[\"a.b\"]");
        assert_eq!(got[0].1, "[error, timeout]");
        assert_eq!(got[2].0, "sites[\"example.com\"]");
        assert_eq!(got[3].0, "{env}_db");
    }

    #[test]
    fn parents() {
        assert_eq!(parent("a.b[name=x].c"), Some("a.b[name=x]"));
        assert_eq!(parent("a.b[name=x]"), Some("a.b"));
        assert_eq!(parent("a"), None);
        assert_eq!(parent("[\"a.b\"].c"), Some("[\"a.b\"]"));
        assert_eq!(parent("[\"a.b\"]"), None);
        assert_eq!(parent("x[name=\"a]b\"].y"), Some("x[name=\"a]b\"]"));
    }
}
