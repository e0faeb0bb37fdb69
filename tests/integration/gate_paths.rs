//! Gate integrity, path side (issue 15, items 1–6, 9, 10): where the config
//! is read from, what is guarded (links at any depth, `..` in globs, byte
//! names, case variants, unreadable files), the digest, the head's
//! `[review]`, change-aware reviewers and identities. Real repositories
//! (the `gate_catalogue` harness), verdict and reason asserted, each over a
//! generated family.

use super::gate_catalogue::{ANA, BO, CAROL, MAL, Repo, msg, reviewed_by};

const APP: &str = "replicas: 3
data_path: /var/lib/app
log_level: info
db:
  pool_size: 10
  max_conns: 100
timeout: 30
";

#[cfg(unix)]
fn symlink(r: &Repo, target: &str, link: &str) {
    let link = r.root().join(link);
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&link);
    let _ = std::fs::remove_dir_all(&link);
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn assert_unsigned_change_refused(g: &super::gate_catalogue::Gate) {
    g.assert_refused();
    assert!(
        g.requirements()
            .iter()
            .any(|q| q["source"] == "[review]" && q["have"] == 0),
        "{}",
        g.show()
    );
}

/// Item 1: with the config in a subdirectory (depth 1 to 3) and `-C` there,
/// deleting it or replacing the directory by a link to another config is
/// refused (exit 2, both answers named); an untouched layout passes.
#[cfg(unix)]
#[test]
fn config_is_located_in_the_merge_base_lexically() {
    for depth in 1..=3 {
        let dir: String = (0..depth)
            .map(|i| format!("d{i}"))
            .collect::<Vec<_>>()
            .join("/");
        let config = "[env.staging]\nroot = \"staging\"\n\n[env.prod]\nroot = \"prod\"\n\n[review]\nrequired = 2\n";
        let files = [
            (format!("{dir}/driftcheck.toml"), config.to_string()),
            (format!("{dir}/staging/app.yaml"), APP.to_string()),
            (format!("{dir}/prod/app.yaml"), APP.to_string()),
            (
                "demo/driftcheck.toml".to_string(),
                "[env.a]\nroot = \"a\"\n[env.b]\nroot = \"b\"\n".to_string(),
            ),
            ("demo/a/x.yaml".to_string(), "k: 1\n".to_string()),
            ("demo/b/x.yaml".to_string(), "k: 1\n".to_string()),
        ];
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        // Deleted config.
        let r = Repo::init(&refs);
        r.replace(
            &format!("{dir}/prod/app.yaml"),
            "replicas: 3",
            "replicas: 1",
        );
        std::fs::remove_file(r.root().join(format!("{dir}/driftcheck.toml"))).unwrap();
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate(&["-C", &dir, "--base", "main"]);
        g.assert_cannot_answer(&[&format!("`{dir}/driftcheck.toml`"), "no driftcheck.toml"]);
        // The directory replaced by a link to the demo.
        let r = Repo::init(&refs);
        let real = r.root().join(&dir);
        std::fs::remove_dir_all(&real).unwrap();
        let up = "../".repeat(depth - 1);
        symlink(&r, &format!("{up}demo"), &dir);
        r.commit("Point at the demo\n");
        let g = r.gate(&["-C", &dir, "--base", "main"]);
        g.assert_cannot_answer(&["demo/driftcheck.toml", &format!("`{dir}/driftcheck.toml`")]);
        // Untouched: the config is found from a subdirectory too.
        let r = Repo::init(&refs);
        r.replace(
            &format!("{dir}/prod/app.yaml"),
            "timeout: 30",
            "timeout: 60",
        );
        r.replace(
            &format!("{dir}/staging/app.yaml"),
            "timeout: 30",
            "timeout: 60",
        );
        r.commit(&msg(&format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO))));
        let g = r.gate(&["-C", &format!("{dir}/prod"), "--base", "main"]);
        g.assert_passed();
    }
}

