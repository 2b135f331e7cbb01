//! The manifest parser and `pack check`'s schema checks on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scaffold::fuzz_targets::manifest(data));
