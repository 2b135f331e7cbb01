//! Reserved rest-api resource names stay in step with the templates: every name a resource
//! could collide with (store identifiers, OpenAPI schemas and tags, fixed routes) is refused.

use serde_json::Value;

use scaffold::pack;

/// The `forbid:` list of the rest-api `resource` variable must cover every name the
/// templates declare that a resource could collide with: identifiers of the store package
/// (`type {{pascal_case resource}}` sits beside them), OpenAPI schemas and tags, and fixed
/// routes. When a template adds such a name, this test names the value to forbid.
#[test]
fn reserved_resource_names_cover_what_the_templates_declare() {
    use heck::{ToSnakeCase, ToUpperCamelCase};
    let catalog = pack::builtin_catalog().unwrap();
    let rest = catalog.get("rest-api").unwrap();
    let resource = rest.variable("resource").unwrap();
    let refused = |name: &str| scaffold::answers::check(resource, &Value::from(name)).is_err();
    let file = |path: &str| {
        let file = rest
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("rest-api has no files/{path}"));
        String::from_utf8(file.contents.to_vec()).unwrap()
    };
    let mut clashes: Vec<(String, String)> = Vec::new();

    // Identifiers beside `type {{pascal_case resource}}` and `{{pascal_case resource}}Store`.
    let declaration = regex::Regex::new(r"(?m)^(?:func|type|var|const)\s+([A-Za-z_]\w*)").unwrap();
    let store_files: Vec<&str> = rest
        .files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| p.starts_with("internal/store/") && p.ends_with(".go"))
        .collect();
    assert!(!store_files.is_empty());
    for path in store_files {
        for found in declaration.captures_iter(&file(path)) {
            let name = &found[1];
            for stem in [Some(name), name.strip_suffix("Store")]
                .into_iter()
                .flatten()
            {
                let candidate = stem.to_snake_case();
                if candidate.to_upper_camel_case() == stem {
                    clashes.push((candidate, format!("{path}: {name}")));
                }
            }
        }
    }
    // OpenAPI schema names and tags, from the spec rendered for real around a resource name
    // that cannot clash, in every variant of the spec (auth on and off).
    let templates = scaffold::update::render::Templates::current().unwrap();
    let mut spec_names: Vec<(String, bool)> = Vec::new();
    for with_auth in [false, true] {
        let answers: serde_json::Map<String, Value> = serde_json::from_value(serde_json::json!({
            "project_name": "probe", "author": "Probe", "resource": "qqzx",
            "with_auth": with_auth, "year": 2026,
        }))
        .unwrap();
        let rendered = scaffold::update::render::render(
            &templates,
            rest,
            &[],
            &answers,
            serde_json::Map::new(),
            false,
            None,
        )
        .unwrap();
        let text = String::from_utf8(rendered.files["api/openapi.yaml"].clone()).unwrap();
        let spec: Value = serde_saphyr::from_str(&text).unwrap();
        for name in spec["components"]["schemas"].as_object().unwrap().keys() {
            spec_names.push((name.clone(), true));
        }
        for tag in spec["tags"].as_array().unwrap() {
            spec_names.push((tag["name"].as_str().unwrap().to_owned(), false));
        }
    }
    let mut fixed_paths: Vec<String> = Vec::new();
    for (name, schema) in spec_names {
        if name.to_lowercase().contains("qqzx") {
            continue; // the resource's own names
        }
        if !schema {
            fixed_paths.push(name);
            continue;
        }
        let candidate = name.to_snake_case();
        if candidate.to_upper_camel_case() == *name {
            clashes.push((candidate, format!("api/openapi.yaml: schema {name}")));
        }
    }
    // Routes the server registers for itself.
    let route = regex::Regex::new(r#"handle\("[A-Z]+ /([a-z_]+)""#).unwrap();
    for found in route.captures_iter(&file("internal/server/server.go")) {
        fixed_paths.push(found[1].to_owned());
    }
    for path in fixed_paths {
        let singulars = [
            path.strip_suffix("ies").map(|s| format!("{s}y")),
            path.strip_suffix("es").map(str::to_owned),
            path.strip_suffix('s').map(str::to_owned),
        ];
        for candidate in singulars.into_iter().flatten() {
            if scaffold::render::plural(&candidate) == path {
                clashes.push((candidate, format!("route or tag /{path}")));
            }
        }
    }

    let unrefused: Vec<String> = clashes
        .iter()
        .filter(|(candidate, _)| !refused(candidate))
        .map(|(candidate, what)| format!("`{candidate}` ({what})"))
        .collect();
    assert!(
        unrefused.is_empty(),
        "add these to the `forbid:` list of `resource` in templates/rest-api/pack.yaml: {}",
        unrefused.join(", ")
    );
    assert!(clashes.len() >= 8, "found only {clashes:?}");
}
