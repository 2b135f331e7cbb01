//! The command line, declared with clap; doc comments are the help text.

use std::path::PathBuf;

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use clap_complete::ArgValueCompleter;

use crate::commands::completions as complete;
use crate::verbosity::ColorChoice;

/// Generate client-ready Go projects from template packs.
#[derive(Debug, Parser)]
#[command(name = "scaffold", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Print each `go` and `git` command line scaffold runs, to stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Print nothing but errors
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When to colour output; `NO_COLOR` set means never on auto
    #[arg(long, value_enum, value_name = "WHEN", global = true, default_value_t)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

/// Parses the process's arguments, with clap's own help and errors coloured as `--color`
/// and `NO_COLOR` say (clap reads its arguments before scaffold could tell it).
pub fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let choice = color_in_args(&args);
    let clap_color = match choice {
        ColorChoice::Always => clap::ColorChoice::Always,
        ColorChoice::Never => clap::ColorChoice::Never,
        ColorChoice::Auto if choice.enabled() => clap::ColorChoice::Auto,
        ColorChoice::Auto => clap::ColorChoice::Never,
    };
    let matches = Cli::command().color(clap_color).get_matches_from(args);
    Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit())
}

/// The last `--color WHEN` / `--color=WHEN` before a `--`, or auto.
fn color_in_args(args: &[std::ffi::OsString]) -> ColorChoice {
    let mut choice = ColorChoice::Auto;
    let mut words = args.iter().map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        let value = match word.as_ref() {
            "--" => break,
            "--color" => words.next().map(|w| w.into_owned()),
            other => other.strip_prefix("--color=").map(str::to_owned),
        };
        if let Some(parsed) = value.and_then(|v| ColorChoice::from_str(&v, false).ok()) {
            choice = parsed;
        }
    }
    choice
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new project from a pack
    New(NewArgs),
    /// Add a component (Dockerfile, Helm chart, CI workflows, LICENSE) to a Go project
    Add(AddArgs),
    /// Cross-compile a project into release archives for every target platform
    Build(BuildArgs),
    /// Package the release archives, docs and a hand-off note into one zip for the client
    Bundle(BundleArgs),
    /// List the available packs and components with their variables
    List(ListArgs),
    /// Check that Go, git, docker and helm are ready for `new` and `build`
    Doctor(DoctorArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions(CompletionsArgs),
    /// Print the man page, or write one page per subcommand with --dir
    Man(ManArgs),
    /// Write, check, test, install, list and remove custom packs
    Pack(PackArgs),
    /// Bring a project up to date with a newer version of its pack, keeping your changes
    Update(UpdateArgs),
    /// Show where a project differs from what its recorded pack version renders
    Diff(DiffArgs),
    /// Tell whether a newer version of a project's pack exists (exit 2 when one does)
    CheckUpdate(CheckUpdateArgs),
}

#[derive(Debug, Args)]
pub struct PackArgs {
    #[command(subcommand)]
    pub command: PackCommand,
}

