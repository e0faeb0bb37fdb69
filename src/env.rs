//! Environments and the files they are made of.
//!
//! An environment is a name, its name tokens, and a list of files, each with
//! a *key* that aligns it with the same file in other environments (its path
//! relative to the environment root, with environment names normalised, so
//! `values-staging.yaml` and `values-prod.yaml` align). Listing is separate
//! from reading so that a git revision or the index can supply the same list
//! later.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::Error;
use crate::formats::{Format, FormatOverrides};
use crate::model::envtoken::EnvTokens;
use crate::source;

/// One environment, ready to load.
#[derive(Debug, Clone)]
pub struct Environment {
    /// Its name as given on the command line or in `driftcheck.toml`.
    pub name: String,
    /// Name and alias tokens.
    pub tokens: EnvTokens,
    /// Every compared environment's tokens, for identities (see [`EnvTokens::union`]).
    pub ids: EnvTokens,
    /// Its files, sorted by key.
    pub files: Vec<EnvFile>,
    /// The root includes may lead into (environments with a `root` only).
    pub root: Option<crate::include::IncludeRoot>,
}

/// One file of an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFile {
    /// Alignment key: path relative to the environment root, env names normalised.
    pub key: String,
    /// Path relative to the repository root, `/`-separated, for messages.
    pub display: String,
    /// Where its content comes from.
    pub origin: Origin,
    /// How to parse it.
    pub format: Format,
    /// Set when the file must not be read (a symlink leaving the root); the
    /// reason becomes a `parse/error` finding.
    pub refused: Option<&'static str>,
}

/// Where a file's content comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk.
    Path(PathBuf),
    /// Layer files merged in order: `(display path, path)`.
    Layers(Vec<(String, PathBuf)>),
    /// A render command's standard output, already captured.
    Rendered(std::sync::Arc<[u8]>),
}

/// The alignment key of a layered or rendered environment's single tree.
pub const RENDERED_KEY: &str = "<rendered>";

/// How an environment's files are chosen.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Every file under a root directory, filtered by globs relative to it.
    Root {
        /// The root directory.
        dir: PathBuf,
        /// Include globs (empty: everything).
        include: Vec<String>,
        /// Exclude globs.
        exclude: Vec<String>,
    },
    /// An explicit list of files (discovered `values-staging.yaml` pairs).
    Files(Vec<PathBuf>),
    /// Files deep-merged in order into one tree (`layers = [...]`).
    Layers(Vec<PathBuf>),
    /// A command whose standard output is the environment (`render = [...]`).
    Render {
        /// The command and its arguments (no shell).
        argv: Vec<String>,
        /// Time limit.
        timeout: std::time::Duration,
    },
}

/// Build a glob set, naming the offending glob on error.
pub fn glob_set(globs: &[String], what: &str) -> Result<GlobSet, Error> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g).map_err(|e| {
            Error::config(
                &PathBuf::from(what),
                0,
                format!("invalid glob `{g}`: {}", e.kind()),
            )
        })?;
        b.add(glob);
    }
    b.build()
        .map_err(|e| Error::config(&PathBuf::from(what), 0, e.to_string()))
}

/// A glob (or path) of `driftcheck.toml`, relative to its directory `dir`,
/// as a repository-relative glob: `.` and `..` resolved by name.
///
/// # Errors
/// A glob that is absolute or leads out of the repository, or names the
/// repository root itself.
pub fn anchor(dir: &str, glob: &str) -> Result<String, String> {
    if glob.starts_with('/') || glob.starts_with('\\') {
        return Err("is absolute: paths are relative to driftcheck.toml's directory".into());
    }
    let mut out: Vec<&str> = dir.split('/').filter(|c| !c.is_empty()).collect();
    for c in glob.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if out.pop().is_none() {
                    return Err("leads out of the repository".into());
                }
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        return Err("names the repository root itself (write `**` for every path)".into());
    }
    Ok(out.join("/"))
}

