//! `driftcheck.toml`: found by walking up from the working directory, parsed
//! strictly (unknown keys are errors with a line and a "did you mean"), then
//! validated into environments ready to list.

mod read;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use read::parse;

use crate::env::Selection;
use crate::error::Error;
use crate::formats::FormatOverrides;

/// The file name looked for.
pub const FILE_NAME: &str = crate::paths::CONFIG_FILE;

/// `[review]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReview {
    /// Guarded path globs.
    pub paths: Option<Vec<String>>,
    /// Trailer keys that carry sign-offs.
    pub trailers: Option<Vec<String>>,
    /// Sign-offs needed.
    pub required: Option<u32>,
    /// Who may sign (emails or `@group`).
    pub reviewers: Option<Vec<String>>,
    /// `"digest"`: every sign-off must name the digest it approves.
    pub bind: Option<String>,
    /// `@group` members.
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
    /// `[[review.rule]]`: more sign-offs, or narrower reviewers, for some paths.
    #[serde(default)]
    pub rule: Vec<RawReviewRule>,
    /// What local hooks (commit-msg, pre-push) do about a missing sign-off:
    /// `"warn"` (the default: the review happens after the commit, in the
    /// pull request) or `"block"`. CI is strict either way.
    pub local: Option<String>,
    /// OpenSSH `allowed_signers` file (relative to driftcheck.toml), read
    /// from the merge base: whose keys may sign approvals.
    pub signers: Option<String>,
    /// `"optional"` (default) or `"required"`: whether a sign-off counts
    /// only with a valid `Review-Signature`.
    pub signed: Option<String>,
}

/// `[[review.rule]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReviewRule {
    /// Path globs the rule covers.
    pub paths: Vec<String>,
    /// Sign-offs needed for them.
    pub required: Option<u32>,
    /// Who may sign for them.
    pub reviewers: Option<Vec<String>>,
}

/// One declared environment.
#[derive(Debug, Clone)]
pub struct EnvConfig {
    /// Its name.
    pub name: String,
    /// Declared aliases.
    pub aliases: Vec<String>,
    /// Which files make it up.
    pub selection: Selection,
}

/// A validated `driftcheck.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// The directory paths are relative to (the file's directory).
    pub root: PathBuf,
    /// Environments in declaration order (TOML tables are sorted by name).
    pub envs: Vec<EnvConfig>,
    /// Format overrides.
    pub formats: FormatOverrides,
    /// Policy globs.
    pub policies: Vec<String>,
    /// `baseline = "..."`, resolved against the config's directory.
    pub baseline: Option<PathBuf>,
    /// `[policy]` switches.
    pub policy: crate::policy::Settings,
    /// `[review]`, validated by the gate.
    pub review: Option<RawReview>,
    /// The config file's text (the gate re-reads it against another tree).
    pub text: String,
}

/// The line of `[env.NAME]`'s `render` setting in the config `text` (the
/// header's line when the setting is written another way; 0 when neither is
/// found). Rendered environments point there in formats that need a file.
pub fn render_line(text: &str, name: &str) -> u32 {
    let headers = [
        format!("[env.{name}]"),
        format!("[env.\"{name}\"]"),
        format!("[env.'{name}']"),
    ];
    let mut header = 0;
    for (n, line) in text.lines().enumerate() {
        let t: String = line
            .split('#')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        if t.starts_with('[') {
            if header > 0 {
                break;
            }
            if headers.contains(&t) {
                header = n + 1;
            }
        } else if header > 0 && (t.starts_with("render=") || t.starts_with("\"render\"=")) {
            return u32::try_from(n + 1).unwrap_or(0);
        }
    }
    u32::try_from(header).unwrap_or(0)
}

