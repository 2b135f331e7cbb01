//! `scaffold add`: components into existing projects, without clobbering anything.

use std::fs;

use crate::support::Sandbox;

fn record(sandbox: &Sandbox, project: &str) -> scaffold::project_record::ProjectRecord {
    let text = fs::read_to_string(sandbox.path(&format!("{project}/.scaffold.yaml"))).unwrap();
    scaffold::project_record::ProjectRecord::from_yaml(&text).unwrap()
}

#[test]
fn adds_a_component_with_the_recorded_answers() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--without",
            "docker",
            "--set",
            "author=Ada Lovelace",
        ])
        .success();
    assert!(!sandbox.path("pinger/Dockerfile").exists());
    let run = sandbox.run(&["add", "docker", "--dir", "pinger"]).success();
    assert!(run.stderr.contains("Added docker"), "{}", run.stderr);
    let dockerfile = fs::read_to_string(sandbox.path("pinger/Dockerfile")).unwrap();
    assert!(dockerfile.contains("./cmd/pinger"), "{dockerfile}");
    assert!(!dockerfile.contains("EXPOSE"), "a CLI exposes no port");
    assert!(
        record(&sandbox, "pinger")
            .components
            .contains(&"docker".to_owned())
    );
    // Adding it again changes nothing and says so.
    let again = sandbox.run(&["add", "docker", "--dir", "pinger"]).success();
    assert!(
        again.stderr.contains("already up to date"),
        "{}",
        again.stderr
    );
}

#[test]
fn conflicts_are_listed_diffed_and_only_overwritten_with_force() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["new", "rest-api", "orders", "--defaults"])
        .success();
    let dockerfile = sandbox.path("orders/Dockerfile");
    fs::write(&dockerfile, "FROM scratch\n").unwrap();

    let before = sandbox.files("orders");
    let refused = sandbox.run(&["add", "docker", "--dir", "orders"]);
    refused.fails_with(
        1,
        &[
            "would overwrite a file that differs: Dockerfile",
            "--dry-run",
            "--force",
        ],
    );
    assert_eq!(
        sandbox.files("orders"),
        before,
        "a refused add wrote something"
    );

    let dry = sandbox
        .run(&["add", "docker", "--dir", "orders", "--dry-run"])
        .success();
    assert!(
        dry.stdout.contains("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("-FROM scratch\n"), "{}", dry.stdout);
    assert_eq!(sandbox.files("orders"), before, "a dry run wrote something");

    sandbox
        .run(&["add", "docker", "--dir", "orders", "--force"])
        .success();
    assert!(
        fs::read_to_string(&dockerfile)
            .unwrap()
            .contains("EXPOSE 8080")
    );
}

#[test]
fn adds_to_a_go_project_scaffold_did_not_generate() {
    let sandbox = Sandbox::new();
    fs::create_dir(sandbox.path("billing")).unwrap();
    fs::write(
        sandbox.path("billing/go.mod"),
        "module github.com/acme/billing/v2\n\ngo 1.25\n",
    )
    .unwrap();
    sandbox
        .run(&[
            "add",
            "license",
            "--dir",
            "billing",
            "--set",
            "author=Acme Ltd",
            "--set",
            "license=BSD-3-Clause",
        ])
        .success();
    let license = fs::read_to_string(sandbox.path("billing/LICENSE")).unwrap();
    assert!(
        license.contains("Acme Ltd") && license.contains("Redistribution"),
        "{license}"
    );
    let recorded = record(&sandbox, "billing");
    assert!(recorded.pack.is_none());
    assert_eq!(recorded.components, ["license"]);
    assert_eq!(
        recorded.answers["module_path"],
        "github.com/acme/billing/v2"
    );
    assert_eq!(recorded.answers["project_name"], "billing");

    sandbox
        .run(&["add", "helm", "--dir", "billing"])
        .fails_with(2, &["is for network services", "--service"]);
    sandbox
        .run(&["add", "helm", "--dir", "billing", "--service"])
        .success();
    assert!(
        sandbox
            .path("billing/deploy/helm/billing/Chart.yaml")
            .is_file()
    );
    assert_eq!(record(&sandbox, "billing").components, ["license", "helm"]);
}

#[test]
fn bad_input_is_refused_before_writing() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["add", "docker"])
        .fails_with(2, &["is not a Go project (it has no go.mod)", "--dir"]);
    sandbox
        .run(&["new", "healthcheck", "pinger", "--defaults"])
        .success();
    let before = sandbox.files("pinger");
    sandbox
        .run(&["add", "dokcer", "--dir", "pinger"])
        .fails_with(2, &["unknown component `dokcer`", "did you mean `docker`?"]);
    sandbox
        .run(&["add", "docker", "--dir", "pinger", "--set", "prot=1"])
        .fails_with(2, &["unknown variable `prot`"]);
    assert_eq!(sandbox.files("pinger"), before);
}

