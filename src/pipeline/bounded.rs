//! The incremental rule ([`super::incremental`]) at the cost of the change:
//! no environment is listed whole.
//!
//! # How each part of the rule is bounded
//!
//! - **Keys and counterparts.** A file's key is its normalised path, so the
//!   files of a key in an environment are found by walking from the root
//!   one path component at a time, keeping the entries whose normalised
//!   name is that component (environment tokens never span a `/`): the
//!   directories read are those on the key's path. The files found are the
//!   whole group of that normalised key, so collisions (a group of two or
//!   more keeps raw paths) are decided exactly as a full listing decides
//!   them.
//! - **Whole-environment facts** (a symbolic link or git link anywhere, a
//!   file that may include others, files hostname learning reads, files
//!   that may spell a secret other than literally, emptiness) come from
//!   [`treefacts`] summaries, stored per tree id: a change recomputes the
//!   directories on its paths only.
//! - **Fragment searches** (secrets and resource names) read the
//!   summaries' run hashes in place, then confirm candidates by reading them.
//!
//! Where this cannot follow the rule exactly it declines (`None`) and the
//! listing path of [`super::incremental`] runs: `[formats]` overrides (a
//! format decided by a glob), `[[link]]` rules (a link reaches files by
//! pattern), `include`/`exclude` filters, an environment token holding `/`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use crate::env::{self, Selection};
use crate::error::Error;
use crate::git::scratch::Scratch;
use crate::git::{Oid, Repo};
use crate::model::envtoken::EnvTokens;

use super::blobfacts;
use super::incremental::{
    ChangeToJudge, Judged, ListedFile, Plan, Side, Unbounded, WORK, compare_sides, fragments_of,
};
use super::treefacts::{self, Store, TreeSummary};
use crate::formats::Format;

/// One environment of one side.
struct Env {
    rel_root: String,
    root_tree: Oid,
    tokens: EnvTokens,
    /// The root relative to the config's directory, when plainly under it.
    prefix: Option<String>,
    dir: PathBuf,
    config_root: PathBuf,
    formats: crate::formats::FormatOverrides,
    summary: std::rc::Rc<TreeSummary>,
    /// Groups already resolved (normalised key → `(rel, key)`), and paths
    /// already listed.
    resolved: HashMap<String, Vec<(String, String)>>,
    listed: HashSet<String>,
    /// Directories read, by tree id: entries by normalised name.
    dirs: HashMap<Oid, DirIndex>,
}

/// A directory's entries by normalised name: `(name, mode, id)`.
type DirIndex = std::rc::Rc<HashMap<String, Vec<(String, u32, Oid)>>>;

/// Judge `c` without listing any environment whole; `None` when the
/// listing path must (see the module's list).
///
/// # Errors
/// As [`super::incremental::judge`].
pub(super) fn judge(repo: &Repo, c: &ChangeToJudge<'_>) -> Result<Option<Plan>, Error> {
    let mut store = Store::open(repo);
    let (mut sides, mut envs, policy) = match prepare(repo, c, &mut store)? {
        None => return Ok(None),
        Some(Err(why)) => return Ok(Some(Plan::Full(why))),
        Some(Ok(v)) => v,
    };
    if !policy.links.is_empty() {
        return Ok(None);
    }
    let (hosts, opaque) = match env_facts(repo, &mut sides, &mut envs) {
        Ok(v) => v,
        Err(why) => return Ok(Some(Plan::Full(why))),
    };
    let files: usize = envs[0].iter().map(|e| e.summary.files as usize).sum();
    if let Some(why) = super::incremental::too_wide(c.changed.len(), files) {
        return Ok(Some(Plan::Full(why)));
    }
    let mut keys = changed_keys(repo, c, &mut sides, &mut envs);
    if keys.is_empty() {
        keys.insert(String::new());
    }
    let mut scanned: BTreeSet<Vec<u8>> = BTreeSet::new();
    let mut hits: BTreeSet<String> = BTreeSet::new();
    let mut confirmed: HashMap<Oid, bool> = HashMap::new();
    for _round in 0..WORK {
        close(repo, &mut sides, &mut envs, &mut keys);
        if let Some(why) = super::incremental::too_wide_subset(keys.len(), envs[0].len(), files) {
            return Ok(Some(Plan::Full(why)));
        }
        let (after, before) = match compare_sides(repo, &mut sides, &keys, c)? {
            Ok(v) => v,
            Err(why) => return Ok(Some(Plan::Full(why))),
        };
        let (mut fragments, searched) = match fragments_of(&after, &before) {
            Ok(v) => v,
            Err(why) => return Ok(Some(Plan::Full(why))),
        };
        fragments.retain(|f| !scanned.contains(f));
        if !fragments.is_empty() {
            let search = match super::incremental::any_of(&fragments) {
                Ok(s) => s,
                Err(why) => return Ok(Some(Plan::Full(why))),
            };
            for (side, envs) in sides.iter_mut().zip(envs.iter_mut()) {
                for (i, e) in envs.iter_mut().enumerate() {
                    let root = e.root_tree;
                    for (rel, id) in store.candidates(repo, root, &fragments) {
                        let hit = *confirmed.entry(id).or_insert_with(|| {
                            let bytes = repo.blob(id).unwrap_or_default();
                            search.is_match(&bytes)
                        });
                        if hit && let Some(k) = resolve_file(repo, side, e, i, &rel) {
                            hits.insert(k);
                        }
                    }
                }
            }
            scanned.extend(fragments);
        }
        let mut grown = keys.clone();
        grown.extend(hosts.iter().cloned());
        if searched {
            grown.extend(opaque.iter().cloned());
        }
        grown.extend(hits.iter().cloned());
        close(repo, &mut sides, &mut envs, &mut grown);
        if grown == keys {
            if super::incremental::newly_unused(&before.findings, &after.findings) {
                return Ok(Some(Plan::Full(
                    "a waiver or rule the change left unused".into(),
                )));
            }
            let old = sides.remove(1);
            let side = sides.remove(0);
            return Ok(Some(Plan::Judged(Box::new(Judged {
                after,
                before: before.findings,
                scratch: side.scratch,
                old_scratch: old.scratch,
                written: side.written,
                keys: keys.len(),
                bounded: true,
            }))));
        }
        keys = grown;
    }
    Ok(Some(Plan::Full("the subset kept growing".into())))
}

