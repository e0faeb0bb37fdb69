//! `driftcheck init [ENV...]`: write a starter `driftcheck.toml` from what
//! discovery finds (SPEC §3, docs/discovery.md), so the next run does not
//! have to guess. The config names every compared group, narrows `[review]
//! paths` to what is compared (plus the bases and components a kustomize
//! overlay builds from), and says in comments what was found and left out.

use std::io::Write;
use std::path::Path;

use crate::cli::Status;
use driftcheck::config::FILE_NAME;
use driftcheck::discover::{Discovery, plan};
use driftcheck::env::{Selection, relative};
use driftcheck::error::Error;

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
    let found = plan(cwd, names)?;
    let text = render(cwd, &found);
    std::fs::write(&path, &text).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let doc = driftcheck::report::init::InitDoc {
        path: path.display().to_string(),
        envs: found.envs.iter().map(|e| e.name.clone()).collect(),
        notes: found.notes.clone(),
    };
    driftcheck::report::init::write(&doc, out).map_err(Error::Write)?;
    Ok(Status::Clean)
}

/// The text of the config.
fn render(cwd: &Path, found: &Discovery) -> String {
    let mut text = String::from(
        "# driftcheck.toml: the environments driftcheck compares (written by `driftcheck init`).\n\
         # Reference: README.md, docs/discovery.md and docs/policies.md.\n\n\
         # policies = [\"policies/*.toml\"]   # your policy files; the shipped pack applies anyway\n\n",
    );
    for n in &found.notes {
        text.push_str(&format!("# {n}\n"));
    }
    if !found.notes.is_empty() {
        text.push('\n');
    }
    for e in &found.envs {
        text.push_str(&format!("[env.{}]\n", toml_key(&e.name)));
        match &e.selection {
            Selection::Root { dir, .. } => {
                text.push_str(&format!("root = {}\n", quote(&relative(dir, cwd))))
            }
            Selection::Files(files) => {
                let mut include: Vec<String> = Vec::new();
                for f in files {
                    let rel = relative(f, cwd);
                    let glob = found
                        .review
                        .iter()
                        .find(|g| {
                            g.strip_suffix("/**")
                                .is_some_and(|d| rel.starts_with(&format!("{d}/")))
                        })
                        .cloned()
                        .unwrap_or(rel);
                    if !include.contains(&glob) {
                        include.push(glob);
                    }
                }
                let list: Vec<String> = include.iter().map(|i| quote(i)).collect();
                text.push_str(&format!("root = \".\"\ninclude = [{}]\n", list.join(", ")));
            }
            Selection::Render { argv, .. } => {
                let list: Vec<String> = argv.iter().map(|a| quote(a)).collect();
                text.push_str(&format!("render = [{}]\n", list.join(", ")));
            }
            Selection::Layers(layers) => {
                let list: Vec<String> = layers.iter().map(|l| quote(&relative(l, cwd))).collect();
                text.push_str(&format!("layers = [{}]\n", list.join(", ")));
            }
        }
        if !e.aliases.is_empty() {
            let list: Vec<String> = e.aliases.iter().map(|a| quote(a)).collect();
            text.push_str(&format!("aliases = [{}]\n", list.join(", ")));
        }
        text.push('\n');
    }
    let paths: Vec<String> = found.review.iter().map(|p| quote(p)).collect();
    text.push_str(&format!(
        "# The change-review gate (`driftcheck gate`) guards what is compared above.\n\
         [review]\npaths = [{}]\n\
         # required = 1\n# trailers = [\"Reviewed-by\", \"Approved-by\"]\n# reviewers = []          # emails or \"@group\"; empty: any peer\n# bind = \"digest\"         # sign-offs name the exact change they approve\n\
         # signers = \".driftcheck/allowed_signers\"  # OpenSSH allowed_signers, read from the merge base\n\
         # signed = \"required\"     # count only sign-offs signed with `driftcheck approve --sign`\n",
        paths.join(", ")
    ));
    text
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it can be, quoted otherwise.
fn toml_key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        s.to_string()
    } else {
        quote(s)
    }
}
