//! `scaffold pack new`: writes a skeleton pack that renders, checks and tests clean at once.

use std::path::PathBuf;

use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};
use regex::Regex;

use crate::cli::PackNewArgs;
use crate::error::usage;
use crate::exit_code::ExitStatus;
use crate::output;
use crate::pack;
use crate::render::RenderedFile;
use crate::shell;

/// The skeletons, kept as files so they read (and are checked) like any pack.
static SKELETONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates/_skeleton");

const NAME_MARKER: &str = "__PACK_NAME__";
const PARENT_MARKER: &str = "__PARENT__";

pub fn run(args: &PackNewArgs) -> Result<ExitStatus> {
    let name_rule = Regex::new("^[a-z][a-z0-9-]*$").expect("static regex");
    if !name_rule.is_match(&args.name) {
        return Err(usage(format!(
            "pack name `{}` must be lowercase letters, digits and dashes, starting with a letter",
            args.name
        )));
    }
    if let Some(parent) = &args.extends
        && !name_rule.is_match(parent)
    {
        return Err(usage(format!(
            "--extends `{parent}` is not a pack name: give the name of an embedded or installed pack"
        )));
    }
    if let Some(parent) = &args.extends {
        // The skeleton must render at once, so its parent has to exist now.
        crate::pack::find_parent(parent, &args.name)?;
    }
    let dest = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    let files = skeleton(&args.name, args.extends.as_deref())?;
    output::write_project(&dest, &files, false, |_| Ok(()))?;

    let shown = shell::quote(&dest.display().to_string());
    crate::say!(
        "Created pack {} in {} ({} files).\nNext:\n  scaffold pack check {shown}\n  scaffold pack test {shown}\n  scaffold new {shown} my-project",
        args.name,
        dest.display(),
        files.len()
    );
    Ok(ExitStatus::Success)
}

/// The skeleton's files with the pack's (and parent's) name filled in.
fn skeleton(name: &str, parent: Option<&str>) -> Result<Vec<RenderedFile>> {
    let folder = if parent.is_some() { "extends" } else { "new" };
    let root = SKELETONS
        .get_dir(folder)
        .with_context(|| format!("the built-in `{folder}` skeleton is missing"))?;
    let mut templates = Vec::new();
    pack::collect_embedded_files(root, root.path(), &mut templates);
    let mut files: Vec<RenderedFile> = templates
        .into_iter()
        .map(|file| RenderedFile {
            path: file.path,
            contents: file.contents.into_owned(),
            executable: false,
        })
        .collect();
    for file in &mut files {
        // Only the pack's own description files name it; templates under files/ are left as
        // they are, braces and all.
        if !file.path.starts_with("files/") {
            let text = String::from_utf8_lossy(&file.contents)
                .replace(NAME_MARKER, name)
                .replace(PARENT_MARKER, parent.unwrap_or_default());
            file.contents = text.into_bytes();
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeletons_name_the_pack_and_keep_templates() {
        let files = skeleton("house-cli", None).unwrap();
        let manifest = files.iter().find(|f| f.path == "pack.yaml").unwrap();
        let text = String::from_utf8_lossy(&manifest.contents);
        assert!(text.contains("name: house-cli\n"), "{text}");
        assert!(!text.contains(NAME_MARKER));
        assert!(
            files
                .iter()
                .any(|f| f.path == "files/cmd/{{project_name}}/main.go")
        );
        let extended = skeleton("house-api", Some("rest-api")).unwrap();
        let manifest = extended.iter().find(|f| f.path == "pack.yaml").unwrap();
        assert!(String::from_utf8_lossy(&manifest.contents).contains("extends: rest-api\n"));
    }
}
