//! A run that could not do its job (exit 2), in the format asked for.
//!
//! Text goes to stderr whatever the format (see `main.rs`); this writes the
//! same error to stdout for consumers that read only the report: GitHub's
//! log annotations, JSON and SARIF readers, a pull-request comment.

use std::io::Write;

use super::OutputFormat;

/// Write the error `message` (and its `causes`) in `format`. The human
/// format writes nothing here: stderr already has it.
///
/// # Errors
/// When writing fails.
pub fn write(
    format: OutputFormat,
    message: &str,
    causes: &[String],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let full = std::iter::once(message.to_string())
        .chain(causes.iter().map(|c| format!("caused by: {c}")))
        .collect::<Vec<_>>()
        .join("\n");
    match format {
        OutputFormat::Human => Ok(()),
        OutputFormat::Json => {
            let v = serde_json::json!({
                "version": 1,
                "error": { "message": message, "causes": causes, "exit_code": 2 },
            });
            writeln!(out, "{v}")
        }
        OutputFormat::Github => writeln!(
            out,
            "::error title=driftcheck could not run::{}",
            super::github::escape_data(&full)
        ),
        OutputFormat::Sarif => {
            let note = serde_json::json!({ "level": "error", "message": { "text": full } });
            writeln!(out, "{}", failed_run(vec![note]))
        }
        OutputFormat::Markdown => writeln!(
            out,
            "**driftcheck could not run** (exit 2): {}",
            super::markdown::text(&full.replace('\n', " "))
        ),
    }
}

/// A SARIF log of a run that could not do its job (exit 2), with its
/// tool-execution notifications.
pub(super) fn failed_run(notifications: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "driftcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": super::sarif::INFORMATION_URI,
            }},
            "invocations": [{
                "executionSuccessful": false,
                "exitCode": 2,
                "toolExecutionNotifications": notifications,
            }],
            "results": [],
        }],
    })
}
