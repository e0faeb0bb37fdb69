//! `trailers`' report: the trailer block as git reads it and the near
//! misses, as lines (human) or data (JSON, the formats `trailers` speaks).

use std::io::Write;

use serde::Serialize;

use super::{OutputFormat, escape};

/// What `trailers` shows: values arrive masked.
#[derive(Serialize)]
pub struct TrailersDoc {
    /// Schema version (1).
    pub version: u32,
    /// The trailer block, in order.
    pub trailers: Vec<Kv>,
    /// Lines that look like sign-offs and are not trailers.
    pub near_misses: Vec<Miss>,
}

/// One trailer.
#[derive(Serialize)]
pub struct Kv {
    /// Key as written (masked).
    pub key: String,
    /// Value (masked; a signature summarised).
    pub value: String,
    /// 1-based line in the message.
    pub line: usize,
}

/// One near miss.
#[derive(Serialize)]
pub struct Miss {
    /// 1-based line in the message.
    pub line: usize,
    /// The line (masked).
    pub text: String,
    /// Why it is not a trailer.
    pub reason: String,
}

/// Render `doc` in `format` (human for any other: the CLI refuses those).
///
/// # Errors
/// When writing fails.
pub fn write(doc: &TrailersDoc, format: OutputFormat, out: &mut dyn Write) -> std::io::Result<()> {
    if format == OutputFormat::Json {
        serde_json::to_writer_pretty(&mut *out, doc)?;
        return writeln!(out);
    }
    if doc.trailers.is_empty() {
        writeln!(out, "no trailer block")?;
    }
    for t in &doc.trailers {
        writeln!(
            out,
            "{:>4}  {}: {}",
            t.line,
            escape(&t.key, 80),
            escape(&t.value, 300)
        )?;
    }
    if !doc.near_misses.is_empty() {
        writeln!(out, "\nnot trailers:")?;
    }
    for n in &doc.near_misses {
        writeln!(
            out,
            "{:>4}  `{}`\n      {}",
            n.line,
            escape(&n.text, 200),
            n.reason
        )?;
    }
    Ok(())
}
