//! Issue 15, round 3: batches and updates that touch one guarded file in
//! several places (coverage by commit containment, `gate/coverage.rs`), and
//! reviewer lists that name nobody (`config/read.rs`, `reviewer_forms`).

use crate::gate_catalogue::{ANA, BO, CAROL, MAL, Person, Repo, msg, reviewed_by};

/// Lines of the standard `app.yaml` far enough apart for git to merge
/// edits to any two of them cleanly: (from, to).
const EDITS: [(&str, &str); 3] = [
    ("timeout: 30", "timeout: 60"),
    ("log_level: info", "log_level: warn"),
    ("replicas: 3", "replicas: 4"),
];

/// Pull requests `pr-0..` off main, PR `k` editing line `k` of `app.yaml`
/// (in prod only or in both environments), signed by `reviewers(k)`; then
/// a merge queue branch merging them all in order, as Carol.
fn batch(r: &Repo, size: usize, both: bool, reviewers: &dyn Fn(usize) -> Vec<Person>) {
    r.git(&["checkout", "-q", "main"]);
    for (k, (from, to)) in EDITS.iter().take(size).enumerate() {
        r.git(&["checkout", "-q", "-b", &format!("pr-{k}"), "main"]);
        if both {
            r.everywhere(from, to);
        } else {
            r.replace("deploy/prod/app.yaml", from, to);
        }
        let body: Vec<String> = reviewers(k).into_iter().map(reviewed_by).collect();
        r.commit(&msg(&if body.is_empty() {
            "no review".to_string()
        } else {
            body.join("\n")
        }));
    }
    r.git(&["checkout", "-q", "-b", "queue", "main"]);
    for k in 0..size {
        r.git_ok(
            &r.root(),
            CAROL,
            CAROL,
            &["merge", "-q", "--no-ff", "--no-edit", &format!("pr-{k}")],
        );
    }
}

/// Batches of 2 and 3 pull requests editing other lines of one file, in
/// prod only or in both environments: all reviewed, they pass; one
/// unreviewed (at every position) and the batch is refused naming the file.
#[test]
fn a_batch_editing_one_file_passes_when_each_pull_request_is_reviewed() {
    for size in 2..=3 {
        for both in [false, true] {
            let r = Repo::standard("");
            batch(&r, size, both, &|_| vec![ANA]);
            let g = r.gate_main();
            assert_eq!(g.code, 0, "size {size} both {both}: {}", g.show());
            for unreviewed in 0..size {
                let r = Repo::standard("");
                batch(&r, size, both, &|k| {
                    if k == unreviewed { vec![] } else { vec![ANA] }
                });
                let g = r.gate_main();
                assert_eq!(
                    g.code,
                    1,
                    "size {size} unreviewed {unreviewed}: {}",
                    g.show()
                );
                assert!(
                    g.json["findings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|f| f["rule"] == "gate/signoff"
                            && f["message"]
                                .as_str()
                                .unwrap()
                                .contains("deploy/prod/app.yaml")),
                    "{}",
                    g.show()
                );
            }
        }
    }
}

/// `required = 2` counts people per edit, not per file: each pull request
/// of a batch reviewed by one different person is refused; by two, passes.
#[test]
fn required_reviewers_are_counted_per_edit_of_a_shared_file() {
    for size in 2..=3 {
        let r = Repo::standard("\n[review]\nrequired = 2\n");
        batch(&r, size, true, &|k| vec![if k % 2 == 0 { ANA } else { BO }]);
        let g = r.gate_main();
        assert_eq!(g.code, 1, "size {size}: {}", g.show());
        let r = Repo::standard("\n[review]\nrequired = 2\n");
        batch(&r, size, true, &|_| vec![ANA, BO]);
        r.gate_main().assert_passed();
    }
}

