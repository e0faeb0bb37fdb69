//! The event path: full YAML 1.2 via `saphyr-parser`'s event iterator.
//!
//! The tree is built with an explicit stack of open collections, never by
//! recursion, so a 100,000-deep input ends in a depth error rather than a
//! stack overflow. Anchored nodes are kept with their size, so an alias is
//! charged against [`Limits::max_alias_nodes`] *before* it is copied: an alias
//! bomb fails after at most that many copied nodes.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};

use super::{YamlKeySet, scalar, too_many_documents};
use crate::formats::{Limits, NodeBudget, ParseError};
use crate::model::node::{Document, MapEntry, Node, NodeValue, ScalarKind};

/// Parse `text` with the event parser.
pub(super) fn parse(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    let mut builder = EventTreeBuilder {
        limits,
        budget: NodeBudget::new(limits),
        alias_nodes: 0,
        anchors: HashMap::new(),
        stack: Vec::new(),
        documents: Vec::new(),
        doc_line: 1,
        root: None,
    };
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| scan_error(&e, limits))?;
        builder.event(event, span)?;
    }
    Ok(builder.documents)
}

/// A finished node with what an alias of it would cost.
#[derive(Debug, Clone)]
struct Built {
    /// The node.
    node: Node,
    /// Nodes in its subtree, itself included.
    count: usize,
    /// Levels in its subtree (a scalar is 1).
    height: usize,
}

/// An open collection on the stack.
#[derive(Debug)]
struct EventFrame {
    /// Its contents so far.
    kind: Kind,
    /// Line it starts on.
    line: u32,
    /// Anchor id (0 for none).
    anchor: usize,
    /// Nodes in its subtree so far, itself included.
    count: usize,
    /// Levels in its subtree so far.
    height: usize,
}

/// The contents of an open collection.
#[derive(Debug)]
enum Kind {
    /// A sequence's items.
    Seq(Vec<Node>),
    /// A mapping's entries.
    Map(MapFrame),
}

/// A mapping being built.
#[derive(Debug, Default)]
struct MapFrame {
    /// Explicit entries in source order.
    entries: Vec<MapEntry>,
    /// Explicit keys, to reject duplicates.
    keys: YamlKeySet,
    /// A key waiting for its value.
    key: Option<PendingKey>,
    /// Merged (`<<`) entries, each with the number of explicit entries before it.
    merges: Vec<(usize, Vec<MapEntry>)>,
}

/// A mapping key whose value has not been seen yet.
#[derive(Debug)]
struct PendingKey {
    /// The key text.
    text: String,
    /// The key's line.
    line: u32,
    /// Whether it is the merge key `<<`.
    merge: bool,
}

/// Builds documents from events.
struct EventTreeBuilder<'l> {
    /// Limits in force.
    limits: &'l Limits,
    /// Depth and node counting.
    budget: NodeBudget,
    /// Nodes added by alias expansion so far.
    alias_nodes: usize,
    /// Completed anchored nodes by saphyr's anchor id.
    anchors: HashMap<usize, Built>,
    /// Open collections, innermost last.
    stack: Vec<EventFrame>,
    /// Finished documents.
    documents: Vec<Document>,
    /// Line of the current document's start.
    doc_line: u32,
    /// The current document's root, once complete.
    root: Option<Node>,
}

