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
    path.map(|p| config::load(&p)).transpose()
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
            policy::load(&c.policy, &files, &known)
        }
    }
}

/// Pick the named environments out of the config, by name or alias (all when none are named).
///
/// # Errors
/// An unknown name, or fewer than two environments declared.
pub fn select(config: &Config, names: &[String]) -> Result<Vec<EnvConfig>, Error> {
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
