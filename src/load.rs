//! Reading one file of one environment into flat, masked documents: read,
//! decode, parse, and give each document its identity. Trees live only while
//! their file key is compared, so memory holds a few files at a time.

use std::path::{Path, PathBuf};

use crate::env::{EnvFile, Environment, Origin};
use crate::formats::{self, Format, Limits, ParseError};
use crate::include::Expander;
use crate::model::document::{self, Doc};
use crate::model::node::{Document, Node, NodeValue};
use crate::model::value::Value;
use crate::secrets::Masker;

/// A loaded file.
#[derive(Debug)]
pub enum Loaded {
    /// Structured documents.
    Docs(Vec<Doc>),
    /// A text file: its lines, masked.
    Text(Vec<Value>),
    /// A binary file (an image, a keystore): only its SHA-256, hex.
    Binary(String),
    /// It could not be read or parsed; for a layered environment, the layer
    /// that failed (else the file itself).
    Failed(ParseError, Option<String>),
}

/// Lines of a file that hold an inline `driftcheck: allow` comment, found
/// while the file is read, as `(file as displayed, line, text)`: the
/// suppression step looks here instead of reading the file again.
pub type AllowLines = Vec<(String, u32, String)>;

/// The marker of an inline suppression (see `policy::suppress`).
pub const ALLOW_MARKER: &str = "driftcheck: allow";

/// The lines of `text` (file `display`) holding [`ALLOW_MARKER`], added to
/// `out`. Most files hold none: one substring search and no split.
fn allow_lines(text: &str, display: &str, out: &mut AllowLines) {
    if !text.contains(ALLOW_MARKER) {
        return;
    }
    for (i, line) in text.lines().enumerate() {
        if line.contains(ALLOW_MARKER) {
            out.push((display.to_string(), i as u32 + 1, line.to_string()));
        }
    }
}

/// Load `file` of environment `env`, and the inline-allow lines met while
/// reading it and its layers ([`AllowLines`]).
pub fn load(
    env: &Environment,
    file: &EnvFile,
    masker: &Masker,
    limits: &Limits,
) -> (Loaded, AllowLines) {
    let mut allows = AllowLines::new();
    let loaded = load_into(env, file, masker, limits, &mut allows);
    (loaded, allows)
}

fn load_into(
    env: &Environment,
    file: &EnvFile,
    masker: &Masker,
    limits: &Limits,
    allows: &mut AllowLines,
) -> Loaded {
    // A file or directory named by a credential is masked in every output.
    crate::secrets::remember_path_if_secret(&file.display);
    if let Some(reason) = file.refused {
        return Loaded::Failed(ParseError::new(0, None, reason), None);
    }
    let result = match &file.origin {
        Origin::Path(path) => read_limited(path, limits)
            .and_then(|bytes| from_bytes(env, file, (path, &bytes), masker, limits, allows)),
        Origin::Rendered(bytes) => formats::decode(bytes, limits).and_then(|text| {
            let mut docs = formats::parse(Format::Yaml, text, limits)?;
            docs.iter_mut()
                .for_each(|d| crate::model::lists::normalise(&mut d.root));
            Ok(Loaded::Docs(document::documents(
                docs,
                &file.key,
                &file.display,
                &env.ids,
            )))
        }),
        Origin::Layers(parts) => return layered(env, file, parts, limits, allows),
    };
    result.unwrap_or_else(|e| Loaded::Failed(e, None))
}

/// The bytes of `file` when they alone decide how it loads: a plain file
/// (not layers, not rendered output, not refused) of a format that cannot
/// include another file (nginx `include`, pgbouncer `%include` are read
/// from INI and nginx files). Two such files of one format with equal bytes
/// load to the same documents (`None` also when it cannot be read: the
/// caller loads it as usual and reports why).
pub fn self_contained_bytes(file: &EnvFile, limits: &Limits) -> Option<Vec<u8>> {
    let Origin::Path(path) = &file.origin else {
        return None;
    };
    if file.refused.is_some() || matches!(file.format, Format::Nginx | Format::Ini) {
        return None;
    }
    read_limited(path, limits).ok()
}

/// [`load`] of a plain file whose bytes were read already
/// ([`self_contained_bytes`]).
pub fn load_bytes(
    env: &Environment,
    file: &EnvFile,
    bytes: &[u8],
    masker: &Masker,
    limits: &Limits,
) -> (Loaded, AllowLines) {
    let mut allows = AllowLines::new();
    crate::secrets::remember_path_if_secret(&file.display);
    let loaded = match &file.origin {
        Origin::Path(path) if file.refused.is_none() => {
            from_bytes(env, file, (path, bytes), masker, limits, &mut allows)
                .unwrap_or_else(|e| Loaded::Failed(e, None))
        }
        _ => load_into(env, file, masker, limits, &mut allows),
    };
    (loaded, allows)
}

