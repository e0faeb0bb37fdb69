//! `driftcheck audit [RANGE]`: the history report.

use std::io::Write;
use std::path::Path;

use crate::cli::{Args, Status};
use driftcheck::error::Error;
use driftcheck::gate::audit::{Audited, audit};
use driftcheck::gate::identity::Mailmap;
use driftcheck::gate::review::Review;
use driftcheck::git::Repo;
use driftcheck::pipeline::setup::load_config;
use driftcheck::report::{OutputFormat, escape};

/// Audit `range` (default: all of `HEAD`'s history), with `[review]` and
/// `.mailmap` as they are in the working tree; with `gate`, each commit's
/// verdict is the gate's for `--base C^ --head C`.
///
/// # Errors
/// When the repository cannot answer or the config is invalid.
pub fn run(
    args: &Args,
    cwd: &Path,
    range: Option<&str>,
    gate: bool,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let repo = Repo::discover(cwd)?;
    let mailmap = std::fs::read_to_string(repo.root().join(".mailmap"))
        .map(|t| Mailmap::parse(&t))
        .unwrap_or_default();
    let review = match load_config(args.config.as_deref(), cwd)? {
        Some(c) => Review::from_config(
            &c,
            &repo
                .root()
                .canonicalize()
                .unwrap_or_else(|_| repo.root().to_path_buf()),
            &mailmap,
        )?,
        None => Review::everything(),
    };
    let mut commits = audit(&repo, range.unwrap_or("HEAD"), &review, &mailmap)?;
    // One verdict (`--gate`): each commit as `gate --base C^ --head C`
    // judges it. Not the default yet: the gate is not incremental, so it
    // costs a full comparison per commit.
    if gate {
        let at = driftcheck::gate::Location::new(
            &repo,
            cwd,
            args.dir.as_deref(),
            args.config.as_deref(),
        );
        driftcheck::gate::audit::gate_verdicts(&repo, &mut commits, &at)?;
    }
    let failed = commits.iter().filter(|c| !c.passed).count();
    let w = Error::Write;
    match args.format {
        OutputFormat::Json => {
            #[derive(serde::Serialize)]
            struct Doc<'a> {
                version: u32,
                commits: &'a [Audited],
            }
            let doc = Doc {
                version: 1,
                commits: &commits,
            };
            // Compact: a history is large, and this is for machines.
            serde_json::to_writer(&mut *out, &doc).map_err(|e| Error::Write(e.into()))?;
            writeln!(out).map_err(w)?;
        }
        OutputFormat::Markdown => markdown(&commits, failed, out).map_err(w)?,
        _ => human(&commits, failed, out).map_err(w)?,
    }
    Ok(if failed > 0 {
        Status::Findings
    } else {
        Status::Clean
    })
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
        if let Some(why) = &c.gate {
            writeln!(out, "    gate refuses it: {}", escape(why, 300))?;
        }
        for s in c.signoffs.iter().filter(|s| !s.counted) {
            writeln!(
                out,
                "    not counted: {}: {}: {}",
                escape(&s.key, 40),
                escape(&s.identity, 120),
                escape(&s.reason, 300)
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
    let cell = |s: &str| escape(s, 120).replace('|', "\\|").replace('`', "'");
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
