//! Following includes: nginx `include conf.d/*.conf;` and pgbouncer
//! `%include file.ini`, spliced into the including tree so the environment
//! is compared as the server reads it.
//!
//! An include is followed only when every file it names lies inside the
//! environment's root (after resolving symlinks): an include that points at
//! `/etc/…` of the machine running driftcheck, or out of the repository, is
//! left as written and compared as text. Cycles are an error, and so are
//! more than [`MAX_FILES`] included files or [`MAX_DEPTH`] levels. Included
//! values keep their own file and line (see [`crate::model::document::tag_lines`]).

use std::path::{Path, PathBuf};

use crate::formats::{self, Format, Limits, ParseError};
use crate::model::document::{merge, tag_lines};
use crate::model::node::{MapEntry, Node, NodeValue};
use crate::paths::relative;
use crate::source;

/// Most files one file may pull in, all levels together.
pub const MAX_FILES: usize = 1_000;
/// Deepest chain of includes.
pub const MAX_DEPTH: usize = 16;

/// Whether a tree has include directives at all (most files have none, and
/// following them costs a path resolution per file).
pub fn has_includes(tree: &Node, format: Format) -> bool {
    let NodeValue::Map(entries) = &tree.value else {
        return false;
    };
    match format {
        Format::Ini => entries.iter().any(|e| e.key == "%include"),
        Format::Nginx => entries.iter().any(|e| {
            e.key == "include"
                || match &e.value.value {
                    NodeValue::Map(_) => has_includes(&e.value, format),
                    NodeValue::Seq(items) => items.iter().any(|i| has_includes(i, format)),
                    NodeValue::Scalar(_) => false,
                }
        }),
        _ => false,
    }
}

/// Where includes may lead: the environment root, and how it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludeRoot {
    /// The root, canonical.
    pub dir: PathBuf,
    /// The root relative to the repository, for file names in findings.
    pub display: String,
}

/// Follows includes of one file.
pub struct Expander<'a> {
    root: &'a IncludeRoot,
    limits: &'a Limits,
    /// Files spliced in so far, as displayed; index 0 is the including file.
    pub sources: Vec<String>,
    /// Canonical paths of the files being expanded (cycle detection).
    chain: Vec<PathBuf>,
}

/// An include failure: the file it happened in (as displayed) and why.
pub type Failure = (String, ParseError);

impl<'a> Expander<'a> {
    /// An expander for the file at `path` (displayed as `display`).
    pub fn new(root: &'a IncludeRoot, limits: &'a Limits, path: &Path, display: &str) -> Self {
        let canonical = source::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        Expander {
            root,
            limits,
            sources: vec![display.to_string()],
            chain: vec![canonical],
        }
    }

    /// Expand the includes of `tree` (already tagged with source 0), parsed
    /// as `format` from the file at the top of the chain.
    ///
    /// # Errors
    /// A cycle, too many files or levels, or an included file that does not parse.
    pub fn expand(&mut self, tree: &mut Node, format: Format) -> Result<(), Failure> {
        match format {
            Format::Nginx => self.nginx(tree),
            Format::Ini => self.ini(tree),
            _ => Ok(()),
        }
    }

    fn current_dir(&self) -> PathBuf {
        self.chain
            .last()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// An error at `line` (tagged) of the file being expanded.
    fn fail(&self, line: u32, message: String) -> Failure {
        let file = self
            .chain
            .last()
            .map(|p| self.display(p))
            .unwrap_or_default();
        (
            file,
            ParseError::new(crate::model::document::untag(line).1, None, message),
        )
    }

    /// The files a pattern names, if every one of them is inside the root.
    fn resolve(&self, pattern: &str, line: u32) -> Result<Option<Vec<PathBuf>>, Failure> {
        let path = Path::new(pattern);
        let full = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.current_dir().join(path)
        };
        let (dir, name) = match (full.parent(), full.file_name().and_then(|n| n.to_str())) {
            (Some(d), Some(n)) => (d.to_path_buf(), n.to_string()),
            _ => return Ok(None),
        };
        if dir.to_string_lossy().contains(['*', '?', '[']) {
            return Ok(None); // globs in directory parts: not followed
        }
        let Ok(dir) = source::canonicalize(&dir) else {
            return Ok(None);
        };
        if !dir.starts_with(&self.root.dir) {
            return Ok(None);
        }
        let matcher = globset::Glob::new(&name)
            .map_err(|_| self.fail(line, format!("invalid include pattern `{pattern}`")))?;
        let matcher = matcher.compile_matcher();
        let Ok(entries) = source::read_dir(&dir) else {
            return Ok(None);
        };
        let mut files = Vec::new();
        for (name, path) in entries {
            if !matcher.is_match(name) {
                continue;
            }
            let Ok(target) = source::canonicalize(&path) else {
                continue;
            };
            if !target.starts_with(&self.root.dir) {
                return Ok(None); // one file escapes (a symlink): follow none
            }
            if source::is_file(&target) {
                files.push(target);
            }
        }
        files.sort();
        Ok(Some(files))
    }

