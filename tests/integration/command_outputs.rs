//! What humans and machines read from the commands beyond `diff`/`check`:
//! `gate`, `audit`, `trailers`, `explain` and `approve`, snapshot in every format each
//! accepts (issue 11: every command renders through `report/`, and a
//! format a command does not speak is refused, never answered in another
//! form). One repository built in the test with fixed identities and
//! dates, so commit ids and digests are stable; temp paths are replaced.

use super::gate_catalogue::{ANA, MAL, Repo, msg, reviewed_by};

/// The standard repository with three guarded commits on `feature`: one
/// reviewed by a peer, one "reviewed" by its own author, one with a typo'd
/// trailer key.
fn history() -> Repo {
    let r = Repo::standard("\n[review]\nrequired = 1\n");
    r.raise_timeout();
    r.commit(&msg(&reviewed_by(ANA)));
    r.everywhere("log_level: info", "log_level: warn");
    r.commit(&msg(&reviewed_by(MAL)));
    r.everywhere("pool_size: 10", "pool_size: 20");
    r.commit(&msg("Reviewd-by: Ana <ana@example.com>"));
    r
}

/// Stdout and stderr of a run, with the repository's temp path replaced.
fn shown(r: &Repo, args: &[&str]) -> String {
    let out = r.driftcheck_in(&r.root(), args, &[]);
    let text = format!(
        "exit {}\n--- stdout ---\n{}--- stderr ---\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let tmp = r.root().parent().unwrap().display().to_string();
    text.replace(&tmp, "[TMP]")
}

#[test]
fn command_outputs_in_every_format_they_accept() {
    let r = history();
    let cases: &[(&str, &[&str])] = &[
        ("gate_human", &["gate", "--base", "main"]),
        ("gate_json", &["gate", "--base", "main", "--format", "json"]),
        (
            "gate_markdown",
            &["gate", "--base", "main", "--format", "markdown"],
        ),
        ("audit_human", &["audit", "main..feature"]),
        (
            "audit_json",
            &["audit", "main..feature", "--format", "json"],
        ),
        (
            "audit_markdown",
            &["audit", "main..feature", "--format", "markdown"],
        ),
        (
            "audit_sarif_refused",
            &["audit", "main..feature", "--format", "sarif"],
        ),
        ("trailers_human", &["trailers", "HEAD"]),
        ("trailers_json", &["trailers", "HEAD", "--format", "json"]),
        ("explain_human", &["explain", "drift/data-path"]),
        (
            "explain_json",
            &["explain", "drift/data-path", "--format", "json"],
        ),
        ("explain_unknown", &["explain", "drift/data-pth"]),
        ("approve_human", &["approve", "--base", "main"]),
        (
            "approve_json",
            &["approve", "--base", "main", "--format", "json"],
        ),
    ];
    for (name, args) in cases {
        insta::assert_snapshot!(*name, shown(&r, args));
    }
}

/// `explain` for each kind of rule (built-in, the gate's own, the shipped
/// pack, a user policy rule and link) and `--list`, in each format it
/// speaks, and a format it does not.
#[test]
fn explain_outputs_for_every_kind_of_rule() {
    let policy = r#"[[rule]]
id = "timeout-parity"
description = "timeouts agree"
help = "align them"
severity = "warning"
files = ["app.yaml"]
keys = ["timeout"]
expect = "same"

[[link]]
id = "db-password"
keys = ["app.yaml:db.password", "app.yaml:replica.password"]
"#;
    let r = Repo::init(&[
        (
            "driftcheck.toml",
            "policies = [\"policies/*.toml\"]\n\n[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/prod\"\n",
        ),
        ("deploy/staging/app.yaml", "timeout: 30\n"),
        ("deploy/prod/app.yaml", "timeout: 30\n"),
        ("policies/team.toml", policy),
    ]);
    let cases: &[(&str, &[&str])] = &[
        ("explain_tool_rule", &["explain", "gate/near-miss"]),
        ("explain_pack_rule", &["explain", "k8s-replica-decrease"]),
        ("explain_policy_rule", &["explain", "timeout-parity"]),
        (
            "explain_policy_rule_json",
            &["explain", "timeout-parity", "--format", "json"],
        ),
        ("explain_link", &["explain", "db-password"]),
        ("explain_list", &["explain", "--list"]),
        (
            "explain_list_json",
            &["explain", "--list", "--format", "json"],
        ),
        (
            "explain_sarif_refused",
            &["explain", "drift/flag", "--format", "sarif"],
        ),
    ];
    for (name, args) in cases {
        insta::assert_snapshot!(*name, shown(&r, args));
    }
}

/// `text` with its CommonMark code spans removed: a run of N backticks
/// opens a span that the next run of exactly N backticks closes.
fn outside_code_spans(text: &str) -> String {
    let b = text.as_bytes();
    let run = |i: usize| b[i..].iter().take_while(|c| **c == b'`').count();
    let (mut out, mut i) = (String::new(), 0);
    while i < b.len() {
        if b[i] == b'`' {
            let n = run(i);
            let mut j = i + n;
            let close = loop {
                match b[j..].iter().position(|c| *c == b'`') {
                    None => break None,
                    Some(k) => {
                        let m = run(j + k);
                        if m == n {
                            break Some(j + k + m);
                        }
                        j += k + m;
                    }
                }
            };
            match close {
                Some(end) => i = end,
                None => {
                    out.push_str(&text[i..i + n]);
                    i += n;
                }
            }
        } else {
            let next = b[i..]
                .iter()
                .position(|c| *c == b'`')
                .map_or(b.len(), |k| i + k);
            out.push_str(&text[i..next]);
            i = next;
        }
    }
    out
}

/// Identities in markdown (audit's table, the gate's comment) stay inert:
/// no link, image, HTML or @mention survives outside a code span, for
/// every hostile shape in the trailer and in the author's address.
#[test]
fn markdown_identities_never_become_markup() {
    let hostile = [
        "A``` ![i](https://evil.example/p.png) [l](https://evil.example) @org/team <ana@example.com>",
        "B`` </code><img src=x> @org/admins <bo@example.com>",
        "C\u{200b}` @everyone `x <c@example.com>",
        "E | col | <e@example.com>",
    ];
    let r = Repo::standard("\n[review]\nrequired = 1\n");
    r.raise_timeout();
    let lines: Vec<String> = hostile
        .iter()
        .map(|h| format!("Reviewed-by: {h}"))
        .collect();
    r.commit(&msg(&lines.join("\n")));
    for args in [
        &["audit", "main..feature", "--format", "markdown"][..],
        &["gate", "--base", "main", "--format", "markdown"][..],
    ] {
        let out = r.driftcheck_in(&r.root(), args, &[]);
        let md = String::from_utf8_lossy(&out.stdout).to_string();
        let bare = outside_code_spans(&md);
        for bad in ["@org", "@everyone", "](", "<img", "</code"] {
            assert!(
                !bare.contains(bad),
                "{args:?}: `{bad}` outside a code span:\n{md}"
            );
        }
    }
}
