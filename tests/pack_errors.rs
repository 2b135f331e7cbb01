//! One test per kind of bad custom pack: the message, the exit code, and that nothing was
//! written.

use std::fs;

use crate::packs::{copy_embedded, scaffold, state_dir, tiny_pack, write};
use crate::support::Sandbox;

/// Each bad pack fails with exit 2, one line naming the problem, and writes nothing.
fn refused(sandbox: &Sandbox, pack: &str, needles: &[&str]) {
    scaffold(sandbox, &["new", pack, "demo", "--defaults"]).fails_with(2, needles);
    assert!(
        !sandbox.path("demo").exists(),
        "{pack}: something was written"
    );
}

#[test]
fn malformed_missing_and_oversized_packs_are_refused() {
    let sandbox = Sandbox::new();
    refused(
        &sandbox,
        "./nowhere",
        &["cannot open the pack folder ./nowhere"],
    );
    fs::create_dir_all(sandbox.path("empty")).unwrap();
    refused(&sandbox, "./empty", &["./empty has no pack.yaml"]);

    tiny_pack(&sandbox.path("bad-yaml"), "");
    write(&sandbox.path("bad-yaml"), "pack.yaml", "name: [unclosed\n");
    refused(
        &sandbox,
        "./bad-yaml",
        &["bad-yaml/pack.yaml is not a valid pack manifest"],
    );

    tiny_pack(&sandbox.path("unknown-key"), "colour: red\n");
    refused(
        &sandbox,
        "./unknown-key",
        &["pack.yaml is not a valid pack manifest", "colour"],
    );

    tiny_pack(&sandbox.path("huge"), "");
    let big = fs::File::create(sandbox.path("huge/files/dump.bin")).unwrap();
    big.set_len(11 * 1024 * 1024).unwrap();
    refused(
        &sandbox,
        "./huge",
        &["files/dump.bin is 11 MiB; a pack file may be at most 10 MiB"],
    );
}

#[cfg(target_os = "linux")]
#[test]
fn non_utf8_names_and_symlinks_out_of_the_pack_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::symlink;
    let sandbox = Sandbox::new();
    tiny_pack(&sandbox.path("latin1"), "");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    fs::write(sandbox.path("latin1/files").join(name), "x").unwrap();
    refused(&sandbox, "./latin1", &["not UTF-8: rename it"]);

    tiny_pack(&sandbox.path("leaky"), "");
    write(&sandbox.work(), "secret.txt", "secret");
    symlink(
        sandbox.path("secret.txt"),
        sandbox.path("leaky/files/secret.txt"),
    )
    .unwrap();
    refused(
        &sandbox,
        "./leaky",
        &["leaky/files/secret.txt is a symlink to", "outside the pack"],
    );
}

#[test]
fn rendered_paths_that_escape_or_vanish_are_refused_naming_the_template() {
    let sandbox = Sandbox::new();
    for (pack, value, needle) in [
        ("abs", "/tmp/evil", "which is absolute"),
        ("up", "../evil", "leaves the project directory"),
        ("empty", "", "which is empty"),
    ] {
        // The extra variable continues the tiny manifest's list of variables.
        tiny_pack(
            &sandbox.path(pack),
            "  - {name: where, type: string, default: x}\n",
        );
        write(&sandbox.path(pack), "files/{{where}}", "x");
        let set = format!("where={value}");
        scaffold(
            &sandbox,
            &[
                "new",
                &format!("./{pack}"),
                "demo",
                "--defaults",
                "--set",
                &set,
            ],
        )
        .fails_with(1, &["files/{{where}}", needle]);
        assert!(!sandbox.path("demo").exists());
    }
}

