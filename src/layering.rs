//! The layering rule, checked by scanning the sources: data flows one way.
//!
//! - The command line (`src/main.rs`, `src/cli.rs`, `src/commands/`) is the
//!   binary crate. The library never names it: no `crate::cli`,
//!   `crate::commands` or `use driftcheck` in `src/` outside the binary.
//! - libgit2 stays behind `src/git/`: no `git2` path outside it.

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
}
