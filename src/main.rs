//! The `driftcheck` binary: parse arguments, run, map the outcome to an exit code.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

/// driftcheck allocates many small strings (key paths, values); mimalloc
/// handles that about twice as fast as the system allocator (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A panic message could quote data being processed; print only where it happened.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        #[allow(clippy::print_stderr, reason = "last words of a crashing process")]
        {
            eprintln!("driftcheck: internal error{at} (this is a bug; please report it)");
        }
    }));
    let args = cli::Args::parse();
    let format = args.output_format();
    match cli::run(args) {
        Ok(status) => status.into(),
        Err(err) => report_error(&err, format),
    }
}

/// Print the error and its causes; exit 2. A closed pipe is not an error.
///
/// The error goes to stderr as text, and also to stdout in the format asked
/// for, so a CI consumer reading only that sees why the run failed: a
/// `::error` workflow command (`github`), a `{"version":1,"error":{..}}`
/// object (`json`), a SARIF log whose invocation failed (`sarif`), or a
/// line (`markdown`). Not when the report itself was already written (a run
/// whose every file failed to parse): one document per run.
fn report_error(err: &driftcheck::Error, format: driftcheck::report::OutputFormat) -> ExitCode {
    use std::error::Error as _;
    use std::io::Write as _;

    let mut causes = Vec::new();
    let mut next = err.source();
    while let Some(cause) = next {
        causes.push(cause);
        next = cause.source();
    }
    let broken_pipe = causes.iter().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return ExitCode::SUCCESS;
    }
    // Errors pass the same last line of defence as reports.
    let mut text = String::new();
    if let driftcheck::Error::Invalid { problems } = err {
        let on = !matches!(
            anstream::AutoStream::choice(&std::io::stderr()),
            anstream::ColorChoice::Never
        );
        let paint = driftcheck::report::style::Paint { on };
        text.push_str(&driftcheck::report::problems::human(problems, paint));
        text.push_str(&format!(
            "driftcheck: error: {}\n",
            driftcheck::diagnostic::headline(problems)
        ));
    } else {
        text.push_str(&format!("driftcheck: error: {err}\n"));
    }
    for cause in &causes {
        text.push_str(&format!("  caused by: {cause}\n"));
    }
    let _ = std::io::stderr()
        .lock()
        .write_all(driftcheck::secrets::redact_error(&text).as_bytes());
    if !matches!(err, driftcheck::Error::NothingCompared { .. }) {
        let causes: Vec<String> = causes
            .iter()
            .map(|c| driftcheck::secrets::redact_error(&c.to_string()))
            .collect();
        let message = driftcheck::secrets::redact_error(&err.to_string());
        let mut stdout = std::io::stdout().lock();
        let _ = match err {
            driftcheck::Error::Invalid { problems } => {
                let problems: Vec<driftcheck::diagnostic::Problem> = problems
                    .iter()
                    .map(|p| driftcheck::diagnostic::Problem {
                        message: driftcheck::secrets::redact(&p.message).into_owned(),
                        source: None,
                        ..p.clone()
                    })
                    .collect();
                driftcheck::report::problems::write(format, &problems, &mut stdout)
            }
            _ => driftcheck::report::error::write(format, &message, &causes, &mut stdout),
        };
        let _ = stdout.flush();
    }
    ExitCode::from(2)
}
