//! A generated leak corpus: every entry of the token catalogue and every
//! class of secret the masker knows (connection strings, command lines, key
//! names, key files, encoded secrets), each placed in several formats and
//! positions (under a secret-named key, under a neutral key, in prose, in a
//! shell line, in a URL, base64-encoded), in three variants across the two
//! environments: different, identical, one character apart. Every output
//! format, with and without `-v`, must hold no 6-character window of any
//! secret, nor of its base64 or hex encoding.
//!
//! The corpus grows with the catalogue: a new entry is a new vector here.

use std::fmt::Write as _;

use driftcheck::secrets::{CATALOGUE, find_tokens as find};

use crate::harness::Tree;

mod classes;
use classes::CLASSES;

/// One planted secret: where it goes and what must never be printed.
pub struct Vector {
    pub name: String,
    /// File name (under the environment directory) and content.
    pub file: String,
    pub content: String,
    /// The secret texts (checked by 6-character windows).
    pub secrets: Vec<String>,
}

/// Variants of a secret across the two environments.
#[derive(Clone, Copy, Debug)]
pub enum Variant {
    Different,
    Identical,
    OneApart,
}

/// A deterministic pseudo-random source (no dependency, reproducible).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick(&mut self, from: &[u8]) -> char {
        from[(self.next() as usize) % from.len()] as char
    }
    /// A credential-like string: letters and digits, at least one of each.
    pub fn alnum(&mut self, n: usize) -> String {
        let mut s: String = (0..n)
            .map(|_| self.pick(b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"))
            .collect();
        s.replace_range(0..1, &self.pick(b"QWRTZ").to_string());
        s.replace_range(1..2, &self.pick(b"3456789").to_string());
        s
    }
    fn digits(&mut self, n: usize) -> String {
        let mut s: String = (0..n).map(|_| self.pick(b"0123456789")).collect();
        s.replace_range(0..1, "5");
        s
    }
}

/// Replace each letter or digit after the marker by another of its class,
/// so every vector and environment gets its own token of the same shape.
fn mutate(token: &str, marker: &str, rng: &mut Lcg) -> String {
    let at = token.find(marker).map_or(0, |p| p + marker.len());
    let classes: [&[u8]; 5] = [
        b"0123456789",
        b"abcdef",
        b"ghjkmnpqrstuvwxyz",
        b"ABCDEF",
        b"GHJKMNPQRSTUVWXYZ",
    ];
    let mut out = token[..at].to_string();
    for c in token[at..].chars() {
        let class = classes.iter().find(|cl| cl.contains(&(c as u8)));
        match class {
            Some(cl) if c.is_ascii_alphanumeric() => out.push(rng.pick(cl)),
            _ => out.push(c),
        }
    }
    out
}

/// Change the last letter or digit within its class.
fn one_apart(s: &str) -> String {
    let (i, c) = s
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_alphanumeric())
        .expect("has a letter or digit");
    let n = match c {
        '9' => '8',
        'f' => 'e',
        'F' => 'E',
        'z' => 'y',
        'Z' => 'Y',
        _ => (c as u8 + 1) as char,
    };
    let mut out = s.to_string();
    out.replace_range(i..i + 1, &n.to_string());
    out
}

/// The secret for each environment under a variant, from a generator.
fn pair(
    variant: Variant,
    make: impl Fn(u32) -> String,
    ok: impl Fn(&str) -> bool,
) -> (String, String) {
    let a = make(0);
    match variant {
        Variant::Identical => (a.clone(), a),
        Variant::Different => (a, make(1)),
        Variant::OneApart => {
            let b = one_apart(&a);
            if ok(&b) { (a, b) } else { (a, make(1)) }
        }
    }
}

/// Standard base64 with padding.
pub fn b64(s: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in s.chunks(3) {
        let n = c.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - c.len()));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn hex(s: &[u8]) -> String {
    s.iter().fold(String::new(), |mut o, b| {
        let _ = write!(o, "{b:02x}");
        o
    })
}

fn yaml_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn json_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Where a value goes.
#[derive(Clone, Copy, Debug)]
pub enum Place {
    Yaml,
    Json,
    Toml,
    Env,
    Ini,
    Properties,
    Xml,
    Hcl,
    Nginx,
    /// In a sentence of a text file.
    Prose,
    /// In a shell line.
    Shell,
    /// In a URL's query under a neutral key.
    Url,
    /// Base64-encoded under a neutral key.
    Base64,
}

