//! Differential test: our trailer parser against git itself.
//!
//! Every message (a real-world corpus plus deterministic adversarial ones)
//! is parsed by `trailers::parse` and by git, with a hermetic environment
//! (no system/global config, empty HOME, outside any repository):
//!
//! - `Mode::MessageFile` vs `git interpret-trailers --parse --no-divider`
//!   (message on stdin);
//! - `Mode::CommitObject` vs `git log --format=%(trailers:only,unfold)` on a
//!   commit made from the message with `git commit-tree`.
//!
//! The outputs must be byte-identical. A message is skipped only when git
//! itself refuses it (`commit-tree` rejects NUL bytes).
//!
//! The corpus is `realworld/trailers` of the shared corpus (see
//! `harness::corpus`); without it only the generated messages are compared.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use driftcheck::trailers::{Mode, parse};

const SEPARATOR: &str = "\n--8<-- driftcheck-message --8<--\n";
const MIN_REALWORLD: usize = 5_000;
const GENERATED: usize = 600;
const THREADS: usize = 4;

#[test]
fn matches_git_on_realworld_and_generated_messages() {
    let realworld = load_corpus();
    let generated = generate(GENERATED);
    let oracle = Oracle::new();

    let mut failures = Vec::new();
    for (name, messages) in [("realworld", &realworld), ("generated", &generated)] {
        if messages.is_empty() {
            continue; // the corpus is missing: `load_corpus` said why
        }
        let file = compare(
            messages,
            Mode::MessageFile,
            &oracle.interpret_trailers(messages),
        );
        let commit = compare(
            messages,
            Mode::CommitObject,
            &oracle.commit_trailers(messages),
        );
        eprintln!(
            "{name}: {} messages; interpret-trailers compared {}, mismatches {}; \
             commit objects compared {} (skipped {}: git refused them), mismatches {}",
            messages.len(),
            file.compared,
            file.mismatches.len(),
            commit.compared,
            commit.skipped,
            commit.mismatches.len(),
        );
        let minimum = if name == "realworld" {
            MIN_REALWORLD
        } else {
            GENERATED
        };
        assert!(
            file.compared >= minimum,
            "{name}: only {} compared",
            file.compared
        );
        assert!(
            commit.compared >= minimum * 9 / 10,
            "{name}: only {} commits compared",
            commit.compared
        );
        failures.extend(
            file.mismatches
                .into_iter()
                .map(|m| format!("[{name}, message file] {m}")),
        );
        failures.extend(
            commit
                .mismatches
                .into_iter()
                .map(|m| format!("[{name}, commit] {m}")),
        );
    }
    assert!(
        failures.is_empty(),
        "{} mismatches with git; first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// --- corpus ---------------------------------------------------------------

fn load_corpus() -> Vec<String> {
    let Some(dir) = crate::harness::corpus("realworld/trailers") else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read corpus {}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "messages"))
        .collect();
    files.sort();
    let mut messages = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("corpus file is UTF-8");
        let mut chunks: Vec<&str> = text.split(SEPARATOR).collect();
        // The file ends with a separator, leaving one empty chunk after it.
        assert_eq!(
            chunks.pop(),
            Some(""),
            "{} does not end with a separator",
            file.display()
        );
        messages.extend(chunks.into_iter().map(str::to_owned));
    }
    messages
}

// --- adversarial generator ----------------------------------------------

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SCISSORS: &str = "# ------------------------ >8 ------------------------";

