//! XML (ClickHouse `config.xml` / `users.xml` style): an element with
//! children becomes a map keyed by tag, repeated siblings become a list
//! (aligned later by a `name`/`id`/`key` child when they have one),
//! attributes become `@name` keys, and a text-only element is a scalar.
//!
//! DTDs are refused (no entity expansion, no external entities) and nothing
//! is resolved: `from_env`, `from_zk` and `incl` stay visible as attributes.

use roxmltree::{Node as XmlNode, ParsingOptions};

/// The most attributes one element may have. roxmltree checks each new
/// attribute against all earlier ones (quadratic: 20k attributes took 8 s),
/// so a linear pre-scan refuses hostile elements before it runs.
pub const MAX_ATTRIBUTES: usize = 1000;

/// A linear scan of start tags: an error naming the line of the first
/// element with more than [`MAX_ATTRIBUTES`] attributes.
fn too_many_attributes(text: &str) -> Result<(), ParseError> {
    let b = text.as_bytes();
    let (mut i, mut line, mut tag_line) = (0usize, 1u32, 1u32);
    let (mut in_tag, mut quote, mut count) = (false, 0u8, 0usize);
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
        }
        if in_tag {
            match c {
                q @ (b'"' | b'\'') if quote == 0 => quote = q,
                q if q == quote => quote = 0,
                b'=' if quote == 0 => {
                    count += 1;
                    if count > MAX_ATTRIBUTES {
                        return Err(ParseError::new(
                            tag_line,
                            None,
                            format!("an element has more than {MAX_ATTRIBUTES} attributes"),
                        ));
                    }
                }
                b'>' if quote == 0 => in_tag = false,
                _ => {}
            }
        } else if c == b'<' && !matches!(b.get(i + 1), Some(b'!' | b'?' | b'/')) {
            (in_tag, quote, count, tag_line) = (true, 0, 0, line);
        }
        i += 1;
    }
    Ok(())
}

use super::{Limits, NodeBudget, ParseError};
use crate::model::node::{Document, MapEntry, Node, NodeValue, Scalar};

/// Parse an XML document: a map holding the root element.
pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    too_many_attributes(text)?;
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::try_from(limits.max_nodes).unwrap_or(u32::MAX),
        ..ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| {
        let pos = e.pos();
        let message = match e {
            roxmltree::Error::DtdDetected => {
                "DTDs are not allowed (entities are never expanded)".to_string()
            }
            roxmltree::Error::NodesLimitReached => format!(
                "file has more than the limit of {} values",
                limits.max_nodes
            ),
            other => {
                // roxmltree messages end in " at LINE:COL"; keep the
                // description only, without what it quotes of the file (an
                // entity's name is the text after a `&`, a password's tail:
                // `super::quoted_punctuation_only`).
                let s = other.to_string();
                let described = s.rsplit_once(" at ").map_or(s.as_str(), |(m, _)| m);
                super::quoted_punctuation_only(described).to_lowercase()
            }
        };
        ParseError::new(pos.row, Some(pos.col), message)
    })?;
    let mut budget = NodeBudget::new(limits);
    let root = doc.root_element();
    // roxmltree's `text_pos_at` rescans from the start of the text on every
    // call; a line-start index answers in O(log n).
    let starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect();
    let line = |n: XmlNode<'_, '_>| starts.partition_point(|&s| s <= n.range().start) as u32;
    // Recursive, but `budget.node` stops it at `max_depth` (128) before the
    // native stack is at risk; roxmltree itself parses iteratively.
    let value = element(root, 1, &mut budget, &line)?;
    let root_line = line(root);
    let entry = MapEntry {
        key: root.tag_name().name().to_string(),
        line: root_line,
        value,
    };
    Ok(Document {
        root: Node {
            value: NodeValue::Map(vec![entry]),
            line: root_line,
        },
        line: root_line,
    })
}