const PLACES: &[Place] = &[
    Place::Yaml,
    Place::Prose,
    Place::Shell,
    Place::Json,
    Place::Url,
    Place::Env,
    Place::Base64,
    Place::Toml,
    Place::Ini,
    Place::Xml,
    Place::Properties,
    Place::Hcl,
    Place::Nginx,
];

/// `key = value` in a place; `None` when the value cannot be written there.
fn place(p: Place, key: &str, value: &str) -> Option<(&'static str, String)> {
    let single_line = !value.contains('\n');
    let plain =
        single_line && !value.contains(['"', '\'', '\\', '$', '`', '#', ';', '{', '}', ' ']);
    let flat = key.replace(['-', '.'], "_");
    Some(match p {
        Place::Yaml if single_line => (
            "yaml",
            format!("app:\n  {key}: {}\n  replicas: 2\n", yaml_quote(value)),
        ),
        Place::Yaml => {
            let body: String = value.lines().map(|l| format!("    {l}\n")).collect();
            ("yaml", format!("app:\n  {key}: |\n{body}  replicas: 2\n"))
        }
        Place::Json => (
            "json",
            format!(
                "{{\"app\": {{{}: {}, \"replicas\": 2}}}}\n",
                json_quote(key),
                json_quote(value)
            ),
        ),
        Place::Toml => (
            "toml",
            format!(
                "[app]\n{} = {}\nreplicas = 2\n",
                json_quote(key),
                json_quote(value)
            ),
        ),
        Place::Env if plain => (
            "env",
            format!("{}={value}\nREPLICAS=2\n", flat.to_uppercase()),
        ),
        Place::Ini if plain => ("ini", format!("[app]\n{key} = {value}\nreplicas = 2\n")),
        Place::Properties if plain => {
            ("properties", format!("app.{key}={value}\napp.replicas=2\n"))
        }
        Place::Xml if single_line => (
            "xml",
            format!(
                "<config>\n  <{flat}>{}</{flat}>\n  <replicas>2</replicas>\n</config>\n",
                xml_escape(value)
            ),
        ),
        Place::Hcl if plain => ("tfvars", format!("{flat} = \"{value}\"\nreplicas = 2\n")),
        Place::Nginx if plain => (
            "conf",
            format!("http {{\n  server {{\n    listen 80;\n    {flat} \"{value}\";\n  }}\n}}\n"),
        ),
        Place::Prose if single_line => (
            "txt",
            format!("Notes for the {key} setting.\nThe current value is {value} as agreed.\n"),
        ),
        Place::Shell if single_line && !value.contains(['"', '`', '$']) => (
            "sh",
            format!(
                "#!/bin/sh\nset -e\ncurl -fsS -H \"X-Note: {value}\" https://api.example.com/v1/ping\n"
            ),
        ),
        Place::Url if plain => (
            "yaml",
            format!("app:\n  callback: 'https://cb.example.com/hook?state=1&t={value}'\n"),
        ),
        Place::Base64 => ("yaml", format!("app:\n  blob: {}\n", b64(value.as_bytes()))),
        _ => return None,
    })
}

/// Neutral key names (nothing in the name says "secret").
const NEUTRAL: &[&str] = &["note", "value", "setting", "extra", "data", "param"];

/// Fill a class template with secrets `s`, `s2`; returns the text and what must not leak.
fn fill(template: &str, s: &str, s2: &str) -> (String, Vec<String>) {
    let n = Lcg(s.bytes().map(u64::from).sum()).digits(8);
    let h = hex(format!("{s}{s2}{s}").as_bytes());
    let h2 = hex(format!("{s2}{s}{s2}").as_bytes());
    let sha = b64(format!("{s}{s2}x").as_bytes())[..27].to_string() + "=";
    let up = b64(format!("ci:{s}{s2}").as_bytes());
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        format!("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC{s}{s2}").repeat(12)
    );
    let sa = format!(
        "{{\"type\": \"service_account\", \"project_id\": \"p\", \"private_key_id\": \"{s2}\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEv{s}{s2}\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"a@p.iam.gserviceaccount.com\"}}"
    );
    let text = template
        .replace("{SHA}{B}", &format!("{{SHA}}{sha}"))
        .replace("{B64UP}", &up)
        .replace("{B64PEM}", &b64(pem.as_bytes()))
        .replace("{B64SA}", &b64(sa.as_bytes()))
        .replace("{B64S}", &b64(format!("{s}{s2}").as_bytes()))
        .replace("{H2}", &h2)
        .replace("{H}", &h)
        .replace("{N}", &n)
        .replace("{S2}", s2)
        .replace("{S}", s);
    let mut secrets = Vec::new();
    if template.contains("{S}") {
        secrets.push(s.to_string());
    }
    if template.contains("{S2}") || template.contains("{B64") {
        secrets.push(s2.to_string());
    }
    if template.contains("{B64") {
        secrets.push(s.to_string());
    }
    if template.contains("{N}") {
        secrets.push(n);
    }
    if template.contains("{H}") {
        secrets.push(h);
    }
    if template.contains("{B}") {
        secrets.push(sha);
    }
    (text, secrets)
}