/// Two `scaffold add` at once in one project: the second waits for the first, and both
/// components end up recorded (20 pairs).
#[test]
fn concurrent_adds_both_count() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&[
            "new",
            "healthcheck",
            "template",
            "--defaults",
            "--without",
            "docker,github-actions",
        ])
        .success();
    for pair in 0..20 {
        let project = format!("p{pair}");
        let status = std::process::Command::new("cp")
            .arg("-a")
            .arg(sandbox.path("template"))
            .arg(sandbox.path(&project))
            .status()
            .unwrap();
        assert!(status.success());
        let children: Vec<_> = ["docker", "github-actions"]
            .into_iter()
            .map(|component| {
                sandbox
                    .command(crate::support::BIN)
                    .args(["add", component, "--dir", &project])
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "pair {pair}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let mut components = record(&sandbox, &project).components;
        components.sort();
        assert_eq!(
            components,
            ["docker", "github-actions", "license"],
            "pair {pair}"
        );
        assert!(sandbox.path(&format!("{project}/Dockerfile")).is_file());
        assert!(sandbox.path(&format!("{project}/.github")).is_dir());
    }
}

/// `.scaffold.yaml` is the user's file too: a change keeps their comments, and no change
/// leaves it untouched.
#[cfg(unix)]
#[test]
fn the_record_keeps_comments_and_is_only_written_when_it_changes() {
    use std::os::unix::fs::MetadataExt;
    let sandbox = Sandbox::new();
    sandbox
        .run(&[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--without",
            "docker",
        ])
        .success();
    let path = sandbox.path("pinger/.scaffold.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let commented = text.replace(
        "components:\n",
        "# The client signs off every component.\ncomponents:\n",
    ) + "# Last reviewed by Ada.\n";
    fs::write(&path, &commented).unwrap();

    sandbox.run(&["add", "docker", "--dir", "pinger"]).success();
    let added = fs::read_to_string(&path).unwrap();
    assert!(
        added.contains("# The client signs off every component.\ncomponents:\n")
            && added.contains("# Last reviewed by Ada.\n"),
        "{added}"
    );
    assert!(added.contains("  - docker\n"), "{added}");
    assert!(
        record(&sandbox, "pinger")
            .components
            .contains(&"docker".to_owned())
    );

    // Nothing changes: the file is not rewritten (same inode, same modification time).
    let before = fs::metadata(&path).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    sandbox.run(&["add", "docker", "--dir", "pinger"]).success();
    sandbox
        .run(&["add", "license", "--dir", "pinger"])
        .success();
    let after = fs::metadata(&path).unwrap();
    assert_eq!(
        (after.ino(), after.mtime(), after.mtime_nsec()),
        (before.ino(), before.mtime(), before.mtime_nsec())
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), added);
}

/// A run that finds the project locked by another waits a few seconds, then says so.
#[test]
fn a_locked_project_is_waited_for_then_refused_clearly() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&[
            "new",
            "healthcheck",
            "pinger",
            "--defaults",
            "--without",
            "docker",
        ])
        .success();
    let before = sandbox.files("pinger");
    let held = fs::File::open(sandbox.path("pinger")).unwrap();
    held.lock().unwrap();
    let start = std::time::Instant::now();
    sandbox
        .run(&["add", "docker", "--dir", "pinger"])
        .fails_with(
            1,
            &[
                "another scaffold run is still writing to pinger",
                "try again",
            ],
        );
    assert!(start.elapsed() >= std::time::Duration::from_secs(4));
    assert_eq!(sandbox.files("pinger"), before);
    drop(held);
    sandbox.run(&["add", "docker", "--dir", "pinger"]).success();
}
