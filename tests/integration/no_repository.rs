//! `diff` and `check` with `-C <dir>` outside any git repository: the
//! comparison needs no repository, so it runs (exit 0 or 1) in every output
//! format, masks secrets as usual, and a directory that does not exist is a
//! clear error naming it (exit 2).

use crate::harness::{Tree, driftcheck_with_env};

#[test]
fn diff_outside_a_git_repository_runs_in_every_format() {
    let tree = Tree::new(&[
        (
            "staging/app.yaml",
            "replicas: 1\npassword: Zq8LmXp3Vt7Wk2Rn9Hs4\n",
        ),
        (
            "prod/app.yaml",
            "replicas: 3\npassword: Wk2Rn9Hs4Zq8LmXp3Vt7\n",
        ),
    ]);
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let dir = tree.path().to_str().expect("utf-8 temp path");
    let ceiling = tree.path().parent().expect("temp parent");
    let vars = [
        ("GIT_CEILING_DIRECTORIES", ceiling),
        ("HOME", elsewhere.path()),
    ];
    for format in ["human", "json", "sarif", "github", "markdown"] {
        for extra in [&[][..], &["-v"][..]] {
            let mut args = vec!["diff", "staging", "prod", "-C", dir, "--format", format];
            args.extend_from_slice(extra);
            let run = driftcheck_with_env(elsewhere.path(), &args, &vars);
            assert!(matches!(run.code, 0 | 1), "{args:?}\n{}", run.all());
            assert!(run.stdout.contains("replicas"), "{args:?}\n{}", run.all());
            assert!(
                !run.all().contains("Zq8LmX") && !run.all().contains("Wk2Rn9"),
                "{}",
                run.all()
            );
        }
    }
    let missing = tree.path().join("nope");
    let run = driftcheck_with_env(
        elsewhere.path(),
        &["diff", "staging", "prod", "-C", missing.to_str().unwrap()],
        &vars,
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("nope"), "{}", run.all());
}
