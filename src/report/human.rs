//! The human format: findings grouped by file, each with its rule, severity,
//! key path, one `env:line value` row per environment and a help line, then a
//! one-line summary.

use std::io::Write;

use super::{Options, Report, escape, plural, shown, summary_line};
use crate::finding::{Finding, Severity};

const MAX_VALUE_CHARS: usize = 200;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(&self, sev: Severity) -> String {
        let code = match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Note => "1;36",
        };
        self.wrap(code, sev.as_str())
    }
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
            writeln!(out, "{}", paint.wrap("1", &escape(&f.file, 300)))?;
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
            paint.wrap("1", "equal once environment names are normalised:")
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
        paint.wrap("1;31", &line)
    } else {
        paint.wrap("1", &line)
    };
    writeln!(out, "{} {line}", paint.wrap("1", "summary:"))?;
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
        .map(|p| format!(" (policy {})", paint.wrap("1", p)))
        .unwrap_or_default();
    writeln!(
        out,
        "  {}[{}]{policy}: {}",
        paint.severity(f.severity),
        paint.wrap("1", &f.rule),
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
            paint.wrap("2", "key:"),
            escape(key, 300)
        )?;
    } else if let Some(doc) = &f.document {
        writeln!(out, "    {} {doc}", paint.wrap("2", "resource:"))?;
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
        writeln!(out, "    {} {help}", paint.wrap("32", "help:"))?;
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
