//! Shared by every parser target: parse fuzzed text with a planted secret;
//! no panic, no hang (libFuzzer's -timeout), and an error message never
//! holds a piece of the planted secret.

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
            let shown = driftcheck::secrets::redact::redact_error(&e.to_string());
            for w in SECRET.as_bytes().windows(6) {
                let w = std::str::from_utf8(w).unwrap();
                assert!(!shown.contains(w), "{format:?} error quotes the secret: {shown}");
            }
        }
    }
}
