//! A strict reader over a span-carrying TOML table: every key is asked for by
//! name and type; whatever is left over is an unknown key, reported with its
//! line and a "did you mean". Problems are collected, not returned at the
//! first one, so a policy file with five mistakes shows all five.

use std::borrow::Cow;
use std::collections::BTreeSet;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::error::did_you_mean;
use crate::formats::line_of;

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The file, as given.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

/// Where problems go, and how to turn byte offsets into lines.
pub struct Sink<'t> {
    pub file: String,
    pub text: &'t str,
    pub problems: Vec<Problem>,
}

impl<'t> Sink<'t> {
    pub fn new(file: &str, text: &'t str) -> Self {
        Sink {
            file: file.to_string(),
            text,
            problems: Vec::new(),
        }
    }

    pub fn line(&self, at: usize) -> u32 {
        line_of(self.text.as_bytes(), at)
    }

    pub fn error(&mut self, at: usize, message: impl Into<String>) {
        let line = self.line(at);
        self.problems.push(Problem {
            file: self.file.clone(),
            line,
            message: message.into(),
        });
    }
}

/// A table being read: remembers which keys were asked for.
pub struct Table<'a, 'i> {
    table: &'a DeTable<'i>,
    /// Offset of the table's header (for "missing key" errors).
    pub at: usize,
    /// How to name the table in messages: `[[rule]] #2`.
    pub what: String,
    used: BTreeSet<&'static str>,
}

impl<'a, 'i> Table<'a, 'i> {
    pub fn new(table: &'a DeTable<'i>, at: usize, what: String) -> Self {
        Table {
            table,
            at,
            what,
            used: BTreeSet::new(),
        }
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.used.insert(key);
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    /// An optional string.
    pub fn string(&mut self, sink: &mut Sink<'_>, key: &'static str) -> Option<(String, usize)> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), v.span().start)),
            other => {
                sink.error(
                    v.span().start,
                    format!(
                        "{}: `{key}` must be a string, not {}",
                        self.what,
                        type_name(other)
                    ),
                );
                None
            }
        }
    }

    /// A required string.
    pub fn required(&mut self, sink: &mut Sink<'_>, key: &'static str) -> Option<(String, usize)> {
        let present = self.table.iter().any(|(k, _)| k.get_ref().as_ref() == key);
        if !present {
            self.used.insert(key);
            sink.error(self.at, format!("{}: `{key}` is required", self.what));
            return None;
        }
        self.string(sink, key)
    }

    /// An optional list of strings (a single string is accepted as a list of one).
    pub fn strings(
        &mut self,
        sink: &mut Sink<'_>,
        key: &'static str,
    ) -> Option<Vec<(String, usize)>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(vec![(s.to_string(), v.span().start)]),
            DeValue::Array(items) => Some(strings_of(sink, &self.what, key, items)),
            other => {
                sink.error(
                    v.span().start,
                    format!(
                        "{}: `{key}` must be a list of strings, not {}",
                        self.what,
                        type_name(other)
                    ),
                );
                None
            }
        }
    }

    /// An optional number (integer or float).
    pub fn number(&mut self, sink: &mut Sink<'_>, key: &'static str) -> Option<(f64, usize)> {
        let v = self.get(key)?;
        let at = v.span().start;
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => i.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            sink.error(at, format!("{}: `{key}` must be a number", self.what));
        }
        parsed.map(|n| (n, at))
    }

    /// An optional inline table.
    pub fn table(&mut self, sink: &mut Sink<'_>, key: &'static str) -> Option<Table<'a, 'i>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(
                t,
                v.span().start,
                format!("{}.{key}", self.what),
            )),
            other => {
                sink.error(
                    v.span().start,
                    format!(
                        "{}: `{key}` must be a table, not {}",
                        self.what,
                        type_name(other)
                    ),
                );
                None
            }
        }
    }

    /// An optional raw value (for fields whose type varies, like `expires`).
    pub fn raw(&mut self, key: &'static str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.get(key)
    }

    /// Report every key that was not asked for.
    pub fn finish(self, sink: &mut Sink<'_>, known: &[&str]) {
        for (k, _) in self.table.iter() {
            let name: &str = k.get_ref().as_ref();
            if self.used.contains(name) {
                continue;
            }
            let hint = did_you_mean(name, known.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            sink.error(
                k.span().start,
                format!(
                    "{}: unknown key `{name}`{hint}; expected one of {}",
                    self.what,
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
}

fn strings_of(
    sink: &mut Sink<'_>,
    what: &str,
    key: &str,
    items: &DeArray<'_>,
) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(s) => out.push((s.to_string(), item.span().start)),
            other => sink.error(
                item.span().start,
                format!(
                    "{what}: `{key}` items must be strings, not {}",
                    type_name(other)
                ),
            ),
        }
    }
    out
}

/// The array of tables under `key` at the top of a file (`[[rule]]`), each
/// with the offset of its header.
pub fn tables<'a, 'i>(
    sink: &mut Sink<'_>,
    value: &'a Spanned<DeValue<'i>>,
    key: &str,
) -> Vec<(&'a DeTable<'i>, usize)> {
    match value.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .filter_map(|item| match item.get_ref() {
                DeValue::Table(t) => Some((t, item.span().start)),
                other => {
                    sink.error(
                        item.span().start,
                        format!(
                            "`{key}` entries must be tables (`[[{key}]]`), not {}",
                            type_name(other)
                        ),
                    );
                    None
                }
            })
            .collect(),
        DeValue::Table(_) => {
            sink.error(
                value.span().start,
                format!("`{key}` must be an array of tables: write `[[{key}]]`, not `[{key}]`"),
            );
            Vec::new()
        }
        other => {
            sink.error(
                value.span().start,
                format!(
                    "`{key}` must be an array of tables (`[[{key}]]`), not {}",
                    type_name(other)
                ),
            );
            Vec::new()
        }
    }
}

/// A TOML type's name for messages.
pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// A key of the top-level table as text.
pub fn key_text<'k>(k: &'k Spanned<Cow<'_, str>>) -> &'k str {
    k.get_ref().as_ref()
}