/// Item 2: environment roots reached through chains of 1 to 4 links
/// (`deploy -> l1 -> ... -> releases/v1`): an edit behind them and a
/// retargeted link both need the sign-offs, and a `[[review.rule]]` on
/// the linked path applies to the file behind it.
#[cfg(unix)]
#[test]
fn links_are_guarded_at_any_depth() {
    for hops in 1..=4 {
        let config = "[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/prod\"\n\n[[review.rule]]\npaths = [\"deploy/prod/**\"]\nrequired = 2\n";
        let build = || {
            let r = Repo::init(&[
                ("driftcheck.toml", config),
                ("releases/v1/staging/app.yaml", APP),
                ("releases/v1/prod/app.yaml", APP),
                ("releases/v2/staging/app.yaml", APP),
                (
                    "releases/v2/prod/app.yaml",
                    &APP.replace("replicas: 3", "replicas: 1"),
                ),
            ]);
            // deploy -> links/l1 -> links/l2 -> ... -> releases/v1
            let mut prev = "deploy".to_string();
            for h in 1..hops {
                let next = format!("links/l{h}");
                let target = if prev == "deploy" {
                    next.clone()
                } else {
                    format!("l{h}")
                };
                symlink(&r, &target, &prev);
                prev = next;
            }
            let last = if prev == "deploy" {
                "releases/v1".to_string()
            } else {
                "../releases/v1".to_string()
            };
            symlink(&r, &last, &prev);
            r.commit_as(
                super::gate_catalogue::ADMIN,
                super::gate_catalogue::ADMIN,
                "Links\n",
            );
            r.git(&["checkout", "-q", "main"]);
            r.git(&["merge", "-q", "--ff-only", "feature"]);
            r.git(&["checkout", "-q", "feature"]);
            (r, prev)
        };
        let (r, last_link) = build();
        r.replace("releases/v1/prod/app.yaml", "timeout: 30", "timeout: 60");
        r.replace("releases/v1/staging/app.yaml", "timeout: 30", "timeout: 60");
        r.commit("Behind the links\n");
        let g = r.gate_main();
        assert_unsigned_change_refused(&g);
        assert!(
            g.requirements()
                .iter()
                .any(|q| q["source"].as_str().unwrap().contains("[[review.rule]]")),
            "the rule did not follow the links ({hops} hops):\n{}",
            g.show()
        );
        // Retarget the last link: v2 holds an error, and the link is guarded.
        let (r, last_link) = (build().0, last_link);
        let target = if last_link == "deploy" {
            "releases/v2"
        } else {
            "../releases/v2"
        };
        symlink(&r, target, &last_link);
        r.commit("Retarget\n");
        let g = r.gate_main();
        assert_unsigned_change_refused(&g);
        assert!(
            g.changes().iter().any(|(p, _)| *p == last_link),
            "{}",
            g.show()
        );
    }
}

/// Item 3: `..` in `[review] paths` and `[[review.rule]] paths` of a config
/// in a subdirectory is resolved, and a glob leading out of the repository
/// is an error naming it; `../policies/*.toml` is loaded.
#[test]
fn dotdot_globs_are_anchored_and_confined() {
    for (paths, rule) in [
        ("[\"../deploy/**\"]", "[\"../deploy/prod/*.yaml\"]"),
        (
            "[\"./../deploy/prod/**\", \"../deploy/staging/**\"]",
            "[\"../deploy/prod/app.yaml\"]",
        ),
        (
            "[\"../deploy/*/app.yaml\"]",
            "[\"../deploy/../deploy/prod/**\"]",
        ),
    ] {
        let config = format!(
            "[env.staging]\nroot = \"../deploy/staging\"\n\n[env.prod]\nroot = \"../deploy/prod\"\n\n[review]\npaths = {paths}\n\n[[review.rule]]\npaths = {rule}\nrequired = 2\n"
        );
        let r = Repo::init(&[
            ("cfg/driftcheck.toml", &config),
            ("deploy/staging/app.yaml", APP),
            ("deploy/prod/app.yaml", APP),
        ]);
        r.replace("deploy/prod/app.yaml", "timeout: 30", "timeout: 60");
        r.replace("deploy/staging/app.yaml", "timeout: 30", "timeout: 60");
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate(&["-C", "cfg", "--base", "main"]);
        g.assert_refused();
        let rule = g
            .requirements()
            .into_iter()
            .find(|q| q["source"].as_str().unwrap().contains("[[review.rule]]"))
            .unwrap_or_else(|| panic!("{paths}/{rule}: no rule requirement\n{}", g.show()));
        assert_eq!(rule["have"], 1, "{}", g.show());
    }
    for bad in ["../../x/**", "/etc/**", "a/../../../**"] {
        let config = format!(
            "[env.staging]\nroot = \"../deploy/staging\"\n\n[env.prod]\nroot = \"../deploy/prod\"\n\n[review]\npaths = [\"{bad}\"]\n"
        );
        let r = Repo::init(&[
            ("cfg/driftcheck.toml", &config),
            ("deploy/staging/app.yaml", APP),
            ("deploy/prod/app.yaml", APP),
        ]);
        r.commit("Nothing\n");
        let g = r.gate(&["-C", "cfg", "--base", "main"]);
        g.assert_cannot_answer(&[bad]);
    }
    // A policy found through `..`: a broken one is an error, so it is read.
    let r = Repo::init(&[
        (
            "cfg/driftcheck.toml",
            "policies = [\"../policies/*.toml\"]\n\n[env.staging]\nroot = \"../deploy/staging\"\n\n[env.prod]\nroot = \"../deploy/prod\"\n",
        ),
        ("policies/broken.toml", "[[rule]]\nnot_a_field = 1\n"),
        ("deploy/staging/app.yaml", APP),
        ("deploy/prod/app.yaml", APP),
    ]);
    r.commit("Nothing\n");
    let g = r.gate(&["-C", "cfg", "--base", "main"]);
    g.assert_cannot_answer(&["broken.toml"]);
}

