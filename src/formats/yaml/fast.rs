//! The fast path: a hand-written line parser for the block subset of YAML that
//! nearly all config files use.
//!
//! It handles block maps and sequences (including `- key: v` compact maps and
//! `- - x`), plain, single- and double-quoted scalars on one line, comments,
//! `---` separators, `[]`, `{}` and one-line flow sequences of simple scalars.
//! On anything else (anchors, aliases, tags, block scalars, multi-line scalars,
//! complex keys, tabs, directives, `...`, merge keys, duplicate keys, a limit
//! reached, any doubt at all) it returns `None` and the event path parses the
//! whole file, so every error comes from one place. For what it accepts, its
//! output equals the event path's exactly; the differential tests hold it to that.

use std::collections::HashSet;

use super::scalar;
use crate::formats::Limits;
use crate::model::node::{Document, MapEntry, Node, NodeValue, Scalar};

/// Parse `text`, or `None` if it is not certainly in the supported subset.
pub(super) fn parse(text: &str, limits: &Limits) -> Option<Vec<Document>> {
    if !plain_characters(text) {
        return None;
    }
    let has_cr = memchr::memchr(b'\r', text.as_bytes()).is_some();
    let mut fast = Fast {
        limits,
        documents: Vec::new(),
        doc_line: None,
        stack: Vec::new(),
        root: None,
        nodes: 0,
    };
    let mut line_no: u32 = 0;
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    for end in ends {
        let raw = &text[start..end];
        start = end + 1;
        line_no += 1;
        let line = if has_cr {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if line.contains('\r') {
                return None;
            }
            line
        } else {
            raw
        };
        fast.line(line, line_no)?;
    }
    fast.end_document()?;
    Some(fast.documents)
}

/// Whether `text` has only characters the fast path treats like the event
/// parser does: no tabs, no control characters, no BOM or Unicode line breaks.
fn plain_characters(text: &str) -> bool {
    // Whole chunks without early exits, so the check vectorizes.
    let (mut control, mut ascii) = (false, true);
    for chunk in text.as_bytes().chunks(64) {
        control |= chunk.iter().fold(false, |bad, &b| {
            bad | ((b < 0x20 && b != b'\n' && b != b'\r') || b == 0x7f)
        });
        ascii &= chunk.iter().fold(true, |ok, &b| ok & (b < 0x80));
        if control {
            return false;
        }
    }
    ascii
        || !text.chars().any(|c| {
            matches!(
                c,
                '\u{80}'
                    ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        })
}

/// Byte offset of the first ` #` (a comment start) in `text`, or its length.
fn comment_start(text: &str) -> usize {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'#', bytes)
        .find_map(|i| (i > 0 && bytes[i - 1] == b' ').then(|| i - 1))
        .unwrap_or(bytes.len())
}

/// Maps with this many entries find duplicates through a hash set.
const INDEX_FROM: usize = 16;

/// An open block collection.
struct FastFrame {
    /// Column of its entries (`-` or key).
    indent: usize,
    /// Line it starts on.
    line: u32,
    /// Its contents so far.
    coll: Coll,
    /// A key (for a map) or `-` (for a sequence, with an empty key) on this
    /// line whose value has not been seen yet.
    pending: Option<(String, u32)>,
}

/// The contents of an open collection.
enum Coll {
    /// Sequence items.
    Seq(Vec<Node>),
    /// Map entries, with a key index once the map is large.
    Map(Vec<MapEntry>, Option<HashSet<String>>),
}

/// What a line's content starts with.
enum FastStart<'t> {
    /// A `-` sequence entry.
    Dash,
    /// A `key:`; the text after the colon.
    Key(String, &'t str),
    /// Anything else (a scalar value).
    Value,
}

/// Parser state.
struct Fast<'l> {
    /// Limits in force.
    limits: &'l Limits,
    /// Finished documents.
    documents: Vec<Document>,
    /// FastStart line of the current document, once one has started.
    doc_line: Option<u32>,
    /// Open collections, innermost last.
    stack: Vec<FastFrame>,
    /// The current document's root, once complete.
    root: Option<Node>,
    /// Nodes counted so far (as the event path counts them: keys included).
    nodes: usize,
}

