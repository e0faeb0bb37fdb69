//! Security review of the gate: each test builds a change the gate passes
//! (or mishandles) today and asserts the correct behaviour. Each one is
//! `#[ignore]`d with a one-line summary of the problem until it is fixed.
//!
//! The repository harness is `gate_catalogue`'s: `main` holds the initial
//! commit by Base Admin, the change is on `feature`, written by Mallory, and
//! Ana and Bo are peers. A sign-off Mallory types is accepted in trailer mode
//! (catalogue I1), so the problems here are the ones that survive that rule:
//! changes that need no sign-off at all, or fewer than they should, and
//! checks that are skipped.

use std::path::Path;

use super::gate_catalogue::{ANA, BO, MAL, Repo, msg, reviewed_by};

/// A Kubernetes resource (the shipped replica rules apply to Kubernetes documents only).
const APP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
replicas: 3
data_path: /var/lib/app
log_level: info
db:
  pool_size: 10
  max_conns: 100
timeout: 30
";

const CONFIG: &str =
    "[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/prod\"\n";

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Whether the gate let the change through (exit 0 with `passed: true`).
fn passed(g: &super::gate_catalogue::Gate) -> bool {
    g.gate()["passed"] == true
}

// --- staleness -------------------------------------------------------------

/// A sign-off recorded on a side branch approves the config state at its
/// fork point; a config change made in parallel on the main line of the
/// branch, then merged with the sign-off (a plain `git pull`), was never
/// reviewed. The merge's result equals its first parent, so it needs no
/// sign-off of its own, and the later change does not descend from the
/// sign-off, so it is not "stale" either: Ana's sign-off counts for the
/// commit it contains, and the parallel commit is approved by nobody.
#[test]

fn stale_signoff_on_a_side_branch_merged_after_a_later_change() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    r.git(&["checkout", "-q", "-b", "review"]);
    r.commit(&msg(&reviewed_by(ANA)));
    r.git(&["checkout", "-q", "feature"]);
    r.replace(
        "deploy/prod/app.yaml",
        "log_level: info",
        "log_level: debug",
    );
    r.commit("Debug logs in prod\n");
    r.git(&["merge", "-q", "--no-edit", "review"]);
    let g = r.gate_main();
    g.assert_refused();
    g.assert_signoff("Ana", true, "peer sign-off");
    g.assert_short_of_signoffs(0);
}

// --- where the config comes from --------------------------------------------

/// The merge base's `driftcheck.toml` is found by resolving the path in the
/// head's working tree: a change that replaces it with a symlink to another
/// config (here a demo under `examples/`) makes the gate read that one from
/// the merge base, and the real environments are no longer guarded. The
/// change lowers prod's replicas (an error) with no sign-off and passes.
#[cfg(unix)]
#[test]

fn head_symlinked_config_cannot_choose_the_base_config() {
    let config = format!("{CONFIG}\n[review]\nrequired = 2\n");
    let r = Repo::init(&[
        ("driftcheck.toml", config.as_str()),
        ("deploy/staging/app.yaml", APP),
        ("deploy/prod/app.yaml", APP),
        (
            "examples/demo/driftcheck.toml",
            "[env.a]\nroot = \"a\"\n[env.b]\nroot = \"b\"\n",
        ),
        ("examples/demo/a/c.yaml", "x: 1\n"),
        ("examples/demo/b/c.yaml", "x: 1\n"),
    ]);
    r.replace("deploy/prod/app.yaml", "replicas: 3", "replicas: 1");
    std::fs::remove_file(r.root().join("driftcheck.toml")).unwrap();
    symlink(
        "examples/demo/driftcheck.toml",
        &r.root().join("driftcheck.toml"),
    );
    r.commit("Tidy the config\n");
    let g = r.gate_main();
    g.assert_refused();
    assert!(
        g.changes().iter().any(|(p, _)| p == "deploy/prod/app.yaml"),
        "{}",
        g.show()
    );
    assert!(
        g.gate()["introduced_errors"].as_u64().unwrap() >= 1,
        "{}",
        g.show()
    );
}

/// `[review] paths` replaces the default guard entirely: `driftcheck.toml`
/// and the policy files are no longer guarded, so a change that lowers
/// `required` and points `paths` at nothing passes with no sign-off (and
/// governs every later change). SPEC §7.3: changes to them are guarded.
#[test]

