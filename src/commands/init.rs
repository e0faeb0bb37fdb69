//! `driftcheck init [ENV...]`: write a starter `driftcheck.toml` from what
//! discovery finds (SPEC §3), so the next run does not have to guess.

use std::io::Write;
use std::path::Path;

use crate::cli::Status;
use crate::config::{EnvConfig, FILE_NAME};
use crate::discover::discover;
use crate::env::{Selection, relative};
use crate::error::Error;

/// Environment names tried when none are given, in the order they are written.
const COMMON: [&str; 6] = ["dev", "test", "qa", "staging", "canary", "prod"];

/// Write `driftcheck.toml` in `cwd`.
///
/// # Errors
/// When one exists (without `force`), or fewer than two environments are found.
pub fn run(
    cwd: &Path,
    names: &[String],
    force: bool,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let path = cwd.join(FILE_NAME);
    if path.exists() && !force {
        return Err(Error::Usage(format!(
            "{} exists: not overwritten (use --force to replace it)",
            path.display()
        )));
    }
    let found: Vec<EnvConfig> = if names.is_empty() {
        COMMON
            .iter()
            .filter_map(|n| discover(cwd, &[n.to_string()]).ok())
            .flatten()
            .collect()
    } else {
        discover(cwd, names)?
    };
    if found.len() < 2 {
        let got: Vec<&str> = found.iter().map(|e| e.name.as_str()).collect();
        return Err(Error::Discovery(format!(
            "found {} environment{} ({}): name them, e.g. `driftcheck init staging prod`",
            found.len(),
            if found.len() == 1 { "" } else { "s" },
            if got.is_empty() {
                "none".to_string()
            } else {
                got.join(", ")
            }
        )));
    }
    let mut text = String::from(
        "# driftcheck.toml: the environments driftcheck compares (written by `driftcheck init`).\n\
         # Reference: README.md and docs/policies.md.\n\n\
         # policies = [\"policies/*.toml\"]   # your policy files; the shipped pack applies anyway\n\n",
    );
    for e in &found {
        text.push_str(&format!("[env.{}]\n", e.name));
        match &e.selection {
            Selection::Root { dir, .. } => {
                text.push_str(&format!("root = {:?}\n", relative(dir, cwd)))
            }
            Selection::Files(files) => {
                let dir = files
                    .first()
                    .and_then(|f| f.parent())
                    .map(|d| relative(d, cwd))
                    .unwrap_or_default();
                let names: Vec<String> = files
                    .iter()
                    .filter_map(|f| f.file_name().map(|n| format!("{:?}", n.to_string_lossy())))
                    .collect();
                text.push_str(&format!(
                    "root = {:?}\ninclude = [{}]\n",
                    if dir.is_empty() { ".".to_string() } else { dir },
                    names.join(", ")
                ));
            }
            Selection::Layers(_) | Selection::Render { .. } => {}
        }
        if !e.aliases.is_empty() {
            text.push_str(&format!("aliases = {:?}\n", e.aliases));
        }
        text.push('\n');
    }
    text.push_str(
        "# The change-review gate (`driftcheck gate`); these are the defaults.\n\
         # [review]\n# required = 1\n# trailers = [\"Reviewed-by\", \"Approved-by\"]\n# reviewers = []          # emails or \"@group\"; empty: any peer\n# bind = \"digest\"         # sign-offs name the exact change they approve\n",
    );
    std::fs::write(&path, &text).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let names: Vec<&str> = found.iter().map(|e| e.name.as_str()).collect();
    writeln!(
        out,
        "wrote {} with environments {}",
        path.display(),
        names.join(", ")
    )
    .map_err(Error::Write)?;
    Ok(Status::Clean)
}
