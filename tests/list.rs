//! `scaffold list` and the top-level help.

use serde_json::Value;

use crate::support::Sandbox;

#[test]
fn lists_packs_with_descriptions_and_variables() {
    let run = Sandbox::new().run(&["list"]).success();
    assert!(run.stdout.contains("healthcheck 0.2.0"), "{}", run.stdout);
    assert!(run.stdout.contains("rest-api 0.2.0"), "{}", run.stdout);
    assert!(run.stdout.contains("with_metrics"), "{}", run.stdout);
}

#[test]
fn lists_packs_as_json() {
    let run = Sandbox::new().run(&["list", "--json"]).success();
    let packs: Value = serde_json::from_str(&run.stdout).unwrap();
    let names: Vec<&str> = packs["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bot", "healthcheck", "rest-api"]);
    let components: Vec<&str> = packs["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(components, ["docker", "github-actions", "helm", "license"]);
    let rest_api = packs["packs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "rest-api")
        .unwrap();
    assert_eq!(rest_api["service"], true);
    let variables = rest_api["variables"].as_array().unwrap();
    let port = variables.iter().find(|v| v["name"] == "port").unwrap();
    assert_eq!(port["type"], "int");
    assert_eq!(port["default"], 8080);
}

#[test]
fn usage_errors_exit_with_two() {
    let run = Sandbox::new().run(&["new", "--bogus"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--bogus"));
}
