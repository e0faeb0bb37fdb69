//! JSON, parsed by hand so that every value has a line, duplicate keys are an
//! error (serde_json keeps the last one silently), numbers stay as written
//! (`12345678901234567891` must not round to a float) and `//` / `/* */`
//! comments are accepted, as node-config and editors allow.
//!
//! The parser is iterative, so nesting depth is bounded by [`Limits`] rather
//! than by the native stack.

use super::{KeySet, Limits, NodeBudget, ParseError};
use crate::model::node::{Document, MapEntry, Node, NodeValue, Scalar, ScalarKind};

/// Parse one JSON document.
pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    let mut p = Parser {
        s: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
    };
    let mut budget = NodeBudget::new(limits);
    p.skip_ws()?;
    if p.pos >= p.s.len() {
        return Err(p.err("file is empty: expected a JSON value"));
    }
    let start_line = p.line;
    let root = p.value(&mut budget)?;
    p.skip_ws()?;
    if p.pos < p.s.len() {
        return Err(p.err("unexpected content after the JSON value"));
    }
    Ok(Document {
        root,
        line: start_line,
    })
}

/// A container being filled, with what it has so far.
enum JsonFrame {
    Map {
        entries: Vec<MapEntry>,
        line: u32,
        pending: Option<(String, u32)>,
        keys: KeySet,
    },
    Seq {
        items: Vec<Node>,
        line: u32,
    },
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> ParseError {
        let col = (self.pos.saturating_sub(self.line_start) + 1) as u32;
        ParseError::new(self.line, Some(col), message)
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn newline(&mut self) {
        self.line += 1;
        self.line_start = self.pos + 1;
    }

    /// Skip whitespace and comments.
    fn skip_ws(&mut self) -> Result<(), ParseError> {
        while let Some(c) = self.peek() {
            match c {
                b'\n' => {
                    self.newline();
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'/' if self.s.get(self.pos + 1) == Some(&b'/') => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'/' if self.s.get(self.pos + 1) == Some(&b'*') => {
                    let (line, col) = (self.line, self.pos - self.line_start + 1);
                    self.pos += 2;
                    loop {
                        match self.peek() {
                            None => {
                                return Err(ParseError::new(
                                    line,
                                    Some(col as u32),
                                    "unterminated `/*` comment",
                                ));
                            }
                            Some(b'*') if self.s.get(self.pos + 1) == Some(&b'/') => {
                                self.pos += 2;
                                break;
                            }
                            Some(b'\n') => {
                                self.newline();
                                self.pos += 1;
                            }
                            Some(_) => self.pos += 1,
                        }
                    }
                }
                _ => break,
            }
        }
        Ok(())
    }

    /// Parse a value iteratively with an explicit stack of open containers.
    fn value(&mut self, budget: &mut NodeBudget) -> Result<Node, ParseError> {
        let mut stack: Vec<JsonFrame> = Vec::new();
        loop {
            // Parse one value start: a scalar completes immediately, a container opens a frame.
            self.skip_ws()?;
            let line = self.line;
            budget.node(stack.len() + 1, line)?;
            let mut done = match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Node {
                            value: NodeValue::Map(Vec::new()),
                            line,
                        }
                    } else {
                        let key = self.key()?;
                        let mut keys = KeySet::default();
                        keys.insert(&key.0, key.1)?;
                        stack.push(JsonFrame::Map {
                            entries: Vec::new(),
                            line,
                            pending: Some(key),
                            keys,
                        });
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Node {
                            value: NodeValue::Seq(Vec::new()),
                            line,
                        }
                    } else {
                        stack.push(JsonFrame::Seq {
                            items: Vec::new(),
                            line,
                        });
                        continue;
                    }
                }
                _ => Node::scalar(self.scalar()?, line),
            };
            // Attach the finished value to its parent, closing containers as they end.
            loop {
                let Some(top) = stack.last_mut() else {
                    return Ok(done);
                };
                match top {
                    JsonFrame::Map {
                        entries, pending, ..
                    } => {
                        let (key, key_line) = pending.take().expect("a map frame awaits a value");
                        entries.push(MapEntry {
                            key,
                            line: key_line,
                            value: done,
                        });
                    }
                    JsonFrame::Seq { items, .. } => items.push(done),
                }
                self.skip_ws()?;
                let closer = match top {
                    JsonFrame::Map { .. } => b'}',
                    JsonFrame::Seq { .. } => b']',
                };
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws()?;
                        // A trailing comma before the closer is not JSON.
                        if self.peek() == Some(closer) {
                            return Err(self.err("trailing comma"));
                        }
                        if let JsonFrame::Map { pending, keys, .. } = top {
                            let (key, key_line) = self.key()?;
                            keys.insert(&key, key_line)?;
                            *pending = Some((key, key_line));
                        }
                        break;
                    }
                    Some(c) if c == closer => {
                        self.pos += 1;
                        let frame = stack.pop().expect("checked above");
                        done = match frame {
                            JsonFrame::Map { entries, line, .. } => Node {
                                value: NodeValue::Map(entries),
                                line,
                            },
                            JsonFrame::Seq { items, line } => Node {
                                value: NodeValue::Seq(items),
                                line,
                            },
                        };
                    }
                    None => {
                        return Err(self.err(if closer == b'}' {
                            "unexpected end of file: missing `}`"
                        } else {
                            "unexpected end of file: missing `]`"
                        }));
                    }
                    Some(_) => {
                        return Err(self.err(if closer == b'}' {
                            "expected `,` or `}` after an object member"
                        } else {
                            "expected `,` or `]` after an array element"
                        }));
                    }
                }
            }
        }
    }

    /// A member name followed by `:`.
    fn key(&mut self) -> Result<(String, u32), ParseError> {
        self.skip_ws()?;
        let line = self.line;
        if self.peek() != Some(b'"') {
            return Err(self.err("expected a quoted member name"));
        }
        let key = self.string()?;
        self.skip_ws()?;
        if self.peek() != Some(b':') {
            return Err(self.err("expected `:` after a member name"));
        }
        self.pos += 1;
        Ok((key, line))
    }

    fn scalar(&mut self) -> Result<Scalar, ParseError> {
        match self.peek() {
            Some(b'"') => Ok(Scalar::string(self.string()?)),
            Some(b't') if self.s[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Ok(Scalar::of(ScalarKind::Bool, "true"))
            }
            Some(b'f') if self.s[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Ok(Scalar::of(ScalarKind::Bool, "false"))
            }
            Some(b'n') if self.s[self.pos..].starts_with(b"null") => {
                self.pos += 4;
                Ok(Scalar::of(ScalarKind::Null, "null"))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            None => Err(self.err("unexpected end of file: expected a value")),
            Some(_) => Err(self.err("expected a value")),
        }
    }

    fn number(&mut self) -> Result<Scalar, ParseError> {
        let start = self.pos;
        let mut float = false;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.pos += 1;
            }
            p.pos - s
        };
        let int_start = self.pos;
        if digits(self) == 0 {
            return Err(self.err("invalid number"));
        }
        if self.s[int_start] == b'0' && self.pos - int_start > 1 {
            return Err(self.err("invalid number: leading zero"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            float = true;
            if digits(self) == 0 {
                return Err(self.err("invalid number: digits expected after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            float = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("invalid number: digits expected in exponent"));
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).expect("ASCII digits");
        Ok(Scalar::of(
            if float {
                ScalarKind::Float
            } else {
                ScalarKind::Int
            },
            text,
        ))
    }

    /// A string literal, unescaped. Errors never include the string's text.
    fn string(&mut self) -> Result<String, ParseError> {
        let (line, col) = (self.line, (self.pos - self.line_start + 1) as u32);
        self.pos += 1; // opening quote
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let Some(c) = self.peek() else {
                return Err(ParseError::new(line, Some(col), "unterminated string"));
            };
            match c {
                b'"' => {
                    out.push_str(self.utf8(run, self.pos));
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(self.utf8(run, self.pos));
                    self.pos += 1;
                    self.escape(&mut out)?;
                    run = self.pos;
                }
                b'\n' => {
                    return Err(ParseError::new(line, Some(col), "unterminated string"));
                }
                0x00..=0x1f => return Err(self.err("control character in string")),
                _ => self.pos += 1,
            }
        }
    }

    fn utf8(&self, from: usize, to: usize) -> &str {
        // Input is a &str and boundaries fall on ASCII quote/backslash bytes.
        std::str::from_utf8(&self.s[from..to]).expect("slice of valid UTF-8 at ASCII boundaries")
    }

    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let Some(c) = self.peek() else {
            return Err(self.err("unterminated string"));
        };
        self.pos += 1;
        match c {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let hi = self.hex4()?;
                let ch = if (0xD800..0xDC00).contains(&hi) {
                    if self.s.get(self.pos) == Some(&b'\\')
                        && self.s.get(self.pos + 1) == Some(&b'u')
                    {
                        self.pos += 2;
                        let lo = self.hex4()?;
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(self.err("invalid unicode surrogate pair"));
                        }
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                    } else {
                        None
                    }
                } else {
                    char::from_u32(hi)
                };
                match ch {
                    Some(ch) => out.push(ch),
                    None => return Err(self.err("invalid unicode escape")),
                }
            }
            _ => return Err(self.err("invalid escape in string")),
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .s
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("invalid \\u escape"))?;
        let mut v = 0u32;
        for &d in digits {
            let n = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.err("invalid \\u escape"))?;
            v = v * 16 + n;
        }
        self.pos += 4;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Document, ParseError> {
        parse(s, &Limits::default())
    }

    #[test]
    fn lines_for_every_value() {
        let doc =
            p("{\n  \"a\": 1,\n  // c\n  \"b\": [true,\n   \"x\"],\n  \"c\": {\"d\": null}\n}")
                .unwrap();
        let NodeValue::Map(m) = doc.root.value else {
            panic!()
        };
        assert_eq!(m[0].line, 2);
        assert_eq!(m[1].line, 4);
        let NodeValue::Seq(items) = &m[1].value.value else {
            panic!()
        };
        assert_eq!(items[1].line, 5);
        assert_eq!(m[2].value.line, 6);
    }

    #[test]
    fn big_integers_stay_text() {
        let doc = p("[12345678901234567891, 1.50, -0]").unwrap();
        let NodeValue::Seq(items) = doc.root.value else {
            panic!()
        };
        let texts: Vec<_> = items
            .iter()
            .map(|n| match &n.value {
                NodeValue::Scalar(s) => (s.kind, s.text.clone()),
                _ => panic!(),
            })
            .collect();
        assert_eq!(texts[0], (ScalarKind::Int, "12345678901234567891".into()));
        assert_eq!(texts[1], (ScalarKind::Float, "1.50".into()));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = p("{\"password\": \"a\",\n \"password\": \"b\"}").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("first defined on line 1"), "{e}");
        assert!(
            !e.message.contains("\"a\"") && !e.message.contains("\"b\""),
            "{e}"
        );
    }

    #[test]
    fn errors_do_not_echo_strings() {
        let e = p("{\"password\": \"canary-SECRET-value\n}").unwrap_err();
        assert!(!e.to_string().contains("canary"), "{e}");
        assert_eq!(e.line, 1);
        let e = p("{\"a\": [1, 2}").unwrap_err();
        assert!(e.message.contains("`]`"), "{e}");
    }

    #[test]
    fn escapes_and_surrogates() {
        let doc = p(r#"{"k": "a\tb\u00e9\ud83d\ude00"}"#).unwrap();
        let NodeValue::Map(m) = doc.root.value else {
            panic!()
        };
        let NodeValue::Scalar(s) = &m[0].value.value else {
            panic!()
        };
        assert_eq!(s.text, "a\tbé😀");
    }

    #[test]
    fn deep_nesting_is_a_clean_error() {
        let s = "[".repeat(100_000);
        let e = p(&s).unwrap_err();
        assert!(e.message.contains("nesting"), "{e}");
    }

    #[test]
    fn rejects_trailing_garbage_and_commas() {
        assert!(p("{} x").is_err());
        assert!(p("[1,]").is_err());
        assert!(p("").is_err());
        assert!(p("/* open").is_err());
    }
}