/// Both sides (new first), each with its scratch holding the config and
/// policy files, its environments' summaries, and no file listed yet.
/// `None`: the listing path must judge.
#[allow(clippy::type_complexity, reason = "one private caller")]
fn prepare(
    repo: &Repo,
    c: &ChangeToJudge<'_>,
    store: &mut Store,
) -> Result<Option<Result<(Vec<Side>, Vec<Vec<Env>>, crate::policy::Policy), Unbounded>>, Error> {
    let mut sides = Vec::new();
    let mut all_envs = Vec::new();
    let mut policy = None;
    for tree in [c.new, c.old] {
        let scratch = Scratch::new("incremental")?;
        let config = match super::incremental::config_and_policies(repo, tree, c, scratch.path())? {
            Ok(config) => config,
            Err(why) => return Ok(Some(Err(why))),
        };
        if config.text.contains("formats") {
            return Ok(None);
        }
        let mut envs = Vec::new();
        let mut roots = Vec::new();
        for e in &super::setup::select(&config, c.names)? {
            match env_of(repo, c, store, tree, e, &config, scratch.path()) {
                None => return Ok(None),
                Some(Err(why)) => return Ok(Some(Err(why))),
                Some(Ok(env)) => {
                    roots.push(env.dir.clone());
                    envs.push(env);
                }
            }
        }
        let loaded = super::setup::load_policy_in(&config, None)?;
        if policy.is_none() {
            policy = Some(loaded.clone());
        }
        sides.push(Side {
            tree,
            config,
            policy: loaded,
            scratch,
            written: HashSet::new(),
            envs: envs.iter().map(|_| Vec::new()).collect(),
            roots,
        });
        all_envs.push(envs);
    }
    Ok(Some(Ok((
        sides,
        all_envs,
        policy.expect("loaded with the first side"),
    ))))
}

/// How a file of `e` is shown (the listing's display path).
fn display(e: &Env, rel: &str) -> String {
    match &e.prefix {
        Some(p) if p.is_empty() => rel.to_string(),
        Some(p) => format!("{p}/{rel}"),
        None => env::relative(&e.dir.join(rel), &e.config_root),
    }
}

