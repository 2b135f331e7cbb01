//! The checks `pack test` runs, each batched over every rendered project: gofmt, go vet,
//! go test and go build through one Go workspace, and the linters once over all the files
//! they apply to. A check whose tool is missing is skipped, or failed when strict.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use walkdir::WalkDir;

use super::{Project, gotrees};
use crate::pack::manifest::Check;

/// The checks scaffold knows by name, in the order they run by default: `go build` first, so
/// `go vet` and `go test` find every package already compiled.
const GO_CHECKS: &[&str] = &["gofmt", "go build", "go vet", "go test"];
const LINTERS: &[&str] = &["hadolint", "actionlint", "yamllint", "helm lint"];

/// Output kept per check: enough to see what failed.
const MAX_OUTPUT: usize = 6000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

/// The result of one check over every project it applies to.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub check: String,
    pub status: Status,
    /// Why it was skipped, or what failed in a word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// How the work was shared out, e.g. "2 distinct Go trees".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The projects it ran on.
    pub projects: Vec<String>,
    /// The projects it failed on.
    pub failed: Vec<String>,
    /// What the tool printed, when it failed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub output: String,
    pub seconds: f64,
}

impl Outcome {
    fn skipped(check: &str, reason: String, strict_missing: bool) -> Self {
        Outcome {
            check: check.to_owned(),
            status: if strict_missing {
                Status::Failed
            } else {
                Status::Skipped
            },
            reason: Some(reason),
            note: None,
            projects: Vec::new(),
            failed: Vec::new(),
            output: String::new(),
            seconds: 0.0,
        }
    }
}

/// Runs the declared checks (or the defaults) and the linters on `projects` under `root`.
pub fn run_all(
    projects: &[&Project],
    declared: Option<&[Check]>,
    root: &Path,
    strict: bool,
) -> Result<Vec<Outcome>> {
    let go_projects: Vec<&Project> = projects
        .iter()
        .copied()
        .filter(|p| p.dir.join("go.mod").is_file())
        .collect();
    let mut wanted: Vec<Check> = match declared {
        Some(checks) => checks.to_vec(),
        None if !go_projects.is_empty() => GO_CHECKS
            .iter()
            .map(|name| Check::Named((*name).to_owned()))
            .collect(),
        None => Vec::new(),
    };
    for linter in LINTERS {
        if !wanted.contains(&Check::Named((*linter).to_owned())) {
            wanted.push(Check::Named((*linter).to_owned()));
        }
    }
    let trees = gotrees::distinct(&go_projects)?;
    let workspaces = if trees.is_empty() {
        Vec::new()
    } else {
        write_workspaces(&trees, root)?
    };
    // `go test` runs part of vet itself; when `go vet` runs anyway that is done twice.
    let vetted = wanted.contains(&Check::Named("go vet".to_owned()));
    let mut outcomes = Vec::new();
    for check in &wanted {
        let started = Instant::now();
        let mut outcome = match check {
            Check::Named(name) => match name.as_str() {
                "gofmt" => gofmt(&go_projects, root, strict),
                "go vet" | "go test" | "go build" => {
                    go_command(name, &name[3..], &workspaces, strict, vetted)
                }
                "hadolint" => linter(name, projects, root, strict, dockerfiles, |tool, files| {
                    let mut cmd = Command::new(tool);
                    cmd.arg("--no-color").args(files);
                    cmd
                }),
                "actionlint" => linter(name, projects, root, strict, workflows, |tool, files| {
                    let mut cmd = Command::new(tool);
                    cmd.arg("-no-color");
                    if let Some(shellcheck) = find_tool("shellcheck") {
                        cmd.arg("-shellcheck").arg(shellcheck);
                    }
                    cmd.args(files);
                    cmd
                }),
                "yamllint" => linter(name, projects, root, strict, yaml_files, |tool, files| {
                    let mut cmd = Command::new(tool);
                    cmd.env_remove("YAMLLINT_CONFIG_FILE")
                        .args(["-s", "-f", "parsable"]);
                    // The rules the project itself sets (`yamllint .` in it reads them);
                    // projects of one pack test share them, so the first one's stand for all.
                    match project_yamllint_config(root, files) {
                        Some(config) => cmd.arg("-c").arg(config),
                        None => cmd.args(["-d", "default"]),
                    };
                    cmd.args(files);
                    cmd
                }),
                "helm lint" => linter(
                    "helm lint",
                    projects,
                    root,
                    strict,
                    charts,
                    |tool, charts| {
                        let mut cmd = Command::new(tool);
                        cmd.args(["lint", "--strict"]).args(charts);
                        cmd
                    },
                ),
                other => Outcome {
                    check: other.to_owned(),
                    status: Status::Failed,
                    reason: Some(format!(
                        "unknown check `{other}`: use one of {}, {}, or a command list such as [make, lint]",
                        GO_CHECKS.join(", "),
                        LINTERS.join(", ")
                    )),
                    note: None,
                    projects: Vec::new(),
                    failed: Vec::new(),
                    output: String::new(),
                    seconds: 0.0,
                },
            },
            Check::Command(argv) => custom(argv, projects, strict),
        };
        outcome.seconds = started.elapsed().as_secs_f64();
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// The executable `name` on PATH.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn missing(check: &str, tool: &str, strict: bool) -> Outcome {
    Outcome::skipped(check, format!("{tool} not on PATH"), strict)
}

/// Runs `cmd`; (success, stdout and stderr).
fn execute(cmd: &mut Command) -> (bool, String) {
    match cmd.output() {
        Ok(output) => {
            let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&output.stderr));
            (output.status.success(), text)
        }
        Err(err) => (false, format!("could not run {cmd:?}: {err}")),
    }
}

