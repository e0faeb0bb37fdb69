//! Gate integrity, history side (issue 15, items 7, 8, 11–14): merges
//! judged by what they add to the automatic merge of their parents,
//! staleness on the paths a change touches (pre- and post-image), who is a
//! contributor, pushes that are not fast-forwards, `approve` without
//! `--base`, and the commit-msg hook under `core.commentChar` and
//! `MERGE_HEAD`. Every case builds real repositories with the git binary in
//! a clean environment (the `gate_catalogue` harness) and asserts the
//! verdict and the reason, over a generated family where one applies.

use std::ffi::OsString;

// The standard layout's `app.yaml`: a resolution written from another copy
// (one without the Kubernetes header) deletes the resource, and its replicas.
use super::gate_catalogue::{ADMIN, ANA, APP, BO, MAL, Repo, msg, reviewed_by};

/// Local hooks refuse (not warn about) a missing sign-off.
const LOCAL_BLOCK: &str = "\n[review]\nlocal = \"block\"\n";

/// Config with two more guarded files per environment, so main can change
/// guarded config the pull request does not touch.
fn repo_with_extra_files(review: &str) -> Repo {
    Repo::standard_with(
        review,
        &[
            ("deploy/staging/db.yaml", "pool: 5\n"),
            ("deploy/prod/db.yaml", "pool: 5\n"),
            ("deploy/staging/cache.yaml", "ttl: 60\n"),
            ("deploy/prod/cache.yaml", "ttl: 60\n"),
        ],
    )
}

/// Main changes guarded file `k` (of three) in both environments.
fn main_changes_guarded(r: &Repo, k: usize) {
    let (file, from, to) = [
        ("db.yaml", "pool: 5", "pool: 6"),
        ("cache.yaml", "ttl: 60", "ttl: 90"),
        ("db.yaml", "pool: 6", "pool: 7"),
    ][k % 3];
    r.on_main(&format!("Main change {k}"), |r| {
        for env in ["staging", "prod"] {
            r.replace(&format!("deploy/{env}/{file}"), from, to);
        }
    });
}

/// Items 11 and 14: an approved pull request brought up to date with main
/// (1 to 3 "Update branch" merges, each after main changed *other* guarded
/// files; merged by Mallory or by the reviewer herself) still passes, with
/// a plain or a digest-bound sign-off, and the digest does not move.
#[test]
fn clean_update_branch_merges_keep_the_approval() {
    for digest_bound in [false, true] {
        for merges in 1..=3 {
            for clicker in [MAL, ANA] {
                let review = if digest_bound {
                    "\n[review]\nbind = \"digest\"\n"
                } else {
                    ""
                };
                let r = repo_with_extra_files(review);
                let approved = if digest_bound {
                    r.approved_timeout_change(ANA)
                } else {
                    r.raise_timeout();
                    r.commit(&msg(&reviewed_by(ANA)));
                    String::new()
                };
                for k in 0..merges {
                    main_changes_guarded(&r, k);
                    r.git_ok(
                        &r.root(),
                        clicker,
                        clicker,
                        &["merge", "-q", "--no-edit", "--no-ff", "main"],
                    );
                }
                let g = r.gate_main();
                g.assert_passed();
                g.assert_signoff("Ana", true, "peer sign-off");
                assert!(
                    g.requirements()
                        .iter()
                        .all(|q| !q["source"].as_str().unwrap().starts_with("merge "))
                );
                if digest_bound {
                    assert_eq!(g.digest(), approved, "{}", g.show());
                }
            }
        }
    }
}

/// Item 11: a merge-queue run: main moved (another guarded file), the queue
/// merges the approved branch onto it as a bot; base = main, head = that
/// merge. It passes.
#[test]
fn merge_queue_merge_of_an_approved_branch_passes() {
    for k in 0..3 {
        let r = repo_with_extra_files("");
        r.raise_timeout();
        r.commit(&msg(&reviewed_by(ANA)));
        for i in 0..=k {
            main_changes_guarded(&r, i);
        }
        r.git(&["checkout", "-q", "-b", "queue", "main"]);
        r.git_ok(
            &r.root(),
            ADMIN,
            ADMIN,
            &["merge", "-q", "--no-ff", "--no-edit", "feature"],
        );
        let g = r.gate_main();
        g.assert_passed();
        g.assert_signoff("Ana", true, "peer sign-off");
    }
}

