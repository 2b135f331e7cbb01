//! Updating one project: read its record, render base and target, plan every file, and
//! write the plan in one transaction with `.scaffold.yaml` last.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use super::merge::Labels;
use super::plan::{self, Action, Inputs, OnConflict, Plan};
use super::render::{self, Rendered};
use super::sources::{self, Sources, TemplateCache};
use crate::answers::collect_given;
use crate::error::usage;
use crate::output::{self, Claim};
use crate::pack;
use crate::project_record::{self, ProjectRecord};
use crate::prompt::Prompter;
use crate::render::RenderedFile;

/// What the user asked of an update.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub to: Option<String>,
    pub set: Vec<String>,
    pub ask: bool,
    pub on_conflict: OnConflict,
    pub allow_dirty: bool,
}

/// A computed update, not yet written; the project stays locked while it lives.
pub struct Prepared {
    pub dir: PathBuf,
    pub pack: String,
    pub from: String,
    pub to: String,
    pub plan: Plan,
    /// Recorded answers the target version no longer declares.
    pub dropped: Vec<String>,
    /// Why the update compared two ways instead of three, when it did.
    pub base_missing: Option<String>,
    executable: std::collections::BTreeSet<String>,
    record_text: String,
    new_record: ProjectRecord,
    claim: Claim,
}

/// Reads the project in `dir` and computes its update; nothing is written.
pub fn prepare(
    cache: &mut TemplateCache,
    dir: &Path,
    options: &Options,
    prompter: Option<&mut dyn Prompter>,
) -> Result<Prepared> {
    if !dir.is_dir() {
        return Err(usage(format!("{} is not a directory", dir.display())));
    }
    let claim = output::claim_project(dir)?;
    let record_path = dir.join(project_record::FILE_NAME);
    let record_text = match std::fs::read_to_string(&record_path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(usage(format!(
                "{} is not a scaffold project: it has no {}; update works on projects made \
                 with `scaffold new`",
                dir.display(),
                project_record::FILE_NAME
            )));
        }
        Err(err) => return Err(err).with_context(|| format!("reading {}", record_path.display())),
    };
    let record = ProjectRecord::from_yaml(&record_text).map_err(|err| {
        // The parser's message is followed by a source snippet; its first line says it.
        let reason = format!("{err:#}");
        let reason = reason.lines().next().unwrap_or_default().to_owned();
        usage(format!(
            "{} is damaged ({reason}): restore it from version control",
            record_path.display()
        ))
    })?;
    let Some(recorded) = record.pack.clone() else {
        return Err(usage(format!(
            "{} was not generated from a pack (its {} records none): there is nothing to update \
             it from",
            dir.display(),
            project_record::FILE_NAME
        )));
    };
    if !options.allow_dirty {
        refuse_uncommitted(dir)?;
    }
    let Sources {
        base,
        base_missing,
        target,
    } = sources::sources(
        cache,
        &recorded,
        &record.scaffold_version,
        options.to.as_deref(),
    )?;

    let components: Vec<&pack::Pack> = record
        .components
        .iter()
        .map(|name| target.templates.catalog.component(name))
        .collect::<Result<_>>()?;
    let composed = pack::compose(&target.pack, &components);
    let overrides = collect_given(&composed, None, &options.set, None)?;

    let (base_files, base_missing) = match &base {
        Some(side) => match render::render(
            &side.templates,
            &side.pack,
            &record.components,
            &record.answers,
            Map::new(),
            false,
            None,
        ) {
            Ok(rendered) => (Some(rendered.files), base_missing),
            Err(err) => (
                None,
                Some(format!("the recorded version does not render: {err:#}")),
            ),
        },
        None => (None, base_missing),
    };
    let theirs: Rendered = render::render(
        &target.templates,
        &target.pack,
        &record.components,
        &record.answers,
        overrides,
        options.ask,
        prompter,
    )?;

    let to = target.pack.manifest.version.clone();
    let theirs_label = format!("{} {to}", recorded.name);
    let renames = target.pack.manifest.renamed.clone();
    let inputs = Inputs {
        base: base_files.as_ref(),
        theirs: &theirs.files,
        written: &record.files,
        renames: &renames,
        labels: Labels {
            ours: "yours",
            theirs: &theirs_label,
        },
        on_conflict: options.on_conflict,
    };
    let plan = plan::plan(&inputs, |path| read_project_file(dir, path))?;

    let mut new_record = record.clone();
    new_record.scaffold_version = env!("CARGO_PKG_VERSION").to_owned();
    if let Some(pack_ref) = new_record.pack.as_mut() {
        pack_ref.version = to.clone();
    }
    new_record.answers = theirs.answers.clone();
    new_record.files = plan.written.clone();
    Ok(Prepared {
        dir: dir.to_path_buf(),
        pack: recorded.name,
        from: recorded.version,
        to,
        plan,
        dropped: theirs.dropped,
        base_missing,
        executable: theirs.executable,
        record_text,
        new_record,
        claim,
    })
}

