use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::*;
use crate::answers::collect_given;
use crate::error::UsageError;
use crate::pack::{PackSource, TemplateFile};
use crate::prompt::ScriptedPrompter;

fn pack() -> Pack {
    let manifest = serde_saphyr::from_str(
        r#"
name: demo
description: d
version: 1.0.0
variables:
  - {name: project_name, type: string, validate: {regex: '^[a-z-]+$', message: lowercase only}}
  - {name: author, type: string}
  - {name: module_path, type: string, default: 'example.com/{{kebab_case author}}/{{project_name}}'}
  - {name: with_metrics, type: bool, default: true}
  - {name: metrics_path, type: string, default: /metrics, when: with_metrics}
  - {name: port, type: int, default: 8080}
  - {name: license, type: choice, choices: [MIT, Apache-2.0], default: MIT}
"#,
    )
    .unwrap();
    Pack {
        manifest,
        source: PackSource::Builtin,
        partials: Vec::new(),
        content_hash: String::new(),
        files: vec![TemplateFile {
            path: "x".into(),
            contents: Cow::Borrowed(b"x"),
        }],
    }
}

fn base() -> Map<String, Value> {
    json!({"year": 2026}).as_object().unwrap().clone()
}

fn given(sets: &[&str], name: Option<&str>) -> Map<String, Value> {
    let sets: Vec<String> = sets.iter().map(|s| (*s).to_owned()).collect();
    collect_given(&pack(), None, &sets, name).unwrap()
}

#[test]
fn defaults_are_templates_over_earlier_answers() {
    let engine = Engine::new().unwrap();
    let resolution = resolve(
        &pack(),
        &engine,
        &base(),
        given(&["author=Ada Lovelace", "port=9000"], Some("orders")),
        None,
    )
    .unwrap();
    assert_eq!(
        resolution.answers["module_path"],
        json!("example.com/ada-lovelace/orders")
    );
    assert_eq!(resolution.answers["port"], json!(9000));
    assert_eq!(resolution.answers["metrics_path"], json!("/metrics"));
    assert!(resolution.asked.is_empty());
}

#[test]
fn missing_required_values_are_listed_together() {
    let engine = Engine::new().unwrap();
    let err = resolve(&pack(), &engine, &base(), given(&[], None), None).unwrap_err();
    assert!(err.is::<UsageError>());
    let message = err.to_string();
    assert!(message.contains("`project_name`, `author`"), "{message}");
    assert!(
        message.contains("--set project_name=VALUE --set author=VALUE"),
        "{message}"
    );
}

#[test]
fn prompts_ask_only_what_is_missing_and_respect_when() {
    let engine = Engine::new().unwrap();
    // author typed, module path default accepted, metrics turned off (so its path is not
    // asked), port typed, license picked.
    let mut prompter = ScriptedPrompter::new(["Grace Hopper", "", "no", "9090", "Apache-2.0"]);
    let resolution = resolve(
        &pack(),
        &engine,
        &base(),
        given(&[], Some("orders")),
        Some(&mut prompter),
    )
    .unwrap();
    assert_eq!(
        prompter.asked,
        ["author", "module_path", "with_metrics", "port", "license"]
    );
    assert_eq!(
        resolution.answers["module_path"],
        json!("example.com/grace-hopper/orders")
    );
    assert_eq!(resolution.answers["with_metrics"], json!(false));
    assert_eq!(resolution.answers["metrics_path"], json!("/metrics"));
    assert_eq!(resolution.answers["license"], json!("Apache-2.0"));
}

#[test]
fn given_values_are_typed_and_validated() {
    let pack = pack();
    let set = |pairs: &[&str]| {
        let pairs: Vec<String> = pairs.iter().map(|s| (*s).to_owned()).collect();
        collect_given(&pack, None, &pairs, None)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        set(&["port=abc"]),
        "invalid value for `port` in --set: expects an int, got `abc`"
    );
    assert!(set(&["licence=MIT"]).contains("did you mean `license`?"));
    assert!(set(&["project_name=Orders"]).contains("lowercase only"));
    assert!(set(&["port"]).contains("--set KEY=VALUE"));
    let name = collect_given(&pack, None, &[], Some("../x"))
        .unwrap_err()
        .to_string();
    assert!(name.starts_with("invalid project name"), "{name}");
}
