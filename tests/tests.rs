//! Integration tests: drive the real `scaffold` binary in temporary directories.

mod support;

mod add;
mod api_checks;
mod build;
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
mod pack_errors;
mod pack_git;
mod packs;
mod readme;
mod release;
mod security_checks;
mod properties;
mod reserved_names;
mod snapshots;
mod update;
mod update_versions;
