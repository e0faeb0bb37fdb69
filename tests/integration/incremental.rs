//! Incremental evaluation equals the full computation (the rule in
//! `src/pipeline/incremental.rs`): random histories over a generated tree —
//! edits, adds, deletes, renames, policy edits, Kubernetes documents moved
//! between files, environment-token-named files, secrets copied between
//! files, links, waivers — and for every commit `check --rev C` (judged
//! incrementally where it can be) must report exactly the findings the full
//! computation says C introduces over C^, with the same exit status.
//!
//! Seeds: `DRIFTCHECK_SEEDS=N` runs N (default 8).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use crate::harness::repo;

/// A tiny deterministic generator (xorshift): no crate, reproducible by seed.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

pub(crate) const ENVS: [&str; 2] = ["staging", "prod"];

pub(crate) struct Git {
    _tmp: tempfile::TempDir,
    pub(crate) root: PathBuf,
    home: PathBuf,
    clock: std::cell::Cell<u64>,
}

impl Git {
    pub(crate) fn new() -> Git {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        let g = Git {
            _tmp: tmp,
            root,
            home,
            clock: std::cell::Cell::new(0),
        };
        g.git(&["init", "-q", "-b", "main"]);
        g
    }
    pub(crate) fn cmd(&self, program: &str) -> Command {
        let t = 1_700_000_000 + self.clock.get() * 60;
        self.clock.set(self.clock.get() + 1);
        let mut c = Command::new(program);
        c.current_dir(&self.root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", &self.home)
            .env("GIT_AUTHOR_NAME", "Gen")
            .env("GIT_AUTHOR_EMAIL", "gen@example.com")
            .env("GIT_COMMITTER_NAME", "Gen")
            .env("GIT_COMMITTER_EMAIL", "gen@example.com")
            .env("GIT_AUTHOR_DATE", format!("@{t} +0000"))
            .env("GIT_COMMITTER_DATE", format!("@{t} +0000"))
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE");
        c
    }
    pub(crate) fn git(&self, args: &[&str]) -> String {
        let out = self.cmd("git").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    pub(crate) fn write(&self, rel: &str, text: &str) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    pub(crate) fn files(&self, dir: &str) -> Vec<String> {
        let base = self.root.join(dir);
        let mut out: Vec<String> = walkdir::WalkDir::new(&base)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&self.root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        out.sort();
        out
    }
    fn run(&self, args: &[&str]) -> (i32, String) {
        let out = self
            .cmd(env!("CARGO_BIN_EXE_driftcheck"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }
}

fn plain(rng: &mut Rng, env: &str, n: usize, secret: &str) -> String {
    format!(
        "host: svc{n}.{env}.internal\ndata_path: {}\nreplicas: {}\nfeature_writes_enabled: {}\npassword: {secret}\n",
        rng.pick(&["/var/lib/a", "/var/lib/a", "/data/a"]),
        rng.pick(&[1, 2, 3, 3]),
        rng.pick(&["true", "true", "false"]),
    )
}

fn deployment(rng: &mut Rng, env: &str, name: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: team-{env}\nspec:\n  replicas: {}\n  template:\n    spec:\n      containers:\n        - name: main\n          image: app:{}\n",
        rng.pick(&[1, 2, 3, 3]),
        rng.pick(&["1.0", "1.0", "1.1"]),
    )
}

fn policy(rng: &mut Rng) -> String {
    let mut p = format!(
        "[[rule]]\nid = \"team/replicas\"\nfiles = [\"**/*.yaml\"]\nkeys = [\"replicas\"]\nmin = {}\n",
        rng.pick(&[1, 2, 3])
    );
    if rng.below(2) == 0 {
        p.push_str("\n[[link]]\nid = \"team/shared\"\nkeys = [\"svc0.yaml:password\", \"svc1.yaml:password\"]\n");
    }
    if rng.below(2) == 0 {
        p.push_str("\n[[waiver]]\nrule = \"drift/data-path\"\nfile = \"svc2.yaml\"\nreason = \"migrating\"\n");
    }
    p
}

pub(crate) fn secret(rng: &mut Rng) -> String {
    format!("s3cr{:016x}Q", rng.next())
}

/// The initial tree: plain files, env-token-named files, multi-document
/// Kubernetes files, JSON.
pub(crate) fn seed_tree(g: &Git, rng: &mut Rng) {
    g.write(
        "driftcheck.toml",
        "policies = [\"policies/*.toml\"]\n\n[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/prod\"\n",
    );
    g.write("policies/team.toml", &policy(rng));
    g.write("NOTES.md", "notes\n");
    for n in 0..5 {
        let s = secret(rng);
        for env in ENVS {
            let own = if rng.below(4) == 0 {
                s.clone()
            } else {
                secret(rng)
            };
            g.write(
                &format!("deploy/{env}/svc{n}.yaml"),
                &plain(rng, env, n, &own),
            );
        }
    }
    for env in ENVS {
        let s = secret(rng);
        let v = plain(rng, env, 9, &s);
        g.write(&format!("deploy/{env}/values-{env}.yaml"), &v);
        for k in 0..3 {
            let docs: Vec<String> = (0..2)
                .map(|d| deployment(rng, env, &format!("app{}", k * 2 + d)))
                .collect();
            g.write(&format!("deploy/{env}/k8s/k{k}.yaml"), &docs.join("---\n"));
        }
        g.write(
            &format!("deploy/{env}/cfg.json"),
            &format!(
                "{{\"port\": {}, \"token\": \"{}\"}}\n",
                rng.pick(&[80, 443]),
                secret(rng)
            ),
        );
    }
    g.git(&["add", "-A"]);
    g.git(&["commit", "-q", "-m", "seed"]);
}

/// One random operation on the working tree.
pub(crate) fn operate(g: &Git, rng: &mut Rng) {
    let env = *rng.pick(&ENVS);
    let files = g.files(&format!("deploy/{env}"));
    match rng.below(9) {
        0 | 1 => {
            // Edit a value.
            let f = rng.pick(&files).clone();
            let text = std::fs::read_to_string(g.root.join(&f)).unwrap();
            let (from, to) = *rng.pick(&[
                ("replicas: 3", "replicas: 1"),
                ("replicas: 1", "replicas: 2"),
                ("/var/lib/a", "/data/a"),
                ("/data/a", "/var/lib/a"),
                ("true", "false"),
                ("app:1.0", "app:1.1"),
                ("443", "80"),
            ]);
            g.write(&f, &text.replacen(from, to, 1));
        }
        2 => {
            // Add a file to one or both environments.
            let n = 10 + rng.below(5);
            let s = secret(rng);
            for e in if rng.below(2) == 0 {
                &ENVS[..]
            } else {
                std::slice::from_ref(&env)
            } {
                g.write(&format!("deploy/{e}/svc{n}.yaml"), &plain(rng, e, n, &s));
            }
        }
        3 => {
            // Delete a file.
            let f = rng.pick(&files).clone();
            std::fs::remove_file(g.root.join(&f)).unwrap();
        }
        4 => {
            // Rename a file (sometimes into an env-token name).
            let f = rng.pick(&files).clone();
            let to = if rng.below(2) == 0 {
                format!("deploy/{env}/moved-{}.yaml", rng.below(3))
            } else {
                format!("deploy/{env}/conf-{env}-{}.yaml", rng.below(2))
            };
            if !g.root.join(&to).exists() && f.ends_with(".yaml") {
                std::fs::rename(g.root.join(&f), g.root.join(&to)).unwrap();
            }
        }
        5 => g.write("policies/team.toml", &policy(rng)),
        6 => {
            // Move a Kubernetes document to another file.
            let k8s: Vec<&String> = files.iter().filter(|f| f.contains("/k8s/")).collect();
            if k8s.len() >= 2 {
                let a = (*rng.pick(&k8s)).clone();
                let b = format!("deploy/{env}/k8s/k{}.yaml", 3 + rng.below(2));
                let text = std::fs::read_to_string(g.root.join(&a)).unwrap();
                let docs: Vec<&str> = text.split("---\n").collect();
                if docs.len() >= 2 {
                    let i = rng.below(docs.len());
                    let rest: Vec<&str> = docs
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .map(|(_, d)| *d)
                        .collect();
                    g.write(&a, &rest.join("---\n"));
                    let old = std::fs::read_to_string(g.root.join(&b)).unwrap_or_default();
                    let joined = if old.is_empty() {
                        docs[i].to_string()
                    } else {
                        format!("{old}---\n{}", docs[i])
                    };
                    g.write(&b, &joined);
                }
            }
        }
        7 => {
            // Copy a secret from one file into another (maybe the other environment).
            let other = *rng.pick(&ENVS);
            let from = rng.pick(&files).clone();
            let to_files = g.files(&format!("deploy/{other}"));
            let to = rng.pick(&to_files).clone();
            let text = std::fs::read_to_string(g.root.join(&from)).unwrap();
            if let Some(s) = text.lines().find_map(|l| l.strip_prefix("password: ")) {
                let dest = std::fs::read_to_string(g.root.join(&to)).unwrap();
                if let Some(old) = dest.lines().find_map(|l| l.strip_prefix("password: ")) {
                    g.write(&to, &dest.replacen(old, s, 1));
                }
            }
        }
        _ => g.write("NOTES.md", &format!("notes {}\n", rng.next())),
    }
}

type Id = (String, String, String, Option<String>, Option<String>);

/// Findings of a JSON report: identity (as `Finding::identity`) and
/// whether it is an error.
fn findings(json: &str) -> Vec<(Id, bool)> {
    // A change that touches no compared config prints nothing at all.
    if json.trim().is_empty() {
        return Vec::new();
    }
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let s = |x: &serde_json::Value| x.as_str().map(str::to_string);
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let mut envs: Vec<&str> = f["envs"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(_, site)| !site.is_null())
                        .map(|(n, _)| n.as_str())
                        .collect()
                })
                .unwrap_or_default();
            envs.sort_unstable();
            let id = (
                s(&f["rule"]).unwrap(),
                envs.join(","),
                s(&f["file"]).unwrap_or_default(),
                s(&f["document"]),
                s(&f["key"]),
            );
            (id, f["severity"] == "error")
        })
        .collect()
}

