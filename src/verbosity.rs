//! Output settings every subcommand shares (`-v`, `--color`), chosen once in `run`.
//!
//! They are process-wide because the code that spawns `go` and `git` sits deep in
//! modules that should not have to thread a flag through every call.

use std::ffi::OsStr;
use std::io::IsTerminal;
use std::process::Command;
use std::sync::OnceLock;

use clap::ValueEnum;

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and `NO_COLOR` is unset
    #[default]
    Auto,
    /// Always colour, even into a pipe
    Always,
    /// Never colour
    Never,
}

impl ColorChoice {
    /// Whether this choice means colour, given the environment (`NO_COLOR`, `TERM=dumb`).
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
                !no_color_env() && !dumb && std::io::stderr().is_terminal()
            }
        }
    }
}

/// https://no-color.org: `NO_COLOR` set and non-empty means no colour.
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[derive(Debug, Clone, Copy)]
struct Settings {
    verbose: bool,
    color: bool,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Records the command line's choices; the first call wins (tests may call `run` repeatedly).
pub fn set(verbose: bool, color: ColorChoice) {
    // indicatif and dialoguer draw through `console`; make them agree with `--color`.
    // On `auto` console decides per stream itself, except that it must honour NO_COLOR.
    let forced = match color {
        ColorChoice::Always => Some(true),
        ColorChoice::Never => Some(false),
        ColorChoice::Auto => no_color_env().then_some(false),
    };
    if let Some(enabled) = forced {
        console::set_colors_enabled(enabled);
        console::set_colors_enabled_stderr(enabled);
    }
    let _ = SETTINGS.set(Settings {
        verbose,
        color: color.enabled(),
    });
}

/// True with `-v`: each `go` and `git` command line is printed to stderr before it runs.
pub fn verbose() -> bool {
    SETTINGS.get().is_some_and(|s| s.verbose)
}

/// True when output may carry ANSI colour codes.
pub fn color() -> bool {
    SETTINGS.get().is_some_and(|s| s.color)
}

/// Prints `cmd` as a shell would run it (with the directory and the variables scaffold
/// sets) when verbose, then hands it back, so a spawn site needs one call.
pub fn traced(cmd: &mut Command) -> &mut Command {
    if verbose() {
        crate::say!("{}", paint(Style::Dim, &format!("+ {}", command_line(cmd))));
    }
    cmd
}

/// `cmd` as one line: `(cd DIR && VAR=value prog args...)` with shell quoting.
pub fn command_line(cmd: &Command) -> String {
    let quote = |s: &OsStr| crate::shell::quote(&s.to_string_lossy());
    let mut words: Vec<String> = cmd
        .get_envs()
        .filter_map(|(key, value)| value.map(|v| format!("{}={}", key.to_string_lossy(), quote(v))))
        .collect();
    words.push(quote(cmd.get_program()));
    words.extend(cmd.get_args().map(quote));
    let line = words.join(" ");
    match cmd.get_current_dir() {
        Some(dir) => format!("(cd {} && {line})", quote(dir.as_os_str())),
        None => line,
    }
}

/// The few styles scaffold uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Red,
    Green,
    Yellow,
    Bold,
    Dim,
}

/// `text` wrapped in the style's ANSI codes when colour is on, else as is.
pub fn paint(style: Style, text: &str) -> String {
    if !color() {
        return text.to_owned();
    }
    let code = match style {
        Style::Red => "1;31",
        Style::Green => "32",
        Style::Yellow => "33",
        Style::Bold => "1",
        Style::Dim => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// `error:`, in red when colour is on.
pub fn error_label() -> String {
    paint(Style::Red, "error:")
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::command_line;

    #[test]
    fn command_lines_quote_and_show_dir_and_env() {
        let mut cmd = Command::new("go");
        cmd.args(["build", "-ldflags", "-s -w"])
            .env("GOOS", "linux")
            .current_dir("/tmp/my project");
        assert_eq!(
            command_line(&cmd),
            "(cd '/tmp/my project' && GOOS=linux go build -ldflags '-s -w')"
        );
    }
}