const KEYS: &[&str] = &[
    "Signed-off-by",
    "Signed-off-by",
    "signed-off-by",
    "SIGNED-OFF-BY",
    "Signed-Off-By",
    "Reviewed-by",
    "Reviewed-by",
    "reviewed-by",
    "Acked-by",
    "Co-authored-by",
    "Tested-by",
    "Approved-by",
    "Bug",
    "Fixes",
    "Change-Id",
    "X",
    "-",
    "a1",
    "Reviewed-by ",
    "Reviewed-by\t",
    "Reviewed-by \t ",
    "Reviewed_by",
    "Reviewed.by",
    "Reviewed by",
    "Review\u{0435}d-by",
    "Reviewed\u{2010}by",
    "Reviewed\u{2212}by",
    "Reviewed\u{200B}-by",
    " Reviewed-by",
    "\tSigned-off-by",
    "https",
    "Conflicts",
    "#Reviewed-by",
    "Key#",
    "\u{b}Key",
    "",
];
const SEPARATORS: &[&str] = &[":", ":", ":", ":", ": ", ":  ", "\u{FF1A}", " #", "="];
const VALUES: &[&str] = &[
    " Alice <a@example.com>",
    " Alice <a@example.com>",
    "M <m@x>",
    "",
    " ",
    "   ",
    " value: with colon",
    "//example.com/x",
    " a\tb",
    " \u{c6}var Arnfj\u{f6}r\u{f0} Bjarmason <avarab@gmail.com>",
    " trailing spaces   ",
    " \u{b}vt",
    " <>",
    "x",
];
const PROSE: &[&str] = &[
    "This changes the production config.",
    "Note: this is prose",
    "It is safe",
    "see https://x/y",
    "---",
    "--- ",
    "---\t",
    "---x",
    "----",
    "Conflicts:",
    "\tconfig/prod.yaml",
    "# comment line",
    "#",
    "## double",
    "# Reviewed-by: B <b@x>",
    "(cherry picked from commit 0123456789abcdef)",
    "(cherry picked from commit",
    "Signed-off-by: ",
    "Signed-off-by:x",
    "Signed-off-by :x",
    ":",
    ":leading colon",
    "[jc: fixed typo]",
    "\u{b}",
    "\u{c}form feed",
    "\u{dc}n\u{ef}c\u{f6}d\u{e9}: \u{44f}\u{431}",
    "Reviewed-by A <a@x>",
    "\u{a0}Reviewed-by: A <a@x>",
    SCISSORS,
];
const CONTINUATIONS: &[&str] = &[
    " more",
    "\tmore",
    "  Reviewed-by: Eve <e@x>",
    " ",
    "\t",
    "\r",
    "    indented: colon",
    " B <b@x>",
];
const BLANKS: &[&str] = &["", "", "", " ", "\t", "  \t", "\r"];
const TAIL: &[&str] = &[
    "Conflicts:",
    "Conflicts:",
    "\tconfig/prod.yaml",
    "\tx",
    "",
    "",
    "\r",
    " ",
    "# c",
    "#",
    "prose",
    "A: b",
    "Conflicts: ",
    " x",
];

fn trailer_line(rng: &mut Rng) -> String {
    // Mostly well-formed, so that blocks get accepted; otherwise anything.
    let (key, separator) = if rng.percent(60) {
        (rng.pick(&KEYS[..12]), ":")
    } else {
        (rng.pick(KEYS), rng.pick(SEPARATORS))
    };
    format!("{key}{separator}{}", rng.pick(VALUES))
}

fn body_line(rng: &mut Rng, trailer_percent: usize) -> String {
    match rng.below(100) {
        n if n < trailer_percent => trailer_line(rng),
        n if n < trailer_percent + 12 => rng.pick(CONTINUATIONS).to_owned(),
        n if n < trailer_percent + 14 => "w".repeat(1 + rng.below(3000)),
        _ => rng.pick(PROSE).to_owned(),
    }
}

