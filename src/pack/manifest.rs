//! The pack manifest (`pack.yaml`): what a pack declares about itself.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A parsed `pack.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// What users type after `scaffold new`.
    pub name: String,
    /// One line shown by `scaffold list` and the pack prompt.
    pub description: String,
    /// Recorded in `.scaffold.yaml` so updates know what a project was made from.
    pub version: String,
    /// A project pack (rendered by `scaffold new`) or a component added to one.
    #[serde(default)]
    pub kind: PackKind,
    /// Projects: whether the project runs as a long-lived network service, which
    /// components (compose, Helm, image publishing) use to decide what to render:
    /// `true`, `false`, or a condition over the answers (`(eq platform "discord")`).
    #[serde(default)]
    pub service: Service,
    /// Components: only useful for services (a Helm chart), so never offered to other packs.
    #[serde(default)]
    pub services_only: bool,
    /// Projects: the components enabled unless `--without` says otherwise.
    #[serde(default)]
    pub components: Vec<String>,
    /// Questions, asked in this order.
    #[serde(default)]
    pub variables: Vec<Variable>,
    /// Files and directories rendered only when a condition holds.
    #[serde(default)]
    pub files: Vec<FileRule>,
    /// Globs of files copied byte for byte, never rendered.
    #[serde(default)]
    pub raw: Vec<String>,
    /// Globs of files written with the executable bit.
    #[serde(default)]
    pub executable: Vec<String>,
    /// Files this version moved, old path → new path (rendered paths): `scaffold update`
    /// carries the user's edits of the old file to the new one.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub renamed: std::collections::BTreeMap<String, String>,
    /// The pack this one builds on (an embedded or installed pack's name): its variables,
    /// files, partials and components are inherited, and this pack's own win.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Paths or globs of inherited files to leave out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
    /// Commands run in the project after it is written: argv lists run after `scaffold
    /// new`; `{run: [...], on: [generate, update]}` says when.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<Hook>,
    /// The scaffold versions the pack works with, e.g. `>=0.2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<String>,
    /// What `scaffold pack test` runs on every rendered project. Absent: gofmt, go vet,
    /// go test and go build for a pack that renders a `go.mod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<Check>>,
}

/// One check `scaffold pack test` runs on the rendered projects.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Check {
    /// A check scaffold knows: `gofmt`, `go vet`, `go test`, `go build`, `hadolint`,
    /// `actionlint`, `yamllint` or `helm lint`.
    Named(String),
    /// A command run in each rendered project's directory, e.g. `[make, lint]`.
    Command(Vec<String>),
}

/// Whether a project is a network service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Service {
    Always(bool),
    /// Decided by the answers, e.g. a bot that is a service on one platform only.
    When(String),
}

impl Default for Service {
    fn default() -> Self {
        Service::Always(false)
    }
}

impl Service {
    /// False only when the pack can never be a service.
    pub fn possible(&self) -> bool {
        !matches!(self, Service::Always(false))
    }
}

/// What a manifest describes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackKind {
    /// A whole project, rendered by `scaffold new`.
    #[default]
    Project,
    /// A piece added to any project: a Dockerfile, a Helm chart, CI workflows.
    Component,
}

/// One question a pack asks.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: VariableKind,
    /// The question text; the name is used when absent.
    #[serde(default)]
    pub prompt: Option<String>,
    /// A longer explanation shown by `scaffold list`.
    #[serde(default)]
    pub help: Option<String>,
    /// The default; a string default is a template over earlier answers.
    #[serde(default)]
    pub default: Option<Value>,
    /// Allowed values of `choice` and `multi-choice` variables.
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub validate: Option<Validation>,
    /// Smallest allowed value of an `int` variable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest allowed value of an `int` variable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Ask only when this Handlebars expression over earlier answers holds.
    #[serde(default)]
    pub when: Option<String>,
}

impl Variable {
    /// The question shown to the user.
    pub fn question(&self) -> &str {
        self.prompt.as_deref().unwrap_or(&self.name)
    }
}

/// The type of a variable's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VariableKind {
    String,
    Bool,
    Int,
    Choice,
    MultiChoice,
}

