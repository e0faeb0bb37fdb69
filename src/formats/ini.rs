//! INI files, in the strict dialect pgbouncer uses: `;` and `#` start a
//! comment only at the start of a line (`auth_type = md5 ; trust` is the
//! value `md5 ; trust`), values are kept exactly as written (no escape
//! processing, so `C:\Users` stays intact), and a key repeated within a
//! section is an error. A section repeated later continues the first.

use super::{KeySet, Limits, NodeBudget, ParseError};
use crate::model::node::{Document, MapEntry, Node, NodeValue, Scalar};

/// Parse an INI file into a map of sections (keys before any section sit at the top).
pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    let mut budget = NodeBudget::new(limits);
    budget.node(1, 1)?;
    let mut top: Vec<MapEntry> = Vec::new();
    // Index into `top` of the current section, if any.
    let mut section: Option<usize> = None;
    // One key set per section (`None`: keys before any section).
    let mut keys: std::collections::HashMap<Option<usize>, KeySet> = Default::default();
    // Section name → index into `top`: a lookup per header, so 80k sections
    // parse in linear time (a scan of `top` per header was quadratic).
    let mut sections: std::collections::HashMap<String, usize> = Default::default();
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i as u32 + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(name) = rest.strip_suffix(']') else {
                return Err(ParseError::new(
                    line_no,
                    None,
                    "section header is missing `]`",
                ));
            };
            let name = name.trim();
            section = match sections.get(name) {
                Some(&existing) => Some(existing),
                None => {
                    sections.insert(name.to_string(), top.len());
                    budget.node(2, line_no)?;
                    top.push(MapEntry {
                        key: name.to_string(),
                        line: line_no,
                        value: Node {
                            value: NodeValue::Map(Vec::new()),
                            line: line_no,
                        },
                    });
                    Some(top.len() - 1)
                }
            };
            continue;
        }
        // `%include FILE` is shown, never followed: what it pulls in is not
        // part of the compared tree (an include could point outside the
        // environment, at a live secrets file).
        if let Some(target) = line.strip_prefix("%include") {
            budget.node(2, line_no)?;
            let item = Node::scalar(Scalar::string(target.trim()), line_no);
            match top.iter_mut().find(|e| e.key == "%include") {
                Some(MapEntry {
                    value:
                        Node {
                            value: NodeValue::Seq(items),
                            ..
                        },
                    ..
                }) => items.push(item),
                Some(e) => {
                    let first = std::mem::replace(
                        &mut e.value,
                        Node {
                            value: NodeValue::Seq(Vec::new()),
                            line: e.line,
                        },
                    );
                    e.value.value = NodeValue::Seq(vec![first, item]);
                }
                None => top.push(MapEntry {
                    key: "%include".into(),
                    line: line_no,
                    value: item,
                }),
            }
            continue;
        }
        // `key = value`, `key: value`, or (my.cnf, a misplaced `password x`)
        // `key value`: never a whole line as a key, which would print it.
        let (key, value) = match line.find(['=', ':']) {
            Some(at) => (line[..at].trim_end(), line[at + 1..].trim_start()),
            None => match line.split_once(char::is_whitespace) {
                Some((k, v)) => (k, v.trim_start()),
                None => (line, ""),
            },
        };
        if key.is_empty() {
            return Err(ParseError::new(line_no, Some(1), "expected `key = value`"));
        }
        keys.entry(section).or_default().insert(key, line_no)?;
        budget.node(if section.is_some() { 3 } else { 2 }, line_no)?;
        // pgbouncer `[databases]` / `[users]`: values are libpq connection
        // strings; each setting becomes a sub-key (`databases.main.password`),
        // so only the password is masked and the rest is compared as usual.
        let conn = section
            .filter(|&s| matches!(top[s].key.as_str(), "databases" | "users"))
            .and_then(|_| conninfo(value));
        let entries = match section {
            Some(s) => match &mut top[s].value.value {
                NodeValue::Map(m) => m,
                _ => unreachable!("sections are maps"),
            },
            None => &mut top,
        };
        match conn {
            Some(pairs) => {
                let mut sub = Vec::with_capacity(pairs.len());
                let mut sub_keys = KeySet::default();
                for (k, v) in pairs {
                    sub_keys.insert(&k, line_no)?;
                    budget.node(4, line_no)?;
                    sub.push(MapEntry::scalar(&k, line_no, Scalar::string(v)));
                }
                entries.push(MapEntry {
                    key: key.to_string(),
                    line: line_no,
                    value: Node {
                        value: NodeValue::Map(sub),
                        line: line_no,
                    },
                });
            }
            None => entries.push(MapEntry::scalar(key, line_no, Scalar::string(value))),
        }
    }
    Ok(Document::flat_map(top))
}

