//! Java `.properties` files, read the way `java.util.Properties.load` reads them.
//!
//! Spring Boot and most JVM services keep their per-environment settings here,
//! so drift in a `.properties` file is drift in production. The grammar looks
//! trivial but is not: a line ending in an odd number of backslashes continues
//! on the next one, `\uXXXX` escapes spell non-ASCII text, and the key ends at
//! the first *unescaped* `=`, `:` or whitespace. Reading it any other way would
//! report differences Java never sees (or hide ones it does), so this module
//! follows `Properties.load` step by step.
//!
//! Two deliberate departures from Java: a repeated key is an error (Java keeps
//! the last one silently, which is exactly how drift hides), and a malformed
//! `\u` escape or an unpaired UTF-16 surrogate is an error rather than an
//! exception or a lone surrogate. Dotted keys (`spring.datasource.url`) stay
//! single flat keys: nesting them would invent structure the file lacks.

use super::{KeySet, Limits, NodeBudget, ParseError};
use crate::model::node::*;

/// Parse a `.properties` file into one document whose root is a flat map of
/// string scalars.
pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    let mut budget = NodeBudget::new(limits);
    budget.node(1, 1)?;
    let mut keys = KeySet::default();
    let mut entries = Vec::new();
    let mut lines = PhysicalLines::new(text);
    while let Some(logical) = next_logical_line(&mut lines) {
        let (key, value) = split_key_value(&logical.text);
        let key = unescape(key, &logical, 0)?;
        let value = unescape(value, &logical, logical.text.len() - value.len())?;
        let line = logical.first_line();
        budget.node(2, line)?;
        keys.insert(&key, line)?;
        entries.push(MapEntry::scalar(&key, line, Scalar::string(value)));
    }
    Ok(Document::flat_map(entries))
}

/// Physical lines, split on `\n`, `\r` or `\r\n` as Java's `LineReader` does.
struct PhysicalLines<'t> {
    rest: &'t str,
    line: u32,
}

impl<'t> PhysicalLines<'t> {
    fn new(text: &'t str) -> Self {
        PhysicalLines {
            rest: text,
            line: 0,
        }
    }
}

impl<'t> Iterator for PhysicalLines<'t> {
    /// The line's text without its terminator, and its 1-based number.
    type Item = (&'t str, u32);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        self.line += 1;
        let end = memchr::memchr2(b'\n', b'\r', self.rest.as_bytes()).unwrap_or(self.rest.len());
        let line = &self.rest[..end];
        let after = &self.rest[end..];
        self.rest = after
            .strip_prefix("\r\n")
            .or_else(|| after.strip_prefix(['\r', '\n']))
            .unwrap_or(after);
        Some((line, self.line))
    }
}

/// One logical line: physical lines joined at continuations, still escaped.
struct LogicalLine {
    /// The joined text, with continuation backslashes and the leading
    /// whitespace of continued lines removed.
    text: String,
    /// `(byte offset in text, physical line)` where each piece starts.
    pieces: Vec<(usize, u32)>,
}

impl LogicalLine {
    /// The physical line the logical line starts on.
    fn first_line(&self) -> u32 {
        self.pieces[0].1
    }

    /// The physical line holding byte `offset` of [`LogicalLine::text`].
    fn line_at(&self, offset: usize) -> u32 {
        let i = self.pieces.partition_point(|&(start, _)| start <= offset);
        self.pieces[i.saturating_sub(1)].1
    }
}