/// Item 11: a conflict merge reviewed by Ana, then a further config commit
/// reviewed by Bo: Bo's sign-off after the merge covers the merge, Ana's is
/// stale. Without Bo's, the merge's requirement is unmet.
#[test]
fn reviewed_conflict_merge_then_reviewed_commit_passes() {
    for later_signed in [true, false] {
        let r = Repo::standard("");
        r.raise_timeout();
        r.commit("Raise the request timeout\n");
        r.on_main("Timeout 45", |r| r.everywhere("timeout: 30", "timeout: 45"));
        let out = r.git_in(&r.root(), MAL, MAL, &["merge", "-q", "main"]);
        assert!(!out.status.success(), "expected a conflict");
        // The reviewed resolution: neither side's value.
        for env in ["staging", "prod"] {
            r.write(
                &format!("deploy/{env}/app.yaml"),
                &APP.replace("timeout: 30", "timeout: 75"),
            );
        }
        r.commit(&msg(&format!(
            "Merge branch 'main' into feature\n\n{}",
            reviewed_by(ANA)
        )));
        r.everywhere("log_level: info", "log_level: warn");
        let body = if later_signed {
            reviewed_by(BO)
        } else {
            "Quieter logs".into()
        };
        r.commit(&msg(&body));
        let g = r.gate_main();
        g.assert_signoff("Ana", false, "stale");
        let merge = g
            .requirements()
            .into_iter()
            .find(|q| q["source"].as_str().unwrap().starts_with("merge "))
            .unwrap_or_else(|| panic!("no merge requirement:\n{}", g.show()));
        assert_eq!(merge["satisfied"], later_signed, "{}", g.show());
        if later_signed {
            g.assert_passed();
        } else {
            g.assert_refused();
        }
    }
}

/// Item 11, the oracle: libgit2's automatic merge (what the gate compares a
/// merge with) gives the tree `git merge-tree --write-tree` gives, over a
/// family of two-sided edits (different files, different lines of one
/// file, additions and deletions).
#[test]
fn automatic_merge_matches_git_merge_tree() {
    type Edit<'a> = &'a dyn Fn(&Repo, &str);
    let edits: [Edit<'_>; 4] = [
        &|r, env| {
            r.replace(
                &format!("deploy/{env}/app.yaml"),
                "timeout: 30",
                "timeout: 31",
            )
        },
        &|r, env| {
            r.replace(
                &format!("deploy/{env}/app.yaml"),
                "replicas: 3",
                "replicas: 4",
            )
        },
        &|r, env| r.write(&format!("deploy/{env}/new.yaml"), "a: 1\n"),
        &|r, env| r.replace(&format!("deploy/{env}/db.yaml"), "pool: 5", "pool: 9"),
    ];
    for (i, ours) in edits.iter().enumerate() {
        for (j, theirs) in edits.iter().enumerate() {
            if i == j {
                continue;
            }
            let r = repo_with_extra_files("");
            ours(&r, "prod");
            r.commit("ours\n");
            r.on_main("theirs", |r| theirs(r, "prod"));
            let git = r.git(&["merge-tree", "--write-tree", "feature", "main"]);
            let repo = driftcheck::git::Repo::discover(&r.root()).unwrap();
            let ours_id = repo.commit_id("feature").unwrap();
            let theirs_id = repo.commit_id("main").unwrap();
            let ours_tree = driftcheck::git::auto_merge_tree(&repo, ours_id, theirs_id)
                .unwrap()
                .unwrap();
            assert_eq!(
                ours_tree.to_string(),
                git.lines().next().unwrap(),
                "edits {i}/{j}"
            );
        }
    }
}

