//! Each environment compared with **itself**, merge base against head: what
//! the change did to each environment's own values, read raw (no
//! environment-name normalisation), and where it moved its files and
//! Kubernetes documents. The drift half of the gate ([`super::drift`])
//! decides "pre-existing" and "introduced" from this, never from finding
//! identities alone, because the change controls identities (file names,
//! document names, the spelling of an environment's name in a value).

use std::collections::HashMap;
use std::path::Path;

use crate::config::{Config, EnvConfig};
use crate::diff;
use crate::env::Environment;
use crate::error::Error;
use crate::finding::{Finding, Severity, Shown, Site};
use crate::formats::Limits;
use crate::git::Edit;
use crate::model::envtoken::EnvTokens;
use crate::secrets::{Fingerprinter, Masker};

/// The two sides of an environment compared with itself. Compound names
/// (matched only as bounded substrings) that no config value spells: the
/// comparison is raw, so `/data/prod` and `/data/prd` differ.
const BEFORE: &str = "gate-merge-base-side";
const AFTER: &str = "gate-head-side";

/// Per environment (by its config name): the findings of comparing its
/// merge-base side with its head side, read as written. Each is a change
/// the change made.
pub(super) struct SelfDiff {
    changes: HashMap<String, Vec<Finding>>,
    /// Every environment's name tokens, as the cross-environment comparison
    /// spells file keys, document identities and key names with them
    /// (`values-prod.yaml` is `values-{env}.yaml` there): a change is
    /// matched against a finding in the finding's spelling too ([`touched`]).
    ids: EnvTokens,
    /// Per environment, each file key (as written and as spelt with `ids`)
    /// to its changes: [`touched`] is asked once per finding, and a change
    /// to every file made it findings × changes.
    by_file: HashMap<String, HashMap<String, Vec<usize>>>,
}

impl std::ops::Deref for SelfDiff {
    type Target = HashMap<String, Vec<Finding>>;
    fn deref(&self) -> &Self::Target {
        &self.changes
    }
}

/// Compare every environment of `base` with the same environment of
/// `head` (the same config text read against the other tree). An
/// environment missing on one side is left out (it is all added or all
/// removed; the cross-environment comparison reports that). `partial`:
/// the trees are sparse ([`super::scope`]), so an environment with no file
/// there is one with nothing in the subset, compared as such.
///
/// # Errors
/// When the secret fingerprinter cannot be seeded, or an environment fails
/// in a way other than being absent.
pub(super) fn self_diff(base: &Config, head: &Config, partial: bool) -> Result<SelfDiff, Error> {
    let masker = Masker::new(Fingerprinter::random().map_err(|e| Error::Random(e.to_string()))?);
    let tokens: Vec<EnvTokens> = head
        .envs
        .iter()
        .map(|e| EnvTokens::new(&e.name, &e.aliases))
        .collect();
    let mut out = SelfDiff {
        changes: HashMap::new(),
        ids: EnvTokens::union(&tokens.iter().collect::<Vec<_>>()),
        by_file: HashMap::new(),
    };
    for (b, h) in base.envs.iter().zip(&head.envs) {
        let (Some(be), Some(he)) = (
            side(base, b, BEFORE, partial)?,
            side(head, h, AFTER, partial)?,
        ) else {
            continue;
        };
        let outcome = diff::changes(
            &[be, he],
            &masker,
            &Limits::default(),
            super::scope::reference_path(),
        );
        let changes = outcome.findings.into_iter().filter(|f| !unchanged(f));
        let changes: Vec<Finding> = changes.collect();
        let mut by_file: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, g) in changes.iter().enumerate() {
            let spelt = out.ids.normalize(&g.file);
            if spelt != g.file {
                by_file.entry(spelt.into_owned()).or_default().push(i);
            }
            by_file.entry(g.file.clone()).or_default().push(i);
        }
        out.by_file.insert(b.name.clone(), by_file);
        out.changes.insert(b.name.clone(), changes);
    }
    Ok(out)
}

