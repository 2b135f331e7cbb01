//! Changing `.scaffold.yaml` by editing its text, so the user's comments and layout stay:
//! new components are appended to the `components:` list and new or changed answers are
//! written on their own lines under `answers:`.

use serde_json::{Map, Value};

use super::ProjectRecord;

/// `text` changed to record `updated`, or `None` when the change is not one this knows how
/// to make by editing lines (the caller then writes the record afresh). The result is
/// checked by parsing it back.
pub fn edit(text: &str, updated: &ProjectRecord) -> Option<String> {
    let old = ProjectRecord::from_yaml(text).ok()?;
    let same_rest = old.scaffold_version == updated.scaffold_version
        && old.pack == updated.pack
        && old.build == updated.build;
    let only_appended = updated.components.starts_with(&old.components);
    if !same_rest || !only_appended {
        return None;
    }
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if old.files != updated.files {
        replace_files_block(&mut lines, updated);
    }
    let added = &updated.components[old.components.len()..];
    if !added.is_empty() {
        append_components(&mut lines, added)?;
    }
    for (key, value) in &updated.answers {
        if old.answers.get(key) != Some(value) {
            set_answer(&mut lines, key, value)?;
        }
    }
    if old
        .answers
        .keys()
        .any(|key| !updated.answers.contains_key(key))
    {
        return None;
    }
    let mut edited = lines.join("\n");
    edited.push('\n');
    (ProjectRecord::from_yaml(&edited).ok()? == *updated).then_some(edited)
}

/// The index of the top-level `key:` line and what follows the colon (comment removed).
fn top_level(lines: &[String], key: &str) -> Option<(usize, String)> {
    lines.iter().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        let rest = match rest.find(" #") {
            Some(at) => &rest[..at],
            None => rest,
        };
        Some((i, rest.trim().to_owned()))
    })
}

/// The last line of the block under the top-level key at `start`: the last indented (or,
/// for a list, `- `) line before the next top-level key.
fn block_end(lines: &[String], start: usize) -> usize {
    let mut end = start;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '-']) {
            end = i;
        } else {
            break;
        }
    }
    end
}

/// The `files:` block is scaffold's own bookkeeping: it is written afresh at the end, with
/// the comment lines right above it that scaffold wrote.
fn replace_files_block(lines: &mut Vec<String>, updated: &ProjectRecord) {
    if let Some((at, _)) = top_level(lines, "files") {
        let end = block_end(lines, at);
        let ours = at >= 2 && lines[at - 2].starts_with("# The sha256 of each file");
        let start = if ours { at - 2 } else { at };
        lines.drain(start..=end);
    }
    lines.extend(updated.files_block().lines().map(str::to_owned));
}

fn indent_of(line: &str) -> String {
    line[..line.len() - line.trim_start().len()].to_owned()
}

fn append_components(lines: &mut Vec<String>, added: &[String]) -> Option<()> {
    let (at, rest) = top_level(lines, "components")?;
    if let Some(inner) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let mut items: Vec<String> = inner
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        items.extend(added.iter().cloned());
        lines[at] = format!("components: [{}]", items.join(", "));
        return Some(());
    }
    if !rest.is_empty() {
        return None;
    }
    let end = block_end(lines, at);
    if end == at {
        return None;
    }
    let indent = indent_of(
        &lines[at + 1..=end]
            .iter()
            .find(|l| l.trim_start().starts_with("- "))?
            .clone(),
    );
    for (offset, name) in added.iter().enumerate() {
        lines.insert(end + 1 + offset, format!("{indent}- {name}"));
    }
    Some(())
}

fn set_answer(lines: &mut Vec<String>, key: &str, value: &Value) -> Option<()> {
    let mut single = Map::new();
    single.insert(key.to_owned(), value.clone());
    let rendered = serde_saphyr::to_string(&single).ok()?;
    let rendered: Vec<&str> = rendered
        .lines()
        .filter(|l| *l != "---" && !l.is_empty())
        .collect();
    let (at, rest) = top_level(lines, "answers")?;
    if rest == "{}" {
        lines[at] = "answers:".to_owned();
        for (offset, line) in rendered.iter().enumerate() {
            lines.insert(at + 1 + offset, format!("  {line}"));
        }
        return Some(());
    }
    if !rest.is_empty() {
        return None;
    }
    let end = block_end(lines, at);
    let indent = indent_of(
        lines
            .get(at + 1..=end)?
            .iter()
            .find(|l| !l.trim().is_empty())?,
    );
    if indent.is_empty() {
        return None;
    }
    let existing = (at + 1..=end).find(|&i| {
        lines[i]
            .strip_prefix(indent.as_str())
            .and_then(|l| l.strip_prefix(key))
            .is_some_and(|l| l.starts_with(':'))
    });
    let insert_at = match existing {
        Some(i) => {
            // Only a value on one line is replaced in place; a multi-line one is rewritten.
            let continued = lines
                .get(i + 1)
                .is_some_and(|next| next.len() - next.trim_start().len() > indent.len());
            if continued {
                return None;
            }
            lines.remove(i);
            i
        }
        None => end + 1,
    };
    for (offset, line) in rendered.iter().enumerate() {
        lines.insert(insert_at + offset, format!("{indent}{line}"));
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "---\n# my notes about this project\nscaffold_version: 0.1.0\n\
components:\n  - license # the client asked for MIT\n  - docker\nanswers:\n  \
# keep the port in sync with the load balancer\n  port: 8080\n  author: Ada\n";

    #[test]
    fn components_and_answers_are_edited_in_place_keeping_comments() {
        let mut updated = ProjectRecord::from_yaml(TEXT).unwrap();
        updated.components.push("helm".into());
        updated.answers.insert("port".into(), Value::from(9090));
        updated.answers.insert("chart".into(), Value::from("a: b"));
        let edited = edit(TEXT, &updated).unwrap();
        assert_eq!(ProjectRecord::from_yaml(&edited).unwrap(), updated);
        let expected_start = "---\n# my notes about this project\nscaffold_version: 0.1.0\n\
components:\n  - license # the client asked for MIT\n  - docker\n  - helm\nanswers:\n  \
# keep the port in sync with the load balancer\n  port: 9090\n  author: Ada\n  chart: ";
        assert!(edited.starts_with(expected_start), "{edited}");
    }

    #[test]
    fn flow_lists_and_empty_mappings_are_extended() {
        let text = "scaffold_version: 0.1.0\ncomponents: []\nanswers: {}\n";
        let mut updated = ProjectRecord::from_yaml(text).unwrap();
        updated.components.push("docker".into());
        updated.answers.insert("port".into(), Value::from(1));
        assert_eq!(
            edit(text, &updated).unwrap(),
            "scaffold_version: 0.1.0\ncomponents: [docker]\nanswers:\n  port: 1\n"
        );
    }

    #[test]
    fn a_removal_is_left_to_a_fresh_rendering() {
        let mut updated = ProjectRecord::from_yaml(TEXT).unwrap();
        updated.components.remove(0);
        assert_eq!(edit(TEXT, &updated), None);
    }
}