/// Parse a libpq connection string (`host=db port=5432 password='a b'`) into
/// pairs, or `None` when the value is not one.
fn conninfo(value: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        let eq = rest.find('=')?;
        let key = rest[..eq].trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return None;
        }
        rest = rest[eq + 1..].trim_start();
        let mut v = String::new();
        if let Some(quoted) = rest.strip_prefix('\'') {
            let mut chars = quoted.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => v.extend(chars.next().map(|(_, c)| c)),
                    '\'' => {
                        end = Some(i + 1);
                        break;
                    }
                    c => v.push(c),
                }
            }
            rest = &quoted[end?..];
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            v.push_str(&rest[..end]);
            rest = &rest[end..];
        }
        out.push((key.to_string(), v));
        rest = rest.trim_start();
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgbouncer_dialect() {
        let doc = parse(
            "; top comment\n[databases]\nmain = host=db port=5432 password=s3cr3t\n\n[pgbouncer]\nauth_type = md5 ; trust\nlogfile = C:\\Users\\pg\\log\n",
            &Limits::default(),
        )
        .unwrap();
        let NodeValue::Map(top) = &doc.root.value else {
            panic!()
        };
        let NodeValue::Map(pgb) = &top[1].value.value else {
            panic!()
        };
        let NodeValue::Scalar(s) = &pgb[0].value.value else {
            panic!()
        };
        assert_eq!(s.text, "md5 ; trust");
        assert_eq!(pgb[0].line, 6);
        let NodeValue::Scalar(s) = &pgb[1].value.value else {
            panic!()
        };
        assert_eq!(s.text, "C:\\Users\\pg\\log");
    }

    #[test]
    fn pgbouncer_connection_strings_and_includes() {
        let doc = parse(
            "%include /etc/pgbouncer/extra.ini\n[databases]\nmain = host=db port=5432 dbname=app password='s3 cr\\'t'\n* = host=fallback\n[pgbouncer]\nlisten_port = 6432\n",
            &Limits::default(),
        )
        .unwrap();
        let NodeValue::Map(top) = &doc.root.value else {
            panic!()
        };
        assert_eq!(top[0].key, "%include");
        let NodeValue::Map(dbs) = &top[1].value.value else {
            panic!()
        };
        let NodeValue::Map(main) = &dbs[0].value.value else {
            panic!()
        };
        let pairs: Vec<(&str, &str)> = main
            .iter()
            .map(|e| match &e.value.value {
                NodeValue::Scalar(s) => (e.key.as_str(), s.text.as_str()),
                _ => panic!(),
            })
            .collect();
        assert_eq!(
            pairs,
            [
                ("host", "db"),
                ("port", "5432"),
                ("dbname", "app"),
                ("password", "s3 cr't")
            ]
        );
        assert!(conninfo("not a conninfo").is_none());
        let e = parse("[databases]\nmain = host=a host=b\n", &Limits::default()).unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn errors() {
        let e = parse("[a]\nx = 1\nx = 2\n", &Limits::default()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(parse("[a\n", &Limits::default()).is_err());
        // A repeated section continues the first one.
        assert!(parse("[a]\nx = 1\n[b]\n[a]\ny = 2\n", &Limits::default()).is_ok());
    }

    /// Many sections parse (their cost, linear in the input, is measured
    /// by `bench/hostile.sh`, not by a timed test on a shared machine).
    #[test]
    fn many_sections_parse() {
        let text: String = (0..20_000).map(|i| format!("[s{i}]\nk = {i}\n")).collect();
        assert!(parse(&text, &Limits::default()).is_ok());
    }
}
