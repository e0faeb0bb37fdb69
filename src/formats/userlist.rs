//! pgbouncer `userlist.txt`: `"user" "password"` lines. Each user becomes
//! `USER.password`, so the password sits under a secret-named key and is
//! masked like any other (the file holds plain passwords or crackable hashes).

use super::{KeySet, Limits, NodeBudget, ParseError};
use crate::model::node::{Document, MapEntry, Node, NodeValue, Scalar};

/// Parse a userlist file.
pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    let mut budget = NodeBudget::new(limits);
    budget.node(1, 1)?;
    let mut users = Vec::new();
    let mut keys = KeySet::default();
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i as u32 + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        let (user, rest) = quoted(line, line_no)?;
        let (password, _) = quoted(rest.trim_start(), line_no)?;
        keys.insert(&user, line_no)?;
        budget.node(3, line_no)?;
        let entry = MapEntry::scalar("password", line_no, Scalar::string(password));
        users.push(MapEntry {
            key: user,
            line: line_no,
            value: Node {
                value: NodeValue::Map(vec![entry]),
                line: line_no,
            },
        });
    }
    Ok(Document::flat_map(users))
}

/// One `"..."` field (`""` is a literal quote) and the rest of the line.
fn quoted(s: &str, line: u32) -> Result<(String, &str), ParseError> {
    let Some(body) = s.strip_prefix('"') else {
        return Err(ParseError::new(
            line,
            None,
            "expected a double-quoted field",
        ));
    };
    let mut out = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            if chars.peek().is_some_and(|&(_, n)| n == '"') {
                chars.next();
                out.push('"');
            } else {
                return Ok((out, &body[i + 1..]));
            }
        } else {
            out.push(c);
        }
    }
    Err(ParseError::new(line, None, "unterminated quoted field"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_and_passwords() {
        let doc = parse(
            "; users\n\"app\" \"SCRAM-SHA-256$4096:abc\"\n\"o\"\"brien\" \"pw\"\n",
            &Limits::default(),
        )
        .unwrap();
        let NodeValue::Map(users) = &doc.root.value else {
            panic!()
        };
        assert_eq!((users[0].key.as_str(), users[0].line), ("app", 2));
        assert_eq!(users[1].key, "o\"brien");
        let e = parse("\"app\" \"canary-secret\n", &Limits::default()).unwrap_err();
        assert!(!e.to_string().contains("canary"));
        assert!(parse("\"a\" \"x\"\n\"a\" \"y\"\n", &Limits::default()).is_err());
    }
}