/// A plain file's documents (or text, or hash) from its bytes.
fn from_bytes(
    env: &Environment,
    file: &EnvFile,
    (path, bytes): (&Path, &[u8]),
    masker: &Masker,
    limits: &Limits,
    allows: &mut AllowLines,
) -> Result<Loaded, ParseError> {
    // A file of no config format that is not text (an image, a
    // keystore) is compared by hash: never parsed, never printed.
    if file.format == Format::Text && is_binary(bytes) {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(bytes);
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        return Ok(Loaded::Binary(hex));
    }
    let text = formats::decode(bytes, limits)?;
    allow_lines(text, &file.display, allows);
    if file.format == Format::Text {
        return Ok(Loaded::Text(mask_text(text, &file.display, masker, env)));
    }
    let mut docs = formats::parse(file.format, text, limits).map_err(|mut e| {
        // `{% if %}` / `{{ var }}`: a template, not config yet.
        if text.contains("{%") || text.contains("{{") {
            e.message.push_str(
                " (the file is a template: compare what it renders to, with `render = [...]`)",
            );
        }
        e
    })?;
    if file.format == Format::Yaml {
        docs.iter_mut()
            .for_each(|d| crate::model::lists::normalise(&mut d.root));
    }
    let mut sources = Vec::new();
    if let (Some(root), [doc], Format::Nginx | Format::Ini) =
        (&env.root, docs.as_mut_slice(), file.format)
        && crate::include::has_includes(&doc.root, file.format)
    {
        let mut expander = Expander::new(root, limits, path, &file.display);
        if let Err((failed_in, e)) = expander.expand(&mut doc.root, file.format) {
            return Ok(Loaded::Failed(e, Some(failed_in)));
        }
        if expander.sources.len() > 1 {
            sources = expander.sources;
        }
    }
    let mut docs = document::documents(docs, &file.key, &file.display, &env.ids);
    for d in &mut docs {
        d.sources.clone_from(&sources);
    }
    Ok(Loaded::Docs(docs))
}

/// Not text: a NUL byte in the first 8 KiB, or not UTF-8.
fn is_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    memchr::memchr(0, head).is_some() || std::str::from_utf8(bytes).is_err()
}

/// Deep-merge layer files in order: maps merge, scalars and lists replace.
/// Every value keeps the layer and line that set it (see [`document::tag_lines`]).
fn layered(
    env: &Environment,
    file: &EnvFile,
    parts: &[(String, PathBuf)],
    limits: &Limits,
    allows: &mut AllowLines,
) -> Loaded {
    let mut merged: Option<Node> = None;
    for (idx, (display, path)) in parts.iter().enumerate() {
        let failed = |e: ParseError| Loaded::Failed(e, Some(display.clone()));
        let format = Format::detect(path);
        if format == Format::Text {
            return failed(ParseError::new(
                0,
                None,
                "a layer must be YAML, JSON, TOML, dotenv, INI or XML",
            ));
        }
        let docs = match read_limited(path, limits).and_then(|b| {
            formats::decode(&b, limits).and_then(|t| {
                allow_lines(t, display, allows);
                formats::parse(format, t, limits)
            })
        }) {
            Ok(docs) => docs,
            Err(e) => return failed(e),
        };
        // A multi-document layer (Spring's `---`-separated profiles) merges
        // its documents in order too.
        for doc in docs {
            let mut root = doc.root;
            if let Err(e) = document::tag_lines(&mut root, idx) {
                return failed(e);
            }
            merged = Some(match merged {
                None => root,
                Some(mut base) => {
                    document::merge(&mut base, root);
                    base
                }
            });
        }
    }
    let root = merged.unwrap_or(Node {
        value: NodeValue::Map(Vec::new()),
        line: 1,
    });
    let mut docs = document::documents(
        vec![Document { root, line: 1 }],
        &file.key,
        &file.display,
        &env.ids,
    );
    for d in &mut docs {
        d.sources = parts.iter().map(|(display, _)| display.clone()).collect();
    }
    Loaded::Docs(docs)
}

/// One bounded read (never more than the limit plus one byte, however
/// large the file is), from the disk or a mounted revision alike.
pub(crate) fn read_limited(path: &Path, limits: &Limits) -> Result<Vec<u8>, ParseError> {
    crate::source::read_limited(path, limits.max_file_bytes)
        .map_err(|e| io_error(&e))?
        .ok_or_else(|| {
            ParseError::new(
                0,
                None,
                format!("file is over the limit of {} bytes", limits.max_file_bytes),
            )
        })
}

fn io_error(e: &std::io::Error) -> ParseError {
    ParseError::new(
        0,
        None,
        format!("cannot read the file: {}", e.kind()).to_lowercase(),
    )
}

/// Mask the lines of a file of no known format (the rules live with the
/// masker: [`Masker::text_file`]).
pub fn mask_text(text: &str, file_name: &str, masker: &Masker, env: &Environment) -> Vec<Value> {
    masker.text_file(text, file_name, &env.tokens)
}

/// Learn the secrets of `file` from its text, as a file of no known format
/// is masked ([`mask_text`]), without comparing anything.
///
/// Rule: every file read is learnt for masking before anything about it is
/// printed. The walk learns a file's secrets as it compares its values;
/// when a side of a file key fails to load, the key is not walked, so
/// neither the failing file's secrets nor its counterparts' were learnt, and
/// a parse error quoting the text (a duplicate key spelt with the password,
/// `scott/tiger@db`) printed a secret the files held (adversarial review
/// `review-words/04`). Unreadable text learns nothing and is not an error
/// here: the load reports it.
pub fn learn_secrets(env: &Environment, file: &EnvFile, masker: &Masker, limits: &Limits) {
    let paths: Vec<&Path> = match &file.origin {
        Origin::Path(p) => vec![p.as_path()],
        Origin::Layers(parts) => parts.iter().map(|(_, p)| p.as_path()).collect(),
        Origin::Rendered(bytes) => {
            if let Ok(text) = formats::decode(bytes, limits) {
                masker.learn_text(text, &file.display);
                mask_text(text, &file.display, masker, env);
            }
            return;
        }
    };
    for p in paths {
        if let Ok(bytes) = read_limited(p, limits)
            && !is_binary(&bytes)
            && let Ok(text) = formats::decode(&bytes, limits)
        {
            masker.learn_text(text, &file.display);
            mask_text(text, &file.display, masker, env);
        }
    }
}
