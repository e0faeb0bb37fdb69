//! A revision's tree mounted in memory ([`crate::source`]) instead of
//! written out: the same entries `materialize` would create, refused the
//! same way, read from the object database when a file is read.

use std::path::Path;
use std::sync::{Arc, Mutex};

use git2::ObjectType;

use super::{Oid, Repo};
use crate::error::Error;
use crate::source::{self, BlobId, Blobs, Entry, Tree};

/// Reads blobs for mounted trees: libgit2 handles are not shared between
/// threads, so one handle (opened on first use) serves every thread in
/// turn. Not one per thread: each handle maps the pack files itself, and
/// reading every blob through two handles made the pages count twice in
/// the resident set (+100 MB at 20,000 files per environment); reading a
/// blob is a small part of loading a file, so the lock costs little.
struct OdbBlobs {
    gitdir: std::path::PathBuf,
    reader: Mutex<Option<git2::Repository>>,
}

impl OdbBlobs {
    fn with<R>(
        &self,
        f: impl FnOnce(&git2::Repository) -> std::io::Result<R>,
    ) -> std::io::Result<R> {
        let mut reader = self
            .reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if reader.is_none() {
            *reader = Some(git2::Repository::open(&self.gitdir).map_err(io_error)?);
        }
        f(reader.as_ref().expect("opened above"))
    }
}

fn io_error(e: git2::Error) -> std::io::Error {
    std::io::Error::other(e.message().to_string())
}

fn oid(id: &BlobId) -> std::io::Result<git2::Oid> {
    git2::Oid::from_bytes(id).map_err(io_error)
}

impl Blobs for OdbBlobs {
    fn read(&self, id: &BlobId) -> std::io::Result<Vec<u8>> {
        let id = oid(id)?;
        self.with(|r| {
            r.find_blob(id)
                .map(|b| b.content().to_vec())
                .map_err(io_error)
        })
    }

    fn size(&self, id: &BlobId) -> std::io::Result<u64> {
        let id = oid(id)?;
        self.with(|r| {
            let odb = r.odb().map_err(io_error)?;
            odb.read_header(id).map(|(n, _)| n as u64).map_err(io_error)
        })
    }
}

fn blobs(repo: &Repo) -> Arc<dyn Blobs> {
    Arc::new(OdbBlobs {
        gitdir: repo.raw().path().to_path_buf(),
        reader: Mutex::new(None),
    })
}

fn blob_id(id: git2::Oid) -> Result<BlobId, Error> {
    BlobId::try_from(id.as_bytes())
        .map_err(|_| Error::Git(format!("object id {id} is not a SHA-1 id")))
}

/// Mount `tree` at `dir` (a [`super::scratch::Scratch`]'s path: it is
/// unmounted when the scratch is dropped), as [`super::materialize`]
/// would write it there: the same entries skipped, a name given twice
/// refused with [`super::named_twice_error`], a name or link the disk would
/// refuse refused with the disk's error. No blob is read but link targets.
///
/// # Errors
/// When an object cannot be read, or the tree is refused.
pub fn mount(repo: &Repo, tree: Oid, dir: &Path) -> Result<(), Error> {
    let r = repo.raw();
    let top = r
        .find_tree(tree.0)
        .map_err(|e| super::git_error(&format!("tree {tree}"), &e))?;
    let mut out = Tree::new(blobs(repo));
    let refused = |rel: &str, e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            super::named_twice_error(rel)
        } else {
            Error::Io {
                path: dir.join(rel),
                source: e,
            }
        }
    };
    // The order `materialize` creates entries in, so the first refusal is
    // the same one.
    let mut stack = vec![(top, Tree::ROOT, String::new())];
    while let Some((t, node, prefix)) = stack.pop() {
        for entry in t.iter() {
            let Ok(name) = entry.name() else {
                continue; // a non-UTF-8 name cannot be a configured path
            };
            if name.is_empty() || name == "." || name == ".." || name.contains('/') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            let what = match entry.kind() {
                Some(ObjectType::Tree) => Entry::Dir,
                Some(ObjectType::Blob) if entry.filemode() == 0o120000 => {
                    let blob = r
                        .find_blob(entry.id())
                        .map_err(|e| super::git_error("blob", &e))?;
                    Entry::Link(String::from_utf8_lossy(blob.content()).into_owned())
                }
                Some(ObjectType::Blob) => {
                    Entry::File(blob_id(entry.id())?, entry.filemode() == 0o100755)
                }
                // Submodules (commits): an empty directory.
                _ => Entry::Dir,
            };
            let is_tree = entry.kind() == Some(ObjectType::Tree);
            let child = out.add(node, name, what).map_err(|e| refused(&rel, e))?;
            if is_tree {
                let sub = r
                    .find_tree(entry.id())
                    .map_err(|e| super::git_error("tree", &e))?;
                stack.push((sub, child, format!("{rel}/")));
            }
        }
    }
    source::mount(dir, out);
    Ok(())
}

