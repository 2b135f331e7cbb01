//! Build progress on stderr: on a terminal, a line per target with its elapsed time and a
//! total bar (indicatif); otherwise one plain line per finished target, for logs.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::targets::Target;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Animated lines and a total bar.
    Terminal,
    /// One line per finished target.
    Plain,
    /// Nothing (`--quiet`, `--json`).
    Silent,
}

impl Mode {
    /// Bars when stderr is a terminal, lines otherwise, nothing when `quiet` or when the
    /// output is JSON (which scripts read, so it stays alone).
    pub fn detect(quiet: bool, json: bool) -> Mode {
        if quiet || json {
            Mode::Silent
        } else if std::io::stderr().is_terminal() {
            Mode::Terminal
        } else {
            Mode::Plain
        }
    }
}

/// Reports each target's start and end; shared by the build threads.
pub struct Progress {
    mode: Mode,
    names: Vec<String>,
    bars: Option<Bars>,
}

struct Bars {
    // Kept so the lines stay registered with one renderer for the whole build.
    _multi: MultiProgress,
    lines: Vec<ProgressBar>,
    total: ProgressBar,
}

impl Progress {
    pub fn new(mode: Mode, targets: &[Target]) -> Progress {
        let names: Vec<String> = targets.iter().map(Target::to_string).collect();
        let width = names.iter().map(String::len).max().unwrap_or(0);
        let names: Vec<String> = names.iter().map(|n| format!("{n:<width$}")).collect();
        let bars = (mode == Mode::Terminal).then(|| Bars::new(&names));
        Progress { mode, names, bars }
    }

    /// A target's build began.
    pub fn started(&self, index: usize) {
        if let Some(bars) = &self.bars {
            let line = &bars.lines[index];
            line.reset_elapsed();
            line.set_style(style("{spinner} {prefix} {msg} {elapsed}"));
            line.set_message("building");
            line.enable_steady_tick(Duration::from_millis(120));
        }
    }

    /// A target is done; `summary` says how ("built hc_1.0.0_linux_amd64.tar.gz in 2.1 s").
    pub fn finished(&self, index: usize, summary: &str) {
        match (&self.bars, self.mode) {
            (Some(bars), _) => {
                let line = &bars.lines[index];
                line.set_style(style("  {prefix} {msg}"));
                line.finish_with_message(summary.to_owned());
                bars.total.inc(1);
            }
            (None, Mode::Plain) => crate::say!("{} {summary}", self.names[index]),
            _ => {}
        }
    }

    /// Every target is done.
    pub fn finish(&self) {
        if let Some(bars) = &self.bars {
            bars.total.finish();
        }
    }
}

impl Bars {
    fn new(names: &[String]) -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let lines = names
            .iter()
            .map(|name| {
                let line = multi.add(ProgressBar::new_spinner());
                line.set_style(style("  {prefix} {msg}"));
                line.set_prefix(name.clone());
                line.set_message("waiting");
                line
            })
            .collect();
        let total = multi.add(ProgressBar::new(names.len() as u64));
        total.set_style(style("  {bar:30} {pos}/{len} targets, {elapsed}"));
        total.enable_steady_tick(Duration::from_millis(250));
        Bars {
            _multi: multi,
            lines,
            total,
        }
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("progress templates are valid")
        .progress_chars("=> ")
}

/// Prints what `go` said for each failed target, indented under the target's name and whose
/// fault it was.
pub fn print_failures(report: &super::Report) {
    for failed in report.failed() {
        let output = failed.failure.as_ref().map_or("", |f| f.output.as_str());
        let mut block = match failed.status {
            super::Status::EnvironmentError => format!(
                "{} could not be built (a problem with the build environment, not the sources):\n",
                failed.target
            ),
            _ => format!("{} failed to build:\n", failed.target),
        };
        for line in output.lines() {
            block.push_str("    ");
            block.push_str(line);
            block.push('\n');
        }
        crate::say!("{}", block.trim_end_matches('\n'));
    }
}