/// Every vector for one variant: (staging, prod), aligned by index.
pub fn vectors(variant: Variant, seed: u64) -> (Vec<Vector>, Vec<Vector>) {
    let mut staging = Vec::new();
    let mut prod = Vec::new();
    let mut rng = Lcg(seed);
    let mut n = 0usize;
    let mut push = |name: String, ext: &str, a: (String, Vec<String>), b: (String, Vec<String>)| {
        let file = format!(
            "v{n:03}_{}.{ext}",
            name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        );
        n += 1;
        staging.push(Vector {
            name: name.clone(),
            file: file.clone(),
            content: a.0,
            secrets: a.1,
        });
        prod.push(Vector {
            name,
            file,
            content: b.0,
            secrets: b.1,
        });
    };
    // 1. The catalogue: each entry in three places (rotating through all).
    for (i, e) in CATALOGUE.iter().enumerate() {
        for k in 0..3 {
            let p = PLACES[(i * 3 + k) % PLACES.len()];
            let seed = rng.next();
            let whole = |t: &str| find(t) == std::slice::from_ref(&(0..t.len()));
            let (a, b) = pair(
                variant,
                |j| {
                    let t = mutate(e.example, e.marker, &mut Lcg(seed + u64::from(j) * 7919));
                    if whole(&t) {
                        return t;
                    }
                    // The shape is stricter than the mutation: step the last character instead.
                    let mut t = e.example.to_string();
                    for _ in 0..=j {
                        t = one_apart(&t);
                    }
                    if whole(&t) { t } else { e.example.to_string() }
                },
                whole,
            );
            let key = NEUTRAL[(i + k) % NEUTRAL.len()];
            let (p, (ext, sa), (_, sb)) = match (place(p, key, &a), place(p, key, &b)) {
                (Some(x), Some(y)) => (p, x, y),
                // Not writable there (quotes, spaces, newlines): under a YAML key.
                _ => (
                    Place::Yaml,
                    place(Place::Yaml, key, &a).unwrap(),
                    place(Place::Yaml, key, &b).unwrap(),
                ),
            };
            // What must not leak: the random part after the marker (the
            // prefix, a URL's scheme and host are public and appear in reports).
            let tail = |t: &str| -> Vec<String> {
                let at = t.find(e.marker).map_or(0, |p| p + e.marker.len());
                // A fixed path word after the marker (`services/`, `webhookb2/`) is public.
                let rest = &t[at..];
                let rest = match rest.split_once('/') {
                    Some((word, r))
                        if word
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                            && word.bytes().any(|b| b.is_ascii_lowercase()) =>
                    {
                        r
                    }
                    _ => rest,
                };
                let alnum = rest.bytes().filter(u8::is_ascii_alphanumeric).count();
                // Teams URLs carry a fixed `IncomingWebhook` segment between random ones.
                let rest = rest.replace("IncomingWebhook", "\u{0}");
                if alnum >= 8 { vec![rest] } else { Vec::new() }
            };
            push(
                format!("{}-{p:?}", e.id),
                ext,
                (sa, tail(&a)),
                (sb, tail(&b)),
            );
        }
    }
    // 2. Classes that are not single tokens.
    for (name, ext, template) in CLASSES {
        let seed = rng.next();
        let make = |j: u64| {
            let mut r = Lcg(seed + j * 104_729);
            (r.alnum(14), r.alnum(12))
        };
        let (s1, s2) = make(0);
        let (t1, t2) = match variant {
            Variant::Identical => (s1.clone(), s2.clone()),
            Variant::Different => make(1),
            Variant::OneApart => (one_apart(&s1), s2.clone()),
        };
        push(
            (*name).to_string(),
            ext,
            fill(template, &s1, &s2),
            fill(template, &t1, &t2),
        );
    }
    (staging, prod)
}

/// 6-character windows of `secret`, of its base64 (three alignments) and of its hex.
fn windows(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_string()];
    for pad in ["", "x", "xy"] {
        let e = b64(format!("{pad}{secret}").as_bytes());
        // Only the part that depends on the secret alone.
        let skip = (pad.len() * 4).div_ceil(3) + 1;
        if e.len() > skip + 10 {
            forms.push(e[skip..e.len() - 4].to_string());
        }
    }
    forms.push(hex(secret.as_bytes()));
    let mut out = Vec::new();
    for f in forms {
        let chars: Vec<char> = f.chars().collect();
        out.extend(chars.windows(6).map(|w| w.iter().collect::<String>()));
    }
    out
}

