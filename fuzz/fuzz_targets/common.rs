//! The fuzz targets' bodies, shared by every target: parse fuzzed text with
//! a planted secret (no panic, no hang under libFuzzer's -timeout, and an
//! error message never holds a piece of the planted secret), and the masker
//! on arbitrary text. `cargo test` runs these same bodies on stable over a
//! fixed corpus of tricky inputs (tests/integration/fuzz_bodies.rs), so CI
//! exercises them without cargo-fuzz.

/// A secret planted after the fuzzed text, under a secret-named key.
pub const SECRET: &str = "Zq8LmXp3Vt7Wk2Rn9Hs4";

pub fn check(format: driftcheck::formats::Format, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = driftcheck::formats::Limits::default();
    for planted in [
        format!("{text}\npassword = {SECRET}\n"),
        format!("password: \"{SECRET}\n{text}"),
    ] {
        if let Err(e) = driftcheck::formats::parse(format, &planted, &limits) {
            let shown = driftcheck::secrets::redact_error(&e.to_string());
            for w in SECRET.as_bytes().windows(6) {
                let w = std::str::from_utf8(w).unwrap();
                assert!(
                    !shown.contains(w),
                    "{format:?} error quotes the secret: {shown}"
                );
            }
        }
    }
}

/// The masker: every entry point on arbitrary text, no panic and no hang;
/// masked ranges are in bounds and on character boundaries (slicing panics
/// otherwise), and a planted token never survives `mask_line`.
pub fn masker(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Every door of the facade (the detectors behind it are private; each
    // door slices the text by the ranges they return, so a range out of
    // bounds or off a character boundary panics here).
    let _ = driftcheck::secrets::holds_secret(text);
    for r in driftcheck::secrets::find_tokens(text) {
        let _ = &text[r];
    }
    let _ = driftcheck::secrets::mask_command_output(text);
    let _ = driftcheck::secrets::mask_command(&[text.to_string()]);
    let masker =
        driftcheck::secrets::Masker::new(driftcheck::secrets::Fingerprinter::with_key(b"fuzz"));
    let env = driftcheck::model::envtoken::EnvTokens::new("prod", &[]);
    let _ = masker.text_file(text, "notes.txt", &env);
    let _ = masker.value(
        Some("note"),
        &driftcheck::model::node::Scalar::string(text),
        driftcheck::secrets::Forced::No,
        &env,
    );
    let _ = driftcheck::secrets::redact_error(text);
    let planted = format!("{text} ghp_R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9Ke");
    let shown = driftcheck::secrets::mask_line(&planted);
    assert!(!shown.contains("R2d9Xk3Lq8Wm4Zt7"), "{shown}");
}
