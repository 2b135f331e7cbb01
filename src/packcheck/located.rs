//! A YAML document as a tree that remembers where each key and value was written.
//!
//! The manifest is checked against its schema through this tree rather than by deserializing
//! `pack.yaml` straight into [`Manifest`](crate::pack::Manifest): a deserializer stops at the
//! first mistake, while the tree lets every mistake be reported, each at its line and column.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use serde_saphyr::Spanned;

/// A line and column, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: usize,
    pub col: usize,
}

impl Position {
    fn of<T>(spanned: &Spanned<T>) -> Self {
        Position {
            line: spanned.referenced.line() as usize,
            col: spanned.referenced.column() as usize,
        }
    }
}

/// One value of the document and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub at: Position,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Scalar(Value),
    Seq(Vec<Node>),
    /// Entries in document order, each key with its own position.
    Map(Vec<(String, Position, Node)>),
}

impl Node {
    /// Parses `text`; the error carries the position of the syntax mistake.
    pub fn parse(text: &str) -> Result<Node, serde_saphyr::Error> {
        let spanned: Spanned<Kind> = serde_saphyr::from_str(text)?;
        Ok(Node {
            at: Position::of(&spanned),
            kind: spanned.value,
        })
    }

    /// The value of `key` in a mapping, with the key's position.
    pub fn entry(&self, key: &str) -> Option<(Position, &Node)> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .find(|(name, _, _)| name == key)
                .map(|(_, at, node)| (*at, node)),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, node)| node)
    }

    /// The items of a sequence (none for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(items) => items,
            _ => &[],
        }
    }

    /// The scalar text, for strings.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(Value::String(text)) => Some(text),
            _ => None,
        }
    }

    /// The same document without positions, for deserializing.
    pub fn to_value(&self) -> Value {
        match &self.kind {
            Kind::Scalar(value) => value.clone(),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(key, _, node)| (key.clone(), node.to_value()))
                    .collect::<Map<_, _>>(),
            ),
        }
    }

    /// Removes the value at `path` (map keys and sequence indexes); false when there is none.
    pub fn remove(&mut self, path: &[Step]) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        let mut node = self;
        for step in parents {
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
        match (&mut node.kind, last) {
            (Kind::Map(entries), Step::Key(key)) => {
                let before = entries.len();
                entries.retain(|(name, _, _)| name != key);
                entries.len() != before
            }
            (Kind::Seq(items), Step::Index(index)) if *index < items.len() => {
                items.remove(*index);
                true
            }
            _ => false,
        }
    }

    /// The node at `path`, or the deepest one that exists on the way.
    pub fn at_path(&self, path: &[Step]) -> &Node {
        let mut node = self;
        for step in path {
            let next = match (step, &node.kind) {
                (Step::Key(key), Kind::Map(_)) => node.get(key),
                (Step::Index(index), Kind::Seq(items)) => items.get(*index),
                _ => None,
            };
            match next {
                Some(child) => node = child,
                None => break,
            }
        }
        node
    }
}

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor)
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Kind, E> {
        Ok(Kind::Scalar(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Kind, E> {
        Ok(Kind::Scalar(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Kind, E> {
        Ok(Kind::Scalar(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Kind, E> {
        Ok(Kind::Scalar(Value::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Kind, E> {
        Ok(Kind::Scalar(Value::from(v)))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Kind, E> {
        Ok(Kind::Scalar(Value::from(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind::Scalar(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind::Scalar(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Kind, D::Error> {
        Kind::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Kind>>()? {
            items.push(Node {
                at: Position::of(&item),
                kind: item.value,
            });
        }
        Ok(Kind::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let value: Spanned<Kind> = map.next_value()?;
            entries.push((
                key.value.0.clone(),
                Position::of(&key),
                Node {
                    at: Position::of(&value),
                    kind: value.value,
                },
            ));
        }
        Ok(Kind::Map(entries))
    }
}

/// A mapping key as text, whatever scalar it was written as (`1:` or `true:` too).
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Kind::deserialize(deserializer)? {
            Kind::Scalar(Value::String(text)) => Ok(KeyText(text)),
            Kind::Scalar(other) => Ok(KeyText(other.to_string())),
            _ => Err(de::Error::custom("a mapping key must be a plain value")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let doc = Node::parse("name: x\nvariables:\n  - name: a\n    type: bool\n").unwrap();
        let (key_at, vars) = doc.entry("variables").unwrap();
        assert_eq!(key_at, Position { line: 2, col: 1 });
        let first = &vars.items()[0];
        let (type_at, kind) = first.entry("type").unwrap();
        assert_eq!(type_at, Position { line: 4, col: 5 });
        assert_eq!(kind.at, Position { line: 4, col: 11 });
        assert_eq!(
            doc.to_value(),
            serde_json::json!({"name": "x", "variables": [{"name": "a", "type": "bool"}]})
        );
    }
}
