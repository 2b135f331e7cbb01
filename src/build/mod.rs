//! Cross-compiling a Go project into reproducible release archives.
//!
//! [`Project::load`] reads what to build (from `.scaffold.yaml` or go.mod), [`Plan::new`]
//! settles the targets, the version stamp and the output directory, and [`build`] runs
//! `go build` for every target whose inputs changed, in parallel, packs each binary with
//! the README and LICENSE in scratch, and publishes the archives with `SHA256SUMS` and
//! `manifest.json` only once they are complete.

pub mod archive;
pub mod cache;
pub mod checksums;
pub mod child;
pub mod failure;
pub mod go;
pub mod goreleaser;
pub mod handoff;
pub mod progress;
pub mod publish;
pub mod report;
pub mod scratch;
pub mod stamp;
pub mod targets;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::error::usage;
use crate::interrupt;
use crate::project_record::ProjectRecord;
use archive::{Entry as ArchiveEntry, write_atomic};
use cache::Cache;
use checksums::{Artifact, Manifest, sha256_hex};
use failure::Failure;
use go::{GoBuild, Toolchain};
use progress::{Mode, Progress};
use publish::Staged;
pub use report::{Report, Status, TargetReport};
use scratch::Scratch;
use stamp::Stamp;
use targets::Target;

/// Files packed beside the binary in every archive, when the project has them.
pub const DOCS: &[&str] = &["README.md", "LICENSE"];

/// A Go project and how it is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub dir: PathBuf,
    /// Names the archives: `project_name` from `.scaffold.yaml`, else go.mod's last segment.
    pub name: String,
    pub binary: String,
    /// The main package, relative to `dir`: `./cmd/NAME` when it exists, else `.`.
    pub main: String,
    /// Linker flags added after the version stamps.
    pub extra_ldflags: Option<String>,
    /// The configured targets, or the defaults.
    pub targets: Vec<Target>,
}

impl Project {
    /// Reads the project in `dir`; a directory without go.mod is a usage error.
    pub fn load(dir: &Path) -> Result<Project> {
        let module = crate::gomod::module_path(dir, "pass the project's directory")?;
        let record = ProjectRecord::read(dir)?;
        let recorded_name = record
            .as_ref()
            .and_then(|r| r.answers.get("project_name"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let name = recorded_name.unwrap_or_else(|| name_from_module(&module));
        check_file_name("the project name", &name)?;
        let settings = record.and_then(|r| r.build).unwrap_or_default();

        let binary = settings.binary.unwrap_or_else(|| name.clone());
        check_file_name("build.binary in .scaffold.yaml", &binary)?;
        let main = settings.main.unwrap_or_else(|| {
            if dir.join("cmd").join(&name).is_dir() {
                format!("./cmd/{name}")
            } else {
                ".".to_owned()
            }
        });
        let targets = if settings.targets.is_empty() {
            targets::defaults()
        } else {
            targets::parse_list(&settings.targets).context("in build.targets in .scaffold.yaml")?
        };
        Ok(Project {
            dir: dir.to_path_buf(),
            name,
            binary,
            main,
            extra_ldflags: settings.ldflags.filter(|l| !l.trim().is_empty()),
            targets,
        })
    }

    /// The [`DOCS`] this project has.
    pub fn docs(&self) -> Vec<&'static str> {
        DOCS.iter()
            .copied()
            .filter(|doc| self.dir.join(doc).is_file())
            .collect()
    }
}

/// `github.com/acme/orders-api/v2` → `orders-api`.
fn name_from_module(module: &str) -> String {
    let mut segments = module.rsplit('/');
    let last = segments.next().unwrap_or(module);
    let is_major = last
        .strip_prefix('v')
        .is_some_and(|n| n.parse::<u32>().is_ok());
    match (is_major, segments.next()) {
        (true, Some(previous)) => previous.to_owned(),
        _ => last.to_owned(),
    }
}

fn check_file_name(what: &str, name: &str) -> Result<()> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c));
    if valid {
        Ok(())
    } else {
        Err(usage(format!(
            "{what} `{name}` cannot name a file: use letters, digits and . _ + -"
        )))
    }
}

/// What the command line asks for on top of the project's settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--targets`; empty means the project's.
    pub targets: Vec<String>,
    pub version: Option<String>,
    pub out: Option<PathBuf>,
    pub jobs: Option<usize>,
    pub force: bool,
    /// `--allow-dirty`: no `-dirty` on the version of a tree with uncommitted changes.
    pub allow_dirty: bool,
}