impl VariableKind {
    /// How the type is spelt in manifests and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            VariableKind::String => "string",
            VariableKind::Bool => "bool",
            VariableKind::Int => "int",
            VariableKind::Choice => "choice",
            VariableKind::MultiChoice => "multi-choice",
        }
    }
}

/// Rules a value must follow beyond its type. Every rule is optional; the first one broken
/// is reported. String values are single-line unless `multiline` says otherwise.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Validation {
    /// A regular expression the value (as text) must match; empty matches anything.
    #[serde(default)]
    pub regex: String,
    /// Shown when `regex` does not match.
    #[serde(default)]
    pub message: String,
    /// The most characters a string may have, e.g. where a name ends up in a
    /// Kubernetes object name or a line of YAML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// Values refused because generated code already uses them, each group with its reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbid: Vec<Forbidden>,
    /// A syntax checked by scaffold itself: `duration` (a Go `time.Duration`) or
    /// `go-module-path` (a path `go build` accepts in go.mod).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// Allows line breaks (LF) and tabs in a string; other control characters stay refused.
    #[serde(default)]
    pub multiline: bool,
}

/// Values a variable may not take, and why.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Forbidden {
    pub values: Vec<String>,
    pub message: String,
}

/// A value syntax scaffold checks itself, where a regex cannot (ranges, overflow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// What Go's `time.ParseDuration` accepts, so the generated program can parse its default.
    Duration,
    /// A module path the go command accepts in go.mod.
    GoModulePath,
}

/// A glob over template paths and the condition under which those files are rendered.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileRule {
    pub path: String,
    pub when: String,
}

/// One post-generate command.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
// Read through a JSON value: the YAML reader does not take untagged enums of a list and a map.
#[serde(try_from = "Value", untagged)]
pub enum Hook {
    /// `[go, mod, tidy]`: runs after `scaffold new` only.
    Command(Vec<String>),
    /// `{run: [go, mod, tidy], on: [generate, update]}`.
    Scheduled(ScheduledHook),
}

impl TryFrom<Value> for Hook {
    type Error = String;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        if value.is_array() {
            serde_json::from_value(value)
                .map(Hook::Command)
                .map_err(|err| format!("a hook list holds only words: {err}"))
        } else {
            serde_json::from_value(value).map(Hook::Scheduled).map_err(|err| {
                format!("a hook is a list of words or `{{run: [...], on: [generate, update]}}`: {err}")
            })
        }
    }
}

/// A hook with the events it runs on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledHook {
    pub run: Vec<String>,
    pub on: Vec<HookEvent>,
}

/// When a hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HookEvent {
    /// After `scaffold new` wrote the project.
    Generate,
    /// After `scaffold update` changed the project.
    Update,
}

impl Hook {
    /// The command and its arguments.
    pub fn argv(&self) -> &[String] {
        match self {
            Hook::Command(argv) | Hook::Scheduled(ScheduledHook { run: argv, .. }) => argv,
        }
    }

    /// Whether the hook runs after `event`; a plain command list runs only after generation,
    /// so updates never re-run what a pack meant to run once.
    pub fn runs_on(&self, event: HookEvent) -> bool {
        match self {
            Hook::Command(_) => event == HookEvent::Generate,
            Hook::Scheduled(hook) => hook.on.contains(&event),
        }
    }
}

#[cfg(test)]
mod hook_tests {
    use super::*;

    #[test]
    fn hooks_parse_in_both_forms() {
        let hooks: Vec<Hook> =
            serde_saphyr::from_str("- [touch, a]\n- run: [touch, b]\n  on: [update]\n").unwrap();
        assert_eq!(hooks[0], Hook::Command(vec!["touch".into(), "a".into()]));
        assert!(hooks[0].runs_on(HookEvent::Generate) && !hooks[0].runs_on(HookEvent::Update));
        assert!(hooks[1].runs_on(HookEvent::Update) && !hooks[1].runs_on(HookEvent::Generate));
        assert_eq!(hooks[1].argv(), ["touch", "b"]);
        let direct: ScheduledHook = serde_saphyr::from_str("run: [x]\non: [update]\n").unwrap();
        assert_eq!(direct.on, [HookEvent::Update]);
    }
}