/// [`super::materialize_paths`] into the tree mounted at `dir` (an empty
/// one is mounted first): only `paths` that are regular files of `tree`,
/// parents made as needed.
///
/// # Errors
/// When an object cannot be read or a path cannot be made.
pub fn mount_paths<'p>(
    repo: &Repo,
    tree: Oid,
    paths: impl IntoIterator<Item = &'p str>,
    dir: &Path,
) -> Result<(), Error> {
    let mut found = Vec::new();
    let wanted = paths
        .into_iter()
        .filter(|p| !p.split('/').any(|c| c.is_empty() || c == "." || c == ".."));
    // Looked up through well-formed trees only (`Repo::tree`).
    for (p, entry) in repo.lookup_all(tree, wanted)? {
        let Some((mode, id, Some(ObjectType::Blob))) = entry else {
            continue;
        };
        if mode == 0o120000 {
            continue;
        }
        found.push((p, blob_id(id.0)?));
    }
    source::with_mount(
        dir,
        || blobs(repo),
        |t| {
            for (p, id) in found {
                let components: Vec<&str> = p.split('/').collect();
                t.put_file(&components, id).map_err(|source| Error::Io {
                    path: dir.join(p),
                    source,
                })?;
            }
            Ok(())
        },
    )
}

#[cfg(test)]
mod tests {
    //! Property: a revision mounted in memory reads exactly as the same
    //! revision written out to disk. Random trees (odd names, names the
    //! write-out skips or the disk refuses, symbolic links at every depth with
    //! targets inside, outside, dangling, looping, git links, an entry named
    //! twice) are written out with `materialize` and mounted with `mount`;
    //! every file-source call on every path, a walk, and the whole comparison
    //! pipeline must give the same answer, modulo the directory's path.

    use std::path::{Path, PathBuf};

    use git2::ObjectType;

    use crate::git::scratch::Scratch;
    use crate::git::{Oid, Repo};
    use crate::source;

    use crate::testing::Xorshift;

    /// Names, from ordinary to hostile. Some are skipped by the write-out
    /// (not UTF-8, empty, `.`, `..`, holding `/`); one is too long for the disk.
    fn name(rng: &mut Xorshift) -> Vec<u8> {
        let plain: &[&str] = &[
            "app.yaml",
            "values-staging.yaml",
            "values-prod.yaml",
            "nginx.conf",
            "db.ini",
            "x.env",
            "a b.json",
            "ünï.toml",
            "-dash.yaml",
            "{x}.txt",
            "q\"uote.yaml",
            "tab\tname.txt",
            "sub",
            "conf.d",
            "target",
            "node_modules",
            ".hidden",
            "UPPER.YAML",
            "link.yaml",
        ];
        if rng.chance(4) {
            return match rng.below(7) {
                0 => b"f\xff.txt".to_vec(),
                1 => Vec::new(),
                2 => b".".to_vec(),
                3 => b"..".to_vec(),
                4 => b"a/b.yaml".to_vec(),
                5 => vec![b'n'; 256], // over NAME_MAX: the disk refuses it
                _ => vec![b'l'; 255],
            };
        }
        rng.pick(plain).as_bytes().to_vec()
    }

