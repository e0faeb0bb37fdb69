//! Parser behaviour on real sample files of every format (tests/data/formats).

use std::path::Path;

use driftcheck::formats::{self, Format, Limits, ParseError};
use driftcheck::model::node::{Document, NodeValue, ScalarKind};

fn parse(rel: &str) -> Result<Vec<Document>, ParseError> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/formats")
        .join(rel);
    let bytes = std::fs::read(&path).unwrap();
    let limits = Limits::default();
    let text = formats::decode(&bytes, &limits)?;
    formats::parse(Format::detect(&path), text, &limits)
}

/// Follow `a.b.c` (map keys only) to a node.
fn get<'a>(doc: &'a Document, path: &str) -> &'a driftcheck::model::node::Node {
    let mut node = &doc.root;
    for seg in path.split('.') {
        let NodeValue::Map(m) = &node.value else {
            panic!("{path}: not a map at {seg}")
        };
        node = &m
            .iter()
            .find(|e| e.key == seg)
            .unwrap_or_else(|| panic!("{path}: no {seg}"))
            .value;
    }
    node
}

fn text(doc: &Document, path: &str) -> (String, ScalarKind, u32) {
    let n = get(doc, path);
    match &n.value {
        NodeValue::Scalar(s) => (s.text.clone(), s.kind, n.line),
        other => panic!("{path}: not a scalar: {other:?}"),
    }
}

#[test]
fn the_same_tree_in_three_formats() {
    for f in [
        "yaml/ok_basic.yaml",
        "json/ok_basic.json",
        "toml/ok_basic.toml",
    ] {
        let docs = parse(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(text(&docs[0], "service.data_path").2, 8, "{f}");
        assert_eq!(
            text(&docs[0], "service.database.password").0,
            "${DB_PASSWORD}",
            "{f}"
        );
    }
}

#[test]
fn tricky_yaml() {
    let docs = parse("yaml/ok_tricky.yaml").unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(
        text(&docs[0], "replica.timeout_ms"),
        ("5000".into(), ScalarKind::Int, 13)
    );
    assert_eq!(text(&docs[0], "primary.timeout_ms").0, "2500");
    assert_eq!(text(&docs[1], "single").0, "it's # not a comment");
    assert_eq!(text(&docs[1], "plain_hash").0, "value#not-a-comment");
    assert_eq!(text(&docs[1], "comment_after").0, "value");
    assert_eq!(text(&docs[1], "url").0, "http://x/#frag");
    assert_eq!(text(&docs[1], "literal_block").0, "line one\nline two\n");
    assert_eq!(
        text(&docs[1], "version_string"),
        ("1.10".into(), ScalarKind::Str, 29)
    );
    assert_eq!(text(&docs[1], "version_float").1, ScalarKind::Float);
}

#[test]
fn yaml_11_ambiguities_are_flagged() {
    let docs = parse("yaml/ok_yaml11.yaml").unwrap();
    let NodeValue::Map(m) = &docs[0].root.value else {
        panic!()
    };
    let flagged: Vec<u32> = m
        .iter()
        .filter(|e| matches!(&e.value.value, NodeValue::Scalar(s) if s.ambiguity.is_some()))
        .map(|e| e.line)
        .collect();
    assert!(flagged.len() >= 4, "{flagged:?}");
}

#[test]
fn tricky_json_and_toml_and_dotenv() {
    let docs = parse("json/ok_tricky.json").unwrap();
    assert_eq!(text(&docs[0], "big_int").0, "12345678901234567891");
    assert_eq!(text(&docs[0], "url").0, "http://example.com/a//b");
    assert_eq!(text(&docs[0], "not_a_comment").0, "/* kept */");
    let docs = parse("toml/ok_tricky.toml").unwrap();
    assert_eq!(text(&docs[0], "server.http.timeout_ms").0, "2500");
    assert_eq!(text(&docs[0], "database.created").2, 9);
    let docs = parse("dotenv/ok_tricky.env").unwrap();
    for (key, value, line) in [
        ("API_HOST", "api.staging.internal", 3),
        ("SINGLE", "single # not a comment $NOT_EXPANDED", 4),
        ("DOUBLE", "double \"quoted\" # not a comment", 5),
        ("ESCAPED_NEWLINE", "line1\nline2", 6),
        ("URL", "http://x/#frag", 7),
        ("INLINE", "value", 8),
        ("REF_DEFAULT", "${LOG_LEVEL:-info}", 10),
        ("EMPTY_QUOTED", "", 12),
        ("EQUALS_IN_VALUE", "a=b=c", 13),
        ("UNICODE", "café", 15),
        ("LAST_NO_NEWLINE", "end", 17),
    ] {
        let (t, _, l) = text(&docs[0], key);
        assert_eq!((t.as_str(), l), (value, line), "{key}");
    }
}

#[test]
fn malformed_files_fail_at_the_right_line_without_echoing() {
    for (file, line) in [
        ("yaml/bad_unterminated.yaml", 5),
        ("yaml/bad_duplicate.yaml", 5),
        ("yaml/bad_unbalanced.yaml", 4),
        ("json/bad_unterminated.json", 4),
        ("json/bad_duplicate.json", 5),
        ("json/bad_unbalanced.json", 3),
        ("json/bad_deep_nesting.json", 1),
        ("toml/bad_unterminated.toml", 4),
        ("toml/bad_duplicate.toml", 4),
        ("toml/bad_unbalanced.toml", 3),
        ("dotenv/bad_unterminated.env", 4),
        ("dotenv/bad_duplicate.env", 5),
    ] {
        let e = parse(file).expect_err(file);
        assert_eq!(e.line, line, "{file}: {e}");
        assert!(!e.to_string().contains("canary"), "{file}: {e}");
    }
    let e = parse("yaml/bad_alias_bomb.yaml").unwrap_err();
    assert!(e.message.contains("alias"), "{e}");
}

#[test]
fn hostile_sizes_and_encodings() {
    let limits = Limits::default();
    let big = vec![b'a'; limits.max_file_bytes + 1];
    assert!(
        formats::decode(&big, &limits)
            .unwrap_err()
            .message
            .contains("over the limit")
    );
    let e = formats::decode(b"a: 1\nb: \xff\n", &limits).unwrap_err();
    assert_eq!(e.line, 2);
    let e = formats::decode(b"a: 1\n\0", &limits).unwrap_err();
    assert!(e.message.contains("NUL"));
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    for f in [Format::Json, Format::Yaml] {
        let e = formats::parse(f, &deep, &limits).unwrap_err();
        assert!(e.message.contains("nesting"), "{f}: {e}");
    }
    let deep_block: String = (0..10_000)
        .map(|i| format!("{}a:\n", " ".repeat(i)))
        .collect();
    assert!(formats::parse(Format::Yaml, &deep_block, &limits).is_err());
}

#[test]
fn hcl_hostile_recursion_never_overflows_the_stack() {
    let cases: Vec<(&str, String)> = vec![
        (
            "parens",
            format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000)),
        ),
        ("unary", format!("x = {}1\n", "-".repeat(100_000))),
        ("cond", format!("x = {}1\n", "a ? 1 : ".repeat(100_000))),
        ("binop", format!("x = {}1\n", "1 + ".repeat(100_000))),
        ("traversal", format!("x = a{}\n", ".b".repeat(100_000))),
        (
            "blocks",
            format!("{}{}", "b {\n".repeat(100_000), "}\n".repeat(100_000)),
        ),
        ("interp", format!("x = \"{}\"\n", "${\"".repeat(100_000))),
    ];
    for (name, text) in cases {
        let joined = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || formats::parse(Format::Hcl, &text, &Limits::default()).map(|_| ()))
            .unwrap()
            .join();
        assert!(joined.is_ok(), "{name}: the parser crashed");
    }
}