fn generated_message(rng: &mut Rng) -> String {
    let mut lines: Vec<String> = Vec::new();
    if rng.percent(15) {
        for _ in 0..=rng.below(2) {
            lines.push(rng.pick(BLANKS).to_owned());
        }
    }
    if rng.percent(90) {
        lines.push(body_line(rng, 15));
    }
    let paragraphs = rng.below(5);
    for p in 0..paragraphs {
        for _ in 0..=rng.below(2) {
            lines.push(rng.pick(BLANKS).to_owned());
        }
        // The last paragraph is often (nearly) all trailers, so that both
        // accepted and rejected blocks are common.
        let trailer_percent = match (p + 1 == paragraphs, rng.below(3)) {
            (true, 0) => 86,
            (true, _) => 65,
            (false, _) => 25,
        };
        for _ in 0..=rng.below(6) {
            lines.push(body_line(rng, trailer_percent));
        }
    }
    if rng.percent(15) {
        for _ in 0..=rng.below(3) {
            lines.push(
                rng.pick(&["# comment", "#", "", "# Reviewed-by: C <c@x>"])
                    .to_owned(),
            );
        }
    }
    if rng.percent(20) {
        // The lines `ignored_log_message_bytes` walks over, in any order.
        for _ in 0..=rng.below(5) {
            lines.push(rng.pick(TAIL).to_owned());
        }
    }
    if rng.percent(10) {
        lines.push(
            rng.pick(&[SCISSORS, SCISSORS, "# ------------------------ >8 ----"])
                .to_owned(),
        );
        lines.push("diff --git a/x b/x".to_owned());
        lines.push("+Reviewed-by: D <d@x>".to_owned());
    }
    let crlf = rng.below(10);
    let mut message = String::new();
    for line in &lines {
        message.push_str(line);
        // Mostly LF, some all-CRLF messages, some mixed.
        let use_crlf = crlf == 0 || (crlf == 1 && rng.percent(50));
        message.push_str(if use_crlf { "\r\n" } else { "\n" });
    }
    if rng.percent(15) {
        message.pop();
    }
    if rng.percent(1) {
        let at = message
            .char_indices()
            .map(|(i, _)| i)
            .nth(rng.below(message.chars().count() + 1));
        message.insert(at.unwrap_or(message.len()), '\0');
    }
    message
}

