//! Differential test: driftcheck's nginx parser against crossplane, nginx's
//! reference parser (`pip install crossplane`), on real-world configs and a
//! tricky synthetic one. Skipped, with a message, when `crossplane` is not on
//! `PATH` or the shared corpus is absent (a failure under
//! `DRIFTCHECK_REQUIRE_PEERS=1`; see `harness::corpus`).
//!
//! Both sides are rendered as text: maps as `{key@line: value, …}` (the
//! block identity under `@`), sequences as `[…]`, integers bare and strings
//! quoted. The crossplane side is built from its `parsed` list independently
//! of the parser under test.

use driftcheck::formats::{Format, Limits, parse};
use driftcheck::model::node::{Node, NodeValue, ScalarKind};

/// A value as text: numbers bare, strings quoted, map keys with their line.
fn show(node: &Node) -> String {
    match &node.value {
        NodeValue::Map(entries) => {
            let shown: Vec<_> = entries
                .iter()
                .map(|e| format!("{}@{}: {}", e.key, e.line, show(&e.value)))
                .collect();
            format!("{{{}}}", shown.join(", "))
        }
        NodeValue::Seq(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        NodeValue::Scalar(s) if s.kind == ScalarKind::Int => s.text.clone(),
        NodeValue::Scalar(s) => format!("{:?}", s.text),
    }
}

/// Crossplane's `parsed` list rendered like [`show`], built independently
/// of the parser under test.
fn expected(stmts: &[serde_json::Value], id: Option<(u64, String)>) -> String {
    let lit = |a: &str| match a.bytes().all(|b| b.is_ascii_digit()) && !a.is_empty() {
        true => a.to_string(),
        false => format!("{a:?}"),
    };
    let args = |s: &serde_json::Value| -> Vec<String> {
        let args = s["args"].as_array().expect("args");
        args.iter()
            .map(|a| a.as_str().expect("string").to_string())
            .collect()
    };
    let mut slots: Vec<(&str, u64, Vec<String>)> = Vec::new();
    for s in stmts {
        let (name, line, a) = (
            s["directive"].as_str().expect("name"),
            s["line"].as_u64().expect("line"),
            args(s),
        );
        let value = match s["block"].as_array() {
            Some(block) => {
                let first = |d: &str| {
                    block
                        .iter()
                        .find(|b| b["directive"] == d)
                        .map(|b| args(b)[0].clone())
                        .filter(|a| !a.is_empty())
                };
                let id = match (a.is_empty(), name, first("server_name"), first("listen")) {
                    (false, ..) => Some(a.join(" ")),
                    (true, "server", Some(n), l) => {
                        Some(n + &l.map(|l| format!(":{l}")).unwrap_or_default())
                    }
                    (true, "server", None, Some(l)) => Some(format!(":{l}")),
                    _ => None,
                };
                expected(block, id.map(|id| (line, id)))
            }
            None if a.len() == 1 => lit(&a[0]),
            None if a.is_empty() => "\"\"".into(),
            None => format!(
                "[{}]",
                a.iter().map(|a| lit(a)).collect::<Vec<_>>().join(", ")
            ),
        };
        match slots.iter_mut().find(|slot| slot.0 == name) {
            Some(slot) => slot.2.push(value),
            None => slots.push((name, line, vec![value])),
        }
    }
    let mut entries: Vec<String> = id
        .into_iter()
        .map(|(line, id)| format!("@@{line}: {id:?}"))
        .collect();
    for (name, line, values) in slots {
        let value = if values.len() == 1 {
            values[0].clone()
        } else {
            format!("[{}]", values.join(", "))
        };
        entries.push(format!("{name}@{line}: {value}"));
    }
    format!("{{{}}}", entries.join(", "))
}

/// `crossplane parse --single-file --no-catch` on `path`: its `parsed`
/// list. A server snippet (rejected at top level) is retried wrapped in
/// `http { … }` on its first line, which keeps the line numbers.
fn crossplane(path: &std::path::Path) -> Vec<serde_json::Value> {
    let run = |file: &std::path::Path| -> serde_json::Value {
        let out = std::process::Command::new("crossplane")
            .args(["parse", "--single-file", "--no-catch"])
            .arg(file)
            .output()
            .expect("crossplane runs");
        serde_json::from_slice(&out.stdout).expect("crossplane prints JSON")
    };
    let parsed = |payload: &serde_json::Value| payload["config"][0]["parsed"].as_array().cloned();
    let payload = run(path);
    if payload["status"] == "ok" {
        return parsed(&payload).expect("parsed list");
    }
    let wrapped =
        std::env::temp_dir().join(format!("driftcheck-nginx-{}.conf", std::process::id()));
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(&wrapped, format!("http {{ {text}\n}}\n")).unwrap();
    let retry = run(&wrapped);
    let _ = std::fs::remove_file(&wrapped);
    assert_eq!(
        retry["status"],
        "ok",
        "crossplane rejected {}: {}",
        path.display(),
        payload["errors"]
    );
    retry["config"][0]["parsed"][0]["block"]
        .as_array()
        .cloned()
        .expect("http block")
}

#[test]
fn matches_crossplane_on_real_world_configs() {
    if !crate::harness::tool("crossplane", &["--help"]) {
        return;
    }
    let Some(dir) = crate::harness::corpus("realworld/single") else {
        return;
    };
    let dir = dir.as_path();
    let tricky = std::env::temp_dir().join(format!(
        "driftcheck-nginx-tricky-{}.conf",
        std::process::id()
    ));
    std::fs::write(
        &tricky,
        concat!(
            "http {\n map $a $b { default up; '' close; \"~*x\\\"y\" \"a b\"; }\n server {\n",
            "  listen 443 ssl; server_name api.example.com; location ~ ^/api/[1-9]\\d*/ {\n",
            "   if ($request_method = POST ) { return 405; } set $x \"${host}\"; # { ; }\n",
            "   add_header X-A \"1\"; add_header X-B 'two words'\n     always;\n",
            "   content_by_lua_block { local t = {1} -- }\n     ngx.say(\"}\") }\n  }\n",
            "  location @fallback { proxy_pass http://b; }\n }\n}\n",
        ),
    )
    .unwrap();
    let mut files = vec![tricky.clone()];
    for name in [
        "h5bp__server-configs-nginx__nginx.conf",
        "h5bp__server-configs-nginx__example.com.conf",
        "getsentry__self-hosted__nginx.conf",
        "getsentry__self-hosted__nginx.before-663b86c.conf",
    ] {
        match dir.join(name) {
            path if path.exists() => files.push(path),
            path => panic!(
                "{} not found: the shared corpus must sit beside the repository",
                path.display()
            ),
        }
    }
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let ours = show(&parse(Format::Nginx, &text, &Limits::default()).unwrap()[0].root);
        let theirs = expected(&crossplane(&path), None);
        assert_eq!(ours, theirs, "{} differs from crossplane", path.display());
        println!("matches crossplane: {}", path.display());
    }
    let _ = std::fs::remove_file(&tricky);
}