/// Output without fingerprints (12+ hex digits would match hex windows by
/// chance), also where a summary cut one short (`<secret fp=778555c…`: a
/// random key's fingerprint matched a window of a secret of digits).
fn scrub(output: &str) -> String {
    regex::Regex::new(r"fp=[0-9a-f]{1,64}|[0-9a-f]{12,64}")
        .unwrap()
        .replace_all(output, "#")
        .into_owned()
}

/// The vectors (name, piece) that leak in `output`.
pub fn leaks(output: &str, vectors: &[&Vector]) -> Vec<(String, String)> {
    let output = scrub(output);
    // Every 6-character window of the output, once: each check is a lookup.
    let chars: Vec<char> = output.chars().collect();
    let seen: std::collections::HashSet<String> = chars
        .windows(6)
        .map(|w| w.iter().collect::<String>())
        .collect();
    let mut out = Vec::new();
    for v in vectors {
        for s in &v.secrets {
            if let Some(w) = windows(s).into_iter().find(|w| seen.contains(w)) {
                // Where it was printed, so a report names the code path.
                let at = output.find(&w).unwrap_or(0);
                let from = output.floor_char_boundary(at.saturating_sub(40));
                let to = output.ceil_char_boundary((at + w.len() + 40).min(output.len()));
                out.push((v.name.clone(), format!("{w}` in `{}", &output[from..to])));
                break;
            }
        }
    }
    out
}

const RUNS: &[&[&str]] = &[
    &["diff", "staging", "prod"],
    &["diff", "staging", "prod", "-v"],
    &["diff", "staging", "prod", "--format", "json"],
    &["diff", "staging", "prod", "--format", "json", "-v"],
    &["diff", "staging", "prod", "--format", "sarif"],
    &["diff", "staging", "prod", "--format", "github", "-v"],
    &["diff", "staging", "prod", "--format", "markdown", "-v"],
];

/// Write a variant's corpus into a fresh tree.
pub fn tree_of(staging: &[Vector], prod: &[Vector]) -> Tree {
    let tree = Tree::new(&[]);
    for v in staging {
        tree.write(&format!("staging/{}", v.file), &v.content);
    }
    for v in prod {
        tree.write(&format!("prod/{}", v.file), &v.content);
    }
    tree
}

