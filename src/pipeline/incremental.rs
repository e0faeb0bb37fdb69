//! Incremental evaluation of a change (`check --staged`, `check --rev`, and
//! the gate's drift half, `gate::scope`): the cost follows the
//! size of the change, not of the repository.
//!
//! # The rule
//!
//! The findings a change introduces are computed only over the file keys
//! the change can affect, in every environment, at both trees:
//!
//! 1. the changed guarded files' alignment keys, computed by the same
//!    listing rule the full pipeline uses ([`crate::env::settle_keys`]:
//!    root-relative path, environment tokens written `{env}`, colliding keys
//!    kept raw), so every counterpart (`values-staging.yaml` ↔
//!    `values-prod.yaml`) comes along; files whose keys collide travel
//!    together;
//! 2. the files holding a Kubernetes resource that was matched by identity
//!    across files (a resource not in every environment at its own key), and
//!    the files holding a secret seen in the subset (`credential-reused`
//!    across files) — found by searching every blob for a literal fragment of
//!    the name or secret, plus every file that could spell it otherwise
//!    (escapes, `kind: Secret` base64); repeated until nothing is added;
//! 3. every member file of a `[[link]]` that reaches a file in the subset;
//! 4. every file hostname learning reads (nginx, YAML naming an `Ingress`),
//!    so environment tokens are the same as in a full run.
//!
//! A finding outside these keys is the same at both trees, so it is never
//! introduced; a finding inside them is computed from exactly the documents
//! the full run would compare it with. Whatever cannot be bounded this way
//! falls back to the full computation ([`Plan::Full`] says why): the config
//! or a policy file changed, an environment that is not a plain `root`
//! (layers, render), a symbolic link or a git link checked out as text under
//! a root, an include directive, a missing or empty environment, a secret
//! or resource name with no literal fragment to search for, or a waiver the
//! change left unused (it may still be used outside the subset).
//!
//! Only the subset is mounted (a sparse tree in memory, [`crate::source`]):
//! no checkout, nothing written to disk.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::env::{self, Selection};
use crate::error::Error;
use crate::finding::Finding;
use crate::formats::Format;
use crate::git::scratch::Scratch;
use crate::git::{Oid, Repo};
use crate::model::envtoken::EnvTokens;

use super::{Compared, blobfacts};

/// The incremental answer: the subset's findings at both trees.
pub struct Judged {
    /// The new tree's findings over the subset (paths relative to `scratch`).
    pub after: Compared,
    /// The old tree's findings over the same subset.
    pub before: Vec<Finding>,
    /// The new tree's sparse scratch (findings' files are read from it).
    pub scratch: Scratch,
    /// The old tree's sparse scratch (the same keys, the config and its
    /// policy files): the gate compares its own way over both.
    pub old_scratch: Scratch,
    /// Repository-relative paths written into the new tree's scratch
    /// (besides the config and policy files).
    pub written: HashSet<String>,
    /// File keys compared.
    pub keys: usize,
    /// Whether no environment was listed whole ([`super::bounded`]).
    pub bounded: bool,
}

/// What to do with a change.
pub enum Plan {
    /// Computed incrementally.
    Judged(Box<Judged>),
    /// Not boundable: run the full computation, for this reason.
    Full(String),
}

/// One listed file of one environment in a git tree.
pub(super) struct ListedFile {
    pub(super) path: String,
    pub(super) key: String,
    pub(super) norm: String,
    pub(super) display: String,
    pub(super) id: Oid,
    pub(super) format: Format,
}

/// Both sides of the change: one tree, its scratch, its listing.
pub(super) struct Side {
    pub(super) tree: Oid,
    /// Its config and policy, parsed once (every round compares again).
    pub(super) config: Config,
    pub(super) policy: crate::policy::Policy,
    pub(super) scratch: Scratch,
    pub(super) written: HashSet<String>,
    pub(super) envs: Vec<Vec<ListedFile>>,
    pub(super) roots: Vec<PathBuf>,
}

pub(super) const WORK: usize = 6;

/// See [`too_wide_subset`].
const SMALL_SUBSET: usize = 64;

/// Changes of more paths than this are checked against the tree's size
/// first ([`too_wide`]).
const WIDE: usize = 256;

