//! Where the two renders of an update come from: the templates of the recorded pack
//! version (the base) and of the target version.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use anyhow::Result;

use super::render::Templates;
use crate::error::usage;
use crate::pack::release::{self, compare_versions};
use crate::pack::{self, Pack};
use crate::project_record::PackRef;

/// Templates and the pack in them.
pub struct Side {
    pub templates: Rc<Templates>,
    pub pack: Pack,
}

/// Templates loaded once and shared by every project of `update --all`.
#[derive(Default)]
pub struct TemplateCache {
    current: Option<Rc<Templates>>,
    releases: HashMap<String, Rc<Templates>>,
}

impl TemplateCache {
    fn current(&mut self) -> Result<Rc<Templates>> {
        if let Some(current) = &self.current {
            return Ok(Rc::clone(current));
        }
        let current = Rc::new(Templates::current()?);
        self.current = Some(Rc::clone(&current));
        Ok(current)
    }

    fn release(&mut self, release: &release::Release) -> Result<Rc<Templates>> {
        if let Some(templates) = self.releases.get(&release.version) {
            return Ok(Rc::clone(templates));
        }
        let templates = Rc::new(Templates::release(release)?);
        self.releases
            .insert(release.version.clone(), Rc::clone(&templates));
        Ok(templates)
    }
}

/// The base (when it can be had) and the target of an update.
pub struct Sources {
    pub base: Option<Side>,
    /// Why there is no base, said to the user when the update falls back to two ways.
    pub base_missing: Option<String>,
    pub target: Side,
}

/// Finds the templates for `recorded` (base) and for `to` (default: the newest available).
pub fn sources(
    cache: &mut TemplateCache,
    recorded: &PackRef,
    scaffold_version: &str,
    to: Option<&str>,
) -> Result<Sources> {
    match recorded.source.as_str() {
        "builtin" => builtin(cache, recorded, scaffold_version, to),
        other => Err(usage(format!(
            "pack `{}` came from a {other} source, which `scaffold update` cannot load yet",
            recorded.name
        ))),
    }
}

fn builtin(
    cache: &mut TemplateCache,
    recorded: &PackRef,
    scaffold_version: &str,
    to: Option<&str>,
) -> Result<Sources> {
    let current = cache.current()?;
    let name = &recorded.name;
    let newest = current
        .catalog
        .get(name)
        .map_err(|_| {
            usage(format!(
                "this scaffold ({}) no longer has the pack `{name}` the project was made with",
                env!("CARGO_PKG_VERSION")
            ))
        })?
        .manifest
        .version
        .clone();
    let wanted = to.unwrap_or(&newest).trim_start_matches('v').to_owned();
    if compare_versions(&wanted, &recorded.version) == Ordering::Less {
        return Err(usage(format!(
            "{name} {wanted} is older than the recorded {}: update only moves forward \
             (see `scaffold check-update`)",
            recorded.version
        )));
    }
    let target = side_at(cache, name, &wanted, scaffold_version)?.ok_or_else(|| {
        let mut known = vec![newest.clone()];
        for version in release::releases() {
            if let Ok(Some(release)) = release::release(&version)
                && let Ok(Some(v)) = release.pack_version(name)
                && !known.contains(&v)
            {
                known.push(v);
            }
        }
        usage(format!(
            "no version {wanted} of pack `{name}` is known to this scaffold; known: {}",
            known.join(", ")
        ))
    })?;
    let base = side_at(cache, name, &recorded.version, scaffold_version)?;
    let base_missing = base.is_none().then(|| {
        format!(
            "{name} {} is not among the pack versions this scaffold can render",
            recorded.version
        )
    });
    Ok(Sources {
        base,
        base_missing,
        target,
    })
}

/// The embedded pack `name` at `version`: this binary's, or an earlier release's.
fn side_at(
    cache: &mut TemplateCache,
    name: &str,
    version: &str,
    hint: &str,
) -> Result<Option<Side>> {
    let current = cache.current()?;
    if let Ok(pack) = current.catalog.get(name)
        && pack.manifest.version == version
    {
        let pack = pack.clone();
        return Ok(Some(Side {
            templates: current,
            pack,
        }));
    }
    let Some(release) = release::release_with_pack(name, version, hint)? else {
        return Ok(None);
    };
    let templates = cache.release(&release)?;
    let pack = templates.catalog.get(name)?.clone();
    Ok(Some(Side { templates, pack }))
}

/// The version of pack `name` this scaffold renders by default.
pub fn newest_builtin(name: &str) -> Result<Option<String>> {
    Ok(pack::builtin_catalog()?
        .get(name)
        .ok()
        .map(|p| p.manifest.version.clone()))
}
