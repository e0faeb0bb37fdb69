//! Finding environments when there is no `driftcheck.toml` (SPEC §3):
//! directories named after them (`overlays/staging`, `envs/prod`), or file
//! pairs that differ only by the environment's name (`values-staging.yaml` /
//! `values-prod.yaml`). Anything ambiguous or empty is an error that shows the
//! candidates and a ready `driftcheck.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::EnvConfig;
use crate::env::{Selection, is_ignored_dir, relative};
use crate::error::Error;
use crate::model::envtoken::EnvTokens;

/// The most directory entries looked at before giving up.
const MAX_ENTRIES: usize = 500_000;

/// Discover `names` under `repo_root`.
///
/// # Errors
/// When nothing is found, or a name matches more than one place.
pub fn discover(repo_root: &Path, names: &[String]) -> Result<Vec<EnvConfig>, Error> {
    let tokens: Vec<EnvTokens> = names.iter().map(|n| EnvTokens::new(n, &[])).collect();
    let mut dirs: Vec<Vec<PathBuf>> = vec![Vec::new(); names.len()];
    let mut pairs: BTreeMap<(PathBuf, String), Vec<Option<PathBuf>>> = BTreeMap::new();
    let walker = WalkDir::new(repo_root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    // A directory named after an environment is recorded and not entered: it
    // is that environment's root, listed later (walking it here too would
    // read the biggest part of the tree twice).
    let mut filter = |e: &walkdir::DirEntry| {
        if e.depth() == 0 {
            return true;
        }
        if is_ignored_dir(e) {
            return false;
        }
        if e.file_type().is_dir() {
            let name = e.file_name().to_string_lossy();
            let mut env_dir = false;
            for (i, t) in tokens.iter().enumerate() {
                if t.is_token(&name) {
                    dirs[i].push(e.path().to_path_buf());
                    env_dir = true;
                }
            }
            return !env_dir;
        }
        true
    };
    for (n, entry) in walker.filter_entry(&mut filter).enumerate() {
        if n > MAX_ENTRIES {
            break;
        }
        let Ok(entry) = entry else { continue };
        if entry.depth() == 0 {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() {
            let parent = entry
                .path()
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            for (i, t) in tokens.iter().enumerate() {
                let norm = t.normalize(&name);
                if norm != name {
                    let slot = pairs
                        .entry((parent.clone(), norm.into_owned()))
                        .or_insert_with(|| vec![None; names.len()]);
                    slot[i] = Some(entry.path().to_path_buf());
                }
            }
        }
    }
    // Directories win: they are the usual layout.
    if dirs.iter().all(|d| !d.is_empty()) {
        let chosen = choose_dirs(&dirs);
        return match chosen {
            Some(chosen) => Ok(names
                .iter()
                .zip(chosen)
                .map(|(n, dir)| EnvConfig {
                    name: n.clone(),
                    aliases: Vec::new(),
                    selection: Selection::Root {
                        dir,
                        include: Vec::new(),
                        exclude: Vec::new(),
                    },
                })
                .collect()),
            None => Err(ambiguous(repo_root, names, &dirs)),
        };
    }
    let complete: Vec<Vec<PathBuf>> = pairs
        .into_values()
        .filter(|v| v.iter().all(Option::is_some))
        .map(|v| v.into_iter().flatten().collect())
        .collect();
    if !complete.is_empty() {
        return Ok(names
            .iter()
            .enumerate()
            .map(|(i, n)| EnvConfig {
                name: n.clone(),
                aliases: Vec::new(),
                selection: Selection::Files(complete.iter().map(|set| set[i].clone()).collect()),
            })
            .collect());
    }
    Err(nothing_found(repo_root, names, &dirs))
}

/// One directory per environment: the only candidate, or the candidates that
/// share a parent (`overlays/staging` + `overlays/prod`) when exactly one parent has them all.
fn choose_dirs(dirs: &[Vec<PathBuf>]) -> Option<Vec<PathBuf>> {
    if dirs.iter().all(|d| d.len() == 1) {
        return Some(dirs.iter().map(|d| d[0].clone()).collect());
    }
    let mut parents: Vec<&Path> = dirs[0].iter().filter_map(|p| p.parent()).collect();
    parents.retain(|parent| {
        dirs.iter()
            .all(|d| d.iter().filter(|p| p.parent() == Some(*parent)).count() == 1)
    });
    parents.dedup();
    match parents.as_slice() {
        [parent] => Some(
            dirs.iter()
                .map(|d| {
                    d.iter()
                        .find(|p| p.parent() == Some(*parent))
                        .expect("checked")
                        .clone()
                })
                .collect(),
        ),
        _ => None,
    }
}

fn snippet(repo_root: &Path, names: &[String], dirs: &[Vec<PathBuf>]) -> String {
    let mut s = String::new();
    for (i, n) in names.iter().enumerate() {
        let root = dirs
            .get(i)
            .and_then(|d| d.first())
            .map(|p| relative(p, repo_root))
            .unwrap_or_else(|| format!("path/to/{n}"));
        s.push_str(&format!("    [env.{n}]\n    root = \"{root}\"\n\n"));
    }
    s
}

fn ambiguous(repo_root: &Path, names: &[String], dirs: &[Vec<PathBuf>]) -> Error {
    let mut msg = String::from("cannot tell which directories are the environments:\n");
    for (n, d) in names.iter().zip(dirs) {
        let list: Vec<String> = d
            .iter()
            .map(|p| format!("`{}`", relative(p, repo_root)))
            .collect();
        msg.push_str(&format!("  {n}: {}\n", list.join(", ")));
    }
    msg.push_str("help: declare them in driftcheck.toml (or run `driftcheck init`), e.g.:\n\n");
    msg.push_str(&snippet(repo_root, names, dirs));
    Error::Discovery(msg.trim_end().to_string())
}

fn nothing_found(repo_root: &Path, names: &[String], dirs: &[Vec<PathBuf>]) -> Error {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let mut msg = format!(
        "no environments {} found under `{}`: no directories named after each of them and no file pairs such as `values-{}.yaml`\n",
        crate::diff::list(&quoted.iter().map(String::as_str).collect::<Vec<_>>()),
        repo_root.display(),
        names[0]
    );
    msg.push_str("help: declare them in driftcheck.toml:\n\n");
    msg.push_str(&snippet(repo_root, names, dirs));
    Error::Discovery(msg.trim_end().to_string())
}
