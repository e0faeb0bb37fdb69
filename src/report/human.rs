//! The human format: findings grouped by file, each with its rule, severity,
//! key path, one `env:line value` row per environment and a help line, then a
//! one-line summary.

use std::io::Write;

use super::{Options, Report, escape, plural, shown, summary_line};
use crate::finding::{Finding, Severity};

const MAX_VALUE_CHARS: usize = 200;

use super::style::{Paint, Role};

/// A severity's name in its colour.
fn severity(paint: Paint, sev: Severity) -> String {
    let role = match sev {
        Severity::Error => Role::Error,
        Severity::Warning => Role::Warning,
        Severity::Note => Role::Note,
    };
    paint.paint(role, sev.as_str())
}

pub(super) fn write(
    report: &Report<'_>,
    opts: &Options,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let paint = Paint { on: opts.color };
    let mut current_file: Option<&str> = None;
    for f in report.findings {
        if current_file != Some(f.file.as_str()) {
            if current_file.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", paint.paint(Role::Strong, &escape(&f.file, 300)))?;
            current_file = Some(&f.file);
        }
        finding(f, &paint, opts, out)?;
    }
    if opts.verbose && !report.equivalent.is_empty() {
        if !report.findings.is_empty() {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{}",
            paint.paint(Role::Strong, "equal once environment names are normalised:")
        )?;
        for f in report.equivalent {
            let doc = f
                .document
                .as_deref()
                .map(|d| format!(" [{d}]"))
                .unwrap_or_default();
            writeln!(out, "  {}: {}{doc}", f.file, f.key.as_deref().unwrap_or(""))?;
            sites(f, out, "    ")?;
        }
    }
    if let Some(g) = report.gate {
        if !report.findings.is_empty() {
            writeln!(out)?;
        }
        super::gate::write_human(g, opts.color, out)?;
        return Ok(());
    }
    if opts.quiet {
        return Ok(());
    }
    if !report.findings.is_empty() {
        writeln!(out)?;
    }
    let line = summary_line(report);
    let line = if report.summary.errors > 0 {
        paint.paint(Role::Error, &line)
    } else {
        paint.paint(Role::Strong, &line)
    };
    writeln!(out, "{} {line}", paint.paint(Role::Strong, "summary:"))?;
    if report.accepted > 0 {
        writeln!(
            out,
            "  {} accepted (inline allow, waiver or baseline)",
            plural(report.accepted, "finding")
        )?;
    }
    if report.equivalent_count > 0 && !opts.verbose {
        writeln!(
            out,
            "  {} equal once environment names are normalised (not drift; -v lists them)",
            plural(report.equivalent_count, "value")
        )?;
    }
    Ok(())
}

fn finding(f: &Finding, paint: &Paint, opts: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    let policy = f
        .policy
        .as_deref()
        .map(|p| format!(" (policy {})", paint.paint(Role::Strong, p)))
        .unwrap_or_default();
    writeln!(
        out,
        "  {}[{}]{policy}: {}",
        severity(*paint, f.severity),
        paint.paint(Role::Strong, &f.rule),
        escape(&f.message, 300)
    )?;
    if let Some(key) = &f.key {
        let doc = f
            .document
            .as_deref()
            .map(|d| format!("  [{d}]"))
            .unwrap_or_default();
        writeln!(
            out,
            "    {} {}{doc}",
            paint.paint(Role::Dim, "key:"),
            escape(key, 300)
        )?;
    } else if let Some(doc) = &f.document {
        writeln!(out, "    {} {doc}", paint.paint(Role::Dim, "resource:"))?;
    }
    sites(f, out, "    ")?;
    if let Some(diff) = &f.diff {
        for line in diff.lines() {
            writeln!(out, "      {}", escape(line, 400))?;
        }
    }
    if !opts.quiet
        && let Some(help) = &f.help
    {
        writeln!(out, "    {} {help}", paint.paint(Role::Good, "help:"))?;
    }
    Ok(())
}

/// One row per environment: `staging:12   value`.
fn sites(f: &Finding, out: &mut dyn Write, indent: &str) -> std::io::Result<()> {
    let labels: Vec<String> = f
        .envs
        .iter()
        .map(|(env, site)| match site {
            Some(s) if s.line == 0 => format!("{env}: {}", s.file),
            Some(s) if !s.file.ends_with(&f.file) => format!("{env}: {}:{}", s.file, s.line),
            Some(s) => format!("{env}:{}", s.line),
            None => env.to_string(),
        })
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    for ((_, site), label) in f.envs.iter().zip(&labels) {
        match shown(site.as_ref(), MAX_VALUE_CHARS) {
            Some(value) if !value.is_empty() => {
                writeln!(out, "{indent}{label:<width$}  {value}")?;
            }
            _ => writeln!(out, "{indent}{label}")?,
        }
    }
    Ok(())
}
