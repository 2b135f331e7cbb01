//! The client hand-off: one reproducible zip with the archives, their checksums, the
//! project's docs and a generated HANDOFF.md saying what was delivered and how to run it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::Project;
use super::archive::{self, Entry, write_if_changed};
use super::checksums::{Manifest, SUMS_FILE, sha256_hex, sums_file};
use super::targets::Target;

/// Documents copied into the bundle when the project has them.
pub const BUNDLED_DOCS: &[&str] = &["README.md", "LICENSE", "CHANGELOG.md"];

/// `NAME_VERSION_handoff.zip`.
pub fn bundle_name(manifest: &Manifest) -> String {
    format!("{}_{}_handoff.zip", manifest.project, manifest.version)
}

/// What [`write_bundle`] wrote.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub path: PathBuf,
    /// `path` with `.sha256` appended: `<hex>  <file name>`.
    pub checksum_path: PathBuf,
    pub sha256: String,
    pub size: u64,
    /// The paths inside the zip, sorted.
    pub entries: Vec<String>,
}

/// Writes the bundle for the archives `manifest` lists in `out` to `dest`, and its checksum
/// beside it. Every archive must still have the checksum the manifest records.
pub fn write_bundle(
    project: &Project,
    manifest: &Manifest,
    out: &Path,
    dest: &Path,
) -> Result<Bundle> {
    let stem = bundle_name(manifest);
    let folder = stem.trim_end_matches(".zip");
    let mut entries = Vec::new();
    for artifact in &manifest.artifacts {
        let path = out.join(&artifact.file);
        let contents = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        if sha256_hex(&contents) != artifact.sha256 {
            bail!(
                "{} changed after it was built (its SHA-256 is not the one in {}): \
                 rebuild it with `scaffold build --force`",
                path.display(),
                out.join(super::checksums::MANIFEST_FILE).display()
            );
        }
        entries.push(entry(folder, &artifact.file, contents));
    }
    entries.push(entry(
        folder,
        SUMS_FILE,
        sums_file(&manifest.artifacts).into_bytes(),
    ));
    for doc in BUNDLED_DOCS {
        let path = project.dir.join(doc);
        if path.is_file() {
            let contents =
                fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            entries.push(entry(folder, doc, contents));
        }
    }
    entries.push(entry(
        folder,
        "HANDOFF.md",
        handoff_markdown(project, manifest)?.into_bytes(),
    ));

    let bytes = archive::zip(&entries, manifest.source_date_epoch)?;
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    write_if_changed(dest, &bytes)?;
    let sha256 = sha256_hex(&bytes);
    let file_name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut checksum_path = dest.as_os_str().to_owned();
    checksum_path.push(".sha256");
    let checksum_path = PathBuf::from(checksum_path);
    write_if_changed(
        &checksum_path,
        format!("{sha256}  {file_name}\n").as_bytes(),
    )?;
    let mut names: Vec<String> = entries.into_iter().map(|e| e.name).collect();
    names.sort();
    Ok(Bundle {
        path: dest.to_path_buf(),
        checksum_path,
        sha256,
        size: bytes.len() as u64,
        entries: names,
    })
}

fn entry(folder: &str, name: &str, contents: Vec<u8>) -> Entry {
    Entry {
        name: format!("{folder}/{name}"),
        contents,
        executable: false,
    }
}

/// HANDOFF.md: what was delivered, how to run and deploy it, its configuration and the
/// versions it was built with. Only recorded facts go in, so it is reproducible.
pub fn handoff_markdown(project: &Project, manifest: &Manifest) -> Result<String> {
    let Manifest {
        project: name,
        binary,
        version,
        commit,
        date,
        ..
    } = manifest;
    let mut md = String::new();
    let _ = writeln!(md, "# {name} {version}: hand-off\n");
    md.push_str("## What was delivered\n\n| | |\n|---|---|\n");
    let _ = writeln!(md, "| Project | {name} |");
    let _ = writeln!(md, "| Version | {version} |");
    let _ = writeln!(md, "| Commit | `{commit}` |");
    let _ = writeln!(md, "| Date | {date} |\n");
    md.push_str("| Platform | Archive | SHA-256 |\n|---|---|---|\n");
    for artifact in &manifest.artifacts {
        let _ = writeln!(
            md,
            "| {} | `{}` | `{}` |",
            platform(&artifact.target),
            artifact.file,
            artifact.sha256
        );
    }
    let docs: Vec<&str> = BUNDLED_DOCS
        .iter()
        .copied()
        .filter(|doc| project.dir.join(doc).is_file())
        .collect();
    let _ = writeln!(
        md,
        "\nAlso in this bundle: {SUMS_FILE}{}{} and this file. Check the archives before \
         use with `sha256sum -c {SUMS_FILE}` (macOS: `shasum -a 256 -c {SUMS_FILE}`).\n",
        if docs.is_empty() { "" } else { ", " },
        docs.join(", ")
    );

    md.push_str("## How to run it\n\n");
    let _ = writeln!(
        md,
        "Each archive holds the `{binary}` program for one platform, with README.md and \
         LICENSE. Unpack the one for your machine and run it:\n"
    );
    let unix = manifest
        .artifacts
        .iter()
        .find(|a| !a.file.ends_with(".zip"));
    let windows = manifest.artifacts.iter().find(|a| a.file.ends_with(".zip"));
    if let Some(artifact) = unix {
        let _ = writeln!(
            md,
            "```sh\ntar -xzf {}\n./{binary} -version\n```\n",
            artifact.file
        );
    }
    if let Some(artifact) = windows {
        let _ = writeln!(
            md,
            "On Windows, extract `{}` and run `{binary}.exe -version` in a terminal.\n",
            artifact.file
        );
    }
    md.push_str("README.md describes everything the program does.\n\n");

    md.push_str("## How to deploy it\n\n");
    md.push_str(&deployment(project, manifest));

    let variables = env_table(&project.dir)?;
    if !variables.is_empty() {
        md.push_str("\n## Configuration\n\n");
        md.push_str(
            "Set through environment variables (`.env.example` in the repository lists \
             them too):\n\n| Variable | Default | Meaning |\n|---|---|---|\n",
        );
        for (variable, default, meaning) in variables {
            let default = if default.is_empty() {
                "(empty)".to_owned()
            } else {
                format!("`{default}`")
            };
            let _ = writeln!(
                md,
                "| `{variable}` | {} | {} |",
                cell(&default),
                cell(&meaning)
            );
        }
    }

    md.push_str("\n## Versions\n\n| | |\n|---|---|\n");
    let _ = writeln!(md, "| Go | {} |", manifest.go_version);
    let _ = writeln!(md, "| scaffold | {} |", manifest.scaffold_version);
    Ok(md)
}

