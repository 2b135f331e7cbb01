use std::borrow::Cow;

use serde_json::{Value, json};

use super::*;
use crate::answers::{base_context, collect_given, resolve};
use crate::git::Identity;
use crate::pack::{PackSource, TemplateFile, builtin_catalog, globals};

fn engine() -> Engine {
    Engine::new().unwrap()
}

fn render(template: &str, data: Value) -> String {
    engine().render_str("test", template, &data).unwrap()
}

#[test]
fn helpers_convert_case_and_pick_defaults() {
    let data = json!({"name": "line_item", "empty": "", "list": ["a", "b"], "year": 2031});
    assert_eq!(
        render(
            "{{pascal_case name}} {{camel_case name}} {{kebab_case name}} {{snake_case name}} {{screaming_snake_case name}}",
            data.clone()
        ),
        "LineItem lineItem line-item line_item LINE_ITEM"
    );
    assert_eq!(render("{{plural name}}", data.clone()), "line_items");
    assert_eq!(
        render("{{upper name}}/{{lower \"AbC\"}}", data.clone()),
        "LINE_ITEM/abc"
    );
    assert_eq!(
        render(
            "{{default empty \"x\"}}{{default name \"y\"}}",
            data.clone()
        ),
        "xline_item"
    );
    assert_eq!(
        render("{{#if (contains list \"b\")}}yes{{/if}}", data.clone()),
        "yes"
    );
    assert_eq!(
        render(
            "{{#if (and (eq name \"line_item\") (not empty))}}ok{{/if}}",
            data.clone()
        ),
        "ok"
    );
    assert_eq!(render("(c) {{year}}", data.clone()), "(c) 2031");
    assert_eq!(
        render("{{json text}}", json!({"text": "say \"hi\" \\ bye"})),
        r#""say \"hi\" \\ bye""#
    );
}

#[test]
fn html_is_not_escaped_and_braces_can_be_literal() {
    let data = json!({"name": "a&b<c>"});
    assert_eq!(render("{{name}}", data.clone()), "a&b<c>");
    assert_eq!(
        render(r"run: echo $\{{ github.sha }} {{name}}", data.clone()),
        "run: echo ${{ github.sha }} a&b<c>"
    );
    assert_eq!(
        render(r"image: \{{ .Values.image.repository }}", data),
        "image: {{ .Values.image.repository }}"
    );
}

#[test]
fn unknown_variables_name_the_template_and_line() {
    let err = engine()
        .render_str(
            "pack `p`: files/main.go",
            "line one\n{{missing}}\n",
            &json!({}),
        )
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("pack `p`: files/main.go line 2"), "{err}");
    assert!(err.contains("missing"), "{err}");
}

#[test]
fn conditions_use_variables_and_helpers() {
    let engine = engine();
    let data = json!({"on": true, "platform": "discord"});
    assert!(engine.condition("t", "on", &data).unwrap());
    assert!(
        !engine
            .condition("t", "(eq platform \"telegram\")", &data)
            .unwrap()
    );
    let unknown = engine
        .condition("t", "nope", &data)
        .unwrap_err()
        .to_string();
    assert!(unknown.contains("`nope`"), "{unknown}");
    assert!(engine.condition("t", "(eq nope \"x\")", &data).is_err());
}

fn synthetic_pack(files: &[(&str, &'static [u8])], extra: &str) -> Pack {
    let manifest = serde_saphyr::from_str(&format!(
        "name: demo\ndescription: d\nversion: 1.0.0\nvariables:\n  - {{name: project_name, type: string}}\n{extra}"
    ))
    .unwrap();
    Pack {
        manifest,
        source: PackSource::Builtin,
        partials: Vec::new(),
        content_hash: String::new(),
        files: files
            .iter()
            .map(|(path, contents)| TemplateFile {
                path: (*path).to_owned(),
                contents: Cow::Borrowed(*contents),
            })
            .collect(),
    }
}

#[test]
fn renders_paths_conditions_raw_and_executable_files() {
    let pack = synthetic_pack(
        &[
            (
                "cmd/{{project_name}}/main.go",
                b"package main // {{project_name}}\n",
            ),
            ("metrics/metrics.go", b"package metrics\n"),
            ("{{#if metrics}}extra.txt{{/if}}", b"x"),
            ("assets/raw.tmpl", b"{{ .Go }}"),
            ("scripts/run", b"#!/bin/sh\necho {{project_name}}\n"),
            ("image.bin", &[0xff, 0xfe, b'{', b'{']),
        ],
        "files:\n  - {path: metrics, when: metrics}\nraw: ['assets/**']\n",
    );
    let files = engine()
        .render_pack(&pack, &json!({"project_name": "demo", "metrics": false}))
        .unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "assets/raw.tmpl",
            "cmd/demo/main.go",
            "image.bin",
            "scripts/run"
        ]
    );
    assert_eq!(files[0].contents, b"{{ .Go }}");
    assert_eq!(files[1].contents, b"package main // demo\n");
    assert_eq!(files[2].contents, [0xff, 0xfe, b'{', b'{']);
    assert!(files[3].executable && !files[1].executable);

    let with = engine()
        .render_pack(&pack, &json!({"project_name": "demo", "metrics": true}))
        .unwrap();
    assert!(with.iter().any(|f| f.path == "metrics/metrics.go"));
    assert!(with.iter().any(|f| f.path == "extra.txt"));
}

#[test]
fn refuses_paths_that_leave_the_project() {
    let pack = synthetic_pack(&[("{{project_name}}/x", b"x")], "");
    let err = engine()
        .render_pack(&pack, &json!({"project_name": ".."}))
        .unwrap_err();
    assert!(
        err.to_string().contains("leaves the project directory"),
        "{err}"
    );
}

/// Renders every embedded pack with every component it offers, with defaults, in strict
/// mode: a template that names a variable nobody declares fails here.
#[test]
fn every_builtin_pack_renders_with_every_component() {
    let engine = engine();
    let catalog = builtin_catalog().unwrap();
    for pack in catalog.packs() {
        let components = crate::pack::offered(&catalog, pack);
        let composed = crate::pack::compose(pack, &components);
        let base = base_context(
            &composed,
            &components,
            globals().unwrap(),
            2026,
            &Identity::default(),
        );
        let given = collect_given(&composed, None, &[], Some("demo-app")).unwrap();
        let resolution = resolve(&composed, &engine, &base, given, None).unwrap();
        let pieces: Vec<&Pack> = std::iter::once(&composed).chain(components).collect();
        let files = engine
            .render_project(&pieces, &Value::Object(resolution.context))
            .unwrap();
        assert!(
            files.iter().any(|f| f.path == "go.mod"),
            "{} has no go.mod",
            pack.name()
        );
    }
}

#[test]
fn every_listed_helper_is_registered() {
    let engine = engine();
    for name in super::HELPER_NAMES {
        let result = engine.render_str(
            "test",
            &format!("{{{{{name} \"x\" \"y\"}}}}"),
            &json!({"year": 2026}),
        );
        if let Err(err) = result {
            assert!(
                !format!("{err:#}").contains("not defined"),
                "{name}: {err:#}"
            );
        }
    }
}