    fn content(rng: &mut Xorshift) -> Vec<u8> {
        match rng.below(8) {
            0 => b"../prod/app.yaml\n".to_vec(), // a git link checked out as text
            1 => b"./sub/app.yaml".to_vec(),
            2 => vec![0, 1, 2, 3, 0xff],
            3 => Vec::new(),
            4 => b"include conf.d/*.conf;\nserver_name example.org;\n".to_vec(),
            _ => {
                let words = ["alpha", "beta", "3", "true", "eu-west-1", "info"];
                let keys = ["replicas", "region", "log_level", "enabled", "name"];
                let mut s = String::new();
                for _ in 0..=rng.below(4) {
                    s.push_str(&format!("{}: {}\n", rng.pick(&keys), rng.pick(&words)));
                }
                s.into_bytes()
            }
        }
    }

    fn link_target(rng: &mut Xorshift, depth: usize) -> Vec<u8> {
        let up = "../".repeat(rng.below(depth + 3));
        let t = match rng.below(12) {
            0 => format!("{up}envs/prod/app.yaml"),
            1 => "app.yaml".to_string(),
            2 => "sub".to_string(),
            3 => "/etc/hostname".to_string(),
            4 => "/nonexistent/driftcheck".to_string(),
            5 => "missing.yaml".to_string(),
            6 => "link.yaml".to_string(), // itself, or a loop
            7 => format!("{up}driftcheck.toml"),
            8 => "sub/".to_string(),
            9 => up,
            10 if rng.chance(30) => String::new(), // the disk refuses it
            10 => "a\0b".to_string(),
            _ => format!("./{up}envs/staging"),
        };
        t.into_bytes()
    }

    /// Write a tree object by hand (so names git would refuse can be made),
    /// entries in git's order.
    fn write_tree(
        repo: &git2::Repository,
        mut entries: Vec<(Vec<u8>, u32, git2::Oid)>,
    ) -> git2::Oid {
        let sort_key = |(n, m, _): &(Vec<u8>, u32, git2::Oid)| {
            let mut k = n.clone();
            if *m == 0o040000 {
                k.push(b'/');
            }
            k
        };
        entries.sort_by_key(sort_key);
        let mut bytes = Vec::new();
        for (n, mode, id) in entries {
            bytes.extend_from_slice(format!("{mode:o} ").as_bytes());
            bytes.extend_from_slice(&n);
            bytes.push(0);
            bytes.extend_from_slice(id.as_bytes());
        }
        repo.odb().unwrap().write(ObjectType::Tree, &bytes).unwrap()
    }

    fn random_dir(repo: &git2::Repository, rng: &mut Xorshift, depth: usize) -> git2::Oid {
        let mut entries = Vec::new();
        for _ in 0..rng.below(6) + 1 {
            let n = name(rng);
            let mut pick = rng.below(10);
            if entries.iter().any(|(e, _, _)| *e == n) && !rng.chance(3) {
                continue; // a name given twice, rarely
            }
            if depth >= 3 && pick < 3 {
                pick = 3;
            }
            let entry = match pick {
                0..=2 => (n, 0o040000, random_dir(repo, rng, depth + 1)),
                3..=6 => (n, 0o100644, repo.blob(&content(rng)).unwrap()),
                7 => (n, 0o100755, repo.blob(&content(rng)).unwrap()),
                8 => (n, 0o120000, repo.blob(&link_target(rng, depth)).unwrap()),
                _ => {
                    let id = git2::Oid::from_bytes(&[rng.below(250) as u8 + 1; 20]).unwrap();
                    (n, 0o160000, id) // a git link
                }
            };
            entries.push(entry);
        }
        write_tree(repo, entries)
    }

    const CONFIG: &str =
        "[env.staging]\nroot = \"envs/staging\"\n\n[env.prod]\nroot = \"envs/prod\"\n";