/// `p` with `.` dropped and `..` applied by name: no link is followed, so
/// the answer is what a config or a tree *says*, which a change controls.
pub fn lexical(p: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

pub use crate::paths::relative;

/// List an environment's files.
///
/// # Errors
/// When the root does not exist or cannot be walked, or a glob is invalid.
pub fn list(
    name: &str,
    tokens: &EnvTokens,
    selection: &Selection,
    repo_root: &Path,
    overrides: &FormatOverrides,
) -> Result<Vec<EnvFile>, Error> {
    let lister = Lister {
        name,
        tokens,
        repo_root,
        overrides,
    };
    let mut files = Vec::new();
    match selection {
        Selection::Root {
            dir,
            include,
            exclude,
        } => lister.root(dir, include, exclude, &mut files)?,
        Selection::Files(paths) => lister.files(paths, &mut files),
        Selection::Layers(layers) => files.push(lister.layers(layers)?),
        Selection::Render { argv, timeout } => {
            // A command reads a real directory: a mounted revision is
            // written out for it (only here).
            source::realize(repo_root).map_err(|(path, source)| Error::Io { path, source })?;
            let out = crate::render::run(name, argv, repo_root, *timeout)?;
            files.push(EnvFile {
                key: RENDERED_KEY.to_string(),
                display: format!("<render: {}>", crate::render::shown_command(argv)),
                origin: Origin::Rendered(out.into()),
                format: Format::Yaml,
                refused: None,
            });
        }
    }
    settle_keys(&mut files);
    Ok(files)
}

/// What every kind of [`Selection`] needs to list an environment's files:
/// one value so each kind is its own method rather than one long `match`.
struct Lister<'a> {
    name: &'a str,
    tokens: &'a EnvTokens,
    repo_root: &'a Path,
    overrides: &'a FormatOverrides,
}