fn clip(text: &str) -> String {
    if text.len() <= MAX_OUTPUT {
        return text.trim_end().to_owned();
    }
    let mut end = MAX_OUTPUT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n[… {} more bytes]", &text[..end], text.len() - end)
}

/// The outcome of one batched run: the projects named in the output failed, or all of them
/// when the output names none.
fn judged(
    check: &str,
    names: Vec<String>,
    ok: bool,
    output: &str,
    mentions: &dyn Fn(&str) -> Vec<String>,
) -> Outcome {
    let failed = if ok {
        Vec::new()
    } else {
        let named = mentions(output);
        if named.is_empty() {
            names.clone()
        } else {
            named
        }
    };
    Outcome {
        check: check.to_owned(),
        status: if ok { Status::Passed } else { Status::Failed },
        reason: None,
        note: None,
        projects: names,
        failed,
        output: if ok { String::new() } else { clip(output) },
        seconds: 0.0,
    }
}

fn names_of(projects: &[&Project]) -> Vec<String> {
    projects.iter().map(|p| p.name.clone()).collect()
}

/// The projects whose folder name appears in `output`.
fn mentioned(projects: &[&Project], output: &str) -> Vec<String> {
    projects
        .iter()
        .filter(|p| output.contains(&format!("{}/", p.name)))
        .map(|p| p.name.clone())
        .collect()
}

fn gofmt(projects: &[&Project], root: &Path, strict: bool) -> Outcome {
    if projects.is_empty() {
        return Outcome::skipped("gofmt", "no Go module rendered".into(), false);
    }
    let gofmt = find_tool("gofmt").or_else(|| {
        let go = find_tool("go")?;
        let output = Command::new(go).args(["env", "GOROOT"]).output().ok()?;
        let goroot = String::from_utf8(output.stdout).ok()?;
        Some(Path::new(goroot.trim()).join("bin/gofmt")).filter(|p| p.is_file())
    });
    let Some(gofmt) = gofmt else {
        return missing("gofmt", "gofmt", strict);
    };
    let names = names_of(projects);
    let (ok, output) = execute(Command::new(gofmt).current_dir(root).arg("-l").args(&names));
    let clean = ok && output.trim().is_empty();
    let output = if clean || !ok {
        output
    } else {
        format!("not formatted with gofmt:\n{output}")
    };
    judged("gofmt", names, clean, &output, &|out| {
        mentioned(projects, out)
    })
}

/// A Go workspace: its folder (holding go.work) and the distinct Go trees in it.
struct Workspace<'a> {
    dir: PathBuf,
    /// Each tree's representative, its module path, and every project it stands for.
    projects: Vec<(&'a Project, String, Vec<String>)>,
}

