//! The projects the component and security tests generate, one of each pack and component
//! combination a client receives, and helpers to read them and run tools over them.

use std::collections::BTreeMap;
use std::fs;
use std::process::Command;

use serde_json::Value;

use crate::support::Sandbox;

/// One generated project and what its answers promise.
pub struct Project {
    pub pack: &'static str,
    pub name: &'static str,
    pub with: &'static str,
    pub sets: &'static [&'static str],
    /// A long-running network service: compose file, EXPOSE, chart, container image.
    pub service: bool,
    pub port: u16,
    pub metrics: bool,
    /// Values its chart refuses to install without (`helm --set`).
    pub chart_needs: &'static [&'static str],
}

impl Project {
    pub fn has(&self, component: &str) -> bool {
        self.with.split(',').any(|c| c == component)
    }

    /// Runs until stopped — a service, or a worker such as the Telegram bot — so it ships
    /// as a container image and may get a chart; a command-line tool does neither.
    pub fn long_running(&self) -> bool {
        self.service || self.pack == "bot"
    }

    /// Its chart can serve /metrics on a port of its own (`metrics.port`): the REST service
    /// with metrics, whose application reads METRICS_PORT.
    pub fn metrics_port(&self) -> bool {
        self.metrics && self.pack == "rest-api"
    }
}

pub const PROJECTS: &[Project] = &[
    Project {
        pack: "rest-api",
        name: "api-default",
        with: "docker,helm,github-actions",
        sets: &[],
        service: true,
        port: 8080,
        metrics: true,
        chart_needs: &[],
    },
    Project {
        pack: "rest-api",
        name: "api-custom",
        with: "docker,helm,github-actions",
        sets: &["with_metrics=false", "port=9000", "with_auth=true"],
        service: true,
        port: 9000,
        metrics: false,
        chart_needs: &["existingSecret=api-custom-env"],
    },
    Project {
        pack: "healthcheck",
        name: "pinger",
        with: "docker,github-actions",
        sets: &[],
        service: false,
        port: 0,
        metrics: false,
        chart_needs: &[],
    },
];

/// The bot pack: a Discord bot serves an HTTP interactions endpoint (a service), a Telegram
/// bot long-polls (a worker: no port, a chart without Service).
pub const BOT_PROJECTS: &[Project] = &[
    Project {
        pack: "bot",
        name: "bot-discord",
        with: "docker,helm,github-actions",
        sets: &["platform=discord"],
        service: true,
        port: 8080,
        metrics: false,
        chart_needs: &["discord.publicKey=0123456789abcdef"],
    },
    Project {
        pack: "bot",
        name: "bot-telegram",
        with: "docker,helm,github-actions",
        sets: &["platform=telegram"],
        service: false,
        port: 0,
        metrics: false,
        chart_needs: &["existingSecret=bot-telegram-env"],
    },
];

pub fn projects() -> impl Iterator<Item = &'static Project> {
    PROJECTS.iter().chain(BOT_PROJECTS)
}

/// Renders every project into one fresh sandbox.
pub fn generate() -> Sandbox {
    let sandbox = Sandbox::new();
    for project in projects() {
        let mut args = vec![
            "new",
            project.pack,
            project.name,
            "--defaults",
            "--set",
            "year=2026",
            "--with",
            project.with,
        ];
        for set in project.sets {
            args.extend(["--set", set]);
        }
        let run = sandbox.run(&args);
        assert_eq!(
            run.code,
            0,
            "{}: scaffold {} failed:\n{}{}",
            project.name,
            args.join(" "),
            run.stdout,
            run.stderr
        );
    }
    sandbox
}

/// Every file of `project`, relative to the project root, sorted.
pub fn project_files(sandbox: &Sandbox, project: &Project) -> Vec<String> {
    crate::support::read_tree(&sandbox.path(project.name))
        .into_iter()
        .map(|(path, _, _)| path)
        .collect()
}

pub fn read(sandbox: &Sandbox, project: &Project, relative: &str) -> String {
    let path = sandbox.path(&format!("{}/{relative}", project.name));
    fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{}: cannot read {relative}: {err}", project.name))
}

pub fn parse_yaml(project: &Project, relative: &str, text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text)
        .unwrap_or_else(|err| panic!("{}: {relative} is not valid YAML: {err}", project.name))
}

/// The directories holding a Chart.yaml, relative to the project root.
pub fn chart_dirs(files: &[String]) -> Vec<String> {
    files
        .iter()
        .filter_map(|f| f.strip_suffix("/Chart.yaml"))
        .map(str::to_owned)
        .collect()
}

pub fn workflows(files: &[String]) -> Vec<String> {
    files
        .iter()
        .filter(|f| {
            f.starts_with(".github/workflows/") && (f.ends_with(".yml") || f.ends_with(".yaml"))
        })
        .cloned()
        .collect()
}

/// Runs a validator over `paths` (relative to the work directory) and requires it to
/// succeed and print nothing at all.
#[track_caller]
pub fn assert_silent(what: &str, cmd: &mut Command) {
    let output = cmd
        .output()
        .unwrap_or_else(|err| panic!("running {cmd:?}: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.trim().is_empty() && stderr.trim().is_empty(),
        "{what} reported problems ({}):\n{stdout}{stderr}",
        output.status
    );
}

/// Runs a command in the sandbox and returns its stdout, failing with `what` and its output.
#[track_caller]
pub fn run_ok(what: &str, cmd: &mut Command) -> String {
    crate::support::check_streams(what, cmd).0
}

/// helm's multi-document output as (kind, name) -> manifest.
pub fn manifests(what: &str, rendered: &str) -> BTreeMap<(String, String), Value> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(rendered)
        .unwrap_or_else(|err| panic!("{what}: output is not YAML: {err}\n{rendered}"));
    let mut out = BTreeMap::new();
    for doc in docs.into_iter().filter(|d| !d.is_null()) {
        let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
        let name = doc["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            out.insert((kind.clone(), name.clone()), doc).is_none(),
            "{what}: two {kind} named {name}"
        );
    }
    out
}

pub fn of_kind<'a>(docs: &'a BTreeMap<(String, String), Value>, kind: &str) -> Vec<&'a Value> {
    docs.iter()
        .filter(|((k, _), _)| k == kind)
        .map(|(_, v)| v)
        .collect()
}

/// Keys and `env` entries that would carry a credential in a values file.
pub fn literal_secrets(value: &Value, path: &str, found: &mut Vec<String>) {
    let sensitive = |key: &str| {
        let key = key.to_ascii_lowercase();
        ["password", "passwd", "token", "secret", "apikey", "api_key"]
            .iter()
            .any(|s| key.contains(s))
    };
    let filled = |v: &Value| match v {
        Value::String(s) => !s.is_empty(),
        Value::Number(_) => true,
        _ => false,
    };
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(name)), Some(v)) = (map.get("name"), map.get("value"))
                && sensitive(name)
                && filled(v)
            {
                found.push(format!("{path}: {name}={v}"));
            }
            for (key, v) in map {
                let here = format!("{path}.{key}");
                if sensitive(key) && filled(v) {
                    found.push(format!("{here}: {v}"));
                }
                literal_secrets(v, &here, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                literal_secrets(v, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}
