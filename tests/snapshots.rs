//! Snapshots of every pack's default tree, so a template change shows up as a reviewable diff.

use crate::support::{Sandbox, tree_snapshot};

fn snapshot_defaults(pack: &str, name: &str) {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["new", pack, name, "--defaults", "--set", "year=2026"])
        .success();
    insta::assert_snapshot!(
        format!("{pack}-defaults"),
        tree_snapshot(&sandbox.path(name))
    );
}

#[test]
fn healthcheck_defaults() {
    snapshot_defaults("healthcheck", "pinger");
}

#[test]
fn rest_api_defaults() {
    snapshot_defaults("rest-api", "orders-api");
}

#[test]
fn bot_defaults() {
    snapshot_defaults("bot", "chat-bot");
}