/// Puts the Go projects into as few workspaces as their module paths allow (a workspace may
/// not hold one module path twice): usually one, at `root/go.work`.
fn write_workspaces<'a>(trees: &[gotrees::Tree<'a>], root: &Path) -> Result<Vec<Workspace<'a>>> {
    let mut workspaces: Vec<Workspace<'a>> = Vec::new();
    let mut go_version = String::from("1.21");
    for tree in trees {
        let project = tree.representative;
        let members = tree.members.clone();
        let go_mod = fs::read_to_string(project.dir.join("go.mod"))
            .with_context(|| format!("reading {}/go.mod", project.dir.display()))?;
        let module = go_mod
            .lines()
            .find_map(|line| line.trim().strip_prefix("module "))
            .map(|m| m.trim().trim_matches('"').to_owned())
            .unwrap_or_else(|| project.name.clone());
        if let Some(version) = go_mod.lines().find_map(|l| l.trim().strip_prefix("go ")) {
            let version = version.trim().to_owned();
            if newer(&version, &go_version) {
                go_version = version;
            }
        }
        let slot = workspaces
            .iter()
            .position(|ws| ws.projects.iter().all(|(_, m, _)| *m != module));
        match slot {
            Some(index) => workspaces[index].projects.push((project, module, members)),
            None => {
                let dir = if workspaces.is_empty() {
                    root.to_path_buf()
                } else {
                    root.join(format!("_workspace-{}", workspaces.len() + 1))
                };
                workspaces.push(Workspace {
                    dir,
                    projects: vec![(project, module, members)],
                });
            }
        }
    }
    for ws in &workspaces {
        fs::create_dir_all(&ws.dir).with_context(|| format!("creating {}", ws.dir.display()))?;
        let prefix = if ws.dir == root { "./" } else { "../" };
        let uses: String = ws
            .projects
            .iter()
            .map(|(p, _, _)| format!("\t{prefix}{}\n", p.name))
            .collect();
        let path = ws.dir.join("go.work");
        fs::write(&path, format!("go {go_version}\n\nuse (\n{uses})\n"))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(workspaces)
}

/// Whether Go version `a` (`1.25`, `1.25.3`) is newer than `b`.
fn newer(a: &str, b: &str) -> bool {
    let parse = |v: &str| -> Vec<u64> { v.split('.').map(|n| n.parse().unwrap_or(0)).collect() };
    parse(a) > parse(b)
}

/// `go vet`, `go test` or `go build` over every module of every workspace, one invocation
/// per workspace (almost always one in all).
fn go_command(
    check: &str,
    verb: &str,
    workspaces: &[Workspace],
    strict: bool,
    vetted: bool,
) -> Outcome {
    if workspaces.is_empty() {
        return Outcome::skipped(check, "no Go module rendered".into(), false);
    }
    let Some(go) = find_tool("go") else {
        return missing(check, "go", strict);
    };
    let mut all_names = Vec::new();
    let mut failed = Vec::new();
    let mut outputs = String::new();
    let mut distinct = 0;
    for ws in workspaces {
        let patterns: Vec<String> = ws
            .projects
            .iter()
            .map(|(_, m, _)| format!("{m}/..."))
            .collect();
        let mut cmd = Command::new(&go);
        cmd.current_dir(&ws.dir)
            .env("GOWORK", ws.dir.join("go.work"))
            // Workspace mode allows only the default -mod.
            .env("GOFLAGS", "")
            .arg(verb);
        if verb == "test" && vetted {
            cmd.arg("-vet=off");
        }
        // `go build` of several packages compiles them and writes nothing.
        let (ok, output) = execute(cmd.args(&patterns));
        distinct += ws.projects.len();
        for (_, _, members) in &ws.projects {
            all_names.extend(members.iter().cloned());
        }
        if !ok {
            let named: Vec<&Vec<String>> = ws
                .projects
                .iter()
                .filter(|(p, m, _)| {
                    output.contains(&format!("{}/", p.name)) || output.contains(m.as_str())
                })
                .map(|(_, _, members)| members)
                .collect();
            if named.is_empty() {
                for (_, _, members) in &ws.projects {
                    failed.extend(members.iter().cloned());
                }
            } else {
                failed.extend(named.into_iter().flatten().cloned());
            }
            outputs.push_str(&output);
        }
    }
    let ok = failed.is_empty();
    Outcome {
        check: check.to_owned(),
        status: if ok { Status::Passed } else { Status::Failed },
        reason: None,
        note: (distinct < all_names.len()).then(|| {
            format!(
                "{distinct} distinct Go tree{}",
                if distinct == 1 { "" } else { "s" }
            )
        }),
        projects: all_names,
        failed,
        output: clip(&outputs),
        seconds: 0.0,
    }
}

