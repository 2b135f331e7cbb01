//! The pack a checked pack `extends`: it must exist, and it supplies what the child leaves
//! out (a re-declared variable may omit its type; the description and version may be
//! inherited).

use serde_json::Value;

use super::located::{Kind, Node, Position};
use super::{MANIFEST, Report};
use crate::pack::{Pack, find_parent};

/// The parent pack named by `extends:`, or `None` (reported when it cannot be found).
pub fn resolve(doc: &Node, report: &mut Report) -> Option<Pack> {
    let (_, node) = doc.entry("extends")?;
    let parent = node.as_str()?;
    let child = doc.get("name").and_then(Node::as_str).unwrap_or_default();
    match find_parent(parent, child) {
        Ok(pack) => Some(pack),
        Err(err) => {
            report.error(MANIFEST, node.at, format!("{err:#}"));
            None
        }
    }
}

/// The child's document with what it inherits filled in from `parent`, so the schema check
/// only reports what is really missing.
pub fn fill_inherited(doc: &Node, parent: &Pack) -> Node {
    let mut doc = doc.clone();
    let at = doc.at;
    let Kind::Map(entries) = &mut doc.kind else {
        return doc;
    };
    for (key, value) in [
        ("description", &parent.manifest.description),
        ("version", &parent.manifest.version),
    ] {
        if !entries.iter().any(|(name, _, _)| name == key) {
            entries.push((key.to_owned(), at, scalar(at, Value::from(value.as_str()))));
        }
    }
    if let Some((_, _, variables)) = entries.iter_mut().find(|(name, _, _)| name == "variables")
        && let Kind::Seq(items) = &mut variables.kind
    {
        for item in items {
            let item_at = item.at;
            let name = item.get("name").and_then(Node::as_str).map(str::to_owned);
            let inherited = name.and_then(|name| parent.variable(&name));
            if let (Some(var), Kind::Map(fields)) = (inherited, &mut item.kind)
                && !fields.iter().any(|(key, _, _)| key == "type")
            {
                fields.push((
                    "type".to_owned(),
                    item_at,
                    scalar(item_at, Value::from(var.kind.as_str())),
                ));
            }
        }
    }
    doc
}

fn scalar(at: Position, value: Value) -> Node {
    Node {
        at,
        kind: Kind::Scalar(value),
    }
}
