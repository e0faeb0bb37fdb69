//! `driftcheck.toml`: found by walking up from the working directory, parsed
//! strictly (unknown keys are errors with a line and a "did you mean"), then
//! validated into environments ready to list.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::env::{Selection, glob_set};
use crate::error::{Error, did_you_mean};
use crate::formats::{Format, FormatOverrides, line_of};

/// The file name looked for.
pub const FILE_NAME: &str = "driftcheck.toml";

/// `driftcheck.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// Policy file globs (read by the policy stage).
    #[serde(default)]
    policies: Vec<String>,
    /// A baseline file `check` accepts findings from (`--baseline` wins).
    baseline: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, RawEnv>,
    #[serde(default)]
    formats: BTreeMap<String, String>,
    /// `[policy]`: switches for the shipped pack and built-in rules.
    #[serde(default)]
    policy: Option<RawPolicy>,
    /// `[review]`: the gate's settings.
    #[serde(default)]
    review: Option<RawReview>,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    builtin: Option<bool>,
    #[serde(default)]
    disable: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnv {
    root: Option<String>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    layers: Option<Vec<String>>,
    render: Option<Vec<String>>,
    render_timeout: Option<String>,
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
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
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
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Parse and validate config text read from `path`.
///
/// # Errors
/// As [`load`].
pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| line_of(text.as_bytes(), s.start))
            .unwrap_or(0);
        Error::Config {
            path: path.to_path_buf(),
            line,
            message: with_suggestion(e.message()),
        }
    })?;
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let err = |message: String| Error::Config {
        path: path.to_path_buf(),
        line: line_containing(text, &message),
        message,
    };
    let mut envs = Vec::new();
    for (name, e) in raw.env {
        let selection = match (e.root, e.layers, e.render) {
            (Some(r), None, None) => {
                if e.render_timeout.is_some() {
                    return Err(err(format!(
                        "[env.{name}]: `render_timeout` goes with `render`"
                    )));
                }
                Selection::Root {
                    dir: root.join(r),
                    include: e.include,
                    exclude: e.exclude,
                }
            }
            (None, Some(layers), None) if !layers.is_empty() => {
                Selection::Layers(layers.iter().map(|l| root.join(l)).collect())
            }
            (None, None, Some(argv)) if !argv.is_empty() => {
                let timeout = match &e.render_timeout {
                    None => crate::render::DEFAULT_TIMEOUT,
                    Some(t) => crate::render::parse_timeout(t).ok_or_else(|| {
                        err(format!(
                            "[env.{name}]: `render_timeout` `{t}` is not a duration like \"30s\", \"2m\" or \"500ms\""
                        ))
                    })?,
                };
                Selection::Render { argv, timeout }
            }
            (None, Some(_), None) => return Err(err(format!("[env.{name}]: `layers` is empty"))),
            (None, None, Some(_)) => return Err(err(format!("[env.{name}]: `render` is empty"))),
            (None, None, None) => {
                return Err(err(format!(
                    "[env.{name}] needs `root` (or `layers` / `render`)"
                )));
            }
            _ => {
                return Err(err(format!(
                    "[env.{name}]: give only one of `root`, `layers` and `render`"
                )));
            }
        };
        if let Selection::Root {
            include, exclude, ..
        } = &selection
        {
            for globs in [include, exclude] {
                glob_set(globs, &path.display().to_string())
                    .map_err(|e| with_glob_line(e, text))?;
            }
        }
        // An alias replaces whole words of every value: one or two letters
        // (`n`, `p`) would rewrite the `n` of `\n` and every `p` word.
        if let Some(short) = e.aliases.iter().find(|a| a.chars().count() < 3) {
            return Err(err(format!(
                "[env.{name}]: alias `{short}` is too short (3 characters at least): it would rewrite every `{short}` word of every value"
            )));
        }
        envs.push(EnvConfig {
            name,
            aliases: e.aliases,
            selection,
        });
    }
    let mut globs = Vec::new();
    let mut formats = Vec::new();
    for (glob, name) in raw.formats {
        let Some(f) = Format::from_name(&name) else {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            let hint = did_you_mean(&name, names.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(err(format!(
                "[formats] `{glob}`: unknown format `{name}`{hint}; known: {}",
                names.join(", ")
            )));
        };
        globs.push(glob);
        formats.push(f);
    }
    let set = glob_set(&globs, &path.display().to_string()).map_err(|e| with_glob_line(e, text))?;
    if let Some(local) = raw.review.as_ref().and_then(|r| r.local.as_deref())
        && !matches!(local, "warn" | "block")
    {
        let hint = did_you_mean(local, ["warn", "block"])
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(Error::Config {
            path: path.to_path_buf(),
            line: text
                .lines()
                .position(|l| l.trim_start().starts_with("local"))
                .map_or(0, |n| u32::try_from(n + 1).unwrap_or(0)),
            message: format!("[review] local = `{local}`{hint}: use \"warn\" or \"block\""),
        });
    }
    let baseline = raw.baseline.map(|b| root.join(b));
    Ok(Config {
        path: path.to_path_buf(),
        root,
        envs,
        formats: FormatOverrides::new(set, formats),
        policies: raw.policies,
        baseline,
        policy: crate::policy::Settings {
            builtin: raw.policy.as_ref().and_then(|p| p.builtin).unwrap_or(true),
            disable: raw.policy.map(|p| p.disable).unwrap_or_default(),
        },
        review: raw.review,
        text: text.to_string(),
    })
}

/// The line of the first `[env.X]`-style header mentioned in `message`, for errors found after parsing.
fn line_containing(text: &str, message: &str) -> u32 {
    let Some(start) = message.find('[') else {
        return 0;
    };
    let Some(end) = message[start..].find(']') else {
        return 0;
    };
    let header = &message[start..=start + end];
    text.lines()
        .position(|l| l.trim() == header)
        .map_or(0, |i| i as u32 + 1)
}

/// Give an invalid-glob error the line the glob is written on.
fn with_glob_line(e: Error, text: &str) -> Error {
    match e {
        Error::Config {
            path,
            line: 0,
            message,
        } => {
            let glob = message.split('`').nth(1).unwrap_or_default();
            let line = text
                .lines()
                .position(|l| !glob.is_empty() && l.contains(glob))
                .map_or(0, |i| i as u32 + 1);
            Error::Config {
                path,
                line,
                message,
            }
        }
        other => other,
    }
}

/// Add "did you mean" to serde's "unknown field `x`, expected one of `a`, `b`".
fn with_suggestion(message: &str) -> String {
    let unquoted = without_values(message.trim());
    let message = unquoted.as_str();
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((field, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match did_you_mean(field, candidates) {
        Some(s) => format!("{message} (did you mean `{s}`?)"),
        None => message.to_string(),
    }
}

/// A serde message without the value it quotes (`invalid type: string
/// "S3cret", expected ...` → `invalid type: string, expected ...`): config
/// errors never quote values, which may be credentials.
fn without_values(message: &str) -> String {
    for lead in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = message.strip_prefix(lead)
            && let Some((what, expected)) = rest.split_once(", expected")
        {
            let kind = what.split([' ', '`', '"']).next().unwrap_or("");
            return format!("{lead}{kind}, expected{expected}");
        }
    }
    message.to_string()
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
        assert!(e.contains("invalid type: integer, expected"), "{e}");
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
        assert!(e.starts_with("d.toml:3: invalid glob `**/[.yaml`"), "{e}");
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
