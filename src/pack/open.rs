//! Turning what the user typed after `--pack` into a loaded pack.

use std::path::Path;

use anyhow::Result;

use super::source::PackSpec;
use super::{Catalog, Pack, PackSource, load_dir, remote};

/// The pack `text` names: an embedded or installed pack, a folder, or a git repository
/// (cloned or refreshed only when needed; `refresh` always fetches).
pub fn open(text: &str, catalog: &Catalog, refresh: bool) -> Result<Pack> {
    match PackSpec::parse(text)? {
        PackSpec::Name(name) => match catalog.get(&name) {
            Ok(pack) => Ok(pack.clone()),
            // A bare folder name in the working directory is a folder, when no pack has it.
            Err(_) if Path::new(&name).join("pack.yaml").is_file() => load_dir(Path::new(&name)),
            Err(err) => Err(err),
        },
        PackSpec::Dir(path) => load_dir(&path),
        PackSpec::Git(spec) => {
            let fetched = remote::fetch(&spec, refresh)?;
            let mut pack = load_dir(&fetched.dir)?;
            pack.source = PackSource::Git {
                url: spec.url,
                reference: spec.reference,
                commit: fetched.commit,
                subdir: spec.subdir,
            };
            Ok(pack)
        }
    }
}
