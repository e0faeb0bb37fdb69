//! Findings of the adversarial gate review (tests/adversarial/gate), kept
//! as regression tests once fixed.

use crate::gate_catalogue::{ANA, Repo, msg, reviewed_by};

/// R1: an inline `driftcheck: allow` is part of the change: a change cannot
/// waive the error it introduces, wherever the comment stands (same line,
/// line above, the other environment's file), whatever the comment style.
#[test]
fn a_change_cannot_allow_its_own_error_inline() {
    let placements: &[(&str, &str, &str)] = &[
        (
            "deploy/prod/app.yaml",
            "data_path: /var/lib/app",
            "data_path: /mnt/app  # driftcheck: allow drift/data-path -- x",
        ),
        (
            "deploy/prod/app.yaml",
            "data_path: /var/lib/app",
            "# driftcheck: allow drift/data-path -- moving disks\ndata_path: /mnt/app",
        ),
        (
            "deploy/staging/app.yaml",
            "data_path: /var/lib/app",
            "data_path: /var/lib/app  # driftcheck: allow drift/data-path -- x",
        ),
    ];
    for (n, (file, from, to)) in placements.iter().enumerate() {
        let r = Repo::standard("");
        r.replace(file, from, to);
        if *file == "deploy/staging/app.yaml" {
            r.replace(
                "deploy/prod/app.yaml",
                "data_path: /var/lib/app",
                "data_path: /mnt/app",
            );
        }
        r.git(&["add", "-A"]);
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        g.assert_refused();
        assert!(
            g.show().contains("drift/data-path"),
            "case {n}: {}",
            g.show()
        );
    }
    // An allow that was already at the base still covers its own finding.
    let r = Repo::standard("");
    r.replace(
        "deploy/prod/app.yaml",
        "data_path: /var/lib/app",
        "data_path: /mnt/app  # driftcheck: allow drift/data-path -- moved disks",
    );
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "allowed drift"]);
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--ff-only", "feature"]);
    r.git(&["checkout", "-q", "feature"]);
    r.raise_timeout();
    r.git(&["add", "-A"]);
    r.commit(&msg(&reviewed_by(ANA)));
    r.gate_main().assert_passed();
}

/// R6: a replica count that stops being a finite number (NaN, infinity in
/// any spelling) cannot be told from a decrease: the shipped
/// `k8s-replica-decrease` rule asks for its two sign-offs.
#[test]
fn a_replica_count_that_stops_being_a_number_needs_the_decrease_review() {
    for value in [
        "nan", "NaN", "inf", "Infinity", "-inf", ".nan", ".inf", "\"nan\"",
    ] {
        let r = Repo::standard("");
        r.everywhere("replicas: 3", &format!("replicas: {value}"));
        r.git(&["add", "-A"]);
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        g.assert_refused();
        assert!(
            g.show().contains("k8s-replica-decrease"),
            "{value}: {}",
            g.show()
        );
    }
}

/// R8: the head's environments are validated like its `[review]`: a change
/// that declares an environment nobody can list (a missing root, a file as
/// root) is refused, instead of passing and blocking every later change.
#[test]
fn a_head_environment_that_cannot_be_listed_is_refused() {
    for root in [
        "deploy/dev",
        "deploy/prod/app.yaml",
        "deploy/dev/../../nowhere",
    ] {
        let r = Repo::standard("");
        let config = r.read("driftcheck.toml");
        r.write(
            "driftcheck.toml",
            &format!("{config}\n[env.dev]\nroot = \"{root}\"\n"),
        );
        r.git(&["add", "-A"]);
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        g.assert_refused();
        assert!(g.show().contains("gate/config"), "{root}: {}", g.show());
    }
}

/// R6, shapes: a replica count that was a finite number and is now anything
/// but a greater-or-equal finite number (a list of any length, a map, text)
/// asks for the decrease review; a plain increase does not. (`[3]` too: a
/// scalar is never a one-item list; families in `gate_retyped.rs`.)
#[test]
fn a_replica_count_that_changes_shape_needs_the_decrease_review() {
    for value in [
        "[1]",
        "[3]",
        "[]",
        "[4]",
        "[1, 2]",
        "[5, 6, 7]",
        "{n: 4}",
        "four",
        "\"3x\"",
    ] {
        let r = Repo::standard("");
        r.replace(
            "deploy/prod/app.yaml",
            "replicas: 3",
            &format!("replicas: {value}"),
        );
        r.git(&["add", "-A"]);
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        assert_eq!(g.code, 1, "{value}: {}", g.show());
        assert!(
            g.show().contains("k8s-replica-decrease"),
            "{value}: {}",
            g.show()
        );
    }
    for value in ["4", "3", "30"] {
        let r = Repo::standard("");
        r.everywhere("replicas: 3", &format!("replicas: {value}"));
        r.git(&["add", "-A"]);
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        g.assert_passed();
    }
}

/// R5: a `[[review.rule]]`'s paths are guarded paths, wherever they lie:
/// outside `[review] paths`, outside every environment (default guard), at
/// several depths, by a literal path or a glob.
#[test]
fn a_review_rule_outside_the_guarded_paths_still_asks() {
    for (paths, rule, file) in [
        ("paths = [\"deploy/**\"]\n", "infra/**", "infra/db.tf"),
        ("", "infra/**", "infra/db.tf"),
        ("", "infra/**", "infra/a/b/c/db.tf"),
        (
            "paths = [\"deploy/**\"]\n",
            "infra/a/*/db.tf",
            "infra/a/b/db.tf",
        ),
        ("", "ops/db.tf", "ops/db.tf"),
        (
            "paths = [\"deploy/prod/**\"]\n",
            "deploy/staging/**",
            "deploy/staging/app.yaml",
        ),
    ] {
        let review =
            format!("[review]\n{paths}\n[[review.rule]]\npaths = [\"{rule}\"]\nrequired = 2\n");
        let r = Repo::standard_with(&review, &[(file, "size = \"large\"\n")]);
        r.write(file, "size = \"small\"\n");
        r.git(&["add", "-A"]);
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        assert_eq!(g.code, 1, "{rule} / {file}: {}", g.show());
        assert!(
            g.requirements()
                .iter()
                .any(|q| q["source"].as_str().unwrap().contains(rule) && q["satisfied"] == false),
            "{rule}: {}",
            g.show()
        );
    }
}
