//! A legal answer never produces a broken deliverable: for every embedded pack, hundreds of
//! random answer sets that pass validation (adversarial text included) are rendered, and
//! every tree must be free of control characters, its YAML must pass strict yamllint and
//! its JSON must parse; a sample then goes through gofmt, `go vet` and `go build` in one
//! workspace. The generator is seeded, so a failure names an answer set that reproduces.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value, json};

use scaffold::answers::{base_context, collect_given, resolve};
use scaffold::pack::{self, Catalog};
use scaffold::project_record::{self, ProjectRecord};
use scaffold::render::Engine;

use crate::support::{Sandbox, check_output, go_env, require_tool};

/// Answer sets per pack (the bot's are split between its two platforms).
const PER_PACK: usize = 200;
/// Projects built with the Go toolchain, spread over the packs.
const GO_SAMPLE: usize = 20;
const SEED: [u8; 32] = *b"scaffold answers property seed!!";

/// Pieces of text chosen to break naive escaping in YAML, JSON, Go, Markdown, HTML and
/// Dockerfiles, mixed with ordinary words and non-ASCII text.
const TOKENS: &[&str] = &[
    "word",
    "Service",
    "API",
    "\"",
    "'",
    "\\",
    "\\n",
    "\\\"",
    "{{",
    "}}",
    "{{{",
    "{{x}}",
    "\\{{",
    "*/",
    "/*",
    "//",
    "</script>",
    "<!--",
    "-->",
    ":",
    "#",
    "-",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "```",
    "${HOME}",
    "$(id)",
    "$1",
    "[",
    "]",
    "{",
    "}",
    ",",
    "?",
    "~",
    "null",
    "true",
    "no",
    "0x1F",
    "1e3",
    "---",
    "...",
    "&anchor",
    "*alias",
    "!!str",
    "%TAG",
    "é",
    "ünïcödé",
    "☃",
    "🎉",
    "👩‍💻",
    "日本語",
    "עברית",
    "ﬁ",
    "e\u{301}",
    "\u{a0}",
    "Ω",
    "a\u{200d}b",
    "'single'",
    "\"double\"",
    "key: value",
    "- item",
    "# comment",
];

/// One line of text: tokens joined by single spaces or nothing, sometimes padded with
/// spaces that scaffold trims.
fn text(max_tokens: usize) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (prop::sample::select(TOKENS), any::<bool>()),
            1..=max_tokens,
        ),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(tokens, pad_start, pad_end)| {
            let mut out = String::new();
            for (i, (token, spaced)) in tokens.iter().enumerate() {
                if i > 0 && *spaced {
                    out.push(' ');
                }
                out.push_str(token);
            }
            // A token joined without a space may leave none that is not a space.
            if out.trim().is_empty() {
                out.push_str("word");
            }
            format!(
                "{}{out}{}",
                if pad_start { " " } else { "" },
                if pad_end { " " } else { "" }
            )
        })
}

fn project_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]([a-z0-9-]{0,14}[a-z0-9])?",
        1 => "[a-z][a-z0-9-]{38}[a-z0-9]",
    ]
    .prop_filter("reserved by the go tool", |n| {
        n != "testdata" && n != "vendor"
    })
}

fn handle() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?",
        1 => "[A-Za-z0-9][A-Za-z0-9-]{37}[A-Za-z0-9]",
    ]
}

/// A module path Go accepts; `index` keeps each one distinct for the workspace.
fn module_path(index: usize) -> impl Strategy<Value = String> {
    (
        "[a-z0-9]{1,8}(\\.[a-z0-9-]{0,6}[a-z0-9]){0,2}",
        prop::collection::vec("[A-Za-z0-9_-]{1,6}(\\.[A-Za-z_]{1,4})?(~[a-z])?", 0..3),
    )
        .prop_map(move |(host, segments)| {
            let mut path = host;
            for segment in segments {
                path.push('/');
                path.push_str(&segment);
            }
            format!("{path}/m{index}x")
        })
        .prop_filter("a name Windows reserves", |path| {
            !path.split('/').any(|element| {
                let stem = element.split('.').next().unwrap_or_default();
                ["con", "prn", "aux", "nul"].contains(&stem.to_ascii_lowercase().as_str())
                    || (stem.len() == 4
                        && ["com", "lpt"].contains(&stem[..3].to_ascii_lowercase().as_str()))
            })
        })
}

/// A Go duration within what the packs' regex and Go accept, up to Go's longest.
fn duration() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u64..=9_223_372_036_854).prop_map(|n| format!("{n}ms")),
        (1u64..=9_223_372_036).prop_map(|n| format!("{n}s")),
        (1u64..=153_722_867).prop_map(|n| format!("{n}m")),
        (1u64..=120).prop_map(|n| format!("{n}s")),
        Just("153722867m".to_owned()),
        Just("9223372036854ms".to_owned()),
    ]
}