fn platform(target: &str) -> String {
    let Ok(target) = Target::parse(target) else {
        return target.to_owned();
    };
    let os = match target.os.as_str() {
        "linux" => "Linux",
        "darwin" => "macOS",
        "windows" => "Windows",
        "freebsd" => "FreeBSD",
        other => other,
    };
    let arch = match target.arch.as_str() {
        "amd64" => "x86-64",
        "arm64" if target.os == "darwin" => "Apple silicon",
        "arm64" => "ARM64",
        other => other,
    };
    format!("{os} {arch}")
}

/// How to deploy: the Dockerfile, compose file and Helm charts the repository has, then the
/// plain binary.
fn deployment(project: &Project, manifest: &Manifest) -> String {
    let Manifest {
        project: name,
        version,
        commit,
        date,
        ..
    } = manifest;
    let mut md = String::new();
    if project.dir.join("Dockerfile").is_file() {
        let _ = writeln!(
            md,
            "**Container image.** The repository's `Dockerfile` builds an image with the \
             same version stamps:\n\n```sh\ndocker build -t {name}:{version} \\\n  \
             --build-arg VERSION={version} \\\n  --build-arg COMMIT={commit} \\\n  \
             --build-arg DATE={date} .\n```\n"
        );
    }
    if project.dir.join("docker-compose.yml").is_file() {
        md.push_str(
            "**Docker Compose.** `docker compose up --build` runs it with the settings in \
             `docker-compose.yml`.\n\n",
        );
    }
    for chart in helm_charts(&project.dir) {
        let _ = writeln!(
            md,
            "**Kubernetes.** The Helm chart in `{chart}` deploys the image, once it is pushed \
             to the registry named in the chart's `values.yaml`:\n\n```sh\n\
             helm upgrade --install {name} {chart} --set image.tag={version}\n```\n"
        );
    }
    md.push_str(
        "**A server or workstation.** The binary is static and needs no runtime: copy it \
         to the machine and run it under the service manager there (systemd, launchd or a \
         Windows service).\n",
    );
    md
}

/// `deploy/helm/NAME` for every chart the project has, sorted.
fn helm_charts(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir.join("deploy/helm")) else {
        return Vec::new();
    };
    let mut charts: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Chart.yaml").is_file())
        .map(|e| format!("deploy/helm/{}", e.file_name().to_string_lossy()))
        .collect();
    charts.sort();
    charts
}

/// The variables in `.env.example`: `NAME=default` lines (commented out or not) with the
/// comment lines just above them as their meaning.
pub fn env_table(dir: &Path) -> Result<Vec<(String, String, String)>> {
    let path = dir.join(".env.example");
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    Ok(parse_env(&text))
}

fn parse_env(text: &str) -> Vec<(String, String, String)> {
    let mut variables = Vec::new();
    let mut comments: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            comments.clear();
            continue;
        }
        let body = line.trim_start_matches('#').trim();
        let body = body.strip_prefix("export ").unwrap_or(body);
        if let Some((name, value)) = body.split_once('=')
            && !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            let value = value.trim().trim_matches('"').trim_matches('\'');
            variables.push((name.to_owned(), value.to_owned(), comments.join(" ")));
            comments.clear();
        } else if line.starts_with('#') {
            comments.push(body);
        }
    }
    variables
}

/// A Markdown table cell: pipes escaped so they do not end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_examples_become_a_table() {
        let text = "# Configuration for api. Copy this file to .env.\n\n\
                    # TCP port to listen on; 0 picks a free port.\n# PORT=8080\n\n\
                    # Interface to listen on;\n# empty means all interfaces.\n# HOST=\n\
                    TOKEN=\"abc\"\n";
        assert_eq!(
            parse_env(text),
            [
                (
                    "PORT".to_owned(),
                    "8080".to_owned(),
                    "TCP port to listen on; 0 picks a free port.".to_owned()
                ),
                (
                    "HOST".to_owned(),
                    String::new(),
                    "Interface to listen on; empty means all interfaces.".to_owned()
                ),
                ("TOKEN".to_owned(), "abc".to_owned(), String::new()),
            ]
        );
    }

    #[test]
    fn platforms_read_as_people_say_them() {
        assert_eq!(platform("darwin/arm64"), "macOS Apple silicon");
        assert_eq!(platform("linux/amd64"), "Linux x86-64");
        assert_eq!(platform("plan9/386"), "plan9 386");
    }
}
