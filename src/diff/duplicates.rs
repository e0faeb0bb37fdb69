//! One Kubernetes object defined twice in one environment.
//!
//! # The rule
//!
//! An environment's plain files define each Kubernetes object once. The
//! object is named by what the API server keys it by, as written: the API
//! group (from `apiVersion`), the kind, the namespace and the name. A copy
//! without a namespace matches a copy with any namespace (`kubectl apply
//! -n prod` puts it there), so leaving the namespace out does not hide a
//! second copy. A second document naming an object the environment already
//! defines, in another file or in the same one, makes what runs depend on
//! the order files are applied in: `kubectl apply -f dir` keeps the last,
//! kustomize refuses the build. The comparison aligns one copy and the
//! other goes unseen: a copy with fewer replicas added in `z-override.yaml`
//! passed a replica-decrease rule, and was reported as a resource "in prod
//! only". It is an error, `drift/duplicate-object`, reported at each later
//! copy (by file, then line) and naming the first.
//!
//! Not asked:
//! - **kustomize inputs**: a file under a directory (within the listing)
//!   that holds a `kustomization.yaml`, `kustomization.yml` or
//!   `Kustomization`. Patches name the object they patch; kustomize itself
//!   refuses a real duplicate, and `render` compares what it builds;
//! - **layered environments**: their layers are merged into one tree by
//!   design;
//! - `generateName` objects: each apply creates a new one;
//! - **one environment compared with itself** (the gate's self
//!   comparisons): the cross-environment comparison at each end reports a
//!   duplicate, so one a change adds is introduced drift.

use std::collections::{BTreeMap, HashSet};

use crate::env::Environment;
use crate::finding::{Finding, Rule, Site};
use crate::model::document::Doc;
use crate::model::node::NodeValue;

/// API group (empty for the core group), kind, namespace (if written), name.
pub type ObjectName = (String, String, Option<String>, String);

/// The object one document defines in one environment.
#[derive(Debug, Clone)]
pub struct Defined {
    /// The environment, by index.
    pub env: usize,
    /// What the API server keys it by, as written.
    pub object: ObjectName,
    /// The file's alignment key.
    pub key: String,
    /// The file, as written (repository-relative).
    pub file: String,
    /// The document's first line.
    pub line: u32,
}

impl Defined {
    /// The object's name (what an incremental run searches other files for).
    pub fn name(&self) -> &str {
        &self.object.3
    }

    /// `Kind/namespace/name` (group in brackets when not core), for messages.
    fn shown(&self) -> String {
        let (group, kind, ns, name) = &self.object;
        let group = if group.is_empty() {
            String::new()
        } else {
            format!(" ({group})")
        };
        match ns {
            Some(ns) => format!("{kind}/{ns}/{name}{group}"),
            None => format!("{kind}/{name}{group}"),
        }
    }
}

/// The object `doc` of environment `env` defines, if it is a Kubernetes
/// object with a name (not a layered document).
pub(super) fn defined(env: usize, doc: &Doc) -> Option<Defined> {
    if !doc.sources.is_empty() {
        return None;
    }
    let NodeValue::Map(m) = &doc.root.value else {
        return None;
    };
    let text = crate::model::document::scalar_text;
    let api = text(m, "apiVersion")?;
    let kind = text(m, "kind")?;
    let NodeValue::Map(meta) = &m.iter().find(|e| e.key == "metadata")?.value.value else {
        return None;
    };
    let name = text(meta, "name")?;
    let group = api.rsplit_once('/').map_or("", |(g, _)| g).to_string();
    Some(Defined {
        env,
        object: (group, kind, text(meta, "namespace"), name),
        key: doc.key.clone(),
        file: doc.file.clone(),
        line: doc.line,
    })
}

/// Directories (repository-relative, `/`-separated) of each environment's
/// kustomizations: the files under them are kustomize inputs.
fn kustomize_dirs(envs: &[Environment]) -> Vec<HashSet<&str>> {
    envs.iter()
        .map(|e| {
            e.files
                .iter()
                .filter_map(|f| {
                    let (dir, base) = f.display.rsplit_once('/').unwrap_or(("", &f.display));
                    matches!(
                        base,
                        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
                    )
                    .then_some(dir)
                })
                .collect()
        })
        .collect()
}

/// Whether `file` lies under one of `dirs`.
fn under(file: &str, dirs: &HashSet<&str>) -> bool {
    if dirs.contains("") {
        return true;
    }
    let mut at = file;
    while let Some((dir, _)) = at.rsplit_once('/') {
        if dirs.contains(dir) {
            return true;
        }
        at = dir;
    }
    false
}

/// One `drift/duplicate-object` per later copy of an object in one
/// environment (see the module's rule).
pub(super) fn findings(names: &[String], envs: &[Environment], all: &[Defined]) -> Vec<Finding> {
    let kustomized = kustomize_dirs(envs);
    let mut by_name: BTreeMap<(usize, &str, &str, &str), Vec<&Defined>> = BTreeMap::new();
    for d in all {
        if kustomized
            .get(d.env)
            .is_some_and(|dirs| under(&d.file, dirs))
        {
            continue;
        }
        let (group, kind, _, name) = &d.object;
        by_name
            .entry((d.env, group, kind, name))
            .or_default()
            .push(d);
    }
    let mut out = Vec::new();
    for ((env, ..), mut copies) in by_name {
        if copies.len() < 2 {
            continue;
        }
        copies.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        for (i, copy) in copies.iter().enumerate() {
            let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            let Some(first) = copies[..i]
                .iter()
                .find(|c| same(&c.object.2, &copy.object.2))
            else {
                continue;
            };
            let mut f = Finding::builtin(
                Rule::DuplicateObject,
                format!(
                    "{} is defined twice in {}: also at {}:{}; `kubectl apply` keeps the copy it reads last",
                    copy.shown(),
                    names[env],
                    first.file,
                    first.line
                ),
                copy.key.clone(),
            );
            f.document = Some(copy.shown());
            f.envs = names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let site = (i == env).then(|| Site {
                        file: copy.file.clone(),
                        line: copy.line,
                        value: None,
                    });
                    (n.clone(), site)
                })
                .collect();
            out.push(f);
        }
    }
    out
}
