//! TOML, through the `toml` crate's span-carrying `DeTable` (duplicate keys and
//! tables are errors there already, and nesting is capped at 80).
//!
//! `toml::de::Error`'s `Display` prints the offending source line, which may
//! hold a password, so only `message()` and `span()` are used.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Limits, NodeBudget, ParseError, line_of};
use crate::model::node::{Document, MapEntry, Node, NodeValue, Scalar, ScalarKind};

/// Parse a TOML file into one document.
pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    let table = DeTable::parse(text).map_err(|e| {
        let (line, col) = match e.span() {
            Some(span) => {
                let line = line_of(text.as_bytes(), span.start);
                let line_start = text[..span.start.min(text.len())]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                (line, Some((span.start - line_start) as u32 + 1))
            }
            None => (0, None),
        };
        ParseError::new(line, col, sanitize(e.message()))
    })?;
    let mut conv = Converter {
        text,
        budget: NodeBudget::new(limits),
        line_cache: (0, 1),
    };
    let root = conv.table(table.get_ref(), 1, 1)?;
    Ok(Document { root, line: 1 })
}

/// Keep the first line of the crate's message and drop anything quoted from the
/// input other than short, key-like words.
fn sanitize(message: &str) -> String {
    let first = message.lines().next().unwrap_or("invalid TOML").trim();
    let mut out = String::new();
    let mut parts = first.split('`');
    if let Some(head) = parts.next() {
        out.push_str(head);
    }
    for (i, part) in parts.enumerate() {
        if i % 2 == 0 {
            // Only punctuation (`]`, `=`) is kept: a quoted word may be an
            // unquoted value from the file, and values may be secrets.
            let punctuation = part.len() <= 3 && part.chars().all(|c| c.is_ascii_punctuation());
            out.push('`');
            out.push_str(if punctuation { part } else { "…" });
            out.push('`');
        } else {
            out.push_str(part);
        }
    }
    let out = out.trim().to_string();
    if out.is_empty() {
        "invalid TOML".to_string()
    } else {
        out.to_lowercase()
    }
}

struct Converter<'t> {
    text: &'t str,
    budget: NodeBudget,
    /// (byte offset, line) of the last lookup: spans arrive mostly in order.
    line_cache: (usize, u32),
}

impl Converter<'_> {
    fn line(&mut self, offset: usize) -> u32 {
        let (from, mut line) = self.line_cache;
        if offset < from {
            line = line_of(self.text.as_bytes(), offset);
        } else {
            line += memchr::memchr_iter(b'\n', &self.text.as_bytes()[from..offset]).count() as u32;
        }
        self.line_cache = (offset, line);
        line
    }

    fn table(&mut self, table: &DeTable<'_>, line: u32, depth: usize) -> Result<Node, ParseError> {
        self.budget.node(depth, line)?;
        let mut items: Vec<(&Spanned<_>, &Spanned<DeValue<'_>>)> = table.iter().collect();
        items.sort_by_key(|(k, _)| k.span().start);
        let mut entries = Vec::with_capacity(items.len());
        for (key, value) in items {
            let key_line = self.line(key.span().start);
            let node = self.value(value, depth + 1)?;
            entries.push(MapEntry {
                key: key.get_ref().to_string(),
                line: key_line,
                value: node,
            });
        }
        Ok(Node {
            value: NodeValue::Map(entries),
            line,
        })
    }

    fn value(&mut self, value: &Spanned<DeValue<'_>>, depth: usize) -> Result<Node, ParseError> {
        let line = self.line(value.span().start);
        let scalar = |kind, text: String| Ok(Node::scalar(Scalar::of(kind, text), line));
        match value.get_ref() {
            DeValue::String(s) => {
                self.budget.node(depth, line)?;
                scalar(ScalarKind::Str, s.to_string())
            }
            DeValue::Integer(i) => {
                self.budget.node(depth, line)?;
                let text = match i.radix() {
                    10 => i.as_str().replace('_', ""),
                    16 => format!("0x{}", i.as_str()),
                    8 => format!("0o{}", i.as_str()),
                    _ => format!("0b{}", i.as_str()),
                };
                scalar(ScalarKind::Int, text)
            }
            DeValue::Float(f) => {
                self.budget.node(depth, line)?;
                scalar(ScalarKind::Float, f.as_str().replace('_', ""))
            }
            DeValue::Boolean(b) => {
                self.budget.node(depth, line)?;
                scalar(ScalarKind::Bool, b.to_string())
            }
            DeValue::Datetime(d) => {
                self.budget.node(depth, line)?;
                scalar(ScalarKind::DateTime, d.to_string())
            }
            DeValue::Array(items) => {
                self.budget.node(depth, line)?;
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.value(item, depth + 1)?);
                }
                Ok(Node {
                    value: NodeValue::Seq(out),
                    line,
                })
            }
            DeValue::Table(t) => self.table(t, line, depth),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_kinds() {
        let doc = parse(
            "title = \"x\"\n[server]\nport = 8080\nratio = 1.50\nwhen = 1979-05-27T07:32:00Z\n\n[[db]]\nname = \"a\"\n[[db]]\nname = \"b\"\n",
            &Limits::default(),
        )
        .unwrap();
        let NodeValue::Map(m) = &doc.root.value else {
            panic!()
        };
        assert_eq!(m[0].key, "title");
        assert_eq!(m[1].key, "server");
        let NodeValue::Map(server) = &m[1].value.value else {
            panic!()
        };
        assert_eq!(server[0].line, 3);
        let NodeValue::Scalar(s) = &server[1].value.value else {
            panic!()
        };
        assert_eq!((s.kind, s.text.as_str()), (ScalarKind::Float, "1.50"));
        let NodeValue::Seq(dbs) = &m[2].value.value else {
            panic!()
        };
        assert_eq!(dbs.len(), 2);
    }

    #[test]
    fn errors_hide_the_source_line() {
        let e = parse("a = 1\npassword = \"canary-SECRET\n", &Limits::default()).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(!e.to_string().contains("canary"), "{e}");
        let e = parse("[db]\npassword=\"a\"\n[db]\nport=1\n", &Limits::default()).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        // Unquoted words in any position never come back in the message.
        for bad in [
            "password = hunter2word\n",
            "x = [hunter2word]\n",
            "x = {a = hunter2word}\n",
            "hunter2word\n",
        ] {
            let e = parse(bad, &Limits::default()).unwrap_err();
            assert!(!e.to_string().contains("hunter2"), "{bad}: {e}");
        }
    }

    #[test]
    fn deep_nesting_is_a_clean_error() {
        let s = format!("a = {}{}", "[".repeat(1000), "]".repeat(1000));
        assert!(parse(&s, &Limits::default()).is_err());
    }
}
