//! YAML 1.2 streams into the position-carrying tree of [`crate::model::node`].
//!
//! YAML is the format driftcheck sees most, and the one most able to hurt it:
//! aliases can expand exponentially ("billion laughs"), nesting can be deep
//! enough to overflow a recursive parser's stack, tags can ask a loader to
//! construct objects, and error messages that quote the offending line can leak
//! the secret on it. So this parser:
//!
//! - drives `saphyr-parser` as an *event iterator* and builds the tree with an
//!   explicit stack ([`events`]), so no input depth reaches the native stack;
//! - counts every node, aliased copies included, against [`Limits`];
//! - records tags as text and never acts on them;
//! - reports errors with a line and column but never with source text.
//!
//! Most real files (Kubernetes manifests, Helm values, CI configs) use a small
//! block subset of YAML. [`fast`] parses exactly that subset by hand, several
//! times faster than the event parser, and gives up ("not sure") on anything
//! else, in which case the event path parses the file. A differential test
//! holds the two paths to identical output on everything the fast path accepts.

mod events;
mod fast;
mod scalar;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use super::{Limits, ParseError};
use crate::model::node::Document;

/// Parse a YAML stream (valid UTF-8, BOM already stripped) into its documents.
pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    match fast::parse(text, limits) {
        Some(documents) => Ok(documents),
        None => events::parse(text, limits),
    }
}

/// Maps this long or longer find duplicate keys with a hash index; shorter
/// ones with a linear scan, which is faster for the few keys most maps have.
const INDEX_FROM: usize = 12;

/// The keys of one map seen so far, with the line each was defined on, to
/// reject duplicates.
#[derive(Debug, Default)]
struct YamlKeySet {
    /// Keys and lines in insertion order (only while the map is small).
    small: Vec<(String, u32)>,
    /// Key → line, once the map has grown past [`INDEX_FROM`] keys.
    index: Option<HashMap<String, u32>>,
}

impl YamlKeySet {
    /// The line `key` was first defined on, if it was.
    fn get(&self, key: &str) -> Option<u32> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self
                .small
                .iter()
                .find(|(k, _)| k == key)
                .map(|&(_, line)| line),
        }
    }

    /// Record `key` at `line`; on a duplicate, the error for it.
    fn insert(&mut self, key: &str, line: u32) -> Result<(), ParseError> {
        if let Some(first) = self.get(key) {
            return Err(super::duplicate_key(line, first));
        }
        match &mut self.index {
            Some(index) => {
                index.insert(key.to_owned(), line);
            }
            None if self.small.len() + 1 >= INDEX_FROM => {
                let mut index: HashMap<String, u32> = self.small.drain(..).collect();
                index.insert(key.to_owned(), line);
                self.index = Some(index);
            }
            None => self.small.push((key.to_owned(), line)),
        }
        Ok(())
    }
}

/// The error for a stream with more documents than `limits` allow.
fn too_many_documents(line: u32, limits: &Limits) -> ParseError {
    ParseError::new(
        line,
        None,
        format!(
            "stream has more than the limit of {} documents",
            limits.max_documents
        ),
    )
}
