//! Binary files (images, keystores) are compared by hash: equal ones are
//! silent, different ones one `drift/binary` note, never a parse error and
//! never their bytes.

use crate::harness::{Tree, json};

#[test]
fn binary_files_compare_by_hash() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let jks = b"\xfe\xed\xfe\xed\0\0\0\x02\0\0\0\x01secretkeymaterial";
    for name in ["logo.png", "keystore.jks", "blob"] {
        let t = tempfile::tempdir().unwrap();
        for env in ["staging", "prod"] {
            std::fs::create_dir_all(t.path().join(env)).unwrap();
            std::fs::write(t.path().join(env).join(name), png).unwrap();
            std::fs::write(t.path().join(env).join("app.yaml"), "a: 1\n").unwrap();
        }
        let r =
            crate::harness::driftcheck(t.path(), &["diff", "staging", "prod", "--format", "json"]);
        assert_eq!(r.code, 0, "{name}: {}", r.all());
        assert_eq!(
            json(&r)["findings"].as_array().unwrap().len(),
            0,
            "{name}: {}",
            r.all()
        );
        std::fs::write(t.path().join("prod").join(name), jks).unwrap();
        let r =
            crate::harness::driftcheck(t.path(), &["diff", "staging", "prod", "--format", "json"]);
        assert_eq!(r.code, 0, "{name}: {}", r.all());
        let v = json(&r);
        assert_eq!(
            v["findings"][0]["rule"],
            "drift/binary",
            "{name}: {}",
            r.all()
        );
        assert_eq!(v["findings"][0]["severity"], "note");
        assert!(!r.all().contains("secretkeymaterial"));
    }
    // A YAML file with a NUL byte is still a parse error (it claims a format).
    let t = Tree::new(&[
        ("staging/a.yaml", "a: 1\n"),
        ("prod/a.yaml", "a: \u{0}1\n"),
        ("staging/b.yaml", "b: 1\n"),
        ("prod/b.yaml", "b: 1\n"),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    assert_eq!(
        json(&r)["findings"][0]["rule"],
        "parse/error",
        "{}",
        r.all()
    );
}