/// A change to judge: trees, where the config is, what changed, and the
/// comparison asked for.
pub struct ChangeToJudge<'a> {
    /// The old tree (HEAD's, or the revision's first parent's).
    pub old: Oid,
    /// The new tree (the index's, or the revision's).
    pub new: Oid,
    /// The config, repository-relative.
    pub config_at: &'a str,
    /// Repository-relative changed paths.
    pub changed: &'a [String],
    /// `check` (or `diff`).
    pub command: &'a str,
    /// Environments compared (all declared when empty).
    pub names: &'a [String],
    /// Keep equivalents (`-v`).
    pub verbose: bool,
}

/// Not boundable: why.
pub(super) type Unbounded = String;

/// Judge `c` incrementally (see the module's rule).
///
/// # Errors
/// When the new tree's subset cannot be compared (the full run would fail
/// the same way: bad config or policy).
pub fn judge(repo: &Repo, c: &ChangeToJudge<'_>) -> Result<Plan, Error> {
    if c.changed.iter().any(|p| p == c.config_at) {
        return Ok(Plan::Full("the config changed".into()));
    }
    // A wide change is seen before any environment is summarised (which
    // reads every changed blob): the old tree's files, without blobs.
    if c.changed.len() > WIDE {
        let files = crate::git::list_under(repo, c.old, "")?.map_or(0, |l| l.len());
        if let Some(why) = too_wide(c.changed.len(), files) {
            return Ok(Plan::Full(why));
        }
    }
    // Without listing any environment whole where it can
    // ([`super::bounded`]); else by listings.
    if let Some(plan) = super::bounded::judge(repo, c)? {
        return Ok(plan);
    }
    let (mut sides, policy) = match prepare(repo, c)? {
        Ok(v) => v,
        Err(why) => return Ok(Plan::Full(why)),
    };
    let files = sides[0].envs.iter().map(Vec::len).sum();
    if let Some(why) = too_wide(c.changed.len(), files) {
        return Ok(Plan::Full(why));
    }
    let mut keys: BTreeSet<String> = sides
        .iter()
        .flat_map(|s| s.envs.iter().flatten())
        .filter(|e| c.changed.contains(&e.path))
        .map(|e| e.key.clone())
        .collect();
    if keys.is_empty() {
        // Changed paths no environment lists (filtered out): nothing compared changes.
        keys.insert(String::new());
    }
    // Every blob's facts come from the cache (read once per repository);
    // blobs are read again only to confirm a fragment's candidates.
    let mut facts: Option<Facts> = None;
    let mut cache = blobfacts::BlobFacts::open(repo);
    let live: HashSet<Oid> = sides
        .iter()
        .flat_map(|s| s.envs.iter().flatten().map(|e| e.id))
        .collect();
    let mut scanned: BTreeSet<Vec<u8>> = BTreeSet::new();
    let mut hits: BTreeSet<String> = BTreeSet::new();
    let interest = policy.interest();
    let links = !policy.links.is_empty();
    for _round in 0..WORK {
        close(&sides, &interest, links, &mut keys);
        if let Some(why) = too_wide_subset(keys.len(), sides[0].envs.len(), files) {
            return Ok(Plan::Full(why));
        }
        let (after, before) = match compare_sides(repo, &mut sides, &keys, c)? {
            Ok(v) => v,
            Err(why) => return Ok(Plan::Full(why)),
        };
        let (mut fragments, searched) = match fragments_of(&after, &before) {
            Ok(v) => v,
            Err(why) => return Ok(Plan::Full(why)),
        };
        fragments.retain(|f| !scanned.contains(f));
        if facts.is_none() || !fragments.is_empty() {
            let found = scan(repo, &sides, &fragments, facts.is_none(), &mut cache);
            cache.save(&live);
            let (f, h) = match found {
                Ok(v) => v,
                Err(why) => return Ok(Plan::Full(why)),
            };
            facts = facts.or(f);
            hits.extend(h);
            scanned.extend(fragments);
        }
        let facts = facts.as_ref().expect("scanned once");
        let mut grown = keys.clone();
        grown.extend(facts.hosts.iter().cloned());
        if searched {
            grown.extend(facts.opaque.iter().cloned());
        }
        grown.extend(hits.iter().cloned());
        close(&sides, &interest, links, &mut grown);
        if grown == keys {
            if newly_unused(&before.findings, &after.findings) {
                return Ok(Plan::Full("a waiver or rule the change left unused".into()));
            }
            let old = sides.remove(1);
            let side = sides.remove(0);
            return Ok(Plan::Judged(Box::new(Judged {
                after,
                before: before.findings,
                scratch: side.scratch,
                old_scratch: old.scratch,
                written: side.written,
                keys: keys.len(),
                bounded: false,
            })));
        }
        keys = grown;
    }
    Ok(Plan::Full("the subset kept growing".into()))
}