impl EventTreeBuilder<'_> {
    /// Handle one event.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), ParseError> {
        let line = line_u32(span.start.line());
        let depth = self.stack.len() + 1;
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(_) => {
                if self.documents.len() >= self.limits.max_documents {
                    return Err(too_many_documents(line, self.limits));
                }
                self.doc_line = line;
                self.root = None;
            }
            Event::DocumentEnd => {
                let root = self
                    .root
                    .take()
                    .unwrap_or_else(|| Node::scalar(scalar::plain(String::new()), self.doc_line));
                self.documents.push(Document {
                    root,
                    line: self.doc_line,
                });
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.budget.node(depth, line)?;
                let is_plain = style == ScalarStyle::Plain;
                let merge_key = is_plain && tag.is_none() && text == "<<";
                let text = text.into_owned();
                let scalar = match tag {
                    Some(tag) => scalar::tagged(text, is_plain, tag_text(&tag)),
                    None if is_plain => scalar::plain(text),
                    None => scalar::quoted(text),
                };
                let node = Node::scalar(scalar, line);
                self.complete(
                    Built {
                        node,
                        count: 1,
                        height: 1,
                    },
                    anchor,
                    merge_key,
                )?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.check_not_key(line)?;
                self.budget.node(depth, line)?;
                let kind = match event {
                    Event::SequenceStart(..) => Kind::Seq(Vec::new()),
                    _ => Kind::Map(MapFrame::default()),
                };
                self.stack.push(EventFrame {
                    kind,
                    line,
                    anchor,
                    count: 1,
                    height: 1,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = self.stack.pop().ok_or_else(|| {
                    ParseError::new(line, None, "invalid YAML: unbalanced collection end")
                })?;
                let value = match frame.kind {
                    Kind::Seq(items) => NodeValue::Seq(items),
                    Kind::Map(map) => NodeValue::Map(finish_map(map)),
                };
                let node = Node {
                    value,
                    line: frame.line,
                };
                let built = Built {
                    node,
                    count: frame.count,
                    height: frame.height,
                };
                self.complete(built, frame.anchor, false)?;
            }
            Event::Alias(id) => {
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(ParseError::new(
                        line,
                        None,
                        "alias refers to its own anchor",
                    ));
                };
                if !matches!(anchored.node.value, NodeValue::Scalar(_)) {
                    self.check_not_key(line)?;
                }
                self.alias_nodes = self.alias_nodes.saturating_add(anchored.count);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(ParseError::new(
                        line,
                        None,
                        format!(
                            "alias expansion exceeds the limit of {} values",
                            self.limits.max_alias_nodes
                        ),
                    ));
                }
                // The copy's deepest node decides its depth; every node counts.
                self.budget.node(depth + anchored.height - 1, line)?;
                for _ in 1..anchored.count {
                    self.budget.node(depth, line)?;
                }
                let built = anchored.clone();
                self.complete(built, 0, false)?;
            }
        }
        Ok(())
    }

    /// Fail if the innermost open collection is a map waiting for a key: a
    /// collection would be a complex key.
    fn check_not_key(&self, line: u32) -> Result<(), ParseError> {
        match self.stack.last() {
            Some(EventFrame {
                kind: Kind::Map(MapFrame { key: None, .. }),
                ..
            }) => Err(ParseError::new(
                line,
                None,
                "complex mapping keys are not supported",
            )),
            _ => Ok(()),
        }
    }

    /// Attach a finished node to its parent (or make it the document root).
    fn complete(&mut self, built: Built, anchor: usize, merge_key: bool) -> Result<(), ParseError> {
        if anchor != 0 {
            self.anchors.insert(anchor, built.clone());
        }
        let Some(frame) = self.stack.last_mut() else {
            let mut node = built.node;
            if let NodeValue::Scalar(s) = &node.value
                && s.kind == ScalarKind::Null
                && s.text.is_empty()
                && s.tag.is_none()
            {
                // An empty document: saphyr places it at the next token.
                node.line = self.doc_line;
            }
            self.root = Some(node);
            return Ok(());
        };
        frame.count += built.count;
        frame.height = frame.height.max(built.height + 1);
        match &mut frame.kind {
            Kind::Seq(items) => items.push(built.node),
            Kind::Map(map) => match map.key.take() {
                None => {
                    let line = built.node.line;
                    let NodeValue::Scalar(key) = built.node.value else {
                        return Err(ParseError::new(
                            line,
                            None,
                            "complex mapping keys are not supported",
                        ));
                    };
                    map.keys.insert(&key.text, line)?;
                    map.key = Some(PendingKey {
                        text: key.text,
                        line,
                        merge: merge_key,
                    });
                }
                Some(key) if key.merge => {
                    let at = map.entries.len();
                    match built.node.value {
                        NodeValue::Map(entries) => map.merges.push((at, entries)),
                        NodeValue::Seq(items) => {
                            for item in items {
                                let NodeValue::Map(entries) = item.value else {
                                    return Err(bad_merge(key.line));
                                };
                                map.merges.push((at, entries));
                            }
                        }
                        NodeValue::Scalar(_) => return Err(bad_merge(key.line)),
                    }
                }
                Some(key) => {
                    map.entries.push(MapEntry {
                        key: key.text,
                        line: key.line,
                        value: built.node,
                    });
                }
            },
        }
        Ok(())
    }
}

/// A map's final entries: explicit ones in source order, with merged entries
/// (those no explicit key overrides; earlier merged maps win) where `<<` was.
fn finish_map(map: MapFrame) -> Vec<MapEntry> {
    let MapFrame {
        entries,
        keys,
        merges,
        ..
    } = map;
    if merges.is_empty() {
        return entries;
    }
    let mut out =
        Vec::with_capacity(entries.len() + merges.iter().map(|m| m.1.len()).sum::<usize>());
    let mut merged: HashSet<String> = HashSet::new();
    let mut explicit = entries.into_iter();
    let mut emitted = 0;
    for (at, merged_entries) in merges {
        while emitted < at {
            match explicit.next() {
                Some(entry) => out.push(entry),
                None => break,
            }
            emitted += 1;
        }
        for entry in merged_entries {
            if keys.get(&entry.key).is_none() && merged.insert(entry.key.clone()) {
                out.push(entry);
            }
        }
    }
    out.extend(explicit);
    out
}