impl Fast<'_> {
    /// Handle one line (without its line break).
    fn line(&mut self, line: &str, line_no: u32) -> Option<()> {
        if let Some(rest) = line.strip_prefix("---") {
            if rest.is_empty() || (rest.starts_with(' ') && is_blank_or_comment(rest)) {
                self.end_document()?;
                return self.start_document(line_no);
            }
            if rest.starts_with(' ') {
                return None;
            }
        }
        if line.starts_with("...") || line.starts_with('%') {
            return None;
        }
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            return Some(());
        }
        if self.doc_line.is_none() {
            self.start_document(line_no)?;
        }
        let col = line.len() - content.len();
        self.content(col, content, line_no)
    }

    /// FastStart a document at `line`.
    fn start_document(&mut self, line: u32) -> Option<()> {
        if self.documents.len() >= self.limits.max_documents {
            return None; // The event path reports it.
        }
        self.doc_line = Some(line);
        Some(())
    }

    /// Finish the current document, if one has started.
    fn end_document(&mut self) -> Option<()> {
        let Some(line) = self.doc_line.take() else {
            return Some(());
        };
        self.close_to(None)?;
        let root = match self.root.take() {
            Some(root) => root,
            None => {
                self.count(1)?;
                Node::scalar(scalar::plain(String::new()), line)
            }
        };
        self.documents.push(Document { root, line });
        Some(())
    }

    /// Count one node at `depth`; `None` past a limit.
    fn count(&mut self, depth: usize) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= self.limits.max_nodes && depth <= self.limits.max_depth).then_some(())
    }

    /// Depth of a node added to the innermost open collection.
    fn depth(&self) -> usize {
        self.stack.len() + 1
    }

    /// Close every collection indented deeper than `col` (all for `None`).
    fn close_to(&mut self, col: Option<usize>) -> Option<()> {
        while let Some(top) = self.stack.last() {
            if col.is_some_and(|c| top.indent <= c) {
                break;
            }
            self.close_top()?;
        }
        Some(())
    }

    /// Close the innermost collection and give it to its parent.
    fn close_top(&mut self) -> Option<()> {
        self.null_pending()?;
        let frame = self.stack.pop()?;
        let value = match frame.coll {
            Coll::Seq(items) => NodeValue::Seq(items),
            Coll::Map(entries, _) => NodeValue::Map(entries),
        };
        self.attach(Node {
            value,
            line: frame.line,
        })
    }

    /// Give the innermost collection's pending key or `-` a null value.
    fn null_pending(&mut self) -> Option<()> {
        let depth = self.depth();
        let Some(line) = self
            .stack
            .last()
            .and_then(|f| f.pending.as_ref())
            .map(|p| p.1)
        else {
            return Some(());
        };
        self.count(depth)?;
        self.attach(Node::scalar(scalar::plain(String::new()), line))
    }

    /// Attach a finished node to the pending key or `-` of the innermost
    /// collection, or make it the root.
    fn attach(&mut self, node: Node) -> Option<()> {
        let Some(top) = self.stack.last_mut() else {
            if self.root.is_some() {
                return None;
            }
            self.root = Some(node);
            return Some(());
        };
        let (key, line) = top.pending.take()?;
        match &mut top.coll {
            Coll::Seq(items) => items.push(node),
            Coll::Map(entries, _) => entries.push(MapEntry {
                key,
                line,
                value: node,
            }),
        }
        Some(())
    }

    /// Open a collection at `col` as the value of the innermost pending key or
    /// `-` (or as the root).
    fn open(&mut self, col: usize, line: u32, coll: Coll) -> Option<()> {
        match self.stack.last() {
            Some(top) if top.pending.is_none() => return None,
            None if self.root.is_some() => return None,
            _ => {}
        }
        self.count(self.depth())?;
        self.stack.push(FastFrame {
            indent: col,
            line,
            coll,
            pending: None,
        });
        Some(())
    }

    /// Handle a line's content starting at column `col`.
    fn content(&mut self, col: usize, content: &str, line: u32) -> Option<()> {
        self.close_to(Some(col))?;
        let start = classify(content)?;
        // (same indent as `col`, is a sequence) of the innermost collection.
        let top = self
            .stack
            .last()
            .map(|t| (t.indent == col, matches!(t.coll, Coll::Seq(_))));
        match (&start, top) {
            (FastStart::Value, _) => return None,
            (FastStart::Dash, Some((true, true))) | (FastStart::Key(..), Some((true, false))) => {
                self.null_pending()?;
            }
            (FastStart::Key(..), Some((true, true))) => {
                // A sequence at its parent key's indent ends at the next key.
                self.close_top()?;
                let parent = self.stack.last()?;
                if parent.indent != col || !matches!(parent.coll, Coll::Map(..)) {
                    return None;
                }
            }
            (FastStart::Dash, _) => self.open(col, line, Coll::Seq(Vec::new()))?,
            (FastStart::Key(..), _) => self.open(col, line, Coll::Map(Vec::new(), None))?,
        }
        match start {
            FastStart::Dash => self.dash(col, content, line),
            FastStart::Key(key, rest) => self.key(key, rest, line),
            FastStart::Value => None,
        }
    }

    /// Handle `- ...` at `col`, where the innermost collection is the sequence.
    fn dash(&mut self, mut col: usize, mut content: &str, line: u32) -> Option<()> {
        loop {
            self.stack.last_mut()?.pending = Some((String::new(), line));
            let rest = &content[1..];
            if is_blank_or_comment(rest) {
                return Some(());
            }
            let value = rest.trim_start_matches(' ');
            col += 1 + rest.len() - value.len();
            content = value;
            match classify(content)? {
                FastStart::Dash => self.open(col, line, Coll::Seq(Vec::new()))?,
                FastStart::Key(key, rest) => {
                    self.open(col, line, Coll::Map(Vec::new(), None))?;
                    return self.key(key, rest, line);
                }
                FastStart::Value => {
                    let node = self.value(content, line)?;
                    return self.attach(node);
                }
            }
        }
    }

    /// Add `key` to the innermost collection (a map); `rest` follows the colon.
    fn key(&mut self, key: String, rest: &str, line: u32) -> Option<()> {
        let depth = self.depth();
        self.count(depth)?;
        let top = self.stack.last_mut()?;
        let Coll::Map(entries, index) = &mut top.coll else {
            return None;
        };
        let duplicate = match index {
            Some(index) => !index.insert(key.clone()),
            None => entries.iter().any(|e| e.key == key),
        };
        if duplicate {
            return None;
        }
        if index.is_none() && entries.len() + 1 >= INDEX_FROM {
            let mut keys: HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
            keys.insert(key.clone());
            *index = Some(keys);
        }
        top.pending = Some((key, line));
        if is_blank_or_comment(rest) {
            return Some(());
        }
        let node = self.value(rest.trim_start_matches(' '), line)?;
        self.attach(node)
    }

    /// A scalar or simple flow value on one line.
    fn value(&mut self, text: &str, line: u32) -> Option<Node> {
        let depth = self.depth();
        self.count(depth)?;
        let (value, rest) = match text.as_bytes().first()? {
            b'"' | b'\'' => {
                let (text, rest) = quoted(text)?;
                (NodeValue::Scalar(scalar::quoted(text)), rest)
            }
            b'[' => {
                let (items, rest) = flow_seq(&text[1..])?;
                for _ in &items {
                    self.count(depth + 1)?;
                }
                let nodes = items.into_iter().map(|s| Node::scalar(s, line)).collect();
                (NodeValue::Seq(nodes), rest)
            }
            b'{' => (NodeValue::Map(Vec::new()), text.strip_prefix("{}")?),
            _ => {
                let end = comment_start(text);
                let plain = text[..end].trim_end_matches(' ');
                if !is_plain_value(plain) {
                    return None;
                }
                (
                    NodeValue::Scalar(scalar::plain(plain.to_owned())),
                    &text[end..],
                )
            }
        };
        is_blank_or_comment(rest).then_some(Node { value, line })
    }
}

