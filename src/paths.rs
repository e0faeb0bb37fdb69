//! Where printed paths are relative to.
//!
//! The rule: every path driftcheck prints is relative to the repository root
//! (git's top level; the config's directory outside a repository), whatever
//! `-C`, `--config`, `layers` or `render` said. GitHub attaches annotations
//! and code-scanning alerts only to paths it knows, and those are
//! repository-relative. Findings are built relative to the config's directory
//! (that is what policies and baselines match), so the prefix is added here,
//! once, just before rendering.
//!
//! A rendered environment has no file: its sites read `<render: COMMAND>`.
//! The formats whose locations must exist (`sarif`, `github`) point those at
//! the line of the config that declares the render command instead.

use std::path::{Path, PathBuf};

use crate::finding::Finding;

/// The file driftcheck's config lives in (kept here, below the config and
/// policy readers, so both can name it without importing each other).
pub const CONFIG_FILE: &str = "driftcheck.toml";

/// `/`-separated path of `p` relative to `base` (or `p` itself when outside).
pub fn relative(p: &Path, base: &Path) -> String {
    let rel = p.strip_prefix(base).unwrap_or(p);
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// How to print the paths of one run's findings.
#[derive(Debug, Clone, Default)]
pub struct PathBase {
    /// The config directory relative to the repository root, with a trailing
    /// `/` (empty when they are the same).
    pub prefix: String,
    /// The config file relative to the repository root.
    pub config_file: Option<String>,
    /// `(<render: ...> display, line of its `render` setting)`.
    pub render_lines: Vec<(String, u32)>,
}

impl PathBase {
    /// The base for findings relative to `config_dir`, in the repository
    /// whose top is `top` (found by walking up to the directory that holds
    /// `.git` when not given: a written-out index or revision gives its own).
    pub fn new(config_dir: &Path, config_file: Option<&Path>, top: Option<&Path>) -> PathBase {
        let dir =
            crate::source::canonicalize(config_dir).unwrap_or_else(|_| config_dir.to_path_buf());
        let top = match top {
            Some(t) => crate::source::canonicalize(t).unwrap_or_else(|_| t.to_path_buf()),
            None => repository_top(&dir).unwrap_or_else(|| dir.clone()),
        };
        let rel = |p: &Path| -> Option<String> {
            let p = crate::source::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            let r = p.strip_prefix(&top).ok()?;
            Some(
                r.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        };
        let prefix = match rel(&dir) {
            Some(r) if !r.is_empty() => format!("{r}/"),
            _ => String::new(),
        };
        PathBase {
            prefix,
            config_file: config_file.and_then(rel),
            render_lines: Vec::new(),
        }
    }

    /// Repository-relative form of `file` (a path relative to the config
    /// directory, or a `<render: ...>` pseudo-path left as it is).
    fn path(&self, file: &str) -> String {
        if file.starts_with('<') || file.is_empty() {
            file.to_string()
        } else {
            format!("{}{file}", self.prefix)
        }
    }

    /// Rewrite every path of `findings` for display. With `locate_renders`,
    /// rendered sites become the config file at their `render` line.
    pub fn apply(&self, findings: &mut [Finding], locate_renders: bool) {
        if self.prefix.is_empty() && !locate_renders {
            return;
        }
        // `Finding::file` is the environment-relative name findings are
        // grouped under (the same in every environment): only sites are paths.
        for f in findings {
            for (_, site) in &mut f.envs {
                if let Some(s) = site {
                    match self.render_site(&s.file, locate_renders) {
                        Some((file, line)) => {
                            s.file = file;
                            s.line = line;
                        }
                        None => s.file = self.path(&s.file),
                    }
                }
            }
        }
    }

    fn render_site(&self, file: &str, locate: bool) -> Option<(String, u32)> {
        if !locate {
            return None;
        }
        let config = self.config_file.as_ref()?;
        self.render_lines
            .iter()
            .find(|(display, _)| display == file)
            .map(|(_, line)| (config.clone(), *line))
    }
}

/// The nearest directory at or above `dir` that holds `.git` (a directory,
/// or a file in a worktree or submodule).
pub fn repository_top(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| crate::source::exists(&d.join(".git")))
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Rule, Site};

    #[test]
    fn prefixes_files_and_locates_renders() {
        let base = PathBase {
            prefix: "deploy/".to_string(),
            config_file: Some("deploy/driftcheck.toml".to_string()),
            render_lines: vec![("<render: jsonnet prod.jsonnet>".to_string(), 7)],
        };
        let mut f = Finding::builtin(Rule::Value, "m".into(), "staging/app.yaml".into());
        f.envs = vec![
            (
                "staging".into(),
                Some(Site {
                    file: "staging/app.yaml".into(),
                    line: 3,
                    value: None,
                }),
            ),
            (
                "prod".into(),
                Some(Site {
                    file: "<render: jsonnet prod.jsonnet>".into(),
                    line: 12,
                    value: None,
                }),
            ),
        ];
        let mut human = vec![f.clone()];
        base.apply(&mut human, false);
        assert_eq!(human[0].file, "staging/app.yaml");
        let staging = human[0].envs[0].1.as_ref().unwrap();
        assert_eq!(staging.file, "deploy/staging/app.yaml");
        let prod = human[0].envs[1].1.as_ref().unwrap();
        assert_eq!(
            (prod.file.as_str(), prod.line),
            ("<render: jsonnet prod.jsonnet>", 12)
        );
        let mut sarif = vec![f];
        base.apply(&mut sarif, true);
        let prod = sarif[0].envs[1].1.as_ref().unwrap();
        assert_eq!(
            (prod.file.as_str(), prod.line),
            ("deploy/driftcheck.toml", 7)
        );
    }
}