/// "Update branch" merges of main after the review, main having edited
/// another line of the same guarded file, 1 to 3 times: the sign-off stays
/// fresh. A later edit of the branch's own on top of it makes it stale.
#[test]
fn update_branch_under_the_same_file_keeps_the_signoff() {
    for updates in 1..=3 {
        for later_edit in [false, true] {
            let r = Repo::standard("");
            r.everywhere("timeout: 30", "timeout: 60");
            r.commit(&msg(&reviewed_by(ANA)));
            for u in 0..updates {
                let (from, to) = [
                    ("log_level: info", "log_level: warn"),
                    ("replicas: 3", "replicas: 4"),
                    ("pool_size: 10", "pool_size: 12"),
                ][u];
                r.on_main("Main edits another line", |r| r.everywhere(from, to));
                r.git_ok(
                    &r.root(),
                    MAL,
                    MAL,
                    &["merge", "-q", "--no-ff", "--no-edit", "main"],
                );
            }
            if later_edit {
                r.replace("deploy/prod/app.yaml", "timeout: 60", "timeout: 90");
                r.replace("deploy/staging/app.yaml", "timeout: 60", "timeout: 90");
                r.commit("Later edit\n");
            }
            let g = r.gate_main();
            if later_edit {
                g.assert_refused();
                g.assert_signoff("Ana", false, "stale: guarded config changed after");
            } else {
                g.assert_passed();
                g.assert_signoff("Ana", true, "peer sign-off");
            }
        }
    }
}

/// An explicit reviewer list that names nobody never means "any peer":
/// `reviewers = []` or only empty groups, in `[review]` or a
/// `[[review.rule]]`. At the base: exit 2; landed by the change: refused.
#[test]
fn a_reviewer_list_naming_nobody_is_a_config_error() {
    let shapes = [
        "\n[review]\nreviewers = []\n",
        "\n[review]\nreviewers = [\"@sre\"]\n[review.groups]\nsre = []\n",
        "\n[review]\nreviewers = [\"@a\", \"@b\"]\n[review.groups]\na = []\nb = []\n",
        "\n[[review.rule]]\npaths = [\"deploy/prod/**\"]\nreviewers = []\n",
        "\n[[review.rule]]\npaths = [\"deploy/**\"]\nreviewers = [\"@sre\"]\n[review.groups]\nsre = []\n",
    ];
    for shape in shapes {
        let r = Repo::standard(shape);
        r.raise_timeout();
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        assert_eq!(g.code, 2, "base {shape}: {}", g.show());
        assert!(g.show().contains("names nobody"), "{shape}: {}", g.show());

        let r = Repo::standard("");
        let config = r.read("driftcheck.toml");
        r.write("driftcheck.toml", &format!("{config}{shape}"));
        r.commit(&msg(&format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO))));
        let g = r.gate_main();
        assert_eq!(g.code, 1, "head {shape}: {}", g.show());
        assert!(g.show().contains("gate/config"), "{shape}: {}", g.show());
    }
}

/// Item 15, verdicts at volume: one commit carrying N sign-offs of one
/// person under `+tag` variants (N = 1, 10, 2,000), with and without a
/// stray (unverifiable, optional) `Review-Signature` line for each: one
/// person counts once, so
/// `required = 1` passes and `required = 2` is refused, whatever N. (The
/// time is benchmarked by tests/adversarial/gate/r3_perf_more.sh and
/// bench/trailers.sh, not here.)
#[test]
fn many_signoffs_of_one_person_count_once() {
    for n in [1usize, 10, 2000] {
        for signatures in [false, true] {
            for required in [1u32, 2] {
                let r = Repo::standard(&format!("\n[review]\nrequired = {required}\n"));
                r.raise_timeout();
                let mut body = String::new();
                for k in 0..n {
                    body.push_str(&format!("Reviewed-by: Ana <ana+{k}@example.com>\n"));
                    if signatures {
                        body.push_str(&format!("Review-Signature: ana+{k}@example.com junk\n"));
                    }
                }
                r.commit(&msg(body.trim_end()));
                let g = r.gate_main();
                let case = format!("n {n} signatures {signatures} required {required}");
                if required == 1 {
                    assert_eq!(g.code, 0, "{case}: {}", g.show());
                } else {
                    assert_eq!(g.code, 1, "{case}: {}", g.show());
                }
                if n > 1 {
                    assert!(g.show().contains("already counted"), "{case}: {}", g.show());
                }
            }
        }
    }
}
