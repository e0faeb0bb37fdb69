//! Issue 15, R6 by family: a change-aware `decrease` rule asks for its
//! review when a value that was a finite number becomes anything but a
//! finite number of the same type that is at least as large — in every
//! format that can write a list, a map or a typed scalar (YAML, JSON, TOML),
//! at several depths. A scalar is never the same value as a one-item list.

use crate::gate_catalogue::{ANA, Repo, msg, reviewed_by};

/// Shapes a number can be replaced by, per format: (format, new value).
/// Each is a type change, a non-number or a lower number.
fn retyped() -> Vec<(&'static str, &'static str)> {
    let mut v = Vec::new();
    for s in [
        "[3]", "[1]", "[4]", "[]", "[3, 3]", "[[3]]", "{}", "{n: 3}", "\"3\"", "'3'", "\"4\"",
        "3.0", "3e0", "4.5", "null", "~", "true", "three", "2",
    ] {
        v.push(("yaml", s));
    }
    for s in [
        "[3]",
        "[1]",
        "[]",
        "[[3]]",
        "{}",
        "{\"n\": 3}",
        "\"3\"",
        "\"4\"",
        "3.0",
        "null",
        "true",
        "2",
    ] {
        v.push(("json", s));
    }
    for s in [
        "[3]",
        "[1]",
        "[]",
        "[[3]]",
        "{}",
        "{ n = 3 }",
        "\"3\"",
        "'3'",
        "3.0",
        "true",
        "2",
    ] {
        v.push(("toml", s));
    }
    v
}

/// The file for `format` with `replicas` set to `value` at `depth` (1: top
/// level, 2: under one table, 3: under two).
fn file(format: &str, depth: usize, value: &str) -> (String, String) {
    let name = format!("svc.{format}");
    let text = match (format, depth) {
        ("yaml", 1) => format!("replicas: {value}\nname: web\n"),
        ("yaml", 2) => format!("svc:\n  replicas: {value}\n  name: web\n"),
        ("yaml", _) => format!("svc:\n  web:\n    replicas: {value}\n    name: web\n"),
        ("json", 1) => format!("{{\"replicas\": {value}, \"name\": \"web\"}}\n"),
        ("json", 2) => format!("{{\"svc\": {{\"replicas\": {value}, \"name\": \"web\"}}}}\n"),
        ("json", _) => {
            format!("{{\"svc\": {{\"web\": {{\"replicas\": {value}, \"name\": \"web\"}}}}}}\n")
        }
        (_, 1) => format!("replicas = {value}\nname = \"web\"\n"),
        (_, 2) => format!("[svc]\nreplicas = {value}\nname = \"web\"\n"),
        (_, _) => format!("[svc.web]\nreplicas = {value}\nname = \"web\"\n"),
    };
    (name, text)
}

const POLICY: &str = "[[rule]]\nid = \"replica-decrease\"\nkeys = [\"replicas\", \"**.replicas\"]\non_change = \"decrease\"\nreview = { required = 2 }\n";

fn repo(format: &str, depth: usize) -> Repo {
    let (name, text) = file(format, depth, "3");
    let config = "policies = [\"policies/*.toml\"]\n\n[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/prod\"\n";
    Repo::init(&[
        ("driftcheck.toml", config),
        ("policies/review.toml", POLICY),
        (&format!("deploy/staging/{name}"), &text),
        (&format!("deploy/prod/{name}"), &text),
    ])
}

/// Every retyped shape, in every format, at every depth, in prod only or
/// in both environments: refused with one sign-off, the rule named.
#[test]
fn a_number_retyped_in_any_format_needs_the_decrease_review() {
    for (format, value) in retyped() {
        for depth in 1..=3 {
            // Prod alone at depths 1 and 3, both environments at depth 2.
            let both = depth == 2;
            {
                let r = repo(format, depth);
                let (name, text) = file(format, depth, value);
                r.write(&format!("deploy/prod/{name}"), &text);
                if both {
                    r.write(&format!("deploy/staging/{name}"), &text);
                }
                r.git(&["add", "-A"]);
                r.commit(&msg(&reviewed_by(ANA)));
                let g = r.gate_main();
                let case = format!("{format} depth {depth} both {both}: 3 -> {value}");
                assert_eq!(g.code, 1, "{case}: {}", g.show());
                assert!(
                    g.requirements().iter().any(|q| {
                        q["source"].as_str().unwrap().contains("replica-decrease")
                            && q["satisfied"] == false
                    }),
                    "{case}: {}",
                    g.show()
                );
            }
        }
    }
}

/// Controls: the same number, a greater number of the same type, in every
/// format and depth, pass with one sign-off.
#[test]
fn a_number_kept_or_raised_passes_with_one_signoff() {
    for format in ["yaml", "json", "toml"] {
        for depth in 1..=3 {
            for value in ["4", "30"] {
                let r = repo(format, depth);
                let (name, text) = file(format, depth, value);
                r.write(&format!("deploy/prod/{name}"), &text);
                r.write(&format!("deploy/staging/{name}"), &text);
                r.git(&["add", "-A"]);
                r.commit(&msg(&reviewed_by(ANA)));
                let g = r.gate_main();
                assert_eq!(g.code, 0, "{format} {depth} {value}: {}", g.show());
            }
        }
    }
}