/// Item 4: names compared as bytes. For random non-UTF-8 names under a
/// root, adding one is refused as unreadable; two names differing only in
/// a non-UTF-8 byte are two paths with two digests. Files under ignored
/// directories, LFS pointers and case-only variants are refused or guarded.
#[cfg(unix)]
#[test]
fn names_are_bytes_and_unreadable_files_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut digests = std::collections::BTreeSet::new();
    for _ in 0..6 {
        let r = Repo::standard("");
        let mut name = b"a".to_vec();
        name.push(0x80 | (next() as u8 & 0x3f)); // a continuation byte alone: never UTF-8
        name.extend((0..(next() % 4)).map(|_| b'a' + (next() % 26) as u8));
        name.extend(b".yaml");
        let path = r
            .root()
            .join("deploy/prod")
            .join(std::ffi::OsStr::from_bytes(&name));
        std::fs::write(&path, "replicas: 1\n").unwrap();
        r.commit(&msg(&format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO))));
        let g = r.gate_main();
        g.assert_refused();
        let f = g.json["findings"].as_array().unwrap();
        assert!(
            f.iter().any(|f| f["rule"] == "gate/config"
                && f["message"].as_str().unwrap().contains("not UTF-8")),
            "{}",
            g.show()
        );
        digests.insert(g.digest().to_string());
    }
    assert_eq!(digests.len(), 6, "every name its own digest: {digests:?}");
    for (what, path, content) in [
        (
            "ignored dir",
            "deploy/prod/target/app.yaml",
            "replicas: 1\n",
        ),
        (
            "ignored dir",
            "deploy/prod/node_modules/x/app.yaml",
            "replicas: 1\n",
        ),
        (
            "LFS",
            "deploy/prod/app.yaml",
            "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
        ),
    ] {
        let r = Repo::standard("");
        r.write(path, content);
        r.commit(&msg(&format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO))));
        let g = r.gate_main();
        g.assert_refused();
        assert!(
            g.json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "gate/config"
                    && f["message"]
                        .as_str()
                        .unwrap()
                        .contains("cannot be compared")),
            "{what}: {}",
            g.show()
        );
    }
    for variant in [
        "Deploy/prod/app.yaml",
        "deploy/PROD/app.yaml",
        "DEPLOY/Prod/App.yaml",
    ] {
        let r = Repo::standard("");
        r.write(variant, &APP.replace("replicas: 3", "replicas: 1"));
        r.commit("Case\n");
        let g = r.gate_main();
        assert_unsigned_change_refused(&g);
    }
}

