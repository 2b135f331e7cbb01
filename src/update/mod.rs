//! Bringing a generated project up to date with a newer pack: render the old and the new
//! version, compare both with what is on disk, and merge the user's edits with the pack's.

pub mod merge;
pub mod plan;
pub mod project;
pub mod render;
pub mod sources;

pub use merge::{Labels, Merged};
pub use plan::{Action, Inputs, OnConflict, Plan, Step, Tree, plan, sha256_hex};
