//! `driftcheck gate` and `driftcheck approve`.

use std::io::Write;
use std::path::Path;

use crate::cli::{Args, Status};
use crate::error::Error;
use crate::finding::{Finding, Severity, Summary};
use crate::gate::{self, ASSURANCE, Head, Verdict};
use crate::git::Repo;
use crate::report::gate::{ChangeView, GateView, NearMissView, RequirementView, SignoffView};
use crate::report::{self, Report};

/// Where base and head come from.
#[derive(Debug)]
pub struct GateArgs<'a> {
    /// `--base`.
    pub base: Option<&'a str>,
    /// `--head` (default `HEAD`).
    pub head: Option<&'a str>,
    /// `--message-file`: the commit being made.
    pub message_file: Option<&'a Path>,
    /// `--pre-push`: base and head from pre-commit's `PRE_COMMIT_FROM_REF` / `PRE_COMMIT_TO_REF`.
    pub pre_push: bool,
}

/// Run the gate.
///
/// # Errors
/// When the repository cannot answer (exit 2).
pub fn run(
    args: &Args,
    cwd: &Path,
    g: &GateArgs<'_>,
    opts: &report::Options,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let repo = Repo::discover(cwd)?;
    // A push that deletes a branch (pre-commit passes an all-zero TO ref)
    // changes no config.
    if g.pre_push
        && std::env::var("PRE_COMMIT_TO_REF")
            .is_ok_and(|v| !v.is_empty() && v.bytes().all(|b| b == b'0'))
    {
        writeln!(
            out,
            "gate: the push deletes a branch: no config change to check"
        )
        .map_err(Error::Write)?;
        return Ok(Status::Clean);
    }
    let (base, head) = resolve(&repo, g)?;
    let at = gate::config_location(&repo, cwd, args.config.as_deref());
    let verdict = gate::evaluate(&repo, &base, &head, &at)?;
    let view = view(&verdict);
    let mut findings = verdict.introduced.clone();
    findings.extend(gate_findings(&verdict));
    let summary = Summary::of(&findings);
    let rep = Report {
        command: "gate",
        envs: &[],
        findings: &findings,
        equivalent: &[],
        equivalent_count: 0,
        summary,
        files: verdict.changes.len(),
        accepted: 0,
        gate: Some(&view),
    };
    report::write(args.format, &rep, opts, out).map_err(Error::Write)?;
    out.flush().map_err(Error::Write)?;
    Ok(if verdict.passed {
        Status::Clean
    } else {
        Status::Findings
    })
}

/// Base and head from the arguments.
fn resolve(repo: &Repo, g: &GateArgs<'_>) -> Result<(String, Head), Error> {
    if let Some(file) = g.message_file {
        let bytes = std::fs::read(file).map_err(|source| Error::Io {
            path: file.to_path_buf(),
            source,
        })?;
        let message = String::from_utf8_lossy(&bytes).into_owned();
        return Ok((
            g.base.unwrap_or("HEAD").to_string(),
            Head::Staged { message },
        ));
    }
    let (base, head) = if g.pre_push {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "--pre-push needs {name} (set by pre-commit's pre-push stage)"
                    ))
                })
        };
        let from = var("PRE_COMMIT_FROM_REF")?;
        let to = var("PRE_COMMIT_TO_REF")?;
        // A new branch: pre-commit passes the all-zero id; compare with the
        // default branch instead of everything.
        let from = if from.bytes().all(|b| b == b'0') {
            "origin/HEAD".to_string()
        } else {
            from
        };
        (from, to)
    } else {
        let base = g.base.ok_or_else(|| {
            Error::Usage("gate needs --base REV (or --message-file FILE, or --pre-push)".into())
        })?;
        (base.to_string(), g.head.unwrap_or("HEAD").to_string())
    };
    let head = repo.commit_id(&head)?;
    Ok((base, Head::Commit(head)))
}

/// The verdict as findings, so every output format shows it.
fn gate_findings(v: &Verdict) -> Vec<Finding> {
    let file = v
        .changes
        .first()
        .map_or_else(String::new, |c| c.path.clone());
    let mut out = Vec::new();
    for m in v.requirements.iter().filter(|m| !m.ok()) {
        let r = &m.requirement;
        let who = if r.reviewers.is_empty() {
            "peers".to_string()
        } else {
            r.reviewers.join(", ")
        };
        out.push(Finding::other(
            "gate/signoff",
            Severity::Error,
            format!(
                "config change {} needs {} sign-off{} from {who} ({}); {} valid",
                v.digest,
                r.required,
                if r.required == 1 { "" } else { "s" },
                r.source,
                m.have
            ),
            file.clone(),
            "a peer (not an author, committer or co-author of the change) reviews it and adds the line `driftcheck approve` prints to a commit message",
        ));
    }
    for (commit, n) in &v.near_misses {
        out.push(Finding::other(
            "gate/near-miss",
            Severity::Warning,
            format!("{commit}:{}: not a trailer: {}", n.line, n.reason),
            file.clone(),
            "write sign-offs as `Reviewed-by: Name <email>` in the message's last paragraph",
        ));
    }
    out
}