/// A linter run once over every file (or chart) `select` finds in the projects, with paths
/// relative to `root`.
/// The yamllint configuration of the project the first file belongs to, if it has one.
fn project_yamllint_config(root: &Path, files: &[String]) -> Option<PathBuf> {
    let project = files.first()?.split('/').next()?;
    [".yamllint", ".yamllint.yaml", ".yamllint.yml"]
        .iter()
        .map(|name| root.join(project).join(name))
        .find(|path| path.is_file())
}

fn linter(
    check: &str,
    projects: &[&Project],
    root: &Path,
    strict: bool,
    select: fn(&Path) -> Vec<PathBuf>,
    command: impl Fn(&Path, &[String]) -> Command,
) -> Outcome {
    let mut targets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for project in projects {
        let found: Vec<String> = select(&project.dir)
            .into_iter()
            .filter_map(|path| {
                let relative = path.strip_prefix(root).ok()?;
                Some(relative.to_string_lossy().replace('\\', "/"))
            })
            .collect();
        if !found.is_empty() {
            targets.insert(project.name.clone(), found);
        }
    }
    if targets.is_empty() {
        return Outcome::skipped(check, "no file it applies to was rendered".into(), false);
    }
    let tool = check.split(' ').next().unwrap_or(check);
    let Some(tool_path) = find_tool(tool) else {
        return missing(check, tool, strict);
    };
    let files: Vec<String> = targets.values().flatten().cloned().collect();
    let mut cmd = command(&tool_path, &files);
    cmd.current_dir(root);
    let (ok, output) = execute(&mut cmd);
    let names: Vec<String> = targets.keys().cloned().collect();
    let with_files: Vec<&Project> = projects
        .iter()
        .copied()
        .filter(|p| targets.contains_key(&p.name))
        .collect();
    judged(check, names, ok, &output, &|out| {
        mentioned(&with_files, out)
    })
}

/// A command the pack declares, run in each project's folder.
fn custom(argv: &[String], projects: &[&Project], strict: bool) -> Outcome {
    let check = argv.join(" ");
    let Some((program, args)) = argv.split_first() else {
        return Outcome::skipped(&check, "an empty command".into(), true);
    };
    if !program.contains('/') && find_tool(program).is_none() {
        return missing(&check, program, strict);
    }
    let mut failed = Vec::new();
    let mut outputs = String::new();
    for project in projects {
        let (ok, output) = execute(Command::new(program).args(args).current_dir(&project.dir));
        if !ok {
            failed.push(project.name.clone());
            outputs.push_str(&format!("== {}\n{output}", project.name));
        }
    }
    Outcome {
        status: if failed.is_empty() {
            Status::Passed
        } else {
            Status::Failed
        },
        check,
        reason: None,
        note: None,
        projects: names_of(projects),
        failed,
        output: clip(&outputs),
        seconds: 0.0,
    }
}

fn walk(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && keep(e.path()))
        .map(|e| e.into_path())
        .collect()
}

fn dockerfiles(dir: &Path) -> Vec<PathBuf> {
    walk(dir, |path| {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n == "Dockerfile" || n.ends_with(".Dockerfile"))
    })
}

fn workflows(dir: &Path) -> Vec<PathBuf> {
    let root = dir.join(".github/workflows");
    walk(&root, |path| {
        matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yml" | "yaml")
        )
    })
}

/// Every YAML file, but the templates of Helm charts (Go templates until helm renders them).
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let chart_templates: Vec<PathBuf> = charts(dir)
        .into_iter()
        .map(|c| c.join("templates"))
        .collect();
    walk(dir, |path| {
        matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yml" | "yaml")
        ) && !chart_templates.iter().any(|t| path.starts_with(t))
    })
}

/// Folders holding a `Chart.yaml`.
fn charts(dir: &Path) -> Vec<PathBuf> {
    walk(dir, |path| {
        path.file_name().is_some_and(|n| n == "Chart.yaml")
    })
    .into_iter()
    .filter_map(|p| p.parent().map(Path::to_path_buf))
    .collect()
}