impl Lister<'_> {
    /// Every file under a root directory that the globs select, in walk order.
    fn root(
        &self,
        dir: &Path,
        include: &[String],
        exclude: &[String],
        files: &mut Vec<EnvFile>,
    ) -> Result<(), Error> {
        if !source::is_dir(dir) {
            return Err(Error::EnvRoot {
                env: self.name.to_string(),
                root: relative(dir, self.repo_root),
            });
        }
        let include_set = (!include.is_empty())
            .then(|| glob_set(include, "driftcheck.toml"))
            .transpose()?;
        let exclude_set = glob_set(exclude, "driftcheck.toml")?;
        let canonical_root = self.checked_root(dir)?;
        for entry in source::walk(dir, &ignored_dir) {
            let entry = match entry {
                Ok(entry) => entry,
                // A directory that cannot be read is a finding about that
                // directory; the rest of the environment is still compared.
                Err(e) if e.path.as_deref().is_some_and(|p| p != dir) => {
                    let p = e.path.expect("checked");
                    let rel = relative(&p, dir);
                    files.push(EnvFile {
                        key: self.tokens.normalize(&rel).into_owned(),
                        display: relative(&p, self.repo_root),
                        origin: Origin::Path(p),
                        format: Format::Text,
                        refused: Some("cannot read this directory"),
                    });
                    continue;
                }
                Err(e) => {
                    return Err(Error::Walk {
                        env: self.name.to_string(),
                        message: e.message,
                    });
                }
            };
            // Directories are walked; FIFOs, sockets and devices are not
            // config (reading a FIFO would block for ever).
            if !matches!(
                entry.kind,
                source::EntryKind::File | source::EntryKind::Symlink
            ) {
                continue;
            }
            let rel = relative(&entry.path, dir);
            if include_set.as_ref().is_some_and(|s| !s.is_match(&rel)) || exclude_set.is_match(&rel)
            {
                continue;
            }
            let Some((path, refused)) = self.followed(&entry, &canonical_root) else {
                continue;
            };
            let display = relative(&entry.path, self.repo_root);
            let format = self.overrides.format_for(Path::new(&display));
            files.push(EnvFile {
                key: self.tokens.normalize(&rel).into_owned(),
                display,
                origin: Origin::Path(path),
                format,
                refused,
            });
        }
        Ok(())
    }

    /// The canonical path of a root known to exist. A root written
    /// inside the repository that resolves outside it (a symbolic link to
    /// another tree) is refused, and nothing of what it points at is read or
    /// printed. A root *declared* outside (an absolute path in
    /// driftcheck.toml) is the user's choice.
    fn checked_root(&self, dir: &Path) -> Result<PathBuf, Error> {
        let repo_root = self.repo_root;
        let canonical_root = source::canonicalize(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        if let Ok(repo) = source::canonicalize(repo_root)
            && lexical(dir).starts_with(lexical(repo_root))
            && !canonical_root.starts_with(&repo)
        {
            return Err(Error::Walk {
                env: self.name.to_string(),
                message: format!(
                    "root `{}` is a link that leaves the repository; refused (declare an outside root by its own path)",
                    relative(dir, repo_root)
                ),
            });
        }
        Ok(canonical_root)
    }

    /// The path to read for a walked file, and why it must not be read:
    /// symbolic links (real ones, or git links checked out as text) are
    /// followed only to a regular file inside the root. `None`: a link to a
    /// directory, which the walk skips.
    fn followed(
        &self,
        entry: &source::WalkEntry,
        canonical_root: &Path,
    ) -> Option<(PathBuf, Option<&'static str>)> {
        let mut refused = None;
        let mut path = entry.path.clone();
        if entry.kind == source::EntryKind::Symlink {
            match source::canonicalize(&entry.path) {
                Ok(target) if target.starts_with(canonical_root) && source::is_file(&target) => {
                    path = target
                }
                Ok(target) if source::is_dir(&target) => return None,
                Ok(target) if target.starts_with(canonical_root) => {
                    refused = Some("symbolic link points at something that is not a regular file")
                }
                Ok(_) => refused = Some("symbolic link points outside the environment root"),
                Err(_) => refused = Some(BROKEN_LINK),
            }
        } else if let Some(link) = git_link(&entry.path, self.repo_root) {
            match link {
                Some(target) => path = target,
                None => refused = Some(BROKEN_LINK),
            }
        }
        Some((path, refused))
    }

    /// An explicit list of files, keyed by the whole repository-relative
    /// path: discovered groups in different directories (two charts, three
    /// modules) never pair.
    fn files(&self, paths: &[PathBuf], files: &mut Vec<EnvFile>) {
        for p in paths {
            let display = relative(p, self.repo_root);
            let format = self.overrides.format_for(Path::new(&display));
            let (origin, refused) = match git_link(p, self.repo_root) {
                Some(Some(target)) => (target, None),
                Some(None) => (p.clone(), Some(BROKEN_LINK)),
                None => (p.clone(), None),
            };
            files.push(EnvFile {
                key: self.tokens.normalize(&display).into_owned(),
                display,
                origin: Origin::Path(origin),
                format,
                refused,
            });
        }
    }

    /// Layer files merged into one tree, shown by the last layer's path.
    fn layers(&self, layers: &[PathBuf]) -> Result<EnvFile, Error> {
        let mut parts = Vec::with_capacity(layers.len());
        for l in layers {
            if !source::is_file(l) {
                return Err(Error::Walk {
                    env: self.name.to_string(),
                    message: format!("layer `{}` is not a file", relative(l, self.repo_root)),
                });
            }
            parts.push((relative(l, self.repo_root), l.clone()));
        }
        let display = parts.last().map(|(d, _)| d.clone()).unwrap_or_default();
        let format = self.overrides.format_for(Path::new(&display));
        Ok(EnvFile {
            key: RENDERED_KEY.to_string(),
            display,
            origin: Origin::Layers(parts),
            format,
            refused: None,
        })
    }
}