/// Whether `rest` (text after some token) is empty, spaces, or spaces and a comment.
fn is_blank_or_comment(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// What `content` starts with; `None` when the fast path does not handle it.
fn classify(content: &str) -> Option<FastStart<'_>> {
    let bytes = content.as_bytes();
    match bytes[0] {
        b'-' if bytes.len() == 1 || bytes[1] == b' ' => return Some(FastStart::Dash),
        b'"' | b'\'' => {
            let (key, rest) = quoted(content)?;
            let after = rest.trim_start_matches(' ');
            return match after.strip_prefix(':') {
                Some(value) if value.is_empty() || value.starts_with(' ') => {
                    (key.len() <= 1000).then_some(FastStart::Key(key, value))
                }
                _ => Some(FastStart::Value),
            };
        }
        b'[' | b'{' => return Some(FastStart::Value),
        b'?' | b':' | b',' | b']' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%'
        | b'@' | b'`' => return None,
        _ => {}
    }
    let mut prev = b' ';
    for (i, &b) in bytes.iter().enumerate() {
        if b == b':' && bytes.get(i + 1).is_none_or(|&n| n == b' ') {
            let key = content[..i].trim_end_matches(' ');
            if key.len() > 1000 || key == "<<" {
                return None;
            }
            return Some(FastStart::Key(key.to_owned(), &content[i + 1..]));
        }
        if b == b'#' && prev == b' ' {
            break;
        }
        prev = b;
    }
    Some(FastStart::Value)
}