/// The printable view of a verdict.
pub fn view(v: &Verdict) -> GateView {
    let mode = |m: u32, id: git2::Oid| (m != 0).then(|| format!("{m:06o} {id}"));
    GateView {
        passed: v.passed,
        digest: v.digest.clone(),
        required: v.required(),
        signoffs: v
            .signoffs
            .iter()
            .map(|s| SignoffView {
                key: s.key.clone(),
                identity: s.identity.clone(),
                commit: s.commit.clone(),
                counted: s.counted,
                reason: s.reason.clone(),
            })
            .collect(),
        introduced_errors: v.introduced_errors(),
        preexisting: v.preexisting.len(),
        merge_base: v.merge_base.to_string(),
        head: v.head.clone(),
        changes: v
            .changes
            .iter()
            .map(|c| ChangeView {
                path: c.path.clone(),
                status: match (c.old_mode, c.new_mode) {
                    (0, _) => "A",
                    (_, 0) => "D",
                    (a, b) if a != b => "T",
                    _ => "M",
                },
                old: mode(c.old_mode, c.old_id),
                new: mode(c.new_mode, c.new_id),
            })
            .collect(),
        requirements: v
            .requirements
            .iter()
            .map(|m| RequirementView {
                source: m.requirement.source.clone(),
                required: m.requirement.required,
                have: m.have,
                reviewers: m.requirement.reviewers.clone(),
                satisfied: m.ok(),
            })
            .collect(),
        near_misses: v
            .near_misses
            .iter()
            .map(|(commit, n)| NearMissView {
                commit: commit.clone(),
                line: n.line,
                text: n.text.clone(),
                reason: n.reason.clone(),
            })
            .collect(),
        guarded: v.guard.to_string(),
        assurance: ASSURANCE.to_string(),
    }
}

/// `driftcheck approve`: the digest of the change and the trailer a
/// reviewer adds.
///
/// # Errors
/// When the repository cannot answer.
pub fn approve(
    args: &Args,
    cwd: &Path,
    base: Option<&str>,
    head: Option<&str>,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let repo = Repo::discover(cwd)?;
    let base = match base {
        Some(b) => b.to_string(),
        None => [
            "@{upstream}",
            "origin/HEAD",
            "origin/main",
            "origin/master",
            "main",
            "master",
        ]
        .into_iter()
        .find(|r| repo.commit_id(r).is_ok())
        .ok_or_else(|| Error::Usage("no upstream or default branch found: give --base REV".into()))?
        .to_string(),
    };
    let head = Head::Commit(repo.commit_id(head.unwrap_or("HEAD"))?);
    let at = gate::config_location(&repo, cwd, args.config.as_deref());
    let v = gate::evaluate(&repo, &base, &head, &at)?;
    let name = repo
        .config_string("user.name")
        .unwrap_or_else(|| "Your Name".into());
    let email = repo
        .config_string("user.email")
        .unwrap_or_else(|| "you@example.com".into());
    let line = format!("Reviewed-by: {name} <{email}> # config {}", v.digest);
    if args.format == report::OutputFormat::Json {
        let doc = serde_json::json!({
            "version": 1,
            "digest": v.digest,
            "trailer": line,
            "changes": view(&v).changes,
            "required": v.required(),
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).expect("serialisable")
        )
        .map_err(Error::Write)?;
    } else {
        writeln!(
            out,
            "config change {} ({} guarded path{}) since {}:",
            v.digest,
            v.changes.len(),
            if v.changes.len() == 1 { "" } else { "s" },
            &v.merge_base.to_string()[..12]
        )
        .map_err(Error::Write)?;
        for c in &view(&v).changes {
            // A path is shown escaped: control characters could rewrite what a reviewer signs.
            writeln!(
                out,
                "  {} {}",
                c.status,
                crate::report::escape(&c.path, 4096)
            )
            .map_err(Error::Write)?;
        }
        writeln!(out, "\nAfter reviewing it, add this line to the last paragraph of a commit message on the branch:\n\n  {line}\n").map_err(Error::Write)?;
        writeln!(out, "It approves exactly this change: with `[review] bind = \"digest\"`, any later change to guarded config makes it stale.").map_err(Error::Write)?;
    }
    Ok(Status::Clean)
}