fn element(
    el: XmlNode<'_, '_>,
    depth: usize,
    budget: &mut NodeBudget,
    line: &dyn Fn(XmlNode<'_, '_>) -> u32,
) -> Result<Node, ParseError> {
    let at = line(el);
    budget.node(depth, at)?;
    let children: Vec<XmlNode<'_, '_>> = el.children().filter(XmlNode::is_element).collect();
    let attrs: Vec<_> = el.attributes().collect();
    // ClickHouse substitutions: `<password from_env="CH_PW"/>` is a reference
    // to a value kept elsewhere. It is shown as one (`from_env:CH_PW`), never
    // resolved, and compared like any other reference.
    if children.is_empty() && attrs.len() == 1 && el.text().is_none_or(|t| t.trim().is_empty()) {
        let a = &attrs[0];
        if matches!(a.name(), "from_env" | "from_zk" | "incl") {
            return Ok(Node::scalar(
                Scalar::string(format!("{}:{}", a.name(), a.value())),
                at,
            ));
        }
    }
    if children.is_empty() && attrs.is_empty() {
        let text: String = el
            .children()
            .filter(XmlNode::is_text)
            .filter_map(|t| t.text())
            .collect();
        return Ok(Node::scalar(Scalar::string(text.trim()), at));
    }
    let mut entries: Vec<MapEntry> = Vec::new();
    for a in attrs {
        budget.node(depth + 1, at)?;
        entries.push(MapEntry {
            key: format!("@{}", a.name()),
            line: at,
            value: Node::scalar(Scalar::string(a.value()), at),
        });
    }
    let text: String = el
        .children()
        .filter(XmlNode::is_text)
        .filter_map(|t| t.text())
        .collect();
    if !text.trim().is_empty() {
        entries.push(MapEntry {
            key: "#text".into(),
            line: at,
            value: Node::scalar(Scalar::string(text.trim()), at),
        });
    }
    // Group repeated siblings by tag, in order of first appearance (one pass:
    // a hostile file may have a million siblings).
    let mut groups: Vec<(&str, Vec<XmlNode<'_, '_>>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for c in children {
        let tag = c.tag_name().name();
        match index.get(tag) {
            Some(&g) => groups[g].1.push(c),
            None => {
                index.insert(tag, groups.len());
                groups.push((tag, vec![c]));
            }
        }
    }
    for (tag, same) in groups {
        let first_line = line(same[0]);
        let value = if same.len() == 1 {
            element(same[0], depth + 1, budget, line)?
        } else {
            budget.node(depth + 1, first_line)?;
            let mut items = Vec::with_capacity(same.len());
            for c in same {
                items.push(element(c, depth + 2, budget, line)?);
            }
            Node {
                value: NodeValue::Seq(items),
                line: first_line,
            }
        };
        entries.push(MapEntry {
            key: tag.to_string(),
            line: first_line,
            value,
        });
    }
    Ok(Node {
        value: NodeValue::Map(entries),
        line: at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clickhouse_shape() {
        let doc = parse(
            "<?xml version=\"1.0\"?>\n<clickhouse>\n  <path>/var/lib/clickhouse/</path>\n  <shard><host>a</host></shard>\n  <shard><host>b</host></shard>\n  <password from_env=\"CH_PW\"/>\n</clickhouse>\n",
            &Limits::default(),
        )
        .unwrap();
        let NodeValue::Map(top) = &doc.root.value else {
            panic!()
        };
        assert_eq!(top[0].key, "clickhouse");
        let NodeValue::Map(ch) = &top[0].value.value else {
            panic!()
        };
        assert_eq!((ch[0].key.as_str(), ch[0].line), ("path", 3));
        assert!(matches!(ch[1].value.value, NodeValue::Seq(ref s) if s.len() == 2));
        let NodeValue::Scalar(pw) = &ch[2].value.value else {
            panic!()
        };
        assert_eq!(pw.text, "from_env:CH_PW");
    }

    #[test]
    fn many_siblings_are_linear() {
        let xml = format!("<r>{}</r>", "<s>x</s><t>y</t>".repeat(200_000));
        let start = std::time::Instant::now();
        let doc = parse(&xml, &Limits::default()).unwrap();
        assert!(start.elapsed().as_secs() < 30);
        let NodeValue::Map(top) = &doc.root.value else {
            panic!()
        };
        let NodeValue::Map(r) = &top[0].value.value else {
            panic!()
        };
        assert_eq!((r[0].key.as_str(), r[1].key.as_str()), ("s", "t"));
        assert!(matches!(&r[0].value.value, NodeValue::Seq(items) if items.len() == 200_000));
    }

    #[test]
    fn errors_quote_no_text_of_the_file() {
        // An unescaped `&` in a password: roxmltree names the "entity".
        for text in [
            "<c><password>r7Tq&W2xZ9kLm4P;</password></c>",
            "<c password=\"x&mallowdruid;\"/>",
            "<c><password>&Zq8LmXp3Kd9Vb2Nw7Rt4;</password></c>",
            "<c><druid></mallow></c>",
        ] {
            let e = parse(text, &Limits::default()).unwrap_err().to_string();
            for piece in ["w2xz", "mallow", "druid", "zq8l"] {
                assert!(!e.to_lowercase().contains(piece), "{text}: {e}");
            }
        }
    }

    #[test]
    fn dtd_and_entities_are_refused() {
        let e = parse(
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><password>&e;</password>",
            &Limits::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("DTD"), "{e}");
        assert!(parse("<a><b></a>", &Limits::default()).is_err());
        let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        assert!(parse(&deep, &Limits::default()).is_err());
    }

    #[test]
    fn many_attributes_are_refused_in_linear_time() {
        let doc = |n: usize| {
            format!(
                "<a {}/>",
                (0..n)
                    .map(|i| format!("x{i}=\"{i}\""))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        let e = parse(&doc(100_000), &Limits::default()).unwrap_err();
        assert!(format!("{e:?}").contains("more than"), "{e:?}");
        assert!(parse(&doc(50), &Limits::default()).is_ok());
        // The time over the cap (linear) is measured by bench/hostile.sh.
    }
}
