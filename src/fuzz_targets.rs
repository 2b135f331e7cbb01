//! Entry points for fuzzing: the manifest parser and the path renderer, fed arbitrary bytes.
//! `fuzz/` drives them with cargo-fuzz (libFuzzer, nightly); the `stable_fuzz` tests drive
//! them with mutated seeds on stable Rust. Either way, any panic is a bug.

use serde_json::json;

use crate::pack::Manifest;
use crate::packcheck;
use crate::render::Engine;

/// Parses `data` as `pack.yaml` the way `scaffold new` and `scaffold pack check` do.
pub fn manifest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = serde_saphyr::from_str::<Manifest>(text);
    packcheck::check_manifest_text(text);
}

/// Renders `data` as a template path (and as template text) against a fixed context, and
/// reads it as `pack check` does.
pub fn path(data: &[u8]) {
    let Ok(template) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(engine) = Engine::new() else {
        return;
    };
    let context = json!({
        "project_name": "demo",
        "with_metrics": true,
        "port": 8080,
        "features": ["grpc"],
        "year": 2026,
    });
    let _ = engine.render_str("fuzz", template, &context);
    packcheck::scan_template(template);
}

#[cfg(test)]
mod stable_fuzz {
    //! Mutation fuzzing on stable: seeds from the embedded packs, mutated by a fixed-seed
    //! xorshift generator. `SCAFFOLD_FUZZ_ITERATIONS` runs longer (scripts/fuzz.sh).

    use super::*;

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Pieces that make parsers take unusual branches.
    const TOKENS: &[&str] = &[
        "{{",
        "}}",
        "{{#if ",
        "{{/if}}",
        "{{else}}",
        "{{>",
        "\\{{",
        "{{{{raw}}}}",
        "~",
        "..",
        "/",
        ":",
        "- ",
        "\n",
        "  ",
        "&a ",
        "*a",
        "!!str ",
        "[",
        "]",
        "{",
        "}",
        "'",
        "\"",
        "#",
        "|",
        ">-",
        "\u{0}",
        "é",
        "\u{202e}",
        "---\n",
        "null",
        "true",
        "-1",
        "99999999999999999999",
        "variables:\n  - name: x\n    type: bool\n",
    ];

    fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
        let mut data = seed.to_vec();
        for _ in 0..=rng.below(8) {
            let at = rng.below(data.len() + 1);
            match rng.below(4) {
                0 if !data.is_empty() => {
                    let end = (at + rng.below(16)).min(data.len());
                    data.drain(at.min(end)..end);
                }
                1 => {
                    let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                    data.splice(at..at, token.iter().copied());
                }
                2 if !data.is_empty() => {
                    let i = rng.below(data.len());
                    data[i] = rng.next() as u8;
                }
                _ => {
                    // Splice in a slice of itself: repeated structure.
                    let start = rng.below(data.len() + 1);
                    let end = (start + rng.below(64)).min(data.len());
                    let piece = data[start..end].to_vec();
                    data.splice(at..at, piece);
                }
            }
        }
        data
    }

    fn iterations() -> usize {
        std::env::var("SCAFFOLD_FUZZ_ITERATIONS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(100)
    }

    fn seeds(kind: &str) -> Vec<Vec<u8>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seeds = Vec::new();
        for entry in walkdir::WalkDir::new(root.join("templates")).sort_by_file_name() {
            let entry = entry.unwrap();
            let path = entry.path();
            let is_manifest = path.file_name().is_some_and(|n| n == "pack.yaml");
            let relative = path.strip_prefix(root.join("templates")).unwrap();
            match kind {
                "manifest" if is_manifest => seeds.push(std::fs::read(path).unwrap()),
                "path" if entry.file_type().is_file() => {
                    seeds.push(relative.to_string_lossy().into_owned().into_bytes());
                }
                _ => {}
            }
        }
        seeds
    }

    fn run(kind: &str, target: fn(&[u8])) {
        let seeds = seeds(kind);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for seed in &seeds {
            target(seed);
        }
        for _ in 0..iterations() {
            let seed = &seeds[rng.below(seeds.len())];
            target(&mutate(&mut rng, seed));
        }
    }

    #[test]
    fn manifest_parser_never_panics() {
        run("manifest", manifest);
    }

    #[test]
    fn path_renderer_never_panics() {
        run("path", path);
    }
}
