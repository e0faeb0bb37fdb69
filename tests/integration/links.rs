//! Git symbolic links checked out as text files (`core.symlinks=false`,
//! archives): a file whose whole content is one relative path is read through
//! to its target; a missing target is one `drift/missing-file` warning per
//! link, never a parse error. Short aliases are refused.

use crate::harness::{Tree, json};

#[test]
fn text_links_are_followed_or_reported_missing() {
    for (ext, body) in [
        ("tfvars", "region = \"eu\"\n"),
        ("yaml", "region: eu\n"),
        ("json", "{\"region\": \"eu\"}\n"),
        ("toml", "region = \"eu\"\n"),
    ] {
        for newline in ["", "\n"] {
            let link = format!("../../shared.{ext}{newline}");
            let gone = format!("../../missing.{ext}\n");
            let t = Tree::new(&[
                (&format!("stage/envs/dev/app.{ext}") as &str, link.as_str()),
                (&format!("stage/envs/prod/app.{ext}"), link.as_str()),
                ("stage/envs/dev/main.tf", "x = 1\n"),
                ("stage/envs/prod/main.tf", "x = 1\n"),
                (&format!("stage/envs/dev/gone.{ext}"), &gone),
                (&format!("stage/envs/prod/gone.{ext}"), &gone),
            ]);
            // Target missing: a warning per link, naming what to do.
            let r = t.run(&["diff", "dev", "prod", "--format", "json"]);
            assert_eq!(r.code, 0, "{ext}: {}", r.all());
            let v = json(&r);
            let f = v["findings"].as_array().unwrap();
            assert!(!f.is_empty(), "{ext}: {}", r.all());
            assert!(
                f.iter()
                    .all(|f| f["rule"] == "drift/missing-file" && f["severity"] == "warning"),
                "{ext}: {}",
                r.all()
            );
            assert!(r.stdout.contains("target does not exist"), "{}", r.all());
            // Targets created: read through, equal, nothing to report about app.*.
            t.write(&format!("stage/shared.{ext}"), body);
            t.write(&format!("stage/missing.{ext}"), body);
            let r = t.run(&["diff", "dev", "prod", "--format", "json"]);
            assert_eq!(r.code, 0, "{ext}: {}", r.all());
            assert_eq!(
                json(&r)["findings"].as_array().unwrap().len(),
                0,
                "{ext}: {}",
                r.all()
            );
        }
    }
}

#[test]
fn aliases_shorter_than_three_characters_are_refused() {
    for alias in ["n", "p", "pr"] {
        let t = Tree::new(&[
            (
                "driftcheck.toml",
                &format!(
                    "[env.dev]\nroot = \"d\"\n[env.prod]\nroot = \"p\"\naliases = [\"{alias}\"]\n"
                ) as &str,
            ),
            ("d/a.tf", "x = \"a\\n\"\n"),
            ("p/a.tf", "x = \"a\\n\"\n"),
        ]);
        let r = t.run(&["check"]);
        assert_eq!(r.code, 2, "{}", r.all());
        assert!(r.stderr.contains("driftcheck.toml:5:12"), "{}", r.all());
        assert!(r.stderr.contains("3 characters at least"), "{}", r.all());
    }
}
