//! List shapes that mean a map or a set (docs/alignment.md, "Lists"),
//! rewritten before comparison so that the same setting compares with
//! itself however it is spelled:
//! - **`KEY=VALUE` lists** (compose `environment:` list form, kustomize
//!   `configMapGenerator` `literals`, container `args` like `--data-path=/x`)
//!   become maps keyed by `KEY`, so one flag flip is one finding at
//!   `environment.DEBUG` (the same path as compose's map form), not a whole
//!   list that differs. Only when every item is `KEY=VALUE` and keys are unique.
//! - **Order-free lists** under `depends_on`, `profiles`, `cap_add`,
//!   `cap_drop` and `networks` (compose) are sorted: order means nothing there.
//! - **compose `env_file`**: the short form (`- ./.env`) becomes the long form
//!   (`- path: ./.env`), so the two spellings align and only a real
//!   difference (`required: false`) is reported.

use crate::model::node::{MapEntry, Node, NodeValue, Scalar};

/// Keys whose scalar lists are sets.
const ORDER_FREE: &[&str] = &["depends_on", "profiles", "cap_add", "cap_drop", "networks"];

/// Rewrite every list of `root` that has one of the shapes above.
pub fn normalise(root: &mut Node) {
    walk(root, None, 0);
}

fn walk(node: &mut Node, key: Option<&str>, depth: usize) {
    if depth > 256 {
        return;
    }
    match &mut node.value {
        NodeValue::Map(entries) => {
            for e in entries.iter_mut() {
                let k = e.key.clone();
                walk(&mut e.value, Some(&k), depth + 1);
            }
        }
        NodeValue::Seq(items) => {
            for i in items.iter_mut() {
                walk(i, None, depth + 1);
            }
            match key {
                Some("env_file") => long_env_files(items),
                Some(k) if ORDER_FREE.contains(&k) => sort_scalars(items),
                _ => {}
            }
            if let Some(map) = key_value_map(items) {
                node.value = NodeValue::Map(map);
            }
        }
        NodeValue::Scalar(_) => {}
    }
}

fn scalar_text(n: &Node) -> Option<&str> {
    match &n.value {
        NodeValue::Scalar(s) => Some(s.text.as_str()),
        _ => None,
    }
}

/// `[A=1, B=2]` → `{A: "1", B: "2"}` when every item is `KEY=VALUE` with a unique key.
///
/// Rule: a rewrite never loses what a value is. An item with a tag other
/// than a string's ([`Scalar::core_tag`]: `!!str`, `!`) is not a
/// `KEY=VALUE` pair (`!!binary b2s=` is bytes, not the text), so its list
/// stays a list (the map held the text alone, and an item gaining
/// `!!binary` changed nothing anyone could see).
fn key_value_map(items: &[Node]) -> Option<Vec<MapEntry>> {
    if items.is_empty() {
        return None;
    }
    let mut out: Vec<MapEntry> = Vec::with_capacity(items.len());
    for item in items {
        let text = match &item.value {
            NodeValue::Scalar(s)
                if s.tag.is_none() || matches!(s.core_tag(), Some("str" | "!")) =>
            {
                s.text.as_str()
            }
            _ => return None,
        };
        let (k, v) = text.split_once('=')?;
        let name = k.trim_start_matches('-');
        let valid = !name.is_empty()
            && k.len() - name.len() <= 2
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !valid || out.iter().any(|e| e.key == k) {
            return None;
        }
        out.push(MapEntry {
            key: k.to_string(),
            line: item.line,
            value: Node {
                value: NodeValue::Scalar(Scalar::string(v)),
                line: item.line,
            },
        });
    }
    Some(out)
}

fn sort_scalars(items: &mut [Node]) {
    if items.iter().all(|i| scalar_text(i).is_some()) {
        items.sort_by(|a, b| scalar_text(a).cmp(&scalar_text(b)));
    }
}

fn long_env_files(items: &mut [Node]) {
    for item in items.iter_mut() {
        if let NodeValue::Scalar(s) = &item.value {
            let path = MapEntry {
                key: "path".to_string(),
                line: item.line,
                value: Node {
                    value: NodeValue::Scalar(s.clone()),
                    line: item.line,
                },
            };
            item.value = NodeValue::Map(vec![path]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{Format, Limits, parse};

    fn norm(yaml: &str) -> String {
        let mut docs = parse(Format::Yaml, yaml, &Limits::default()).unwrap();
        normalise(&mut docs[0].root);
        format!("{:?}", strip(&docs[0].root))
    }

    fn strip(n: &Node) -> String {
        match &n.value {
            NodeValue::Scalar(s) => s.text.clone(),
            NodeValue::Seq(items) => format!(
                "[{}]",
                items.iter().map(strip).collect::<Vec<_>>().join(", ")
            ),
            NodeValue::Map(m) => format!(
                "{{{}}}",
                m.iter()
                    .map(|e| format!("{}: {}", e.key, strip(&e.value)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(
            norm("environment:\n  - A=1\n  - B=x=y\n"),
            "\"{environment: {A: 1, B: x=y}}\""
        );
        assert_eq!(
            norm("args: [--data-path=/x, --v=2]\n"),
            "\"{args: {--data-path: /x, --v: 2}}\""
        );
        // Not every item is KEY=VALUE, or a key repeats: left alone.
        assert_eq!(
            norm("command: [sh, -c, A=1]\n"),
            "\"{command: [sh, -c, A=1]}\""
        );
        assert_eq!(norm("args: [--a=1, --a=2]\n"), "\"{args: [--a=1, --a=2]}\"");
        assert_eq!(
            norm("depends_on: [redis, postgres]\n"),
            "\"{depends_on: [postgres, redis]}\""
        );
        assert_eq!(
            norm("env_file:\n  - ./.env\n  - path: ./b\n    required: false\n"),
            "\"{env_file: [{path: ./.env}, {path: ./b, required: false}]}\""
        );
    }

    #[test]
    fn a_tag_other_than_a_strings_keeps_the_list_a_list() {
        for string in ["!!str", "!", "!<tag:yaml.org,2002:str>"] {
            assert_eq!(
                norm(&format!("env:\n  - A=1\n  - {string} B=2\n")),
                "\"{env: {A: 1, B: 2}}\"",
                "{string}"
            );
        }
        for other in ["!!binary", "!Ref", "!!int", "!<tag:example.com,2000:x>"] {
            assert_eq!(
                norm(&format!("env:\n  - A=1\n  - {other} B=2\n")),
                "\"{env: [A=1, B=2]}\"",
                "{other}"
            );
        }
    }
}
