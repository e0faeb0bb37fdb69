//! `driftcheck gate` and `driftcheck approve`.

use std::io::Write;
use std::path::Path;

use crate::cli::{Args, Status};
use driftcheck::error::Error;
use driftcheck::finding::{Finding, Severity, Summary};
use driftcheck::gate::{self, Head, Verdict};
use driftcheck::git::Repo;
use driftcheck::report::gate::GateView;
use driftcheck::report::{self, Report};

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
    /// A local hook: a missing sign-off warns unless the base says
    /// `[review] local = "block"` (see [`soften`]).
    pub local: bool,
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
    if let Head::Commit(h) = &head {
        require_fast_forward(&repo, g, &base, *h)?;
    }
    let at = gate::Location::new(&repo, cwd, args.dir.as_deref(), args.config.as_deref());
    let verdict = gate::evaluate(&repo, &base, &head, at)?;
    let view = GateView::from(&verdict);
    let mut findings = verdict.introduced.clone();
    findings.extend(gate_findings(&verdict));
    let mut passed = verdict.passed;
    let softened = g.local && !passed && soften(&repo, &verdict, &mut findings);
    if softened {
        passed = true;
    }
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
    if args.verbose && args.format == report::OutputFormat::Human {
        writeln!(out, "gate: {}", scope_line(&verdict.scope)).map_err(Error::Write)?;
    }
    if softened && args.format == report::OutputFormat::Human && !args.quiet {
        writeln!(
            out,
            "gate: local hook: the missing sign-off is a warning here; the CI check requires it \
             (`[review] local = \"block\"` makes local hooks strict)"
        )
        .map_err(Error::Write)?;
    }
    out.flush().map_err(Error::Write)?;
    Ok(if passed {
        Status::Clean
    } else {
        Status::Findings
    })
}

/// What the drift half compared, for `-v`.
fn scope_line(scope: &gate::Scope) -> String {
    match scope {
        gate::Scope::Nothing => "no config at the merge base: drift not compared".into(),
        gate::Scope::Whole(why) => format!("compared the whole trees: {why}"),
        gate::Scope::Keys { count, bounded } => format!(
            "compared {count} file key{} the change can affect{}",
            if *count == 1 { "" } else { "s" },
            if *bounded {
                " (no environment listed whole)"
            } else {
                ""
            }
        ),
    }
}

/// A push replaces what was there: when the range is a push (pre-commit's
/// pre-push stage, or a GitHub `push` event whose `before` is the base), the
/// head must contain the base. A rewound or replaced branch would be judged
/// from the merge base, and what the push removes (a reviewed change, a
/// fix) never compared, so it is refused with the reason (exit 2).
///
/// # Errors
/// When the push is not a fast-forward.
fn require_fast_forward(
    repo: &Repo,
    g: &GateArgs<'_>,
    base: &str,
    head: driftcheck::git::Oid,
) -> Result<(), Error> {
    let from_event = || -> Option<String> {
        if std::env::var("GITHUB_EVENT_NAME").ok()? != "push" {
            return None;
        }
        let path = std::env::var_os("GITHUB_EVENT_PATH")?;
        let event: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
        Some(event["before"].as_str()?.to_string())
    };
    if !g.pre_push && std::env::var("GITHUB_EVENT_NAME").ok().as_deref() != Some("push") {
        return Ok(());
    }
    // A shallow clone is refused first, with its own reason.
    repo.require_full_history()?;
    let base_id = repo.commit_id(base)?;
    // A new branch (an all-zero `from`) is compared with the default
    // branch instead: not a replacement of anything.
    let pushed_over = std::env::var("PRE_COMMIT_FROM_REF")
        .is_ok_and(|v| !v.is_empty() && !v.bytes().all(|b| b == b'0'));
    let is_push = (g.pre_push && pushed_over)
        || from_event().is_some_and(|before| repo.commit_id(&before).is_ok_and(|b| b == base_id));
    if !is_push || base_id == head || repo.descends(head, base_id) {
        return Ok(());
    }
    Err(Error::Git(format!(
        "the push is not a fast-forward: {} is not an ancestor of {} (the branch was rewound or replaced). \
         What it removes would never be compared, so the gate refuses it. Push a fast-forward (revert \
         in a new commit), or open a pull request for the replacement",
        &base_id.to_string()[..12],
        &head.to_string()[..12]
    )))
}

