//! The template path renderer and `pack check`'s template reader on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scaffold::fuzz_targets::path(data));
