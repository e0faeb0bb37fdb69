//! R4 of the adversarial gate review: objects the drift engine cannot read
//! where an environment reads (submodules, Git LFS pointers in every
//! spelling git-lfs accepts) are refused as `gate/config`, with the
//! sign-offs the base requires: never skipped, never compared as text.

use crate::gate_catalogue::{ANA, Repo, msg, reviewed_by};

fn assert_unreadable(r: &Repo, what: &str, needle: &str) {
    let g = r.gate_main();
    assert_eq!(g.code, 1, "{what}: {}", g.show());
    let findings = g.json["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["rule"] == "gate/config"
            && f["message"].as_str().unwrap_or_default().contains(needle)),
        "{what}: no gate/config naming `{needle}`:\n{}",
        g.show()
    );
}

/// A gitlink added, bumped, or replacing a directory, at several depths
/// under an environment root, with the required sign-off.
#[test]
fn a_submodule_under_an_environment_is_refused() {
    for depth in [
        "deploy/prod/overrides",
        "deploy/prod/a/overrides",
        "deploy/staging/a/b/c/sub",
    ] {
        for how in ["add", "bump", "replace_dir"] {
            let r = Repo::standard("");
            let one = r.git(&["rev-parse", "HEAD"]).trim().to_string();
            if how != "add" {
                r.on_main("prepare", |r| {
                    if how == "bump" {
                        r.git(&[
                            "update-index",
                            "--add",
                            "--cacheinfo",
                            &format!("160000,{one},{depth}"),
                        ]);
                    } else {
                        r.write(&format!("{depth}/a.yaml"), "data_path: /var/lib/app\n");
                        r.git(&["add", "-A"]);
                    }
                });
                r.git(&["reset", "-q", "--hard", "main"]);
            }
            if how == "replace_dir" {
                r.git(&["rm", "-rq", "--cached", depth]);
                std::fs::remove_dir_all(r.root().join(depth)).unwrap();
            }
            let two = r.git(&["commit-tree", "-m", "other", &format!("{one}^{{tree}}")]);
            let target = if how == "bump" {
                two.trim().to_string()
            } else {
                one.clone()
            };
            r.git(&[
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("160000,{target},{depth}"),
            ]);
            r.git(&["commit", "-q", "-m", &msg(&reviewed_by(ANA))]);
            assert_unreadable(&r, &format!("{how} {depth}"), "submodule");
        }
    }
}

/// An LFS pointer in each version spelling, LF or CRLF, replacing a file
/// or added beside one, in either environment.
#[test]
fn an_lfs_pointer_in_any_spelling_is_refused() {
    let oid = format!("oid sha256:{}", "0".repeat(64));
    for version in [
        "https://git-lfs.github.com/spec/v1",
        "https://hawser.github.com/spec/v1",
        "http://git-media.io/v/2",
    ] {
        for eol in ["\n", "\r\n"] {
            for file in [
                "deploy/prod/app.yaml",
                "deploy/staging/extra.yaml",
                "deploy/prod/a/b.yaml",
            ] {
                let r = Repo::standard("");
                r.write(
                    file,
                    &format!("version {version}{eol}{oid}{eol}size 10{eol}"),
                );
                r.git(&["add", "-A"]);
                r.commit(&msg(&reviewed_by(ANA)));
                assert_unreadable(&r, &format!("{version} {eol:?} {file}"), "LFS pointer");
            }
        }
    }
}

/// A symbolic link that leads nowhere in the head's tree (dangling,
/// absolute, above the repository), replacing a file or added beside one,
/// at several depths, is refused; one that leads to a file (through a
/// linked directory too) is not refused for it.
#[cfg(unix)]
#[test]
fn a_link_that_leads_nowhere_is_refused() {
    use std::os::unix::fs::symlink;
    for (file, replace) in [
        ("deploy/prod/app.yaml", true),
        ("deploy/prod/a/b/extra.yaml", false),
    ] {
        for target in [
            "/nonexistent/app.yaml",
            "missing.yaml",
            "../../../../../outside.yaml",
            "../nowhere/app.yaml",
        ] {
            let r = Repo::standard("");
            let path = r.root().join(file);
            if replace {
                std::fs::remove_file(&path).unwrap();
            }
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            symlink(target, &path).unwrap();
            r.git(&["add", "-A"]);
            r.commit(&msg(&reviewed_by(ANA)));
            assert_unreadable(&r, &format!("{file} -> {target}"), "symbolic link");
        }
    }
    // Controls: a link to a file, directly and through a linked directory.
    for (link, target) in [
        ("deploy/prod/extra.yaml", "../staging/app.yaml"),
        ("deploy/prod/extra.yaml", "../shared/app.yaml"),
    ] {
        let r = Repo::standard("");
        std::fs::create_dir_all(r.root().join("real")).unwrap();
        std::fs::copy(
            r.root().join("deploy/staging/app.yaml"),
            r.root().join("real/app.yaml"),
        )
        .unwrap();
        symlink("../real", r.root().join("deploy/shared")).unwrap();
        symlink(target, r.root().join(link)).unwrap();
        r.git(&["add", "-A"]);
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        assert!(
            !g.show().contains("symbolic link that leads"),
            "{target}: {}",
            g.show()
        );
    }
}