/// Everything settled before any work: what to build, as which version, where.
#[derive(Debug, Clone)]
pub struct Plan {
    pub project: Project,
    pub targets: Vec<Target>,
    pub stamp: Stamp,
    pub out: PathBuf,
    pub jobs: usize,
    pub force: bool,
}

impl Plan {
    /// Checks the options and resolves the version stamp (reading `SOURCE_DATE_EPOCH`).
    pub fn new(project: Project, options: &Options) -> Result<Plan> {
        let targets = if options.targets.is_empty() {
            project.targets.clone()
        } else {
            targets::parse_list(&options.targets)?
        };
        let jobs = match options.jobs {
            Some(0) => return Err(usage("--jobs must be at least 1")),
            Some(jobs) => jobs,
            None => std::thread::available_parallelism().map_or(1, usize::from),
        };
        let epoch = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .filter(|v| !v.is_empty());
        let stamp = Stamp::resolve(
            &project.dir,
            options.version.as_deref(),
            epoch.as_deref(),
            options.allow_dirty,
        )?;
        let out = options
            .out
            .clone()
            .unwrap_or_else(|| project.dir.join("dist"));
        Ok(Plan {
            project,
            targets,
            stamp,
            out,
            jobs,
            force: options.force,
        })
    }

    /// `-s -w -X main.version=… -X main.commit=… -X main.date=…`, then the project's own.
    pub fn ldflags(&self) -> String {
        let Stamp {
            version,
            commit,
            date,
            ..
        } = &self.stamp;
        let mut flags =
            format!("-s -w -X main.version={version} -X main.commit={commit} -X main.date={date}");
        if let Some(extra) = &self.project.extra_ldflags {
            flags.push(' ');
            flags.push_str(extra.trim());
        }
        flags
    }

    pub fn archive_name(&self, target: &Target) -> String {
        target.archive_name(&self.project.name, &self.stamp.version)
    }

    /// Fails with a usage error listing the valid targets when the installed Go cannot
    /// build one of the plan's.
    pub fn check_targets(&self, toolchain: &Toolchain) -> Result<()> {
        let cache = Cache::new(&self.out);
        if let Some(supported) = cache.remembered_targets(toolchain) {
            return targets::check_supported(&self.targets, &supported);
        }
        let supported = go::dist_list()?;
        // Checked before remembering, so a usage error leaves no output directory behind.
        targets::check_supported(&self.targets, &supported)?;
        cache.remember_targets(toolchain, &supported)
    }
}

