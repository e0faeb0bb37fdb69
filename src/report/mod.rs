//! Rendering findings. One model ([`Report`]), one renderer per format; each
//! writes to an `impl Write` and never prints by itself, so tests render into
//! a buffer (the github format also appends to the step summary file named in
//! [`Options`]). Values arrive already masked: renderers only escape them.

pub mod approve;
pub mod audit;
pub mod error;
pub mod explain;
pub mod gate;
mod github;
mod human;
pub mod init;
mod json;
mod markdown;
/// How printed paths are made repository-relative (kept below the
/// renderers, in [`crate::paths`]: the pipeline rewrites sites with it).
pub use crate::paths;
pub mod problems;
mod sarif;
pub mod style;
pub mod trailers;

use std::io::Write;
use std::path::PathBuf;

use crate::finding::{Finding, Shown, Site, Summary};
pub use crate::text::escape;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Grouped by file, like compiler diagnostics.
    Human,
    /// One JSON object (see docs/json.md).
    Json,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow commands (annotations), plus a step summary.
    Github,
    /// A summary table ready to post as a pull-request comment.
    Markdown,
}

/// Everything a renderer needs.
#[derive(Debug)]
pub struct Report<'a> {
    /// The subcommand (`diff`, `check`).
    pub command: &'a str,
    /// Environment names, in the order given.
    pub envs: &'a [String],
    /// Findings to show.
    pub findings: &'a [Finding],
    /// Values equal only modulo environment names (present with `-v`).
    pub equivalent: &'a [Finding],
    /// How many values are equal only modulo environment names.
    pub equivalent_count: usize,
    /// Counts by severity of `findings`.
    pub summary: Summary,
    /// How many files were compared.
    pub files: usize,
    /// Findings accepted by inline suppressions, waivers or a baseline.
    pub accepted: usize,
    /// The gate's verdict (`gate` only).
    pub gate: Option<&'a gate::GateView>,
}

/// Rendering options. Whatever comes from the process environment is passed
/// in here, so renderers (and their tests) never read it themselves.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Use ANSI colours.
    pub color: bool,
    /// Also show values equal only modulo environment names.
    pub verbose: bool,
    /// Only findings, no help lines or summary.
    pub quiet: bool,
    /// `$GITHUB_STEP_SUMMARY`: the github format appends the markdown report there.
    pub step_summary: Option<PathBuf>,
    /// `$GITHUB_OUTPUT`: the github format appends `errors=N` (and, for the
    /// gate, `digest=` and `approved=`) there.
    pub outputs: Option<PathBuf>,
}

/// Render `report` in `format`.
///
/// # Errors
/// When writing fails.
pub fn write(
    format: OutputFormat,
    report: &Report<'_>,
    opts: &Options,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // The repository's names this report prints: a weak password that is
    // also a word of them stays readable there, and only there.
    for f in report.findings.iter().chain(report.equivalent) {
        crate::secrets::remember_names(
            std::iter::once(f.file.as_str())
                .chain(f.key.as_ref().map(|k| k.as_str()))
                .chain(f.document.as_deref())
                .chain(
                    f.envs
                        .iter()
                        .filter_map(|(_, s)| s.as_ref().map(|s| s.file.as_str())),
                ),
        );
    }
    if let Some(g) = report.gate {
        crate::secrets::remember_names(g.changes.iter().map(|c| c.path.as_str()));
    }
    match format {
        OutputFormat::Human => human::write(report, opts, out),
        OutputFormat::Json => json::write(report, opts, out),
        OutputFormat::Sarif => sarif::write(report, out),
        OutputFormat::Github => github::write(report, opts, out),
        OutputFormat::Markdown => markdown::write(report, out),
    }
}

/// `4 errors, 6 warnings, 5 notes (staging vs prod, 11 files)`: the one-line
/// summary every human-facing format ends with.
fn summary_line(report: &Report<'_>) -> String {
    let s = report.summary;
    let envs = if report.envs.is_empty() {
        String::new()
    } else {
        format!("{}, ", report.envs.join(" vs "))
    };
    format!(
        "{}, {}, {} ({envs}{})",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.notes, "note"),
        plural(report.files, "file")
    )
}

/// `1 error`, `2 errors`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// What an environment holds, as the text formats show it: the value
/// (escaped and cut), `<secret fp=...>`, `(absent)`, or `None` for a
/// whole-file site that has no value to show.
fn shown(site: Option<&Site>, max_chars: usize) -> Option<String> {
    match site {
        None => Some("(absent)".to_string()),
        Some(s) => match &s.value {
            None => None,
            Some(Shown::Value(v)) => Some(escape(v, max_chars)),
            Some(Shown::Secret { fingerprint }) => Some(format!("<secret fp={fingerprint}>")),
        },
    }
}
