//! The markdown format: a report ready to post as a pull-request comment (and
//! the github format's step summary). A verdict heading, the summary line, one
//! table row per finding (errors first) with each environment's value, and
//! each rule's help folded in a `<details>` block.
//!
//! Everything from the repository (paths, keys, values) goes in code spans, so
//! it cannot turn into markup, links or mentions.

use std::collections::BTreeMap;
use std::io::Write;

use super::{Report, escape, plural, shown, summary_line};
use crate::finding::{Finding, Rule};

/// GitHub rejects a comment over 65,536 characters; counting bytes keeps
/// under it whatever the text.
const COMMENT_LIMIT: usize = 65_536;
/// Room kept for the `… N more findings` line.
const MORE_LINE: usize = 200;
/// The help blocks may take this much; the table gets the rest.
const DETAILS_LIMIT: usize = 16_384;
const MAX_VALUE_CHARS: usize = 80;
/// Paths and keys are cut later than values: they say where.
const MAX_CODE_CHARS: usize = 300;
const MAX_HELP_CHARS: usize = 1_000;

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let head = head(report);
    let details = details(report.findings);
    let budget = COMMENT_LIMIT.saturating_sub(head.len() + details.len() + MORE_LINE);
    let table = table(report, budget);
    out.write_all(head.as_bytes())?;
    out.write_all(table.as_bytes())?;
    out.write_all(details.as_bytes())
}

/// The verdict heading and the summary line.
fn head(report: &Report<'_>) -> String {
    let errors = report.summary.errors;
    let verdict = if errors == 0 {
        "✅ driftcheck: no errors".to_string()
    } else {
        format!("❌ driftcheck: {}", plural(errors, "error"))
    };
    let mut head = format!("### {verdict}\n\n{}\n", text(&summary_line(report)));
    if report.accepted > 0 {
        head.push_str(&format!(
            "\n{} accepted (inline allow, waiver or baseline)\n",
            plural(report.accepted, "finding")
        ));
    }
    if let Some(g) = report.gate {
        head.push_str(&super::gate::markdown(g));
    }
    head
}

/// The findings table, errors first, cut with a `… N more findings` line
/// where the next row would pass `budget` bytes.
fn table(report: &Report<'_>, budget: usize) -> String {
    if report.findings.is_empty() {
        return String::new();
    }
    let mut order: Vec<&Finding> = report.findings.iter().collect();
    order.sort_by_key(|f| f.severity);
    // One value column per environment; a report without environments (the
    // gate's) shows each finding's message instead.
    let mut cols: Vec<String> = ["severity", "rule", "file", "key"]
        .map(String::from)
        .to_vec();
    if report.envs.is_empty() {
        cols.push("message".into());
    } else {
        cols.extend(report.envs.iter().map(|e| text(e)));
    }
    let mut table = format!(
        "\n| {} |\n|{}\n",
        cols.join(" | "),
        "---|".repeat(cols.len())
    );
    for (n, f) in order.iter().enumerate() {
        let row = row(f, report.envs);
        if table.len() + row.len() > budget {
            table.push_str(&format!(
                "\n… {} not shown (a comment holds at most 65,536 characters)\n",
                plural(order.len() - n, "more finding")
            ));
            break;
        }
        table.push_str(&row);
    }
    table
}

/// `| error | drift/data-path | file | key | value | value |`, one value
/// column per environment of the run.
fn row(f: &Finding, envs: &[String]) -> String {
    let rule = match &f.policy {
        Some(p) => format!("{}<br>policy {}", code(&f.rule), code(p)),
        None => code(&f.rule),
    };
    let file = match &f.document {
        Some(doc) => format!("{}<br>{}", code(&f.file), code(doc)),
        None => code(&f.file),
    };
    let key = f.key.as_deref().map(code).unwrap_or_default();
    if envs.is_empty() {
        return format!(
            "| {} | {rule} | {file} | {key} | {} |\n",
            f.severity.as_str(),
            text(&f.message)
        );
    }
    let values: Vec<String> = envs
        .iter()
        .map(|env| match f.envs.iter().find(|(e, _)| e == env) {
            None => String::new(),
            Some((_, None)) => "*absent*".to_string(),
            Some((_, Some(site))) => match shown(Some(site), MAX_VALUE_CHARS) {
                None => "*present*".to_string(),
                Some(v) if v.is_empty() => "*empty*".to_string(),
                Some(v) => code(&v),
            },
        })
        .collect();
    format!(
        "| {} | {rule} | {file} | {key} | {} |\n",
        f.severity.as_str(),
        values.join(" | ")
    )
}

/// One folded block per rule id: what it checks, and each distinct help its
/// findings carry (a policy that governs a built-in finding brings its own).
fn details(findings: &[Finding]) -> String {
    let mut helps: BTreeMap<&str, Vec<(Option<&str>, &str)>> = BTreeMap::new();
    for f in findings {
        let entry = helps.entry(&f.rule).or_default();
        if let Some(help) = f.help.as_deref()
            && !entry.iter().any(|(_, h)| *h == help)
        {
            entry.push((f.policy.as_deref(), help));
        }
    }
    let mut details = String::new();
    let mut left_out = Vec::new();
    for (id, helps) in helps {
        let block = block(id, &helps);
        if details.len() + block.len() > DETAILS_LIMIT {
            left_out.push(code(id));
        } else {
            details.push_str(&block);
        }
    }
    if !left_out.is_empty() {
        details.push_str(&format!(
            "\nHelp for {}: `driftcheck explain RULE`.\n",
            left_out.join(", ")
        ));
    }
    details
}

/// `<details><summary>rule: what it checks</summary> help </details>`.
fn block(id: &str, helps: &[(Option<&str>, &str)]) -> String {
    let what = Rule::from_id(id)
        .map(|r| format!(": {}", html(r.summary())))
        .unwrap_or_default();
    let mut block = format!(
        "\n<details><summary><code>{}</code>{what}</summary>\n\n",
        html(id)
    );
    for (policy, help) in helps {
        let from = policy
            .map(|p| format!("policy <code>{}</code>: ", html(p)))
            .unwrap_or_default();
        let help: String = help.chars().take(MAX_HELP_CHARS).collect();
        block.push_str(&format!("{from}{}\n\n", html(&help)));
    }
    block.push_str("</details>\n");
    block
}

/// A code span that shows `s` exactly inside a table cell: `|` escaped (GitHub
/// splits cells before reading code spans), a fence longer than any run of
/// backticks in `s`, and control characters escaped.
fn code(s: &str) -> String {
    let s = escape(s, MAX_CODE_CHARS).replace('|', "\\|");
    let longest_run = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    if longest_run > 0 {
        // A space on both sides is stripped, and lets `s` start or end with a backtick.
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// Plain text in a cell or line: markup characters escaped.
pub(super) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in escape(s, 300).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '@' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text inside HTML (`<summary>`, `<details>`).
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_pipes_backticks_and_newlines() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("say `hi`"), "`` say `hi` ``");
        assert_eq!(code("``x"), "``` ``x ```");
        assert_eq!(code("a\nb"), "`a\\nb`");
    }

    #[test]
    fn text_escapes_markup() {
        assert_eq!(text("a_b *c* @team"), "a\\_b \\*c\\* \\@team");
        assert_eq!(html("<b>&"), "&lt;b&gt;&amp;");
    }
}
