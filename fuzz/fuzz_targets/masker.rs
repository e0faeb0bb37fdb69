#![no_main]
//! The masker: every entry point on arbitrary text (see `common::masker`).
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| common::masker(data));
