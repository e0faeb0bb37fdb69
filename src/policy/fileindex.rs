//! Which rules look at a file, asked once per file for all rules together.
//!
//! Most file globs only constrain the file name (`**/*.yaml`,
//! `**/pgbouncer*.ini`): for those, the file name alone decides, and it is
//! the same whether the file is named by its key or its repository path. The
//! rest (`**/clickhouse/*.xml`) go into one `GlobSet` matched against every
//! path given. Both sets match once per path for all rules together.

use globset::{Candidate, GlobSet, GlobSetBuilder};

use super::rules::{Files, file_glob};

/// The file selectors of a list of items (rules, link members), combined.
#[derive(Debug)]
pub struct FileIndex {
    /// Globs of the form `**/NAME-GLOB`, matched against the file name.
    names: GlobSet,
    names_owner: Vec<usize>,
    /// Every other glob, matched against each whole path.
    paths: GlobSet,
    paths_owner: Vec<usize>,
    /// Items without globs: they look at every file.
    always: Vec<usize>,
    items: usize,
}

impl FileIndex {
    /// Index `items` (their globs were validated when read).
    pub fn new<'a>(items: impl IntoIterator<Item = &'a Files>) -> FileIndex {
        let (mut names, mut paths) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        let (mut names_owner, mut paths_owner, mut always) = (Vec::new(), Vec::new(), Vec::new());
        let mut n = 0;
        for (i, files) in items.into_iter().enumerate() {
            n = i + 1;
            if files.globs.is_empty() {
                always.push(i);
            }
            for g in &files.globs {
                match g
                    .strip_prefix("**/")
                    .filter(|rest| !rest.contains(['/', '{']))
                {
                    Some(name) => {
                        if let Ok(glob) = file_glob(name) {
                            names.add(glob);
                            names_owner.push(i);
                        }
                    }
                    None => {
                        if let Ok(glob) = file_glob(g) {
                            paths.add(glob);
                            paths_owner.push(i);
                        }
                    }
                }
            }
        }
        FileIndex {
            names: names.build().unwrap_or_else(|_| GlobSet::empty()),
            names_owner,
            paths: paths.build().unwrap_or_else(|_| GlobSet::empty()),
            paths_owner,
            always,
            items: n,
        }
    }

    /// For each item, whether any of `paths` matches it.
    pub fn matching(&self, paths: &[&str]) -> Vec<bool> {
        let mut out = vec![false; self.items];
        for &i in &self.always {
            out[i] = true;
        }
        let mut hits = Vec::new();
        let mut names_done: Vec<&str> = Vec::new();
        for p in paths {
            let name = p.rsplit('/').next().unwrap_or(p);
            if !self.names.is_empty() && !names_done.contains(&name) {
                names_done.push(name);
                self.names.matches_into(name, &mut hits);
                for &h in &hits {
                    out[self.names_owner[h]] = true;
                }
            }
            if !self.paths.is_empty() {
                self.paths
                    .matches_candidate_into(&Candidate::new(p), &mut hits);
                for &h in &hits {
                    out[self.paths_owner[h]] = true;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        let files = |g: &[&str]| super::super::rules::Files::for_test(g);
        let items = [
            files(&["**/*.yaml"]),
            files(&["**/clickhouse/*.xml"]),
            files(&[]),
            files(&["deploy/**/pgbouncer*.ini", "**/pgbouncer*.ini"]),
        ];
        let idx = FileIndex::new(items.iter());
        assert_eq!(
            idx.matching(&["a.yaml", "prod/a.yaml"]),
            [true, false, true, false]
        );
        assert_eq!(
            idx.matching(&["config.xml", "x/clickhouse/config.xml"]),
            [false, true, true, false]
        );
        assert_eq!(
            idx.matching(&["config.xml", "clickhouse/prod/config.xml"]),
            [false, false, true, false]
        );
        assert_eq!(idx.matching(&["pgbouncer.ini"]), [false, false, true, true]);
    }
}
