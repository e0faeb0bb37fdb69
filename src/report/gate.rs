//! The gate's part of a report: its verdict, the guarded changes, the
//! requirements and every sign-off with the reason it counted or not. The
//! command builds a [`GateView`]; the human and JSON renderers show it, the
//! others see the gate's verdict as findings (`gate/signoff`).

use std::io::Write;

use serde::Serialize;

use super::escape;
use super::style::Role;
use crate::gate::Verdict;

/// What the gate decided and why, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct GateView {
    /// Whether the change may pass.
    pub passed: bool,
    /// `v2-sha256:` + 32 hex over the guarded changes.
    pub digest: String,
    /// The most sign-offs any requirement asks for.
    pub required: u32,
    /// Every sign-off considered.
    pub signoffs: Vec<SignoffView>,
    /// Introduced findings are the report's `findings`; this is their count.
    pub introduced_errors: usize,
    /// Findings already present at the merge base.
    pub preexisting: usize,
    /// When the gate compared only the file keys the change can affect
    /// (docs/incremental.md): how many. `preexisting` counts among them
    /// only; absent, it counts the whole trees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_keys: Option<usize>,
    /// The merge base.
    pub merge_base: String,
    /// The head evaluated (`index` for the commit being made).
    pub head: String,
    /// The guarded changes.
    pub changes: Vec<ChangeView>,
    /// Requirements and how far the sign-offs got.
    pub requirements: Vec<RequirementView>,
    /// Lines that look like sign-offs but are not trailers.
    pub near_misses: Vec<NearMissView>,
    /// What was guarded.
    pub guarded: String,
    /// The assurance statement.
    pub assurance: String,
}

/// One sign-off.
#[derive(Debug, Clone, Serialize)]
pub struct SignoffView {
    /// Trailer key as written.
    pub key: String,
    /// The value as written.
    pub identity: String,
    /// The commit carrying it.
    pub commit: String,
    /// Whether it counts.
    pub counted: bool,
    /// Why (or why not).
    pub reason: String,
    /// What it proves: "signed by a key in allowed_signers" or "typed trailer".
    pub assurance: &'static str,
    /// Why its signature (present, or needed) did not verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// One guarded change.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// Repository-relative path.
    pub path: String,
    /// `A`, `D`, `M` or `T` (mode change).
    pub status: &'static str,
    /// Old mode (octal) and blob id, if any.
    pub old: Option<String>,
    /// New mode (octal) and blob id, if any.
    pub new: Option<String>,
}

/// One requirement.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementView {
    /// What asks for it.
    pub source: String,
    /// Sign-offs needed.
    pub required: u32,
    /// Valid sign-offs that satisfy it.
    pub have: u32,
    /// Who may sign (empty: any peer).
    pub reviewers: Vec<String>,
    /// Whether it is met.
    pub satisfied: bool,
}

/// A near miss.
#[derive(Debug, Clone, Serialize)]
pub struct NearMissView {
    /// The commit.
    pub commit: String,
    /// 1-based line in its message.
    pub line: usize,
    /// The line (escaped for terminals when printed).
    pub text: String,
    /// Why it is not counted.
    pub reason: String,
}

/// The verdict as the report shows it: the gate's data reshaped into the
/// stable output schema (docs/json.md), in one place, beside the renderers
/// that read it.
impl From<&Verdict> for GateView {
    fn from(v: &Verdict) -> GateView {
        let mode = |m: u32, id: crate::git::Oid| (m != 0).then(|| format!("{m:06o} {id}"));
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
                    assurance: if s.signed {
                        crate::gate::signed::SIGNED
                    } else {
                        crate::gate::signed::TYPED
                    },
                    signature: s.signature.clone(),
                })
                .collect(),
            introduced_errors: v.introduced_errors(),
            preexisting: v.preexisting.len(),
            compared_keys: match v.scope {
                crate::gate::Scope::Keys { count, .. } => Some(count),
                _ => None,
            },
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
                    // A near miss is a line of the message printed as is:
                    // masked as free text in every format, not only the
                    // human one.
                    text: crate::secrets::mask_line(&n.text),
                    reason: n.reason.clone(),
                })
                .collect(),
            guarded: v.guard.to_string(),
            assurance: v.assurance().to_string(),
        }
    }
}

