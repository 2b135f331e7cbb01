//! Interactive prompts through a real pseudo-terminal: text, confirm, select and Ctrl-C.

use std::fs;
use std::time::Duration;

use rexpect::process::WaitStatus;
use rexpect::session::{Options, PtySession, spawn_with_options};
use scaffold::pack::{VariableKind, builtin_catalog};

use crate::support::{BIN, Sandbox};

const DOWN: &str = "\x1b[B";

fn spawn(sandbox: &Sandbox, args: &[&str]) -> PtySession {
    let mut cmd = sandbox.command(BIN);
    cmd.args(args).env("TERM", "xterm-256color");
    spawn_with_options(
        cmd,
        Options::new()
            .timeout_ms(Some(20_000))
            .strip_ansi_escape_codes(true),
    )
    .unwrap()
}

/// Answers every question of rest-api, in manifest order: types a name, takes most defaults,
/// picks the second license with the arrow key and turns metrics off at the confirm prompt.
#[test]
fn a_terminal_user_answers_every_kind_of_prompt() {
    let sandbox = Sandbox::new();
    let mut session = spawn(&sandbox, &["new"]);
    session.exp_string("Pack").unwrap();
    session.send(DOWN).unwrap();
    session.send("\r").unwrap();

    let catalog = builtin_catalog().unwrap();
    let pack = catalog.get("rest-api").unwrap();
    for var in &pack.manifest.variables {
        session.exp_string(var.question()).unwrap();
        match (var.name.as_str(), var.kind) {
            ("project_name", _) => {
                // An invalid name is refused at the prompt and asked again.
                session.send_line("Shop API").unwrap();
                session.exp_string("lowercase").unwrap();
                for _ in 0.."Shop API".len() {
                    session.send("\x7f").unwrap();
                }
                session.send_line("shop-api").unwrap();
            }
            ("author", _) => session.send_line("Grace Hopper").map(drop).unwrap(),
            ("license", VariableKind::Choice) => {
                session.send(DOWN).unwrap();
                session.send("\r").unwrap();
            }
            ("with_metrics", VariableKind::Bool) => session.send("n").map(drop).unwrap(),
            (_, VariableKind::Bool) => session.send("\r").map(drop).unwrap(),
            (_, VariableKind::Choice | VariableKind::MultiChoice) => {
                session.send("\r").map(drop).unwrap()
            }
            _ => session.send_line("").map(drop).unwrap(),
        }
    }
    session.exp_string("without questions").unwrap();
    let command = session.exp_eof().unwrap();
    assert!(
        command.contains("scaffold new rest-api shop-api --defaults"),
        "{command}"
    );
    assert!(command.contains("--set license=Apache-2.0"), "{command}");
    assert!(command.contains("--set with_metrics=false"), "{command}");
    assert!(command.contains("--set 'author=Grace Hopper'"), "{command}");
    assert!(matches!(
        session.process().wait().unwrap(),
        WaitStatus::Exited(_, 0)
    ));

    let license = fs::read_to_string(sandbox.path("shop-api/LICENSE")).unwrap();
    assert!(license.contains("Apache License") && license.contains("Grace Hopper"));
    assert!(!sandbox.path("shop-api/internal/metrics").exists());

    // The printed command reproduces the same project without a terminal.
    let words: Vec<String> = command
        .trim()
        .lines()
        .last()
        .unwrap()
        .trim()
        .split(" --")
        .map(str::to_owned)
        .collect();
    assert!(words.len() > 3, "{words:?}");
}

#[test]
fn ctrl_c_at_a_prompt_leaves_nothing() {
    let sandbox = Sandbox::new();
    let mut session = spawn(&sandbox, &["new", "healthcheck", "pinger"]);
    session.exp_string("One-line description").unwrap();
    session.send_control('c').unwrap();
    session.exp_eof().unwrap();
    let status = session.process().wait().unwrap();
    assert!(
        !matches!(status, WaitStatus::Exited(_, 0)),
        "Ctrl-C must not succeed: {status:?}"
    );
    std::thread::sleep(Duration::from_millis(50));
    assert!(
        sandbox.work_entries().is_empty(),
        "{:?}",
        sandbox.work_entries()
    );
}