fn generate(count: usize) -> Vec<String> {
    let fixed = [
        "",
        "\n",
        "\n\n\n",
        " \n",
        "subject",
        "subject\n",
        "# only a comment\n",
        "\nA: b\n",
        " \t\nA: b\n",
        "s\n\nA: b",
        "s\r\n\r\nA: b\r\n c\r\n",
        "s\n\nA: b\n\u{b} c\n",
        "s\n\nReviewed-by : A\n",
        "s\n\nbody\n\n---\n\nReviewed-by: M <m@x>\n",
        "s\n\nA: b\n\nConflicts:\n\tx\n",
        "#c\n\nA: b\n",
        "\n# c\n\nA: b\n",
        "# ------------------------ >8 ------------------------\nA: b\n",
        "s\n\nA: b\n\nConflicts:",
        "s\n\nA: b\n\nConflicts:\0",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut messages: Vec<String> = fixed.iter().map(|&m| m.to_owned()).collect();
    while messages.len() < count {
        messages.push(generated_message(&mut rng));
    }
    messages
}

// --- comparison -----------------------------------------------------------

struct Outcome {
    compared: usize,
    skipped: usize,
    mismatches: Vec<String>,
}

/// `expected[i]` is git's output for message `i`, or `None` if git refused it.
fn compare(messages: &[String], mode: Mode, expected: &[Option<String>]) -> Outcome {
    let mut outcome = Outcome {
        compared: 0,
        skipped: 0,
        mismatches: Vec::new(),
    };
    for (message, git) in messages.iter().zip(expected) {
        let Some(git) = git else {
            outcome.skipped += 1;
            continue;
        };
        outcome.compared += 1;
        let ours: String = parse(message, mode)
            .trailers
            .iter()
            .map(|t| format!("{}: {}\n", t.key, t.value))
            .collect();
        if &ours != git {
            outcome.mismatches.push(format!(
                "message {message:?}\n  ours: {ours:?}\n  git:  {git:?}"
            ));
        }
    }
    outcome
}

// --- git ----------------------------------------------------------------

/// A scratch directory with a HOME, a non-repository working directory and
/// a repository for commit objects, removed on drop.
struct Oracle {
    root: PathBuf,
}

impl Oracle {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let root =
            std::env::temp_dir().join(format!("trailers-oracle-{}-{nanos}", std::process::id()));
        for dir in ["home", "plain", "repo"] {
            fs::create_dir_all(root.join(dir)).expect("create scratch dir");
        }
        let oracle = Oracle { root };
        let init = oracle.git(&oracle.root.join("repo"), &["init", "-q"], b"", &[]);
        assert!(init.is_some(), "git init failed; is git installed?");
        oracle
    }

    /// Runs git hermetically; `None` if it fails.
    fn git(
        &self,
        cwd: &Path,
        args: &[&str],
        stdin: &[u8],
        env: &[(&str, String)],
    ) -> Option<Vec<u8>> {
        let mut child = Command::new("git")
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.root.join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            // Never discover a repository above the scratch directory.
            .env("GIT_CEILING_DIRECTORIES", &self.root)
            .env("LC_ALL", "C")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn git");
        let mut pipe = child.stdin.take().expect("stdin");
        // git may exit before reading everything; its exit status decides.
        let _ = pipe.write_all(stdin);
        drop(pipe);
        let output = child.wait_with_output().expect("wait for git");
        output.status.success().then_some(output.stdout)
    }

    /// Runs `job` for every message on a few threads, keeping message order.
    fn each<T: Send>(&self, messages: &[String], job: impl Fn(usize, &str) -> T + Sync) -> Vec<T> {
        let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..THREADS)
                .map(|t| {
                    let job = &job;
                    scope.spawn(move || {
                        (t..messages.len())
                            .step_by(THREADS)
                            .map(|i| (i, job(i, &messages[i])))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("worker"))
                .collect()
        });
        results.sort_by_key(|(i, _)| *i);
        results.into_iter().map(|(_, r)| r).collect()
    }

    fn interpret_trailers(&self, messages: &[String]) -> Vec<Option<String>> {
        let cwd = self.root.join("plain");
        self.each(messages, |_, message| {
            let out = self.git(
                &cwd,
                &["interpret-trailers", "--parse", "--no-divider"],
                message.as_bytes(),
                &[],
            );
            Some(
                String::from_utf8(out.expect("git interpret-trailers failed"))
                    .expect("UTF-8 output"),
            )
        })
    }

    fn commit_trailers(&self, messages: &[String]) -> Vec<Option<String>> {
        let repo = self.root.join("repo");
        let tree = self.git(&repo, &["mktree"], b"", &[]).expect("git mktree");
        let tree = String::from_utf8(tree).expect("tree id");
        let tree = tree.trim();
        let commits = self.each(messages, |i, message| {
            // A distinct date per message keeps identical messages apart,
            // as `git log` shows each commit only once.
            let date = format!("{} +0000", 1_600_000_000 + i);
            let env = [
                ("GIT_AUTHOR_NAME", "A".to_owned()),
                ("GIT_AUTHOR_EMAIL", "a@x".to_owned()),
                ("GIT_AUTHOR_DATE", date.clone()),
                ("GIT_COMMITTER_NAME", "A".to_owned()),
                ("GIT_COMMITTER_EMAIL", "a@x".to_owned()),
                ("GIT_COMMITTER_DATE", date),
            ];
            let id = self.git(&repo, &["commit-tree", tree], message.as_bytes(), &env)?;
            Some(String::from_utf8(id).expect("commit id").trim().to_owned())
        });
        let ids: String = commits
            .iter()
            .flatten()
            .map(|id| format!("{id}\n"))
            .collect();
        let log = self
            .git(
                &repo,
                &[
                    "log",
                    "--no-walk=unsorted",
                    "--stdin",
                    "--format=%(trailers:only,unfold)%x00",
                ],
                ids.as_bytes(),
                &[],
            )
            .expect("git log");
        let log = String::from_utf8(log).expect("UTF-8 log");
        let mut records = log.split("\0\n");
        let results: Vec<Option<String>> = commits
            .iter()
            .map(|id| {
                id.as_ref()
                    .map(|_| records.next().expect("one record per commit").to_owned())
            })
            .collect();
        assert_eq!(
            records.next(),
            Some(""),
            "git log printed more records than commits"
        );
        results
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}
