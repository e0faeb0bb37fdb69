//! A strict reader over a span-carrying TOML table: every key is asked for by
//! name and type; whatever is left over is an unknown key, reported with its
//! line and a "did you mean". Problems are collected, not returned at the
//! first one, so a file with five mistakes shows all five. Policy files and
//! `driftcheck.toml` are both read through it.

use std::borrow::Cow;
use std::collections::BTreeSet;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::error::did_you_mean;
use crate::formats::line_of;

pub use crate::diagnostic::Problem;

/// Where problems go, and how to turn byte offsets into lines.
pub struct Sink<'t> {
    /// The code every problem gets (`config/invalid`, `policy/invalid`).
    pub code: &'static str,
    /// The file, as shown.
    pub file: String,
    /// Its text (for lines, columns and carets).
    pub text: &'t str,
    /// What was found so far.
    pub problems: Vec<Problem>,
}

impl<'t> Sink<'t> {
    /// Problems in `file` (whose text is `text`) get `code`.
    pub fn new(code: &'static str, file: &str, text: &'t str) -> Self {
        Sink {
            code,
            file: file.to_string(),
            text,
            problems: Vec::new(),
        }
    }

    /// The 1-based line of byte offset `at`.
    pub fn line(&self, at: usize) -> u32 {
        line_of(self.text.as_bytes(), at)
    }

    /// A problem at byte offset `at`.
    pub fn error(&mut self, at: usize, message: impl Into<String>) {
        self.problems.push(Problem::at(
            self.code,
            &self.file,
            self.text,
            at,
            message.into(),
        ));
    }
}

/// A value with the byte offset it was written at.
pub type At<T> = (T, usize);

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
    /// Read `table` (whose header is at `at`), naming it `what` in messages.
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
                if self.what.is_empty() {
                    format!("[{key}]")
                } else {
                    format!("{}.{key}", self.what)
                },
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

    /// Whether `key` is written at all (whatever its type).
    pub fn has(&self, key: &str) -> bool {
        self.table.iter().any(|(k, _)| k.get_ref().as_ref() == key)
    }

    /// An optional boolean.
    pub fn boolean(&mut self, sink: &mut Sink<'_>, key: &'static str) -> Option<(bool, usize)> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some((*b, v.span().start)),
            other => {
                sink.error(
                    v.span().start,
                    format!(
                        "{}: `{key}` must be true or false, not {}",
                        self.what,
                        type_name(other)
                    ),
                );
                None
            }
        }
    }

    /// An optional whole number in `0..=u32::MAX`.
    pub fn count(&mut self, sink: &mut Sink<'_>, key: &'static str) -> Option<(u32, usize)> {
        let v = self.get(key)?;
        let at = v.span().start;
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => i.as_str().replace('_', "").parse::<u32>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            sink.error(at, format!("{}: `{key}` must be a whole number", self.what));
        }
        parsed.map(|n| (n, at))
    }

    /// The tables under `key`, each a named sub-table (`[env.prod]`,
    /// `[env.staging]`): `(name, offset of the name, table)`.
    pub fn named_tables(
        &mut self,
        sink: &mut Sink<'_>,
        key: &'static str,
    ) -> Vec<(String, usize, Table<'a, 'i>)> {
        let what = self.what.clone();
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Table(t) = v.get_ref() else {
            sink.error(
                v.span().start,
                format!(
                    "{what}: `{key}` must be a table, not {}",
                    type_name(v.get_ref())
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, item) in t.iter() {
            let name = key_text(k).to_string();
            match item.get_ref() {
                DeValue::Table(inner) => {
                    let at = k.span().start;
                    out.push((
                        name.clone(),
                        at,
                        Table::new(inner, at, format!("[{key}.{name}]")),
                    ));
                }
                other => sink.error(
                    k.span().start,
                    format!(
                        "`{key}.{name}` must be a table (`[{key}.{name}]`), not {}",
                        type_name(other)
                    ),
                ),
            }
        }
        out
    }

    /// A table of string values (`[formats]`): `(key, offset, value, offset)`.
    pub fn string_map(
        &mut self,
        sink: &mut Sink<'_>,
        key: &'static str,
    ) -> Vec<(String, usize, String, usize)> {
        let Some(t) = self.table(sink, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, item) in t.table.iter() {
            let name = key_text(k);
            match item.get_ref() {
                DeValue::String(s) => {
                    out.push((
                        name.to_string(),
                        k.span().start,
                        s.to_string(),
                        item.span().start,
                    ));
                }
                other => sink.error(
                    item.span().start,
                    format!(
                        "{}: `{name}` must be a string, not {}",
                        t.what,
                        type_name(other)
                    ),
                ),
            }
        }
        out
    }

    /// A table of string lists (`[review.groups]`): `(key, offset, items)`.
    pub fn string_lists(
        &mut self,
        sink: &mut Sink<'_>,
        key: &'static str,
    ) -> Vec<(String, usize, Vec<At<String>>)> {
        let Some(t) = self.table(sink, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, item) in t.table.iter() {
            let name = key_text(k);
            let items = match item.get_ref() {
                DeValue::Array(items) => strings_of(sink, &t.what, name, items),
                other => {
                    sink.error(
                        item.span().start,
                        format!(
                            "{}: `{name}` must be a list of strings, not {}",
                            t.what,
                            type_name(other)
                        ),
                    );
                    continue;
                }
            };
            out.push((name.to_string(), k.span().start, items));
        }
        out
    }

    /// An array of tables under `key` (`[[review.rule]]`).
    pub fn array_of_tables(
        &mut self,
        sink: &mut Sink<'_>,
        key: &'static str,
    ) -> Vec<Table<'a, 'i>> {
        let what = self.what.clone();
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        tables(sink, v, key)
            .into_iter()
            .enumerate()
            .map(|(i, (t, at))| {
                let inner = what.trim_start_matches('[').trim_end_matches(']');
                Table::new(t, at, format!("[[{inner}.{key}]] #{}", i + 1))
            })
            .collect()
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
