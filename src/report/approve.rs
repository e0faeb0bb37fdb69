//! `approve`'s report: the change a reviewer is about to approve and the
//! line(s) to paste, as text (human) or data (JSON, the formats `approve`
//! speaks).

use std::io::{self, Write};

use serde::Serialize;

use super::gate::ChangeView;
use super::{OutputFormat, escape};

/// What `approve` shows.
#[derive(Serialize)]
pub struct ApproveDoc {
    /// Schema version (1).
    pub version: u32,
    /// The change's digest (`v2-sha256:...`).
    pub digest: String,
    /// The `Reviewed-by:` line to paste.
    pub trailer: String,
    /// The `Review-Signature:` line, when signing.
    pub signature: Option<String>,
    /// How it was signed (the key), when signing.
    pub signed: Option<String>,
    /// The guarded paths the digest covers.
    pub changes: Vec<ChangeView>,
    /// Sign-offs the base's rules require.
    pub required: u32,
    /// Why the suggested identity will not count (a contributor), if so.
    pub warning: Option<String>,
    /// The merge base, abbreviated (text form only).
    #[serde(skip)]
    pub since: String,
}

/// Write `doc` in `format` (human or JSON).
///
/// # Errors
/// A failed write.
pub fn write(doc: &ApproveDoc, format: OutputFormat, out: &mut dyn Write) -> io::Result<()> {
    if format == OutputFormat::Json {
        let v = serde_json::to_value(doc).map_err(io::Error::other)?;
        return writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).map_err(io::Error::other)?
        );
    }
    let n = doc.changes.len();
    writeln!(
        out,
        "config change {} ({n} guarded path{}) since {}:",
        doc.digest,
        if n == 1 { "" } else { "s" },
        doc.since
    )?;
    for c in &doc.changes {
        // A path is shown escaped: control characters could rewrite what a reviewer signs.
        writeln!(out, "  {} {}", c.status, escape(&c.path, 4096))?;
    }
    if let Some(w) = &doc.warning {
        writeln!(out, "\nwarning: {w}")?;
    }
    match (&doc.signature, &doc.signed) {
        (Some(sig), Some(how)) => writeln!(
            out,
            "\nSigned {how}. After reviewing it, add these two lines to the last paragraph of a commit message on the branch:\n\n  {}\n  {sig}\n",
            doc.trailer
        )?,
        _ => writeln!(
            out,
            "\nAfter reviewing it, add this line to the last paragraph of a commit message on the branch:\n\n  {}\n",
            doc.trailer
        )?,
    }
    writeln!(
        out,
        "It approves exactly this change: with `[review] bind = \"digest\"`, any later change to guarded config makes it stale."
    )
}
