//! Rendered environments: an environment that exists only as a command's
//! output (`render = ["jsonnet", "-y", "envs/canary.jsonnet"]`).
//!
//! The command runs without a shell (argv as given), in the repository root,
//! with no standard input and a time limit. Its standard output (a YAML or
//! JSON stream) is the environment. A command that fails or times out stops
//! the run (exit 2) with the command named and the end of its standard error
//! shown: a half-rendered environment compared as if complete would be worse
//! than no answer.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::Error;

/// Default time limit for a render command.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Most bytes of output kept; a render larger than this is an error.
const MAX_OUTPUT: u64 = 256 * 1024 * 1024;

/// Parse `render_timeout` (`"30s"`, `"2m"`, `"500ms"`, `"90"` = seconds).
pub fn parse_timeout(text: &str) -> Option<Duration> {
    let t = text.trim();
    let (num, unit) = t
        .find(|c: char| !c.is_ascii_digit())
        .map_or((t, ""), |i| t.split_at(i));
    let n: u64 = num.parse().ok()?;
    let d = match unit.trim() {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n.checked_mul(60)?),
        "h" => Duration::from_secs(n.checked_mul(3600)?),
        _ => return None,
    };
    (!d.is_zero()).then_some(d)
}

/// The command as shown in findings and errors, credentials masked
/// ([`crate::secrets::mask_command`]).
pub fn shown_command(argv: &[String]) -> String {
    crate::secrets::mask_command(argv)
}

/// Free text with every secret-looking part replaced by `<masked>`
/// ([`crate::secrets::mask_command_output`]).
fn masked(text: &str) -> String {
    crate::secrets::mask_command_output(text)
}

/// Run `argv` in `dir` for environment `env` and return its standard output.
///
/// # Errors
/// When the command cannot start, exits unsuccessfully, is killed by a signal,
/// prints too much, or runs past `timeout`.
pub fn run(env: &str, argv: &[String], dir: &Path, timeout: Duration) -> Result<Vec<u8>, Error> {
    let progress = crate::progress::Progress::start(true);
    progress.show(&format!("rendering {env} …"));
    let shown = shown_command(argv);
    let fail = |what: String| Error::Render {
        env: env.to_string(),
        command: shown.clone(),
        what,
    };
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| fail("`render` is empty".to_string()))?;
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group: at the timeout (or once it has exited) the
    // whole group goes, including background children holding our pipes.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .spawn()
        .map_err(|e| fail(format!("could not start it: {e}")))?;
    let group = child.id();
    // Read both pipes on their own threads: a child blocked on a full pipe
    // would otherwise never exit and always time out.
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    // Results come back over channels so that waiting for them has a
    // deadline: a reader blocked on a pipe some leftover process still holds
    // must not hang driftcheck.
    let (out_tx, out_rx) = std::sync::mpsc::channel();
    let (err_tx, err_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let r = (&mut stdout).take(MAX_OUTPUT + 1).read_to_end(&mut buf);
        let _ = out_tx.send(r.map(|_| buf));
    });
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut stderr).take(1024 * 1024).read_to_end(&mut buf);
        let _ = err_tx.send(buf);
    });
    let start = Instant::now();
    let status = loop {
        match child
            .try_wait()
            .map_err(|e| fail(format!("could not wait for it: {e}")))?
        {
            Some(status) => break status,
            None if start.elapsed() >= timeout => {
                kill_group(group);
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!("timed out after {}", human(timeout))));
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    // The command is done; whatever it left running in its group is not
    // part of its output (and would keep the pipes open).
    kill_group(group);
    let left = |grace: Duration| timeout.saturating_sub(start.elapsed()).max(grace);
    let stdout = out_rx
        .recv_timeout(left(Duration::from_secs(1)))
        .map_err(|_| fail(format!("timed out after {}", human(timeout))))?;
    let stderr = err_rx
        .recv_timeout(left(Duration::from_millis(200)))
        .unwrap_or_default();
    let stdout = stdout.map_err(|e| fail(format!("reading its output failed: {e}")))?;
    if !status.success() {
        let code = status
            .code()
            .map_or("a signal".to_string(), |c| format!("status {c}"));
        return Err(fail(format!("exited with {code}{}", tail(&stderr))));
    }
    if stdout.len() as u64 > MAX_OUTPUT {
        return Err(fail(format!("printed more than {MAX_OUTPUT} bytes")));
    }
    Ok(stdout)
}

