#![no_main]
//! The masker: every entry point on arbitrary text, no panic and no hang;
//! masked ranges are in bounds and on character boundaries (slicing panics
//! otherwise), and a planted token never survives `mask_line`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for r in driftcheck::secrets::values::secret_text(text) {
        let _ = &text[r];
    }
    for r in driftcheck::secrets::generic::find_in_free_text(text) {
        let _ = &text[r];
    }
    let _ = driftcheck::secrets::redact::redact_error(text);
    let planted = format!("{text} ghp_R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9Ke");
    let shown = driftcheck::secrets::mask_line(&planted);
    assert!(!shown.contains("R2d9Xk3Lq8Wm4Zt7"), "{shown}");
});