fn review_paths_still_guard_the_config_and_policies() {
    let r = Repo::standard("\n[review]\npaths = [\"deploy/**\"]\nrequired = 2\n");
    r.replace("driftcheck.toml", "required = 2", "required = 1");
    r.replace("driftcheck.toml", "\"deploy/**\"", "\"nothing/**\"");
    r.commit("Tidy the review settings\n");
    let g = r.gate_main();
    g.assert_refused();
    assert!(
        g.changes().iter().any(|(p, _)| p == "driftcheck.toml"),
        "{}",
        g.show()
    );
}

// --- guarded-path escapes ----------------------------------------------------

/// A config in a subdirectory whose environments live beside it
/// (`root = "../deploy/prod"`) guards nothing: the guard strips the config's
/// directory from each path before matching, so no path outside it matches.
#[test]

fn env_roots_outside_the_config_directory_are_guarded() {
    let r = Repo::init(&[
        (
            "tools/driftcheck.toml",
            "[env.staging]\nroot = \"../deploy/staging\"\n\n[env.prod]\nroot = \"../deploy/prod\"\n",
        ),
        ("deploy/staging/app.yaml", APP),
        ("deploy/prod/app.yaml", APP),
    ]);
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    let g = r.gate(&["--base", "main", "--config", "tools/driftcheck.toml"]);
    g.assert_refused();
    assert_eq!(g.changes().len(), 2, "{}", g.show());
}

/// An environment root that is a symlink (`deploy/prod -> ../releases/v1`,
/// a common "current release" layout) is read through the link, but the
/// guard matches the link's path: edits behind it, and retargeting the link
/// itself, need no sign-off.
#[cfg(unix)]
#[test]

fn symlinked_env_root_target_is_guarded() {
    let r = Repo::init(&[
        ("driftcheck.toml", CONFIG),
        ("deploy/staging/app.yaml", APP),
        ("releases/v1/app.yaml", APP),
    ]);
    // The base has the link: recommit it there.
    symlink("../releases/v1", &r.root().join("deploy/prod"));
    r.git(&["checkout", "-q", "main"]);
    r.commit("Prod is release v1\n");
    r.git(&["checkout", "-q", "feature"]);
    r.git(&["reset", "-q", "--hard", "main"]);

    r.replace(
        "releases/v1/app.yaml",
        "log_level: info",
        "log_level: debug",
    );
    r.commit("Debug logs in prod\n");
    let g = r.gate_main();
    g.assert_refused();

    r.git(&["reset", "-q", "--hard", "main"]);
    r.write(
        "releases/v2/app.yaml",
        &APP.replace("log_level: info", "log_level: debug"),
    );
    std::fs::remove_file(r.root().join("deploy/prod")).unwrap();
    symlink("../releases/v2", &r.root().join("deploy/prod"));
    r.commit("Prod is release v2\n");
    let g = r.gate_main();
    g.assert_refused();
    assert!(
        g.changes().iter().any(|(p, _)| p == "deploy/prod"),
        "the link itself is guarded config:\n{}",
        g.show()
    );
}

/// A `render` environment guards the directories its arguments name, but
/// not the program (`argv[0]`, here `./render.sh`, run from the head's tree)
/// nor what it reads beyond its arguments (a kustomize-style `base/`). Both
/// change the rendered prod config with no sign-off.
#[cfg(unix)]
#[test]

