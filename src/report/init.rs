//! `init`'s report: what was written and what discovery noted, then how to
//! set up signed approvals (human only: `init` writes a file, and its
//! output is for the person who ran it).

use std::io::{self, Write};

/// What `init` did.
pub struct InitDoc {
    /// The config file written, as shown.
    pub path: String,
    /// The environments it names.
    pub envs: Vec<String>,
    /// What discovery found and left out.
    pub notes: Vec<String>,
}

/// Signed approvals in five lines (docs/gate.md says the same): the keys
/// teams already use for `gpg.format = ssh` commit signing.
pub const SIGNED_SETUP: &str = "Signed approvals (a sign-off only the reviewer could have written):
  1. each reviewer: ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519   (or reuse the key git signs with)
  2. git config user.signingkey ~/.ssh/id_ed25519                (or pass --key PATH to approve)
  3. list it: echo \"you@example.com $(cat ~/.ssh/id_ed25519.pub)\" >> .driftcheck/allowed_signers
  4. in driftcheck.toml [review]: signers = \".driftcheck/allowed_signers\" and signed = \"required\"
  5. reviewers run `driftcheck approve --sign` and add the two lines it prints";

/// Write `doc` for a person.
///
/// # Errors
/// A failed write.
pub fn write(doc: &InitDoc, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "wrote {} with environments {}",
        doc.path,
        doc.envs.join(", ")
    )?;
    for n in &doc.notes {
        writeln!(out, "note: {n}")?;
    }
    writeln!(out, "\n{SIGNED_SETUP}")
}