/// Item 5: digests carry 128 bits and a version; a sign-off naming an old
/// 64-bit digest never counts, and says why.
#[test]
fn digests_are_128_bit_and_versioned() {
    let r = Repo::standard("\n[review]\nbind = \"digest\"\n");
    let digest = r.approved_timeout_change(ANA);
    let hex = digest.strip_prefix("v2-sha256:").unwrap();
    assert_eq!(hex.len(), 32);
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    r.commit(&msg(&format!(
        "Reviewed-by: Bo <bo@example.com> # config sha256:{}",
        &hex[..16]
    )));
    let g = r.gate_main();
    g.assert_passed();
    g.assert_signoff("Bo", false, "64-bit digest");
}

/// Item 6: a change that leaves `[review]` invalid is refused as
/// `gate/config` however many sign-offs it has.
#[test]
fn head_review_is_validated_like_the_base() {
    for bad in [
        "[review]\nrequired = 0\n",
        "[review]\nreviewers = [\"@nobody\"]\n",
        "[review]\ntrailers = []\n",
        "[review]\npaths = [\"deploy/[\"]\n",
        "[review]\npaths = [\"../../x\"]\n",
        "[review]\nbind = \"sometimes\"\n",
        "[[review.rule]]\npaths = []\n",
    ] {
        let r = Repo::standard("");
        let config = r.read("driftcheck.toml");
        r.write("driftcheck.toml", &format!("{config}\n{bad}"));
        r.commit(&msg(&format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO))));
        let g = r.gate_main();
        g.assert_refused();
        assert!(
            g.json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "gate/config"),
            "{bad}: {}",
            g.show()
        );
    }
}

/// Item 9: change-aware requirements (the shipped replica-decrease rule)
/// inherit `[review] reviewers`: a second reviewer outside the list does
/// not satisfy them, one inside does.
#[test]
fn on_change_requirements_inherit_reviewers() {
    for (second, passes) in [(CAROL, false), (BO, true)] {
        let r =
            Repo::standard("\n[review]\nreviewers = [\"ana@example.com\", \"bo@example.com\"]\n");
        r.everywhere("replicas: 3", "replicas: 2");
        r.commit(&msg(&format!(
            "{}\n{}",
            reviewed_by(ANA),
            reviewed_by(second)
        )));
        let g = r.gate_main();
        if passes {
            g.assert_passed();
        } else {
            g.assert_refused();
            g.assert_signoff("Carol", false, "not among the allowed reviewers");
        }
    }
}

/// Item 10: the base's `.mailmap` maps Mallory's old addresses in chains of
/// 1 to 4 hops; a sign-off by any of them, with any `+tag` or case, is
/// Mallory's own (not a peer), and two spellings of Ana count once.
#[test]
fn identities_reach_a_fixed_point() {
    for hops in 1..=4usize {
        let mut mailmap = String::new();
        for i in 0..hops {
            let to = if i + 1 == hops {
                MAL.email.to_string()
            } else {
                format!("mal{}@old.example", i + 1)
            };
            mailmap.push_str(&format!("M <{to}> <mal{i}@old.example>\n"));
        }
        let r = Repo::standard_with("", &[(".mailmap", &mailmap)]);
        r.raise_timeout();
        r.commit(&msg(&format!(
            "Reviewed-by: M <MAL0+review@Old.Example>\n{}\nReviewed-by: Ana Lima <ANA+x@EXAMPLE.com>",
            reviewed_by(ANA)
        )));
        let g = r.gate_main();
        g.assert_passed();
        g.assert_signoff("MAL0", false, "not a peer");
        g.assert_signoff("ANA+x", false, "already counted");
    }
}