#[test]
fn real_world_properties_and_tfvars_parse() {
    let Some(shared) = crate::harness::corpus("realworld/envsets") else {
        return;
    };
    let mut parsed = 0;
    for entry in walkdir::WalkDir::new(&shared) {
        let entry = entry.unwrap();
        let format = Format::detect(entry.path());
        if !entry.file_type().is_file() || !matches!(format, Format::Properties | Format::Hcl) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        let text = formats::decode(&bytes, &Limits::default()).unwrap();
        formats::parse(format, text, &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        parsed += 1;
    }
    assert!(parsed >= 6, "{parsed}");
}

/// Hostile files through the whole tool: each is a `parse/error` finding with
/// the file (and line where there is one), the rest is still compared, and
/// nothing hangs.
#[test]
fn hostile_files_are_findings_not_crashes() {
    use crate::harness::{Tree, json};
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.yaml"),
        "password: from-outside-the-root\n",
    )
    .unwrap();
    let t = Tree::new(&[
        ("staging/ok.yaml", "a: 1\n"),
        ("prod/ok.yaml", "a: 2\n"),
        ("staging/link.yaml", "x: 1\n"),
        ("staging/deep.json", "[1]\n"),
        ("prod/deep.json", &"[".repeat(10_000)),
        ("staging/bytes.yaml", "a: 1\n"),
        ("prod/bytes.yaml", "a: 1\nb: x\n"),
        ("staging/big.yaml", "a: 1\n"),
    ]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        t.path().join("prod/link.yaml"),
    )
    .unwrap();
    std::fs::write(t.path().join("prod/bytes.yaml"), b"a: 1\nb: \xff\xfe\n").unwrap();
    let big = vec![b'#'; 50 * 1024 * 1024];
    std::fs::write(t.path().join("prod/big.yaml"), &big).unwrap();
    let start = std::time::Instant::now();
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    assert!(start.elapsed().as_secs() < 30);
    assert_eq!(r.code, 1, "{}", r.all());
    let v = json(&r);
    let errors: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "parse/error")
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                f["envs"]["prod"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let find = |file: &str| {
        errors
            .iter()
            .find(|e| e.0 == file)
            .unwrap_or_else(|| panic!("{file}: {errors:?}"))
    };
    assert!(find("link.yaml").1.contains("outside the environment root"));
    assert!(find("deep.json").1.contains("nesting"));
    assert_eq!(find("bytes.yaml").2, 2);
    assert!(find("bytes.yaml").1.contains("UTF-8"));
    assert!(find("big.yaml").1.contains("limit"));
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["key"] == "a" && f["file"] == "ok.yaml"),
        "the rest is compared"
    );
    assert!(!r.all().contains("from-outside-the-root"));
}