/// Rule: a self-diff finding is a change only if it says the two sides
/// differ. Two rules judge what a value *is*, not how the sides differ:
/// `drift/credential-reused` (the same secret on both sides, which for an
/// environment compared with itself means the secret was left alone) and
/// `drift/placeholder` (a placeholder on a side). Where both sides show the
/// same value they report what the change did not touch, and counting them
/// made every finding about any file holding a secret or a placeholder
/// "introduced" by any change at all (and `on_change` rules ask for
/// review of a secret nobody touched, [`super::on_change`]). A real change
/// to such a value still shows (the sides' values differ, or a value, key
/// or file finding).
pub(super) fn unchanged(f: &Finding) -> bool {
    if !matches!(
        f.rule.as_str(),
        "drift/credential-reused" | "drift/placeholder"
    ) {
        return false;
    }
    let mut sites = f.envs.iter().map(|(_, s)| s.as_ref().map(|s| &s.value));
    match (sites.next(), sites.next()) {
        (Some(Some(Some(a))), Some(Some(Some(b)))) => a == b,
        _ => false,
    }
}

/// One side of an environment, named `label`, read as written
/// ([`crate::pipeline::setup::environment_as_written`]: no name tokens, the
/// label's included). `None` when it cannot be listed there (added or
/// removed by the change).
pub(super) fn side(
    c: &Config,
    e: &EnvConfig,
    label: &str,
    partial: bool,
) -> Result<Option<Environment>, Error> {
    let mut e = e.clone();
    e.name = label.to_string();
    e.aliases.clear();
    match crate::pipeline::setup::environment_as_written(&c.root, &e, &c.formats, partial) {
        Ok(env) => Ok(Some(env)),
        Err(Error::EmptyEnv { .. } | Error::EnvRoot { .. } | Error::NothingCompared { .. }) => {
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// Whether `a` and `b` name related keys: equal, or one inside the other.
fn related(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let inside = |long: &str, short: &str| {
                long.strip_prefix(short)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            };
            a == b || inside(a, b) || inside(b, a)
        }
        _ => true,
    }
}

/// Whether the change touched what `f` is about in environment `env`: its
/// file (added, removed), its document, its key or a key inside or around it.
///
/// Rule: a change (read as written) is matched against `f` as written and
/// as the cross-environment comparison spells it, with every environment's
/// names read as `{env}`: a data path changed in `prod/values-prod.yaml`
/// is a change to the finding about `values-{env}.yaml` (it passed as
/// pre-existing while the same change in `app.yaml` was introduced).
pub(super) fn touched(diffs: &SelfDiff, env: &str, f: &Finding) -> bool {
    let spelt = |s: &str| diffs.ids.normalize(s).into_owned();
    let same = |g: Option<&str>, f: Option<&str>| g == f || g.map(spelt).as_deref() == f;
    let (Some(changes), Some(at)) = (
        diffs.get(env),
        diffs.by_file.get(env).and_then(|m| m.get(&f.file)),
    ) else {
        return false;
    };
    at.iter().map(|&i| &changes[i]).any(|g| {
        (g.document.is_none()
            || f.document.is_none()
            || same(g.document.as_deref(), f.document.as_deref()))
            && (related(g.key.as_deref(), f.key.as_deref())
                || related(g.key.as_deref().map(spelt).as_deref(), f.key.as_deref()))
    })
}

/// The same divergence at the base: a base finding with `f`'s identity,
/// and in every environment `f` involves, nothing the change touched.
pub(super) fn same_divergence(
    f: &Finding,
    base_ids: &std::collections::HashSet<crate::finding::Identity>,
    diffs: &SelfDiff,
) -> bool {
    base_ids.contains(&f.identity())
        && f.envs
            .iter()
            .filter(|(_, s)| s.is_some())
            .all(|(env, _)| !touched(diffs, env, f))
}

fn value(s: &Option<Site>) -> Option<&str> {
    match s.as_ref()?.value.as_ref()? {
        Shown::Value(v) => Some(v),
        Shown::Secret { .. } => None,
    }
}

/// Rule: the spelling of an environment's own name inside a value is part
/// of the value. A change that only respells it in one environment
/// (`/data/prod` to `/data/prd`, `/data/PROD`, `/data/production`) points
/// that value somewhere else, while the comparison, which reads every
/// spelling as `{env}`, sees no difference. When another environment
/// holding the same file keeps its value, the change introduced a
/// divergence: an error for a path (an absolute path or a path-like key,
/// as `drift/data-path`), else a warning (as `drift/value`).
pub(super) fn respellings(config: &Config, diffs: &SelfDiff) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in &config.envs {
        let Some(changes) = diffs.get(&e.name) else {
            continue;
        };
        let tokens = EnvTokens::new(&e.name, &e.aliases);
        for g in changes {
            let (Some(old), Some(new)) = (
                value(&g.envs.first().map(|(_, s)| s.clone()).unwrap_or_default())
                    .map(str::to_string),
                value(&g.envs.get(1).map(|(_, s)| s.clone()).unwrap_or_default())
                    .map(str::to_string),
            ) else {
                continue;
            };
            if old == new || tokens.normalize(&old) != tokens.normalize(&new) {
                continue;
            }
            let others: Vec<&str> = config
                .envs
                .iter()
                .filter(|o| {
                    o.name != e.name && diffs.contains_key(&o.name) && !touched(diffs, &o.name, g)
                })
                .map(|o| o.name.as_str())
                .collect();
            if others.is_empty() {
                continue;
            }
            let path = path_like(g.key.as_deref().unwrap_or_default(), &old, &new);
            let mut f = Finding::other(
                "gate/env-spelling",
                if path {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                format!(
                    "{} changed from `{}` to `{}` in {} only: just the spelling of the environment's name, which the comparison reads as the same value, while {} kept {}",
                    g.key.as_deref().unwrap_or(&g.file),
                    crate::text::escape(&old, 120),
                    crate::text::escape(&new, 120),
                    e.name,
                    others.join(", "),
                    if others.len() == 1 {
                        "its value"
                    } else {
                        "their values"
                    },
                ),
                g.file.clone(),
                "spell the environment's name as the merge base did, or make the change in every environment",
            );
            f.document.clone_from(&g.document);
            f.key.clone_from(&g.key);
            f.envs = vec![(e.name.clone(), g.envs.get(1).and_then(|(_, s)| s.clone()))];
            out.push(f);
        }
    }
    out
}

/// A value the engine would judge as a data path.
fn path_like(key: &str, old: &str, new: &str) -> bool {
    let abs = |s: &str| {
        let s = s.trim_matches(['[', ']', '"']);
        (s.starts_with('/') && s.len() > 1) || s.starts_with("~/") || s.starts_with("file://")
    };
    let last = key
        .rsplit(['.', '['])
        .next()
        .unwrap_or(key)
        .to_ascii_lowercase();
    abs(old)
        || abs(new)
        || [
            "path", "dir", "root", "mount", "volume", "home", "location", "file",
        ]
        .iter()
        .any(|w| last.contains(w))
}

/// What an environment lost and gained by the change, where the head's
/// comparison shows the loss in it alone and the gain in it alone.
struct Moves {
    /// `(file, document)` the environment had at the base, now missing in
    /// it while another environment still has it.
    lost: Vec<(String, Option<String>, Site)>,
    /// `(file, document)` new in it, that no other environment has.
    gained: Vec<(String, Option<String>, Site)>,
}

/// Rule (renames and moves within an environment): a file or Kubernetes
/// document an environment **lost** in the change (the other environments
/// still have it) and one it **gained** (no other environment has it) are
/// one thing moved, paired most-similar first; the aligned head puts the
/// gained one back where the base had it (a file at its old path, a
/// document under its old kind, namespace and name), so the engine
/// compares its values with the other environments' again. Pairing more
/// than was meant can only add comparisons (fail closed).
///
/// `head` is the cross-environment comparison at head; `base` and `config`
/// the config read at the merge base and at head (paths in sites are
/// relative to their `root`); `tree_root` the written-out head.
pub(super) fn alignment(
    head: &[Finding],
    diffs: &SelfDiff,
    base: &Config,
    config: &Config,
    tree_root: &Path,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for e in &config.envs {
        let Some(changes) = diffs.get(&e.name) else {
            continue;
        };
        let moves = moves_of(&e.name, head, changes);
        let mut gained = moves.gained.clone();
        let mut moved = std::collections::HashSet::new();
        for (file, doc, lost_site) in &moves.lost {
            // Most similar gained thing of the same kind (file / document).
            let best = gained
                .iter()
                .enumerate()
                .filter(|(_, (_, d, _))| d.is_some() == doc.is_some())
                .map(|(i, (_, _, site))| {
                    (
                        i,
                        similarity((base, lost_site), (config, site), doc.is_some()),
                    )
                })
                .max_by(|a, b| a.1.total_cmp(&b.1));
            let Some((i, _)) = best.or_else(|| {
                // A document whose whole file the environment lost (a file
                // the engine no longer reads as the same format): its file
                // pairs with a gained file.
                let gone = lost_file(config, e, file, tree_root)
                    .is_some_and(|p| !crate::source::exists(&tree_root.join(&p)));
                if doc.is_none() || !gone || moved.contains(file) {
                    return None;
                }
                gained
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, d, _))| d.is_none())
                    .map(|(i, (_, _, site))| {
                        (i, similarity((base, lost_site), (config, site), false))
                    })
                    .max_by(|a, b| a.1.total_cmp(&b.1))
            }) else {
                continue;
            };
            let (gfile, gdoc, gsite) = gained.remove(i);
            let rel = |site: &Site| repo_relative(&config.root.join(&site.file), tree_root);
            match (doc, gdoc) {
                (_, None) => {
                    moved.insert(file.clone());
                    let (from, to) = (rel(&gsite), lost_file(config, e, file, tree_root));
                    if let (Some(from), Some(to)) = (from, to) {
                        edits.push(Edit::Move { from, to });
                    }
                }
                (Some(old_id), Some(new_id)) => {
                    let Some(path) = rel(&gsite) else { continue };
                    let Ok(text) = crate::source::read_to_string(&config.root.join(&gsite.file))
                    else {
                        continue;
                    };
                    if let Some(bytes) = renamed_document(&text, gsite.line, &new_id, old_id) {
                        edits.push(Edit::Write {
                            path,
                            bytes: bytes.into_bytes(),
                        });
                    }
                    let _ = gfile;
                }
                _ => {}
            }
        }
    }
    edits
}

