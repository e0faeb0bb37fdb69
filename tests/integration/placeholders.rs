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