    /// Parse an included file, tag it with a new source index, and expand its
    /// own includes.
    fn load(&mut self, path: PathBuf, format: Format, line: u32) -> Result<Node, Failure> {
        if self.chain.contains(&path) {
            return Err(self.fail(
                line,
                format!("include cycle: `{}` includes itself", self.display(&path)),
            ));
        }
        if self.chain.len() > MAX_DEPTH {
            return Err(self.fail(
                line,
                format!("includes nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        if self.sources.len() > MAX_FILES {
            return Err(self.fail(line, format!("more than {MAX_FILES} included files")));
        }
        let display = self.display(&path);
        let bytes = source::read(&path).map_err(|e| {
            (
                display.clone(),
                ParseError::new(0, None, format!("cannot read the file: {}", e.kind())),
            )
        })?;
        let text = formats::decode(&bytes, self.limits).map_err(|e| (display.clone(), e))?;
        let mut docs =
            formats::parse(format, text, self.limits).map_err(|e| (display.clone(), e))?;
        let mut tree = docs.pop().map(|d| d.root).unwrap_or(Node {
            value: NodeValue::Map(Vec::new()),
            line: 1,
        });
        self.sources.push(display.clone());
        tag_lines(&mut tree, self.sources.len() - 1).map_err(|e| (display, e))?;
        self.chain.push(path);
        let expanded = self.expand(&mut tree, format);
        self.chain.pop();
        expanded.map(|()| tree)
    }

    fn display(&self, path: &Path) -> String {
        let rel = relative(path, &self.root.dir);
        if self.root.display.is_empty() {
            rel
        } else {
            format!("{}/{rel}", self.root.display)
        }
    }

    /// nginx: an `include` directive is replaced, in place, by the directives
    /// of the files it names; the directive itself stays, so the include is
    /// visible too. Blocks are expanded depth first.
    fn nginx(&mut self, node: &mut Node) -> Result<(), Failure> {
        let NodeValue::Map(entries) = &mut node.value else {
            return Ok(());
        };
        let mut spliced: Vec<MapEntry> = Vec::new();
        for e in entries.iter_mut() {
            if e.key == "include" {
                let patterns: Vec<(String, u32)> = match &e.value.value {
                    NodeValue::Scalar(s) => vec![(s.text.clone(), e.value.line)],
                    NodeValue::Seq(items) => items
                        .iter()
                        .filter_map(|i| match &i.value {
                            NodeValue::Scalar(s) => Some((s.text.clone(), i.line)),
                            _ => None,
                        })
                        .collect(),
                    NodeValue::Map(_) => Vec::new(),
                };
                for (pattern, line) in patterns {
                    let Some(files) = self.resolve(&pattern, line)? else {
                        continue;
                    };
                    for f in files {
                        let tree = self.load(f, Format::Nginx, line)?;
                        if let NodeValue::Map(included) = tree.value {
                            spliced.extend(included);
                        }
                    }
                }
                continue;
            }
            match &mut e.value.value {
                NodeValue::Map(_) => self.nginx(&mut e.value)?,
                NodeValue::Seq(items) => {
                    for item in items
                        .iter_mut()
                        .filter(|i| matches!(i.value, NodeValue::Map(_)))
                    {
                        self.nginx(item)?;
                    }
                }
                NodeValue::Scalar(_) => {}
            }
        }
        for s in spliced {
            match entries.iter_mut().find(|e| e.key == s.key) {
                // A directive or block the including file has too: both, in order.
                Some(existing) => {
                    let line = existing.value.line;
                    let old = std::mem::replace(
                        &mut existing.value,
                        Node {
                            value: NodeValue::Seq(Vec::new()),
                            line,
                        },
                    );
                    let mut items = match old.value {
                        NodeValue::Seq(items)
                            if items.iter().all(|i| matches!(i.value, NodeValue::Map(_))) =>
                        {
                            items
                        }
                        other => vec![Node {
                            value: other,
                            line: old.line,
                        }],
                    };
                    items.push(s.value);
                    existing.value.value = NodeValue::Seq(items);
                }
                None => entries.push(s),
            }
        }
        Ok(())
    }

    /// pgbouncer INI: `%include` files are merged into the including file
    /// (sections merge; a key set again overrides, as pgbouncer reads them).
    fn ini(&mut self, tree: &mut Node) -> Result<(), Failure> {
        let NodeValue::Map(entries) = &tree.value else {
            return Ok(());
        };
        let patterns: Vec<(String, u32)> = match entries
            .iter()
            .find(|e| e.key == "%include")
            .map(|e| &e.value)
        {
            Some(Node {
                value: NodeValue::Scalar(s),
                line,
            }) => vec![(s.text.clone(), *line)],
            Some(Node {
                value: NodeValue::Seq(items),
                ..
            }) => items
                .iter()
                .filter_map(|i| match &i.value {
                    NodeValue::Scalar(s) => Some((s.text.clone(), i.line)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for (pattern, line) in patterns {
            let Some(files) = self.resolve(&pattern, line)? else {
                continue;
            };
            for f in files {
                let mut included = self.load(f, Format::Ini, line)?;
                if let NodeValue::Map(m) = &mut included.value {
                    m.retain(|e| e.key != "%include");
                }
                merge(tree, included);
            }
        }
        Ok(())
    }
}