/// The lost and gained files and documents of environment `env`.
fn moves_of(env: &str, head: &[Finding], changes: &[Finding]) -> Moves {
    let only = |f: &Finding, side: usize| {
        f.rule == "drift/missing-file"
            && f.envs
                .iter()
                .enumerate()
                .all(|(i, (_, s))| s.is_some() == (i == side))
    };
    let mut lost = Vec::new();
    let mut gained = Vec::new();
    for f in head.iter().filter(|f| f.rule == "drift/missing-file") {
        let mine = f
            .envs
            .iter()
            .find(|(n, _)| n == env)
            .map(|(_, s)| s.clone());
        let Some(mine) = mine else { continue };
        let others_have = f.envs.iter().any(|(n, s)| n != env && s.is_some());
        let removed = changes
            .iter()
            .find(|g| only(g, 0) && g.file == f.file && g.document == f.document);
        let added = changes
            .iter()
            .any(|g| only(g, 1) && g.file == f.file && g.document == f.document);
        match (mine, others_have) {
            (None, true) => {
                if let Some(site) = removed.and_then(|g| g.envs[0].1.clone()) {
                    lost.push((f.file.clone(), f.document.clone(), site));
                }
            }
            (Some(site), false) if added => {
                gained.push((f.file.clone(), f.document.clone(), site));
            }
            _ => {}
        }
    }
    Moves { lost, gained }
}

