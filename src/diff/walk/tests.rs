use super::*;
use crate::formats::{Format, Limits, parse};
use crate::model::document::documents as identify;
use crate::model::envtoken::EnvTokens;
use crate::secrets::Fingerprinter;

/// Compare two YAML texts as `staging` and `prod`; (rule, key) of each finding.
fn diff(staging: &str, prod: &str) -> Vec<(String, String)> {
    let names = vec!["staging".to_string(), "prod".to_string()];
    let tokens: Vec<EnvTokens> = names.iter().map(|n| EnvTokens::new(n, &[])).collect();
    let ids = EnvTokens::union(&tokens.iter().collect::<Vec<_>>());
    let envs: Vec<Environment> = names
        .iter()
        .zip(tokens)
        .map(|(n, t)| Environment {
            name: n.clone(),
            tokens: t,
            ids: ids.clone(),
            files: vec![],
            root: None,
        })
        .collect();
    let masker = Masker::new(Fingerprinter::with_key(b"k"));
    let docs: Vec<Vec<Doc>> = [staging, prod]
        .iter()
        .map(|t| {
            identify(
                parse(Format::Yaml, t, &Limits::default()).unwrap(),
                "a.yaml",
                "a.yaml",
                &ids,
            )
        })
        .collect();
    let ctx = Ctx {
        names: &names,
        envs: &envs,
        masker: &masker,
        keep_equivalent: false,
        one_environment: false,
    };
    let mut found = Found::default();
    super::documents(&ctx, &[Some(&docs[0][0]), Some(&docs[1][0])], &mut found);
    found
        .findings
        .into_iter()
        .map(|f| (f.rule, f.key.map(|k| k.to_string()).unwrap_or_default()))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn identity_keyed_lists_and_env_value_names() {
    let staging = "env:\n  - name: DB_PASSWORD\n    value: hunter2\n  - name: DATA_PATH\n    value: /var/lib/x\n";
    let prod = "env:\n  - name: DATA_PATH\n    value: /data/x\n  - name: DB_PASSWORD\n    value: hunter2\n";
    assert_eq!(
        diff(staging, prod),
        pairs(&[
            ("drift/credential-reused", "env[name=DB_PASSWORD].value"),
            ("drift/data-path", "env[name=DATA_PATH].value"),
        ])
    );
}

#[test]
fn a_literal_against_a_value_from_reference_is_one_finding() {
    let s = "env:\n  - name: DB_PASSWORD\n    value: hunter2abc\n  - name: LOG_LEVEL\n    value: info\n";
    let p = "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}\n  - name: LOG_LEVEL\n    valueFrom:\n      configMapKeyRef: {name: app, key: level}\n";
    assert_eq!(
        diff(s, p),
        pairs(&[
            ("drift/secret-literal", "env[name=DB_PASSWORD].value"),
            ("drift/value", "env[name=LOG_LEVEL].value"),
        ])
    );
}

#[test]
fn a_secret_is_masked_wherever_it_reappears() {
    // An alias (or a pasted copy) under an innocent key is still the secret.
    let doc = "password: &p hunter2abc\ncopy: *p\nnote: hunter2abc\nlimits: {auth: 500000, max_delay: 500000, per_authorization: 5000}\n";
    assert_eq!(
        diff(doc, doc),
        pairs(&[
            ("drift/credential-reused", "password"),
            ("drift/credential-reused", "copy"),
            ("drift/credential-reused", "note"),
            // A number under a secret-sounding key is masked there, and only
            // there; under a key naming a measure it is a setting.
            ("drift/credential-reused", "limits.auth"),
        ])
    );
}

#[test]
fn equal_documents_and_env_only_differences_find_nothing() {
    let s = "host: db.staging.internal\nlist: [a, b]\nnested: {x: 1}\n";
    let p = "host: db.prod.internal\nlist: [a, b]\nnested: {x: 1}\n";
    assert_eq!(diff(s, p), vec![]);
}

#[test]
fn keys_are_normalised_quoted_and_missing_at_the_top() {
    let s = "staging_db: {host: a}\n\"a.b\": [error]\nsites: {\"example.com\": 1}\n";
    let p = "prod_db: {host: b}\n\"a.b\": [error, timeout]\nsites: {\"example.com\": 2}\nextra: {deep: {x: 1}}\n";
    assert_eq!(
        diff(s, p),
        pairs(&[
            ("drift/value", "{env}_db.host"),
            ("drift/value", "[\"a.b\"]"),
            ("drift/value", "sites[\"example.com\"]"),
            ("drift/missing-key", "extra"),
        ])
    );
}

#[test]
fn unkeyed_lists_align_by_index_and_types_are_compared() {
    let s = "items:\n  - {a: 1}\n  - {a: 2}\nport: 8080\nmode: {x: 1}\n";
    let p = "items:\n  - {a: 1}\nport: \"8080\"\nmode: fast\n";
    assert_eq!(
        diff(s, p),
        pairs(&[
            ("drift/missing-key", "items[1]"),
            ("drift/value", "port"),
            ("drift/value", "mode")
        ])
    );
}

/// One edit apart, at every position: a change, an insertion, a deletion;
/// two edits, or a transposition, are not one.
#[test]
fn one_edit_apart_at_every_position() {
    use super::secrecy::one_edit_apart;
    let k = "532938f2:1223ac0c";
    for i in 0..k.len() {
        let mut changed = k.to_string();
        changed.replace_range(i..=i, "Q");
        assert!(one_edit_apart(k, &changed), "{changed}");
        let mut inserted = k.to_string();
        inserted.insert(i, 'Q');
        assert!(one_edit_apart(k, &inserted) && one_edit_apart(&inserted, k));
        let mut removed = k.to_string();
        removed.remove(i);
        assert!(one_edit_apart(k, &removed), "{removed}");
        let mut two = changed.clone();
        two.insert(0, 'Z');
        assert!(!one_edit_apart(k, &two), "{two}");
    }
    assert!(one_edit_apart(k, k));
    assert!(!one_edit_apart("abcdefgh", "abcdefhg"));
    assert!(!one_edit_apart("abcdefgh", "abcdef"));
}