/// The error for a merge key whose value is not a map or a list of maps.
fn bad_merge(line: u32) -> ParseError {
    ParseError::new(line, None, "merge key `<<` needs a map or a list of maps")
}

/// A tag as written: `!vault`, `!!binary`, `!<tag:example.com,2000:x>`.
fn tag_text(tag: &Tag) -> String {
    match tag.handle.as_str() {
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
        "" => format!("!<{}>", tag.suffix),
        handle => format!("{handle}{}", tag.suffix),
    }
}

/// A saphyr line (1-based) as a `u32`.
fn line_u32(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// saphyr messages known to hold no input text, passed on as they are. Any
/// other message (current or future) is replaced by a generic one, since some
/// (`unexpected character: ...`) quote the input.
const SAFE_MESSAGES: &[&str] = &[
    "while scanning a quoted scalar, found unexpected end of stream",
    "while scanning a quoted scalar, found unexpected document indicator",
    "while parsing a quoted scalar, found unknown escape character",
    "while parsing a quoted scalar, found invalid Unicode character escape code",
    "while parsing a quoted scalar, did not find expected hexadecimal number",
    "while parsing a block mapping, did not find expected key",
    "while parsing a block collection, did not find expected '-' indicator",
    "while parsing a flow sequence, expected ',' or ']'",
    "while parsing a flow mapping, did not find expected ',' or '}'",
    "while parsing a node, did not find expected node content",
    "while scanning a block scalar, did not find expected comment or line break",
    "while scanning an anchor or alias, did not find expected alphabetic or numeric character",
    "while scanning a plain scalar, found a tab",
    "mapping values are not allowed in this context",
    "mapping keys are not allowed in this context",
    "block sequence entries are not allowed in this context",
    "invalid indentation",
    "invalid indentation in quoted scalar",
    "invalid indentation in flow construct",
    "invalid trailing content after double-quoted scalar",
    "tab cannot be used as indentation",
    "tabs disallowed in this context",
    "tabs disallowed within this context (block indentation)",
    "simple key expected",
    "simple key expect ':'",
    "did not find expected next token",
    "did not find expected <document start>",
    "found unprintable character",
    "wrongly indented line in block scalar",
    "comment intercepting the multiline text",
    "misplaced bracket",
    "unexpected end of plain scalar",
    "unexpected eof",
    "invalid content after document end marker",
    "':' must be followed by a valid YAML whitespace",
    "'-' must be followed by a valid YAML whitespace",
    "':' may not precede any of `[{` in flow mapping",
    "\"-\" is only valid inside a block",
    "comments must be separated from other tokens by whitespace",
    "plain scalar cannot start with '-' followed by ,[]{}",
    "illegal placement of ':' indicator",
    "invalid indentation for anchor",
    "a block scalar content cannot start with a tab",
    "while scanning a block scalar, found an indentation indicator equal to 0",
    "did not find expected <document-start>",
    "missing explicit document end marker before directive",
    "a byte order mark must not appear inside a document",
    "expected whitespace",
];

/// How deep saphyr's scanner nests flow collections before it gives up.
const SAPHYR_FLOW_LIMIT: usize = 255;

/// A saphyr error as a [`ParseError`] that never quotes the input.
fn scan_error(error: &ScanError, limits: &Limits) -> ParseError {
    let mark = error.marker();
    let line = line_u32(mark.line());
    let col = Some(line_u32(mark.col().saturating_add(1)));
    let info = error.info();
    let message = match info {
        "while parsing node, found unknown anchor" => "alias refers to an unknown anchor".into(),
        // saphyr's own flow-depth guard, which can trip before the tree
        // reaches `max_depth` because the scanner reads ahead.
        "recursion limit exceeded" => {
            let limit = limits.max_depth.min(SAPHYR_FLOW_LIMIT);
            format!("nesting is deeper than the limit of {limit}")
        }
        _ if SAFE_MESSAGES.contains(&info) => format!("invalid YAML: {info}"),
        _ if info.starts_with("unexpected character") => {
            "invalid YAML: unexpected character".into()
        }
        _ => "invalid YAML syntax".into(),
    };
    ParseError::new(line, col, message)
}
