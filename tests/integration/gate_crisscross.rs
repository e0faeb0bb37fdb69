//! R10 of the adversarial gate review: criss-cross histories (several
//! merge bases). The change is measured from the virtual base git's
//! recursive/ort strategy merges from (src/git/merge.rs, `base_tree`), so
//! what the other side already landed is not counted as the change's: no
//! false refusal, and an unsigned follow-up is still refused. git itself is
//! the oracle: the virtual base is `git merge-tree --write-tree` of the
//! bases, and the change's paths are where git's merge of the two tips
//! differs from the base branch.

use super::gate_catalogue::{ADMIN, ANA, MAL, Repo, msg, reviewed_by};

/// Lines the shapes edit: each a different line of `app.yaml`, far enough
/// apart to merge cleanly.
const LINES: [(&str, &str); 4] = [
    ("timeout: 30", "timeout: 60"),
    ("replicas: 3", "replicas: 4"),
    ("max_conns: 100", "max_conns: 90"),
    ("pool_size: 10", "pool_size: 1"),
];

/// Build a criss-cross with `rounds` rounds (each: a reviewed feature
/// commit, a main commit, main merges the feature commit, the feature
/// merges the main commit), then main moves on, then a follow-up.
fn criss_cross(rounds: usize, same_file: bool, followup: &str) -> Repo {
    let r = Repo::standard("");
    for round in 0..rounds {
        let env = if same_file { "prod" } else { "staging" };
        let (from, to) = LINES[0];
        r.replace(
            "deploy/prod/app.yaml",
            &from.replace("30", &format!("{}", 30 + round * 30)),
            &to.replace("60", &format!("{}", 60 + round * 30)),
        );
        let f = r.commit(&msg(&reviewed_by(ANA)));
        r.on_main("main side", |r| {
            let (a, b) = LINES[1];
            r.replace(
                &format!("deploy/{env}/app.yaml"),
                &a.replace('3', &format!("{}", 3 + round)),
                &b.replace('4', &format!("{}", 4 + round)),
            );
        });
        let m = r.git(&["rev-parse", "main"]).trim().to_string();
        r.git(&["checkout", "-q", "main"]);
        r.git_ok(
            &r.root(),
            ADMIN,
            ADMIN,
            &["merge", "-q", "--no-edit", f.trim()],
        );
        r.git(&["checkout", "-q", "feature"]);
        r.git_ok(&r.root(), MAL, MAL, &["merge", "-q", "--no-edit", &m]);
    }
    r.on_main("main moves on", |r| {
        let (a, b) = LINES[2];
        r.replace("deploy/staging/app.yaml", a, b);
    });
    if followup != "none" {
        let (a, b) = LINES[3];
        r.replace("deploy/prod/app.yaml", a, b);
        let body = if followup == "signed" {
            reviewed_by(ANA)
        } else {
            "no review".into()
        };
        r.commit(&msg(&body));
    }
    r
}

#[test]
fn criss_cross_merges_are_measured_from_the_virtual_base() {
    for rounds in [1, 2] {
        for same_file in [true, false] {
            for followup in ["none", "unsigned", "signed"] {
                let what = format!("rounds {rounds}, same file {same_file}, follow-up {followup}");
                let r = criss_cross(rounds, same_file, followup);
                let bases = r.git(&["merge-base", "--all", "main", "feature"]);
                let bases: Vec<&str> = bases.lines().collect();
                assert!(bases.len() >= 2, "{what}: not a criss-cross: {bases:?}");
                // Oracle 1: the virtual base is git's merge of the bases.
                let repo = driftcheck::git::Repo::discover(&r.root()).unwrap();
                let (main, feature) = (
                    repo.commit_id("main").unwrap(),
                    repo.commit_id("feature").unwrap(),
                );
                let (ours, vbase) = driftcheck::git::base_tree(&repo, main, feature)
                    .unwrap()
                    .unwrap();
                assert_eq!(ours.len(), bases.len(), "{what}");
                if bases.len() == 2 {
                    let git = r.git(&["merge-tree", "--write-tree", bases[0], bases[1]]);
                    assert_eq!(vbase.to_string(), git.lines().next().unwrap(), "{what}");
                }
                // Oracle 2: the change's paths are where git's merge of the
                // tips differs from main.
                let merged = r.git(&["merge-tree", "--write-tree", "main", "feature"]);
                let merged = merged.lines().next().unwrap().to_string();
                let git_paths = r.git(&["diff", "--name-only", "main", &merged]);
                let g = r.gate_main();
                let mut ours: Vec<String> = g.changes().into_iter().map(|(p, _)| p).collect();
                ours.sort();
                let want: Vec<String> = git_paths.lines().map(str::to_string).collect();
                assert_eq!(ours, want, "{what}: {}", g.show());
                if followup == "unsigned" {
                    g.assert_refused();
                    assert!(
                        g.show().contains("deploy/prod/app.yaml"),
                        "{what}: {}",
                        g.show()
                    );
                } else {
                    assert_eq!(g.code, 0, "{what}: {}", g.show());
                }
            }
        }
    }
}