/// Kill every process of the group `pgid` (the render command's). Done
/// with `kill(1)`: the crate forbids `unsafe`, and a signal to a group needs
/// `libc::kill`; this runs once per render, so a process start is cheap.
fn kill_group(pgid: u32) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

fn human(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// The last lines of standard error, indented, for the error message.
fn tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let start = lines.len().saturating_sub(20);
    let shown: Vec<String> = lines[start..]
        .iter()
        .map(|l| format!("    {}", crate::text::escape(&masked(l), 300)))
        .collect();
    format!("; its standard error ends with:\n{}", shown.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_argv_are_masked() {
        let argv: Vec<String> = [
            "jsonnet",
            "--ext-str",
            "password=hunter2secret",
            "envs/prod.jsonnet",
        ]
        .map(String::from)
        .into();
        assert_eq!(
            shown_command(&argv),
            "jsonnet --ext-str password=<masked> envs/prod.jsonnet"
        );
        let argv: Vec<String> = [
            "helm",
            "template",
            "--set",
            "db.password=s3cret",
            "--api-key",
            "k9",
        ]
        .map(String::from)
        .into();
        assert_eq!(
            shown_command(&argv),
            "helm template --set db.password=<masked> --api-key <masked>"
        );
        // Every placement of a credential in an argv: after a credential
        // flag, attached, `user:pw` alone, inside a `sh -c` script.
        for secret in ["avyfErGPmpGXafq0fj", "T5GOBUSZGi6HWGK10Z"] {
            for argv in [
                vec!["mysql".to_string(), format!("-p{secret}")],
                vec!["curl".to_string(), "-u".into(), format!("admin:{secret}")],
                vec!["tool".to_string(), format!("admin:{secret}")],
                vec!["sh".to_string(), "-c".into(), format!("sleep 5 # {secret}")],
            ] {
                let shown = shown_command(&argv);
                assert!(!shown.contains(&secret[..6]), "{argv:?}: {shown}");
            }
        }
        assert_eq!(
            masked("error: password hunter2 rejected"),
            "error: password <masked> rejected"
        );
    }

    #[test]
    fn timeouts_parse() {
        assert_eq!(parse_timeout("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_timeout("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_timeout("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_timeout("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_timeout("0s"), None);
        assert_eq!(parse_timeout("soon"), None);
    }

    #[test]
    fn runs_without_a_shell_and_enforces_the_timeout() {
        let dir = std::env::temp_dir();
        let out = run(
            "e",
            &["echo".into(), "a: 1".into(), "$HOME".into()],
            &dir,
            DEFAULT_TIMEOUT,
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a: 1 $HOME\n");
        let start = Instant::now();
        let e = run(
            "e",
            &["sleep".into(), "30".into()],
            &dir,
            Duration::from_millis(300),
        )
        .unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(e.to_string().contains("timed out after 300ms"), "{e}");
        let e = run(
            "e",
            &["sh".into(), "-c".into(), "echo oops >&2; exit 3".into()],
            &dir,
            DEFAULT_TIMEOUT,
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("status 3") && msg.contains("oops"), "{msg}");
        let e = run("e", &["no-such-program-xyz".into()], &dir, DEFAULT_TIMEOUT).unwrap_err();
        assert!(e.to_string().contains("could not start"), "{e}");
    }

    #[test]
    fn background_children_holding_the_pipes_do_not_hang_us() {
        let dir = std::env::temp_dir();
        let sh = |script: &str| vec!["sh".to_string(), "-c".to_string(), script.to_string()];
        // Done, but a background child still holds stdout and stderr.
        let start = Instant::now();
        let out = run(
            "e",
            &sh("sleep 30 & echo 'a: 1'"),
            &dir,
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a: 1\n");
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        // Past the timeout with a background child: the whole group goes.
        let start = Instant::now();
        let e = run(
            "e",
            &sh("sleep 30 >&2 & sleep 30"),
            &dir,
            Duration::from_millis(500),
        )
        .unwrap_err();
        assert!(e.to_string().contains("timed out"), "{e}");
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }
}
