//! `driftcheck trailers [REV | --message-file FILE]`: the trailer block as
//! git reads it, and why each line that looks like a sign-off is not one.

use std::io::Write;
use std::path::Path;

use crate::cli::{Args, Status};
use driftcheck::error::Error;
use driftcheck::gate::signature;
use driftcheck::git::Repo;
use driftcheck::report::trailers::{Kv, Miss, TrailersDoc};
use driftcheck::trailers::{Mode, parse};

/// Print the trailers of a commit or a message file.
///
/// # Errors
/// When the revision or file cannot be read.
pub fn run(
    args: &Args,
    cwd: &Path,
    rev: Option<&str>,
    file: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let (message, mode) = match file {
        Some(f) => {
            let bytes = std::fs::read(f).map_err(|source| Error::Io {
                path: f.to_path_buf(),
                source,
            })?;
            (
                String::from_utf8_lossy(&bytes).into_owned(),
                Mode::MessageFile,
            )
        }
        None => {
            let repo = Repo::discover(cwd)?;
            let id = repo.commit_id(rev.unwrap_or("HEAD"))?;
            (repo.commit(id)?.message, Mode::CommitObject)
        }
    };
    let block = parse(&message, mode);
    let doc = TrailersDoc {
        version: 1,
        trailers: block
            .trailers
            .into_iter()
            .map(|t| Kv {
                // A secret-looking trailer (`Token: ghp_...`) is never echoed,
                // nor is a signature (only its size).
                value: if driftcheck::trailers::key_matches(&t.key, signature::TRAILER) {
                    signature_summary(&t.value)
                } else {
                    masked_value(&t.key, &t.value)
                },
                key: driftcheck::secrets::mask_line(&t.key),
                line: t.line,
            })
            .collect(),
        near_misses: block
            .near_misses
            .into_iter()
            .map(|n| Miss {
                line: n.line,
                text: driftcheck::secrets::mask_line(&n.text),
                reason: n.reason,
            })
            .collect(),
    };
    driftcheck::report::trailers::write(&doc, args.format, out).map_err(Error::Write)?;
    Ok(Status::Clean)
}

/// A trailer's value as printed: masked as the line `key: value` would be.
fn masked_value(key: &str, value: &str) -> String {
    let prefix = format!("{key}: ");
    let line = driftcheck::secrets::mask_line(&format!("{prefix}{value}"));
    match line.strip_prefix(&prefix) {
        Some(v) => v.to_string(),
        None => driftcheck::secrets::mask_line(value),
    }
}

/// A `Review-Signature` value as shown: the reviewer it claims and the
/// signature's size, never the blob (`ana@example.com <sshsig, 83 bytes>`).
fn signature_summary(value: &str) -> String {
    let words: Vec<&str> = value.split_whitespace().collect();
    let reviewer = driftcheck::secrets::mask_line(words.first().copied().unwrap_or(""));
    match signature::parse(value) {
        Ok(_) => {
            let b64 = words.last().copied().unwrap_or("");
            let padding = b64.bytes().rev().take_while(|&b| b == b'=').count();
            format!("{reviewer} <sshsig, {} bytes>", b64.len() / 4 * 3 - padding)
        }
        Err(_) => format!(
            "{reviewer} <not a readable signature, {} characters>",
            value.chars().count()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::signature_summary;

    #[test]
    fn signatures_are_summarised_never_echoed() {
        let blob = "U1NIU0lH".repeat(3);
        for value in [
            format!("ana@example.com {} {blob}", "a".repeat(40)),
            "ana@example.com garbage".to_string(),
            String::new(),
        ] {
            let shown = signature_summary(&value);
            assert!(!shown.contains(&blob), "{shown}");
            assert!(shown.contains('<'), "{shown}");
        }
    }
}
