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

/// Sends keys once the prompt has been drawn: a prompt that switches the terminal to raw
/// mode discards keys typed before it is ready, as a real terminal would.
fn keys(session: &mut PtySession, keys: &str) {
    std::thread::sleep(Duration::from_millis(150));
    session.send(keys).unwrap();
    session.flush().unwrap();
}

/// Answers every question of rest-api, in manifest order: types a name, takes most defaults,
/// picks the second license with the arrow key and turns metrics off at the confirm prompt.
#[test]
fn a_terminal_user_answers_every_kind_of_prompt() {
    let sandbox = Sandbox::new();
    let mut session = spawn(&sandbox, &["new"]);
    // Packs are offered by name; move down to rest-api.
    let catalog = builtin_catalog().unwrap();
    let position = catalog
        .packs()
        .iter()
        .position(|p| p.name() == "rest-api")
        .unwrap();
    session.exp_string("rest-api").unwrap();
    keys(&mut session, &DOWN.repeat(position));
    keys(&mut session, "\r");
    // The multi-select of components, with the pack's defaults ticked: accept them.
    session.exp_string("Components").unwrap();
    keys(&mut session, "\r");

    let pack = catalog.get("rest-api").unwrap();
    for var in &pack.manifest.variables {
        session.exp_string(var.question()).unwrap();
        match (var.name.as_str(), var.kind) {
            ("project_name", _) => {
                // An invalid name is refused at the prompt and asked again.
                keys(&mut session, "Shop API\r");
                session.exp_string("lowercase").unwrap();
                keys(&mut session, &"\x7f".repeat("Shop API".len()));
                keys(&mut session, "shop-api\r");
            }
            ("author", _) => keys(&mut session, "Grace Hopper\r"),
            ("license", VariableKind::Choice) => {
                keys(&mut session, DOWN);
                keys(&mut session, "\r");
            }
            ("with_metrics", VariableKind::Bool) => keys(&mut session, "n"),
            _ => keys(&mut session, "\r"),
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
    let line = command
        .lines()
        .rev()
        .find(|l| l.contains("scaffold new"))
        .unwrap()
        .trim();
    let replay = sandbox
        .command("sh")
        .arg("-c")
        .arg(format!(
            "{} -o replay --set year=$0",
            line.replacen("scaffold", "\"$1\"", 1)
        ))
        .arg(read_year(&sandbox.path("shop-api/.scaffold.yaml")))
        .arg(BIN)
        .output()
        .unwrap();
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let original = crate::support::read_tree(&sandbox.path("shop-api"));
    let replayed = crate::support::read_tree(&sandbox.path("replay"));
    assert_eq!(
        original, replayed,
        "the printed command gives a different project"
    );
}

fn read_year(record: &std::path::Path) -> String {
    let text = fs::read_to_string(record).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("year:"))
        .unwrap();
    line.split(':').nth(1).unwrap().trim().to_owned()
}

#[test]
fn ctrl_c_at_a_prompt_leaves_nothing() {
    let sandbox = Sandbox::new();
    let mut session = spawn(
        &sandbox,
        &["new", "healthcheck", "pinger", "--without", "helm"],
    );
    session.exp_string("One-line description").unwrap();
    std::thread::sleep(Duration::from_millis(150));
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
