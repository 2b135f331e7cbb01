//! Where rendered files may land: never through a symlink that leads out of the destination.

use std::path::Path;

use anyhow::Result;

use super::RenderedFile;
use crate::error::usage;

/// Refuses to write any of `files` into `dest` when an existing folder or file on its way is
/// a symlink to somewhere outside `dest`: writing there would change files the user never
/// chose to generate.
pub fn check_destination(dest: &Path, files: &[RenderedFile]) -> Result<()> {
    let Ok(root) = dest.canonicalize() else {
        return Ok(()); // Not there yet: nothing in it can be a symlink.
    };
    for file in files {
        let mut current = dest.to_path_buf();
        for segment in file.path.split('/') {
            current.push(segment);
            let Ok(meta) = current.symlink_metadata() else {
                break; // The rest of the path does not exist yet.
            };
            if !meta.file_type().is_symlink() {
                continue;
            }
            let inside = current
                .canonicalize()
                .is_ok_and(|target| target.starts_with(&root));
            if !inside {
                return Err(usage(format!(
                    "`{}` would be written through {}, a symlink out of {}: remove the link or \
                     choose another destination",
                    file.path,
                    current.display(),
                    dest.display()
                )));
            }
        }
    }
    Ok(())
}