/// Where `env` had `file` (relative to its root) at the base, repository-relative.
fn lost_file(config: &Config, e: &EnvConfig, file: &str, tree_root: &Path) -> Option<String> {
    match &e.selection {
        crate::env::Selection::Root { dir, .. } => {
            repo_relative(&config.root.join(dir).join(file), tree_root)
        }
        _ => None,
    }
}

/// How alike two sites' files are (0 to 1), by their text; each site is
/// relative to its config's root.
fn similarity(lost: (&Config, &Site), gained: (&Config, &Site), document: bool) -> f32 {
    if document {
        // Documents: the same file first.
        return if lost.1.file == gained.1.file {
            1.0
        } else {
            0.5
        };
    }
    let read = |(c, s): (&Config, &Site)| {
        crate::source::read_to_string(&c.root.join(&s.file)).unwrap_or_default()
    };
    let (a, b) = (read(lost), read(gained));
    similar::TextDiff::from_lines(&a, &b).ratio()
}

fn repo_relative(path: &Path, tree_root: &Path) -> Option<String> {
    let rel = path.strip_prefix(tree_root).ok()?;
    let s = rel.to_str()?.replace('\\', "/");
    Some(s.trim_start_matches("./").to_string())
}

/// `text` with the Kubernetes document starting at 1-based `line`
/// renamed from identity `from` (`Kind/namespace/name`, or `Kind/name`)
/// back to `to`: its `kind:`, `metadata.namespace` and `metadata.name`
/// lines, where they differ. `None` when nothing could be rewritten.
fn renamed_document(text: &str, line: u32, from: &str, to: &str) -> Option<String> {
    let parts = |id: &str| -> (String, Option<String>, String) {
        let p: Vec<&str> = id.split('/').collect();
        match p.as_slice() {
            [k, ns, name] => ((*k).into(), Some((*ns).into()), (*name).into()),
            [k, name] => ((*k).into(), None, (*name).into()),
            _ => (String::new(), None, id.into()),
        }
    };
    let (fk, fns, fname) = parts(from);
    let (tk, tns, tname) = parts(to);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let start = (line.max(1) - 1) as usize;
    let end = lines
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, l)| l.starts_with("---"))
        .map_or(lines.len(), |(i, _)| i);
    let mut changed = false;
    let mut in_meta = false;
    for l in lines.iter_mut().take(end).skip(start) {
        let indent = l.len() - l.trim_start().len();
        let t = l.trim_start().to_string();
        if indent == 0 {
            in_meta = t.starts_with("metadata:");
        }
        let set = |l: &mut String, key: &str, old: &str, new: &str| -> bool {
            let value = t
                .strip_prefix(key)
                .map(|v| v.trim().trim_matches(['"', '\'']));
            if value == Some(old) && old != new {
                *l = format!("{}{key} {new}", " ".repeat(indent));
                return true;
            }
            false
        };
        if indent == 0 && fk != tk {
            changed |= set(l, "kind:", &fk, &tk);
        } else if in_meta && indent > 0 {
            if let (Some(a), Some(b)) = (&fns, &tns) {
                changed |= set(l, "namespace:", a, b);
            }
            changed |= set(l, "name:", &fname, &tname);
        }
    }
    changed.then(|| {
        let mut s = lines.join("\n");
        s.push('\n');
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_renamed_back() {
        let text = "a: 1\n---\napiVersion: v1\nkind: configmap\nmetadata:\n  name: app-v2\n  namespace: x\ndata:\n  name: app-v2\n";
        let out = renamed_document(text, 3, "configmap/x/app-v2", "ConfigMap/app/app").unwrap();
        assert_eq!(
            out,
            "a: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: app\ndata:\n  name: app-v2\n"
        );
        assert!(renamed_document(text, 3, "configmap/x/app-v2", "configmap/x/app-v2").is_none());
    }

    #[test]
    fn keys_inside_each_other_are_related() {
        assert!(related(Some("a.b"), Some("a")));
        assert!(related(Some("a[0]"), Some("a")));
        assert!(!related(Some("ab"), Some("a")));
        assert!(related(None, Some("a")));
    }
}
