//! Integration tests: drive the real `scaffold` binary in temporary directories.

mod support;

mod add;
mod build;
#[cfg(unix)]
mod build_faults;
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
mod pack_errors;
mod pack_git;
mod packs;
mod security_checks;
mod snapshots;
mod update;