fn render_script_and_its_inputs_are_guarded() {
    let r = Repo::init(&[
        (
            "driftcheck.toml",
            "[env.staging]\nrender = [\"./render.sh\", \"overlays/staging\"]\n\n\
             [env.prod]\nrender = [\"./render.sh\", \"overlays/prod\"]\n",
        ),
        (
            "render.sh",
            "#!/bin/sh\ncat base/common.yaml \"$1/values.yaml\"\n",
        ),
        ("base/common.yaml", "timeout: 30\n"),
        ("overlays/staging/values.yaml", "replicas: 3\n"),
        ("overlays/prod/values.yaml", "replicas: 3\n"),
    ]);
    use std::os::unix::fs::PermissionsExt;
    let script = r.root().join("render.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    r.git(&["checkout", "-q", "main"]);
    r.commit("Executable render script\n");
    r.git(&["checkout", "-q", "feature"]);
    r.git(&["reset", "-q", "--hard", "main"]);

    r.replace("base/common.yaml", "timeout: 30", "timeout: 1");
    r.commit("Shorter timeout everywhere\n");
    let g = r.gate_main();
    g.assert_refused();

    r.git(&["reset", "-q", "--hard", "main"]);
    r.replace(
        "render.sh",
        "\"$1/values.yaml\"",
        "\"$1/values.yaml\" | sed s/3/0/",
    );
    r.commit("Simplify rendering\n");
    let g = r.gate_main();
    g.assert_refused();
}

// --- introduced findings -------------------------------------------------------

/// Deleting one environment's root makes the head's comparison fail
/// (`EnvRoot`), which `introduced()` reads as "no findings at head": an
/// error introduced in prod in the same change is then not seen, and with
/// two (typed) sign-offs the change passes. `driftcheck check` at the head
/// exits 2. SPEC §7.2: an introduced error refuses the change whatever the
/// sign-offs.
#[test]

fn deleting_an_env_root_does_not_hide_introduced_errors() {
    let r = Repo::standard("");
    r.replace("deploy/prod/app.yaml", "replicas: 3", "replicas: 1");
    std::fs::remove_dir_all(r.root().join("deploy/staging")).unwrap();
    r.commit(&msg(&format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO))));
    let g = r.gate_main();
    assert!(!passed(&g), "an introduced error was hidden:\n{}", g.show());
}

/// A `driftcheck.toml` that does not parse at the head passes (the head is
/// read with the base's config text); after the merge every gate and check
/// exits 2.
#[test]

fn invalid_config_at_head_is_refused() {
    let r = Repo::standard("");
    let text = r.read("driftcheck.toml");
    r.write("driftcheck.toml", &format!("{text}garbage = [\n"));
    r.commit(&msg(&reviewed_by(ANA)));
    let g = r.gate_main();
    assert!(!passed(&g), "{}", g.show());
}

// --- change-aware rules (on_change) ---------------------------------------------

/// `k8s-replica-decrease` asks for two sign-offs when replicas go down. The
/// same decrease made while renaming the file (`app.yaml` -> `app2.yaml`)
/// shows as a key removed from one file and added to another, never as a
/// decrease, and passes with one sign-off.
#[test]

fn replica_decrease_with_a_rename_needs_two_signoffs() {
    let r = Repo::standard("");
    for env in ["staging", "prod"] {
        r.rename(
            &format!("deploy/{env}/app.yaml"),
            &format!("deploy/{env}/app2.yaml"),
        );
        r.replace(
            &format!("deploy/{env}/app2.yaml"),
            "replicas: 3",
            "replicas: 1",
        );
    }
    r.commit(&msg(&reviewed_by(ANA)));
    let g = r.gate_main();
    g.assert_refused();
    assert!(
        g.requirements().iter().any(|m| m["source"]
            .as_str()
            .unwrap()
            .contains("k8s-replica-decrease")),
        "{}",
        g.show()
    );
}

/// Removing `replicas` (Kubernetes then runs 1) or setting it to `null` is
/// not a "decrease" to the rule, which fails open when the new value is not
/// a number: one sign-off passes where two are required.
#[test]

fn replica_removal_needs_two_signoffs() {
    for to in ["", "replicas: null\n"] {
        let r = Repo::standard("");
        r.everywhere("replicas: 3\n", to);
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        g.assert_refused();
    }
}