/// Builds every target of `plan` that is not up to date, at most `plan.jobs` at once, into
/// a scratch directory, then publishes the new archives and writes `SHA256SUMS` and
/// `manifest.json` for every archive in the output directory. A target that fails is
/// reported in the result, not as an error, and its archive from an earlier build stays.
/// SIGINT, SIGTERM and SIGHUP stop every `go build` and leave the output directory as it
/// was ([`Interrupted`](crate::interrupt::Interrupted)).
pub fn build(plan: &Plan, toolchain: &Toolchain, mode: Mode) -> Result<Report> {
    let _guard = interrupt::Guard::new().context("catching signals during the build")?;
    let out = &plan.out;
    // Failing to prepare the output directory is the machine's fault (a full or read-only
    // disk), never the sources'.
    let unprepared = || {
        format!(
            "preparing {} failed, a problem with the build environment, not the sources; \
             every archive already there was kept",
            out.display()
        )
    };
    fs::create_dir_all(out)
        .with_context(|| format!("creating {}", out.display()))
        .with_context(unprepared)?;
    let cache = Cache::for_project(out, &plan.project.name);
    let canonical_out = out
        .canonicalize()
        .with_context(|| format!("resolving {}", out.display()))?;
    let dir = plan
        .project
        .dir
        .canonicalize()
        .with_context(|| format!("resolving {}", plan.project.dir.display()))?;
    if canonical_out == dir {
        return Err(usage(
            "--out must not be the project's directory: the archives would be among the sources",
        ));
    }
    let stale = scratch::remove_stale(cache.dir()).with_context(unprepared)?;
    if stale > 0 && mode != Mode::Silent {
        crate::say!(
            "Removed {stale} scratch {} left in {} by an interrupted build.",
            if stale == 1 {
                "directory"
            } else {
                "directories"
            },
            cache.dir().display()
        );
    }
    let tree = cache::tree_hash(&dir, &[canonical_out])?;
    let common = common_key(plan, toolchain, &tree);
    let docs = read_docs(&plan.project)?;
    let scratch = Scratch::create(cache.dir()).with_context(unprepared)?;

    let progress = Progress::new(mode, &plan.targets);
    let mut results: Vec<Option<TargetReport>> = vec![None; plan.targets.len()];
    let mut pending = Vec::new();
    for (index, target) in plan.targets.iter().enumerate() {
        let key = sha256_hex(format!("{common}target {target}\n").as_bytes());
        match cache.lookup(target, &key, out).filter(|_| !plan.force) {
            Some(entry) => {
                progress.finished(index, &format!("cached {}", entry.archive));
                let artifact = Artifact {
                    file: entry.archive,
                    target: target.to_string(),
                    size: entry.size,
                    sha256: entry.sha256,
                };
                results[index] = Some(TargetReport {
                    target: target.clone(),
                    status: Status::Cached,
                    artifact: Some(artifact),
                    seconds: 0.0,
                    failure: None,
                });
            }
            None => pending.push((index, key)),
        }
    }

    let job = Job {
        plan,
        scratch: &scratch,
        docs: &docs,
        progress: &progress,
    };
    let mut staged = Vec::new();
    let mut keys = Vec::new();
    for (index, outcome) in job.run_all(&pending) {
        match outcome {
            Outcome::Done(done) => match *done {
                (report, Some((archive, key))) => {
                    staged.push(archive);
                    keys.push((report.target.clone(), key));
                    results[index] = Some(report);
                }
                (report, None) => results[index] = Some(report),
            },
            Outcome::Stopped => {}
        }
    }
    progress.finish();
    // Past this point the build is published whole, signal or not.
    if let Err(interrupted) = interrupt::check() {
        return Err(anyhow::Error::new(interrupted).context(format!(
            "the build was stopped; {} is as it was before it",
            out.display()
        )));
    }
    let targets: Vec<TargetReport> = results.into_iter().flatten().collect();

    let release = Manifest {
        project: plan.project.name.clone(),
        binary: plan.project.binary.clone(),
        version: plan.stamp.version.clone(),
        commit: plan.stamp.commit.clone(),
        date: plan.stamp.date.clone(),
        source_date_epoch: plan.stamp.epoch,
        go_version: toolchain.version.clone(),
        scaffold_version: env!("CARGO_PKG_VERSION").to_owned(),
        artifacts: targets.iter().filter_map(|t| t.artifact.clone()).collect(),
        other_releases: Vec::new(),
    };
    let planned: Vec<String> = plan.targets.iter().map(Target::to_string).collect();
    let manifest = publish::publish(out, cache.dir(), scratch.path(), release, &staged, &planned)
        .with_context(|| {
        format!(
            "publishing the new archives failed, a problem with the build environment, not the \
             sources; every file already in {} was kept",
            out.display()
        )
    })?;
    for ((target, key), archive) in keys.into_iter().zip(&staged) {
        // The cache only saves time: without its entry the target is rebuilt next time.
        let _ = cache.store(&target, key, &out.join(&archive.file));
    }
    Ok(Report { targets, manifest })
}

/// How one pending target ended.
enum Outcome {
    /// Built (with its staged archive and cache entry) or failed.
    Done(Box<(TargetReport, Option<(Staged, cache::Entry)>)>),
    /// A signal stopped it.
    Stopped,
}

/// What every build thread shares.
struct Job<'a> {
    plan: &'a Plan,
    scratch: &'a Scratch,
    docs: &'a [ArchiveEntry],
    progress: &'a Progress,
}