/// Both sides (new first), each with its scratch holding the config and
/// policy files, and its listing; and the policy (the same at both: a
/// changed policy file is not bounded).
fn prepare(
    repo: &Repo,
    c: &ChangeToJudge<'_>,
) -> Result<Result<(Vec<Side>, crate::policy::Policy), Unbounded>, Error> {
    let mut sides = Vec::new();
    let mut policy = None;
    for tree in [c.new, c.old] {
        let scratch = Scratch::new("incremental")?;
        let config = match config_and_policies(repo, tree, c, scratch.path())? {
            Ok(config) => config,
            Err(why) => return Ok(Err(why)),
        };
        let mut envs = Vec::new();
        let mut roots = Vec::new();
        for e in &super::setup::select(&config, c.names)? {
            if let Selection::Root { dir, .. } = &e.selection {
                roots.push(dir.clone());
            }
            match listing(repo, tree, e, &config, scratch.path()) {
                Ok(l) => envs.push(l),
                Err(why) => return Ok(Err(why)),
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
            envs,
            roots,
        });
    }
    Ok(Ok((sides, policy.expect("loaded with the first side"))))
}

/// Write `keys`' files into both scratches and compare each: (new, old).
pub(super) fn compare_sides(
    repo: &Repo,
    sides: &mut [Side],
    keys: &BTreeSet<String>,
    c: &ChangeToJudge<'_>,
) -> Result<Result<(Compared, Compared), Unbounded>, Error> {
    let mut results = Vec::new();
    for side in sides.iter_mut() {
        write_subset(repo, side, keys)?;
        let config_path = side.scratch.path().join(c.config_at);
        let cwd = config_path
            .parent()
            .unwrap_or(side.scratch.path())
            .to_path_buf();
        results.push(super::compare_in(
            Some(&side.config),
            &side.policy,
            &cwd,
            c.command,
            c.names,
            c.verbose,
            true,
        ));
    }
    let Ok(before) = results.pop().expect("two sides") else {
        return Ok(Err("the old tree's subset cannot be compared".into()));
    };
    let after = results.pop().expect("two sides")?;
    Ok(Ok((after, before)))
}

/// The literal fragments to search every blob for (sorted, unique): each
/// secret seen and each resource matched across files, at either tree; and
/// whether any was wanted.
///
/// Rule: a literal search finds only the literal spelling, so whenever one
/// is made, the files that may spell text otherwise (escapes, line
/// continuations, percent-encoding, `Secret` base64: [`Facts::opaque`])
/// come along too. A secret was the first case; an object's name is the
/// same (a duplicate whose first copy is named `"w\x65b"` was missed).
pub(super) fn fragments_of(
    after: &Compared,
    before: &Compared,
) -> Result<(Vec<Vec<u8>>, bool), Unbounded> {
    let mut fragments: Vec<Vec<u8>> = Vec::new();
    // Whether any literal search is made.
    let mut searched = false;
    for c in [&after.outcome, &before.outcome] {
        for s in &c.sightings {
            searched = true;
            let f = fragment(&s.text, 6).ok_or("a secret without a literal fragment")?;
            fragments.push(f.as_bytes().to_vec());
        }
        for id in &c.leftovers {
            searched = true;
            let name = id.doc.rsplit('/').next().unwrap_or("");
            let f = fragment(name, 3).ok_or("a resource name without a literal fragment")?;
            fragments.push(f.as_bytes().to_vec());
        }
    }
    // An object a file defines that it did not define before (a file
    // added, a document added or renamed) may be a second copy of one
    // defined anywhere else in its environment (`diff::duplicates`): every
    // file that may name it comes along.
    let old: HashSet<(usize, &str, &crate::diff::duplicates::ObjectName)> = before
        .outcome
        .defined
        .iter()
        .map(|d| (d.env, d.file.as_str(), &d.object))
        .collect();
    for d in &after.outcome.defined {
        if !old.contains(&(d.env, d.file.as_str(), &d.object)) {
            searched = true;
            let f = fragment(d.name(), 3).ok_or("an object name without a literal fragment")?;
            fragments.push(f.as_bytes().to_vec());
        }
    }
    fragments.sort();
    fragments.dedup();
    Ok((fragments, searched))
}