/// The human rendering.
pub(super) fn write_human(g: &GateView, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let p = super::style::Paint { on: color };
    let paint = |role: Role, s: &str| p.paint(role, s);
    let verdict = if g.passed {
        paint(Role::Good, "PASSED")
    } else {
        paint(Role::Error, "REFUSED")
    };
    writeln!(
        out,
        "{} {verdict}: config change {} ({} guarded path{}), merge base {}",
        paint(Role::Strong, "gate:"),
        g.digest,
        g.changes.len(),
        if g.changes.len() == 1 { "" } else { "s" },
        &g.merge_base[..12.min(g.merge_base.len())]
    )?;
    for c in &g.changes {
        writeln!(out, "  {} {}", c.status, escape(&c.path, 300))?;
    }
    if g.changes.is_empty() {
        writeln!(out, "  no guarded config changed ({})", g.guarded)?;
    }
    if !g.requirements.is_empty() {
        writeln!(out, "{}", paint(Role::Strong, "requirements:"))?;
    }
    for r in &g.requirements {
        let mark = if r.satisfied {
            paint(Role::Good, "ok ")
        } else {
            paint(Role::Error, "MISSING")
        };
        let who = if r.reviewers.is_empty() {
            "any peer".to_string()
        } else {
            r.reviewers.join(", ")
        };
        writeln!(
            out,
            "  {mark} {}: {} of {} sign-off{} from {who}",
            r.source,
            r.have,
            r.required,
            if r.required == 1 { "" } else { "s" }
        )?;
    }
    if !g.signoffs.is_empty() {
        writeln!(out, "{}", paint(Role::Strong, "sign-offs:"))?;
    }
    for s in &g.signoffs {
        let mark = if s.counted {
            paint(Role::Good, "counted")
        } else {
            paint(Role::Warning, "not counted")
        };
        writeln!(
            out,
            "  {mark} {}: {} ({}) [{}]: {}",
            escape(&s.key, 60),
            escape(&s.identity, 200),
            s.commit,
            s.assurance,
            escape(&s.reason, 300)
        )?;
        if let Some(why) = s.signature.as_deref().filter(|w| !s.reason.contains(*w)) {
            writeln!(out, "      signature not counted: {}", escape(why, 300))?;
        }
    }
    near_misses_human(g, &p, out)?;
    writeln!(
        out,
        "introduced: {} error{}; pre-existing findings (not failing){}: {}",
        g.introduced_errors,
        if g.introduced_errors == 1 { "" } else { "s" },
        counted_among(g.compared_keys),
        g.preexisting
    )?;
    writeln!(out, "{}", g.assurance)
}

/// The near misses of the human verdict. They repeat (a pasted block of
/// look-alike lines): each distinct text is masked once.
fn near_misses_human(
    g: &GateView,
    p: &super::style::Paint,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if !g.near_misses.is_empty() {
        writeln!(
            out,
            "{}",
            p.paint(Role::Strong, "near misses (not trailers):")
        )?;
    }
    let mut masked: Option<(&str, String)> = None;
    for n in &g.near_misses {
        if masked.as_ref().is_none_or(|(t, _)| *t != n.text) {
            masked = Some((&n.text, escape(&crate::secrets::mask_line(&n.text), 200)));
        }
        let text = masked.as_ref().map_or("", |(_, m)| m.as_str());
        writeln!(
            out,
            "  {}:{} `{text}`: {}",
            n.commit,
            n.line,
            escape(&n.reason, 300)
        )?;
    }
    Ok(())
}

/// Where pre-existing findings were counted: the keys the change can
/// affect, or (nothing said) the whole trees.
fn counted_among(keys: Option<usize>) -> String {
    match keys {
        Some(n) => format!(
            " among the {n} file key{} the change can affect",
            if n == 1 { "" } else { "s" }
        ),
        None => String::new(),
    }
}

