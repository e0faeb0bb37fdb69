//! Problems in driftcheck's own inputs ([`crate::diagnostic::Problem`]),
//! one renderer per format. The human form is the compiler's: the message,
//! an arrow to `file:line:column`, the source line and a caret under the
//! offending token, then the help. The source line is masked as a line of
//! free text (credential words, `key=value` under secret names, command
//! lines, token shapes) and the whole text then passes the redacting writer
//! (see `main.rs`): a config line may hold a credential in a `render`
//! argument.

use std::io::Write;

use super::OutputFormat;
use super::style::{Paint, Role};
use crate::diagnostic::Problem;
use crate::registry::tool_rule;

/// The problems in human form.
pub fn human(problems: &[Problem], paint: Paint) -> String {
    let mut out = String::new();
    for p in problems {
        out.push_str(&format!(
            "{}: {}\n",
            paint.paint(Role::Error, &format!("error[{}]", p.code)),
            paint.paint(Role::Strong, &crate::secrets::mask_quoted_names(&p.message))
        ));
        let width = p.line.max(1).to_string().len();
        let pad = " ".repeat(width);
        let at = location(p);
        out.push_str(&format!("{pad}{} {at}\n", paint.paint(Role::Dim, "-->")));
        if let (Some(source), true) = (&p.source, p.column > 0) {
            let bar = paint.paint(Role::Dim, "|");
            let caret = " ".repeat(p.column as usize - 1) + &"^".repeat(p.width.max(1) as usize);
            out.push_str(&format!("{pad} {bar}\n"));
            out.push_str(&format!(
                "{} {bar} {}\n",
                paint.paint(Role::Dim, &format!("{:>width$}", p.line)),
                crate::secrets::mask_source_line(&source.replace('\t', " "))
            ));
            out.push_str(&format!(
                "{pad} {bar} {}\n",
                paint.paint(Role::Error, &caret)
            ));
        }
        if let Some(help) = &p.help {
            out.push_str(&format!(
                "{pad} {} {help}\n",
                paint.paint(Role::Good, "= help:")
            ));
        }
        out.push('\n');
    }
    // The code's general advice once, after the list.
    let mut codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
    codes.sort_unstable();
    codes.dedup();
    for help in codes.iter().filter_map(|c| tool_rule(c)).map(|r| r.help) {
        out.push_str(&format!("{} {help}\n", paint.paint(Role::Good, "help:")));
    }
    out
}

/// The problems for consumers that read stdout only (JSON, SARIF, GitHub,
/// markdown); the human form goes to stderr.
///
/// # Errors
/// When writing fails.
pub fn write(
    format: OutputFormat,
    problems: &[Problem],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // Names quoted in messages and source lines pass the name rule
    // (`secrets::shown_name`) in every format, as in the human form.
    let masked: Vec<Problem> = problems
        .iter()
        .map(|p| Problem {
            message: crate::secrets::mask_quoted_names(&p.message),
            source: p.source.as_deref().map(crate::secrets::mask_source_line),
            ..p.clone()
        })
        .collect();
    let problems = &masked[..];
    let message = crate::diagnostic::headline(problems);
    match format {
        OutputFormat::Human => Ok(()),
        OutputFormat::Json => {
            let list: Vec<serde_json::Value> = problems.iter().map(json).collect();
            let v = serde_json::json!({
                "version": 1,
                "error": { "message": message, "causes": [], "exit_code": 2, "problems": list },
            });
            writeln!(out, "{v}")
        }
        OutputFormat::Github => {
            for p in problems {
                let mut props = vec![format!("file={}", super::github::escape_property(&p.file))];
                if p.line > 0 {
                    props.push(format!("line={}", p.line));
                }
                if p.column > 0 {
                    props.push(format!("col={}", p.column));
                }
                props.push(format!("title={}", super::github::escape_property(p.code)));
                writeln!(
                    out,
                    "::error {}::{}",
                    props.join(","),
                    super::github::escape_data(&p.message)
                )?;
            }
            Ok(())
        }
        OutputFormat::Sarif => {
            let notes: Vec<serde_json::Value> = problems.iter().map(sarif).collect();
            writeln!(out, "{}", super::error::failed_run(notes))
        }
        OutputFormat::Markdown => {
            writeln!(
                out,
                "**driftcheck could not run** (exit 2): {}\n",
                super::markdown::text(&message)
            )?;
            for p in problems {
                writeln!(
                    out,
                    "- `{}` {}: {}",
                    p.code,
                    super::markdown::text(&location(p)),
                    super::markdown::text(&p.message)
                )?;
            }
            Ok(())
        }
    }
}

/// `file:line:column`, as much as is known.
fn location(p: &Problem) -> String {
    match (p.line, p.column) {
        (0, _) => p.file.clone(),
        (l, 0) => format!("{}:{l}", p.file),
        (l, c) => format!("{}:{l}:{c}", p.file),
    }
}

fn json(p: &Problem) -> serde_json::Value {
    serde_json::json!({
        "code": p.code,
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "message": p.message,
        "help": p.help.as_deref().or_else(|| tool_rule(p.code).map(|r| r.help)),
    })
}

fn sarif(p: &Problem) -> serde_json::Value {
    let mut region = serde_json::Map::new();
    if p.line > 0 {
        region.insert("startLine".into(), p.line.into());
    }
    if p.column > 0 {
        region.insert("startColumn".into(), p.column.into());
    }
    serde_json::json!({
        "level": "error",
        "descriptor": { "id": p.code },
        "message": { "text": p.message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": p.file },
            "region": region,
        }}],
    })
}