    /// A whole revision: a config, two environment roots of random content.
    fn random_tree(repo: &git2::Repository, rng: &mut Xorshift) -> git2::Oid {
        let staging = random_dir(repo, rng, 2);
        let prod = random_dir(repo, rng, 2);
        let envs = write_tree(
            repo,
            vec![
                (b"staging".to_vec(), 0o040000, staging),
                (b"prod".to_vec(), 0o040000, prod),
            ],
        );
        let mut top = vec![
            (b"envs".to_vec(), 0o040000, envs),
            (
                b"driftcheck.toml".to_vec(),
                0o100644,
                repo.blob(CONFIG.as_bytes()).unwrap(),
            ),
        ];
        if rng.chance(50) {
            top.push((b"other".to_vec(), 0o040000, random_dir(repo, rng, 1)));
        }
        write_tree(repo, top)
    }

    /// Every path of the tree (as far as UTF-8 names go) and paths built on
    /// them: below a file, `..` after a name, a trailing `/`, missing names.
    fn probes(repo: &git2::Repository, tree: git2::Oid) -> Vec<String> {
        let mut out = vec![String::new(), "missing".into(), "envs/../envs/prod".into()];
        let t = repo.find_tree(tree).unwrap();
        let _ = t.walk(git2::TreeWalkMode::PreOrder, |parent, e| {
            if let Ok(n) = e.name()
                && !n.is_empty()
                && !n.contains('/')
                && n != "."
                && n != ".."
            {
                let p = format!("{parent}{n}");
                out.push(format!("{p}/x"));
                out.push(format!("{p}/.."));
                out.push(format!("{p}/"));
                out.push(p);
            }
            git2::TreeWalkResult::Ok
        });
        out.truncate(400);
        out
    }

    /// The answers of every file-source call for `rel` under `root`, with the
    /// root's path (and its canonical path) written `<root>`.
    fn answers(root: &Path, rel: &str) -> String {
        let p = if rel.is_empty() {
            root.to_path_buf()
        } else {
            root.join(rel)
        };
        // Outside the tree (a link out of it): where it leads, not what the
        // machine holds there.
        let canonical = source::canonicalize(&p);
        let root_canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        if canonical
            .as_ref()
            .is_ok_and(|c| !c.starts_with(&root_canonical))
        {
            return unrooted(&format!("{canonical:?}"), root);
        }
        let meta = |m: std::io::Result<source::Meta>| {
            m.map(|m| {
                let len = if m.kind == source::EntryKind::Dir {
                    0
                } else {
                    m.len
                };
                (m.kind, len)
            })
            .map_err(|e| e.raw_os_error())
        };
        let mut dir = source::read_dir(&p).map(|v| {
            v.into_iter()
                .map(|(n, _)| n.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        });
        if let Ok(d) = &mut dir {
            d.sort();
        }
        let walk: Vec<String> = source::walk(&p, &crate::env::ignored_dir)
            .into_iter()
            .map(|w| match w {
                Ok(w) => format!("{} {} {:?}", w.path.display(), w.depth, w.kind),
                Err(e) => format!("error {}", e.message),
            })
            .collect();
        let text = format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{walk:?}",
            canonical.map_err(|e| e.raw_os_error()),
            meta(source::metadata(&p)),
            meta(source::symlink_metadata(&p)),
            source::read(&p).map_err(|e| e.raw_os_error()),
            source::read_limited(&p, 8).map_err(|e| e.raw_os_error()),
            source::read_link(&p).map_err(|e| e.raw_os_error()),
            dir.map_err(|e| e.raw_os_error()),
        );
        unrooted(&text, root)
    }

    fn unrooted(text: &str, root: &Path) -> String {
        let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        text.replace(&canonical.display().to_string(), "<root>")
            .replace(&root.display().to_string(), "<root>")
    }

