//! Adversarial review 5 (tests/adversarial/signed/review5): `audit` once
//! guessed where each tree keeps `allowed_signers` and `.mailmap` from a
//! neighbouring tree and the change between them, comparing the change's
//! *display* path with `[review] signers`. A root entry whose name holds a
//! `/` (no porcelain writes one; a pushed object can hold it) shows as the
//! nested path, so a commit adding or dropping a copy of an old key list
//! under that name made `audit` judge the next commit with the old list: a
//! key revoked at the merge base verified again (forward, in a range audit;
//! backward, in a whole-history one). The gate looks the file up.
//!
//! The rule now (`signed::KeyCache`): every tree's files are looked up in
//! that tree and read by the id found. The tests: that attack in both walk
//! orders, and random histories of key revocations, restorations, mailmap
//! edits and slash-named copies, where `audit`'s verdict for every commit
//! must equal `gate --base C^ --head C`.
//!
//! Seeds: `DRIFTCHECK_SEEDS=N` runs N (default 5).

use std::collections::BTreeMap;

use super::audit_gate::Rng;
use super::gate_catalogue::{ANA, BO, CAROL, MAL, Person, Repo, msg};
use super::gate_signed::{
    ANA_KEY, BO_KEY, CAROL_KEY, MAL_KEY, SIGNERS, approve_signed_on, line, public,
};

/// Everyone who may sign, with their key seed.
const SIGNERS_ALL: [(Person, u8); 4] = [
    (ANA, ANA_KEY),
    (BO, BO_KEY),
    (MAL, MAL_KEY),
    (CAROL, CAROL_KEY),
];

/// An `allowed_signers` listing `who`.
fn listing(who: &[(Person, u8)]) -> String {
    who.iter().map(|(p, s)| line(*p, &public(*s))).collect()
}

/// The standard repository, `signed = "required"`, `allowed_signers` at
/// the base listing everyone.
fn repo() -> Repo {
    let review = format!("\n[review]\nsigners = \"{SIGNERS}\"\nsigned = \"required\"\n");
    Repo::standard_with(&review, &[(SIGNERS, listing(&SIGNERS_ALL).as_str())])
}

/// `(mode, name, id)` of the entries of `treeish`, in the object's order.
fn entries_of(r: &Repo, treeish: &str) -> Vec<(String, String, String)> {
    r.git(&["ls-tree", "-z", treeish])
        .split('\0')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (meta, name) = l.split_once('\t').unwrap();
            let mut m = meta.split(' ');
            let mode = m.next().unwrap().trim_start_matches('0').to_string();
            let id = m.nth(1).unwrap().to_string();
            (mode, name.to_string(), id)
        })
        .collect()
}

/// A tree object of `entries` exactly as given (order, names twice, `/`
/// in a name: what no porcelain writes and a pushed object can hold).
fn write_tree(r: &Repo, entries: &[(String, String, String)]) -> String {
    let mut raw = Vec::new();
    for (mode, name, id) in entries {
        raw.extend_from_slice(format!("{mode} {name}\0").as_bytes());
        raw.extend(
            (0..id.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&id[i..i + 2], 16).unwrap()),
        );
    }
    let file = r.scratch("object");
    std::fs::write(&file, raw).unwrap();
    r.git(&[
        "hash-object",
        "-t",
        "tree",
        "-w",
        "--literally",
        file.to_str().unwrap(),
    ])
}

/// A blob holding `content`.
fn write_blob(r: &Repo, content: &str) -> String {
    let file = r.scratch("object");
    std::fs::write(&file, content).unwrap();
    r.git(&["hash-object", "-w", file.to_str().unwrap()])
}

/// Commit `tree` on HEAD as `message`, the branch moved to it (the index
/// left as it was).
fn commit_tree(r: &Repo, tree: &str, message: &str) -> String {
    let commit = r.git(&["commit-tree", tree, "-p", "HEAD", "-m", message]);
    r.git(&["update-ref", "refs/heads/feature", &commit]);
    commit
}

/// HEAD's tree plus a root entry `name` (which may hold `/`) holding
/// `content`, committed on HEAD as `message` with the branch moved to it;
/// the index is left as it was, so the next ordinary commit drops the entry
/// again.
fn commit_with_root_entry(r: &Repo, name: &str, content: &str, message: &str) -> String {
    let blob = write_blob(r, content);
    let mut entries = entries_of(r, "HEAD");
    entries.retain(|(_, n, _)| n != name);
    entries.push(("100644".into(), name.into(), blob));
    // Git's order: a directory sorts as if its name ended in `/`.
    entries.sort_by_key(|(mode, name, _)| {
        let mut k = name.clone().into_bytes();
        if mode == "40000" {
            k.push(b'/');
        }
        k
    });
    let tree = write_tree(r, &entries);
    commit_tree(r, &tree, message)
}

