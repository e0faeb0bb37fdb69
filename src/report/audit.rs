//! `audit`'s report: one line per guarded commit (human), a table
//! (markdown), or the commits as data (JSON). `audit` speaks these three
//! (`cli::Command::formats`); values are escaped here, as every renderer
//! does, and markdown cells cannot become markup.

use std::io::Write;

use super::{OutputFormat, escape};
use crate::gate::audit::Audited;

/// Render `commits` in `format` (human for any format `audit` does not
/// speak: the CLI refuses those before the audit runs).
///
/// # Errors
/// When writing fails.
pub fn write(
    commits: &[Audited],
    format: OutputFormat,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let failed = commits.iter().filter(|c| !c.passed).count();
    // A path named by a credential is masked by the last-line writer.
    for p in commits.iter().flat_map(|c| &c.paths) {
        crate::secrets::remember_path_if_secret(p);
    }
    match format {
        OutputFormat::Json => {
            #[derive(serde::Serialize)]
            struct Doc<'a> {
                version: u32,
                commits: &'a [Audited],
            }
            let doc = Doc {
                version: 1,
                commits,
            };
            // Compact: a history is large, and this is for machines.
            serde_json::to_writer(&mut *out, &doc)?;
            writeln!(out)
        }
        OutputFormat::Markdown => markdown(commits, failed, out),
        _ => human(commits, failed, out),
    }
}

fn reviewers(c: &Audited) -> String {
    let counted: Vec<String> = c
        .signoffs
        .iter()
        .filter(|s| s.counted)
        .map(|s| {
            if s.signed {
                format!("{} (signed)", s.email)
            } else {
                s.email.clone()
            }
        })
        .collect();
    if counted.is_empty() {
        "-".into()
    } else {
        counted.join(", ")
    }
}

fn human(commits: &[Audited], failed: usize, out: &mut dyn Write) -> std::io::Result<()> {
    for c in commits {
        writeln!(
            out,
            "{} {} {} {:<24} reviewed by: {}",
            &c.commit[..12],
            if c.passed { "ok     " } else { "NO PEER" },
            c.digest,
            escape(&c.author, 24),
            reviewers(c)
        )?;
        for s in c.signoffs.iter().filter(|s| !s.counted) {
            writeln!(
                out,
                "    not counted: {}: {}: {}",
                escape(&s.key, 40),
                escape(&s.identity, 120),
                escape(&s.reason, 300)
            )?;
        }
        if let Some(why) = &c.gate {
            writeln!(out, "    gate refuses it: {}", escape(why, 300))?;
        }
        for n in &c.near_misses {
            writeln!(
                out,
                "    near miss: line {}: {}",
                n.line,
                escape(&n.reason, 300)
            )?;
        }
        for s in c.signoffs.iter().filter(|s| s.counted) {
            if let Some(why) = &s.signature {
                writeln!(
                    out,
                    "    counted as a typed trailer: {}: signature not counted: {}",
                    escape(&s.email, 120),
                    escape(why, 300)
                )?;
            }
        }
    }
    writeln!(
        out,
        "summary: {} guarded change{}, {failed} without enough peer sign-offs",
        commits.len(),
        if commits.len() == 1 { "" } else { "s" }
    )
}

fn markdown(commits: &[Audited], failed: usize, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "### driftcheck audit\n\n{} guarded change{}, {failed} without enough peer sign-offs.\n",
        commits.len(),
        if commits.len() == 1 { "" } else { "s" }
    )?;
    writeln!(
        out,
        "| commit | author | digest | reviewed by | passed |\n|---|---|---|---|---|"
    )?;
    // Identities come from commit messages and headers: code spans, so no
    // author or trailer becomes a link, an image or a team @mention.
    let cell = super::markdown::code;
    for c in commits {
        writeln!(
            out,
            "| `{}` | {} | `{}` | {} | {} |",
            &c.commit[..12],
            cell(&c.author),
            c.digest,
            cell(&reviewers(c)),
            if c.passed { "yes" } else { "**no**" }
        )?;
    }
    Ok(())
}
