//! The layering rule, checked by scanning the sources: data flows one way.
//!
//! - The command line (`src/main.rs`, `src/cli.rs`, `src/commands/`) is the
//!   binary crate. The library never names it: no `crate::cli`,
//!   `crate::commands` or `use driftcheck` in `src/` outside the binary.
//! - libgit2 stays behind `src/git/`: no `git2` path outside it.
//! - Masking has one way in: the facade of `src/secrets/mod.rs`. No path
//!   into a detector module (`secrets::values::`, `secrets::keys::`, ...)
//!   outside `src/secrets/`: a caller that picks some of the rules masks
//!   less than the masker would, and the next rule added would miss it.
//! - One import loop at most among the library's modules, and only the one
//!   named here: `formats`, `model` and `secrets` (parsers build the model;
//!   model values carry the masker's fingerprints, and documents carry the
//!   parsers' errors; parsers ask the key lexicon whether a key holds a
//!   secret, so that no error quotes its value). Any other loop fails
//!   `only_the_named_import_loop_is_left`.

#[cfg(test)]
mod tests {

    use crate::sizes::sources;

    fn binary(rel: &str) -> bool {
        rel == "main.rs" || rel == "cli.rs" || rel.starts_with("commands/")
    }

    #[test]
    fn the_library_never_names_the_command_line() {
        let offending: Vec<String> = sources()
            .into_iter()
            .filter(|(rel, _)| !binary(rel) && rel != "layering.rs")
            .filter(|(_, text)| {
                let re = regex::Regex::new(r"\b(crate::(cli|commands)|use driftcheck)\b").unwrap();
                re.is_match(text)
            })
            .map(|(rel, _)| rel)
            .collect();
        assert!(
            offending.is_empty(),
            "library modules naming the CLI: {offending:?}"
        );
    }

    #[test]
    fn libgit2_stays_behind_the_git_module() {
        let re = regex::Regex::new(r"\bgit2::|use git2\b").unwrap();
        let offending: Vec<String> = sources()
            .into_iter()
            .filter(|(rel, _)| !rel.starts_with("git/") && rel != "layering.rs")
            .filter(|(_, text)| re.is_match(text))
            .map(|(rel, _)| rel)
            .collect();
        assert!(offending.is_empty(), "git2 outside src/git/: {offending:?}");
    }

    #[test]
    fn secret_detectors_stay_behind_the_facade() {
        let facade =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/secrets/mod.rs"))
                .unwrap();
        let inner: Vec<String> =
            regex::Regex::new(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;")
                .unwrap()
                .captures_iter(&facade)
                .map(|c| c[1].to_string())
                .filter(|m| m != "tests")
                .collect();
        assert!(inner.len() >= 10, "the detector modules: {inner:?}");
        let re = regex::Regex::new(&format!(
            r"\bsecrets::(?:{})::|\bsecrets::\{{[^}}]*\b(?:{})::",
            inner.join("|"),
            inner.join("|")
        ))
        .unwrap();
        let offending: Vec<String> = sources()
            .into_iter()
            .filter(|(rel, _)| !rel.starts_with("secrets/") && rel != "layering.rs")
            .filter(|(_, text)| re.is_match(text))
            .map(|(rel, _)| rel)
            .collect();
        assert!(
            offending.is_empty(),
            "secret detectors named outside src/secrets/ (use the facade): {offending:?}"
        );
        // The scan sees what it is meant to see.
        assert!(re.is_match("crate::secrets::values::secret_words(x)"));
        assert!(re.is_match("use crate::secrets::{Masker, keys::is_secret_name};"));
        assert!(!re.is_match("crate::secrets::mask_line(x)"));
    }

    /// Modules of the library (top-level) and which others each names
    /// through `crate::` outside its tests.
    fn imports() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
        let lib =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
        let modules: std::collections::BTreeSet<String> =
            regex::Regex::new(r"(?m)^\s*(?:pub\s+)?mod\s+(\w+)")
                .unwrap()
                .captures_iter(&lib)
                .map(|c| c[1].to_string())
                .collect();
        let path = regex::Regex::new(r"crate::(\w+)").unwrap();
        let group = regex::Regex::new(r"use crate::\{([^}]*)\}").unwrap();
        let mut out: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            Default::default();
        for (rel, text) in sources() {
            let module = rel
                .split('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".rs")
                .to_string();
            if !modules.contains(&module) {
                continue;
            }
            let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            let named = path.captures_iter(text).map(|c| c[1].to_string()).chain(
                group.captures_iter(text).flat_map(|c| {
                    c[1].split(|ch: char| !ch.is_alphanumeric() && ch != '_')
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                }),
            );
            let entry = out.entry(module.clone()).or_default();
            for m in named.filter(|m| modules.contains(m) && *m != module) {
                entry.insert(m);
            }
        }
        out
    }

    #[test]
    fn only_the_named_import_loop_is_left() {
        let graph = imports();
        let reach = |from: &str, to: &str| {
            let mut seen = std::collections::BTreeSet::new();
            let mut todo = vec![from.to_string()];
            while let Some(m) = todo.pop() {
                for n in graph.get(&m).into_iter().flatten() {
                    if n == to {
                        return true;
                    }
                    if seen.insert(n.clone()) {
                        todo.push(n.clone());
                    }
                }
            }
            false
        };
        let allowed = ["formats", "model", "secrets"];
        let looped: Vec<String> = graph
            .keys()
            .filter(|m| reach(m, m) && !allowed.contains(&m.as_str()))
            .map(|m| {
                let back: Vec<&String> = graph[m].iter().filter(|n| reach(n, m)).collect();
                format!("{m} (through {back:?})")
            })
            .collect();
        assert!(looped.is_empty(), "modules in an import loop: {looped:#?}");
    }
}
