//! Resource limits shared by every parser, so hostile input (alias bombs,
//! 100,000-deep nesting, huge files) ends in a clear error instead of a hang,
//! a stack overflow or an out-of-memory kill.

use super::ParseError;

/// Limits every parser enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of maps and sequences.
    pub max_depth: usize,
    /// Most nodes (maps, sequences, scalars) in one file, aliases expanded.
    pub max_nodes: usize,
    /// Most nodes that YAML aliases may add by expansion, per file.
    pub max_alias_nodes: usize,
    /// Most documents in one YAML stream.
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 32 * 1024 * 1024,
            max_depth: 128,
            max_nodes: 2_000_000,
            max_alias_nodes: 100_000,
            max_documents: 10_000,
        }
    }
}

/// Counts nodes and depth while a parser builds its tree.
#[derive(Debug)]
pub struct NodeBudget {
    limits: Limits,
    nodes: usize,
}

impl NodeBudget {
    /// A fresh budget under `limits`.
    pub fn new(limits: &Limits) -> Self {
        NodeBudget {
            limits: *limits,
            nodes: 0,
        }
    }

    /// Account for one more node at `depth` (root = 1), seen at `line`.
    pub fn node(&mut self, depth: usize, line: u32) -> Result<(), ParseError> {
        if depth > self.limits.max_depth {
            return Err(ParseError::new(
                line,
                None,
                format!(
                    "nesting is deeper than the limit of {}",
                    self.limits.max_depth
                ),
            ));
        }
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(ParseError::new(
                line,
                None,
                format!(
                    "file has more than the limit of {} values",
                    self.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }
}
