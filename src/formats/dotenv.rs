//! dotenv files: `KEY=value` lines with `export`, quotes and `#` comments.
//!
//! Nothing is substituted. `${DB_PASSWORD}` stays as written, because reading
//! the process environment would put the operator's own secrets into a diff
//! (dotenvy does exactly that). A repeated key is an error, as in every other
//! format: which of two values "wins" depends on the loader.

use super::{KeySet, Limits, NodeBudget, ParseError};
use crate::model::node::{Document, MapEntry, Scalar, ScalarKind};

/// Parse a dotenv file into one flat map.
pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    let mut budget = NodeBudget::new(limits);
    budget.node(1, 1)?;
    let mut entries: Vec<MapEntry> = Vec::new();
    let mut keys = KeySet::default();
    let mut lines = text.split('\n').enumerate();
    while let Some((i, raw)) = lines.next() {
        let line_no = i as u32 + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let Some(eq) = line.find('=') else {
            // A bare `KEY` (docker and kustomize env files): the value comes
            // from the environment at deploy time; kept as a null, never looked up.
            let key = line.trim_end();
            if !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
            {
                keys.insert(key, line_no)?;
                budget.node(2, line_no)?;
                entries.push(MapEntry::scalar(
                    key,
                    line_no,
                    Scalar::of(ScalarKind::Null, ""),
                ));
                continue;
            }
            return Err(ParseError::new(line_no, None, "expected `KEY=value`"));
        };
        let key = line[..eq].trim_end();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        {
            return Err(ParseError::new(line_no, Some(1), "invalid variable name"));
        }
        let rest = line[eq + 1..].trim_start();
        let value = match rest.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) => {
                let mut body = String::new();
                let mut cur = &rest[1..];
                loop {
                    if let Some(end) = find_closing(cur, q as char) {
                        body.push_str(&cur[..end]);
                        let tail = cur[end + 1..].trim_start();
                        if !(tail.is_empty() || tail.starts_with('#')) {
                            return Err(ParseError::new(
                                line_no,
                                None,
                                "unexpected text after the closing quote",
                            ));
                        }
                        break;
                    }
                    // Quoted values may span lines.
                    body.push_str(cur);
                    body.push('\n');
                    match lines.next() {
                        Some((_, next)) => cur = next.strip_suffix('\r').unwrap_or(next),
                        None => {
                            return Err(ParseError::new(
                                line_no,
                                None,
                                "unterminated quoted value",
                            ));
                        }
                    }
                }
                if q == b'"' {
                    unescape_double(&body)
                } else {
                    body
                }
            }
            _ => unquoted(rest, &mut lines),
        };
        keys.insert(key, line_no)?;
        budget.node(2, line_no)?;
        entries.push(MapEntry::scalar(key, line_no, Scalar::string(value)));
    }
    Ok(Document::flat_map(entries))
}

/// An unquoted value: a ` #` starts a comment; a `#` inside a word
/// (`URL=http://x/#frag`) does not. A shell that sources the file joins a
/// line ending in an unescaped `\` with the next: the value (a token split
/// in two) is one value, as the shell reads it.
fn unquoted<'a>(rest: &str, lines: &mut impl Iterator<Item = (usize, &'a str)>) -> String {
    let cut = rest
        .find(" #")
        .or_else(|| rest.find("\t#"))
        .unwrap_or(rest.len());
    let mut value = rest[..cut].trim_end().to_string();
    while cut == rest.len() && continues(&value) {
        let Some((_, next)) = lines.next() else { break };
        value.pop();
        let next = next.strip_suffix('\r').unwrap_or(next);
        value.push_str(next.trim_end());
    }
    value
}

/// Whether an unquoted value ends in a line continuation: an odd number
/// of trailing backslashes (`\\` is a literal backslash).
fn continues(value: &str) -> bool {
    value.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// Byte offset of the closing quote in `s`, honouring backslash escapes in `"…"`.
fn find_closing(s: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' && q == '"' {
            escaped = true;
        } else if c == q {
            return Some(i);
        }
    }
    None
}

fn unescape_double(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::node::NodeValue;

    fn pairs(s: &str) -> Vec<(String, String, u32)> {
        let doc = parse(s, &Limits::default()).unwrap();
        let NodeValue::Map(m) = doc.root.value else {
            panic!()
        };
        m.into_iter()
            .map(|e| match e.value.value {
                NodeValue::Scalar(s) => (e.key, s.text, e.line),
                _ => panic!(),
            })
            .collect()
    }

    #[test]
    fn values_comments_quotes() {
        let got = pairs(
            "# top\nexport TOKEN=abc # comment\nURL=http://x/#frag\nQ=\"a\\nb\" # c\nS='it s'\nE=\nREF=${DB_PASSWORD}\r\n",
        );
        assert_eq!(
            got,
            vec![
                ("TOKEN".into(), "abc".into(), 2),
                ("URL".into(), "http://x/#frag".into(), 3),
                ("Q".into(), "a\nb".into(), 4),
                ("S".into(), "it s".into(), 5),
                ("E".into(), "".into(), 6),
                ("REF".into(), "${DB_PASSWORD}".into(), 7),
            ]
        );
    }

    /// A continued unquoted value is one value, whatever the split point
    /// (every placement of the break in a token), and `\\` is not a break.
    #[test]
    fn continued_unquoted_values_join() {
        let token = "d6TvURRAWR4IQx9";
        for at in 1..token.len() {
            let text = format!("API_TOKEN={}\\\n{}\nX=1\n", &token[..at], &token[at..]);
            let got = pairs(&text);
            assert_eq!(got[0].1, token, "{text:?}");
            assert_eq!((got[1].0.as_str(), got[1].2), ("X", 3));
        }
        assert_eq!(pairs("P=C:\\\\\nX=1\n")[0].1, "C:\\\\");
        assert_eq!(pairs("P=a\\")[0].1, "a\\");
    }

    #[test]
    fn multiline_quoted_value() {
        let got = pairs("KEY=\"line1\nline2\"\nNEXT=1\n");
        assert_eq!(got[0].1, "line1\nline2");
        assert_eq!(got[1].2, 3);
    }

    #[test]
    fn errors_name_the_line_not_the_value() {
        let e = parse("A=1\nPASSWORD=\"canary-secret\n", &Limits::default()).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(!e.to_string().contains("canary"));
        let e = parse("A=1\nA=2\n", &Limits::default()).unwrap_err();
        assert!(e.message.contains("line 1"), "{e}");
        assert!(parse("just words\n", &Limits::default()).is_err());
        // A bare key is valid (docker/kustomize env files).
        assert!(parse("staging", &Limits::default()).is_ok());
    }

    #[test]
    fn no_substitution_from_the_process_environment() {
        // PATH is set in every test environment; it must not leak into values.
        let got = pairs("P=$PATH\nQ=${PATH}\n");
        assert_eq!(got[0].1, "$PATH");
        assert_eq!(got[1].1, "${PATH}");
    }
}
