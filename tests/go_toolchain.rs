//! Generated projects must satisfy the real Go toolchain: gofmt, vet, race tests with
//! coverage, cross builds and their own Makefile. Every pack is checked with its defaults
//! and with a non-default combination, in a few batched `go` invocations over a workspace.

use std::fs;

use crate::support::{Sandbox, check_output, go_env, require_tool};

const PROJECTS: &[(&str, &str, &[&str])] = &[
    ("healthcheck", "hc-default", &[]),
    (
        "healthcheck",
        "hc-custom",
        &[
            "license=Apache-2.0",
            "timeout=10s",
            "expected_status=204",
            "retries=0",
        ],
    ),
    ("rest-api", "api-default", &[]),
    (
        "rest-api",
        "api-custom",
        &[
            "with_metrics=false",
            "with_auth=true",
            "max_items=500",
            "license=BSD-3-Clause",
            "resource=category",
            "port=9000",
        ],
    ),
    ("bot", "bot-telegram", &[]),
    (
        "bot",
        "bot-discord",
        &[
            "platform=discord",
            "license=Apache-2.0",
            "with_metrics=true",
            "port=9000",
        ],
    ),
];

const COVERAGE_FLOOR: f64 = 85.0;

#[test]
fn generated_projects_pass_gofmt_vet_race_tests_and_cross_builds() {
    let go = require_tool("go");
    let sandbox = Sandbox::new();
    let mut modules = Vec::new();
    for (pack, name, sets) in PROJECTS {
        let mut args = vec!["new", pack, name, "--defaults", "--set", "year=2026"];
        for set in *sets {
            args.extend(["--set", set]);
        }
        sandbox.run(&args).success();
        let go_mod = fs::read_to_string(sandbox.path(&format!("{name}/go.mod"))).unwrap();
        let module = go_mod
            .lines()
            .next()
            .unwrap()
            .trim_start_matches("module ")
            .to_owned();
        modules.push(module);
    }
    let uses: String = PROJECTS
        .iter()
        .map(|(_, name, _)| format!("\t./{name}\n"))
        .collect();
    let go_version = scaffold::pack::globals().unwrap()["go_version"]
        .as_str()
        .unwrap()
        .to_owned();
    fs::write(
        sandbox.path("go.work"),
        format!("go {go_version}\n\nuse (\n{uses})\n"),
    )
    .unwrap();
    let patterns: Vec<String> = modules.iter().map(|m| format!("{m}/...")).collect();

    let goroot = check_output(go_env(&mut sandbox.command(&go)).args(["env", "GOROOT"]));
    let gofmt = std::path::Path::new(goroot.trim()).join("bin/gofmt");
    let unformatted = check_output(sandbox.command(&gofmt).args(["-l", "."]));
    assert!(
        unformatted.trim().is_empty(),
        "gofmt -l lists:\n{unformatted}"
    );

    check_output(go_env(&mut sandbox.command(&go)).arg("vet").args(&patterns));

    let tests = check_output(
        go_env(&mut sandbox.command(&go))
            .args(["test", "-race", "-cover", "-count=1"])
            .args(&patterns),
    );
    for line in tests.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            !line.contains("[no test files]"),
            "a package has no tests: {line}"
        );
        if let Some(at) = line.find("coverage: ") {
            let percent: f64 = line[at + 10..].split('%').next().unwrap().parse().unwrap();
            assert!(
                percent >= COVERAGE_FLOOR,
                "coverage below {COVERAGE_FLOOR}%: {line}"
            );
        } else {
            assert!(!line.starts_with("ok"), "no coverage reported: {line}");
        }
    }

    for (goos, goarch) in [
        ("linux", "arm64"),
        ("darwin", "arm64"),
        ("windows", "amd64"),
    ] {
        check_output(
            go_env(&mut sandbox.command(&go))
                .env("CGO_ENABLED", "0")
                .env("GOOS", goos)
                .env("GOARCH", goarch)
                .arg("build")
                .args(&patterns),
        );
    }

    // The projects' own Makefiles, as the client's developers will use them (tests are cached).
    require_tool("make");
    for name in ["hc-default", "api-default", "bot-telegram"] {
        let mut make = sandbox.command("make");
        go_env(&mut make)
            .current_dir(sandbox.path(name))
            .env("PATH", path_with_gofmt(&gofmt))
            .args(["lint", "build"]);
        check_output(&mut make);
        let binary = sandbox.path(&format!("{name}/bin/{name}"));
        let version = check_output(sandbox.command(&binary).arg("-version"));
        assert!(
            version.contains("dev") || version.contains('0'),
            "{version}"
        );
    }
}

fn path_with_gofmt(gofmt: &std::path::Path) -> std::ffi::OsString {
    let mut dirs = vec![gofmt.parent().unwrap().to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap()
}
