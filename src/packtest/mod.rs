//! `scaffold pack test`: renders a pack with many answer sets into one folder and runs the
//! checks on all the projects at once (one `go.work`, one `go vet`, one `go test`).

mod checks;
mod gotrees;
mod matrix;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{Map, Value};

pub use checks::{Outcome, Status};
pub use matrix::{MAX_FULL_PRODUCT, Strategy};

use crate::answers::{base_context, coerce, current_year, resolve};
use crate::error::usage;
use crate::git::Identity;
use crate::pack::{self, Pack, builtin_catalog, globals};
use crate::render::{Engine, RenderedFile};

/// What to test and how.
pub struct Options<'a> {
    pub pack: &'a Pack,
    /// Answer sets from a matrix file, instead of the generated combinations.
    pub matrix: Option<Vec<Map<String, Value>>>,
    /// A missing tool fails its check instead of skipping it.
    pub strict: bool,
    /// Where the projects are rendered (kept afterwards).
    pub root: &'a Path,
}

/// One rendered project.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    pub name: String,
    /// The values given; everything else took its default.
    pub answers: Map<String, Value>,
    /// Set when the pack did not render with these answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub render_error: Option<String>,
    #[serde(skip)]
    pub dir: PathBuf,
}

/// Everything `pack test` found.
#[derive(Debug, Serialize)]
pub struct Report {
    pub pack: String,
    pub strategy: &'static str,
    pub projects: Vec<Project>,
    pub checks: Vec<Outcome>,
    pub seconds: f64,
}

impl Report {
    /// True when any project failed to render or any check failed.
    pub fn failed(&self) -> bool {
        self.projects.iter().any(|p| p.render_error.is_some())
            || self.checks.iter().any(|c| c.status == Status::Failed)
    }
}

/// Reads a matrix file: a YAML list of answer sets, each a map of variable to value.
pub fn read_matrix(path: &Path, pack: &Pack) -> Result<Vec<Map<String, Value>>> {
    let text = fs::read_to_string(path).map_err(|err| {
        usage(format!(
            "cannot read the matrix file {}: {err}",
            path.display()
        ))
    })?;
    let sets: Vec<Map<String, Value>> = serde_saphyr::from_str(&text).map_err(|err| {
        usage(format!(
            "the matrix file {} is not a list of answer sets (`- {{name: value}}`): {}",
            path.display(),
            err.to_string().lines().next().unwrap_or_default()
        ))
    })?;
    let mut checked = Vec::with_capacity(sets.len());
    for (index, set) in sets.into_iter().enumerate() {
        let mut answers = Map::new();
        for (name, value) in set {
            let var = pack.variable(&name).ok_or_else(|| {
                usage(format!(
                    "{} answer set {}: `{name}` is not a variable of pack `{}`",
                    path.display(),
                    index + 1,
                    pack.name()
                ))
            })?;
            let value = coerce(var, &value).map_err(|reason| {
                usage(format!(
                    "{} answer set {}: `{name}`: {reason}",
                    path.display(),
                    index + 1
                ))
            })?;
            answers.insert(name, value);
        }
        checked.push(answers);
    }
    Ok(checked)
}

/// Renders every answer set and runs the checks.
pub fn run(options: &Options) -> Result<Report> {
    let started = Instant::now();
    let pack = options.pack;
    let catalog = builtin_catalog()?;
    let components = pack::select_components(&catalog, pack, &[], &[])?;
    let composed = pack::compose(pack, &components);
    let (sets, strategy) = match &options.matrix {
        Some(sets) => (sets.clone(), "matrix file"),
        None => {
            let (sets, strategy) = matrix::combinations(&composed.manifest.variables);
            let name = match strategy {
                Strategy::Full => "every combination",
                Strategy::Pairwise => "pairwise",
            };
            (sets, name)
        }
    };
    fs::create_dir_all(options.root)
        .with_context(|| format!("creating {}", options.root.display()))?;
    // Go wants absolute paths (GOWORK), and tools run from other folders.
    let root = &fs::canonicalize(options.root)
        .with_context(|| format!("resolving {}", options.root.display()))?;

    let engine = Engine::new()?;
    let identity = Identity {
        name: "Pack Test".into(),
        email: "pack-test@example.com".into(),
    };
    let mut projects = Vec::with_capacity(sets.len());
    for (index, answers) in sets.into_iter().enumerate() {
        let name = format!("case-{:02}", index + 1);
        let dir = root.join(&name);
        let render_error = render_one(
            &engine,
            &composed,
            &components,
            &identity,
            &name,
            &answers,
            &dir,
        )
        .err()
        .map(|err| format!("{err:#}"));
        projects.push(Project {
            name,
            answers,
            render_error,
            dir,
        });
    }
    let rendered: Vec<&Project> = projects
        .iter()
        .filter(|p| p.render_error.is_none())
        .collect();
    let declared = pack.manifest.checks.clone();
    let outcomes = checks::run_all(&rendered, declared.as_deref(), root, options.strict)?;
    Ok(Report {
        pack: pack.name().to_owned(),
        strategy,
        projects,
        checks: outcomes,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn render_one(
    engine: &Engine,
    pack: &Pack,
    components: &[&Pack],
    identity: &Identity,
    project_name: &str,
    answers: &Map<String, Value>,
    dir: &Path,
) -> Result<()> {
    let base = base_context(pack, components, globals()?, current_year(), identity);
    let mut given = answers.clone();
    if pack.variable("project_name").is_some() && !given.contains_key("project_name") {
        given.insert("project_name".into(), Value::from(project_name));
    }
    for var in &pack.manifest.variables {
        if var.default.is_none() && !given.contains_key(&var.name) {
            given.insert(var.name.clone(), sample(var));
        }
    }
    let resolution = resolve(pack, engine, &base, given, None)?;
    let data = Value::Object(resolution.context);
    let pieces: Vec<&Pack> = std::iter::once(pack)
        .chain(components.iter().copied())
        .collect();
    let files = engine.render_project(&pieces, &data)?;
    write_tree(dir, &files)
}

/// A value for a required variable that the answer set leaves out.
fn sample(var: &crate::pack::Variable) -> Value {
    match var.kind {
        crate::pack::VariableKind::String => Value::from("example"),
        _ => crate::answers::zero(var),
    }
}

fn write_tree(dir: &Path, files: &[RenderedFile]) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&path, &file.contents).with_context(|| format!("writing {}", path.display()))?;
        #[cfg(unix)]
        if file.executable {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
                .with_context(|| format!("making {} executable", path.display()))?;
        }
    }
    Ok(())
}
