//! The `driftcheck` binary: parse arguments, run, map the outcome to an exit code.

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
    let args = driftcheck::cli::Args::parse();
    match driftcheck::cli::run(args) {
        Ok(status) => status.into(),
        Err(err) => report_error(&err),
    }
}

/// Print the error and its causes; exit 2. A closed pipe is not an error.
fn report_error(err: &driftcheck::Error) -> ExitCode {
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
    let mut text = format!("driftcheck: error: {err}\n");
    for cause in causes {
        text.push_str(&format!("  caused by: {cause}\n"));
    }
    let _ = std::io::stderr()
        .lock()
        .write_all(driftcheck::secrets::redact::redact(&text).as_bytes());
    ExitCode::from(2)
}
