//! The github format: one GitHub Actions workflow command per finding
//! (`::error file=...,line=...,title=...::message`), which the runner turns
//! into annotations on the pull request, then a one-line summary. With
//! `$GITHUB_STEP_SUMMARY` set, the markdown report is appended there too, so
//! findings beyond the annotation limit are still listed on the run's page.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use super::{Options, Report, escape, markdown, plural, shown, summary_line};
use crate::finding::{Finding, Severity, Site};

/// GitHub shows at most 10 annotations of each level per step and drops the
/// rest; driftcheck chooses which ones instead.
const PER_LEVEL: usize = 10;
const MAX_VALUE_CHARS: usize = 200;

pub(super) fn write(
    report: &Report<'_>,
    opts: &Options,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let left_out = annotations(report.findings, opts, out)?;
    if left_out > 0 {
        let where_all = if opts.step_summary.is_some() {
            "; the step summary lists them all"
        } else {
            ""
        };
        let text = format!(
            "{} not annotated: GitHub shows at most {PER_LEVEL} annotations of each level per step{where_all}",
            plural(left_out, "more finding")
        );
        writeln!(out, "::notice title=driftcheck::{}", escape_data(&text))?;
    }
    if let Some(path) = &opts.step_summary {
        append_step_summary(report, path)?;
    }
    if let Some(path) = &opts.outputs {
        append_outputs(report, path)?;
    }
    if !opts.quiet {
        writeln!(out, "driftcheck: {}", summary_line(report))?;
    }
    Ok(())
}

/// Step outputs for later steps: `errors=N`, and for the gate `digest=`
/// and `approved=` (values are single-line by construction).
fn append_outputs(report: &Report<'_>, path: &Path) -> std::io::Result<()> {
    let mut lines = String::new();
    if let Some(g) = report.gate {
        lines.push_str(&format!("digest={}\napproved={}\n", g.digest, g.passed));
    }
    lines.push_str(&format!("errors={}\n", report.summary.errors));
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot append to GITHUB_OUTPUT {}: {e}", path.display()),
            )
        })?;
    f.write_all(lines.as_bytes())
}

/// Write the most important annotations, at most [`PER_LEVEL`] of each level:
/// errors first, then by rule and file. Returns how many were left out.
fn annotations(
    findings: &[Finding],
    opts: &Options,
    out: &mut dyn Write,
) -> std::io::Result<usize> {
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by(|a, b| (a.severity, &a.rule, &a.file).cmp(&(b.severity, &b.rule, &b.file)));
    let mut totals: BTreeMap<Severity, usize> = BTreeMap::new();
    for f in findings {
        *totals.entry(f.severity).or_default() += 1;
    }
    let overflows = totals.values().any(|&n| n > PER_LEVEL);
    let mut per_level: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut left_out = 0;
    for f in order {
        // The left-out line is a notice too: keep a notice slot for it.
        let cap = if overflows && f.severity == Severity::Note {
            PER_LEVEL - 1
        } else {
            PER_LEVEL
        };
        let written = per_level.entry(f.severity).or_default();
        if *written < cap {
            *written += 1;
            annotation(f, opts, out)?;
        } else {
            left_out += 1;
        }
    }
    Ok(left_out)
}

/// `::error file=PATH,line=N,endLine=N,title=RULE::message`, pointing at the
/// first environment's line (paths are repository-relative, as GitHub wants).
fn annotation(f: &Finding, opts: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props = Vec::new();
    if let Some(site) = primary_site(f) {
        props.push(format!(
            "file={}",
            escape_property(&super::escape(&site.file, 4096))
        ));
        if site.line > 0 {
            props.push(format!("line={0},endLine={0}", site.line));
        }
    }
    let title = match &f.policy {
        Some(p) => format!("{} (policy {p})", f.rule),
        None => f.rule.clone(),
    };
    props.push(format!("title={}", escape_property(&escape(&title, 300))));
    writeln!(
        out,
        "::{command} {}::{}",
        props.join(","),
        escape_data(&message(f, opts))
    )
}

/// The annotation's text: the message, key, each environment's value and
/// the help, one per line (values escaped: the log viewer renders ANSI).
fn message(f: &Finding, opts: &Options) -> String {
    let mut lines = vec![escape(&f.message, 300)];
    match (&f.key, &f.document) {
        (Some(key), Some(doc)) => lines.push(format!("key: {} [{doc}]", escape(key, 300))),
        (Some(key), None) => lines.push(format!("key: {}", escape(key, 300))),
        (None, Some(doc)) => lines.push(format!("resource: {doc}")),
        (None, None) => {}
    }
    for (env, site) in &f.envs {
        let at = match site {
            Some(s) if s.line > 0 => format!("{env} ({}:{})", escape(&s.file, 300), s.line),
            Some(s) => format!("{env} ({})", escape(&s.file, 300)),
            None => env.clone(),
        };
        match shown(site.as_ref(), MAX_VALUE_CHARS) {
            Some(value) => lines.push(format!("{at}: {value}")),
            None => lines.push(at),
        }
    }
    if !opts.quiet
        && let Some(help) = &f.help
    {
        lines.push(format!("help: {help}"));
    }
    lines.join("\n")
}

/// The first site of `f` with a known line, else the first site at all.
fn primary_site(f: &Finding) -> Option<&Site> {
    let mut sites = f.envs.iter().filter_map(|(_, s)| s.as_ref());
    sites.clone().find(|s| s.line > 0).or_else(|| sites.next())
}

/// Append the markdown report to `$GITHUB_STEP_SUMMARY`.
fn append_step_summary(report: &Report<'_>, path: &Path) -> std::io::Result<()> {
    let with_path = |e: std::io::Error| {
        std::io::Error::new(
            e.kind(),
            format!("GITHUB_STEP_SUMMARY `{}`: {e}", path.display()),
        )
    };
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(with_path)?;
    let mut text = Vec::new();
    markdown::write(report, &mut text).map_err(with_path)?;
    let text = String::from_utf8_lossy(&text);
    file.write_all(crate::secrets::redact(&text).as_bytes())
        .map_err(with_path)
}

/// Escape a workflow command's message: `%`, CR and LF.
pub(super) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command's property value: as data, plus `:` and `,`
/// (which would end the value).
pub(super) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_newlines() {
        assert_eq!(escape_data("100%\r\nnext"), "100%25%0D%0Anext");
        assert_eq!(escape_data("a:b,c"), "a:b,c");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(
            escape_property("deploy/prod/app,v2.yaml"),
            "deploy/prod/app%2Cv2.yaml"
        );
    }
}