/// Item 2, layers: a layer file reached through 1 to 3 links (the file
/// itself a link, or a linked parent directory): an edit of the file behind
/// them needs the sign-offs, and so does retargeting the first link.
#[cfg(unix)]
#[test]
fn linked_layers_are_guarded() {
    for hops in 1..=3 {
        let config = "[env.staging]\nlayers = [\"values.yaml\", \"stage/values.yaml\"]\n\n[env.prod]\nlayers = [\"values.yaml\", \"prod/values.yaml\"]\n";
        let build = || {
            let r = Repo::init(&[
                ("driftcheck.toml", config),
                ("values.yaml", "timeout: 30\nreplicas: 3\n"),
                ("stage/values.yaml", "log: info\n"),
                ("shared/real.yaml", "log: info\n"),
                ("shared/other.yaml", "log: debug\n"),
            ]);
            // prod/values.yaml -> s1.yaml -> ... -> ../shared/real.yaml
            let mut prev = "prod/values.yaml".to_string();
            for h in 1..hops {
                let next = format!("prod/s{h}.yaml");
                symlink(&r, &format!("s{h}.yaml"), &prev);
                prev = next;
            }
            symlink(&r, "../shared/real.yaml", &prev);
            r.commit_as(
                super::gate_catalogue::ADMIN,
                super::gate_catalogue::ADMIN,
                "Links\n",
            );
            r.git(&["checkout", "-q", "main"]);
            r.git(&["merge", "-q", "--ff-only", "feature"]);
            r.git(&["checkout", "-q", "feature"]);
            r
        };
        let r = build();
        r.replace("shared/real.yaml", "log: info", "log: warn");
        r.commit("Behind the links\n");
        let g = r.gate_main();
        assert_unsigned_change_refused(&g);
        assert!(
            g.changes().iter().any(|(p, _)| p == "shared/real.yaml"),
            "{}",
            g.show()
        );
        let r = build();
        symlink(&r, "../shared/other.yaml", "prod/values.yaml");
        r.commit("Retarget\n");
        let g = r.gate_main();
        assert_unsigned_change_refused(&g);
    }
}

/// Item 4, normalisation: with a root spelled in NFC, a change adding files
/// under its NFD (or upper-case NFD) spelling is guarded like the root.
#[test]
fn unicode_normalisation_variants_are_guarded() {
    let config =
        "[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/caf\u{e9}\"\n";
    for variant in [
        "deploy/cafe\u{301}",
        "deploy/CAFE\u{301}",
        "deploy/Caf\u{c9}",
    ] {
        let r = Repo::init(&[
            ("driftcheck.toml", config),
            ("deploy/staging/app.yaml", APP),
            ("deploy/caf\u{e9}/app.yaml", APP),
        ]);
        r.write(&format!("{variant}/extra.yaml"), "replicas: 1\n");
        r.commit("Variant\n");
        let g = r.gate_main();
        assert_unsigned_change_refused(&g);
    }
}

/// The merge base's config is validated as strictly as the working tree's:
/// two environments that read the same files (written as `prod`, `./prod`,
/// `prod/`, `x/../prod`, in the config's own directory or one reached by
/// `--config ../alt/…`) are a broken config, not a gate that compares
/// nothing and passes. The problem names the config as the repository
/// knows it (`alt/driftcheck.toml:LINE`), never the scratch copy.
#[test]
fn a_base_config_whose_environments_read_the_same_files_is_refused() {
    for (i, spelling) in ["prod", "./prod", "prod/", "x/../prod"].iter().enumerate() {
        let alt = format!("[env.prod]\nroot = \"prod\"\n\n[env.staging]\nroot = \"{spelling}\"\n");
        let r = Repo::init(&[
            (
                "deploy/driftcheck.toml",
                "[env.staging]\nroot = \"staging\"\n\n[env.prod]\nroot = \"prod\"\n",
            ),
            ("deploy/staging/app.yaml", APP),
            ("deploy/prod/app.yaml", APP),
            ("alt/driftcheck.toml", &alt),
            ("alt/prod/app.yaml", APP),
        ]);
        r.replace("deploy/prod/app.yaml", "timeout: 30", "timeout: 60");
        r.commit(&msg(""));
        let args: Vec<&str> = if i % 2 == 0 {
            vec![
                "-C",
                "deploy",
                "--config",
                "../alt/driftcheck.toml",
                "--base",
                "main",
            ]
        } else {
            vec!["--config", "alt/driftcheck.toml", "--base", "main"]
        };
        let g = r.gate(&args);
        g.assert_cannot_answer(&[
            "[env.prod] and [env.staging] read the same files (prod)",
            "alt/driftcheck.toml:4:6",
        ]);
        assert!(!g.stderr.contains("driftcheck-base"), "{}", g.show());
    }
}
