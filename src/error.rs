//! Tool failures: the run could not do its job (exit 2). Drift, however bad,
//! is never an error; it is a [`crate::finding::Finding`].

use std::path::PathBuf;

/// Why driftcheck could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read.
    #[error("could not read `{}`", path.display())]
    Io {
        /// What was being read.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// driftcheck's own inputs (`driftcheck.toml`, policy files, a
    /// baseline) are invalid: every problem found, with its position.
    #[error("{}", problems_text(problems))]
    Invalid {
        /// What is wrong, in file order.
        problems: Vec<crate::diagnostic::Problem>,
    },
    /// The repository cannot answer (shallow clone, missing revision, no merge base).
    #[error("{0}")]
    Git(String),
    /// An environment's root directory is missing.
    #[error("environment `{env}`: root `{root}` is not a directory")]
    EnvRoot {
        /// The environment.
        env: String,
        /// Its root, relative to the repository.
        root: String,
    },
    /// Walking an environment's files failed.
    #[error("environment `{env}`: {message}")]
    Walk {
        /// The environment.
        env: String,
        /// What failed.
        message: String,
    },
    /// An environment named on the command line is not declared.
    #[error("unknown environment `{name}`{hint}")]
    UnknownEnv {
        /// The name given.
        name: String,
        /// ` (did you mean ...?)` and the declared names.
        hint: String,
    },
    /// Environments could not be discovered without `driftcheck.toml`.
    #[error("{0}")]
    Discovery(String),
    /// An environment has no files to compare.
    #[error("environment `{env}` has no config files ({what})")]
    EmptyEnv {
        /// The environment.
        env: String,
        /// Where it looked.
        what: String,
    },
    /// A render command failed (it did not start, exited non-zero or timed out).
    #[error("environment `{env}`: render command `{command}` {what}")]
    Render {
        /// The environment.
        env: String,
        /// The command as given.
        command: String,
        /// What went wrong (with the end of its standard error).
        what: String,
    },
    /// Every file failed to parse, so nothing could be compared.
    #[error(
        "nothing could be compared: all {count} files failed to parse (see the findings above)"
    )]
    NothingCompared {
        /// How many files failed.
        count: usize,
    },
    /// Bad command-line usage that clap cannot catch.
    #[error("{0}")]
    Usage(String),
    /// The OS could not supply random bytes for the fingerprint key.
    #[error("could not get random bytes for the fingerprint key: {0}")]
    Random(String),
    /// Writing the report failed (a closed pipe is handled by `main`).
    #[error("could not write the report")]
    Write(#[source] std::io::Error),
}

impl Error {
    /// One problem in `driftcheck.toml` (or another input file) found after
    /// its text was read, at a known line (0: unknown).
    pub fn config(path: &std::path::Path, line: u32, message: impl Into<String>) -> Error {
        Error::Invalid {
            problems: vec![crate::diagnostic::Problem::new(
                crate::diagnostic::CONFIG,
                path.display().to_string(),
                line,
                message.into(),
            )],
        }
    }
}

fn problems_text(problems: &[crate::diagnostic::Problem]) -> String {
    match problems {
        [one] => one.to_string(),
        many => std::iter::once(crate::diagnostic::headline(many) + ":")
            .chain(many.iter().map(ToString::to_string))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Shorthand.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The closest candidate to `word` by edit distance, if close enough to suggest.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 3))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("prdo", ["prod", "staging"]), Some("prod"));
        assert_eq!(did_you_mean("roots", ["root", "include"]), Some("root"));
        assert_eq!(did_you_mean("zzzzzz", ["prod", "staging"]), None);
    }
}
