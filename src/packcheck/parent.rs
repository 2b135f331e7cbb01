//! The pack a checked pack `extends`, which must exist.

use anyhow::Result;

use super::Report;
use super::located::Node;
use crate::pack::{Manifest, Pack};

/// The parent pack, or `None` (reported when it is named but missing).
pub fn resolve(_manifest: &Manifest, _doc: &Node, _report: &mut Report) -> Result<Option<Pack>> {
    Ok(None)
}