#[test]
fn unknown_parents_and_cycles_of_extends_are_refused() {
    let sandbox = Sandbox::new();
    tiny_pack(&sandbox.path("orphan"), "extends: no-such-pack\n");
    refused(
        &sandbox,
        "./orphan",
        &[
            "extends `no-such-pack`",
            "neither an embedded nor an installed",
        ],
    );

    // A parent is a pack name, never a path: nothing outside the pack can be pulled in.
    tiny_pack(&sandbox.path("sneaky"), "extends: ../secret-pack\n");
    copy_embedded("healthcheck", &sandbox.path("secret-pack"));
    refused(
        &sandbox,
        "./sneaky",
        &[
            "extends `../secret-pack`",
            "neither an embedded nor an installed",
        ],
    );
    // Partials are looked up among the pack's own and the shared ones only.
    tiny_pack(&sandbox.path("peek"), "");
    write(
        &sandbox.path("peek"),
        "files/README.md",
        "{{> ../secret-pack/pack}}\n",
    );
    scaffold(&sandbox, &["new", "./peek", "demo", "--defaults"])
        .fails_with(1, &["files/README.md", "../secret-pack/pack"]);
    assert!(!sandbox.path("demo").exists());

    tiny_pack(&sandbox.path("selfish"), "extends: tiny\n");
    refused(&sandbox, "./selfish", &["extends itself (a cycle)"]);

    // Two installed packs that extend each other.
    tiny_pack(&sandbox.path("base"), "");
    write(
        &sandbox.path("base"),
        "pack.yaml",
        fs::read_to_string(sandbox.path("base/pack.yaml"))
            .unwrap()
            .replace("name: tiny", "name: base"),
    );
    scaffold(&sandbox, &["pack", "install", "./base"]).success();
    tiny_pack(&sandbox.path("child"), "extends: base\n");
    write(
        &sandbox.path("child"),
        "pack.yaml",
        fs::read_to_string(sandbox.path("child/pack.yaml"))
            .unwrap()
            .replace("name: tiny", "name: child"),
    );
    scaffold(&sandbox, &["pack", "install", "./child"]).success();
    let installed_base = state_dir(&sandbox).join("packs/base/pack/pack.yaml");
    let text = fs::read_to_string(&installed_base).unwrap();
    fs::write(&installed_base, format!("{text}extends: child\n")).unwrap();
    // The cycle is named when the child is used from its folder...
    let run = scaffold(&sandbox, &["new", "./child", "demo", "--defaults"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let error = run.stderr.lines().last().unwrap();
    assert!(
        error.starts_with("scaffold: error: pack `child` extends `base`"),
        "{}",
        run.stderr
    );
    assert!(
        error.contains("only one level of extends is supported"),
        "{error}"
    );
    assert!(error.contains("(a cycle)"), "{error}");
    assert!(!sandbox.path("demo").exists());
    // ...and broken installs are left out with a warning, so other packs still work.
    let run = scaffold(&sandbox, &["new", "healthcheck", "demo", "--defaults"]).success();
    assert!(
        run.stderr
            .contains("warning: the installed pack `child` cannot be loaded"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("scaffold pack remove child"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_in_the_destination_leading_out_of_it_is_refused() {
    use std::os::unix::fs::symlink;
    let sandbox = Sandbox::new();
    tiny_pack(&sandbox.path("tiny"), "");
    write(&sandbox.path("tiny"), "files/docs/guide.md", "guide");
    fs::create_dir_all(sandbox.path("demo")).unwrap();
    fs::create_dir_all(sandbox.path("elsewhere")).unwrap();
    symlink(sandbox.path("elsewhere"), sandbox.path("demo/docs")).unwrap();
    scaffold(
        &sandbox,
        &["new", "./tiny", "demo", "--defaults", "--force"],
    )
    .fails_with(
        2,
        &[
            "`docs/guide.md` would be written through",
            "a symlink out of demo",
        ],
    );
    assert_eq!(fs::read_dir(sandbox.path("elsewhere")).unwrap().count(), 0);
    assert!(!sandbox.path("demo/README.md").exists(), "nothing written");
}