#[derive(Debug, Subcommand)]
pub enum PackCommand {
    /// Write a working skeleton pack to start from
    New(PackNewArgs),
    /// Report every problem in a pack, each with file:line:col
    Check(PackCheckArgs),
    /// Render a pack with many answer sets and run its checks on the projects
    Test(PackTestArgs),
    /// Install a pack from a folder or git so `scaffold new NAME` finds it
    Install(PackInstallArgs),
    /// List embedded and installed packs with their version, source and commit
    List(PackListArgs),
    /// Remove an installed pack
    Remove(PackRemoveArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    scaffold pack install ./my-pack\n  \
    scaffold pack install gh:owner/packs//api#v1.2 --name house-api")]
pub struct PackInstallArgs {
    /// A folder (./my-pack) or git (https://…/repo.git, git@host:o/r.git, gh:o/r, gl:o/r,
    /// file://…) with optional //SUBDIR and #REF
    pub source: String,

    /// Install under this name instead of the pack's own
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Fetch a git pack again instead of using the cached clone
    #[arg(long)]
    pub refresh: bool,
}

#[derive(Debug, Args)]
pub struct PackListArgs {
    /// Print the packs as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PackRemoveArgs {
    /// The installed pack's name
    pub name: String,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    scaffold pack new house-cli                    a stand-alone Go pack in ./house-cli\n  \
    scaffold pack new house-api --extends rest-api our style on top of rest-api")]
pub struct PackNewArgs {
    /// Name of the new pack: lowercase letters, digits and dashes
    pub name: String,

    /// Build on this pack instead of starting from scratch (inherits its files and variables)
    #[arg(long, value_name = "PACK")]
    pub extends: Option<String>,

    /// Directory to create [default: ./NAME]
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    scaffold pack check ./my-pack\n  \
    scaffold pack check ./my-pack --json   one {file,line,col,severity,message} per problem")]
pub struct PackCheckArgs {
    /// The pack's directory (holding pack.yaml)
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Print the problems as a JSON list on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    scaffold pack test ./my-pack                 defaults and every bool/choice combination\n  \
    scaffold pack test ./my-pack --matrix answers.yaml --json")]
pub struct PackTestArgs {
    /// The pack's directory (holding pack.yaml)
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// A YAML list of answer sets (`- {with_metrics: false}`) to render instead of the
    /// generated combinations
    #[arg(long, value_name = "FILE")]
    pub matrix: Option<PathBuf>,

    /// Print the results as JSON on stdout
    #[arg(long)]
    pub json: bool,

    /// A check whose tool is not installed fails instead of being skipped (also when CI=true)
    #[arg(long)]
    pub strict: bool,

    /// Keep the rendered projects in this directory instead of a temporary one
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    scaffold build                                  default targets, version from git\n  \
    scaffold build ./pinger --targets linux/amd64,darwin/arm64,windows/amd64 --version 1.2.0\n  \
    scaffold build --json                           machine-readable summary on stdout\n  \
    scaffold build --list-targets                   what the installed Go can build")]
// `--version` sets the version to stamp here, so the subcommand has no version flag of its own.
#[command(disable_version_flag = true)]
pub struct BuildArgs {
    /// The project's directory
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Targets as OS/ARCH, comma-separated [default: from .scaffold.yaml, else linux/amd64,
    /// linux/arm64, darwin/amd64, darwin/arm64, windows/amd64]
    #[arg(long, value_name = "OS/ARCH,...", value_delimiter = ',')]
    pub targets: Vec<String>,

    /// Version to stamp [default: `git describe --tags`, else 0.0.0-dev]
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,

    /// Directory for the archives [default: DIR/dist]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Targets built at once [default: number of CPUs]
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Rebuild every target even if its inputs are unchanged
    #[arg(long)]
    pub force: bool,

    /// Stamp the clean version although the working tree has uncommitted changes (which
    /// otherwise make it VERSION-dirty)
    #[arg(long)]
    pub allow_dirty: bool,

    /// Print a JSON summary on stdout
    #[arg(long)]
    pub json: bool,

    /// Print the targets the installed Go can build, and exit
    #[arg(long)]
    pub list_targets: bool,

    /// Write an equivalent .goreleaser.yaml into the project, and exit
    #[arg(long)]
    pub emit_goreleaser: bool,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,

    /// Print scaffold's version (`--version` here is the version to stamp)
    #[arg(short = 'V', action = ArgAction::Version)]
    pub print_version: (),
}

#[derive(Debug, Args)]
#[command(
    disable_version_flag = true,
    after_help = "Examples:\n  \
    scaffold bundle                     builds first if this version's archives are missing\n  \
    scaffold bundle ./pinger --version 1.2.0 -o ~/deliveries/pinger-1.2.0.zip"
)]
pub struct BundleArgs {
    /// The project's directory
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Version to bundle (built first if its archives are missing) [default: as for build]
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,

    /// Where to write the bundle [default: DIR/dist/NAME_VERSION_handoff.zip]
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Hand off the clean version although the working tree has uncommitted changes (which
    /// otherwise make it VERSION-dirty, with a warning)
    #[arg(long)]
    pub allow_dirty: bool,

    /// Print a JSON summary on stdout
    #[arg(long)]
    pub json: bool,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,

    /// Print scaffold's version (`--version` here is the version to bundle)
    #[arg(short = 'V', action = ArgAction::Version)]
    pub print_version: (),
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    scaffold new                                   ask for the pack and every answer\n  \
    scaffold new rest-api orders-api --defaults    no questions, defaults for the rest\n  \
    scaffold new healthcheck pinger --set timeout=10s --set license=Apache-2.0\n  \
    scaffold new rest-api orders-api --answers answers.yaml --json --git\n  \
    scaffold new ./my-pack orders-api                 a pack in a folder\n  \
    scaffold new --pack gh:owner/packs//api#v1.2 orders-api   a pack from git")]
pub struct NewArgs {
    /// Pack to render: a name (see `scaffold list`), a folder, or a git URL; asked on a
    /// terminal when omitted
    #[arg(add = ArgValueCompleter::new(complete::pack_names))]
    pub pack: Option<String>,

    /// Project name, the pack's `project_name`; asked on a terminal when omitted
    pub name: Option<String>,

    /// Directory to create [default: ./NAME]
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Set a variable, e.g. --set license=Apache-2.0 (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE", add = ArgValueCompleter::new(complete::set_keys))]
    pub set: Vec<String>,

    /// Add components, e.g. --with docker,helm (see `scaffold list`)
    #[arg(long, value_name = "COMPONENTS", value_delimiter = ',', add = ArgValueCompleter::new(complete::component_names))]
    pub with: Vec<String>,

    /// Leave out components the pack enables by default, e.g. --without helm
    #[arg(long, value_name = "COMPONENTS", value_delimiter = ',', add = ArgValueCompleter::new(complete::component_names))]
    pub without: Vec<String>,

    /// Read answers from a YAML file of `key: value` pairs (--set wins over it)
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Never prompt: use defaults for every value not given
    #[arg(long, visible_alias = "no-input")]
    pub defaults: bool,

    /// Write into an existing non-empty directory, overwriting files that conflict
    #[arg(long)]
    pub force: bool,

    /// Render everything but write nothing; list the files that would be written
    #[arg(long)]
    pub dry_run: bool,

    /// Print a JSON summary on stdout instead of human-readable messages
    #[arg(long)]
    pub json: bool,

    /// Initialise a git repository with one initial commit
    #[arg(long)]
    pub git: bool,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,

    /// The pack to render, when the first argument is the project name: a name, a folder
    /// (./my-pack) or git (https://…/repo.git, git@host:o/r.git, gh:o/r, gl:o/r, file://…)
    /// with optional //SUBDIR and #REF
    #[arg(long = "pack", value_name = "SOURCE")]
    pub pack_source: Option<String>,

    /// Fetch a git pack again instead of using the cached clone
    #[arg(long)]
    pub refresh: bool,

    /// Run a custom pack's hooks without asking (for CI)
    #[arg(long)]
    pub allow_hooks: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    scaffold add docker                  add a Dockerfile to the project in this directory\n  \
    scaffold add helm --dir ../orders    answers come from its .scaffold.yaml\n  \
    scaffold add github-actions --dry-run   show the diff, write nothing")]
pub struct AddArgs {
    /// Component to add (see `scaffold list`)
    #[arg(add = ArgValueCompleter::new(complete::component_names))]
    pub component: String,

    /// The project's directory
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Set a variable, e.g. --set port=9000 (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE", add = ArgValueCompleter::new(complete::set_keys))]
    pub set: Vec<String>,

    /// Read answers from a YAML file of `key: value` pairs (--set wins over it)
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Never prompt: use recorded answers, then defaults
    #[arg(long, visible_alias = "no-input")]
    pub defaults: bool,

    /// In a project scaffold did not generate: it is a network service (port, probes)
    #[arg(long)]
    pub service: bool,

    /// Overwrite files that exist with different contents
    #[arg(long)]
    pub force: bool,

    /// Print the unified diff of what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Print a JSON summary on stdout instead of human-readable messages
    #[arg(long)]
    pub json: bool,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "With -q only the pack and component names are printed, one per line.")]
pub struct ListArgs {
    /// Print the packs and their variables as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exits 0 when everything `scaffold new` and `scaffold build` need is \
    present, 1 otherwise; with -q only the exit status tells."
)]
pub struct DoctorArgs {
    /// Print the checks as JSON
    #[arg(long)]
    pub json: bool,
}

/// How `scaffold update` hands over lines that both sides changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnConflictArg {
    /// Git-style conflict markers in the file
    Inline,
    /// Keep your file; write the pack's change as FILE.rej beside it
    Rej,
    /// Write nothing when any file conflicts
    Fail,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    scaffold update                          the project in this directory, to the newest pack\n  \
    scaffold update --dir ../orders --dry-run   print the plan and the diffs, write nothing\n  \
    scaffold update --set with_metrics=false    change an answer while updating\n  \
    scaffold update --all ~/clients          every scaffold project below ~/clients")]
pub struct UpdateArgs {
    /// The project's directory
    #[arg(long, value_name = "DIR", default_value = ".", conflicts_with = "all")]
    pub dir: PathBuf,

    /// Update every scaffold project found below these directories
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub all: Vec<PathBuf>,

    /// The pack version to update to [default: the newest this scaffold has]
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,

    /// Change an answer, or answer a question the new version asks (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Ask every question again, with the recorded answers as defaults
    #[arg(long)]
    pub ask: bool,

    /// Print the plan and the diffs; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// What to do with lines both you and the pack changed
    #[arg(long, value_enum, default_value = "inline")]
    pub on_conflict: OnConflictArg,

    /// Update even though the git work tree has uncommitted changes
    #[arg(long)]
    pub allow_dirty: bool,

    /// Run a custom pack's `on: [update]` hooks without asking (for CI)
    #[arg(long)]
    pub allow_hooks: bool,

    /// Print a JSON summary on stdout
    #[arg(long)]
    pub json: bool,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The project's directory
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Exit with 1 when the project differs from what its pack renders
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Args)]
pub struct CheckUpdateArgs {
    /// The project's directory
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Print a JSON summary on stdout
    #[arg(long)]
    pub json: bool,
}

/// Shells `scaffold completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Debug, Args)]
#[command(after_help = "Setup, once per shell (see the README):\n  \
    bash        echo 'source <(scaffold completions bash)' >> ~/.bashrc\n  \
    zsh         echo 'source <(scaffold completions zsh)' >> ~/.zshrc\n  \
    fish        scaffold completions fish > ~/.config/fish/completions/scaffold.fish\n  \
    powershell  scaffold completions powershell | Out-String | Invoke-Expression   (in $PROFILE)\n  \
    elvish      echo 'eval (scaffold completions elvish | slurp)' >> ~/.config/elvish/rc.elv")]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write scaffold.1 and one scaffold-SUBCOMMAND.1 per subcommand into DIR
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