/// Whitespace as `Properties.load` defines it.
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// Whether `s` ends in an odd number of backslashes (a continuation).
fn continues(s: &str) -> bool {
    s.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// The next non-blank, non-comment logical line, or `None` at end of input.
fn next_logical_line(lines: &mut PhysicalLines<'_>) -> Option<LogicalLine> {
    let (first, number) = loop {
        let (raw, number) = lines.next()?;
        let trimmed = raw.trim_start_matches(is_ws);
        if !trimmed.is_empty() && !trimmed.starts_with(['#', '!']) {
            break (trimmed, number);
        }
    };
    let mut logical = LogicalLine {
        text: String::new(),
        pieces: vec![(0, number)],
    };
    let mut piece = first;
    while continues(piece) {
        logical.text.push_str(&piece[..piece.len() - 1]);
        // A continued line is never a comment; only its leading whitespace goes.
        let Some((raw, number)) = lines.next() else {
            return Some(logical);
        };
        piece = raw.trim_start_matches(is_ws);
        logical.pieces.push((logical.text.len(), number));
    }
    logical.text.push_str(piece);
    Some(logical)
}

/// Split a logical line into its still-escaped key and value.
fn split_key_value(line: &str) -> (&str, &str) {
    let mut escaped = false;
    let mut key_end = line.len();
    let mut value_start = line.len();
    let mut has_separator = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '=' || c == ':' || is_ws(c) {
            key_end = i;
            value_start = i + 1;
            has_separator = c != ' ' && c != '\t' && c != '\x0c';
            break;
        }
    }
    // After whitespace, one `=` or `:` may still follow; whitespace around it goes.
    let mut rest = line[value_start..].char_indices();
    let skip = loop {
        match rest.next() {
            Some((_, c)) if is_ws(c) => {}
            Some((_, '=' | ':')) if !has_separator => has_separator = true,
            Some((i, _)) => break i,
            None => break line.len() - value_start,
        }
    };
    (&line[..key_end], &line[value_start + skip..])
}

/// Resolve escapes in `s`, which starts at byte `base` of `logical.text`.
fn unescape(s: &str, logical: &LogicalLine, base: usize) -> Result<String, ParseError> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices();
    // A high surrogate from a `\uD8xx` escape, waiting for its low half.
    let mut high: Option<(u16, usize)> = None;
    let unpaired = |at: usize| {
        let message = "\\u escape is half of a UTF-16 surrogate pair with no other half";
        ParseError::new(logical.line_at(base + at), None, message)
    };
    while let Some((i, c)) = chars.next() {
        let code = if c == '\\' {
            match chars.next() {
                Some((_, 'u')) => Some(hex4(&mut chars).ok_or_else(|| {
                    ParseError::new(logical.line_at(base + i), None, "malformed \\uXXXX escape")
                })?),
                Some((_, e)) => {
                    out.push(match e {
                        't' => '\t',
                        'n' => '\n',
                        'r' => '\r',
                        'f' => '\x0c',
                        other => other,
                    });
                    None
                }
                None => None,
            }
        } else {
            out.push(c);
            None
        };
        match (high.take(), code) {
            (Some((h, _)), Some(l @ 0xDC00..=0xDFFF)) => {
                let joined = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(l) - 0xDC00);
                out.push(char::from_u32(joined).expect("a surrogate pair always joins to a char"));
            }
            (Some((_, at)), _) => return Err(unpaired(at)),
            (None, Some(h @ 0xD800..=0xDBFF)) => high = Some((h, i)),
            (None, Some(u)) => {
                out.push(char::from_u32(u32::from(u)).ok_or_else(|| unpaired(i))?);
            }
            (None, None) => {}
        }
    }
    match high {
        Some((_, at)) => Err(unpaired(at)),
        None => Ok(out),
    }
}