/// Run driftcheck, or the binary named by `LEAK_CORPUS_BIN` (to measure
/// another build against the same corpus; the assertion still applies).
fn run_with(
    dir: &std::path::Path,
    args: &[&str],
    summary: &std::path::Path,
) -> crate::harness::Run {
    let Some(bin) = std::env::var_os("LEAK_CORPUS_BIN") else {
        return crate::harness::driftcheck_with_env(dir, args, &[("GITHUB_STEP_SUMMARY", summary)]);
    };
    let out = std::process::Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("NO_COLOR", "1")
        .env("GITHUB_STEP_SUMMARY", summary)
        .output()
        .expect("run the other binary");
    crate::harness::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_generated_leak_corpus_never_prints_a_secret() {
    let mut total = 0;
    let mut leaked: Vec<String> = Vec::new();
    for (variant, seed) in [
        (Variant::Different, 11),
        (Variant::Identical, 23),
        (Variant::OneApart, 37),
    ] {
        let (staging, prod) = vectors(variant, seed);
        total += staging.len();
        let tree = tree_of(&staging, &prod);
        let all: Vec<&Vector> = staging.iter().chain(prod.iter()).collect();
        let summary = tree.path().join("summary.md");
        for args in RUNS {
            let run = run_with(tree.path(), args, &summary);
            assert_ne!(run.code, 2, "{args:?}\n{}", run.all());
            for (name, piece) in leaks(&run.all(), &all) {
                leaked.push(format!("{name} leaked `{piece}` ({variant:?} {args:?})"));
            }
        }
        let s = std::fs::read_to_string(&summary).unwrap_or_default();
        for (name, piece) in leaks(&s, &all) {
            leaked.push(format!(
                "{name} leaked `{piece}` ({variant:?} step summary)"
            ));
        }
    }
    leaked.sort();
    let vectors_leaking: std::collections::BTreeSet<&str> =
        leaked.iter().filter_map(|l| l.split(' ').next()).collect();
    println!(
        "leak corpus: {total} vectors (x2 environments), {} leaking runs, {} leaking vectors",
        leaked.len(),
        vectors_leaking.len()
    );
    assert!(total >= 300, "only {total} vectors");
    assert!(
        leaked.is_empty(),
        "{} leaks:\n{}",
        leaked.len(),
        leaked.join("\n")
    );
}

#[test]
fn the_corpus_generator_makes_the_variants_it_promises() {
    let (s, p) = vectors(Variant::Identical, 1);
    assert!(s.iter().zip(&p).all(|(a, b)| a.content == b.content));
    let (s, p) = vectors(Variant::Different, 1);
    let same = s
        .iter()
        .zip(&p)
        .filter(|(a, b)| a.content == b.content)
        .count();
    assert!(same * 20 < s.len(), "{same} of {} vectors alike", s.len());
    let (s, p) = vectors(Variant::OneApart, 1);
    let apart = s
        .iter()
        .zip(&p)
        .filter(|(a, b)| a.content != b.content)
        .count();
    assert!(apart * 10 > s.len() * 9, "{apart} of {}", s.len());
}

/// Outside the drift report: `trailers` (human and JSON) never echoes a
/// secret-looking trailer or near miss, and an error about a bad
/// `driftcheck.toml` never quotes a token in it.
#[test]
fn trailers_and_config_errors_never_echo_secrets() {
    let token = "ghp_R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9Ke";
    let pw = "Qz7mWx2Lp9Vk";
    let tree = Tree::new(&[(
        "msg.txt",
        &format!(
            "Change the pool\n\nToken: {token}\nPassword: {pw}\nNote: uses {token}\nSigned-off-by: A <a@example.com>\nPasword = {pw}x\n"
        ),
    )]);
    for args in [
        &["trailers", "--message-file", "msg.txt"][..],
        &["trailers", "--message-file", "msg.txt", "--format", "json"],
    ] {
        let run = tree.run(args);
        let all = run.all();
        assert_eq!(run.code, 0, "{all}");
        assert!(all.contains("Signed-off-by"), "{all}");
        for s in [token, pw] {
            let v = Vector {
                name: "trailer".into(),
                file: String::new(),
                content: String::new(),
                secrets: vec![s[4..].to_string()],
            };
            assert!(leaks(&all, &[&v]).is_empty(), "{args:?}\n{all}");
        }
    }
    let tree = Tree::new(&[
        (
            "driftcheck.toml",
            &format!(
                "[env.prod]\nrender = [\"helm\", \"--set\", \"token={token}\", 42]\nroot = \"{token}\"\nrender_timeout = [\"{token}\"]\n"
            ),
        ),
        ("prod/a.yaml", "a: 1\n"),
    ]);
    let run = tree.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(!run.all().contains("R2d9Xk"), "{}", run.all());
}

/// File names with ESC, BEL or a newline never reach any output raw.
#[test]
fn file_names_with_control_characters_are_escaped_everywhere() {
    let name = "ev\u{1b}[31mil\u{7}\nx.yaml";
    let tree = Tree::new(&[]);
    tree.write(&format!("staging/{name}"), "a: 1\n");
    tree.write(&format!("prod/{name}"), "a: 2\n");
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let run = tree.run(&["diff", "staging", "prod", "--format", format]);
        assert_eq!(run.code, 0, "{}", run.all());
        assert!(
            !run.stdout.contains(['\u{1b}', '\u{7}']) && !run.stdout.contains("ev\u{1b}"),
            "{format}: {:?}",
            run.stdout
        );
        assert!(!run.stdout.contains("il\u{7}\nx"), "{format}");
    }
}

/// A layer whose root is a symbolic link leaving the repository is refused
/// (exit 2) at every depth of the link, and nothing it holds is printed.
#[cfg(unix)]
#[test]
fn a_symlinked_layer_outside_the_repository_is_refused() {
    let secret = "Zq8LmXp3Vt7Wk2Rn9Hs4";
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("a.yaml"), format!("note: {secret}\n")).unwrap();
    for root in ["prod", "layers/prod", "a/b/prod"] {
        let tree = Tree::new(&[
            (
                "driftcheck.toml",
                &format!("[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"{root}\"\n"),
            ),
            ("staging/a.yaml", "note: x\n"),
        ]);
        let link = tree.path().join(root);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(outside.path(), &link).unwrap();
        for args in [
            &["diff", "staging", "prod"][..],
            &["diff", "staging", "prod", "--format", "json"],
            &["check"],
        ] {
            let run = tree.run(args);
            assert_eq!(run.code, 2, "{root} {args:?}: {}", run.all());
            assert!(!run.all().contains(&secret[..6]), "{}", run.all());
        }
    }
}
