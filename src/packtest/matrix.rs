//! The answer sets `scaffold pack test` renders: the defaults, then every combination of the
//! pack's bool and choice variables, or a covering set of pairs when there are too many.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::pack::{Variable, VariableKind};

/// Above this many combinations, every pair of values is covered instead of every product.
pub const MAX_FULL_PRODUCT: usize = 64;

/// One answer set: values for some variables, defaults for the rest.
pub type Answers = Map<String, Value>;

/// How the sets were chosen, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Full,
    Pairwise,
}

/// The defaults (an empty set) first, then the combinations, without repeating the defaults.
pub fn combinations(variables: &[Variable]) -> (Vec<Answers>, Strategy) {
    let axes: Vec<(&str, Vec<Value>)> = variables
        .iter()
        .filter_map(|var| match var.kind {
            VariableKind::Bool => Some((var.name.as_str(), vec![false.into(), true.into()])),
            VariableKind::Choice if !var.choices.is_empty() => Some((
                var.name.as_str(),
                var.choices
                    .iter()
                    .map(|c| Value::from(c.as_str()))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let product: usize = axes
        .iter()
        .map(|(_, values)| values.len())
        .fold(1usize, usize::saturating_mul);
    let (rows, strategy) = if product <= MAX_FULL_PRODUCT {
        (full(&axes), Strategy::Full)
    } else {
        (pairwise(&axes), Strategy::Pairwise)
    };
    let mut sets = vec![Answers::new()];
    let defaults: Answers = variables
        .iter()
        .filter_map(|var| Some((var.name.clone(), var.default.clone()?)))
        .collect();
    for row in rows {
        let is_default = row
            .iter()
            .all(|(name, value)| defaults.get(name) == Some(value));
        if !is_default {
            sets.push(row);
        }
    }
    (sets, strategy)
}

fn full(axes: &[(&str, Vec<Value>)]) -> Vec<Answers> {
    let mut rows = vec![Answers::new()];
    for (name, values) in axes {
        rows = rows
            .into_iter()
            .flat_map(|row| {
                values.iter().map(move |value| {
                    let mut row = row.clone();
                    row.insert((*name).to_owned(), value.clone());
                    row
                })
            })
            .collect();
    }
    rows
}

/// A greedy covering array: each row picks, variable by variable, the value that covers the
/// most pairs not yet seen, until every pair of values of every two variables is covered.
fn pairwise(axes: &[(&str, Vec<Value>)]) -> Vec<Answers> {
    let mut uncovered: HashSet<(usize, usize, usize, usize)> = HashSet::new();
    for a in 0..axes.len() {
        for b in a + 1..axes.len() {
            for va in 0..axes[a].1.len() {
                for vb in 0..axes[b].1.len() {
                    uncovered.insert((a, va, b, vb));
                }
            }
        }
    }
    let mut rows = Vec::new();
    while !uncovered.is_empty() {
        // Seed the row with an uncovered pair so every row makes progress.
        let &(sa, sva, sb, svb) = uncovered.iter().min().expect("the set is not empty");
        let mut chosen: Vec<Option<usize>> = vec![None; axes.len()];
        chosen[sa] = Some(sva);
        chosen[sb] = Some(svb);
        for axis in 0..axes.len() {
            if chosen[axis].is_some() {
                continue;
            }
            let gain = |value: usize| {
                chosen
                    .iter()
                    .enumerate()
                    .filter_map(|(other, v)| v.map(|v| (other, v)))
                    .filter(|&(other, v)| {
                        let key = if other < axis {
                            (other, v, axis, value)
                        } else {
                            (axis, value, other, v)
                        };
                        uncovered.contains(&key)
                    })
                    .count()
            };
            let best = (0..axes[axis].1.len())
                .max_by_key(|&value| (gain(value), std::cmp::Reverse(value)))
                .unwrap_or(0);
            chosen[axis] = Some(best);
        }
        let picked: Vec<usize> = chosen.into_iter().map(|v| v.unwrap_or(0)).collect();
        for a in 0..axes.len() {
            for b in a + 1..axes.len() {
                uncovered.remove(&(a, picked[a], b, picked[b]));
            }
        }
        rows.push(
            axes.iter()
                .zip(&picked)
                .map(|((name, values), &index)| ((*name).to_owned(), values[index].clone()))
                .collect(),
        );
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, kind: VariableKind, choices: &[&str]) -> Variable {
        serde_json::from_value(serde_json::json!({
            "name": name,
            "type": kind.as_str(),
            "choices": choices,
        }))
        .unwrap()
    }

    #[test]
    fn small_products_are_complete() {
        let vars = [
            var("a", VariableKind::Bool, &[]),
            var("b", VariableKind::Choice, &["x", "y", "z"]),
            var("c", VariableKind::String, &[]),
        ];
        let (sets, strategy) = combinations(&vars);
        assert_eq!(strategy, Strategy::Full);
        assert_eq!(sets.len(), 1 + 6);
        assert!(sets[0].is_empty());
    }

    #[test]
    fn large_products_cover_every_pair() {
        let vars: Vec<Variable> = (0..8)
            .map(|i| var(&format!("v{i}"), VariableKind::Choice, &["a", "b", "c"]))
            .collect();
        let (sets, strategy) = combinations(&vars);
        assert_eq!(strategy, Strategy::Pairwise);
        // 3^8 = 6561 combinations; pairs need at least 9 rows.
        assert!(sets.len() < 30, "{}", sets.len());
        for a in 0..8 {
            for b in a + 1..8 {
                for x in ["a", "b", "c"] {
                    for y in ["a", "b", "c"] {
                        let covered = sets
                            .iter()
                            .skip(1)
                            .any(|row| row[&format!("v{a}")] == x && row[&format!("v{b}")] == y);
                        assert!(covered, "v{a}={x} v{b}={y}");
                    }
                }
            }
        }
    }
}