/// Read exactly four hex digits of a `\u` escape.
fn hex4(chars: &mut std::str::CharIndices<'_>) -> Option<u16> {
    let mut code = 0u16;
    for _ in 0..4 {
        let digit = chars.next()?.1.to_digit(16)?;
        code = code * 16 + u16::try_from(digit).expect("a hex digit is below 16");
    }
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String, u32)> {
        let doc = parse(text, &Limits::default()).unwrap();
        let NodeValue::Map(entries) = doc.root.value else {
            panic!("root is a map")
        };
        entries
            .into_iter()
            .map(|e| match e.value.value {
                NodeValue::Scalar(s) => {
                    assert_eq!(s.kind, ScalarKind::Str);
                    assert_eq!(e.value.line, e.line);
                    (e.key, s.text, e.line)
                }
                _ => panic!("flat map of scalars"),
            })
            .collect()
    }

    fn p(k: &str, v: &str, line: u32) -> (String, String, u32) {
        (k.to_string(), v.to_string(), line)
    }

    #[test]
    fn separators_comments_and_blank_lines() {
        let text = "# comment\n! also\n\n  a=1\nb : 2\nc 3\nd\ne=\nf = = x\n g\t:\tv w \n=empty\n";
        assert_eq!(
            pairs(text),
            vec![
                p("a", "1", 4),
                p("b", "2", 5),
                p("c", "3", 6),
                p("d", "", 7),
                p("e", "", 8),
                p("f", "= x", 9),
                p("g", "v w ", 10),
                p("", "empty", 11),
            ]
        );
    }

    #[test]
    fn hash_is_only_a_comment_at_line_start() {
        assert_eq!(
            pairs("url=http://x/#frag\nk=v # not a comment\n"),
            vec![
                p("url", "http://x/#frag", 1),
                p("k", "v # not a comment", 2)
            ]
        );
    }

    #[test]
    fn continuations_join_lines_and_drop_leading_whitespace() {
        let text = concat!(
            "list=a,\\\n    b,\\\n    # not a comment\nnext=1\n",
            "even=x\\\\\nodd=y\\\\\\\n  z\ntail=end\\",
        );
        assert_eq!(
            pairs(text),
            vec![
                p("list", "a,b,# not a comment", 1),
                p("next", "1", 4),
                p("even", "x\\", 5),
                p("odd", "y\\z", 6),
                p("tail", "end", 8),
            ]
        );
    }

    #[test]
    fn escapes_and_escaped_separators_in_keys() {
        let text = concat!(
            "a\\=b\\:c\\ d=v\\t\\n\\r\\f\\\\\\=\\:\\#\\!\\ \\q\n",
            "uni=caf\\u00e9 \\u0041\nemoji=\\uD83D\\uDE00\n",
        );
        assert_eq!(
            pairs(text),
            vec![
                p("a=b:c d", "v\t\n\r\x0c\\=:#! q", 1),
                p("uni", "café A", 2),
                p("emoji", "😀", 3),
            ]
        );
    }

    #[test]
    fn crlf_and_lone_cr_line_endings() {
        assert_eq!(
            pairs("a=1\r\nb=2\\\r\n  3\rc=4"),
            vec![p("a", "1", 1), p("b", "23", 2), p("c", "4", 4)]
        );
    }

    #[test]
    fn bad_unicode_escapes_are_errors_with_the_line() {
        for (text, line) in [
            ("ok=1\nsecret=abc\\u12G4canary\n", 2),
            ("ok=1\nk=a\\\n  b\\u12", 3),
            ("k=\\uD83Dcanary\n", 1),
            ("k=\\uDE00\n", 1),
        ] {
            let e = parse(text, &Limits::default()).unwrap_err();
            assert_eq!(e.line, line, "{text:?}");
            assert!(!e.message.contains("canary") && !e.message.contains("abc"));
        }
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse("a=1\nb=2\na=3\n", &Limits::default()).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (3, "duplicate key (first defined on line 1)")
        );
        // Escaping does not hide a duplicate: both spell the key `a b`.
        assert!(parse("a\\ b=1\na\\u0020b=2\n", &Limits::default()).is_err());
    }

    #[test]
    fn node_budget_applies() {
        let limits = Limits {
            max_nodes: 3,
            ..Limits::default()
        };
        assert!(parse("a=1\nb=2\n", &limits).is_ok());
        assert!(parse("a=1\nb=2\nc=3\n", &limits).is_err());
    }

    #[test]
    fn real_world_spring_boot_files() {
        // The shared corpus beside the repository; a bare clone skips.
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/realworld/envsets/",
            "kubernetes-sigs__kustomize__springboot/examples/springboot"
        );
        for env in ["base", "overlays/staging", "overlays/production"] {
            let path = format!("{dir}/{env}/application.properties");
            let Ok(text) = std::fs::read_to_string(&path) else {
                // The real stderr: the harness does not capture it.
                let _ = std::io::Write::write_all(
                    &mut std::io::stderr(),
                    format!("skipped: {path} is not present\n").as_bytes(),
                );
                continue;
            };
            let got = pairs(&text);
            assert_eq!(got.len(), 5, "{path}");
            assert_eq!(got[2].0, "spring.datasource.url");
            assert!(got[2].1.starts_with("jdbc:mysql://<"));
            assert_eq!(got[4], p("spring.datasource.password", "admin", 5));
        }
    }
}
