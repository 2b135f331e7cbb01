//! Go module paths as the go command checks them, so `go build` accepts the generated go.mod.

/// Names Windows reserves: the go command refuses them as path elements (before any dot).
const WINDOWS_RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Why the go command would call `path` a malformed module path, or `Ok`. Mirrors the
/// element rules of golang.org/x/mod/module.CheckPath (without requiring a dot in the host,
/// which a main module does not need).
pub fn check_module_path(path: &str) -> Result<(), String> {
    let bad = |why: String| Err(format!("`{path}` is not a module path Go accepts: {why}"));
    if path.starts_with('-') {
        return bad("it starts with a dash".into());
    }
    for elem in path.split('/') {
        if elem.is_empty() {
            return bad("it has an empty path element".into());
        }
        if !elem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
        {
            return bad(format!(
                "`{elem}` may hold only letters, digits and - . _ ~"
            ));
        }
        if elem.starts_with('.') || elem.ends_with('.') {
            return bad(format!("`{elem}` starts or ends with a dot"));
        }
        if let Some((_, digits)) = elem.rsplit_once('~')
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            return bad(format!(
                "`{elem}` ends in a tilde and digits (a Windows short name)"
            ));
        }
        let stem = elem.split('.').next().unwrap_or(elem);
        if WINDOWS_RESERVED
            .iter()
            .any(|r| r.eq_ignore_ascii_case(stem))
        {
            return bad(format!("`{stem}` is a name Windows reserves"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_module_path;

    #[test]
    fn accepts_what_go_builds_and_refuses_what_it_calls_malformed() {
        for ok in [
            "github.com/acme/orders",
            "x",
            "x.com/a_b~c/D.e/v2",
            "example.com/console",
        ] {
            assert_eq!(check_module_path(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("x/a.", "dot"),
            ("x/.a", "dot"),
            ("x/con", "Windows reserves"),
            ("x/Nul.txt", "Windows reserves"),
            ("x/ab~1", "tilde and digits"),
            ("-x/y", "dash"),
            ("x//y", "empty"),
            ("x/a b", "letters, digits"),
        ] {
            let err = check_module_path(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
