//! Where the two renders of an update come from: the templates of the recorded pack
//! version (the base) and of the target version.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use anyhow::Result;

use super::render::Templates;
use crate::error::usage;
use crate::pack::release::{self, compare_versions};
use std::path::Path;

use crate::pack::source::GitSpec;
use crate::pack::{self, Pack, PackSource};
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
    custom: Option<Rc<Templates>>,
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

    /// Components for custom packs: the embedded ones and those installed.
    fn custom(&mut self) -> Result<Rc<Templates>> {
        if let Some(custom) = &self.custom {
            return Ok(Rc::clone(custom));
        }
        let custom = Rc::new(Templates {
            catalog: pack::catalog()?,
            ..Templates::current()?
        });
        self.custom = Some(Rc::clone(&custom));
        Ok(custom)
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
        "directory" => directory(cache, recorded, to),
        "git" => git(cache, recorded, to),
        other => Err(usage(format!(
            "pack `{}` came from a `{other}` source, which this scaffold does not know: \
             update scaffold",
            recorded.name
        ))),
    }
}

/// A pack folder holds one version: the base is that folder when its contents are still
/// the recorded ones, and otherwise cannot be had.
fn directory(cache: &mut TemplateCache, recorded: &PackRef, to: Option<&str>) -> Result<Sources> {
    let path = recorded.path.as_deref().ok_or_else(|| {
        usage("the recorded folder pack has no `path`: restore .scaffold.yaml from version control")
    })?;
    let pack = pack::load_dir(Path::new(path)).map_err(|err| {
        usage(format!(
            "cannot load the pack folder {path} recorded in .scaffold.yaml ({err:#}): \
             put the pack back there"
        ))
    })?;
    if let Some(to) = to
        && to.trim_start_matches('v') != pack.manifest.version
    {
        return Err(usage(format!(
            "the pack folder {path} holds {} {}, not {to}: a folder has one version",
            pack.name(),
            pack.manifest.version
        )));
    }
    let templates = cache.custom()?;
    let unchanged = recorded.content_hash.as_deref() == Some(pack.content_hash.as_str());
    let base = unchanged.then(|| Side {
        templates: Rc::clone(&templates),
        pack: pack.clone(),
    });
    Ok(Sources {
        base,
        base_missing: (!unchanged)
            .then(|| format!("the pack folder {path} changed since the project was generated")),
        target: Side { templates, pack },
    })
}

/// A git pack: the base at the recorded commit (checked against the recorded content
/// hash), the target at `--to REF` or at the recorded ref as it is now.
fn git(cache: &mut TemplateCache, recorded: &PackRef, to: Option<&str>) -> Result<Sources> {
    let url = recorded.url.clone().ok_or_else(|| {
        usage("the recorded git pack has no `url`: restore .scaffold.yaml from version control")
    })?;
    let templates = cache.custom()?;
    let at = |reference: Option<String>, refresh: bool| -> Result<Pack> {
        let spec = GitSpec {
            url: url.clone(),
            reference,
            subdir: recorded.subdir.clone(),
        };
        pack::open_git(spec, refresh)
    };
    let (base, base_missing) = match &recorded.commit {
        Some(commit) => match at(Some(commit.clone()), false) {
            Ok(mut pack) => {
                recorded.check_pin(&pack)?;
                // Recorded as the ref the user asked for, at the commit it was then.
                if let PackSource::Git { reference, .. } = &mut pack.source {
                    reference.clone_from(&recorded.reference);
                }
                let side = Side {
                    templates: Rc::clone(&templates),
                    pack,
                };
                (Some(side), None)
            }
            Err(err) => (
                None,
                Some(format!("commit {commit} cannot be had ({err:#})")),
            ),
        },
        None => (None, Some("the record names no commit".to_owned())),
    };
    let target = match to {
        Some(reference) => at(Some(reference.to_owned()), false)?,
        // The recorded ref as it is now; offline, as it is in the cache.
        None => at(recorded.reference.clone(), true)
            .or_else(|_| at(recorded.reference.clone(), false))?,
    };
    if let Some(base) = &base
        && compare_versions(&target.manifest.version, &base.pack.manifest.version) == Ordering::Less
    {
        return Err(usage(format!(
            "{} {} is older than the recorded {}: update only moves forward",
            target.name(),
            target.manifest.version,
            base.pack.manifest.version
        )));
    }
    Ok(Sources {
        base,
        base_missing,
        target: Side {
            templates,
            pack: target,
        },
    })
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
