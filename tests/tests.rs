//! Integration tests: drive the real `scaffold` binary in temporary directories.

mod support;

mod add;
mod build;
mod components;
mod examples;
mod go_toolchain;
mod interactive;
mod list;
mod new_errors;
mod new_output;
mod pack_authoring;
mod pack_errors;
mod pack_git;
mod packs;
mod snapshots;
mod update;