/// Resource names: random ones, Go keywords and predeclared names, names of generated
/// packages and routes, and the longest allowed.
fn resource(reserved: Vec<String>) -> impl Strategy<Value = String> {
    const NAMED: &[&str] = &[
        "type",
        "func",
        "map",
        "chan",
        "range",
        "select",
        "go",
        "var",
        "string",
        "error",
        "int",
        "any",
        "nil",
        "len",
        "true",
        "context",
        "time",
        "http",
        "json",
        "store",
        "server",
        "config",
        "middleware",
        "healthz",
        "readyz",
        "metrics",
        "item",
        "items",
        "person",
        "category",
        "box",
        "address",
        "branch",
        "line_item",
        "request",
        "response",
        "options",
        "handler",
        "routes",
        "input",
        "list",
        "status_code",
        "problems",
        "abcdefghijklmnop",
        "abcdefghij_klmny",
        "x",
        "a1_b2_c3",
    ];
    prop_oneof![
        1 => prop::sample::select(NAMED).prop_map(str::to_owned),
        2 => "[a-z][a-z0-9]{0,5}(_[a-z0-9]{1,4}){0,2}",
    ]
    .prop_filter("reserved by the pack", move |r| {
        r.chars().count() <= 16 && !reserved.contains(r)
    })
}

/// The values every pack shares.
fn common(index: usize) -> impl Strategy<Value = Map<String, Value>> {
    (
        project_name(),
        text(24),
        text(6),
        handle(),
        module_path(index),
        prop::sample::select(&["MIT", "Apache-2.0", "BSD-3-Clause"][..]),
    )
        .prop_map(|(name, description, author, handle, module, license)| {
            json!({
                "project_name": name,
                "description": description,
                "author": author,
                "author_handle": handle,
                "module_path": module,
                "license": license,
            })
            .as_object()
            .cloned()
            .unwrap_or_default()
        })
}

fn with(mut base: Map<String, Value>, extra: Value) -> Map<String, Value> {
    if let Value::Object(extra) = extra {
        base.extend(extra);
    }
    base
}

fn answers_for(pack: &str, index: usize, reserved: &[String]) -> BoxedStrategy<Map<String, Value>> {
    match pack {
        "healthcheck" => (
            common(index),
            duration(),
            100i64..=599,
            0i64..=100,
            1i64..=1000,
        )
            .prop_map(|(base, timeout, status, retries, concurrency)| {
                with(
                    base,
                    json!({"timeout": timeout, "expected_status": status,
                           "retries": retries, "concurrency": concurrency}),
                )
            })
            .boxed(),
        "rest-api" => (
            common(index),
            resource(reserved.to_vec()),
            prop_oneof![Just(1i64), Just(65535i64), 1i64..=65535],
            any::<bool>(),
            duration(),
        )
            .prop_map(|(base, resource, port, metrics, shutdown)| {
                with(
                    base,
                    json!({"resource": resource, "port": port, "with_metrics": metrics,
                           "shutdown_timeout": shutdown}),
                )
            })
            .boxed(),
        "bot-telegram" => common(index)
            .prop_map(|base| with(base, json!({"platform": "telegram"})))
            .boxed(),
        "bot-discord" => (common(index), 1i64..=65535, any::<bool>())
            .prop_map(|(base, port, metrics)| {
                with(
                    base,
                    json!({"platform": "discord", "port": port, "with_metrics": metrics}),
                )
            })
            .boxed(),
        other => panic!("no generator for {other}"),
    }
}

/// One generated project: which pack, the answers as given, where it was rendered.
struct Case {
    pack: &'static str,
    answers: Map<String, Value>,
    dir: String,
}

