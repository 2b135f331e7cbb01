//! Reading YAML a user wrote (an `--answers` file, `.scaffold.yaml`): bounded, never from a
//! pipe or device, and with parser errors put in plain words with a line and column.

use std::io::Read;
use std::path::Path;

use anyhow::Result;
use serde_json::{Map, Value};

use crate::error::usage;

/// The most an answers file may hold; real ones are a few hundred bytes.
pub const MAX_ANSWERS_BYTES: u64 = 1024 * 1024;

/// The `key: value` mapping in the answers file at `path`. A FIFO, device or directory is
/// refused before it is opened (opening a FIFO would wait for a writer forever), and so is
/// a file past [`MAX_ANSWERS_BYTES`].
pub fn read_answers_file(path: &Path) -> Result<Map<String, Value>> {
    let shown = path.display();
    let metadata = std::fs::metadata(path)
        .map_err(|err| usage(format!("reading the answers file {shown}: {err}")))?;
    if !metadata.is_file() {
        return Err(usage(format!(
            "the answers file {shown} is {}, not a regular file: write the answers to a file and pass its path",
            kind_of(&metadata)
        )));
    }
    let too_large = || {
        usage(format!(
            "the answers file {shown} is larger than 1 MiB: an answers file holds `key: value` lines, one per variable"
        ))
    };
    if metadata.len() > MAX_ANSWERS_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_ANSWERS_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|err| usage(format!("reading the answers file {shown}: {err}")))?;
    if bytes.len() as u64 > MAX_ANSWERS_BYTES {
        return Err(too_large());
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| usage(format!("the answers file {shown} is not UTF-8 text")))?;
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    let mapping: Map<String, Value> = serde_saphyr::from_str(&text).map_err(|err| {
        usage(format!(
            "{shown} is not a YAML mapping of `key: value` answers: {}",
            plain_yaml_error(&err)
        ))
    })?;
    Ok(recorded_answers_of(mapping))
}

/// A project's `.scaffold.yaml` is an answers file too: its `answers:` are the answers, and
/// the rest (pack, versions, components, file hashes) is about the project, not a question.
fn recorded_answers_of(mut mapping: Map<String, Value>) -> Map<String, Value> {
    let is_record = mapping.contains_key("scaffold_version")
        && mapping.get("answers").is_some_and(Value::is_object);
    match mapping.remove("answers") {
        Some(Value::Object(answers)) if is_record => answers,
        Some(other) => {
            mapping.insert("answers".into(), other);
            mapping
        }
        None => mapping,
    }
}

/// What went wrong in a YAML document, in words a user can act on, on one line, with the
/// line and column when the parser knows them. Parser internals (budgets, policies) are
/// translated, never shown.
pub fn plain_yaml_error(err: &serde_saphyr::Error) -> String {
    let rendered = err.render_with_options(serde_saphyr::render_options! {
        formatter: &serde_saphyr::UserMessageFormatter,
        snippets: serde_saphyr::SnippetMode::Off,
    });
    let first = rendered.lines().next().unwrap_or_default().trim();
    let at = err
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
        .unwrap_or_default();
    let lower = first.to_ascii_lowercase();
    let reason = if ["budget", "limits breached", "too complex"]
        .iter()
        .any(|word| lower.contains(word))
    {
        "it is too large or nests too deeply (aliases and anchors included) to be an answers document".to_owned()
    } else if lower.contains("duplicate") {
        "a key appears twice: keep one of them".to_owned()
    } else if lower.contains("policy") || lower.contains("option") {
        // Any other message that points at parser settings rather than the document.
        "the document is not plain YAML that scaffold reads".to_owned()
    } else {
        // The formatter already says where; avoid saying it twice.
        return first.to_owned();
    };
    format!("{reason}{at}")
}

fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
    if metadata.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

#[cfg(test)]
mod tests {
    use super::plain_yaml_error;
    use serde_json::{Map, Value};

    fn error_for(text: &str) -> String {
        let err = serde_saphyr::from_str::<Map<String, Value>>(text).unwrap_err();
        plain_yaml_error(&err)
    }

    #[test]
    fn parser_internals_become_plain_words() {
        let duplicate = error_for("port: 1\nport: 2\n");
        assert!(duplicate.contains("appears twice"), "{duplicate}");
        assert!(duplicate.contains("line 2"), "{duplicate}");
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_owned()
            } else {
                format!("b{}", i - 1)
            };
            bomb.push_str(&format!(
                "b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let budget = error_for(&bomb);
        assert!(budget.contains("nests too deeply"), "{budget}");
        for message in [
            duplicate,
            budget,
            error_for("a: [1, 2\n"),
            error_for("- a\n"),
        ] {
            assert!(!message.contains("Policy"), "{message}");
            assert!(!message.contains("budget"), "{message}");
            assert!(!message.contains("breached"), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }
}
