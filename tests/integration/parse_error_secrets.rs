//! A file that fails to parse is never compared, and its parse error quotes
//! the file's text (a duplicate key, a bad token). Rule
//! (`load::learn_secrets`): every side of such a key is learnt for masking
//! before anything is printed, so the message cannot print a password the
//! file or its counterpart holds. Adversarial review `review-words/04`
//! found the class: a duplicate key `scott/<password>@db` printed a word
//! password that no walk had learnt.
//!
//! The family: word and random passwords × four formats × three
//! placements (the counterpart holds it, only the failing file holds it, the
//! failing file holds it inside a one-line object), every output format.

use crate::harness::Tree;
use crate::leak_corpus::Lcg;

/// A pronounceable password (`is_word` shows such words inside printed
/// names only): consonant-vowel syllables.
fn word(rng: &mut Lcg) -> String {
    let (c, v) = (b"bdfgklmnprstv", b"aeiou");
    (0..3)
        .flat_map(|_| {
            let a = c[rng.next() as usize % c.len()] as char;
            let b = v[rng.next() as usize % v.len()] as char;
            [a, b]
        })
        .collect()
}

/// `(extension, valid file holding the password, failing file quoting it)`.
/// `@` stands for the password.
const CASES: &[(&str, &str, &str)] = &[
    (
        "json",
        "{\"password\": \"@\"}\n",
        "{\"password\": \"@\", \"scott/@@db\": 1, \"scott/@@db\": 2}\n",
    ),
    (
        "json",
        "{\"db\": {\"password\": \"@\"}}\n",
        "{\n  \"db\": {\"password\": \"@\"},\n  \"@-x\": 1,\n  \"@-x\": 2\n}\n",
    ),
    ("yaml", "password: @\n", "password: @\n@.: 1\n@.: 2\n"),
    (
        "yaml",
        "db: {user: a, password: @}\n",
        "db: {user: a, password: @}\nscott/@@db: 1\nscott/@@db: 2\n",
    ),
    (
        "toml",
        "password = \"@\"\n",
        "password = \"@\"\n\"@.x\" = 1\n\"@.x\" = 2\n",
    ),
    (
        "ini",
        "[db]\npassword = @\n",
        "[db]\npassword = @\n[db\nx=@.\n",
    ),
];

#[test]
fn a_parse_error_never_prints_a_secret_of_its_key() {
    let mut rng = Lcg(0x5eed_0404);
    let t = Tree::new(&[(
        "driftcheck.toml",
        "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n",
    )]);
    t.write("staging/base.yaml", "a: 1\n");
    t.write("prod/base.yaml", "a: 1\n");
    let mut secrets = Vec::new();
    let mut failing = 0;
    for (i, (ext, good, bad)) in CASES.iter().enumerate() {
        for (kind, password) in [("word", word(&mut rng)), ("random", rng.alnum(14))] {
            // Both hold it; only the failing file; only the failing file,
            // its counterpart holding another.
            for placement in 0..3 {
                let name = format!("c{i}-{kind}-{placement}.{ext}");
                let fill = |s: &str, p: &str| s.replace('@', p);
                match placement {
                    0 => t.write(&format!("staging/{name}"), &fill(good, &password)),
                    1 => {}
                    _ => t.write(&format!("staging/{name}"), &fill(good, &word(&mut rng))),
                }
                t.write(&format!("prod/{name}"), &fill(bad, &password));
                failing += 1;
                secrets.push((name, password.clone()));
            }
        }
    }
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "github", "markdown"] {
        outputs.push(t.run(&["check", "--format", format]).all());
        outputs.push(
            t.run(&["diff", "staging", "prod", "-v", "--format", format])
                .all(),
        );
    }
    for out in &outputs {
        for (case, password) in &secrets {
            assert!(
                !out.contains(password.as_str()),
                "{case}: its password is printed:\n{out}"
            );
        }
    }
    // The errors are still reported, one per failing file.
    let json = crate::harness::json(&t.run(&["check", "--format", "json"]));
    let parse_errors = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "parse/error")
        .count();
    assert_eq!(parse_errors, failing, "{json}");
}