/// The files of `e` whose normalised path is `norm` (the whole group),
/// found by walking one component at a time: `(rel, id)`. Each directory
/// is read and indexed by normalised name once.
fn walk_group(repo: &Repo, e: &mut Env, norm: &str) -> Vec<(String, Oid)> {
    let comps: Vec<&str> = norm.split('/').collect();
    let mut frontier = vec![(String::new(), e.root_tree)];
    let mut out = Vec::new();
    for (i, comp) in comps.iter().enumerate() {
        let last = i + 1 == comps.len();
        let mut next = Vec::new();
        for (prefix, t) in frontier {
            let index = match e.dirs.get(&t) {
                Some(d) => d.clone(),
                None => {
                    let mut d: HashMap<String, Vec<(String, u32, Oid)>> = HashMap::new();
                    for (name, mode, id) in repo.tree_entries(t).unwrap_or_default() {
                        d.entry(e.tokens.normalize(&name).into_owned())
                            .or_default()
                            .push((name, mode, id));
                    }
                    let d = std::rc::Rc::new(d);
                    e.dirs.insert(t, d.clone());
                    d
                }
            };
            for (name, mode, id) in index.get(*comp).into_iter().flatten() {
                let rel = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}/{name}")
                };
                if last {
                    if matches!(mode, 0o100644 | 0o100755) {
                        out.push((rel, *id));
                    }
                } else if *mode == 0o040000 && !treefacts::IGNORED.contains(&name.as_str()) {
                    next.push((rel, *id));
                }
            }
        }
        frontier = next;
    }
    out
}

/// The keys of the group of normalised path `norm` in environment `i`,
/// listing its files into the side: `(rel, key)`.
fn group(repo: &Repo, side: &mut Side, e: &mut Env, i: usize, norm: &str) -> Vec<(String, String)> {
    if let Some(g) = e.resolved.get(norm) {
        return g.clone();
    }
    let members = walk_group(repo, e, norm);
    let collided = members.len() > 1;
    let mut out = Vec::new();
    for (rel, id) in members {
        let display = display(e, &rel);
        let key = if collided {
            display.clone()
        } else {
            norm.to_string()
        };
        let path = if e.rel_root.is_empty() {
            rel.clone()
        } else {
            format!("{}/{rel}", e.rel_root)
        };
        if e.listed.insert(path.clone()) {
            side.envs[i].push(ListedFile {
                path,
                key: key.clone(),
                norm: norm.to_string(),
                format: e.formats.format_for(std::path::Path::new(&display)),
                display,
                id,
            });
        }
        out.push((rel, key));
    }
    e.resolved.insert(norm.to_string(), out.clone());
    out
}

/// The key of the file `rel` of environment `i` (listed into the side),
/// or `None` when it is not a file there.
fn resolve_file(repo: &Repo, side: &mut Side, e: &mut Env, i: usize, rel: &str) -> Option<String> {
    if rel
        .split('/')
        .rev()
        .skip(1)
        .any(|d| treefacts::IGNORED.contains(&d))
    {
        return None;
    }
    let norm = e.tokens.normalize(rel).into_owned();
    group(repo, side, e, i, &norm)
        .into_iter()
        .find(|(r, _)| r == rel)
        .map(|(_, k)| k)
}

/// Close `keys` under collisions, at both trees: each key is resolved as a
/// normalised path (a collided group brings its raw keys) and as a raw
/// path (a collided file brings its group's normalised key and members).
fn close(repo: &Repo, sides: &mut [Side], envs: &mut [Vec<Env>], keys: &mut BTreeSet<String>) {
    let mut done: HashSet<String> = HashSet::new();
    loop {
        let todo: Vec<String> = keys
            .iter()
            .filter(|k| !done.contains(*k))
            .cloned()
            .collect();
        if todo.is_empty() {
            return;
        }
        for k in todo {
            for (side, envs) in sides.iter_mut().zip(envs.iter_mut()) {
                for (i, e) in envs.iter_mut().enumerate() {
                    let members = group(repo, side, e, i, &k);
                    if members.len() > 1 {
                        keys.extend(members.into_iter().map(|(_, key)| key));
                    }
                    // `k` as a raw (collided) path of this environment.
                    let rel = match e.prefix.as_deref() {
                        Some("") => Some(k.as_str()),
                        Some(p) => k.strip_prefix(p).and_then(|r| r.strip_prefix('/')),
                        None => None,
                    };
                    if let Some(rel) = rel {
                        let norm = e.tokens.normalize(rel).into_owned();
                        if norm != k {
                            let members = group(repo, side, e, i, &norm);
                            if members.len() > 1 && members.iter().any(|(r, _)| r == rel) {
                                keys.insert(norm);
                                keys.extend(members.into_iter().map(|(_, key)| key));
                            }
                        }
                    }
                }
            }
            done.insert(k);
        }
    }
}