/// Commit what is in the working tree as `message`, then add `who`'s
/// signed approval of that commit alone (merge base `HEAD~1`).
fn commit_signed(r: &Repo, message: &str, who: Option<(Person, u8)>) {
    r.commit(&format!("{message}\n"));
    if let Some((p, seed)) = who {
        let (reviewed, sig) = approve_signed_on(r, p, seed, "HEAD~1");
        r.amend(&msg(&format!("{reviewed}\n{sig}")));
    }
}

/// `audit RANGE`'s verdict for every commit it judges (memo removed, so
/// the run is cold), each compared with `gate --base C^ --head C`; every
/// commit with a parent that the gate finds a guarded change in must be
/// judged. The verdicts, by commit.
#[track_caller]
fn assert_audit_is_the_gate(r: &Repo, range: &str, ctx: &str) -> BTreeMap<String, bool> {
    std::fs::remove_dir_all(r.root().join(".git/driftcheck")).ok();
    let out = r.driftcheck_in(&r.root(), &["audit", range, "--format", "json"], &[]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{ctx}: {}", String::from_utf8_lossy(&out.stderr)));
    let audited: BTreeMap<String, bool> = doc["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["commit"].as_str().unwrap().to_string(),
                c["passed"] == true,
            )
        })
        .collect();
    for c in r.git(&["rev-list", "main..feature"]).lines() {
        let g = r.gate(&["--base", &format!("{c}^"), "--head", c]);
        let guarded = g.json["gate"]["changes"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        match audited.get(c) {
            Some(passed) => assert_eq!(
                *passed,
                g.code == 0,
                "{ctx}: audit {range} and the gate disagree on {c}\n{}\naudit: {doc}",
                g.show()
            ),
            None => assert!(!guarded, "{ctx}: {c} not audited\n{}", g.show()),
        }
    }
    audited
}

/// Carol's key is revoked, a crafted commit keeps a copy of the old list
/// under a root entry named `.driftcheck/allowed_signers`, and the next
/// commit (which drops the copy) is signed by Carol: refused by the gate,
/// and by `audit` whether it walks parents first (a range) or children
/// first (the whole history, where a later commit restores Carol's key).
#[test]
fn a_slash_named_copy_of_an_old_key_list_lends_no_revoked_key() {
    let r = repo();
    let without_carol = listing(&SIGNERS_ALL[..3]);
    r.write(SIGNERS, &without_carol);
    commit_signed(&r, "Revoke Carol's key", Some((ANA, ANA_KEY)));
    commit_with_root_entry(&r, SIGNERS, &listing(&SIGNERS_ALL), "Keep a copy");
    r.raise_timeout();
    commit_signed(&r, "Raise the request timeout", Some((CAROL, CAROL_KEY)));
    let attacked = r.git(&["rev-parse", "HEAD"]);
    let g = r.gate(&["--base", "HEAD^", "--head", "HEAD"]);
    g.assert_refused();
    g.assert_signoff("Carol", false, "not in the merge base's allowed_signers");
    r.write(SIGNERS, &listing(&SIGNERS_ALL));
    commit_signed(&r, "Restore Carol's key", Some((ANA, ANA_KEY)));
    r.everywhere("log_level: info", "log_level: warn");
    commit_signed(&r, "Quieter logs", Some((CAROL, CAROL_KEY)));
    for range in ["feature", "main..feature"] {
        let verdicts = assert_audit_is_the_gate(&r, range, range);
        assert_eq!(
            verdicts.get(&attacked),
            Some(&false),
            "{range}: {verdicts:?}"
        );
    }
}

/// One random step: the key list, `.mailmap` or the config changes (or a
/// slash-named copy of a key list seen before is added), committed with a
/// random signed approval or none (a copy is followed by a change).
fn step(r: &Repo, rng: &mut Rng, n: usize, seen: &mut Vec<String>) {
    // After a copy, a change that someone signs: the copy's moment.
    let copied = r.git(&["ls-tree", "--name-only", "HEAD"]).contains(SIGNERS);
    match if copied { 3 } else { rng.below(5) } {
        0 => {
            let keep: Vec<(Person, u8)> = SIGNERS_ALL
                .iter()
                .copied()
                .filter(|_| rng.below(3) != 0)
                .collect();
            let text = listing(&keep);
            r.write(SIGNERS, &text);
            seen.push(text);
        }
        1 => {
            // Carol as Mallory's alias: her sign-off becomes his own.
            let path = r.root().join(".mailmap");
            if path.exists() {
                std::fs::remove_file(path).unwrap();
            } else {
                r.write(
                    ".mailmap",
                    &format!("{} <{}> <{}>\n", MAL.name, MAL.email, CAROL.email),
                );
            }
        }
        2 => {
            let copy = seen[rng.below(seen.len())].clone();
            commit_with_root_entry(r, SIGNERS, &copy, &format!("copy {n}"));
            return;
        }
        _ => {}
    }
    if r.git(&["status", "--porcelain"]).is_empty() {
        r.everywhere("timeout: ", &format!("timeout: {n}"));
    }
    let who = match rng.below(5) {
        4 => None,
        k => Some(SIGNERS_ALL[k]),
    };
    commit_signed(r, &format!("change {n}"), who);
}

