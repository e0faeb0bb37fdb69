//! Kustomize overlays in discovery: which directories are overlays, which are
//! Components (never an environment: they are mixed into overlays), what each
//! overlay builds from (its bases and components must be guarded too), and
//! which renderer is installed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::env::relative;
use crate::formats::{self, Format, Limits};
use crate::model::node::{Node, NodeValue};

/// How deep references are followed (base of a base of …).
const MAX_DEPTH: usize = 16;

/// The kustomization file of `dir`, if it has one.
pub fn kustomization(dir: &Path) -> Option<PathBuf> {
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

fn root_of(file: &Path) -> Option<Node> {
    let text = std::fs::read_to_string(file).ok()?;
    let docs = formats::parse(Format::Yaml, &text, &Limits::default()).ok()?;
    docs.into_iter().next().map(|d| d.root)
}

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.value {
        NodeValue::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
        _ => None,
    }
}

fn text(node: &Node) -> Option<&str> {
    match &node.value {
        NodeValue::Scalar(s) => Some(s.text.as_str()),
        _ => None,
    }
}

/// Whether `dir` is a kustomize Component (`kind: Component`).
pub fn is_component(dir: &Path) -> bool {
    kustomization(dir)
        .and_then(|k| root_of(&k))
        .and_then(|r| get(&r, "kind").and_then(text).map(|k| k == "Component"))
        .unwrap_or(false)
}

/// Whether `dir` is a kustomize overlay (a kustomization that is not a Component).
pub fn is_overlay(dir: &Path) -> bool {
    kustomization(dir).is_some() && !is_component(dir)
}

/// Every local path an overlay builds from (resources, bases, components,
/// patches), followed through the directories it names, repository-relative;
/// remote references (URLs) and paths leaving the repository are skipped.
pub fn inputs(repo_root: &Path, overlay: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(root) = repo_root.canonicalize() else {
        return out;
    };
    let mut stack = vec![(overlay.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let Some(file) = kustomization(&dir) else {
            continue;
        };
        let Some(doc) = root_of(&file) else { continue };
        for field in [
            "resources",
            "bases",
            "components",
            "patchesStrategicMerge",
            "patches",
            "crds",
        ] {
            let Some(Node {
                value: NodeValue::Seq(items),
                ..
            }) = get(&doc, field)
            else {
                continue;
            };
            for item in items {
                let reference = text(item).or_else(|| get(item, "path").and_then(text));
                let Some(reference) = reference else { continue };
                if reference.contains("://") || reference.contains('\n') {
                    continue;
                }
                let Ok(target) = dir.join(reference).canonicalize() else {
                    continue;
                };
                if !target.starts_with(&root) {
                    continue;
                }
                let rel = relative(&target, &root);
                if target.is_dir() {
                    if out.insert(format!("{rel}/**")) && depth < MAX_DEPTH {
                        stack.push((target, depth + 1));
                    }
                } else {
                    out.insert(rel);
                }
            }
        }
    }
    out
}

/// The command that builds an overlay, when `kubectl` or `kustomize` is on PATH.
pub fn renderer(dir: &str) -> Option<Vec<String>> {
    if on_path("kubectl") {
        Some(vec!["kubectl".into(), "kustomize".into(), dir.into()])
    } else if on_path("kustomize") {
        Some(vec!["kustomize".into(), "build".into(), dir.into()])
    } else {
        None
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|p| {
            let candidate = p.join(program);
            candidate.is_file() || candidate.with_extension("exe").is_file()
        })
    })
}
