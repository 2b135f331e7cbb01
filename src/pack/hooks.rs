//! Post-generate hooks (`hooks:` in a manifest) and the trust they need.
//!
//! Embedded packs are part of scaffold and their hooks just run. A custom pack's hooks run
//! only after a yes at the terminal or `--allow-hooks`; a yes is remembered per pack source
//! and hash of the hooks, so changed hooks are asked about again. Without a terminal nothing
//! is approved implicitly: the hooks are skipped with a line saying how to run them.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use super::{Pack, PackSource};
use crate::prompt::Prompter;
use crate::shell;

/// What happened to a pack's hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookOutcome {
    /// The pack has none.
    None,
    Ran,
    /// Nobody approved them; the user was told how to run them.
    Skipped,
}

/// Lists `pack`'s hooks, then runs them in `dir` if they may run. A failing hook is an error
/// carrying its output and exit code; the project stays where it was written.
pub fn run(
    pack: &Pack,
    dir: &Path,
    allow: bool,
    prompter: Option<&mut dyn Prompter>,
) -> Result<HookOutcome> {
    let hooks = &pack.manifest.hooks;
    if hooks.is_empty() {
        return Ok(HookOutcome::None);
    }
    let commands: Vec<String> = hooks.iter().map(|argv| command_line(argv)).collect();
    crate::say!(
        "Pack {} runs {} in {}:",
        pack.name(),
        if hooks.len() == 1 {
            "this command"
        } else {
            "these commands"
        },
        dir.display()
    );
    for command in &commands {
        crate::say!("  {command}");
    }
    let key = consent_key(pack);
    let approved = match &key {
        None => true, // Embedded: shipped with scaffold itself.
        Some(_) if allow => true,
        Some(key) if remembered(key, &hooks_hash(hooks))? => {
            crate::say!("(approved earlier for this pack and these exact commands)");
            true
        }
        Some(key) => match prompter {
            Some(prompter) => {
                let yes = prompter.confirm("Run these commands now?")?;
                if yes {
                    remember(key, &hooks_hash(hooks))?;
                }
                yes
            }
            None => false,
        },
    };
    if !approved {
        crate::say!(
            "Skipped the hooks of this custom pack: nobody approved them. Run them yourself in {}, \
             or render with --allow-hooks.",
            dir.display()
        );
        return Ok(HookOutcome::Skipped);
    }
    for (argv, command) in hooks.iter().zip(&commands) {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        let output = Command::new(program)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output();
        let output = match output {
            Ok(output) => output,
            Err(err) => bail!(
                "hook `{command}` could not start: {err}; the project was written to {}",
                dir.display()
            ),
        };
        if !output.status.success() {
            let code = output
                .status
                .code()
                .map_or_else(|| "a signal".to_owned(), |code| format!("exit code {code}"));
            crate::say!("Hook `{command}` failed with {code}. Its output:");
            crate::say!("{}", String::from_utf8_lossy(&output.stdout).trim_end());
            crate::say!("{}", String::from_utf8_lossy(&output.stderr).trim_end());
            bail!(
                "hook `{command}` failed with {code}; the project was written to {} and left in place",
                dir.display()
            );
        }
    }
    Ok(HookOutcome::Ran)
}

fn command_line(argv: &[String]) -> String {
    argv.iter()
        .map(|word| shell::quote(word))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What consent is remembered under: the pack's source, not its name (two packs may share a
/// name). `None` for embedded packs, which need none.
fn consent_key(pack: &Pack) -> Option<String> {
    match &pack.source {
        PackSource::Builtin => None,
        PackSource::Directory { path } => Some(format!("directory {}", path.display())),
        PackSource::Git { url, subdir, .. } => Some(format!(
            "git {url}//{}",
            subdir.as_deref().unwrap_or_default()
        )),
    }
}

/// sha256 over the hooks as JSON: any change to any word changes it.
pub fn hooks_hash(hooks: &[Vec<String>]) -> String {
    let json = serde_json::to_vec(hooks).expect("strings serialise");
    Sha256::digest(&json)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The consent file: one `KEY\tHASH` line per approval.
fn consent_file() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("SCAFFOLD_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("approved-hooks"));
    }
    dirs::config_dir()
        .map(|dir| dir.join("scaffold").join("approved-hooks"))
        .context("no user config folder is known here: set SCAFFOLD_CONFIG_DIR")
}

fn approvals(file: &Path) -> Result<BTreeSet<String>> {
    match fs::read_to_string(file) {
        Ok(text) => Ok(text.lines().map(str::to_owned).collect()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(err) => Err(err).with_context(|| format!("reading {}", file.display())),
    }
}

fn remembered(key: &str, hash: &str) -> Result<bool> {
    Ok(approvals(&consent_file()?)?.contains(&format!("{key}\t{hash}")))
}

fn remember(key: &str, hash: &str) -> Result<()> {
    let file = consent_file()?;
    let mut all = approvals(&file)?;
    // Only the latest approval per source is kept: older hooks are not trusted any more.
    all.retain(|line| !line.starts_with(&format!("{key}\t")));
    all.insert(format!("{key}\t{hash}"));
    if let Some(parent) = file.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let text: String = all.into_iter().map(|line| line + "\n").collect();
    fs::write(&file, text).with_context(|| format!("writing {}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::builtin_catalog;

    fn with_hooks(source: PackSource, hooks: &[&[&str]]) -> Pack {
        let mut pack = builtin_catalog().unwrap().get("rest-api").unwrap().clone();
        pack.source = source;
        pack.manifest.hooks = hooks
            .iter()
            .map(|argv| argv.iter().map(|w| (*w).to_owned()).collect())
            .collect();
        pack
    }

    #[test]
    fn embedded_hooks_need_no_consent_and_custom_ones_do() {
        let dir = tempfile::tempdir().unwrap();
        let embedded = with_hooks(PackSource::Builtin, &[&["touch", "embedded-ran"]]);
        assert_eq!(
            run(&embedded, dir.path(), false, None).unwrap(),
            HookOutcome::Ran
        );
        assert!(dir.path().join("embedded-ran").is_file());

        let custom = with_hooks(
            PackSource::Directory {
                path: dir.path().join("never-approved"),
            },
            &[&["touch", "custom-ran"]],
        );
        assert_eq!(
            run(&custom, dir.path(), false, None).unwrap(),
            HookOutcome::Skipped
        );
        assert!(!dir.path().join("custom-ran").exists());
        let none = with_hooks(PackSource::Builtin, &[]);
        assert_eq!(
            run(&none, dir.path(), false, None).unwrap(),
            HookOutcome::None
        );
    }

    #[test]
    fn the_hash_changes_with_any_word() {
        let a = hooks_hash(&[vec!["go".into(), "mod".into(), "tidy".into()]]);
        let b = hooks_hash(&[vec!["go".into(), "mod tidy".into()]]);
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
    }
}
