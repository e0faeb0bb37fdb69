//! detect-secrets (Yelp, PyPI) as a differential peer on the generated leak
//! corpus: every secret it flags must be masked in every driftcheck output,
//! and the counts each side catches that the other misses are printed.
//!
//! Needs `detect-secrets` (and the `python3` it runs on); a bare clone skips.

use std::collections::BTreeSet;
use std::process::Command;

use crate::leak_corpus::{Variant, leaks, tree_of, vectors};

/// Scan every file under a directory in-process, so the secret text (not
/// only its SHA-1) comes back: `[{"file", "line", "type", "secret"}]`.
const SCAN: &str = r#"
import json, os, sys
from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings
root = sys.argv[1]
sc = SecretsCollection(root=root)
files = []
for d, _, fs in os.walk(root):
    files += [os.path.relpath(os.path.join(d, f), root) for f in fs]
with default_settings():
    for f in sorted(files):
        sc.scan_file(f)
out = [{"file": f, "line": s.line_number, "type": s.type, "secret": s.secret_value} for f, s in sc]
print(json.dumps(out))
"#;

/// The part of a flagged string that is secret: after a catalogued prefix
/// (`github_pat_`, `sb_secret_`) or a URL's scheme and host, which reports show.
fn secret_part(s: &str) -> &str {
    let s = match s.find("://") {
        Some(p) => s[p + 3..]
            .split_once('/')
            .map_or(&s[p + 3..], |(_, rest)| rest),
        None => s,
    };
    // A fixed lowercase path word (`services/`) is public too.
    let s = match s.split_once('/') {
        Some((word, rest)) if word.bytes().all(|b| b.is_ascii_lowercase()) => rest,
        _ => s,
    };
    // detect-secrets' keyword rule runs on past the value into the next
    // libpq pair (`pw,tail user=app`): trailing ` name=value` pairs are public.
    let mut s = s;
    while let Some(p) = s.rfind(' ')
        && s[p + 1..].split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        })
    {
        s = &s[..p];
    }
    // Only a token the catalogue matches loses its marker (a short marker
    // like `pat` or `:` also occurs inside random text).
    let Some(r) = driftcheck::secrets::find_tokens(s).into_iter().next() else {
        return s;
    };
    let token = &s[r];
    driftcheck::secrets::CATALOGUE
        .iter()
        .filter_map(|e| token.find(e.marker).map(|p| &token[p + e.marker.len()..]))
        .filter(|rest| rest.len() >= 8)
        .min_by_key(|rest| rest.len())
        .unwrap_or(token)
}

#[test]
fn every_secret_detect_secrets_flags_is_masked() {
    if !crate::harness::tool("detect-secrets", &["--version"])
        || !crate::harness::tool("python3", &["--version"])
    {
        return;
    }
    let (staging, prod) = vectors(Variant::Different, 11);
    let tree = tree_of(&staging, &prod);
    let out = Command::new("python3")
        .args(["-c", SCAN])
        .arg(tree.path())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "detect-secrets scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let flagged: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("the scan prints JSON");
    let mut output = String::new();
    for args in [
        &["diff", "staging", "prod", "-v"][..],
        &["diff", "staging", "prod", "--format", "json", "-v"],
        &["diff", "staging", "prod", "--format", "sarif"],
    ] {
        let run = tree.run(args);
        assert_ne!(run.code, 2, "{}", run.all());
        output.push_str(&run.all());
    }
    // Each flagged secret as a one-secret vector, checked like the corpus.
    let mut printed = Vec::new();
    let mut files_flagged = BTreeSet::new();
    let mut checkable = 0;
    for f in &flagged {
        let secret = f["secret"].as_str().unwrap_or("");
        let file = f["file"].as_str().unwrap_or("");
        files_flagged.insert(file.rsplit('/').next().unwrap_or(file).to_string());
        if secret.chars().count() < 6 {
            continue; // a rule name only (`ghp`), nothing to search for
        }
        checkable += 1;
        let v = crate::leak_corpus::Vector {
            name: format!(
                "{file}:{} ({})",
                f["line"],
                f["type"].as_str().unwrap_or("")
            ),
            file: file.to_string(),
            content: String::new(),
            secrets: vec![secret_part(secret).to_string()],
        };
        printed.extend(
            leaks(&output, &[&v])
                .into_iter()
                .map(|(n, w)| format!("{n}: `{w}`")),
        );
    }
    // What driftcheck masks that detect-secrets does not flag at all.
    let missed_by_peer = staging
        .iter()
        .filter(|v| !v.secrets.is_empty() && !files_flagged.contains(&v.file))
        .count();
    println!(
        "detect-secrets: {} findings ({checkable} with a secret of 6+ characters) on {} vectors; \
         flagged by detect-secrets but printed by driftcheck: {}; \
         vectors masked by driftcheck that detect-secrets does not flag: {missed_by_peer}",
        flagged.len(),
        staging.len(),
        printed.len(),
    );
    assert!(
        printed.is_empty(),
        "driftcheck prints secrets detect-secrets flags:\n{}",
        printed.join("\n")
    );
}