impl Prepared {
    /// Whether anything at all would change, `.scaffold.yaml` included.
    pub fn changes_anything(&self) -> bool {
        self.plan.changes().next().is_some()
            || ProjectRecord::from_yaml(&self.record_text).ok().as_ref() != Some(&self.new_record)
    }

    /// Writes the plan, all or nothing, `.scaffold.yaml` last. With conflicts and
    /// `--on-conflict fail`, nothing is written.
    pub fn apply(self, on_conflict: OnConflict) -> Result<Plan> {
        if on_conflict == OnConflict::Fail && self.plan.conflicts() > 0 {
            let files: Vec<&str> = conflicted(&self.plan).collect();
            bail!(
                "{} file{} would conflict ({}); nothing was changed: resolve them by hand or \
                 run with --on-conflict inline or rej",
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                files.join(", ")
            );
        }
        let mut files: Vec<RenderedFile> = self
            .plan
            .changes()
            .filter_map(|(path, bytes)| {
                Some(RenderedFile {
                    path: path.to_owned(),
                    contents: bytes?.to_vec(),
                    executable: self.executable.contains(path),
                })
            })
            .collect();
        let deletes: Vec<String> = self
            .plan
            .changes()
            .filter(|(_, bytes)| bytes.is_none())
            .map(|(path, _)| path.to_owned())
            .collect();
        files.push(RenderedFile {
            path: project_record::FILE_NAME.to_owned(),
            contents: self
                .new_record
                .to_yaml_from(&self.record_text)?
                .into_bytes(),
            executable: false,
        });
        self.claim.write(&files, &deletes, |_| Ok(()))?;
        remove_emptied_dirs(&self.dir, &deletes);
        Ok(self.plan)
    }
}

/// The files that carry conflicts, for messages.
pub fn conflicted(plan: &Plan) -> impl Iterator<Item = &str> {
    plan.steps.iter().filter_map(|step| match step.action {
        Action::Conflict { .. } | Action::BinaryConflict => Some(step.path.as_str()),
        Action::Rename {
            conflict_hunks: 1..,
            ..
        } => Some(step.path.as_str()),
        _ => None,
    })
}

/// Folders left empty by deleted files go too (`internal/metrics/` when metrics are turned
/// off); a folder still holding anything, such as a file of the user's, stays.
fn remove_emptied_dirs(root: &Path, deleted: &[String]) {
    for path in deleted {
        let mut dir = Path::new(path).parent();
        while let Some(relative) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if std::fs::remove_dir(root.join(relative)).is_err() {
                break;
            }
            dir = relative.parent();
        }
    }
}

fn read_project_file(dir: &Path, path: &str) -> Result<Option<Vec<u8>>> {
    let full = dir.join(path);
    match std::fs::read(&full) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(_) if full.is_dir() => {
            bail!(
                "{} is a directory where the pack has a file: move it away",
                full.display()
            )
        }
        Err(err) => Err(err).with_context(|| format!("reading {}", full.display())),
    }
}

/// In a git work tree with uncommitted changes the update's own changes could not be told
/// apart from the user's; without git (or outside a repository) there is nothing to check.
fn refuse_uncommitted(dir: &Path) -> Result<()> {
    let output = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no", "."])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let Ok(output) = output else {
        return Ok(());
    };
    if output.status.success() && !output.stdout.is_empty() {
        return Err(usage(format!(
            "{} has uncommitted changes: commit or stash them so the update can be reviewed as \
             one change, or pass --allow-dirty",
            dir.display()
        )));
    }
    Ok(())
}

/// A value for `--json` summaries of one project's plan.
pub fn plan_json(plan: &Plan) -> Value {
    Value::Array(
        plan.steps
            .iter()
            .map(|step| {
                let (action, extra) = describe(&step.action);
                let mut entry = serde_json::json!({"path": step.path, "action": action});
                if let Some((key, value)) = extra {
                    entry[key] = value;
                }
                entry
            })
            .collect(),
    )
}

/// The action's name as shown to users, with its detail.
pub fn describe(action: &Action) -> (&'static str, Option<(&'static str, Value)>) {
    match action {
        Action::Create => ("create", None),
        Action::Update => ("update", None),
        Action::Merge => ("merge", None),
        Action::Conflict { hunks } => ("conflict", Some(("hunks", Value::from(*hunks)))),
        Action::BinaryConflict => ("conflict-binary", None),
        Action::Delete => ("delete", None),
        Action::Rename { from, .. } => ("rename", Some(("from", Value::from(from.as_str())))),
        Action::KeepEdited => ("keep-edited", None),
        Action::KeepDeleted => ("keep-deleted", None),
        Action::Reject => ("reject", None),
    }
}