/// The rule for local hooks: the review happens after the commit, in the
/// pull request, so a hook that refuses every unsigned config commit only
/// teaches `--no-verify`. A local run whose only failures are missing
/// sign-offs passes with those as warnings, unless the merge base's config
/// says `[review] local = "block"`. Anything else that fails (introduced
/// error drift, a broken config at head) still fails. Returns whether the
/// findings were softened.
fn soften(repo: &Repo, verdict: &Verdict, findings: &mut [Finding]) -> bool {
    let Some(config_at) = verdict.config_at.as_deref() else {
        return false;
    };
    // What cannot be read stays strict.
    let Ok(text) = repo
        .tree_of(verdict.merge_base)
        .and_then(|tree| repo.blob_at(tree, config_at))
    else {
        return false;
    };
    let strict = text
        .and_then(|text| String::from_utf8(text).ok())
        .and_then(|text| driftcheck::config::parse(&text, &repo.root().join(config_at)).ok())
        .and_then(|c| c.review.and_then(|r| r.local))
        .is_some_and(|l| l == "block");
    let only_signoffs = findings
        .iter()
        .all(|f| f.severity != Severity::Error || f.rule == "gate/signoff");
    if strict || !only_signoffs {
        return false;
    }
    for f in findings.iter_mut().filter(|f| f.rule == "gate/signoff") {
        f.severity = Severity::Warning;
    }
    true
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
                "config change {} needs {} sign-off{} from {who} ({}); {} valid{}",
                v.digest,
                r.required,
                if r.required == 1 { "" } else { "s" },
                r.source,
                m.have,
                if m.uncovered.is_empty() {
                    String::new()
                } else {
                    let shown: Vec<&str> = m.uncovered.iter().take(5).map(String::as_str).collect();
                    format!(
                        "; not approved by enough valid sign-offs: {}{}",
                        shown.join(", "),
                        if m.uncovered.len() > 5 { ", ..." } else { "" }
                    )
                }
            ),
            file.clone(),
            "a peer (not an author, committer or co-author of the change) reviews it and adds the line `driftcheck approve` prints to a commit message",
        ));
    }
    out.extend(super::approve_sign::assurance_finding(v, &file));
    for ((commit, reason), lines) in near_miss_groups(&v.near_misses) {
        out.push(Finding::other(
            "gate/near-miss",
            Severity::Warning,
            format!("{commit}:{}: not a trailer: {reason}", line_list(&lines)),
            file.clone(),
            "write sign-offs as `Reviewed-by: Name <email>` in the message's last paragraph",
        ));
    }
    out
}

/// Near misses with one reason in one commit, in order of first line: one
/// finding each, so a message of many alike lines gives one warning, not
/// one per line (the gate section still lists every line).
fn near_miss_groups(
    misses: &[(String, driftcheck::trailers::NearMiss)],
) -> Vec<((&str, &str), Vec<usize>)> {
    let mut at: std::collections::HashMap<(&str, &str), usize> = std::collections::HashMap::new();
    let mut groups: Vec<((&str, &str), Vec<usize>)> = Vec::new();
    for (commit, n) in misses {
        let key = (commit.as_str(), n.reason.as_str());
        let i = *at.entry(key).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(n.line);
    }
    groups
}

/// `3`, `3, 7`, or `3, 4, 5 and 199997 more lines`.
fn line_list(lines: &[usize]) -> String {
    const SHOWN: usize = 3;
    let shown: Vec<String> = lines.iter().take(SHOWN).map(usize::to_string).collect();
    match lines.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{} and {more} more lines", shown.join(", ")),
        _ => shown.join(", "),
    }
}

