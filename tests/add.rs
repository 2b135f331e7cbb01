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