/// Random histories: `audit`, over a range and over the whole history,
/// gives every commit the gate's verdict.
#[test]
fn audit_reads_each_trees_own_key_list_in_random_histories() {
    let seeds: u64 = std::env::var("DRIFTCHECK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let mut judged = 0;
    for seed in 1..=seeds {
        let mut rng = Rng(0x5e4d_0005_u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let r = repo();
        let mut seen = vec![listing(&SIGNERS_ALL)];
        for n in 0..12 {
            step(&r, &mut rng, n, &mut seen);
        }
        for range in ["main..feature", "feature"] {
            judged += assert_audit_is_the_gate(&r, range, &format!("seed {seed}")).len();
        }
    }
    println!("audit vs gate over crafted key lists: {judged} verdicts");
    assert!(judged > 0);
}

/// Adversarial review 6 (tests/adversarial/signed/review6): a tree that
/// names an entry twice, or lists its entries out of git's order (what
/// `git fsck` reports as `duplicateEntries`, `treeNotSorted`), let two
/// readers find two different files for one name: audit passed what the
/// gate refused, and the gate over the change's keys read a second
/// `allowed_signers` that `git show` does not show. Each is now refused,
/// exit 2 with the tree and the reason, by the gate (over the change's
/// keys and over whole trees) and by `audit` (range and whole history).
#[test]
fn malformed_trees_are_refused_by_the_gate_and_audit_alike() {
    type Craft = fn(&Repo, Vec<(String, String, String)>) -> Vec<(String, String, String)>;
    let twice_in_dir: Craft = |r, mut root| {
        let without = write_blob(r, &listing(&SIGNERS_ALL[..3]));
        let with = write_blob(r, &listing(&SIGNERS_ALL));
        let dir = write_tree(
            r,
            &[
                ("100644".into(), "allowed_signers".into(), without),
                ("100644".into(), "allowed_signers".into(), with),
            ],
        );
        for e in &mut root {
            if e.1 == ".driftcheck" {
                e.2.clone_from(&dir);
            }
        }
        root
    };
    let mailmap_twice: Craft = |r, mut root| {
        let map = write_blob(
            r,
            &format!("{} <{}> <{}>\n", MAL.name, MAL.email, CAROL.email),
        );
        let empty = write_blob(r, "");
        root.insert(0, ("100644".into(), ".mailmap".into(), map));
        root.insert(1, ("100644".into(), ".mailmap".into(), empty));
        root
    };
    let reversed: Craft = |_, mut root| {
        root.reverse();
        root
    };
    for (craft, why) in [
        (
            twice_in_dir,
            "names `allowed_signers` twice (git fsck: duplicateEntries)",
        ),
        (
            mailmap_twice,
            "names `.mailmap` twice (git fsck: duplicateEntries)",
        ),
        (reversed, "out of git's order (git fsck: treeNotSorted)"),
    ] {
        let r = repo();
        r.raise_timeout();
        r.commit("Raise the request timeout\n");
        let raised = entries_of(&r, "HEAD");
        r.git(&["reset", "-q", "--hard", "HEAD~1"]);
        let x = write_tree(&r, &craft(&r, entries_of(&r, "HEAD")));
        commit_tree(&r, &x, "Crafted");
        // The change: deploy/ as the raised commit has it, on the crafted tree.
        let deploy = raised.iter().find(|e| e.1 == "deploy").unwrap().2.clone();
        let mut c = entries_of(&r, "HEAD");
        for e in &mut c {
            if e.1 == "deploy" {
                e.2.clone_from(&deploy);
            }
        }
        let c = write_tree(&r, &c);
        commit_tree(
            &r,
            &c,
            &msg(&format!("Reviewed-by: {} <{}>", BO.name, BO.email)),
        );
        for full in ["", "1"] {
            let g = r.gate_with(
                &r.root(),
                &["--base", "HEAD^", "--head", "HEAD"],
                &[("DRIFTCHECK_GATE_FULL", full.into())],
            );
            // The write-out may refuse the name first, in its words ("the
            // tree names `…` twice").
            let said = format!("{}{}", g.stdout, g.stderr);
            let gist = if why.contains("twice") { "twice" } else { why };
            assert_eq!(g.code, 2, "{why} (full: {full:?})\n{}", g.show());
            assert!(said.contains(gist), "{why}\n{}", g.show());
        }
        for range in ["main..feature", "feature"] {
            let out = r.driftcheck_in(&r.root(), &["audit", range, "--format", "json"], &[]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{why}: audit {range}\n{stderr}");
            assert!(stderr.contains(why), "{why}: audit {range}\n{stderr}");
        }
    }
}

/// Adversarial review 7 (tests/adversarial/signed/review7): an environment
/// directory on the target branch whose entries are out of git's order,
/// left unchanged by the change (same tree id at both ends, so the walk of
/// what changed never reads it). The gate over the change's keys listed it
/// unchecked and looked its files up with libgit2's search over the raw
/// order, which missed `app.yaml`: a data-path drift the change introduced
/// against it passed, while the gate over whole trees refused it. Both
/// paths now read it through the same check and give one answer.
#[test]
fn an_unchanged_malformed_environment_cannot_hide_introduced_drift() {
    let config = "[env.staging]\nroot = \"deploy/staging\"\nexclude = [\"**/*.bak\"]\n\n\
                  [env.prod]\nroot = \"deploy/prod\"\nexclude = [\"**/*.bak\"]\n";
    let app = super::gate_catalogue::APP;
    let mut files = vec![
        ("driftcheck.toml", config),
        ("deploy/staging/app.yaml", app),
        ("deploy/prod/app.yaml", app),
    ];
    let others = [
        ("deploy/staging/f1.yaml", "kind: ConfigMap\nval: 1\n"),
        ("deploy/prod/f1.yaml", "kind: ConfigMap\nval: 1\n"),
        ("deploy/staging/f2.yaml", "kind: ConfigMap\nval: 2\n"),
        ("deploy/prod/f2.yaml", "kind: ConfigMap\nval: 2\n"),
    ];
    files.extend_from_slice(&others);
    let r = Repo::init(&files);
    // X: prod's entries reordered, `app.yaml` last (landed without the gate).
    let mut prod = entries_of(&r, "HEAD:deploy/prod");
    prod.rotate_left(1);
    assert_eq!(prod.last().unwrap().1, "app.yaml");
    let prod = write_tree(&r, &prod);
    let mut deploy = entries_of(&r, "HEAD:deploy");
    deploy
        .iter_mut()
        .filter(|e| e.1 == "prod")
        .for_each(|e| e.2.clone_from(&prod));
    let deploy = write_tree(&r, &deploy);
    let mut root = entries_of(&r, "HEAD");
    root.iter_mut()
        .filter(|e| e.1 == "deploy")
        .for_each(|e| e.2.clone_from(&deploy));
    let x = commit_tree(&r, &write_tree(&r, &root), "Reorder prod");
    // C: staging's data path moved, prod's tree kept as X has it.
    let moved = write_blob(
        &r,
        &app.replace("data_path: /var/lib/app", "data_path: /srv/app"),
    );
    let mut staging = entries_of(&r, &format!("{x}:deploy/staging"));
    staging
        .iter_mut()
        .filter(|e| e.1 == "app.yaml")
        .for_each(|e| e.2.clone_from(&moved));
    let staging = write_tree(&r, &staging);
    let mut deploy = entries_of(&r, &format!("{x}:deploy"));
    deploy
        .iter_mut()
        .filter(|e| e.1 == "staging")
        .for_each(|e| e.2.clone_from(&staging));
    let deploy = write_tree(&r, &deploy);
    let mut root = entries_of(&r, &x);
    root.iter_mut()
        .filter(|e| e.1 == "deploy")
        .for_each(|e| e.2.clone_from(&deploy));
    commit_tree(
        &r,
        &write_tree(&r, &root),
        &msg(&super::gate_catalogue::reviewed_by(ANA)),
    );
    let gate = |full: &str| {
        r.gate_with(
            &r.root(),
            &["--base", &x, "--head", "HEAD"],
            &[("DRIFTCHECK_GATE_FULL", full.into())],
        )
    };
    let (keys, whole) = (gate(""), gate("1"));
    assert_ne!(keys.code, 0, "the change's keys:\n{}", keys.show());
    assert_eq!(keys.code, whole.code, "{}\n{}", keys.show(), whole.show());
}