/// The branch a change merges into, for `approve` without `--base`: the
/// pull request's base (`GITHUB_BASE_REF`), the branch's upstream unless
/// it is the branch's own remote copy (a PR checkout tracks
/// `origin/feature`, whose merge base with the head is the head itself),
/// then the remote's default branch, `main`, `master`. A candidate the
/// head is already part of (an empty change) is skipped.
///
/// # Errors
/// When no candidate gives a change.
fn approve_base(repo: &Repo, head: driftcheck::git::Oid) -> Result<String, Error> {
    let mut candidates: Vec<String> = Vec::new();
    if let Ok(b) = std::env::var("GITHUB_BASE_REF")
        && !b.is_empty()
    {
        candidates.push(format!("origin/{b}"));
    }
    match repo.head_upstream() {
        Some((branch, up)) if !up.ends_with(&format!("/{branch}")) => {
            candidates.push(up);
        }
        _ => {}
    }
    candidates.extend(
        [
            "origin/HEAD",
            "origin/main",
            "origin/master",
            "main",
            "master",
        ]
        .map(String::from),
    );
    let mut tried = Vec::new();
    for c in candidates {
        let Ok(id) = repo.commit_id(&c) else { continue };
        if id == head || repo.descends(id, head) {
            tried.push(c);
            continue;
        }
        return Ok(c);
    }
    Err(Error::Usage(format!(
        "approve needs the branch the change merges into, and none was found{}: give --base REV \
         (e.g. `--base origin/main`)",
        if tried.is_empty() {
            String::new()
        } else {
            format!(" ({} already contain the head)", tried.join(", "))
        }
    )))
}

/// How `email` contributed to the change `v` (mailmap applied as the
/// gate applies it, from the merge base), if it did.
fn contributed(repo: &Repo, v: &gate::Verdict, email: &str) -> Option<String> {
    let mailmap = repo
        .tree_of(v.merge_base)
        .ok()
        .and_then(|t| {
            driftcheck::gate::signed::mailmap_at(
                repo,
                t,
                &mut driftcheck::git::TreeCache::default(),
            )
            .ok()
        })
        .unwrap_or_default();
    v.contributors.get(&mailmap.canonical(email)).cloned()
}

/// The warning for an approval the gate will not count: the suggested
/// identity contributed to the range (a self-review).
fn self_review_warning(email: &str, how: &str) -> String {
    format!(
        "{email} is a contributor of this change ({how}): the gate does not count a contributor's \
         sign-off (no self-review). A peer who did not contribute should run `driftcheck approve`."
    )
}

/// `driftcheck approve`: the digest of the change and the trailer a
/// reviewer adds; a warning when the suggested identity (`user.email`)
/// contributed to the change, since the gate will refuse that sign-off.
///
/// # Errors
/// When the repository cannot answer.
/// With `sign` (`--sign [--key PATH]`), a `Review-Signature` line too
/// (see [`super::approve_sign`]).
pub fn approve(
    args: &Args,
    cwd: &Path,
    (base, head): (Option<&str>, Option<&str>),
    sign: Option<Option<&Path>>,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let repo = Repo::discover(cwd)?;
    let head_id = repo.commit_id(head.unwrap_or("HEAD"))?;
    let base = match base {
        Some(b) => b.to_string(),
        None => approve_base(&repo, head_id)?,
    };
    let head = Head::Commit(head_id);
    let at = gate::Location::new(&repo, cwd, args.dir.as_deref(), args.config.as_deref());
    let v = gate::evaluate(&repo, &base, &head, at)?;
    if v.changes.is_empty() {
        return Err(Error::Usage(format!(
            "no guarded config changed between {base} (merge base {}) and the head: nothing to approve. \
             If the change merges into another branch, give it: `driftcheck approve --base origin/<branch>`",
            &v.merge_base.to_string()[..12]
        )));
    }
    let name = repo
        .config_string("user.name")
        .unwrap_or_else(|| "Your Name".into());
    let configured = repo.config_string("user.email");
    let signature = match sign {
        Some(key) => Some(super::approve_sign::signature_line(
            &repo,
            &v,
            key,
            configured.as_deref(),
        )?),
        None => None,
    };
    let self_review = configured
        .as_deref()
        .and_then(|e| contributed(&repo, &v, e));
    let email = configured.unwrap_or_else(|| "you@example.com".into());
    let line = format!("Reviewed-by: {name} <{email}> # config {}", v.digest);
    let (signature, signed) = signature.unzip();
    let doc = report::approve::ApproveDoc {
        version: 1,
        digest: v.digest.clone(),
        trailer: line,
        signature,
        signed: signed.map(str::to_string),
        changes: GateView::from(&v).changes,
        required: v.required(),
        warning: self_review
            .as_ref()
            .map(|how| self_review_warning(&email, how)),
        since: v.merge_base.to_string()[..12].to_string(),
    };
    report::approve::write(&doc, args.format, out).map_err(Error::Write)?;
    Ok(Status::Clean)
}