/// Item 7: `git merge -s ours main` keeps the approved tree while the net
/// change now reverts what main did. Under the paths the sign-off approved,
/// the merge's result differs from the automatic merge: the merge adds
/// them again on top of the sign-off, which is stale. Elsewhere (another guarded file, a new file)
/// the revert is a path no sign-off approved: refused, naming it.
#[test]
fn merge_strategy_ours_makes_a_plain_signoff_stale() {
    type Change<'a> = &'a dyn Fn(&Repo);
    let on_main: [(Change<'_>, Option<&str>); 3] = [
        (
            &|r| r.everywhere("log_level: info", "log_level: warn"),
            None,
        ),
        (
            &|r| {
                for env in ["staging", "prod"] {
                    r.replace(&format!("deploy/{env}/db.yaml"), "pool: 5", "pool: 8");
                }
            },
            Some("deploy/prod/db.yaml"),
        ),
        (
            &|r| {
                for env in ["staging", "prod"] {
                    r.write(&format!("deploy/{env}/extra.yaml"), "x: 1\n");
                }
            },
            Some("deploy/prod/extra.yaml"),
        ),
    ];
    for (change, reverted) in on_main {
        let r = repo_with_extra_files("");
        r.raise_timeout();
        r.commit(&msg(&reviewed_by(ANA)));
        r.on_main("Main change", change);
        r.git(&["merge", "-q", "-s", "ours", "--no-edit", "main"]);
        let g = r.gate_main();
        g.assert_refused();
        match reverted {
            None => g.assert_signoff("Ana", false, "stale: guarded config changed after"),
            Some(path) => {
                g.assert_signoff("Ana", true, "peer sign-off for 2 of 4 changed paths");
                let findings = g.json["findings"].as_array().unwrap();
                assert!(
                    findings.iter().any(|f| f["rule"] == "gate/signoff"
                        && f["message"].as_str().unwrap().contains(path)),
                    "{}",
                    g.show()
                );
            }
        }
    }
}

/// Item 11: a merge queue batching two pull requests, each reviewed on its
/// own (different guarded files, 1 to 3 commits each): every path of the
/// batch is approved by someone, so it passes; without the second review it
/// is refused, naming the second pull request's paths.
#[test]
fn merge_queue_batch_of_two_reviewed_pull_requests() {
    for commits in 1..=3 {
        for second_reviewed in [true, false] {
            let r = repo_with_extra_files("");
            for c in 0..commits {
                r.everywhere(
                    &format!("timeout: {}", 30 + c),
                    &format!("timeout: {}", 31 + c),
                );
                let body = if c + 1 == commits {
                    reviewed_by(ANA)
                } else {
                    "wip".into()
                };
                r.commit(&msg(&body));
            }
            r.git(&["checkout", "-q", "-b", "second", "main"]);
            for env in ["staging", "prod"] {
                r.replace(&format!("deploy/{env}/db.yaml"), "pool: 5", "pool: 6");
            }
            let body = if second_reviewed {
                reviewed_by(BO)
            } else {
                "Pool".into()
            };
            r.commit(&msg(&body));
            r.git(&["checkout", "-q", "-b", "queue", "main"]);
            for branch in ["feature", "second"] {
                r.git_ok(
                    &r.root(),
                    ADMIN,
                    ADMIN,
                    &["merge", "-q", "--no-ff", "--no-edit", branch],
                );
            }
            let g = r.gate_main();
            if second_reviewed {
                g.assert_passed();
                g.assert_signoff("Ana", true, "peer sign-off for 2 of 4");
                g.assert_signoff("Bo", true, "peer sign-off for 2 of 4");
            } else {
                g.assert_refused();
                let findings = g.json["findings"].as_array().unwrap();
                assert!(
                    findings.iter().any(|f| f["rule"] == "gate/signoff"
                        && f["message"]
                            .as_str()
                            .unwrap()
                            .contains("deploy/prod/db.yaml")),
                    "{}",
                    g.show()
                );
            }
        }
    }
}

/// Item 14: the author of a commit touching no guarded path is no
/// contributor to the config change; their own sign-off counts.
#[test]
fn unrelated_authors_may_review() {
    for files in 1..=3 {
        let r = Repo::standard("");
        r.raise_timeout();
        r.commit("Raise the request timeout\n");
        for f in 0..files {
            r.write(&format!("src/f{f}.rs"), "// unrelated\n");
        }
        r.commit_as(BO, BO, &msg(&reviewed_by(BO)));
        let g = r.gate_main();
        g.assert_passed();
        g.assert_signoff("Bo", true, "peer sign-off");
    }
}

/// Item 13: the commit-msg hook reads the message with git's comment
/// string: `;`, `%` or `//` template lines do not hide the trailer block,
/// and a `#` line is text there.
#[test]
fn commit_msg_hook_honours_core_comment_char() {
    for (key, comment) in [
        ("core.commentChar", ";"),
        ("core.commentChar", "%"),
        ("core.commentString", "//"),
    ] {
        // Local hooks only warn on a missing sign-off unless the base says so.
        let r = Repo::standard(LOCAL_BLOCK);
        r.git(&["config", key, comment]);
        r.raise_timeout();
        r.git(&["add", "-A"]);
        let message = format!(
            "Raise the request timeout\n\n{}\n{comment} Please enter the commit message for your changes. Lines starting\n{comment} with '{comment}' will be ignored.\n{comment}\n{comment} On branch feature\n",
            reviewed_by(ANA)
        );
        let file = r.scratch("COMMIT_EDITMSG");
        std::fs::write(&file, &message).unwrap();
        let g = r.gate(&["--message-file", file.to_str().unwrap()]);
        g.assert_passed();
        g.assert_signoff("Ana", true, "peer sign-off");
        // And a `#` line right above the trailers is text under that setting.
        std::fs::write(
            &file,
            format!("Subject\n\n{}\n# not a comment here\n", reviewed_by(ANA)),
        )
        .unwrap();
        let g = r.gate(&["--message-file", file.to_str().unwrap()]);
        g.assert_refused();
        g.assert_no_signoffs();
    }
}

/// Item 13: `git merge main` on an approved branch, seen by the commit-msg
/// hook (MERGE_HEAD set, base HEAD): the merge adds nothing to the automatic
/// merge, so it needs no sign-off, whichever guarded files main changed.
#[test]
fn commit_msg_hook_on_a_clean_merge_needs_nothing() {
    for k in 0..3 {
        let r = repo_with_extra_files(LOCAL_BLOCK);
        r.raise_timeout();
        r.commit(&msg(&reviewed_by(ANA)));
        for i in 0..=k {
            main_changes_guarded(&r, i);
        }
        r.git(&["merge", "-q", "--no-ff", "--no-commit", "main"]);
        let file = r.scratch("MERGE_MSG");
        std::fs::write(&file, "Merge branch 'main' into feature\n").unwrap();
        let g = r.gate(&["--message-file", file.to_str().unwrap()]);
        g.assert_passed();
        assert!(g.changes().is_empty(), "{}", g.show());
        // An evil edit in the same merge is the merge's own change.
        r.everywhere("log_level: info", "log_level: debug");
        r.git(&["add", "-A"]);
        let g = r.gate(&["--message-file", file.to_str().unwrap()]);
        g.assert_refused();
        assert!(
            g.changes().iter().any(|(p, _)| p == "deploy/prod/app.yaml"),
            "{}",
            g.show()
        );
    }
}

/// Item 8: a push that rewinds or replaces the branch is refused with the
/// reason (pre-push, and a GitHub push event whose `before` is the base);
/// a fast-forward is judged as usual.
#[test]
fn non_fast_forward_pushes_are_refused() {
    for rewind in 1..=3 {
        let r = Repo::standard("");
        for i in 0..rewind {
            r.replace(
                "deploy/prod/app.yaml",
                &format!("timeout: {}", 30 + i),
                &format!("timeout: {}", 31 + i),
            );
            r.replace(
                "deploy/staging/app.yaml",
                &format!("timeout: {}", 30 + i),
                &format!("timeout: {}", 31 + i),
            );
            r.commit(&msg(&reviewed_by(ANA)));
        }
        let before = r.git(&["rev-parse", "HEAD"]);
        r.git(&["reset", "-q", "--hard", &format!("HEAD~{rewind}")]);
        r.write("src/main.rs", "fn main() { /* replaced */ }\n");
        let after = r.commit("Replace the branch\n");
        let vars: Vec<(&str, OsString)> = vec![
            ("PRE_COMMIT_FROM_REF", before.clone().into()),
            ("PRE_COMMIT_TO_REF", after.clone().into()),
        ];
        let g = r.gate_with(&r.root(), &["--pre-push"], &vars);
        g.assert_cannot_answer(&["not a fast-forward"]);
        let event = r.scratch("event.json");
        std::fs::write(
            &event,
            format!("{{\"before\":\"{before}\",\"forced\":true}}"),
        )
        .unwrap();
        let vars: Vec<(&str, OsString)> = vec![
            ("GITHUB_EVENT_NAME", "push".into()),
            ("GITHUB_EVENT_PATH", event.clone().into()),
        ];
        let g = r.gate_with(&r.root(), &["--base", &before, "--head", &after], &vars);
        g.assert_cannot_answer(&["not a fast-forward"]);
        // A fast-forward push of a commit on top is judged normally.
        let g = r.gate_with(&r.root(), &["--base", &after, "--head", &after], &vars);
        g.assert_passed();
    }
}

/// Item 12: `approve` without `--base` in a pull-request checkout (the
/// branch tracks its own remote copy) finds main, so it prints the digest
/// `--base origin/main` gives, never the empty change.
#[test]
fn approve_without_base_in_a_pr_checkout() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    let remote = r.scratch("remote.git");
    r.git(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    r.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    r.git(&["push", "-q", "origin", "main", "feature"]);
    r.git(&["fetch", "-q", "origin"]);
    r.git(&["branch", "-q", "--set-upstream-to", "origin/feature"]);
    let out = r.driftcheck_in(&r.root(), &["approve", "--format", "json"], &[]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let with_base = r.driftcheck_in(
        &r.root(),
        &["approve", "--base", "origin/main", "--format", "json"],
        &[],
    );
    let expected: serde_json::Value = serde_json::from_slice(&with_base.stdout).unwrap();
    assert_eq!(doc["digest"], expected["digest"]);
    assert_eq!(doc["changes"].as_array().unwrap().len(), 2);
    // Nothing to approve against a base that already contains the head.
    let out = r.driftcheck_in(&r.root(), &["approve", "--base", "feature"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to approve"));
}
