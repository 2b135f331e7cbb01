//! The manifest against its schema: every unknown key, wrong type and missing field.
//!
//! The document is deserialized into [`Manifest`]; each failure is reported at the position
//! of the offending key or value, the offending piece is taken out (or a missing field filled
//! in), and deserializing starts again, until it succeeds.

use std::collections::HashSet;

use serde_json::Value;
use serde_path_to_error::Segment;

use super::located::{Kind, Node, Position, Step};
use crate::pack::Manifest;

/// One schema mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistake {
    pub at: Position,
    pub message: String,
}

/// Gives up after this many mistakes: a file that wrong is not a manifest.
const MAX_MISTAKES: usize = 50;

/// The manifest, when the document is one, and every mistake found on the way.
pub fn check(doc: &Node) -> (Option<Manifest>, Vec<Mistake>) {
    let mut doc = doc.clone();
    let mut mistakes = Vec::new();
    let mut filled: HashSet<Vec<Step>> = HashSet::new();
    while mistakes.len() < MAX_MISTAKES {
        let err = match serde_path_to_error::deserialize::<_, Manifest>(doc.to_value()) {
            Ok(manifest) if mistakes.is_empty() => return (Some(manifest), mistakes),
            Ok(_) => return (None, mistakes),
            Err(err) => err,
        };
        let path = steps(err.path());
        let message = err.inner().to_string();
        let shown = shown_path(&path);
        if let Some(field) = quoted(&message, "unknown field `") {
            let node = doc.at_path(&path);
            // The path may or may not end at the unknown key itself.
            let (owner, at) = match node.entry(&field) {
                Some((at, _)) => (path.clone(), at),
                None => {
                    let owner = path[..path.len().saturating_sub(1)].to_vec();
                    let at = doc
                        .at_path(&owner)
                        .entry(&field)
                        .map_or(node.at, |(at, _)| at);
                    (owner, at)
                }
            };
            mistakes.push(Mistake {
                at,
                message: format!("{}{message}", in_section(&owner)),
            });
            let mut key = owner;
            key.push(Step::Key(field));
            if !doc.remove(&key) {
                break;
            }
        } else if let Some(field) = quoted(&message, "missing field `") {
            let mut key = path.clone();
            key.push(Step::Key(field.clone()));
            if filled.contains(&key) {
                // The stand-in did not fit either: drop the whole item.
                if path.is_empty() || !doc.remove(&path) {
                    break;
                }
                continue;
            }
            mistakes.push(Mistake {
                at: doc.at_path(&path).at,
                message: format!("{}missing field `{field}`", in_section(&path)),
            });
            if !insert(&mut doc, &path, &field) {
                break;
            }
            filled.insert(key);
        } else {
            if filled.contains(&path) {
                // A stand-in for a missing field has the wrong type: drop the item holding it.
                let parent = &path[..path.len().saturating_sub(1)];
                if parent.is_empty() || !doc.remove(parent) {
                    break;
                }
                continue;
            }
            let node = doc.at_path(&path);
            mistakes.push(Mistake {
                at: node.at,
                message: format!("`{shown}`: {}", tidy(&message)),
            });
            if path.is_empty() || !doc.remove(&path) {
                break;
            }
        }
    }
    (None, mistakes)
}

fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// `variables[2].default`, as people read a path.
fn shown_path(path: &[Step]) -> String {
    let mut shown = String::new();
    for step in path {
        match step {
            Step::Key(key) if shown.is_empty() => shown.push_str(key),
            Step::Key(key) => {
                shown.push('.');
                shown.push_str(key);
            }
            Step::Index(index) => shown.push_str(&format!("[{index}]")),
        }
    }
    shown
}

fn in_section(path: &[Step]) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("`{}`: ", shown_path(path))
    }
}

/// The text between `prefix` and the next backtick.
fn quoted(message: &str, prefix: &str) -> Option<String> {
    let start = message.find(prefix)? + prefix.len();
    let end = message[start..].find('`')?;
    Some(message[start..start + end].to_owned())
}

/// Untagged enums say nothing useful about what was expected.
fn tidy(message: &str) -> String {
    if message.contains("did not match any variant of untagged enum Service") {
        "expected true, false or a condition such as '(eq platform \"discord\")'".to_owned()
    } else if message.contains("did not match any variant of untagged enum Check") {
        "expected a check name such as `go vet`, or a command as a list such as [make, lint]"
            .to_owned()
    } else {
        message.to_owned()
    }
}

/// Fills a missing field with an empty string, so the rest of its item can be checked.
fn insert(doc: &mut Node, path: &[Step], field: &str) -> bool {
    let mut node = doc;
    for step in path {
        let next = match (&mut node.kind, step) {
            (Kind::Map(entries), Step::Key(key)) => entries
                .iter_mut()
                .find(|(name, _, _)| name == key)
                .map(|(_, _, child)| child),
            (Kind::Seq(items), Step::Index(index)) => items.get_mut(*index),
            _ => None,
        };
        match next {
            Some(child) => node = child,
            None => return false,
        }
    }
    let at = node.at;
    match &mut node.kind {
        Kind::Map(entries) => {
            entries.push((
                field.to_owned(),
                at,
                Node {
                    at,
                    kind: Kind::Scalar(Value::String(String::new())),
                },
            ));
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_mistake_where_it_is() {
        let doc = Node::parse(
            "name: x\nversion: 1\ncolour: red\nvariables:\n  - name: a\n    type: bool\n    defualt: true\n  - name: b\n    type: int\n    min: low\n",
        )
        .unwrap();
        let (manifest, mistakes) = check(&doc);
        assert!(manifest.is_none());
        let found: Vec<String> = mistakes
            .iter()
            .map(|m| format!("{}:{} {}", m.at.line, m.at.col, m.message))
            .collect();
        let all = found.join("\n");
        for expected in [
            "3:1 unknown field `colour`",
            "7:5 `variables[0]`: unknown field `defualt`",
            "10:10 `variables[1].min`: invalid type",
            "missing field `description`",
        ] {
            assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
        }
    }

    #[test]
    fn a_good_manifest_has_no_mistakes() {
        let doc = Node::parse("name: x\ndescription: d\nversion: 0.1.0\n").unwrap();
        let (manifest, mistakes) = check(&doc);
        assert!(mistakes.is_empty(), "{mistakes:?}");
        assert_eq!(manifest.unwrap().name, "x");
    }
}