impl Job<'_> {
    /// Builds the `pending` (index, cache key) targets on at most `plan.jobs` threads, which
    /// take the next target as they finish one, until all are done or a signal arrives.
    fn run_all(&self, pending: &[(usize, String)]) -> Vec<(usize, Outcome)> {
        let next = AtomicUsize::new(0);
        let finished = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..self.plan.jobs.min(pending.len()) {
                scope.spawn(|| {
                    while let Some((index, key)) = pending.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        if interrupt::check().is_err() {
                            break;
                        }
                        let outcome = self.run_one(*index, key);
                        // A poisoned lock only means another thread panicked; its data is intact.
                        finished
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((*index, outcome));
                    }
                });
            }
        });
        finished.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn run_one(&self, index: usize, key: &str) -> Outcome {
        let target = &self.plan.targets[index];
        self.progress.started(index);
        let started = Instant::now();
        let result = self.build_one(target);
        let seconds = started.elapsed().as_secs_f64();
        let report = |status, artifact, failure| TargetReport {
            target: target.clone(),
            status,
            artifact,
            seconds,
            failure,
        };
        match result {
            Ok(Ok((staged, artifact))) => {
                let line = format!("built {} in {seconds:.1} s", artifact.file);
                self.progress.finished(index, &line);
                let entry = cache::Entry {
                    key: key.to_owned(),
                    archive: artifact.file.clone(),
                    size: artifact.size,
                    sha256: artifact.sha256.clone(),
                    modified: 0,
                };
                Outcome::Done(Box::new((
                    report(Status::Built, Some(artifact), None),
                    Some((staged, entry)),
                )))
            }
            Ok(Err(failure)) => {
                let status = Status::of(&failure);
                let what = match status {
                    Status::EnvironmentError => "could not build (environment)",
                    _ => "failed",
                };
                self.progress
                    .finished(index, &format!("{what} after {seconds:.1} s"));
                Outcome::Done(Box::new((report(status, None, Some(failure)), None)))
            }
            Err(err) => match err.downcast::<interrupt::Interrupted>() {
                Ok(_) => {
                    self.progress.finished(index, "stopped");
                    Outcome::Stopped
                }
                // Anything else that stopped the target is the machine's: creating scratch
                // files, reading the binary, a full disk.
                Err(err) => {
                    self.progress
                        .finished(index, &format!("could not build after {seconds:.1} s"));
                    let failure = Failure::environment(format!("{err:#}"));
                    Outcome::Done(Box::new((
                        report(Status::EnvironmentError, None, Some(failure)),
                        None,
                    )))
                }
            },
        }
    }

    /// Compiles one target and packs its archive in scratch. The outer error is the
    /// environment's (or the signal that stopped it); the inner one the build's failure.
    fn build_one(&self, target: &Target) -> Result<Result<(Staged, Artifact), Failure>> {
        let plan = self.plan;
        let dir = self.scratch.subdir(&target.slug())?;
        let executable = target.executable(&plan.project.binary);
        let binary_path = dir.join(&executable);
        let ldflags = plan.ldflags();
        let compiled = GoBuild {
            dir: &plan.project.dir,
            main: &plan.project.main,
            ldflags: &ldflags,
            target,
            output: &binary_path,
            log: &dir.join("go.log"),
            tmp: &self.scratch.subdir(&format!("{}/tmp", target.slug()))?,
        }
        .run()?;
        if let Err(failure) = compiled {
            return Ok(Err(failure));
        }
        interrupt::check()?;
        let mut entries = vec![ArchiveEntry {
            name: executable,
            contents: fs::read(&binary_path)
                .with_context(|| format!("reading {}", binary_path.display()))?,
            executable: true,
        }];
        entries.extend_from_slice(self.docs);
        let bytes = if target.is_windows() {
            archive::zip(&entries, plan.stamp.epoch)?
        } else {
            archive::tar_gz(&entries, plan.stamp.epoch)?
        };
        let file = plan.archive_name(target);
        let path = dir.join(&file);
        write_atomic(&path, &bytes)?;
        let artifact = Artifact {
            file: file.clone(),
            target: target.to_string(),
            size: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
        };
        Ok(Ok((Staged { path, file }, artifact)))
    }
}

/// The inputs every target shares, one per line, to be hashed with the target's own.
fn common_key(plan: &Plan, toolchain: &Toolchain, tree: &str) -> String {
    let mut key = format!(
        "scaffold-build 1\ntree {tree}\ngo {}\nname {}\nbinary {}\nmain {}\nflags {}\n\
         ldflags {}\nepoch {}\nversion {}\n",
        toolchain.version,
        plan.project.name,
        plan.project.binary,
        plan.project.main,
        go::BUILD_FLAGS.join(" "),
        plan.ldflags(),
        plan.stamp.epoch,
        plan.stamp.version,
    );
    for var in go::BUILD_ENV {
        if let Some(value) = std::env::var_os(var) {
            key.push_str(&format!("env {var}={}\n", value.to_string_lossy()));
        }
    }
    key
}

fn read_docs(project: &Project) -> Result<Vec<ArchiveEntry>> {
    project
        .docs()
        .into_iter()
        .map(|doc| {
            let path = project.dir.join(doc);
            Ok(ArchiveEntry {
                name: doc.to_owned(),
                contents: fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
                executable: false,
            })
        })
        .collect()
}