/// Whether a plain value (comment and trailing spaces removed) is one the
/// event parser reads as the same single plain scalar.
fn is_plain_value(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    let bad_first = matches!(
        first,
        b'?' | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'%'
            | b'@'
            | b'`'
            | b'"'
            | b'\''
    ) || (first == b'-' && bytes.get(1).is_none_or(|&b| b == b' '));
    !bad_first
        && !text.ends_with(':')
        && !memchr::memchr_iter(b':', bytes).any(|i| bytes.get(i + 1) == Some(&b' '))
}

/// A quoted scalar at the start of `text`: its value and the text after the
/// closing quote. `None` if it does not close on this line or has an escape
/// the fast path does not handle.
fn quoted(text: &str) -> Option<(String, &str)> {
    let quote = text.as_bytes()[0];
    let body = &text[1..];
    if quote == b'\'' {
        let mut out = String::new();
        let mut rest = body;
        loop {
            let at = rest.find('\'')?;
            out.push_str(&rest[..at]);
            if rest[at + 1..].starts_with('\'') {
                out.push('\'');
                rest = &rest[at + 2..];
            } else {
                return Some((out, &rest[at + 1..]));
            }
        }
    }
    let end = memchr::memchr2(b'"', b'\\', body.as_bytes())?;
    if body.as_bytes()[end] == b'"' {
        return Some((body[..end].to_owned(), &body[end + 1..]));
    }
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                let simple = match e {
                    '0' => '\0',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    't' => '\t',
                    'n' => '\n',
                    'v' => '\u{b}',
                    'f' => '\u{c}',
                    'r' => '\r',
                    'e' => '\u{1b}',
                    ' ' | '"' | '/' | '\\' => e,
                    'N' => '\u{85}',
                    '_' => '\u{a0}',
                    'L' => '\u{2028}',
                    'P' => '\u{2029}',
                    'x' | 'u' | 'U' => {
                        let len = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let start = i + 2;
                        let hex = body.get(start..start + len)?;
                        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return None;
                        }
                        let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                        for _ in 0..len {
                            chars.next();
                        }
                        c
                    }
                    _ => return None,
                };
                out.push(simple);
            }
            _ => out.push(c),
        }
    }
    None
}

/// A one-line flow sequence of simple scalars; `text` follows the `[`.
/// Returns the items and the text after the `]`.
fn flow_seq(text: &str) -> Option<(Vec<Scalar>, &str)> {
    let mut items = Vec::new();
    let mut rest = text.trim_start_matches(' ');
    if let Some(after) = rest.strip_prefix(']') {
        return Some((items, after));
    }
    loop {
        let first = *rest.as_bytes().first()?;
        let after_item = if first == b'"' || first == b'\'' {
            let (text, after) = quoted(rest)?;
            items.push(scalar::quoted(text));
            after
        } else {
            let end = rest.find([',', ']']).unwrap_or(rest.len());
            let plain = rest[..end].trim_end_matches(' ');
            let safe_first = first.is_ascii_alphanumeric() || matches!(first, b'.' | b'/' | b'~');
            let safe = plain.bytes().all(|b| {
                b.is_ascii_alphanumeric()
                    || matches!(b, b'.' | b'_' | b'-' | b'/' | b'+' | b' ' | b'=' | b'~')
            });
            if !safe_first || !safe || plain.is_empty() {
                return None;
            }
            items.push(scalar::plain(plain.to_owned()));
            &rest[end..]
        };
        let after_item = after_item.trim_start_matches(' ');
        if let Some(after) = after_item.strip_prefix(']') {
            return Some((items, after));
        }
        rest = after_item.strip_prefix(',')?.trim_start_matches(' ');
        if rest.starts_with(']') {
            return None;
        }
    }
}