/// Renders `case` in process exactly as `scaffold new --defaults --answers FILE` does:
/// the pack's default components, the answers file read and validated, defaults resolved.
fn render(
    catalog: &Catalog,
    engine: &Engine,
    root: &Path,
    case: &Case,
) -> Vec<scaffold::render::RenderedFile> {
    let pack_name = case.pack.strip_prefix("bot-").map_or(case.pack, |_| "bot");
    let chosen = catalog.get(pack_name).unwrap();
    let components = pack::select_components(catalog, chosen, &[], &[]).unwrap();
    let composed = pack::compose(chosen, &components);
    // Through a real answers file, so YAML reading is part of what is tested; JSON is YAML.
    let file = root.join(format!("{}.answers.yaml", case.dir));
    fs::write(&file, serde_json::to_string_pretty(&case.answers).unwrap()).unwrap();
    let given = collect_given(&composed, Some(&file), &["year=2026".to_owned()], None)
        .unwrap_or_else(|err| {
            panic!(
                "{}: generated answers were refused: {err:#}\n{:#?}",
                case.dir, case.answers
            )
        });
    let identity = scaffold::git::Identity {
        name: String::new(),
        email: String::new(),
    };
    let base = base_context(
        &composed,
        &components,
        pack::globals().unwrap(),
        2026,
        &identity,
    );
    let resolution = resolve(&composed, engine, &base, given, None)
        .unwrap_or_else(|err| panic!("{}: resolving failed: {err:#}", case.dir));
    let data = Value::Object(resolution.context.clone());
    let pieces: Vec<&pack::Pack> = std::iter::once(&composed)
        .chain(components.iter().copied())
        .collect();
    let mut files = engine
        .render_project(&pieces, &data)
        .unwrap_or_else(|err| panic!("{}: rendering failed: {err:#}", case.dir));
    let mut recorded = resolution.answers.clone();
    recorded.insert("year".into(), Value::from(2026));
    let mut record = ProjectRecord::new(&composed, recorded);
    record.components = components.iter().map(|c| c.name().to_owned()).collect();
    let yaml = record.to_yaml().unwrap();
    // `scaffold add` reads the answers back: they must survive the trip unchanged.
    let read_back = ProjectRecord::from_yaml(&yaml).unwrap_or_else(|err| {
        panic!(
            "{}: .scaffold.yaml does not parse: {err:#}\n{yaml}",
            case.dir
        )
    });
    assert_eq!(
        read_back.answers, record.answers,
        "{}: .scaffold.yaml:\n{yaml}",
        case.dir
    );
    files.push(scaffold::render::RenderedFile {
        path: project_record::FILE_NAME.to_owned(),
        contents: yaml.into_bytes(),
        executable: false,
    });
    files
}

/// Control characters other than line feed and tab, and the Unicode line breaks.
fn control_character(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
    })
}