    /// The whole comparison of the tree at `root`: findings or the error.
    fn compared(root: &Path) -> String {
        let run = || -> Result<String, crate::error::Error> {
            let config = crate::config::load(&root.join("driftcheck.toml"))?;
            let policy = crate::pipeline::setup::load_policy(Some(&config))?;
            let c =
                crate::pipeline::compare_with(Some(&config), &policy, root, "check", &[], false)?;
            Ok(format!("{:?}\n{:#?}", c.envs, c.findings))
        };
        let text = match run() {
            Ok(t) => t,
            Err(e) => format!("error: {e}"),
        };
        unrooted(&text, root)
    }

    fn repository() -> (tempfile::TempDir, Repo) {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let repo = Repo::discover(dir.path()).unwrap();
        (dir, repo)
    }

    #[test]
    fn a_mounted_tree_reads_as_the_tree_written_out() {
        let (_keep, repo) = repository();
        let (mut refused, mut compared_trees) = (0, 0);
        for seed in 1..=60u64 {
            let mut rng = Xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let tree = random_tree(repo.raw(), &mut rng);
            let disk = Scratch::new("disk").unwrap();
            let mem = Scratch::new("mem").unwrap();
            let written = crate::git::materialize(&repo, Oid(tree), disk.path());
            let mounted = crate::git::mount(&repo, Oid(tree), mem.path());
            let show = |r: &Result<(), crate::error::Error>, root: &Path| match r {
                Ok(()) => "ok".to_string(),
                Err(e) => unrooted(&e.to_string(), root),
            };
            assert_eq!(
                show(&written, disk.path()),
                show(&mounted, mem.path()),
                "seed {seed}: writing out and mounting disagree"
            );
            if written.is_err() {
                refused += 1;
                continue;
            }
            compared_trees += 1;
            for rel in probes(repo.raw(), tree) {
                assert_eq!(
                    answers(disk.path(), &rel),
                    answers(mem.path(), &rel),
                    "seed {seed}, path {rel:?}"
                );
            }
            assert_eq!(compared(disk.path()), compared(mem.path()), "seed {seed}");
        }
        assert!(
            refused > 0 && compared_trees > 30,
            "{refused} refused, {compared_trees} compared"
        );
    }

    #[test]
    fn a_sparse_mount_reads_as_the_paths_written_out() {
        let (_keep, repo) = repository();
        for seed in 1..=20u64 {
            let mut rng = Xorshift(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
            let tree = random_tree(repo.raw(), &mut rng);
            let all = probes(repo.raw(), tree);
            let chosen: Vec<&str> = all
                .iter()
                .map(String::as_str)
                .filter(|_| rng.chance(40))
                .chain(["driftcheck.toml"])
                .collect();
            let disk = Scratch::new("disk").unwrap();
            let mem = Scratch::new("mem").unwrap();
            let w = crate::git::materialize_paths(
                &repo,
                Oid(tree),
                chosen.iter().copied(),
                disk.path(),
            );
            let m = crate::git::mount_paths(&repo, Oid(tree), chosen.iter().copied(), mem.path());
            assert_eq!(w.is_ok(), m.is_ok(), "seed {seed}");
            for dir in ["envs/staging", "envs/prod"] {
                let _ = std::fs::create_dir_all(disk.path().join(dir));
                let _ = source::create_dir_all(&mem.path().join(dir));
            }
            for rel in &all {
                assert_eq!(
                    answers(disk.path(), rel),
                    answers(mem.path(), rel),
                    "seed {seed}, path {rel:?}"
                );
            }
            assert_eq!(compared(disk.path()), compared(mem.path()), "seed {seed}");
        }
    }

    #[test]
    fn a_scratch_takes_its_mount_with_it() {
        let (_keep, repo) = repository();
        let tree = random_tree(repo.raw(), &mut Xorshift(7));
        let mem = Scratch::new("mem").unwrap();
        let at: PathBuf = mem.path().to_path_buf();
        crate::git::mount(&repo, Oid(tree), &at).unwrap();
        assert!(source::mounted(&at) && source::is_file(&at.join("driftcheck.toml")));
        drop(mem);
        assert!(!source::mounted(&at) && !source::exists(&at.join("driftcheck.toml")));
    }
}
