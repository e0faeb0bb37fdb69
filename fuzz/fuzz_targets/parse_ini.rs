#![no_main]
//! The ini parser: no panic, no hang, no secret piece in an error.
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check(driftcheck::formats::Format::Ini, data));