fn generate_cases(catalog: &Catalog) -> Vec<Case> {
    let reserved: Vec<String> = catalog
        .get("rest-api")
        .unwrap()
        .variable("resource")
        .and_then(|v| v.validate.as_ref())
        .map(|rule| {
            rule.forbid
                .iter()
                .flat_map(|group| group.values.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
    );
    let per_pack = per_pack();
    let plan: [(&'static str, usize); 4] = [
        ("healthcheck", per_pack),
        ("rest-api", per_pack),
        ("bot-telegram", per_pack / 2),
        ("bot-discord", per_pack / 2),
    ];
    let mut cases = Vec::new();
    for (pack, count) in plan {
        for _ in 0..count {
            let index = cases.len();
            let answers = answers_for(pack, index, &reserved)
                .new_tree(&mut runner)
                .unwrap()
                .current();
            cases.push(Case {
                pack,
                answers,
                dir: format!("p{index:03}"),
            });
        }
    }
    cases
}

/// Answer sets per pack: [`PER_PACK`], or `PROPTEST_CASES` while working on a failure.
fn per_pack() -> usize {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(PER_PACK)
}

/// YAML files as written, not Helm templates (Go templates until helm renders them; the
/// component tests lint the rendered chart).
fn is_linted_yaml(path: &str) -> bool {
    let chart_template = path.starts_with("deploy/helm/") && path.contains("/templates/");
    (path.ends_with(".yaml") || path.ends_with(".yml")) && !chart_template
}

/// Writes `files` under the case's directory; each must be UTF-8 without control
/// characters, and JSON files must parse.
fn write_and_check(root: &Path, case: &Case, files: &[scaffold::render::RenderedFile]) {
    let dir = root.join(&case.dir);
    for file in files {
        let path = dir.join(&file.path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &file.contents).unwrap();
        let text = std::str::from_utf8(&file.contents).unwrap_or_else(|err| {
            panic!(
                "{}/{}: not UTF-8: {err}\n{:#?}",
                case.dir, file.path, case.answers
            )
        });
        if let Some((at, c)) = control_character(text) {
            panic!(
                "{}/{}: control character {c:?} at byte {at}\nanswers: {:#?}",
                case.dir, file.path, case.answers
            );
        }
        if file.path.ends_with(".json") {
            serde_json::from_str::<Value>(text).unwrap_or_else(|err| {
                panic!(
                    "{}/{}: invalid JSON: {err}\n{:#?}",
                    case.dir, file.path, case.answers
                )
            });
        }
    }
}

#[test]
fn random_legal_answers_render_clean_yaml_json_and_go() {
    let yamllint = require_tool("yamllint");
    let go = require_tool("go");
    let sandbox = Sandbox::new();
    let root = sandbox.work();
    let catalog = pack::builtin_catalog().unwrap();
    let cases = generate_cases(&catalog);

    // Rendering dominates: one engine per thread (an engine is not shared between threads).
    let started = std::time::Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = cases.len().div_ceil(threads);
    let rendered: Vec<Vec<(usize, Vec<scaffold::render::RenderedFile>)>> =
        std::thread::scope(|scope| {
            let workers: Vec<_> = cases
                .chunks(chunk)
                .enumerate()
                .map(|(n, part)| {
                    let (catalog, root) = (&catalog, &root);
                    scope.spawn(move || {
                        let engine = Engine::new().unwrap();
                        part.iter()
                            .enumerate()
                            .map(|(i, case)| {
                                let files = render(catalog, &engine, root, case);
                                write_and_check(root, case, &files);
                                (n * chunk + i, files)
                            })
                            .collect()
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });

    let mut yaml_files: Vec<PathBuf> = Vec::new();
    let mut distinct_yaml = std::collections::HashSet::new();
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for (index, files) in rendered.into_iter().flatten() {
        let case = &cases[index];
        let entry = counts.entry(case.pack).or_default();
        entry.0 += 1;
        for file in &files {
            if is_linted_yaml(&file.path) {
                entry.1 += 1;
                // Identical files get identical verdicts: lint each content once.
                if distinct_yaml.insert(file.contents.clone()) {
                    yaml_files.push(PathBuf::from(&case.dir).join(&file.path));
                }
            }
            if file.path.ends_with(".json") {
                entry.2 += 1;
            }
        }
    }

    let rendered_in = started.elapsed();
    // One yamllint over every YAML file, with the rules the component tests use: the
    // defaults with the projects' own .yamllint.yml relaxation (lines up to 100 columns, for
    // actions pinned by SHA).
    let output = sandbox
        .command(&yamllint)
        .env_remove("YAMLLINT_CONFIG_FILE")
        .args(["-s", "-f", "parsable", "-d"])
        .arg("{extends: default, rules: {line-length: {max: 100}}}")
        .args(&yaml_files)
        .output()
        .unwrap();
    let findings = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !findings.trim().is_empty() {
        let mut report = String::new();
        for line in findings.lines().take(20) {
            let dir = line.split('/').next().unwrap_or_default();
            let answers = cases
                .iter()
                .find(|c| c.dir == dir)
                .map(|c| serde_json::to_string(&c.answers).unwrap())
                .unwrap_or_default();
            report.push_str(&format!("{line}\n    answers: {answers}\n"));
        }
        panic!(
            "yamllint -s found problems in generated YAML ({}):\n{report}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let linted_in = started.elapsed() - rendered_in;
    // A sample through the Go toolchain, in one workspace.
    let step = cases.len() / GO_SAMPLE;
    let sample: Vec<&Case> = cases.iter().step_by(step).take(GO_SAMPLE).collect();
    let go_version = pack::globals().unwrap()["go_version"]
        .as_str()
        .unwrap()
        .to_owned();
    let uses: String = sample.iter().map(|c| format!("\t./{}\n", c.dir)).collect();
    fs::write(
        root.join("go.work"),
        format!("go {go_version}\n\nuse (\n{uses})\n"),
    )
    .unwrap();
    let patterns: Vec<String> = sample
        .iter()
        .map(|c| format!("{}/...", c.answers["module_path"].as_str().unwrap()))
        .collect();
    let goroot = check_output(go_env(&mut sandbox.command(&go)).args(["env", "GOROOT"]));
    let gofmt = Path::new(goroot.trim()).join("bin/gofmt");
    let dirs: Vec<&str> = sample.iter().map(|c| c.dir.as_str()).collect();
    let unformatted = check_output(sandbox.command(&gofmt).arg("-l").args(&dirs));
    assert!(
        unformatted.trim().is_empty(),
        "gofmt -l lists:\n{unformatted}"
    );
    check_output(go_env(&mut sandbox.command(&go)).arg("vet").args(&patterns));
    check_output(
        go_env(&mut sandbox.command(&go))
            .arg("build")
            .args(&patterns),
    );

    let total_yaml: usize = counts.values().map(|c| c.1).sum();
    eprintln!(
        "property test: {} answer sets rendered ({}), {total_yaml} YAML files ({} distinct) \
         passed yamllint -s, {} JSON files parsed, {} projects passed gofmt, go vet and go \
         build; rendering {rendered_in:.1?}, yamllint {linted_in:.1?}, go {:.1?}",
        cases.len(),
        counts
            .iter()
            .map(|(pack, (n, yaml, json))| format!("{pack}: {n} sets, {yaml} YAML, {json} JSON"))
            .collect::<Vec<_>>()
            .join("; "),
        yaml_files.len(),
        counts.values().map(|c| c.2).sum::<usize>(),
        sample.len(),
        started.elapsed() - rendered_in - linted_in,
    );
    assert!(cases.len() >= 3 * per_pack() && sample.len() >= 20);
}