/// A listed file whose alignment key may have to fall back to its path.
pub trait Keyed {
    /// The alignment key.
    fn key(&self) -> &str;
    /// Make the key the file's path as displayed (a collision).
    fn keep_raw(&mut self);
}

impl Keyed for EnvFile {
    fn key(&self) -> &str {
        &self.key
    }
    fn keep_raw(&mut self) {
        self.key = self.display.clone();
    }
}

/// Sort `files` (listed in walk order) by key; two files whose keys collide
/// after normalisation keep their raw paths. Shared by the listing of a
/// working tree and of a git tree (`pipeline::incremental`), so both pair
/// files the same way.
pub fn settle_keys<T: Keyed>(files: &mut [T]) {
    files.sort_by(|a, b| a.key().cmp(b.key()));
    let mut i = 1;
    while i < files.len() {
        if files[i].key() == files[i - 1].key() {
            let (a, b) = files.split_at_mut(i);
            a[i - 1].keep_raw();
            b[0].keep_raw();
        }
        i += 1;
    }
    files.sort_by(|a, b| a.key().cmp(b.key()));
}

/// Why a link is not read: its target does not exist (yet).
pub const BROKEN_LINK: &str = "it is a link whose target does not exist";

/// A git symbolic link checked out as a plain file (`core.symlinks=false`,
/// archives, copies): a small file whose whole content is one relative path
/// (`../../terraform.tfvars`). `Some(Some(target))` when the target is a file
/// inside the repository, `Some(None)` when it is missing, `None` when the
/// file is not such a link. Paths leaving the repository are not followed.
pub fn git_link(path: &Path, repo_root: &Path) -> Option<Option<PathBuf>> {
    let meta = source::symlink_metadata(path).ok()?;
    if meta.kind != source::EntryKind::File || meta.len == 0 || meta.len > 240 {
        return None;
    }
    let bytes = source::read(path).ok()?;
    let text = looks_like_link(&bytes)?;
    let target = path.parent()?.join(text);
    let root = source::canonicalize(repo_root).ok()?;
    match source::canonicalize(&target) {
        Ok(t) if t.starts_with(&root) && source::is_file(&t) => Some(Some(t)),
        Ok(_) => None,
        Err(_) => Some(None),
    }
}

/// The relative path a small file holds when it is a git link checked out
/// as text (see [`git_link`]), judged by content alone.
pub fn looks_like_link(bytes: &[u8]) -> Option<&str> {
    if bytes.is_empty() || bytes.len() > 240 {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    let link_like = (text.starts_with("../") || text.starts_with("./"))
        && !text.contains("/../../../../../")
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/+@".contains(c))
        && text.rsplit('/').next().is_some_and(|n| n.contains('.'));
    link_like.then_some(text)
}

/// Where a link points, as written (a real symbolic link, or a git link
/// checked out as text): shown with a broken link so the user knows what to create.
pub fn link_text(path: &Path) -> Option<String> {
    if let Ok(target) = source::read_link(path) {
        return Some(target.to_string_lossy().into_owned());
    }
    let bytes = source::read(path).ok().filter(|b| b.len() <= 240)?;
    let text = std::str::from_utf8(&bytes).ok()?.trim_end_matches('\n');
    (text.starts_with("../") || text.starts_with("./")).then(|| text.to_string())
}

/// Directories never read: VCS metadata and build output.
pub fn is_ignored_dir(e: &walkdir::DirEntry) -> bool {
    e.file_type().is_dir() && e.file_name().to_str().is_some_and(ignored_dir)
}

/// Whether a directory of this name is never read ([`is_ignored_dir`]).
pub fn ignored_dir(name: &str) -> bool {
    matches!(name, ".git" | ".hg" | ".svn" | "node_modules" | "target")
}
