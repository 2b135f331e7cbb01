//! A `.goreleaser.yaml` equivalent to a build plan, for teams that release with GoReleaser.

use std::fmt::Write as _;

use super::go::BUILD_FLAGS;
use super::targets::Target;
use super::{Plan, Project};

/// The file's name, at the project root.
pub const FILE_NAME: &str = ".goreleaser.yaml";

/// GoReleaser (version 2) configuration that builds the same binaries, archives and
/// checksum file as `scaffold build` for `plan`'s project and targets.
pub fn render(plan: &Plan) -> String {
    let Project {
        name,
        binary,
        main,
        extra_ldflags,
        ..
    } = &plan.project;
    let mut yaml = String::from(
        "---\n\
         # GoReleaser configuration equivalent to `scaffold build`: the same\n\
         # targets, flags, version stamps, archive names and SHA256SUMS. Written by\n\
         # `scaffold build --emit-goreleaser`; check it with `goreleaser check`.\n\
         version: 2\n\n",
    );
    let _ = writeln!(yaml, "project_name: {}\n", quote(name));
    yaml.push_str("builds:\n");
    let _ = writeln!(yaml, "  - id: {}", quote(binary));
    let _ = writeln!(yaml, "    main: {}", quote(main));
    let _ = writeln!(yaml, "    binary: {}", quote(binary));
    yaml.push_str("    env:\n      - CGO_ENABLED=0\n    flags:\n");
    for flag in BUILD_FLAGS {
        let _ = writeln!(yaml, "      - {flag}");
    }
    yaml.push_str(
        "    ldflags:\n\
         \x20     - -s -w\n\
         \x20     - \"-X main.version={{ .Version }}\"\n\
         \x20     - \"-X main.commit={{ .FullCommit }}\"\n\
         \x20     - \"-X main.date={{ .CommitDate }}\"\n",
    );
    if let Some(extra) = extra_ldflags {
        let _ = writeln!(yaml, "      - {}", quote(extra.trim()));
    }
    yaml.push_str(
        "    # Binaries dated by the commit, so the same tag builds the same bytes.\n\
         \x20   mod_timestamp: \"{{ .CommitTimestamp }}\"\n\
         \x20   targets:\n",
    );
    for target in &plan.targets {
        let _ = writeln!(yaml, "      - {}", target_name(target));
    }
    yaml.push_str("\narchives:\n");
    let _ = writeln!(yaml, "  - id: {}", quote(name));
    let _ = writeln!(yaml, "    ids:\n      - {}", quote(binary));
    yaml.push_str(
        "    formats:\n\
         \x20     - tar.gz\n\
         \x20   format_overrides:\n\
         \x20     - goos: windows\n\
         \x20       formats:\n\
         \x20         - zip\n\
         \x20   name_template: >-\n\
         \x20     {{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}\n\
         \x20   builds_info:\n\
         \x20     owner: root\n\
         \x20     group: root\n\
         \x20     mtime: \"{{ .CommitDate }}\"\n\
         \x20   files:\n",
    );
    for doc in plan.project.docs() {
        let _ = writeln!(
            yaml,
            "      - src: {doc}\n\
             \x20       info:\n\
             \x20         owner: root\n\
             \x20         group: root\n\
             \x20         mode: 0644\n\
             \x20         mtime: \"{{{{ .CommitDate }}}}\""
        );
    }
    yaml.push_str(
        "\nchecksum:\n\
         \x20 name_template: SHA256SUMS\n\
         \x20 algorithm: sha256\n",
    );
    yaml
}

/// GoReleaser's `GOOS_GOARCH_VARIANT` with the variant Go uses by default (or the one the
/// environment sets), so GoReleaser builds the same code as `go build` here.
fn target_name(target: &Target) -> String {
    let variant = |var: &str, default: &str| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    let suffix = match target.arch.as_str() {
        "amd64" => Some(variant("GOAMD64", "v1")),
        "arm64" => Some(variant("GOARM64", "v8.0")),
        "arm" => Some(variant("GOARM", "7")),
        "386" => Some(variant("GO386", "sse2")),
        "mips" | "mipsle" => Some(variant("GOMIPS", "hardfloat")),
        "mips64" | "mips64le" => Some(variant("GOMIPS64", "hardfloat")),
        "ppc64" | "ppc64le" => Some(variant("GOPPC64", "power8")),
        "riscv64" => Some(variant("GORISCV64", "rva20u64")),
        _ => None,
    };
    match suffix {
        Some(suffix) => format!("{}_{suffix}", target.slug()),
        None => target.slug(),
    }
}

/// `text` as a YAML scalar: plain when that is unambiguous, else double-quoted.
fn quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '.')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+".contains(c))
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
        && text.parse::<f64>().is_err();
    if plain {
        text.to_owned()
    } else {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_carry_go_default_variants() {
        let name = |t: &str| target_name(&Target::parse(t).unwrap());
        if std::env::var_os("GOAMD64").is_none() {
            assert_eq!(name("linux/amd64"), "linux_amd64_v1");
        }
        if std::env::var_os("GOARM64").is_none() {
            assert_eq!(name("darwin/arm64"), "darwin_arm64_v8.0");
        }
        assert_eq!(name("js/wasm"), "js_wasm");
    }

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(quote("orders-api"), "orders-api");
        assert_eq!(quote("./cmd/orders-api"), "./cmd/orders-api");
        assert_eq!(quote("on"), "\"on\"");
        assert_eq!(quote("1.5"), "\"1.5\"");
        assert_eq!(quote("-X main.a=\"b c\""), "\"-X main.a=\\\"b c\\\"\"");
    }
}