/// Rule: a change-aware rule judges what the change did to a value, and
/// what a value *is* on both sides (the same secret, the same placeholder)
/// is no change. An `on_change = "any"` rule on a password key asked for
/// two sign-offs ("db.password changed in prod") whenever the file holding
/// the password was compared, though the change touched another key or
/// another file; a rotated password or placeholder must still ask. Each
/// case on both paths: the keys the change can affect and the whole trees
/// (`DRIFTCHECK_GATE_FULL`, which also compares unchanged files).
#[test]
fn on_change_rules_ask_only_for_values_the_change_changed() {
    let policy = "[[rule]]\nid = \"secret-change\"\ndescription = \"d\"\nfiles = [\"**/*.yaml\"]\nkeys = [\"db.password\", \"db.token\", \"db.bucket\"]\non_change = \"any\"\nreview = { required = 2 }\nseverity = \"error\"\n";
    let app = |env: &str| {
        format!(
            "db:\n  password: \"Zq8#vT2m!Lp4wXr9\"\n  token: \"${{DB_TOKEN}}\"\n  host: db.{env}.internal\n  bucket: s3://b-gate-merge-base-side\n"
        )
    };
    let (staging, prod) = (app("staging"), app("prod"));
    let config = format!("policies = [\"policies/*.toml\"]\n{CONFIG}");
    let files = [
        ("driftcheck.toml", config.as_str()),
        ("policies/secret.toml", policy),
        ("deploy/staging/app.yaml", staging.as_str()),
        ("deploy/prod/app.yaml", prod.as_str()),
        ("deploy/staging/other.yaml", "timeout: 30\n"),
        ("deploy/prod/other.yaml", "timeout: 30\n"),
    ];
    let asks = |g: &super::gate_catalogue::Gate| {
        g.requirements()
            .iter()
            .any(|m| m["source"].as_str().unwrap().contains("secret-change"))
    };
    let both = |r: &Repo, file: &str, from: &str, to: &str| {
        for env in ["staging", "prod"] {
            r.replace(&format!("deploy/{env}/{file}"), from, to);
        }
    };
    type Change<'a> = &'a dyn Fn(&Repo);
    let cases: [(&str, Change<'_>, bool); 6] = [
        (
            "another file",
            &|r| both(r, "other.yaml", "timeout: 30", "timeout: 60"),
            false,
        ),
        (
            "another key of the file",
            &|r| both(r, "app.yaml", ".internal", ".internal.example"),
            false,
        ),
        (
            "the password rotated",
            &|r| {
                r.replace(
                    "deploy/prod/app.yaml",
                    "Zq8#vT2m!Lp4wXr9",
                    "Hk3$wQ9z@Vn6yTb2",
                )
            },
            true,
        ),
        (
            "the placeholder renamed",
            &|r| r.replace("deploy/prod/app.yaml", "DB_TOKEN", "DB_TOKEN_V2"),
            true,
        ),
        // The same text, another type: a change (adversarial review 8).
        (
            "the password tagged",
            &|r| r.replace("deploy/prod/app.yaml", "password: ", "password: !!binary "),
            true,
        ),
        // The self comparison's side labels are no environment names.
        (
            "a value spelling the side labels",
            &|r| {
                r.replace(
                    "deploy/prod/app.yaml",
                    "b-gate-merge-base-side",
                    "b-gate-head-side",
                )
            },
            true,
        ),
    ];
    for (what, change, ask) in cases {
        let r = Repo::init(&files);
        change(&r);
        r.commit(&msg(&reviewed_by(ANA)));
        for (full, g) in r.gate_both_paths() {
            assert_eq!(
                asks(&g),
                ask,
                "{what}, DRIFTCHECK_GATE_FULL={full}: {}",
                g.show()
            );
            if ask {
                g.assert_refused();
            } else {
                g.assert_passed();
            }
        }
    }
}

// --- identity ---------------------------------------------------------------------

/// A `Co-authored-by` line that is not exactly `Name <email>` (a comment
/// after it, two people on one line) is dropped from the contributors
/// silently, so the co-author's own sign-off counts. Any `<email>` in a
/// co-author trailer names a contributor.
#[test]

fn co_author_with_extra_text_is_still_a_contributor() {
    for co in [
        "Co-authored-by: Ana <ana@example.com> (pairing)",
        "Co-authored-by: Ana <ana@example.com>, Mallory <mal@example.com>",
    ] {
        let r = Repo::standard("");
        r.raise_timeout();
        r.commit(&msg(co));
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        g.assert_refused();
        g.assert_signoff("Ana", false, "not a peer");
    }
}

// --- output -------------------------------------------------------------------------

/// A sign-off's email is only checked for whitespace: control characters
/// pass, and the lowercased email is put into the human output's reasons
/// unescaped (gate and audit), so a commit message can set the terminal's
/// title or hide text in a CI log viewer.
#[test]

fn human_output_escapes_control_characters_in_emails() {
    let r = Repo::standard("\n[review]\nreviewers = [\"ana@example.com\"]\n");
    r.raise_timeout();
    r.commit(&msg(
        "Reviewed-by: Eve <eve\u{1b}]0;owned\u{7}\u{1b}[8m@example.net>",
    ));
    for args in [vec!["gate", "--base", "main"], vec!["audit", "main..HEAD"]] {
        let out = r.driftcheck_in(&r.root(), &args, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
            "{args:?} printed a raw control character:\n{}",
            stdout.escape_debug()
        );
    }
}

// --- hooks and the index ----------------------------------------------------------------

/// `git commit -a` (and `git commit PATH`) stage into a temporary index that
/// git names in `GIT_INDEX_FILE` for its hooks; the gate reads
/// `.git/index`, which does not hold the change yet, so the commit-msg hook
/// passes an unreviewed config change (`git add` then `git commit` is
/// refused).
#[test]

fn commit_msg_hook_sees_commit_all() {
    let r = Repo::standard(&crate::gate_catalogue::strict_local(""));
    let out = r.driftcheck_in(&r.root(), &["hook", "install", "--commit-msg"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    r.raise_timeout();
    for extra in [vec!["-a"], vec!["--", "deploy"]] {
        let mut args = vec!["commit", "-q", "-m", "Raise the request timeout"];
        args.extend(extra.iter().copied());
        let out = r.git_in(&r.root(), MAL, MAL, &args);
        assert!(
            !out.status.success(),
            "git {args:?}: the hook let an unreviewed config change through:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// `check --staged` writes the index out and reads it there, unless
/// `--config` is an absolute path: then the working tree's config (and so
/// the working tree's files) are compared, and a staged error passes.
#[test]

fn check_staged_with_absolute_config_reads_the_index() {
    let r = Repo::standard("");
    r.replace("deploy/prod/app.yaml", "replicas: 3", "replicas: 1");
    r.git(&["add", "-A"]);
    r.write("deploy/prod/app.yaml", APP);
    let config = r.root().join("driftcheck.toml");
    let config = config.to_str().unwrap();
    let relative = r.driftcheck_in(&r.root(), &["check", "--staged"], &[]);
    assert_eq!(relative.status.code(), Some(1), "the staged error is seen");
    let absolute = r.driftcheck_in(&r.root(), &["check", "--staged", "--config", config], &[]);
    assert_eq!(
        absolute.status.code(),
        Some(1),
        "--config {config}:\n{}",
        String::from_utf8_lossy(&absolute.stdout)
    );
}

// --- writing trees out ----------------------------------------------------------------------

/// A crafted tree (git's fsck calls it `duplicateEntries`; `fetch` does not
/// check by default) holding `zz` twice, first as a symlink to a directory
/// outside the scratch directory and then as a tree: `materialize` creates
/// the link, then writes the tree's files through it. Any file the CI user
/// can write is reachable (`~/.bashrc`, the repository's `.git/hooks`).
#[test]

fn crafted_tree_cannot_write_outside_the_scratch_dir() {
    let r = Repo::standard("");
    let target = r.scratch("outside");
    std::fs::create_dir_all(&target).unwrap();
    let hash = |content: &[u8], extra: &[&str]| -> String {
        let f = r.scratch("object");
        std::fs::write(&f, content).unwrap();
        let mut args = vec!["hash-object", "-w"];
        args.extend_from_slice(extra);
        let f = f.to_string_lossy().into_owned();
        args.push(&f);
        r.git(&args)
    };
    let raw = |entries: &[(&str, &str, String)]| -> Vec<u8> {
        let mut out = Vec::new();
        for (mode, name, id) in entries {
            out.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            out.extend(
                (0..id.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&id[i..i + 2], 16).unwrap()),
            );
        }
        out
    };
    let link = hash(target.to_str().unwrap().as_bytes(), &[]);
    let file = hash(b"written by the change under review\n", &[]);
    let sub = hash(&raw(&[("100644", "owned.txt", file)]), &["-t", "tree"]);
    let mut entries: Vec<(String, String, String)> = r
        .git(&["ls-tree", "HEAD"])
        .lines()
        .map(|l| {
            let (meta, name) = l.split_once('\t').unwrap();
            let mut m = meta.split(' ');
            let mode = m.next().unwrap().trim_start_matches('0').to_string();
            let id = m.nth(1).unwrap().to_string();
            (mode, name.to_string(), id)
        })
        .collect();
    entries.push(("120000".into(), "zz".into(), link));
    entries.push(("40000".into(), "zz".into(), sub));
    let borrowed: Vec<(&str, &str, String)> = entries
        .iter()
        .map(|(m, n, i)| (m.as_str(), n.as_str(), i.clone()))
        .collect();
    let tree = hash(&raw(&borrowed), &["-t", "tree", "--literally"]);
    let head = r.git(&["commit-tree", &tree, "-p", "HEAD", "-m", "Crafted"]);
    let g = r.gate(&["--base", "main", "--head", &head]);
    assert!(
        !target.join("owned.txt").exists(),
        "the gate wrote a file outside its scratch directory:\n{}",
        g.show()
    );
    assert!(!passed(&g), "{}", g.show());
}