/// Repository-relative paths of the policy files `config` names in `tree`.
/// The config of `tree` and its policy files (globs resolved in a tree
/// that holds nothing but them and the config), written under `scratch`;
/// or why the change cannot be bounded (no config on one side, a policy
/// file changed).
///
/// # Errors
/// When the repository cannot answer or the config is invalid.
pub(super) fn config_and_policies(
    repo: &Repo,
    tree: Oid,
    c: &ChangeToJudge<'_>,
    scratch: &std::path::Path,
) -> Result<Result<Config, Unbounded>, Error> {
    crate::git::mount_paths(repo, tree, [c.config_at], scratch)?;
    let config_path = scratch.join(c.config_at);
    if !crate::source::is_file(&config_path) {
        return Ok(Err("no config in one of the trees".into()));
    }
    let config = crate::config::load(&config_path)?;
    let policy_paths = policy_paths(repo, tree, &config, c.config_at)?;
    if policy_paths.iter().any(|p| c.changed.contains(p)) {
        return Ok(Err("a policy file changed".into()));
    }
    crate::git::mount_paths(repo, tree, policy_paths.iter().map(String::as_str), scratch)?;
    Ok(Ok(config))
}

/// A change touching more than a quarter of the files the environments
/// hold is judged whole: the subset would be most of the tree, and finding
/// it (comparing both sides to close it) costs more than it saves. Only
/// the cost differs: both computations give the same answer.
pub(super) fn too_wide(changed: usize, files: usize) -> Option<Unbounded> {
    (changed.saturating_mul(4) > files).then(|| {
        format!("the change touches {changed} paths, more than a quarter of the {files} files")
    })
}

/// Whether the subset, closed, reaches more than a quarter of the tree's
/// files (`keys` file keys in each of `envs` environments): every round
/// compares it at both trees, and the gate compares it three times more,
/// so past that share the whole trees cost less. A change of 2,518 files
/// of 40,000 whose secrets and resources are everywhere grew to 10,695 of
/// 20,000 keys: 18.5 s against 4.9 s whole (`bench/out/gate-20000`).
/// Below [`SMALL_SUBSET`] keys either way costs little, and the subset is
/// kept (the tests' small trees stay on the incremental path).
pub(super) fn too_wide_subset(keys: usize, envs: usize, files: usize) -> Option<Unbounded> {
    (keys > SMALL_SUBSET && keys.saturating_mul(envs).saturating_mul(4) > files).then(|| {
        format!("the change reaches {keys} file keys, more than a quarter of the {files} files")
    })
}

/// One search for every fragment at once. A subset holds thousands of
/// secrets, each searched for in every candidate file: one `memmem` pass
/// per fragment per file made a Deployment added to one environment of
/// 20,000 files take 25 s (8,000 fragments); an Aho-Corasick automaton
/// reads each file once whatever the number of fragments.
///
/// # Errors
/// When the automaton cannot be built (a reason to judge the change whole).
pub(super) fn any_of(fragments: &[Vec<u8>]) -> Result<aho_corasick::AhoCorasick, Unbounded> {
    aho_corasick::AhoCorasick::new(fragments)
        .map_err(|e| format!("the fragments to search for are too many: {e}"))
}

/// Whether `after` reports a waiver or policy rule unused that `before`
/// did not: a finding about the whole policy, which only the full
/// computation can judge.
pub(super) fn newly_unused(before: &[Finding], after: &[Finding]) -> bool {
    let known: HashSet<_> = before.iter().map(Finding::identity).collect();
    after.iter().any(|f| {
        matches!(
            f.rule.as_str(),
            "policy/unused-waiver" | "policy/unused-rule"
        ) && !known.contains(&f.identity())
    })
}

pub(super) fn policy_paths(
    repo: &Repo,
    tree: Oid,
    config: &Config,
    config_at: &str,
) -> Result<Vec<String>, Error> {
    if config.policies.is_empty() {
        return Ok(Vec::new());
    }
    let config_dir = Path::new(config_at)
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let anchored: Result<Vec<String>, String> = config
        .policies
        .iter()
        .map(|g| crate::env::anchor(&config_dir, g))
        .collect();
    let anchored =
        anchored.map_err(|why| Error::config(&config.path, 0, format!("policies: {why}")))?;
    let set = env::glob_set(&anchored, config_at)?;
    Ok(crate::git::list_under(repo, tree, "")?
        .unwrap_or_default()
        .into_iter()
        .filter(|(p, mode, _)| *mode != 0o160000 && set.is_match(p))
        .map(|(p, _, _)| p)
        .collect())
}