fn identities(json: &str) -> BTreeSet<Id> {
    findings(json).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn incremental_findings_equal_the_full_computation_on_random_histories() {
    let seeds: u64 = std::env::var("DRIFTCHECK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let _ = repo();
    let mut judged = 0;
    let mut bounded = 0;
    let mut total = 0;
    for seed in 1..=seeds {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (seed * 0x1000_0001));
        let g = Git::new();
        seed_tree(&g, &mut rng);
        for step in 0..10 {
            for _ in 0..1 + rng.below(3) {
                operate(&g, &mut rng);
            }
            g.git(&["add", "-A"]);
            if g.git(&["status", "--porcelain"]).trim().is_empty() {
                continue;
            }
            g.git(&["commit", "-q", "-m", &format!("step {step}")]);
            let (code, got) = g.run(&["check", "--rev", "HEAD", "--format", "json"]);
            let (new_code, new_all) =
                g.run(&["check", "--rev", "HEAD", "--all", "--format", "json"]);
            let (old_code, old_all) =
                g.run(&["check", "--rev", "HEAD^", "--all", "--format", "json"]);
            let ctx = format!(
                "seed {seed} step {step}\n{}",
                g.git(&["show", "--stat", "HEAD"])
            );
            if new_code == 2 {
                assert_eq!(code, 2, "{ctx}\n{got}");
                continue;
            }
            let before = if old_code == 2 {
                BTreeSet::new()
            } else {
                identities(&old_all)
            };
            let want: BTreeSet<Id> = identities(&new_all).difference(&before).cloned().collect();
            let have = identities(&got);
            assert_eq!(have, want, "{ctx}\nincremental:\n{got}\nfull:\n{new_all}");
            let want_code = i32::from(
                findings(&new_all)
                    .iter()
                    .any(|(id, error)| *error && want.contains(id)),
            );
            assert_eq!(code, want_code, "{ctx}\n{got}");
            total += 1;
            let (_, verbose) = g.run(&["check", "--rev", "HEAD", "-v"]);
            if verbose.contains("file key") && verbose.contains("the change can affect") {
                judged += 1;
            }
            if verbose.contains("no environment listed whole") {
                bounded += 1;
            }
        }
    }
    println!("judged incrementally: {judged} of {total} commits, {bounded} without listings");
    // Both incremental paths must be taken: by listings ([[link]] rules)
    // and without (`pipeline::bounded`).
    assert!(bounded > 0 && bounded < judged, "{bounded} of {judged}");
    // The property means something only if the incremental path is taken.
    assert!(
        judged * 3 >= total,
        "judged incrementally {judged} of {total}"
    );
}
