//! What every command that compares environments sets up first: the config,
//! the environments, and the policy.

use std::path::Path;

use crate::cli::Args;
use crate::config::{self, Config, EnvConfig};
use crate::env::{self, Environment};
use crate::error::{Error, did_you_mean};
use crate::formats::FormatOverrides;
use crate::model::envtoken::EnvTokens;
use crate::policy::{self, Policy};

/// Load the config (explicit, found, or none).
///
/// # Errors
/// When the config cannot be read or is invalid.
pub fn load_config(args: &Args, cwd: &Path) -> Result<Option<Config>, Error> {
    let path = match &args.config {
        Some(p) => Some(if p.is_absolute() {
            p.clone()
        } else {
            cwd.join(p)
        }),
        None => config::find(cwd),
    };
    let config = path.map(|p| config::load(&p)).transpose()?;
    if let Some(c) = &config {
        inside_repository(c)?;
        distinct_environments(c)?;
    }
    Ok(config)
}

/// Lexically normal form of `p`: `.` dropped, `..` applied (no link is
/// followed: the rule is about what the config says).
fn normal(p: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The paths an environment reads from, lexically normalised.
fn sources(e: &EnvConfig) -> Vec<std::path::PathBuf> {
    match &e.selection {
        env::Selection::Root { dir, .. } => vec![normal(dir)],
        env::Selection::Files(files) | env::Selection::Layers(files) => {
            files.iter().map(|f| normal(f)).collect()
        }
        env::Selection::Render { .. } => Vec::new(),
    }
}

/// Every root and layer stays inside the repository that holds the config
/// (git's top level): one that resolves outside would compare files nobody
/// reviews, or nothing at all, and report success. Outside a repository (or
/// in a written-out revision) there is no boundary to check.
///
/// # Errors
/// [`Error::Config`] naming the environment and the resolved path.
fn inside_repository(c: &Config) -> Result<(), Error> {
    let dir = c.root.canonicalize().unwrap_or_else(|_| c.root.clone());
    let Some(top) = crate::report::paths::repository_top(&dir) else {
        return Ok(());
    };
    let base = normal(&c.root);
    for e in &c.envs {
        for s in sources(e) {
            // Relative to the config's real directory; an absolute root as written.
            let resolved = match s.strip_prefix(&base) {
                Ok(rel) => normal(&dir.join(rel)),
                Err(_) => s.clone(),
            };
            if !resolved.starts_with(&top) {
                return Err(Error::Config {
                    path: c.path.clone(),
                    line: 0,
                    message: format!(
                        "[env.{}] reads `{}`, outside the repository `{}`: keep every root and layer inside it",
                        e.name,
                        resolved.display(),
                        top.display()
                    ),
                });
            }
        }
    }
    Ok(())
}

/// No two environments read the same files: comparing an environment with
/// itself finds nothing and passes.
///
/// # Errors
/// [`Error::Config`] naming both environments.
fn distinct_environments(c: &Config) -> Result<(), Error> {
    // What an environment reads: its sources and, for a root, its filters.
    let reads = |e: &EnvConfig| {
        let filters = match &e.selection {
            env::Selection::Root {
                include, exclude, ..
            } => Some((include.clone(), exclude.clone())),
            _ => None,
        };
        (sources(e), filters)
    };
    let all: Vec<(&str, Vec<std::path::PathBuf>, _)> = c
        .envs
        .iter()
        .map(|e| {
            let (s, f) = reads(e);
            (e.name.as_str(), s, f)
        })
        .filter(|(_, s, _)| !s.is_empty())
        .collect();
    for (i, (a, sa, fa)) in all.iter().enumerate() {
        if let Some((b, _, _)) = all[..i].iter().find(|(_, sb, fb)| sb == sa && fb == fa) {
            return Err(Error::Config {
                path: c.path.clone(),
                line: 0,
                message: format!(
                    "[env.{b}] and [env.{a}] read the same files ({}): comparing an environment with itself finds nothing",
                    sa.iter()
                        .map(|p| crate::env::relative(p, &c.root))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    Ok(())
}

/// Load the policy a config asks for (the shipped pack alone without one).
///
/// # Errors
/// [`Error::Policy`] with every problem found.
pub fn load_policy(config: Option<&Config>) -> Result<Policy, Error> {
    match config {
        None => policy::load(
            &policy::Settings {
                builtin: true,
                disable: Vec::new(),
            },
            &[],
            &[],
        ),
        Some(c) => {
            let files = policy::files(&c.root, &c.policies)?;
            let known: Vec<(String, EnvTokens)> = c
                .envs
                .iter()
                .map(|e| (e.name.clone(), EnvTokens::new(&e.name, &e.aliases)))
                .collect();
            let mut loaded = policy::load(&c.policy, &files, &known)?;
            loaded.notices = policy::empty_globs(&c.policies, &files);
            Ok(loaded)
        }
    }
}

/// Pick the named environments out of the config, by name or alias (all when none are named).
///
/// # Errors
/// An unknown name, or fewer than two environments declared.
pub fn select(config: &Config, names: &[String]) -> Result<Vec<EnvConfig>, Error> {
    let selected = select_named(config, names)?;
    // `diff staging stg`: one environment under two of its names.
    for (i, e) in selected.iter().enumerate() {
        if selected[..i].iter().any(|o| o.name == e.name) {
            return Err(Error::Usage(format!(
                "`{}` and `{}` both name environment `{}`: name two different environments",
                names[selected[..i]
                    .iter()
                    .position(|o| o.name == e.name)
                    .unwrap_or(0)],
                names[i],
                e.name
            )));
        }
    }
    Ok(selected)
}

fn select_named(config: &Config, names: &[String]) -> Result<Vec<EnvConfig>, Error> {
    if names.is_empty() {
        if config.envs.len() < 2 {
            return Err(Error::Config {
                path: config.path.clone(),
                line: 0,
                message: "declare at least two environments ([env.NAME]) to compare".to_string(),
            });
        }
        return Ok(config.envs.clone());
    }
    names
        .iter()
        .map(|n| {
            config
                .envs
                .iter()
                .find(|e| &e.name == n)
                .or_else(|| {
                    config
                        .envs
                        .iter()
                        .find(|e| e.aliases.iter().any(|a| a == n))
                })
                .cloned()
                .ok_or_else(|| {
                    let declared: Vec<&str> = config.envs.iter().map(|e| e.name.as_str()).collect();
                    let hint = match did_you_mean(n, declared.iter().copied()) {
                        Some(s) => {
                            format!(" (did you mean `{s}`?); declared: {}", declared.join(", "))
                        }
                        None => format!(
                            "; declared in {}: {}",
                            config.path.display(),
                            declared.join(", ")
                        ),
                    };
                    Error::UnknownEnv {
                        name: n.clone(),
                        hint,
                    }
                })
        })
        .collect()
}

/// List each environment's files.
///
/// # Errors
/// When an environment cannot be listed or has no files.
pub fn environments(
    root: &Path,
    selected: &[EnvConfig],
    overrides: &FormatOverrides,
) -> Result<Vec<Environment>, Error> {
    let tokens: Vec<EnvTokens> = selected
        .iter()
        .map(|c| EnvTokens::new(&c.name, &c.aliases))
        .collect();
    let ids = EnvTokens::union(&tokens.iter().collect::<Vec<_>>());
    // Environments are listed in parallel: on large trees listing is the
    // only serial stage before comparison.
    use rayon::prelude::*;
    let mut envs = selected
        .par_iter()
        .zip(tokens)
        .map(|(c, tokens)| {
            let files = env::list(&c.name, &ids, &c.selection, root, overrides)?;
            if files.is_empty() {
                let what = match &c.selection {
                    env::Selection::Root { dir, .. } => {
                        format!("nothing under `{}`", env::relative(dir, root))
                    }
                    _ => "no files".to_string(),
                };
                return Err(Error::EmptyEnv {
                    env: c.name.clone(),
                    what,
                });
            }
            Ok(Environment {
                name: c.name.clone(),
                tokens,
                ids: ids.clone(),
                files,
                root: match &c.selection {
                    env::Selection::Root { dir, .. } => {
                        dir.canonicalize()
                            .ok()
                            .map(|canonical| crate::include::IncludeRoot {
                                dir: canonical,
                                display: env::relative(dir, root),
                            })
                    }
                    _ => None,
                },
            })
        })
        .collect::<Result<Vec<Environment>, Error>>()?;
    crate::hostnames::learn(&mut envs);
    Ok(envs)
}
