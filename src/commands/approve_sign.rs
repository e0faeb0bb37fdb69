//! `driftcheck approve --sign`: the `Review-Signature` trailer line, and
//! the gate's per-sign-off assurance as findings (for the formats that show
//! only findings: sarif, github annotations).
//!
//! Which key: `--key PATH`, else git's own `user.signingkey` (as git reads
//! it for `gpg.format = ssh`: a key file, a public key whose private half is
//! in ssh-agent, or a literal `key::ssh-...` public key). The reviewer is
//! `user.email`: the address the `Reviewed-by` line names and the principal
//! `allowed_signers` must list. Without either, signing fails with what to
//! set: a signature over a placeholder identity could never verify.

use std::path::{Path, PathBuf};

use driftcheck::error::Error;
use driftcheck::finding::{Finding, Severity};
use driftcheck::gate::signature;
use driftcheck::gate::{Verdict, signed};
use driftcheck::git::Repo;

/// The `Review-Signature: …` line for `v`, signed as `email`, and how it
/// was signed ([`signature::NATIVE`] or [`signature::SSH_KEYGEN`]).
///
/// # Errors
/// No key configured, no email, or the signing failed (the message names
/// the key path, never key material).
pub fn signature_line(
    repo: &Repo,
    v: &Verdict,
    key: Option<&Path>,
    email: Option<&str>,
) -> Result<(String, &'static str), Error> {
    let email = email.map(str::to_ascii_lowercase).ok_or_else(|| {
        Error::Usage(
            "approve --sign needs your email: set `git config user.email` (the address allowed_signers lists for you)".into(),
        )
    })?;
    let scratch =
        tempfile::tempdir().map_err(|e| Error::Git(format!("temporary directory: {e}")))?;
    let key = match key {
        Some(k) => k.to_path_buf(),
        None => configured_key(repo, scratch.path())?,
    };
    let base = v.merge_base.to_string();
    let statement = signature::statement(&v.digest, &email, &base);
    let (sig, how) = signature::sign_with(&key, &statement).map_err(Error::Usage)?;
    let value = signature::trailer_value(&email, &base, &sig).map_err(Error::Git)?;
    Ok((format!("{}: {value}", signature::TRAILER), how))
}

/// `user.signingkey` as a path to sign with (a literal public key is
/// written to `scratch`; `~/` is the home directory, as git expands it).
fn configured_key(repo: &Repo, scratch: &Path) -> Result<PathBuf, Error> {
    let value = repo
        .config_string("user.signingkey")
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            Error::Usage(
                "approve --sign needs a key: give --key PATH, or set `git config user.signingkey` \
                 (as for `gpg.format = ssh`)"
                    .into(),
            )
        })?;
    let value = value.trim();
    let literal = value
        .strip_prefix("key::")
        .or_else(|| value.starts_with("ssh-").then_some(value));
    if let Some(public) = literal {
        let file = scratch.join("signingkey.pub");
        std::fs::write(&file, format!("{public}\n")).map_err(|source| Error::Io {
            path: file.clone(),
            source,
        })?;
        return Ok(file);
    }
    Ok(match value.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(rest),
        None => PathBuf::from(value),
    })
}

/// One note per sign-off saying what it proves, when the merge base names
/// `allowed_signers` (without it every sign-off is a typed trailer, which
/// the assurance statement says once).
pub fn assurance_finding(v: &Verdict, file: &str) -> Vec<Finding> {
    if v.signed.is_none() {
        return Vec::new();
    }
    v.signoffs
        .iter()
        .map(|s| {
            let level = if s.signed { signed::SIGNED } else { signed::TYPED };
            let email = if s.email.is_empty() {
                "(unreadable identity)"
            } else {
                s.email.as_str()
            };
            Finding::other(
                "gate/assurance",
                Severity::Note,
                format!(
                    "{}: {email} on {}: {level}{}",
                    s.key,
                    s.commit,
                    if s.counted { "" } else { " (not counted)" }
                ),
                file.to_string(),
                "reviewers sign with `driftcheck approve --sign`; `[review] signed = \"required\"` counts only signed sign-offs",
            )
        })
        .collect()
}
