//! Reading one file of one environment into flat, masked documents: read,
//! decode, parse, and give each document its identity. Trees live only while
//! their file key is compared, so memory holds a few files at a time.

use crate::env::{EnvFile, Environment};
use crate::formats::{self, Format, Limits, ParseError};
use crate::model::document::{self, Doc};
use crate::model::value::Value;
use crate::secrets::Masker;
use crate::secrets::keys::{KeyClass, classify_key};

/// A loaded file.
#[derive(Debug)]
pub enum Loaded {
    /// Structured documents.
    Docs(Vec<Doc>),
    /// A text file: its lines, masked.
    Text(Vec<Value>),
    /// It could not be read or parsed.
    Failed(ParseError),
}

/// Load `file` of environment `env`.
pub fn load(env: &Environment, file: &EnvFile, masker: &Masker, limits: &Limits) -> Loaded {
    if let Some(reason) = file.refused {
        return Loaded::Failed(ParseError::new(0, None, reason));
    }
    let bytes = match read_limited(file, limits) {
        Ok(b) => b,
        Err(e) => return Loaded::Failed(e),
    };
    let text = match formats::decode(&bytes, limits) {
        Ok(t) => t,
        Err(e) => return Loaded::Failed(e),
    };
    if file.format == Format::Text {
        return Loaded::Text(text.lines().map(|l| mask_line(l, masker, env)).collect());
    }
    match formats::parse(file.format, text, limits) {
        Ok(docs) => Loaded::Docs(document::documents(
            docs,
            &file.key,
            &file.display,
            &env.ids,
        )),
        Err(e) => Loaded::Failed(e),
    }
}

fn read_limited(file: &EnvFile, limits: &Limits) -> Result<Vec<u8>, ParseError> {
    use std::io::Read as _;
    // One open and bounded read (no separate stat): never more than the limit
    // plus one byte is read, however large the file is.
    let f = std::fs::File::open(&file.path).map_err(|e| io_error(&e))?;
    // Size the buffer once (fstat on the open file); growing it by doubling
    // showed up in profiles.
    let hint = f
        .metadata()
        .map_or(0, |m| m.len() as usize)
        .min(limits.max_file_bytes);
    let mut bytes = Vec::with_capacity(hint + 1);
    f.take(limits.max_file_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(&e))?;
    if bytes.len() > limits.max_file_bytes {
        return Err(ParseError::new(
            0,
            None,
            format!("file is over the limit of {} bytes", limits.max_file_bytes),
        ));
    }
    Ok(bytes)
}

fn io_error(e: &std::io::Error) -> ParseError {
    ParseError::new(
        0,
        None,
        format!("cannot read the file: {}", e.kind()).to_lowercase(),
    )
}

/// Mask one line of a text file: `key = value`, `key: value` and `key value`
/// lines are classified by their key; every line gets the value-shape rules.
pub fn mask_line(line: &str, masker: &Masker, env: &Environment) -> Value {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    let sep = trimmed.find(['=', ':', ' ', '\t']);
    if let Some(at) = sep {
        let key = &trimmed[..at];
        let rest = &trimmed[at..];
        let value_start = rest
            .find(|c: char| !matches!(c, '=' | ':' | ' ' | '\t' | '"' | '\''))
            .unwrap_or(rest.len());
        let (punct, value) = rest.split_at(value_start);
        let value = value.trim_end();
        let value = value.strip_suffix(['"', '\'', ';']).unwrap_or(value);
        if !key.is_empty() && !value.is_empty() && classify_key(key) == KeyClass::Secret {
            let v = masker.text(value, KeyClass::Secret, &env.tokens);
            let prefix = format!("{indent}{key}{punct}");
            let norm_prefix = env.tokens.normalize(&prefix).into_owned();
            let shown = format!("{prefix}{}", v.shown);
            let norm = format!("{norm_prefix}{}", v.norm());
            return Value::new(v.kind, shown, Some(norm), v.secrecy);
        }
    }
    masker.text(line, KeyClass::Exempt, &env.tokens)
}