/// Find `driftcheck.toml` in `start` or a parent, stopping at the repository
/// root (a directory holding `.git`).
pub fn find(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if crate::source::is_file(&candidate) {
            return Some(candidate);
        }
        if crate::source::exists(&d.join(".git")) {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Read and validate a config file.
///
/// # Errors
/// When it cannot be read, is not valid TOML, has unknown keys or invalid values.
pub fn load(path: &Path) -> Result<Config, Error> {
    let text = crate::source::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path).map_err(|e| renamed(e, path, &shown_path(path)))
}

/// Parse a config read from a revision written out under `dir` (the gate's
/// merge base or head), where it sits at `at` (relative to the repository's
/// top): problems name `at`, the file the user knows, never the scratch
/// directory it was written to.
///
/// # Errors
/// [`Error::Invalid`] with every problem found, as [`parse`].
pub fn parse_in(text: &str, dir: &Path, at: &str) -> Result<Config, Error> {
    let path = dir.join(at);
    parse(text, &path).map_err(|e| renamed(e, &path, at))
}

impl Config {
    /// The same config placed in another written-out tree: every path
    /// under `from` (the directory it was parsed against with
    /// [`parse_in`]) moved under `to`. The gate reads one revision's config
    /// against several trees (the merge base, the head, an aligned head);
    /// parsing depends on the text and the directory only lexically, so
    /// moving the paths is the same as parsing the text again there.
    #[must_use]
    pub fn rebased(&self, from: &Path, to: &Path) -> Config {
        // By text, so `.` and `..` components stay as parsing wrote them.
        let moved = |p: &Path| {
            let as_text = p.to_str().zip(from.to_str()).zip(to.to_str());
            if let Some(((p, from), to)) = as_text
                && let Some(rest) = p.strip_prefix(from)
                && (rest.is_empty() || rest.starts_with('/'))
            {
                return PathBuf::from(format!("{to}{rest}"));
            }
            match p.strip_prefix(from) {
                Ok(rest) if rest.as_os_str().is_empty() => to.to_path_buf(),
                Ok(rest) => to.join(rest),
                Err(_) => p.to_path_buf(),
            }
        };
        let mut c = self.clone();
        c.path = moved(&c.path);
        c.root = moved(&c.root);
        c.baseline = c.baseline.as_deref().map(moved);
        for e in &mut c.envs {
            match &mut e.selection {
                crate::env::Selection::Root { dir, .. } => *dir = moved(dir),
                crate::env::Selection::Files(v) | crate::env::Selection::Layers(v) => {
                    for p in v.iter_mut() {
                        *p = moved(p);
                    }
                }
                crate::env::Selection::Render { .. } => {}
            }
        }
        c
    }
}

/// `e` with problems about `path` naming `shown` instead.
fn renamed(e: Error, path: &Path, shown: &str) -> Error {
    match e {
        Error::Invalid { mut problems } => {
            for p in &mut problems {
                if p.file == path.display().to_string() {
                    p.file = shown.to_string();
                }
            }
            Error::Invalid { problems }
        }
        other => other,
    }
}

/// How problems name the config file: relative to the repository's top
/// (as every report names files), else as given.
fn shown_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = absolute.parent().unwrap_or(Path::new("/"));
    crate::paths::repository_top(dir)
        .or_else(|| std::env::current_dir().ok())
        .and_then(|top| absolute.strip_prefix(top).ok().map(Path::to_path_buf))
        .map_or_else(
            || path.display().to_string(),
            |rel| rel.to_string_lossy().replace('\\', "/"),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_errors_do_not_quote_values() {
        for v in ["42", "\"S3cretPw9\"", "[\"a\", 1]"] {
            let e = parse(&format!("[env.prod]\nroot = {v}\n"), Path::new("d.toml"));
            if let Err(e) = e {
                let e = e.to_string();
                assert!(!e.contains("S3cret") && !e.contains("42"), "{e}");
            }
        }
        let e = parse("[env.prod]\nrender = [\"x\", 4242]\n", Path::new("d.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("must be strings, not an integer"), "{e}");
        assert!(!e.contains("4242"), "{e}");
    }

    #[test]
    fn unknown_keys_have_lines_and_suggestions() {
        let e = parse("[env.prod]\nroots = \"x\"\n", Path::new("driftcheck.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("driftcheck.toml:2"), "{e}");
        assert!(e.contains("did you mean `root`"), "{e}");
        let e = parse("[formats]\n\"*.conf\" = \"ymal\"\n", Path::new("d.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `yaml`"), "{e}");
        let e = parse("[env.prod]\ninclude = [\"a\"]\n", Path::new("d.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("d.toml:1") && e.contains("needs `root`"), "{e}");
    }

    #[test]
    fn invalid_globs_name_their_line() {
        let e = parse(
            "[env.prod]\nroot = \"p\"\ninclude = [\"**/[.yaml\"]\n",
            Path::new("d.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("d.toml:3:12: [env.prod] include: invalid glob"),
            "{e}"
        );
        assert!(!e.contains("[.yaml"), "{e}");
    }

    /// `rebased` is parsing again elsewhere: every selection kind, a
    /// baseline, roots below, beside and above the config, configs at
    /// several depths, scratch directories of several shapes.
    #[test]
    fn rebased_equals_parsing_in_the_other_tree() {
        let bodies = [
            "[env.staging]\nroot = \"deploy/staging\"\n[env.prod]\nroot = \"deploy/prod\"\naliases = [\"prd\"]\n",
            "baseline = \"base.json\"\n[env.a]\nroot = \".\"\ninclude = [\"*.yaml\"]\n[env.b]\nroot = \"../b\"\n",
            "[env.a]\nlayers = [\"base.yaml\", \"a/over.yaml\"]\n[env.b]\nlayers = [\"base.yaml\", \"../b.yaml\"]\n",
            "[env.a]\nrender = [\"cat\", \"a.yaml\"]\n[env.b]\nroot = \"./x/../b\"\n",
        ];
        let tops = ["/tmp/t-base", "/tmp/deep/er/t-head", "/t"];
        for body in bodies {
            for at in [
                "driftcheck.toml",
                "sub/driftcheck.toml",
                "a/b/c/driftcheck.toml",
            ] {
                for from in tops {
                    for to in tops {
                        let a = parse_in(body, Path::new(from), at).unwrap();
                        let b = parse_in(body, Path::new(to), at).unwrap();
                        let moved = a.rebased(Path::new(from), Path::new(to));
                        assert_eq!(
                            format!("{moved:?}"),
                            format!("{b:?}"),
                            "{body} {at} {from} -> {to}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn valid_config() {
        let c = parse(
            "policies = [\"policies/*.toml\"]\n[env.staging]\nroot = \"deploy/staging\"\naliases = [\"stg\"]\n[env.prod]\nroot = \"deploy/prod\"\n[policy]\nbuiltin = true\n",
            Path::new("/repo/driftcheck.toml"),
        )
        .unwrap();
        assert_eq!(c.envs.len(), 2);
        assert_eq!(c.root, Path::new("/repo"));
    }
}