/// An environment's files in `tree`, keyed exactly as [`env::list`] keys
/// them on disk (walk order, filters, ignored directories, collisions).
fn listing(
    repo: &Repo,
    tree: Oid,
    e: &crate::config::EnvConfig,
    config: &Config,
    top: &Path,
) -> Result<Vec<ListedFile>, String> {
    let Selection::Root {
        dir,
        include,
        exclude,
    } = &e.selection
    else {
        return Err(format!("[env.{}] is not a plain root", e.name));
    };
    let rel_root = env::lexical(dir)
        .strip_prefix(env::lexical(top))
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .map_err(|_| format!("[env.{}] reads outside the repository", e.name))?;
    // A malformed tree (`Repo::tree`) sends the change to the whole-tree
    // path, which reads every entry as a checkout writes it.
    let listed = crate::git::list_under(repo, tree, &rel_root)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("[env.{}] has no root directory in a tree", e.name))?;
    let include_set = (!include.is_empty())
        .then(|| env::glob_set(include, "driftcheck.toml"))
        .transpose()
        .map_err(|e| e.to_string())?;
    let exclude_set = env::glob_set(exclude, "driftcheck.toml").map_err(|e| e.to_string())?;
    let tokens = EnvTokens::new(&e.name, &e.aliases);
    // The displayed path is the root's, relative to the config, then the
    // file's (when the root is plainly under the config's directory).
    let prefix = dir
        .strip_prefix(&config.root)
        .ok()
        .filter(|p| {
            p.components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        })
        .map(|p| p.to_string_lossy().into_owned());
    let mut files: Vec<ListedFile> = Vec::new();
    for (rel, mode, id) in listed {
        let ignored = rel.rsplit_once('/').is_some_and(|(dirs, _)| {
            dirs.split('/')
                .any(|d| matches!(d, ".git" | ".hg" | ".svn" | "node_modules" | "target"))
        });
        if ignored {
            continue;
        }
        match mode {
            0o120000 => return Err("a symbolic link under an environment root".into()),
            0o160000 => continue,
            _ => {}
        }
        if include_set.as_ref().is_some_and(|s| !s.is_match(&rel)) || exclude_set.is_match(&rel) {
            continue;
        }
        let display = match &prefix {
            Some(p) if p.is_empty() => rel.clone(),
            Some(p) => format!("{p}/{rel}"),
            None => env::relative(&dir.join(&rel), &config.root),
        };
        let format = config.formats.format_for(Path::new(&display));
        let norm = tokens.normalize(&rel).into_owned();
        files.push(ListedFile {
            path: if rel_root.is_empty() {
                rel
            } else {
                format!("{rel_root}/{rel}")
            },
            key: norm.clone(),
            norm,
            display,
            id,
            format,
        });
    }
    if files.is_empty() {
        return Err(format!("[env.{}] has no files in a tree", e.name));
    }
    // walkdir's order: component by component, by name (`/` sorts first).
    let walk = |p: &str| {
        p.bytes()
            .map(|b| if b == b'/' { 0 } else { b })
            .collect::<Vec<u8>>()
    };
    files.sort_by_cached_key(|f| walk(&f.path));
    env::settle_keys(&mut files);
    Ok(files)
}

impl env::Keyed for ListedFile {
    fn key(&self) -> &str {
        &self.key
    }
    fn keep_raw(&mut self) {
        self.key = self.display.clone();
    }
}

/// What every blob says about the couplings the subset must respect.
struct Facts {
    /// Keys of files hostname learning reads.
    hosts: BTreeSet<String>,
    /// Keys of files that may spell a secret without its literal text.
    opaque: BTreeSet<String>,
}

