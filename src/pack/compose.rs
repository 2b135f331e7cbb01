//! Composing a project pack with components: which ones, and the variables they share.

use anyhow::Result;

use super::{Catalog, Pack};
use crate::error::usage;

/// The components to render with `pack`: its defaults, plus `with`, minus `without`, in
/// catalog order. Names are checked; `with` and `without` naming the same one is an error.
pub fn select_components<'a>(
    catalog: &'a Catalog,
    pack: &Pack,
    with: &[String],
    without: &[String],
) -> Result<Vec<&'a Pack>> {
    for name in with.iter().chain(without).chain(&pack.manifest.components) {
        catalog.component(name)?;
    }
    if let Some(both) = with.iter().find(|name| without.contains(name)) {
        return Err(usage(format!(
            "component `{both}` is both in --with and --without: keep one"
        )));
    }
    if !pack.manifest.service.possible()
        && let Some(name) = with.iter().find(|name| {
            catalog
                .component(name)
                .is_ok_and(|c| c.manifest.services_only)
        })
    {
        return Err(usage(format!(
            "component `{name}` is for network services, and pack `{}` is not one",
            pack.name()
        )));
    }
    let chosen = offered(catalog, pack)
        .into_iter()
        .filter(|c| {
            let name = &c.manifest.name;
            (pack.manifest.components.contains(name) || with.contains(name))
                && !without.contains(name)
        })
        .collect();
    Ok(chosen)
}

/// The components that fit `pack`: all of them, but service-only ones for packs that can
/// never be a service.
pub fn offered<'a>(catalog: &'a Catalog, pack: &Pack) -> Vec<&'a Pack> {
    catalog
        .components()
        .into_iter()
        .filter(|c| pack.manifest.service.possible() || !c.manifest.services_only)
        .collect()
}

/// A pack whose variables are its own followed by each component's that it does not declare
/// itself: a pack's declaration (and so its answer) wins, so nothing is asked twice.
pub fn compose(pack: &Pack, components: &[&Pack]) -> Pack {
    let mut composed = pack.clone();
    for component in components {
        for var in &component.manifest.variables {
            if composed.variable(&var.name).is_none() {
                composed.manifest.variables.push(var.clone());
            }
        }
    }
    composed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::builtin_catalog;

    #[test]
    fn every_default_component_of_every_pack_exists() {
        let catalog = builtin_catalog().unwrap();
        for pack in catalog.packs() {
            let chosen = select_components(&catalog, pack, &[], &[]).unwrap();
            assert_eq!(
                chosen.len(),
                pack.manifest.components.len(),
                "{}",
                pack.name()
            );
        }
    }

    #[test]
    fn unknown_and_contradictory_components_are_refused() {
        let catalog = builtin_catalog().unwrap();
        let pack = catalog.get("healthcheck").unwrap();
        let unknown = select_components(&catalog, pack, &["dockr".into()], &[]).unwrap_err();
        assert!(
            unknown.to_string().contains("unknown component `dockr`"),
            "{unknown}"
        );
        let both =
            select_components(&catalog, pack, &["docker".into()], &["docker".into()]).unwrap_err();
        assert!(
            both.to_string().contains("both in --with and --without"),
            "{both}"
        );
        let helm = select_components(&catalog, pack, &["helm".into()], &[]).unwrap_err();
        assert!(helm.to_string().contains("for network services"), "{helm}");
    }
}
