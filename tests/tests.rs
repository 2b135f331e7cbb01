//! Integration tests: drive the real `scaffold` binary in temporary directories.

// Test progress lines go to the harness's stderr, which is never closed under it.
#![allow(clippy::disallowed_macros)]

mod support;

mod add;
mod api_checks;
mod build;
#[cfg(unix)]
mod build_faults;
mod cli_extras;
mod components;
mod examples;
#[cfg(unix)]
mod faults;
mod generated;
mod go_toolchain;
mod helm_chart;
mod interactive;
mod list;
mod new_errors;
mod new_output;
mod pack_authoring;
mod pack_errors;
mod pack_git;
mod packs;
mod properties;
mod readme;
mod release;
mod reserved_names;
mod security_checks;
mod snapshots;
mod update;
mod update_versions;
