//! Placeholders are their own warning (`drift/placeholder`), never a reused
//! credential; a real shared secret still is. Every format, every placement.

use crate::harness::{Tree, json};

const PLACEHOLDERS: &[&str] = &[
    "!!!SET POSTGRES_PASSWORD!!!",
    "changeme",
    "your appPrivateKey",
    "<your-token>",
    "CHANGE_ME",
];

fn file(ext: &str, key: &str, value: &str) -> String {
    match ext {
        "yaml" => format!("db:\n  {key}: \"{value}\"\n"),
        "env" => format!("{key}={value}\n"),
        "json" => format!("{{\"db\": {{\"{key}\": \"{value}\"}}}}\n"),
        "toml" => format!("[db]\n{key} = \"{value}\"\n"),
        _ => unreachable!(),
    }
}

#[test]
fn placeholders_are_not_reused_credentials() {
    for ext in ["yaml", "env", "json", "toml"] {
        for key in ["password", "api_key", "POSTGRES_PASSWORD"] {
            for p in PLACEHOLDERS {
                let t = Tree::new(&[
                    (
                        &format!("local/app.{ext}") as &str,
                        file(ext, key, p).as_str(),
                    ),
                    (&format!("production/app.{ext}"), file(ext, key, p).as_str()),
                ]);
                let r = t.run(&["diff", "local", "production", "--format", "json"]);
                let v = json(&r);
                let f = v["findings"].as_array().unwrap();
                assert_eq!(f.len(), 1, "{ext} {key} {p}: {}", r.all());
                assert_eq!(
                    f[0]["rule"],
                    "drift/placeholder",
                    "{ext} {key} {p}: {}",
                    r.all()
                );
                assert_eq!(f[0]["severity"], "warning");
            }
            // A real secret shared by both is still reuse, and never printed.
            let secret = "Zq8-vR2kL9pWx4Tn";
            let t = Tree::new(&[
                (
                    &format!("local/app.{ext}") as &str,
                    file(ext, key, secret).as_str(),
                ),
                (
                    &format!("production/app.{ext}"),
                    file(ext, key, secret).as_str(),
                ),
            ]);
            let r = t.run(&["diff", "local", "production", "--format", "json"]);
            assert!(!r.all().contains(secret));
            assert_eq!(
                json(&r)["findings"][0]["rule"],
                "drift/credential-reused",
                "{}",
                r.all()
            );
        }
    }
}

/// Masking is decided per key path: when one environment's value is masked,
/// the others' values at that key are masked too.
#[test]
fn a_key_masked_in_one_environment_is_masked_in_all() {
    let site_key_a = "6LcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let secret_b = "c9Xv2-Qm7Lp4Rz8Tn1Wk5Yb3";
    for (ext, a, b) in [
        (
            "yaml",
            format!("recaptcha_site_key: {site_key_a}\n"),
            format!("recaptcha_site_key: {secret_b}\n"),
        ),
        (
            "env",
            format!("RECAPTCHA_SITE_KEY={site_key_a}\n"),
            format!("RECAPTCHA_SITE_KEY={secret_b}\n"),
        ),
    ] {
        let t = Tree::new(&[
            (&format!("staging/a.{ext}") as &str, a.as_str()),
            (&format!("production/a.{ext}"), b.as_str()),
        ]);
        let r = t.run(&["diff", "staging", "production", "--format", "json"]);
        let out = r.all();
        let v = json(&r);
        let f = &v["findings"][0];
        let shown: Vec<&str> = ["staging", "production"]
            .iter()
            .filter_map(|e| f["envs"][e]["value"].as_str())
            .collect();
        let masked = shown.iter().filter(|s| s.starts_with("<secret")).count();
        assert!(masked == 0 || masked == shown.len(), "{ext}: {out}");
        if masked > 0 {
            assert!(
                !out.contains(site_key_a) && !out.contains(secret_b),
                "{out}"
            );
        }
    }
}

/// A missing key's finding shows what it holds, with every secret inside
/// masked, at any depth and in every structured format.
#[test]
fn missing_key_values_show_their_content_masked() {
    let secret = "Hv7-Kq2pZ9xLm4Rt";
    for depth in 1..=4 {
        let mut yaml = String::from("extra:\n");
        let mut json_open = String::from("{\"extra\": ");
        let mut indent = String::from("  ");
        for d in 0..depth {
            yaml.push_str(&format!("{indent}level{d}:\n"));
            json_open.push_str(&format!("{{\"level{d}\": "));
            indent.push_str("  ");
        }
        yaml.push_str(&format!(
            "{indent}password: {secret}\n{indent}host: db.internal\n"
        ));
        let json_text = format!(
            "{json_open}{{\"password\": \"{secret}\", \"host\": \"db.internal\"}}{}}}\n",
            "}".repeat(depth)
        );
        for (ext, text, other) in [
            ("yaml", yaml.as_str(), "other: 1\n"),
            ("json", json_text.as_str(), "{\"other\": 1}\n"),
        ] {
            let t = Tree::new(&[
                (&format!("staging/a.{ext}") as &str, text),
                (&format!("prod/a.{ext}"), other),
            ]);
            let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
            let out = r.all();
            assert!(!out.contains(secret), "{ext} depth {depth}: {out}");
            assert!(
                out.contains("db.internal") && out.contains("<secret fp="),
                "{ext} depth {depth}: {out}"
            );
        }
    }
}