/// One pass over every blob of both listings, through the blob-facts
/// cache (each blob read once per repository): with `want_facts`, the
/// [`Facts`] (or why the change cannot be bounded), and the keys of files
/// whose bytes hold any of `fragments` (candidates by their runs' hashes,
/// confirmed by reading them).
fn scan(
    repo: &Repo,
    sides: &[Side],
    fragments: &[Vec<u8>],
    want_facts: bool,
    cache: &mut blobfacts::BlobFacts,
) -> Result<(Option<Facts>, BTreeSet<String>), String> {
    let mut facts = Facts {
        hosts: BTreeSet::new(),
        opaque: BTreeSet::new(),
    };
    let search = any_of(fragments)?;
    let wanted = blobfacts::Wanted::new(fragments);
    let mut hits = BTreeSet::new();
    let mut confirmed: HashMap<Oid, bool> = HashMap::new();
    for side in sides {
        for env in &side.envs {
            for e in env {
                let fact = cache.get(repo, e.id);
                if want_facts {
                    if fact.flags & blobfacts::LINK != 0 {
                        return Err(format!("`{}` may be a git link", e.path));
                    }
                    if matches!(e.format, Format::Nginx | Format::Ini)
                        && fact.flags & blobfacts::INCLUDE != 0
                    {
                        return Err(format!("`{}` may include other files", e.path));
                    }
                    if e.format == Format::Nginx || fact.flags & blobfacts::INGRESS != 0 {
                        facts.hosts.insert(e.key.clone());
                    }
                    if fact.flags & blobfacts::OPAQUE != 0 {
                        facts.opaque.insert(e.key.clone());
                    }
                }
                if wanted.in_fact(fact) {
                    let hit = *confirmed.entry(e.id).or_insert_with(|| {
                        let bytes = repo.blob(e.id).unwrap_or_default();
                        search.is_match(&bytes)
                    });
                    if hit {
                        hits.insert(e.key.clone());
                    }
                }
            }
        }
    }
    Ok((want_facts.then_some(facts), hits))
}

/// The longest run of ASCII letters and digits in `text`, if at least
/// `min` long: it survives every quoting and escaping a format allows for
/// other characters.
fn fragment(text: &str, min: usize) -> Option<&str> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .max_by_key(|r| r.len())
        .filter(|r| r.len() >= min)
}

/// Close `keys` under collisions (files sharing a normalised key travel
/// together) and `[[link]]` membership, at both trees. A file that did not
/// collide has its normalised key as key, so only collided files (rare)
/// are looked at for the first; every file only when the policy has links.
fn close(
    sides: &[Side],
    interest: &crate::policy::PolicyInterest<'_>,
    links: bool,
    keys: &mut BTreeSet<String>,
) {
    loop {
        let before = keys.len();
        let collided = sides
            .iter()
            .flat_map(|s| s.envs.iter().flatten())
            .filter(|e| e.key != e.norm);
        let mut norms: HashSet<String> = HashSet::new();
        for e in collided.clone().filter(|e| keys.contains(&e.key)) {
            norms.insert(e.norm.clone());
        }
        norms.extend(keys.iter().cloned());
        for e in collided.filter(|e| norms.contains(&e.norm)) {
            keys.insert(e.key.clone());
        }
        // Non-collided files whose normalised key is one of `norms`.
        keys.extend(norms);
        if links {
            let all = || sides.iter().flat_map(|s| s.envs.iter().flatten());
            let reached: BTreeSet<usize> = all()
                .filter(|e| keys.contains(&e.key))
                .flat_map(|e| interest.links_at(&e.key, &e.display))
                .collect();
            if !reached.is_empty() {
                let add: Vec<String> = all()
                    .filter(|e| {
                        reached
                            .iter()
                            .any(|&li| interest.in_link(li, &e.key, &e.display))
                    })
                    .map(|e| e.key.clone())
                    .collect();
                keys.extend(add);
            }
        }
        if keys.len() == before {
            return;
        }
    }
}

/// Write the files of `keys` (every environment) into the side's scratch,
/// and make every environment root exist.
fn write_subset(repo: &Repo, side: &mut Side, keys: &BTreeSet<String>) -> Result<(), Error> {
    let mut todo = Vec::new();
    for env in &side.envs {
        for e in env.iter().filter(|e| keys.contains(&e.key)) {
            if side.written.insert(e.path.clone()) {
                todo.push(e.path.clone());
            }
        }
    }
    crate::git::mount_paths(
        repo,
        side.tree,
        todo.iter().map(String::as_str),
        side.scratch.path(),
    )?;
    for dir in &side.roots {
        crate::source::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
    }
    Ok(())
}