/// The markdown section (PR comments and the GitHub step summary).
///
/// Nothing a commit author wrote can become markup: trailer keys,
/// identities and reasons (which quote them) are code spans whose fence is
/// longer than any backtick run inside (so a backtick cannot close them) and
/// whose `|` are escaped; sources are escaped text. So no link, image,
/// heading, HTML or `@team` mention can be written into a PR comment.
pub(super) fn markdown(g: &GateView) -> String {
    use super::markdown::{code, text};
    let mut out = format!(
        "\n#### Gate: {} — config change `{}` ({} guarded path{})\n\n",
        if g.passed { "passed" } else { "**refused**" },
        g.digest,
        g.changes.len(),
        if g.changes.len() == 1 { "" } else { "s" }
    );
    if !g.requirements.is_empty() {
        out.push_str("| requirement | needed | valid | met |\n|---|---|---|---|\n");
        for r in &g.requirements {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                text(&r.source),
                r.required,
                r.have,
                if r.satisfied { "yes" } else { "**no**" }
            ));
        }
        out.push('\n');
    }
    if !g.signoffs.is_empty() {
        out.push_str(
            "| sign-off | identity | commit | counted | why | assurance |\n|---|---|---|---|---|---|\n",
        );
        for s in &g.signoffs {
            let why = match s.signature.as_deref().filter(|w| !s.reason.contains(*w)) {
                Some(sig) => format!("{}; signature not counted: {sig}", s.reason),
                None => s.reason.clone(),
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                code(&s.key),
                code(&s.identity),
                code(&s.commit),
                if s.counted { "yes" } else { "no" },
                code(&why),
                // One of two constants (no markup; `_` inside a word is not emphasis).
                s.assurance
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!("_{}_\n\n", g.assurance));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Split a table row on the `|` that are not escaped.
    fn cells(row: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut chars = row.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&'|') => {
                    out.last_mut().unwrap().push('|');
                    chars.next();
                }
                '|' => out.push(String::new()),
                c => out.last_mut().unwrap().push(c),
            }
        }
        out.into_iter().map(|c| c.trim().to_string()).collect()
    }

    /// Whether `cell` is exactly one code span.
    fn one_code_span(cell: &str) -> bool {
        let fence = cell.chars().take_while(|&c| c == '`').count();
        if fence == 0 || cell.len() < 2 * fence {
            return false;
        }
        let inner = &cell[fence..cell.len() - fence];
        cell.ends_with(&"`".repeat(fence))
            && !inner.starts_with('`')
            && inner.split(|c| c != '`').all(|run| run.len() != fence)
    }

    #[test]
    fn hostile_identities_stay_inside_code_spans() {
        let pieces = [
            "![x](https://evil.example/p.png)",
            "[click](https://evil.example)",
            "@org/admins",
            "<img src=x onerror=alert(1)>",
            "|",
            "\n## heading",
            "*bold* _it_",
            "&lt;",
        ];
        let mut n = 0;
        for a in pieces {
            for ticks in 0..5 {
                for b in pieces {
                    let identity = format!("{a}{}{b} <x@y>", "`".repeat(ticks));
                    let view = GateView {
                        passed: false,
                        digest: "v2-sha256:00".into(),
                        required: 1,
                        signoffs: vec![SignoffView {
                            key: format!("Reviewed-by{}", "`".repeat(ticks)),
                            identity: identity.clone(),
                            commit: "0123456789ab".into(),
                            counted: false,
                            reason: format!("not a peer: {identity}"),
                            assurance: "typed trailer",
                            signature: None,
                        }],
                        introduced_errors: 0,
                        preexisting: 0,
                        compared_keys: None,
                        merge_base: "0".repeat(40),
                        head: "0".repeat(40),
                        changes: Vec::new(),
                        requirements: Vec::new(),
                        near_misses: Vec::new(),
                        guarded: String::new(),
                        assurance: "a".into(),
                    };
                    let md = markdown(&view);
                    let row = md
                        .lines()
                        .find(|l| l.contains("0123456789ab"))
                        .unwrap_or_else(|| panic!("no row:\n{md}"));
                    let c = cells(row);
                    for i in [1, 2, 5] {
                        assert!(one_code_span(&c[i]), "cell {i} `{}` in\n{md}", c[i]);
                    }
                    n += 1;
                }
            }
        }
        assert_eq!(n, pieces.len() * pieces.len() * 5);
    }
}
