//! Placeholder identity: without a git identity the defaults say `Your Name` and
//! `github.com/your-name/…`, which must not reach a client unnoticed.

use serde_json::{Map, Value};

/// What the packs' defaults fall back to without `git config user.name`.
pub const PLACEHOLDER_AUTHOR: &str = "Your Name";
/// The handle (and module path segment) derived from [`PLACEHOLDER_AUTHOR`].
pub const PLACEHOLDER_HANDLE: &str = "your-name";

/// The names of the answers that still hold the placeholder identity, in answer order.
pub fn placeholders(answers: &Map<String, Value>) -> Vec<String> {
    answers
        .iter()
        .filter(|(_, value)| {
            value.as_str().is_some_and(|text| {
                text == PLACEHOLDER_AUTHOR
                    || text == PLACEHOLDER_HANDLE
                    || text.split('/').any(|segment| segment == PLACEHOLDER_HANDLE)
            })
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// One line on stderr when answers hold placeholders, saying how to give real values.
pub fn warn_placeholders(answers: &Map<String, Value>) {
    let names = placeholders(answers);
    if names.is_empty() {
        return;
    }
    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    crate::say!(
        "scaffold: warning: {} {} (`{PLACEHOLDER_AUTHOR}`, `{PLACEHOLDER_HANDLE}`) because git has no user.name: pass --set author=\"Full Name\" --set module_path=host/owner/project (or run `git config --global user.name`)",
        listed.join(", "),
        if names.len() == 1 {
            "holds a placeholder"
        } else {
            "hold placeholders"
        }
    );
}

#[cfg(test)]
mod tests {
    use super::placeholders;
    use serde_json::json;

    #[test]
    fn finds_placeholder_answers() {
        let answers = json!({
            "project_name": "orders",
            "author": "Your Name",
            "author_handle": "your-name",
            "module_path": "github.com/your-name/orders",
            "description": "Owned by your-name-less people",
        });
        assert_eq!(
            placeholders(answers.as_object().unwrap()),
            ["author", "author_handle", "module_path"]
        );
        let real = json!({"author": "Ada", "module_path": "github.com/ada/orders"});
        assert!(placeholders(real.as_object().unwrap()).is_empty());
    }
}
