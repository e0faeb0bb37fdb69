//! What every command that compares environments sets up first: the config,
//! the environments, and the policy.

use std::path::Path;

use crate::config::{self, Config, EnvConfig};
use crate::env::{self, Environment};
use crate::error::{Error, did_you_mean};
use crate::formats::FormatOverrides;
use crate::model::envtoken::EnvTokens;
use crate::policy::{self, Policy};
use crate::source;

/// Load the config: `explicit` (relative to `cwd`), else the nearest
/// `driftcheck.toml` at or above `cwd`, else none.
///
/// # Errors
/// When the config cannot be read or is invalid.
pub fn load_config(explicit: Option<&Path>, cwd: &Path) -> Result<Option<Config>, Error> {
    let path = match explicit {
        Some(p) => Some(if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        }),
        None => config::find(cwd),
    };
    let config = path.map(|p| config::load(&p)).transpose()?;
    if let Some(c) = &config {
        inside_repository(c)?;
    }
    Ok(config)
}

/// The paths an environment reads from, lexically normalised.
fn sources(e: &EnvConfig) -> Vec<std::path::PathBuf> {
    match &e.selection {
        env::Selection::Root { dir, .. } => vec![env::lexical(dir)],
        env::Selection::Files(files) | env::Selection::Layers(files) => {
            files.iter().map(|f| env::lexical(f)).collect()
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
/// [`Error::Invalid`] naming the environment and the resolved path.
fn inside_repository(c: &Config) -> Result<(), Error> {
    let dir = source::canonicalize(&c.root).unwrap_or_else(|_| c.root.clone());
    let Some(top) = crate::paths::repository_top(&dir) else {
        return Ok(());
    };
    let base = env::lexical(&c.root);
    for e in &c.envs {
        for s in sources(e) {
            // Relative to the config's real directory; an absolute root as written.
            let resolved = match s.strip_prefix(&base) {
                Ok(rel) => env::lexical(&dir.join(rel)),
                Err(_) => s.clone(),
            };
            if !resolved.starts_with(&top) {
                return Err(Error::config(
                    &c.path,
                    0,
                    format!(
                        "[env.{}] reads `{}`, outside the repository `{}`: keep every root and layer inside it",
                        e.name,
                        resolved.display(),
                        top.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Load the policy a config asks for (the shipped pack alone without one).
///
/// # Errors
/// [`Error::Invalid`] with every problem found.
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
            // git's top level, found from the config's directory as written
            // (so paths relative to it line up with the config's root).
            let top = crate::paths::repository_top(&env::lexical(&c.root));
            load_policy_in(c, top.as_deref())
        }
    }
}

/// [`load_policy`] for a config in the tree whose top is `tree_root` (the
/// gate gives its written-out revision).
///
/// # Errors
/// As [`load_policy`], and a glob that leads out of the tree.
pub fn load_policy_in(c: &Config, tree_root: Option<&Path>) -> Result<Policy, Error> {
    let (files, empty) = policy_files(c, tree_root)?;
    let known: Vec<(String, EnvTokens)> = c
        .envs
        .iter()
        .map(|e| (e.name.clone(), EnvTokens::new(&e.name, &e.aliases)))
        .collect();
    let mut loaded = policy::load(&c.policy, &files, &known)?;
    loaded.notices = policy::empty_glob_notices(&empty);
    Ok(loaded)
}

/// `(shown path, path)` of each policy file found, and the globs that found none.
pub type PolicyFiles = (Vec<(String, std::path::PathBuf)>, Vec<String>);

/// The policy files `c.policies` names, and the globs that named none.
///
/// The rule: a glob is relative to the config's directory, `..` resolved by
/// name and confined to the tree (`tree_root`, git's top level; with no
/// known top, `..` is resolved against the config's directory alone), so
/// `../policies/*.toml` of a config in a subdirectory loads the same files
/// for `check`, `diff`, `explain` and the gate.
///
/// # Errors
/// A plain path that does not exist, or a glob that leads out of the tree.
pub fn policy_files(c: &Config, tree_root: Option<&Path>) -> Result<PolicyFiles, Error> {
    let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
    let mut empty = Vec::new();
    for g in &c.policies {
        let found = if g.split('/').any(|p| p == "..") {
            // With no known top, the directory its leading `..`s reach.
            let top = tree_root.map_or_else(
                || env::lexical(&c.root.join(leading_parents(g))),
                Path::to_path_buf,
            );
            let dir = env::relative(&env::lexical(&c.root), &top);
            let dir = if dir == "." || dir.starts_with('/') {
                String::new()
            } else {
                dir
            };
            let anchored = crate::env::anchor(&dir, g)
                .map_err(|why| Error::config(&c.path, 0, format!("policies: `{g}` {why}")))?;
            policy::files(&top, &[anchored])?
        } else {
            policy::files(&c.root, std::slice::from_ref(g))?
        };
        if found.is_empty() {
            empty.push(g.clone());
        }
        for f in found {
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    Ok((files, empty))
}

/// The `../../` that starts `glob`.
fn leading_parents(glob: &str) -> String {
    glob.split('/')
        .take_while(|p| *p == ".." || *p == ".")
        .map(|p| format!("{p}/"))
        .collect()
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
            return Err(Error::config(
                &config.path,
                0,
                "declare at least two environments ([env.NAME]) to compare".to_string(),
            ));
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
    environments_of(root, selected, overrides, false)
}

/// [`environments`]; with `partial` (a sparse scratch holding only the
/// files an incremental run compares), an environment may have no files.
///
/// # Errors
/// As [`environments`].
pub fn environments_of(
    root: &Path,
    selected: &[EnvConfig],
    overrides: &FormatOverrides,
    partial: bool,
) -> Result<Vec<Environment>, Error> {
    let tokens: Vec<EnvTokens> = selected
        .iter()
        .map(|c| EnvTokens::new(&c.name, &c.aliases))
        .collect();
    listed(root, selected, overrides, partial, tokens)
}

/// One environment read **as written**: no name tokens at all, so no
/// spelling of any name is read as `{env}` in its file keys, document
/// identities or values. The gate compares an environment with itself this
/// way (`gate::divergence`): a value respelled (`/data/prod` to
/// `/data/production`) is a change, and the labels of the two sides are no
/// names a value or a file could spell.
///
/// # Errors
/// As [`environments`].
pub fn environment_as_written(
    root: &Path,
    e: &EnvConfig,
    overrides: &FormatOverrides,
    partial: bool,
) -> Result<Environment, Error> {
    let mut one = listed(
        root,
        std::slice::from_ref(e),
        overrides,
        partial,
        vec![EnvTokens::none()],
    )?;
    Ok(one.remove(0))
}

/// [`environments_of`] with each environment's tokens given.
fn listed(
    root: &Path,
    selected: &[EnvConfig],
    overrides: &FormatOverrides,
    partial: bool,
    tokens: Vec<EnvTokens>,
) -> Result<Vec<Environment>, Error> {
    let ids = EnvTokens::union(&tokens.iter().collect::<Vec<_>>());
    // Environments are listed in parallel: on large trees listing is the
    // only serial stage before comparison.
    use rayon::prelude::*;
    let listed: Vec<_> = selected
        .par_iter()
        .zip(tokens)
        .map(|(c, tokens)| {
            let files = env::list(&c.name, &ids, &c.selection, root, overrides)?;
            if files.is_empty() && !partial {
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
                        source::canonicalize(dir).ok().map(|canonical| {
                            crate::include::IncludeRoot {
                                dir: canonical,
                                display: env::relative(dir, root),
                            }
                        })
                    }
                    _ => None,
                },
            })
        })
        .collect();
    // The first failing environment in declared order (rayon's own
    // `Result` collect returns whichever failed first in time: two runs on
    // the same tree could name different environments).
    let mut envs = listed.into_iter().collect::<Result<Vec<_>, Error>>()?;
    crate::hostnames::learn(&mut envs);
    Ok(envs)
}