/// Hosts and opaque files' keys, from the summaries; or why the change
/// cannot be bounded (a link, an include, an empty environment).
fn env_facts(
    repo: &Repo,
    sides: &mut [Side],
    envs: &mut [Vec<Env>],
) -> Result<(BTreeSet<String>, BTreeSet<String>), Unbounded> {
    let mut hosts: BTreeSet<String> = BTreeSet::new();
    let mut opaque: BTreeSet<String> = BTreeSet::new();
    for (side, envs) in sides.iter_mut().zip(envs.iter_mut()) {
        for (i, e) in envs.iter_mut().enumerate() {
            if e.summary.files == 0 {
                return Err("an environment has no files in a tree".into());
            }
            if e.summary.flags & treefacts::SYMLINK != 0 {
                return Err("a symbolic link under an environment root".into());
            }
            if e.summary.flags & treefacts::LINK != 0 {
                return Err("a file under a root may be a git link".into());
            }
            let notable = e.summary.notable.clone();
            for (rel, flags) in notable {
                let format = e
                    .formats
                    .format_for(std::path::Path::new(&display(e, &rel)));
                if matches!(format, Format::Nginx | Format::Ini) && flags & blobfacts::INCLUDE != 0
                {
                    return Err(format!("`{rel}` may include other files"));
                }
                let host = format == Format::Nginx || flags & blobfacts::INGRESS != 0;
                let secretive = flags & blobfacts::OPAQUE != 0;
                if host || secretive {
                    let Some(key) = resolve_file(repo, side, e, i, &rel) else {
                        continue;
                    };
                    if host {
                        hosts.insert(key.clone());
                    }
                    if secretive {
                        opaque.insert(key);
                    }
                }
            }
        }
    }
    Ok((hosts, opaque))
}

/// The keys of the changed files, at both trees.
fn changed_keys(
    repo: &Repo,
    c: &ChangeToJudge<'_>,
    sides: &mut [Side],
    envs: &mut [Vec<Env>],
) -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for (side, envs) in sides.iter_mut().zip(envs.iter_mut()) {
        for (i, e) in envs.iter_mut().enumerate() {
            let root = e.rel_root.clone();
            for p in c.changed {
                let rel = if root.is_empty() {
                    Some(p.as_str())
                } else {
                    p.strip_prefix(&root).and_then(|r| r.strip_prefix('/'))
                };
                if let Some(rel) = rel
                    && let Some(k) = resolve_file(repo, side, e, i, rel)
                {
                    keys.insert(k);
                }
            }
        }
    }
    keys
}

/// One environment of the tree `tree` (config read into `top`): `None`
/// when the listing path must judge, `Err` when it cannot be bounded.
fn env_of(
    repo: &Repo,
    c: &ChangeToJudge<'_>,
    store: &mut Store,
    tree: Oid,
    e: &crate::config::EnvConfig,
    config: &crate::config::Config,
    top: &std::path::Path,
) -> Option<Result<Env, Unbounded>> {
    let Selection::Root {
        dir,
        include,
        exclude,
    } = &e.selection
    else {
        return None;
    };
    if !include.is_empty() || !exclude.is_empty() {
        return None;
    }
    if e.name.contains('/') || e.aliases.iter().any(|a| a.contains('/')) {
        return None;
    }
    let Ok(rel_root) = env::lexical(dir)
        .strip_prefix(env::lexical(top))
        .map(|p| p.to_string_lossy().replace('\\', "/"))
    else {
        return Some(Err(format!(
            "[env.{}] reads outside the repository",
            e.name
        )));
    };
    // A root not plainly under the config's directory: the listing path.
    let prefix = dir
        .strip_prefix(&config.root)
        .ok()
        .filter(|p| {
            p.components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        })
        .map(|p| p.to_string_lossy().into_owned())?;
    let root_tree = match repo.entry_at(tree, &rel_root) {
        Ok(Some((0o040000, id))) => id,
        Err(why) => return Some(Err(format!("[env.{}]: {why}", e.name))),
        _ => {
            return Some(Err(format!(
                "[env.{}] has no root directory in a tree",
                e.name
            )));
        }
    };
    let other = [c.new, c.old]
        .into_iter()
        .find(|t| *t != tree)
        .and_then(|t| repo.entry_at(t, &rel_root).ok().flatten())
        .filter(|(m, _)| *m == 0o040000)
        .map(|(_, id)| id);
    let Some(summary) = store.summary(repo, root_tree, other) else {
        return Some(Err(format!("[env.{}] cannot be read", e.name)));
    };
    Some(Ok(Env {
        rel_root,
        root_tree,
        tokens: EnvTokens::new(&e.name, &e.aliases),
        prefix: Some(prefix),
        dir: dir.clone(),
        config_root: config.root.clone(),
        formats: config.formats.clone(),
        summary,
        resolved: HashMap::new(),
        listed: HashSet::new(),
        dirs: HashMap::new(),
    }))
}
