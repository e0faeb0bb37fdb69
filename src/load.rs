//! Reading one file of one environment into flat, masked documents: read,
//! decode, parse, flatten. The parse tree is dropped as soon as it is
//! flattened, so memory holds one file's tree at a time per thread.

use crate::env::{EnvFile, Environment};
use crate::formats::{self, Format, Limits, ParseError};
use crate::model::flatten::{FlatDoc, Flattener};
use crate::model::value::Value;
use crate::secrets::Masker;
use crate::secrets::keys::{KeyClass, classify_key};

/// A loaded file.
#[derive(Debug)]
pub enum Loaded {
    /// Structured documents.
    Docs(Vec<FlatDoc>),
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
        Ok(docs) => {
            let f = Flattener {
                masker,
                env: &env.tokens,
                ids: &env.ids,
            };
            Loaded::Docs(f.file(&docs, &file.key, &file.display))
        }
        Err(e) => Loaded::Failed(e),
    }
}

fn read_limited(file: &EnvFile, limits: &Limits) -> Result<Vec<u8>, ParseError> {
    let meta = std::fs::metadata(&file.path).map_err(|e| io_error(&e))?;
    if meta.len() > limits.max_file_bytes as u64 {
        return Err(ParseError::new(
            0,
            None,
            format!(
                "file is {} bytes, over the limit of {} bytes",
                meta.len(),
                limits.max_file_bytes
            ),
        ));
    }
    std::fs::read(&file.path).map_err(|e| io_error(&e))
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
