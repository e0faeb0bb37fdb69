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
            section = match top
                .iter()
                .position(|e| e.key == name && matches!(e.value.value, NodeValue::Map(_)))
            {
                Some(existing) => Some(existing),
                None => {
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
        let (key, value) = match line.find(['=', ':']) {
            Some(at) => (line[..at].trim_end(), line[at + 1..].trim_start()),
            None => (line, ""),
        };
        if key.is_empty() {
            return Err(ParseError::new(line_no, Some(1), "expected `key = value`"));
        }
        let entries = match section {
            Some(s) => match &mut top[s].value.value {
                NodeValue::Map(m) => m,
                _ => unreachable!("sections are maps"),
            },
            None => &mut top,
        };
        keys.entry(section).or_default().insert(key, line_no)?;
        budget.node(if section.is_some() { 3 } else { 2 }, line_no)?;
        entries.push(MapEntry::scalar(key, line_no, Scalar::string(value)));
    }
    Ok(Document::flat_map(top))
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
    fn errors() {
        let e = parse("[a]\nx = 1\nx = 2\n", &Limits::default()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(parse("[a\n", &Limits::default()).is_err());
        // A repeated section continues the first one.
        assert!(parse("[a]\nx = 1\n[b]\n[a]\ny = 2\n", &Limits::default()).is_ok());
    }
}
