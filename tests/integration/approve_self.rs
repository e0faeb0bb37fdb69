//! `approve` warns when the identity it suggests (`user.email`) is a
//! contributor of the range it approves — author or committer of a commit
//! changing guarded config, a co-author, or any of these under another
//! address the merge base's `.mailmap` joins — since the gate refuses that
//! sign-off anyway; and says nothing for a peer. Every role, in JSON and
//! human output, and the gate's own answer for the same approval.

use std::ffi::OsString;

use super::gate_catalogue::{ANA, BO, MAL, Person, Repo, msg};

/// `approve --base main` as `who` (their identity in their git config).
fn approve_as(r: &Repo, who: Person, json: bool) -> String {
    let vars: Vec<(&str, OsString)> = r.user_config(
        &format!("home-{}", who.name.to_lowercase()),
        &format!("[user]\n\tname = {}\n\temail = {}\n", who.name, who.email),
    );
    let mut args = vec!["approve", "--base", "main"];
    if json {
        args.extend(["--format", "json"]);
    }
    let out = r.driftcheck_in(&r.root(), &args, &vars);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn approve_warns_a_contributor_of_the_range_and_not_a_peer() {
    // (how the change is made, who approves, whether they contributed)
    type Make = fn(&Repo);
    let cases: [(&str, Make, Person, bool); 6] = [
        (
            "author",
            |r| {
                r.raise_timeout();
                r.commit_as(ANA, MAL, "Raise the timeout\n");
            },
            ANA,
            true,
        ),
        (
            "committer",
            |r| {
                r.raise_timeout();
                r.commit_as(MAL, ANA, "Raise the timeout\n");
            },
            ANA,
            true,
        ),
        (
            "co-author",
            |r| {
                r.raise_timeout();
                r.commit(&msg("Co-authored-by: Ana <ana@example.com>"));
            },
            ANA,
            true,
        ),
        (
            "earlier commit of the range",
            |r| {
                r.raise_timeout();
                r.commit_as(ANA, ANA, "Raise the timeout\n");
                r.everywhere("log_level: info", "log_level: warn");
                r.commit("Quieter logs\n");
            },
            ANA,
            true,
        ),
        (
            "another address the mailmap joins",
            |r| {
                r.raise_timeout();
                r.commit_as(
                    Person {
                        name: "Ana",
                        email: "ana@old.example.com",
                    },
                    MAL,
                    "Raise the timeout\n",
                );
            },
            ANA,
            true,
        ),
        (
            "peer",
            |r| {
                r.raise_timeout();
                r.commit("Raise the timeout\n");
            },
            BO,
            false,
        ),
    ];
    for (what, make, who, contributed) in cases {
        let r = Repo::standard("");
        if what.contains("mailmap") {
            // The mailmap is read from the merge base: it is on main.
            r.git(&["checkout", "-q", "main"]);
            r.write(".mailmap", "Ana <ana@example.com> <ana@old.example.com>\n");
            r.commit("mailmap\n");
            r.git(&["checkout", "-q", "-B", "feature"]);
        }
        make(&r);
        let doc: serde_json::Value = serde_json::from_str(&approve_as(&r, who, true)).unwrap();
        let human = approve_as(&r, who, false);
        if contributed {
            let w = doc["warning"]
                .as_str()
                .unwrap_or_else(|| panic!("{what}: {doc}"));
            assert!(
                w.contains(who.email) && w.contains("contributor"),
                "{what}: {w}"
            );
            assert!(
                human.contains("warning:") && human.contains("no self-review"),
                "{what}: {human}"
            );
            // The gate agrees: the approval would not count.
            let trailer = doc["trailer"].as_str().unwrap().to_string();
            r.git(&["commit", "-q", "--allow-empty", "-m", &msg(&trailer)]);
            let g = r.gate_main();
            g.assert_refused();
        } else {
            assert!(doc["warning"].is_null(), "{what}: {doc}");
            assert!(!human.contains("warning:"), "{what}: {human}");
        }
    }
}
